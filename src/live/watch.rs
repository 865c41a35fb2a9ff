//! Watching the sources: which file events call for a rebuild, and a loop
//! that rebuilds after each burst of changes (`build --watch` and `serve`).
//!
//! Editors save in many ways (write to a temporary file then rename, swap and
//! backup files, delete and recreate) and `git checkout` changes hundreds of
//! files at once; events are debounced into bursts, files that are never
//! sources are ignored, and each burst triggers one rebuild. The rebuild only
//! writes files whose bytes changed.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::error::{Error, Result};

/// A burst ends when no event came for this long: long enough to join the
/// several events of one save, short enough not to delay the preview.
const QUIET: Duration = Duration::from_millis(15);
/// A burst that keeps going (a large `git checkout`) is cut after this long.
const LONGEST_BURST: Duration = Duration::from_secs(2);

/// Whether a changed path can affect the site: not editor swap, backup or
/// temporary files, not version-control internals, not the output folder.
pub fn is_relevant(path: &Path, out: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    if path.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some(".git" | ".hg" | ".svn" | ".polybook" | "target" | "node_modules")
        )
    }) {
        return false;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let temporary = name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".crdownload")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".polybook-")
        || name == "4913"
        || name == ".DS_Store";
    !temporary
}

/// The folders and files to watch in a project.
pub fn watched(root: &Path) -> Vec<(PathBuf, RecursiveMode)> {
    let mut out = vec![(root.to_path_buf(), RecursiveMode::NonRecursive)];
    for dir in ["manuals", "themes", "i18n", crate::po::FOLDER] {
        let p = root.join(dir);
        if p.is_dir() {
            out.push((p, RecursiveMode::Recursive));
        }
    }
    out
}

/// Whether an event kind can mean changed content. Reads and opens are not
/// (a build reads every source, and watching them must not cause rebuilds);
/// closing a file that was open for writing is (the end of a save).
pub fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// The folders to watch besides the project's own ([`watched`]): each of
/// `extra` (the font folders a rebuild reported) that the project's watches
/// do not already cover, recursively.
fn with_extra(root: &Path, extra: &[PathBuf]) -> Vec<(PathBuf, RecursiveMode)> {
    let mut all = watched(root);
    for folder in extra {
        let covered = all.iter().any(|(w, mode)| match mode {
            RecursiveMode::Recursive => folder.starts_with(w),
            RecursiveMode::NonRecursive => folder == w,
        });
        if !covered {
            all.push((folder.clone(), RecursiveMode::Recursive));
        }
    }
    all
}

/// Watches the project and calls `rebuild` after each burst of relevant
/// changes, until `stop` returns true. Returns when watching fails.
///
/// `rebuild` is first called with no paths (a full build) once the watcher
/// runs, so that a change made during that first build is not missed. Once
/// its build is done, and before it reports it, it gives the function it is
/// handed the folders outside the project's own that the build read, which
/// are watched from then on (the fonts' folders); a folder it no longer
/// gives is no longer watched.
pub fn watch_loop(
    root: &Path,
    out: &Path,
    mut rebuild: impl FnMut(&[PathBuf], &mut dyn FnMut(Vec<PathBuf>)),
    stop: impl Fn() -> bool,
) -> Result<()> {
    let (tx, rx) = channel();
    let filter_out = out.to_path_buf();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let Ok(event) = res else { return };
        if !changes_content(&event.kind) {
            return;
        }
        for path in event.paths {
            if is_relevant(&path, &filter_out) {
                let _ = tx.send(path);
            }
        }
    })
    .map_err(|source| Error::Watch {
        path: root.to_path_buf(),
        source,
    })?;
    let mut watching = Vec::new();
    for (path, mode) in watched(root) {
        watcher.watch(&path, mode).map_err(|source| Error::Watch {
            path: path.clone(),
            source,
        })?;
        watching.push(path);
    }
    let mut extra = Vec::new();
    // Folders a build read for the first time (a font named now) are
    // watched as soon as it says so, before it reports the round: a change
    // made once the round is reported is seen.
    let mut round = |changed: &[PathBuf], watcher: &mut _, watching: &mut _, extra: &mut _| {
        rebuild(changed, &mut |folders: Vec<PathBuf>| {
            *extra = folders;
            rewatch(watcher, watching, &with_extra(root, extra), &[]);
        });
    };
    round(&[], &mut watcher, &mut watching, &mut extra);
    while !stop() {
        let Some(changed) = next_burst(&rx) else {
            continue;
        };
        // A folder made (or made again) since the watch began is watched
        // before the rebuild, which reads what it already holds.
        rewatch(
            &mut watcher,
            &mut watching,
            &with_extra(root, &extra),
            &changed,
        );
        round(&changed, &mut watcher, &mut watching, &mut extra);
    }
    Ok(())
}

/// Watches each of `wanted` that is not watched yet or that `changed`
/// names (made again), and stops watching what `watching` holds that is
/// no longer wanted. A folder that cannot be watched is left out until a
/// later round.
fn rewatch(
    watcher: &mut impl Watcher,
    watching: &mut Vec<PathBuf>,
    wanted: &[(PathBuf, RecursiveMode)],
    changed: &[PathBuf],
) {
    watching.retain(|w| {
        let keep = wanted.iter().any(|(p, _)| p == w);
        if !keep {
            let _ = watcher.unwatch(w);
        }
        keep
    });
    for (path, mode) in wanted {
        if watching.contains(path) && !changed.contains(path) {
            continue;
        }
        let _ = watcher.unwatch(path);
        if watcher.watch(path, *mode).is_ok() && !watching.contains(path) {
            watching.push(path.clone());
        }
    }
}

/// Waits for a relevant change and returns the paths of its burst: the
/// changes that follow each other with less than [`QUIET`] between them.
fn next_burst(rx: &Receiver<PathBuf>) -> Option<Vec<PathBuf>> {
    let first = rx.recv_timeout(Duration::from_millis(250)).ok()?;
    let started = Instant::now();
    let mut paths = vec![first];
    while started.elapsed() < LONGEST_BURST {
        match rx.recv_timeout(QUIET) {
            Ok(p) => paths.push(p),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    paths.sort();
    paths.dedup();
    Some(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_a_file_is_not_a_change() {
        use notify::event::{CreateKind, ModifyKind, RemoveKind};
        assert!(!changes_content(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(changes_content(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(changes_content(&EventKind::Modify(ModifyKind::Any)));
        assert!(changes_content(&EventKind::Create(CreateKind::File)));
        assert!(changes_content(&EventKind::Remove(RemoveKind::Any)));
    }

    #[test]
    fn editor_and_tool_files_are_ignored() {
        let out = Path::new("/p/output");
        let yes = [
            "/p/manuals/m/en/a.md",
            "/p/polybook.toml",
            "/p/i18n/fa.ftl",
            "/p/themes/t/static/x.css",
            "/p/po/es/m/a.po",
        ];
        let no = [
            "/p/manuals/m/en/.a.md.swp",
            "/p/manuals/m/en/a.md~",
            "/p/manuals/m/en/4913",
            "/p/manuals/m/en/#a.md#",
            "/p/manuals/m/en/.#a.md",
            "/p/manuals/m/en/a.md.tmp",
            "/p/output/en/index.html",
            "/p/.git/index",
            "/p/.polybook/out-0123/files",
            "/p/manuals/m/en/.polybook-abc.tmp",
        ];
        for p in yes {
            assert!(is_relevant(Path::new(p), out), "{p}");
        }
        for p in no {
            assert!(!is_relevant(Path::new(p), out), "{p}");
        }
    }
}
