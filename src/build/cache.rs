//! The build state: what a build keeps for the next one. It lives beside the
//! project's sources, never in the output folder, which holds only what
//! readers get: in the project's cache folder `.polybook/`, one folder per
//! output folder, `.polybook/out-<hash of the output folder's real path>/`,
//! holding
//!
//! - `manifest.json`, the fingerprint of the inputs and what the build
//!   wrote (see [`crate::build::manifest`]);
//! - `files`, the output files the last build wrote, one a line: the only
//!   files a later build removes;
//! - `journal`, the files a build under way writes that `files` does not
//!   list, each added before it is written, so that the writes of a build
//!   that was killed are known to the next one;
//! - `output`, the output folder's path, by which the state of an output
//!   folder that no longer exists is removed;
//! - `inputs`, the hash of every input file with its size, times and
//!   identity when hashed, so that the next fingerprint hashes only the
//!   files changed since (see [`crate::build::known`]).
//!
//! Deleting `.polybook/` only makes the next build a full one, which cannot
//! know the files of earlier builds and so removes none.
//!
//! A project folder that cannot be written (a read-only checkout or mount)
//! and has no `.polybook/` keeps its build state in the user's cache folder
//! instead, `$XDG_CACHE_HOME/polybook/<hash of the project's real path>/`
//! (`~/.cache/polybook/…` when that is not set), laid out the same way.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The cache folder, in the project folder.
pub const FOLDER: &str = ".polybook";
/// The manifest of the last finished build, in a state folder.
pub const MANIFEST: &str = "manifest.json";
/// The list of files the last build wrote, in a state folder.
pub const FILES: &str = "files";
/// The files written by a build that has not finished, in a state folder.
pub const JOURNAL: &str = "journal";
/// The output folder's path, in a state folder.
const OUTPUT: &str = "output";

/// The state folder of the output folder `out` of the project `root` (both
/// real paths, as [`crate::build`] resolves them). Nothing is created.
pub fn folder(root: &Path, out: &Path) -> PathBuf {
    cache_folder(root).join(format!("out-{}", key(out)))
}

/// Sixteen hex digits of the SHA-256 of a path.
fn key(path: &Path) -> String {
    let hash = Sha256::digest(path.as_os_str().as_encoded_bytes());
    hash[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The cache folder of the project `root`: `.polybook/` in it, unless it
/// has none and its state is kept in the user's cache folder.
fn cache_folder(root: &Path) -> PathBuf {
    let own = root.join(FOLDER);
    if std::fs::symlink_metadata(&own).is_err()
        && let Some(other) = user_cache_folder(root).filter(|d| d.is_dir())
    {
        return other;
    }
    own
}

/// Where the build state of the project `root` goes when the project's
/// folder cannot be written: `$XDG_CACHE_HOME/polybook/<key>`, or
/// `$HOME/.cache/polybook/<key>`; `None` without either variable.
fn user_cache_folder(root: &Path) -> Option<PathBuf> {
    Some(users_state_folder()?.join(key(root)))
}

/// The folder in the user's cache that holds the build state of projects
/// whose own folder refuses it: `$XDG_CACHE_HOME/polybook`, else
/// `~/.cache/polybook`; `None` without either variable.
pub(crate) fn users_state_folder() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").filter(|v| !v.is_empty())?).join(".cache"),
    };
    Some(base.join("polybook"))
}

/// Creates the state folder of `out` (and the cache folder, which tells git
/// and backup tools to leave it out), records the output folder's path in
/// it, and removes the state of output folders that no longer exist.
/// Returns the state folder. A symbolic link in place of either folder is
/// refused: build state is never written through a link. When the project
/// folder refuses a new `.polybook/` (read-only), the user's cache folder
/// holds the state instead.
pub fn prepare(root: &Path, out: &Path) -> Result<PathBuf> {
    let mut cache = cache_folder(root);
    if std::fs::symlink_metadata(&cache).is_err() {
        if let Err(e) = std::fs::create_dir_all(&cache) {
            let refused = matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            );
            match user_cache_folder(root) {
                Some(other) if refused && cache == root.join(FOLDER) => {
                    std::fs::create_dir_all(&other)
                        .map_err(|e| Error::io("create the folder", &other, e))?;
                    cache = other;
                }
                _ => return Err(Error::io("create the folder", &cache, e)),
            }
        }
        write_new(&cache.join(".gitignore"), "# Build state of polybook.\n*\n")?;
        write_new(&cache.join("CACHEDIR.TAG"), CACHEDIR_TAG)?;
    }
    let state = cache.join(format!("out-{}", key(out)));
    for dir in [&cache, &state] {
        match std::fs::symlink_metadata(dir) {
            Ok(m) if m.is_dir() => {}
            Ok(m) if m.file_type().is_symlink() => return Err(Error::Link(dir.clone())),
            Ok(_) => {
                return Err(Error::io(
                    "create the folder",
                    dir,
                    std::io::Error::from(std::io::ErrorKind::AlreadyExists),
                ));
            }
            Err(_) => {
                std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
            }
        }
    }
    record_output(&state, out)?;
    prune(&cache, &state);
    Ok(state)
}

/// Records the output folder's path in its state folder `state`, unless it
/// is there already.
pub fn record_output(state: &Path, out: &Path) -> Result<()> {
    let path = out.as_os_str().as_encoded_bytes();
    if std::fs::read(state.join(OUTPUT)).ok().as_deref() != Some(path) {
        crate::build::output::write_file(&state.join(OUTPUT), path)?;
    }
    Ok(())
}

/// The tag by which backup and archiving tools know a cache folder
/// (<https://bford.info/cachedir/>).
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
    # This file is a cache directory tag created by polybook.\n\
    # For information about cache directory tags, see https://bford.info/cachedir/\n";

fn write_new(path: &Path, text: &str) -> Result<()> {
    if std::fs::symlink_metadata(path).is_err() {
        crate::build::output::write_file(path, text.as_bytes())?;
    }
    Ok(())
}

/// Removes the state folders, other than `keep`, of output folders that no
/// longer exist (for which there is nothing left to remove), except those
/// of builds under way (with a journal).
fn prune(cache: &Path, keep: &Path) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let dir = entry.path();
        let ours = entry.file_name().to_string_lossy().starts_with("out-");
        if !ours || dir == keep || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let Ok(out) = std::fs::read(dir.join(OUTPUT)) else {
            continue;
        };
        let out = PathBuf::from(String::from_utf8_lossy(&out).into_owned());
        let gone = matches!(std::fs::symlink_metadata(&out), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
        if gone && std::fs::symlink_metadata(dir.join(JOURNAL)).is_err() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_output_folder_has_its_own_state_and_gone_ones_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        std::fs::create_dir_all(&root).unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        assert_ne!(folder(&root, &a), folder(&root, &b));
        let state_a = prepare(&root, &a).unwrap();
        assert_eq!(state_a, folder(&root, &a));
        assert!(root.join(".polybook/.gitignore").is_file());
        assert!(root.join(".polybook/CACHEDIR.TAG").is_file());
        let state_b = prepare(&root, &b).unwrap();
        std::fs::remove_dir_all(&a).unwrap();
        prepare(&root, &b).unwrap();
        assert!(
            !state_a.exists(),
            "the state of a folder that is gone stays"
        );
        assert!(state_b.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_cache_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join(FOLDER)).unwrap();
        let err = prepare(&root, &dir.path().join("out")).unwrap_err();
        assert!(matches!(err, Error::Link(_)), "{err}");
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    }
}
