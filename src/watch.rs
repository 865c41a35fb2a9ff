//! Watching the sources: which file events call for a rebuild, and a loop
//! that rebuilds after each burst of changes (`build --watch` and `serve`).
//!
//! Editors save in many ways (write to a temporary file then rename, swap and
//! backup files, delete and recreate) and `git checkout` changes hundreds of
//! files at once; events are debounced into bursts, files that are never
//! sources are ignored, and each burst triggers one rebuild. The rebuild only
//! writes files whose bytes changed.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer};

use crate::error::{Error, Result};

/// Whether a changed path can affect the site: not editor swap, backup or
/// temporary files, not version-control internals, not the output folder.
pub fn is_relevant(path: &Path, out: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    if path.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some(".git" | ".hg" | ".svn" | "target" | "node_modules")
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
    for dir in ["manuals", "themes", "i18n"] {
        let p = root.join(dir);
        if p.is_dir() {
            out.push((p, RecursiveMode::Recursive));
        }
    }
    out
}

/// Watches the project and calls `rebuild` after each burst of relevant
/// changes, until `stop` returns true. Returns when watching fails.
pub fn watch_loop(
    root: &Path,
    out: &Path,
    mut rebuild: impl FnMut(&[PathBuf]),
    stop: impl Fn() -> bool,
) -> Result<()> {
    let (tx, rx) = channel();
    let mut debouncer = new_debouncer(Duration::from_millis(120), tx)
        .map_err(|e| Error::Usage(format!("cannot watch files: {e}")))?;
    for (path, mode) in watched(root) {
        debouncer
            .watcher()
            .watch(&path, mode)
            .map_err(|e| Error::Usage(format!("cannot watch {}: {e}", path.display())))?;
    }
    let out = out.to_path_buf();
    while !stop() {
        let Some(changed) = next_burst(&rx, &out) else {
            continue;
        };
        rebuild(&changed);
    }
    Ok(())
}

/// Waits for events and returns the relevant paths of one burst (more events
/// that arrive while collecting join the same burst).
fn next_burst(rx: &Receiver<DebounceEventResult>, out: &Path) -> Option<Vec<PathBuf>> {
    let first = rx.recv_timeout(Duration::from_millis(250)).ok()?;
    let mut paths = Vec::new();
    let mut take = |res: DebounceEventResult| {
        if let Ok(events) = res {
            paths.extend(
                events
                    .into_iter()
                    .map(|e| e.path)
                    .filter(|p| is_relevant(p, out)),
            );
        }
    };
    take(first);
    while let Ok(more) = rx.recv_timeout(Duration::from_millis(60)) {
        take(more);
    }
    paths.sort();
    paths.dedup();
    (!paths.is_empty()).then_some(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_and_tool_files_are_ignored() {
        let out = Path::new("/p/output");
        let yes = [
            "/p/manuals/m/en/a.md",
            "/p/polybook.toml",
            "/p/i18n/fa.ftl",
            "/p/themes/t/static/x.css",
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
