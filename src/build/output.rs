//! Writing output: each file is written only when its bytes changed, through a
//! temporary file and a rename, so an error or Ctrl-C never leaves a
//! half-written file. Files a previous build wrote and this one did not are
//! removed, using the list kept in the build state (see [`crate::build::cache`]);
//! nothing else in the output folder is touched.
//!
//! Nothing is written or removed through a symbolic link inside the output
//! folder: every folder on the way to a file is proved a real folder
//! (`symlink_metadata`, once per build), a link there is refused
//! ([`Error::Link`]), a link in place of an output file is replaced by the
//! file, and only regular files are removed. Each file that the last build
//! did not list is added to the journal before it is written, so that a
//! build that is killed leaves nothing the next one does not know of.
//! Temporary files are removed by the Ctrl-C handler
//! ([`stop_writing`]) and, should any survive (a killed build),
//! by the next build ([`Output::sweep`]).

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicBool, AtomicUsize};

use rustc_hash::FxHashSet;

use crate::build::cache;
use crate::error::{Error, Result};

/// The list of files written by versions of polybook that kept it in the
/// output folder; read once, then removed.
pub const LEGACY_FILES: &str = ".polybook-files";
/// The manifest those versions kept in the output folder; removed.
pub const LEGACY_MANIFEST: &str = ".polybook-build";

/// The output folder of a build, with its build state.
pub struct Output {
    /// The real output folder.
    dir: PathBuf,
    /// Its state folder (see [`crate::build::cache`]).
    state: PathBuf,
    /// The build created the output folder: no file needs comparing.
    new_folder: bool,
    /// Whether the output folder holds the list and manifest of an earlier
    /// version, to remove once the list is in the build state.
    legacy: bool,
    journal: Mutex<Journal>,
    /// Folders (relative) proved real in this round of writes.
    folders: Mutex<FxHashSet<String>>,
}

/// The files the next build will know of, and the journal file, opened on
/// the first file that needs it.
struct Journal {
    /// Files the last build listed, those that builds which did not finish
    /// wrote (from the journal, or the list of an earlier version), and
    /// those written since.
    known: FxHashSet<String>,
    file: Option<std::fs::File>,
}

impl Output {
    /// Opens the real output folder `dir` of the project `root` for a build,
    /// creating it and its state folder, and reads what earlier builds wrote.
    /// `new_folder`: the folder does not exist yet.
    pub fn open(root: &Path, dir: &Path, new_folder: bool) -> Result<Output> {
        let state = cache::prepare(root, dir)?;
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
        let mut previous = BTreeSet::new();
        read_list(&state.join(cache::FILES), &mut previous);
        read_list(&state.join(cache::JOURNAL), &mut previous);
        let legacy = !new_folder
            && std::fs::symlink_metadata(dir.join(LEGACY_FILES)).is_ok_and(|m| m.is_file());
        if legacy {
            read_list(&dir.join(LEGACY_FILES), &mut previous);
        }
        let known = previous.into_iter().collect();
        Ok(Output {
            dir: dir.to_path_buf(),
            state,
            new_folder,
            legacy,
            journal: Mutex::new(Journal { known, file: None }),
            folders: Mutex::default(),
        })
    }

    /// The state folder.
    pub fn state(&self) -> &Path {
        &self.state
    }

    /// Starts a new round of writes (a rebuild): folders are proved again,
    /// and files are compared before they are written.
    pub fn begin(&mut self) {
        self.new_folder = false;
        self.folders.get_mut().expect("folders lock").clear();
    }

    /// Writes `bytes` to `rel` (relative, `/`-separated) unless the file
    /// already holds them. Returns whether the file was written.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<bool> {
        let (dir, path) = self.target(rel)?;
        let exists = if self.new_folder {
            false
        } else {
            match same_bytes(&path, bytes) {
                Ok(true) => return Ok(false),
                Ok(false) => true,
                Err(e) => e.kind() != std::io::ErrorKind::NotFound,
            }
        };
        self.note(rel)?;
        // Generated files can be made again: the rename alone keeps a
        // half-written file from ever appearing, without a disk flush per file.
        replace(&dir, &path, bytes, false, exists)?;
        Ok(true)
    }

    /// [`Output::write`] for a file too large to hold in memory: `produce`
    /// writes its bytes into the temporary file as they are made, compared
    /// on the way with the file already there, and returns whether the
    /// file was made. One that was not made, or that holds the same bytes,
    /// leaves the output as it was. Returns whether the file was written.
    pub fn write_streamed(
        &self,
        rel: &str,
        produce: &mut dyn FnMut(&mut dyn Write) -> bool,
    ) -> Result<bool> {
        let (dir, path) = self.target(rel)?;
        let (existing, exists) = if self.new_folder {
            (None, false)
        } else {
            match open_existing(&path) {
                Ok(file) => (file, true),
                Err(e) => (None, e.kind() != std::io::ErrorKind::NotFound),
            }
        };
        let (tmp, _listed) = temporary(&dir)?;
        let mut streamed = Streamed {
            out: std::io::BufWriter::with_capacity(STREAM_BUFFER, tmp.as_file()),
            existing: existing.map(|f| std::io::BufReader::with_capacity(STREAM_BUFFER, f)),
            scratch: Vec::new(),
            error: None,
        };
        let made = produce(&mut streamed);
        let same = streamed
            .finish()
            .map_err(|e| Error::io("write", &path, e))?;
        if !made || same {
            return Ok(false);
        }
        self.note(rel)?;
        put(tmp, &path, false, exists)?;
        Ok(true)
    }

    /// The real folder of `rel` in the output (made when needed) and its path.
    fn target(&self, rel: &str) -> Result<(PathBuf, PathBuf)> {
        if !valid(rel) {
            return Err(Error::io(
                "write",
                self.dir.join(rel),
                std::io::Error::from(std::io::ErrorKind::InvalidInput),
            ));
        }
        let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let dir = self.folder(folder)?;
        let path = dir.join(name);
        Ok((dir, path))
    }

    /// Adds `rel` to the journal unless the next build knows of it.
    fn note(&self, rel: &str) -> Result<()> {
        let mut journal = self.journal.lock().expect("journal lock");
        if journal.known.contains(rel) {
            return Ok(());
        }
        let path = self.state.join(cache::JOURNAL);
        if journal.file.is_none() {
            let open = || {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
            };
            // The state folder is made again if it was deleted meanwhile.
            let file = match open() {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    std::fs::create_dir_all(&self.state)
                        .map_err(|e| Error::io("create the folder", &self.state, e))?;
                    open()
                }
                other => other,
            }
            .map_err(|e| Error::io("open", &path, e))?;
            journal.file = Some(file);
        }
        let file = journal.file.as_mut().expect("opened above");
        // One write per line: a killed build leaves whole lines.
        file.write_all(format!("{rel}\n").as_bytes())
            .map_err(|e| Error::io("write", &path, e))?;
        journal.known.insert(rel.to_string());
        Ok(())
    }

    /// The real folder `rel` of the output (relative, `/`-separated, empty
    /// for the output folder itself), each folder on the way proved a real
    /// folder or created.
    fn folder(&self, rel: &str) -> Result<PathBuf> {
        let path = self.dir.join(rel);
        if rel.is_empty() || self.folders.lock().expect("folders lock").contains(rel) {
            return Ok(path);
        }
        let mut dir = self.dir.clone();
        let mut so_far = String::new();
        for part in rel.split('/') {
            dir.push(part);
            if !so_far.is_empty() {
                so_far.push('/');
            }
            so_far.push_str(part);
            if self.folders.lock().expect("folders lock").contains(&so_far) {
                continue;
            }
            real_folder(&dir, true)?;
            self.folders
                .lock()
                .expect("folders lock")
                .insert(so_far.clone());
        }
        Ok(path)
    }

    /// Removes the files that earlier builds wrote and `current` does not
    /// hold, except those `keep` says lie outside this build's scope (which
    /// stay listed); then records the new list in the build state, empties
    /// the journal and removes the list and manifest of an earlier version.
    /// Returns how many files were removed.
    pub fn finish(
        &mut self,
        current: &BTreeSet<String>,
        keep: &dyn Fn(&str) -> bool,
    ) -> Result<usize> {
        let mut removed = 0;
        let mut listed = current.clone();
        let known = std::mem::take(&mut self.journal.get_mut().expect("journal lock").known);
        for rel in known.iter().filter(|r| !current.contains(*r)) {
            if keep(rel) {
                listed.insert(rel.clone());
            } else if self.remove(rel) {
                removed += 1;
            }
        }
        let mut list = String::new();
        for rel in &listed {
            list.push_str(rel);
            list.push('\n');
        }
        write_file(&self.state.join(cache::FILES), list.as_bytes())?;
        // Should another build have taken the state folder for one of an
        // output folder that is gone.
        cache::record_output(&self.state, &self.dir)?;
        // Everything is listed now: the journal (this build's, or that of a
        // build that did not finish) has served.
        let journal = self.journal.get_mut().expect("journal lock");
        journal.file = None;
        journal.known = listed.iter().cloned().collect();
        let path = self.state.join(cache::JOURNAL);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::io("remove", &path, e));
            }
            _ => {}
        }
        if self.legacy {
            for name in [LEGACY_FILES, LEGACY_MANIFEST] {
                let path = self.dir.join(name);
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                    std::fs::remove_file(&path).map_err(|e| Error::io("remove", &path, e))?;
                }
            }
            self.legacy = false;
        }
        Ok(removed)
    }

    /// Removes the output file `rel`, when it is a regular file at a path
    /// proved inside the output folder, and then the folders it leaves empty.
    fn remove(&self, rel: &str) -> bool {
        if !valid(rel) {
            return false;
        }
        let mut dir = self.dir.clone();
        let mut parts: Vec<&str> = rel.split('/').collect();
        let name = parts.pop().unwrap_or_default();
        for part in &parts {
            dir.push(part);
            if real_folder(&dir, false).is_err() {
                return false;
            }
        }
        let path = dir.join(name);
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file())
            || std::fs::remove_file(&path).is_err()
        {
            return false;
        }
        // The folders on the way were proved real just above.
        for _ in &parts {
            if std::fs::remove_dir(&dir).is_err() {
                break;
            }
            dir.pop();
        }
        true
    }

    /// Removes the temporary files that an interrupted build left in the
    /// output folder (without following links). Returns how many.
    pub fn sweep(&self) -> usize {
        walkdir::WalkDir::new(&self.dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file() && is_temporary(e.file_name()))
            .filter(|e| std::fs::remove_file(e.path()).is_ok())
            .count()
    }
}

/// Whether `rel` is a path a build can write: relative, `/`-separated,
/// without `.`, `..` or empty parts.
fn valid(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains(['\\', '\0'])
        && rel
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Whether a file name is one of the temporary files of [`replace`].
fn is_temporary(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(TEMP_PREFIX) && n.ends_with(TEMP_SUFFIX))
}

const TEMP_PREFIX: &str = ".polybook-";
const TEMP_SUFFIX: &str = ".tmp";

/// The buffer of a streamed write, and of the comparison with the file it
/// may replace.
const STREAM_BUFFER: usize = 64 * 1024;

/// Checks that `dir` is a real folder, not a link; with `create`, creates
/// it when it does not exist.
fn real_folder(dir: &Path, create: bool) -> Result<()> {
    let meta = match std::fs::symlink_metadata(dir) {
        Err(e) if create && e.kind() == std::io::ErrorKind::NotFound => {
            match std::fs::create_dir(dir) {
                Ok(()) => return Ok(()),
                // Made by another thread meanwhile: look again.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::fs::symlink_metadata(dir).map_err(|e| Error::io("open", dir, e))?
                }
                Err(e) => return Err(Error::io("create the folder", dir, e)),
            }
        }
        Err(e) => return Err(Error::io("open", dir, e)),
        Ok(meta) => meta,
    };
    if meta.file_type().is_symlink() {
        Err(Error::Link(dir.to_path_buf()))
    } else if meta.is_dir() {
        Ok(())
    } else {
        Err(Error::io(
            "create the folder",
            dir,
            std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        ))
    }
}

/// Whether the file at `path` holds `bytes`; a link there is opened as
/// anything but a file that holds them (it is then replaced, never followed).
fn same_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let Some(mut file) = open_existing(path)? else {
        return Ok(false);
    };
    if file.metadata()?.len() != bytes.len() as u64 {
        return Ok(false);
    }
    let mut existing = Vec::with_capacity(bytes.len() + 1);
    file.read_to_end(&mut existing)?;
    Ok(existing == bytes)
}

/// The regular file at `path`, opened to be compared with what a write
/// holds; `None` for a link or anything else there, which holds no bytes
/// of a write (it is then replaced, never followed).
fn open_existing(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    // Not through a link; and a FIFO put where a page goes does not block
    // the build (O_NONBLOCK does nothing to regular files).
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = match opts.open(path) {
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Ok(None),
        other => other?,
    };
    Ok(file.metadata()?.is_file().then_some(file))
}

/// Replaces (or creates) a file of the user's atomically and durably: a
/// temporary file in the same folder, flushed to disk, then a rename. An
/// existing file keeps its permissions.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    replace(dir, path, bytes, true, true)
}

/// Writes a file of the build state atomically (a temporary file and a
/// rename), creating its folder when needed.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    replace(dir, path, bytes, false, true)
}

/// The temporary files being written, for [`stop_writing`].
static IN_FLIGHT: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Set by [`stop_writing`].
static STOPPED: AtomicBool = AtomicBool::new(false);
/// Writes between the look at [`STOPPED`] and the listing of their
/// temporary file in [`IN_FLIGHT`].
static CREATING: AtomicUsize = AtomicUsize::new(0);

/// Stops every write for good, for a Ctrl-C handler before the process
/// exits: removes the temporary files of the writes under way, and any
/// write that follows removes its own and waits for the exit. Returns how
/// many files were removed.
pub fn stop_writing() -> usize {
    STOPPED.store(true, SeqCst);
    // Each temporary file being created is listed within moments.
    let started = std::time::Instant::now();
    while CREATING.load(SeqCst) > 0 && started.elapsed() < std::time::Duration::from_secs(1) {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    remove_in_flight()
}

/// Removes the temporary files of the writes under way.
fn remove_in_flight() -> usize {
    let paths = std::mem::take(&mut *IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner()));
    paths
        .iter()
        .filter(|p| std::fs::remove_file(p).is_ok())
        .count()
}

/// Sets what Ctrl-C does. With `stop` (`serve`, `build --watch`), the first
/// Ctrl-C sets it, for the loop to stop after the build under way, and a
/// second one stops at once; without, the first stops at once. Stopping at
/// once removes the temporary files of the writes under way and exits with
/// status 130.
pub fn on_interrupt(stop: Option<std::sync::Arc<AtomicBool>>) {
    let _ = ctrlc::set_handler(move || {
        if let Some(stop) = &stop
            && !stop.swap(true, SeqCst)
        {
            return;
        }
        stop_writing();
        let _ = writeln!(std::io::stderr(), "interrupted");
        std::process::exit(130);
    });
}

/// Counts a write in [`CREATING`] until it is dropped.
struct Creating;

impl Creating {
    fn new() -> Creating {
        CREATING.fetch_add(1, SeqCst);
        Creating
    }
}

impl Drop for Creating {
    fn drop(&mut self) {
        CREATING.fetch_sub(1, SeqCst);
    }
}

/// Keeps a temporary file listed in [`IN_FLIGHT`] while it exists.
struct InFlight(PathBuf);

impl InFlight {
    fn new(path: &Path) -> InFlight {
        IN_FLIGHT
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_path_buf());
        InFlight(path.to_path_buf())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.0);
    }
}

/// Writes `bytes` to `path` in `dir` through a temporary file in `dir` and a
/// rename (which replaces a link at `path`, never what it points to).
/// `exists`: whether `path` may exist (if not, its permissions are not
/// looked up).
fn replace(dir: &Path, path: &Path, bytes: &[u8], durable: bool, exists: bool) -> Result<()> {
    let (mut tmp, _listed) = temporary(dir)?;
    tmp.write_all(bytes)
        .map_err(|e| Error::io("write", path, e))?;
    put(tmp, path, durable, exists)
}

/// A new temporary file in `dir`, listed in [`IN_FLIGHT`] while the second
/// value lives.
fn temporary(dir: &Path) -> Result<(tempfile::NamedTempFile, InFlight)> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    // A temporary file is private (0600) by default; a new output file gets
    // the usual mode instead (0666 less the umask), so that a web server
    // running as another user can read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Once writing stopped, no temporary file is made; one made before is
    // listed before stop_writing removes those listed.
    let creating = Creating::new();
    if STOPPED.load(SeqCst) {
        drop(creating);
        loop {
            std::thread::park();
        }
    }
    let tmp = builder
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temporary file in", dir, e))?;
    let listed = InFlight::new(tmp.path());
    drop(creating);
    Ok((tmp, listed))
}

/// Renames the written temporary file `tmp` to `path`, after giving it the
/// permissions of the file there (when it `exists`) and, when `durable`,
/// flushing it to disk.
fn put(tmp: tempfile::NamedTempFile, path: &Path, durable: bool, exists: bool) -> Result<()> {
    if exists
        && let Ok(meta) = std::fs::symlink_metadata(path)
        && meta.is_file()
    {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    if durable {
        tmp.as_file().sync_data().ok();
    }
    tmp.persist(path)
        .map_err(|e| Error::io("replace", path, e.error))?;
    Ok(())
}

/// What a streamed write receives: written into the temporary file through
/// a buffer and, while they agree, compared with the file it may replace.
struct Streamed<'a> {
    out: std::io::BufWriter<&'a std::fs::File>,
    /// The file already there, while its bytes equal those written so far.
    existing: Option<std::io::BufReader<std::fs::File>>,
    scratch: Vec<u8>,
    /// The first write error, which the caller reports (a template only
    /// says that writing failed).
    error: Option<std::io::Error>,
}

impl Streamed<'_> {
    /// Flushes what is buffered; gives whether the bytes written are those
    /// of the file already there, or the first write error.
    fn finish(mut self) -> std::io::Result<bool> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(match self.existing.as_mut() {
            // Nothing may follow in the file already there.
            Some(existing) => existing.read(&mut [0u8])? == 0,
            None => false,
        })
    }
}

impl Write for Streamed<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(existing) = self.existing.as_mut() {
            self.scratch.resize(buf.len(), 0);
            if existing.read_exact(&mut self.scratch).is_err() || self.scratch != buf {
                self.existing = None;
            }
        }
        self.out.write_all(buf).inspect_err(|e| {
            if self.error.is_none() {
                self.error = Some(std::io::Error::new(e.kind(), e.to_string()));
            }
        })
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Adds the paths listed in the file at `path`, one a line, to `list`. A
/// last line without its end (a killed build) is left out.
fn read_list(path: &Path, list: &mut BTreeSet<String>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let whole = text.rfind('\n').map_or("", |i| &text[..i]);
    list.extend(whole.lines().filter(|l| valid(l)).map(str::to_string));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        let out = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        (dir, root, out)
    }

    #[test]
    fn a_new_folder_is_written_without_comparing_and_later_builds_compare() {
        let (_dir, root, out) = project();
        let mut o = Output::open(&root, &out, true).unwrap();
        assert!(o.write("a/b.html", b"x").unwrap());
        assert_eq!(std::fs::read(out.join("a/b.html")).unwrap(), b"x");
        o.begin();
        assert!(!o.write("a/b.html", b"x").unwrap());
        assert!(o.write("a/b.html", b"y").unwrap());
        assert_eq!(std::fs::read(out.join("a/b.html")).unwrap(), b"y");
    }

    /// Streams `pieces` into `rel`, as a template writes a page.
    fn stream(o: &Output, rel: &str, pieces: &[&[u8]], made: bool) -> Result<bool> {
        o.write_streamed(rel, &mut |w| {
            for p in pieces {
                w.write_all(p).unwrap();
            }
            made
        })
    }

    #[test]
    fn a_streamed_file_is_written_only_when_its_bytes_change() {
        let (_dir, root, out) = project();
        let o = Output::open(&root, &out, false).unwrap();
        let file = out.join("en/print.html");
        assert!(stream(&o, "en/print.html", &[b"<p>", b"one", b"</p>"], true).unwrap());
        assert_eq!(std::fs::read(&file).unwrap(), b"<p>one</p>");
        let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
        let first = inode(&file);
        // The same bytes in other pieces: nothing written.
        assert!(!stream(&o, "en/print.html", &[b"<p>on", b"e</p>"], true).unwrap());
        assert_eq!(inode(&file), first, "the file was not replaced");
        // Longer, shorter, changed within: written each time.
        for bytes in [&b"<p>one</p>!"[..], b"<p>one</p", b"<p>One</p>", b""] {
            assert!(stream(&o, "en/print.html", &[bytes], true).unwrap());
            assert_eq!(std::fs::read(&file).unwrap(), bytes);
        }
        // A page the template failed to make leaves the file as it was.
        assert!(!stream(&o, "en/print.html", &[b"half"], false).unwrap());
        assert_eq!(std::fs::read(&file).unwrap(), b"");
        assert!(!stream(&o, "en/other.html", &[b"half"], false).unwrap());
        assert!(!out.join("en/other.html").exists());
        let names: Vec<_> = std::fs::read_dir(out.join("en")).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
        // A link where the file goes is replaced, never written through.
        let target = root.join("mine.html");
        std::fs::write(&target, "mine").unwrap();
        std::fs::remove_file(&file).unwrap();
        std::os::unix::fs::symlink(&target, &file).unwrap();
        assert!(stream(&o, "en/print.html", &[b"mine"], true).unwrap());
        assert!(!std::fs::symlink_metadata(&file).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
        // A new output folder is written without comparing.
        let (_dir2, root2, out2) = project();
        let o2 = Output::open(&root2, &out2, true).unwrap();
        assert!(stream(&o2, "a.html", &[b"x"], true).unwrap());
        assert_eq!(std::fs::read(out2.join("a.html")).unwrap(), b"x");
    }

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let (_dir, root, out) = project();
        let mut o = Output::open(&root, &out, false).unwrap();
        assert!(o.write("a/b.html", b"x").unwrap());
        assert!(!o.write("a/b.html", b"x").unwrap());
        assert!(o.write("a/b.html", b"y").unwrap());
        std::fs::write(out.join("mine.txt"), "user file").unwrap();
        let all: BTreeSet<String> = ["a/b.html".to_string()].into();
        o.finish(&all, &|_| false).unwrap();
        // The next build knows the list from the build state.
        let mut o = Output::open(&root, &out, false).unwrap();
        assert_eq!(o.finish(&BTreeSet::new(), &|_| false).unwrap(), 1);
        assert!(!out.join("a").exists());
        assert!(
            out.join("mine.txt").exists(),
            "files polybook did not write are kept"
        );
        let names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["mine.txt"], "only what readers get");
    }

    #[test]
    fn the_writes_of_a_build_that_did_not_finish_are_known_to_the_next() {
        let (_dir, root, out) = project();
        let o = Output::open(&root, &out, true).unwrap();
        o.write("en/gone.html", b"x").unwrap();
        // Killed: no finish.
        drop(o);
        let mut o = Output::open(&root, &out, false).unwrap();
        o.finish(&BTreeSet::new(), &|_| false).unwrap();
        assert!(!out.join("en/gone.html").exists());
        assert!(!o.state().join(cache::JOURNAL).exists());
    }

    #[test]
    fn temporary_files_of_writes_under_way_are_removed_on_interrupt() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join(".polybook-abc.tmp");
        std::fs::write(&tmp, "half").unwrap();
        let listed = InFlight::new(&tmp);
        assert!(remove_in_flight() >= 1);
        assert!(!tmp.exists());
        drop(listed);
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_written_or_removed_through_links() {
        let (dir, root, out) = project();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("b.html"), "theirs").unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("a")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("b.html"), out.join("c.html")).unwrap();
        let mut o = Output::open(&root, &out, false).unwrap();
        let err = o.write("a/b.html", b"x").unwrap_err();
        assert!(
            matches!(&err, Error::Link(p) if p == &out.join("a")),
            "{err}"
        );
        // A link where a file goes is replaced, never written through.
        assert!(o.write("c.html", b"ours").unwrap());
        assert!(
            std::fs::symlink_metadata(out.join("c.html"))
                .unwrap()
                .is_file()
        );
        assert_eq!(std::fs::read(elsewhere.join("b.html")).unwrap(), b"theirs");
        // Listed files behind a link are not removed.
        o.journal.get_mut().unwrap().known.insert("a/b.html".into());
        assert_eq!(o.finish(&BTreeSet::new(), &|_| false).unwrap(), 1);
        assert!(elsewhere.join("b.html").exists());
        assert!(!out.join("c.html").exists());
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_same_mode_as_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, root, out) = project();
        let o = Output::open(&root, &out, false).unwrap();
        o.write("page.html", b"x").unwrap();
        std::fs::write(out.join("plain.txt"), "y").unwrap();
        let mode = |name: &str| {
            std::fs::metadata(out.join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("page.html"), mode("plain.txt"));
        // An existing file keeps the mode its owner gave it.
        std::fs::set_permissions(
            out.join("page.html"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
        o.write("page.html", b"z").unwrap();
        assert_eq!(mode("page.html"), 0o640);
    }
}
