//! The one rebuild loop of `serve` and `build --watch`: watch the project,
//! build once, then after each burst of changes rebuild what the changes make
//! stale and refresh the rest after the reload. Callers only say what to do
//! with each [`Round`].

use std::path::PathBuf;

use crate::build::{BuildReport, Resolved, Session};
use crate::diag::{Diagnostic, Shown};
use crate::error::{Error, Result};

/// What one round of the loop did.
pub enum Round<'a> {
    /// A build: the first one (`first`) or a rebuild after changes, with
    /// the problems not shown after the round before.
    Built {
        report: &'a BuildReport,
        new: Vec<&'a Diagnostic>,
        first: bool,
    },
    /// A build that could not run: the last good output stays.
    Failed(&'a Error),
    /// The work after the reload (print pages, books, search indexes) wrote
    /// this many files.
    Finished(usize),
    /// The work after the reload could not be done.
    FinishFailed(&'a Error),
}

/// Builds into `target`, then rebuilds after every burst of changes until
/// `stop` says so; `on_round` hears of every round. Fails only when the
/// project cannot be watched.
pub fn run(
    target: Resolved,
    stop: &dyn Fn() -> bool,
    mut on_round: impl FnMut(Round<'_>),
) -> Result<()> {
    let (root, out) = (target.root.clone(), target.out.clone());
    // The session keeps what rebuilds need to redo only what changed.
    let mut session = Session::new(target);
    let mut shown = Shown::default();
    let mut first = true;
    // The watcher's first call (no paths) is the first build, made once the
    // watcher runs, so that no change is missed.
    super::watch::watch_loop(
        &root,
        &out,
        |changed: &[PathBuf], watch: &mut dyn FnMut(Vec<PathBuf>)| {
            let built = session.rebuild(changed);
            // Folders the build read are watched before the round is
            // reported, so that a change made once it is reported is seen.
            if let Some(folders) = session.font_folders() {
                watch(folders);
            }
            match built {
                Ok(report) => {
                    let new = shown.update(&report.diagnostics);
                    on_round(Round::Built {
                        report: &report,
                        new,
                        first,
                    });
                }
                Err(e) => on_round(Round::Failed(&e)),
            }
            first = false;
            match session.finish_later() {
                Ok(written) => on_round(Round::Finished(written)),
                Err(e) => on_round(Round::FinishFailed(&e)),
            }
        },
        stop,
    )
}
