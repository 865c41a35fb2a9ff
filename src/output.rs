//! Writing output: each file is written only when its bytes changed, through a
//! temporary file and a rename, so an error or Ctrl-C never leaves a
//! half-written file. Files a previous build wrote and this one did not are
//! removed, using the list kept in `.polybook-files`; nothing else in the
//! output folder is touched.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The list of files the last build wrote, kept in the output folder.
pub const MANIFEST: &str = ".polybook-files";

/// Writes `bytes` to `out/rel` unless the file already holds them.
/// Returns whether the file was written.
pub fn write_if_changed(out: &Path, rel: &str, bytes: &[u8]) -> Result<bool> {
    let path = out.join(rel);
    let exists = match std::fs::read(&path) {
        Ok(existing) if existing == bytes => return Ok(false),
        Ok(_) => true,
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    };
    // Generated files can be made again: the rename alone keeps a
    // half-written file from ever appearing, without a disk flush per file.
    replace(&path, bytes, false, exists)?;
    Ok(true)
}

/// [`write_if_changed`], or for an output folder that this build created
/// (`new_folder`), where no file can be there yet, a write without looking.
pub fn write_output(out: &Path, rel: &str, bytes: &[u8], new_folder: bool) -> Result<bool> {
    if !new_folder {
        return write_if_changed(out, rel, bytes);
    }
    replace(&out.join(rel), bytes, false, false)?;
    Ok(true)
}

/// Replaces (or creates) a file of the user's atomically and durably: a
/// temporary file in the same folder, flushed to disk, then a rename. An
/// existing file keeps its permissions.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(path, bytes, true, true)
}

/// `exists`: whether `path` may exist (if not, its permissions are not
/// looked up). A missing folder is created.
fn replace(path: &Path, bytes: &[u8], durable: bool, exists: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".polybook-").suffix(".tmp");
    // A temporary file is private (0600) by default; a new output file gets
    // the usual mode instead (0666 less the umask), so that a web server
    // running as another user can read it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // The folder usually exists: it is created only when the first try fails.
    let mut tmp = match builder.tempfile_in(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
            builder.tempfile_in(dir)
        }
        other => other,
    }
    .map_err(|e| Error::io("create a temporary file in", dir, e))?;
    tmp.write_all(bytes)
        .map_err(|e| Error::io("write", path, e))?;
    if exists && let Ok(meta) = std::fs::metadata(path) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    if durable {
        tmp.as_file().sync_data().ok();
    }
    tmp.persist(path)
        .map_err(|e| Error::io("replace", path, e.error))?;
    Ok(())
}

/// Removes files listed in the previous manifest that are not in `current`,
/// except those `keep` says lie outside this build's scope (which stay
/// listed), then records the new list.
pub fn finish(
    out: &Path,
    current: &BTreeSet<String>,
    keep: &dyn Fn(&str) -> bool,
) -> Result<usize> {
    let manifest = out.join(MANIFEST);
    let mut removed = 0;
    let mut listed = current.clone();
    if let Ok(old) = std::fs::read_to_string(&manifest) {
        for rel in old
            .lines()
            .filter(|l| !l.is_empty() && !current.contains(*l))
        {
            if keep(rel) {
                listed.insert(rel.to_string());
                continue;
            }
            // Only paths we could have written: relative, without `..`.
            if rel.starts_with('/') || rel.split('/').any(|s| s == ".." || s.is_empty()) {
                continue;
            }
            let path = out.join(rel);
            if std::fs::remove_file(&path).is_ok() {
                removed += 1;
                remove_empty_parents(out, &path);
            }
        }
    }
    let mut list = String::new();
    for rel in &listed {
        list.push_str(rel);
        list.push('\n');
    }
    write_if_changed(out, MANIFEST, list.as_bytes())?;
    Ok(removed)
}

fn remove_empty_parents(out: &Path, path: &Path) {
    let mut dir: Option<PathBuf> = path.parent().map(Path::to_path_buf);
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || std::fs::remove_dir(&d).is_err() {
            break;
        }
        dir = d.parent().map(Path::to_path_buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_folder_is_written_without_comparing_and_later_builds_compare() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        assert!(write_output(&out, "a/b.html", b"x", true).unwrap());
        assert_eq!(std::fs::read(out.join("a/b.html")).unwrap(), b"x");
        assert!(!write_output(&out, "a/b.html", b"x", false).unwrap());
        assert!(write_output(&out, "a/b.html", b"y", false).unwrap());
        assert_eq!(std::fs::read(out.join("a/b.html")).unwrap(), b"y");
    }

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        assert!(write_if_changed(out, "a/b.html", b"x").unwrap());
        assert!(!write_if_changed(out, "a/b.html", b"x").unwrap());
        assert!(write_if_changed(out, "a/b.html", b"y").unwrap());
        std::fs::write(out.join("mine.txt"), "user file").unwrap();
        let all: BTreeSet<String> = ["a/b.html".to_string()].into();
        finish(out, &all, &|_| false).unwrap();
        finish(out, &BTreeSet::new(), &|_| false).unwrap();
        assert!(!out.join("a").exists());
        assert!(
            out.join("mine.txt").exists(),
            "files polybook did not write are kept"
        );
        let leftovers: Vec<_> = std::fs::read_dir(out)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert!(
            leftovers
                .iter()
                .all(|n| !n.to_string_lossy().ends_with(".tmp"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_same_mode_as_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        write_if_changed(out, "page.html", b"x").unwrap();
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
        write_if_changed(out, "page.html", b"z").unwrap();
        assert_eq!(mode("page.html"), 0o640);
    }
}
