//! The build manifest: a fingerprint of every input of a build, kept in the
//! build state of its output folder (see [`crate::build::cache`]), so that a build
//! whose inputs did not change does no work and writes nothing.
//!
//! The fingerprint covers the polybook executable, the build options, the
//! contents of `polybook.toml` and of everything under `manuals/`, `themes/`,
//! `i18n/` and `po/`, the contents of every other file the last build copied, and
//! the names, sizes and times of all other files in the project folder (so
//! that adding a file a link was missing is seen), and the paths, sizes
//! and times of the files in the folders installed fonts are read from (so
//! that installing a font the last build lacked rebuilds). Hidden files and folders
//! (the cache folder `.polybook/` among them) and the output folder are left
//! out. The manifest also records the output
//! files with their sizes and times: a build is skipped only when they are
//! all still there, untouched.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::build::cache;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};

/// Bumped when the manifest's meaning changes.
const FORMAT: u32 = 4;

/// What a finished build recorded.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: u32,
    pub fingerprint: String,
    /// Project files (relative, `/`-separated) the build copied, with the
    /// hash of the bytes it copied.
    pub copied: Vec<(String, String)>,
    /// Output files: relative path, size, modification time in nanoseconds.
    pub outputs: Vec<(String, u64, u128)>,
    pub pages: usize,
    pub languages: usize,
    pub manuals: usize,
    pub search_indexes: Vec<crate::search::IndexSize>,
    pub diagnostics: Vec<Diagnostic>,
    /// How many problems the build left out of `diagnostics` (those of
    /// other languages' and manuals' files).
    pub left_out: usize,
}

/// The options that change what a build produces.
#[derive(Debug, Clone, Hash)]
pub struct Options<'a> {
    pub no_epub: bool,
    pub no_pdf: bool,
    pub source_date_epoch: Option<i64>,
    pub languages: &'a [String],
    pub manuals: &'a [String],
    pub shared_only: bool,
    /// The folders installed fonts are read from
    /// ([`crate::fonts::find::system_font_folders`]).
    pub font_folders: &'a [PathBuf],
}

impl Manifest {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        fingerprint: String,
        copied: Vec<(String, String)>,
        outputs: Vec<(String, u64, u128)>,
        pages: usize,
        languages: usize,
        manuals: usize,
        search_indexes: Vec<crate::search::IndexSize>,
        diagnostics: Vec<Diagnostic>,
        left_out: usize,
    ) -> Manifest {
        Manifest {
            format: FORMAT,
            fingerprint,
            copied,
            outputs,
            pages,
            languages,
            manuals,
            search_indexes,
            diagnostics,
            left_out,
        }
    }
}

/// The hash by which inputs are compared.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether the files the last build copied still hold what it copied.
pub fn copied_intact(root: &Path, manifest: &Manifest) -> bool {
    manifest.copied.iter().all(|(rel, hash)| {
        crate::load::project::read_regular(&root.join(rel))
            .is_ok_and(|bytes| &content_hash(&bytes) == hash)
    })
}

/// Reads the manifest of the last build, from its state folder `state`, if
/// there is a usable one.
pub fn read(state: &Path) -> Option<Manifest> {
    let text = std::fs::read(state.join(cache::MANIFEST)).ok()?;
    let m: Manifest = serde_json::from_slice(&text).ok()?;
    (m.format == FORMAT).then_some(m)
}

/// Removes the manifest from the state folder `state`, before a build
/// starts changing the output.
pub fn invalidate(state: &Path) -> Result<()> {
    let path = state.join(cache::MANIFEST);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io("remove", path, e)),
        _ => Ok(()),
    }
}

/// Writes the manifest into the state folder `state` (atomically).
pub fn write(state: &Path, manifest: &Manifest) -> Result<()> {
    let json = serde_json::to_vec(manifest).expect("manifest serialises");
    crate::build::output::write_file(&state.join(cache::MANIFEST), &json)
}

/// The fingerprint of the project's inputs for a build into `out`. Files
/// that a build copies are checked apart, with [`copied_intact`].
///
/// `hash_files` returns the SHA-256 of each of the paths it is given, in
/// order, with the file's modification time (which books may carry); the
/// orchestrator runs it in parallel.
pub fn fingerprint(
    root: &Path,
    out: &Path,
    opts: &Options<'_>,
    hash_files: &mut HashFiles<'_>,
) -> String {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        field(&meta.len().to_le_bytes());
        field(&mtime_nanos(&meta).to_le_bytes());
    }
    field(format!("{opts:?}").as_bytes());
    let dated = (!opts.no_epub || !opts.no_pdf) && opts.source_date_epoch.is_none();
    let walk = WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || (!e.file_name().to_string_lossy().starts_with('.') && e.path() != out)
        });
    // (relative path, metadata, index of its hash for inputs)
    let mut entries: Vec<(Option<String>, Option<std::fs::Metadata>, Option<usize>)> = Vec::new();
    let mut inputs = Vec::new();
    for entry in walk {
        let Ok(entry) = entry else {
            entries.push((None, None, None));
            continue;
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let input = rel == "polybook.toml"
            || ["manuals/", "themes/", "i18n/", "po/"]
                .iter()
                .any(|d| rel.starts_with(d));
        let hash = input.then(|| {
            inputs.push(entry.path().to_path_buf());
            inputs.len() - 1
        });
        // Size and time count only for files that are not hashed, and for
        // chapters when books carry their time: the time of those comes
        // from the hashing, which reads it in parallel, not from a `stat`
        // of each chapter here, one after the other.
        let meta = if input { None } else { entry.metadata().ok() };
        entries.push((Some(rel), meta, hash));
    }
    let hashes = hash_files(&inputs);
    for (rel, meta, hash) in entries {
        let Some(rel) = rel else {
            field(b"unreadable");
            continue;
        };
        field(rel.as_bytes());
        if let Some(i) = hash {
            let hashed = hashes.get(i).copied().flatten();
            match hashed {
                Some(h) => field(&h.digest),
                None => field(b"unreadable"),
            }
            // Books carry the newest chapter's time.
            if dated && is_chapter(&rel) {
                let secs = hashed.map_or(0, |h| h.modified / 1_000_000_000);
                field(&secs.to_le_bytes());
            }
        } else if let Some(m) = meta {
            field(&m.len().to_le_bytes());
            field(&mtime_nanos(&m).to_le_bytes());
        }
    }
    // Installed fonts, which pages and books may bundle: every file in the
    // font folders by its path, size and time, as for other files read
    // without being hashed.
    for folder in opts.font_folders {
        field(folder.as_os_str().as_encoded_bytes());
        let walk = WalkDir::new(folder).follow_links(true).sort_by_file_name();
        for entry in walk.into_iter().flatten() {
            if entry.file_type().is_dir() {
                continue;
            }
            field(entry.path().as_os_str().as_encoded_bytes());
            if let Ok(m) = entry.metadata() {
                field(&m.len().to_le_bytes());
                field(&mtime_nanos(&m).to_le_bytes());
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether an input (relative path) can be a chapter: a Markdown file or a
/// PO catalogue, whose times books may carry.
fn is_chapter(rel: &str) -> bool {
    rel.ends_with(".md") || (rel.starts_with("po/") && rel.ends_with(".po"))
}

/// The fingerprint of a build whose books take `dates` (found beside the
/// fingerprint of the files, since they come from git).
pub fn with_dates(fingerprint: &str, dates: &crate::load::dates::Dates) -> String {
    content_hash(format!("{fingerprint} {dates:?}").as_bytes())
}

/// Hashes files, each with SHA-256, in the order given.
pub type HashFiles<'a> = dyn FnMut(&[PathBuf]) -> Vec<Option<Hashed>> + 'a;

/// An input file as [`HashFiles`] saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hashed {
    /// The SHA-256 of its bytes.
    pub digest: [u8; 32],
    /// Its modification time, in nanoseconds since 1970 (0 when unknown).
    pub modified: u128,
}

/// A file's hash and time, `None` when it cannot be read.
#[cfg(test)]
fn file_hash(path: &Path) -> Option<Hashed> {
    let modified = mtime_nanos(&std::fs::metadata(path).ok()?);
    crate::load::project::read_regular(path)
        .ok()
        .map(|b| Hashed {
            digest: bytes_hash(&b),
            modified,
        })
}

/// The hash SHA-256 gives a file holding `bytes`.
pub fn bytes_hash(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Whether every output file the manifest lists is still as written: a
/// `stat` of each, in parallel (a large site has ten thousand).
pub fn outputs_intact(out: &Path, manifest: &Manifest) -> bool {
    use rayon::prelude::*;
    manifest.outputs.par_iter().all(|(rel, len, time)| {
        std::fs::symlink_metadata(out.join(rel))
            .is_ok_and(|m| m.is_file() && m.len() == *len && mtime_nanos(&m) == *time)
    })
}

/// Sizes and times of the files written to `out`.
pub fn stat_outputs<'a>(
    out: &Path,
    rels: impl Iterator<Item = &'a String>,
) -> Vec<(String, u64, u128)> {
    rels.filter_map(|rel| {
        let m = std::fs::metadata(out.join(rel)).ok()?;
        Some((rel.clone(), m.len(), mtime_nanos(&m)))
    })
    .collect()
}

fn mtime_nanos(meta: &std::fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options<'static> {
        Options {
            no_epub: true,
            no_pdf: true,
            source_date_epoch: None,
            languages: &[],
            manuals: &[],
            shared_only: false,
            font_folders: &[],
        }
    }

    fn seq(paths: &[PathBuf]) -> Vec<Option<Hashed>> {
        paths.iter().map(|p| file_hash(p)).collect()
    }

    /// A project of one chapter, `manuals/m/en/a.md`, and its output folder.
    fn project() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("manuals/m/en")).unwrap();
        std::fs::create_dir_all(root.join("output")).unwrap();
        std::fs::write(root.join("polybook.toml"), "title = \"x\"\n").unwrap();
        std::fs::write(root.join("manuals/m/en/a.md"), "# A\n").unwrap();
        let out = root.join("output");
        (dir, out)
    }

    #[test]
    fn fingerprint_follows_contents_names_and_options() {
        let (dir, out) = project();
        let root = dir.path();
        let first = fingerprint(root, &out, &opts(), &mut seq);
        assert_eq!(first, fingerprint(root, &out, &opts(), &mut seq));
        // Output and hidden files, build state included, do not count.
        std::fs::write(out.join("index.html"), "x").unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/HEAD"), "x").unwrap();
        std::fs::create_dir_all(root.join(".polybook/out-1")).unwrap();
        std::fs::write(root.join(".polybook/out-1/files"), "x").unwrap();
        assert_eq!(first, fingerprint(root, &out, &opts(), &mut seq));
        // Same size, other bytes.
        std::fs::write(root.join("manuals/m/en/a.md"), "# B\n").unwrap();
        let edited = fingerprint(root, &out, &opts(), &mut seq);
        assert_ne!(first, edited);
        // A new file anywhere in the project.
        std::fs::write(root.join("logo.png"), "png").unwrap();
        let added = fingerprint(root, &out, &opts(), &mut seq);
        assert_ne!(edited, added);
        let with_epub = Options {
            no_epub: false,
            ..opts()
        };
        assert_ne!(added, fingerprint(root, &out, &with_epub, &mut seq));
    }

    #[test]
    fn a_chapters_time_counts_only_when_books_carry_it() {
        let (dir, out) = project();
        let root = dir.path();
        let chapter = root.join("manuals/m/en/a.md");
        let touch = |secs: u64| {
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            let f = std::fs::File::options().write(true).open(&chapter).unwrap();
            f.set_modified(t).unwrap();
        };
        let books = Options {
            no_epub: false,
            ..opts()
        };
        let dated_by_epoch = Options {
            source_date_epoch: Some(1),
            ..books.clone()
        };
        let all = [opts(), books, dated_by_epoch];
        touch(1_700_000_000);
        let before = all.clone().map(|o| fingerprint(root, &out, &o, &mut seq));
        touch(1_800_000_000);
        let after = all.map(|o| fingerprint(root, &out, &o, &mut seq));
        // The same bytes: only books dated by their chapters see the new time.
        assert_eq!(before[0], after[0]);
        assert_ne!(before[1], after[1]);
        assert_eq!(before[2], after[2]);
    }

    #[test]
    fn installing_removing_or_replacing_a_font_changes_the_fingerprint() {
        let (dir, out) = project();
        let root = dir.path();
        let fonts = tempfile::tempdir().unwrap();
        let (system, user) = (fonts.path().join("system"), fonts.path().join("user"));
        std::fs::create_dir_all(system.join("truetype/noto")).unwrap();
        let folders = [system.clone(), user.clone()];
        let with_fonts = Options {
            font_folders: &folders,
            ..opts()
        };
        let print = |o: &Options<'_>| fingerprint(root, &out, o, &mut seq);
        let empty = print(&with_fonts);
        assert_eq!(empty, print(&with_fonts));
        // A font installed in a nested folder, and one in a user's folder
        // that did not exist before.
        let font = system.join("truetype/noto/NotoSansMyanmar-Regular.ttf");
        std::fs::write(&font, "font").unwrap();
        let installed = print(&with_fonts);
        assert_ne!(empty, installed);
        std::fs::create_dir_all(&user).unwrap();
        std::fs::write(user.join("Padauk.ttf"), "font").unwrap();
        let user_font = print(&with_fonts);
        assert_ne!(installed, user_font);
        // The same font replaced by a larger version, then removed.
        std::fs::write(&font, "a newer font").unwrap();
        let replaced = print(&with_fonts);
        assert_ne!(user_font, replaced);
        std::fs::remove_file(user.join("Padauk.ttf")).unwrap();
        assert_ne!(replaced, print(&with_fonts));
    }
}
