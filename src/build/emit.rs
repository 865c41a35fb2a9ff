//! The emitter: the one place where what a build made becomes files in the
//! output folder, for full builds, rebuilds after edits and the work left
//! for after the reload alike; and the ledger of what the output holds.
//!
//! Output kinds and stages make [`Made`] files; the [`Emitter`] writes them
//! (only when their bytes changed, through [`Output`]) and copies project
//! files; the [`Ledger`] records what was written, which files the output
//! now holds and each file's problems.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use super::manifest;
use super::output::Output;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::load::project;
use crate::site::{self, PageKind, SiteContext};

/// One output file as made, before it is written.
pub(crate) struct Made {
    /// Path in the output folder.
    pub path: String,
    /// `None` when it could not be made (its problems say why): nothing is
    /// written, and an earlier version is not kept.
    pub bytes: Option<Vec<u8>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl From<crate::site::PageOutput> for Made {
    fn from(page: crate::site::PageOutput) -> Made {
        Made {
            path: page.path,
            bytes: page.html,
            diagnostics: page.diagnostics,
        }
    }
}

/// A file after the emitter handled it.
pub(crate) struct Emitted {
    path: String,
    /// Whether its bytes were written (they differed, or the file was new).
    written: Result<bool>,
    diagnostics: Vec<Diagnostic>,
    /// Whether the output holds it.
    exists: bool,
}

impl Emitted {
    /// Whether making it failed with an error.
    pub fn failed(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Writes made files into the output folder; writes nothing for a build
/// that writes nothing (`--dry-run`).
#[derive(Clone, Copy)]
pub(crate) struct Emitter<'a> {
    output: Option<&'a Output>,
}

/// A copied project file: its path relative to the project, and the hash
/// of the bytes copied (for the manifest's no-change check).
pub(crate) type Copied = (String, String);

/// Whether a copy was written, and what was copied (nothing without an
/// output folder).
pub(crate) type CopyOutcome = Result<(bool, Option<Copied>)>;

impl<'a> Emitter<'a> {
    pub fn new(output: Option<&'a Output>) -> Emitter<'a> {
        Emitter { output }
    }

    /// Writes `made` when there is something to write and somewhere to
    /// write it.
    pub fn emit(&self, made: Made) -> Emitted {
        let written = match (&made.bytes, self.output) {
            (Some(bytes), Some(output)) => output.write(&made.path, bytes),
            _ => Ok(false),
        };
        Emitted {
            exists: made.bytes.is_some(),
            path: made.path,
            written,
            diagnostics: made.diagnostics,
        }
    }

    /// Renders and writes page `kind`. A print page, which holds a whole
    /// manual, goes into its file as the template writes it; other pages
    /// are made in memory first.
    pub fn page(&self, ctx: &SiteContext<'_>, kind: PageKind) -> Emitted {
        if !matches!(kind, PageKind::Print { .. }) {
            return self.emit(ctx.render(kind).into());
        }
        let path = site::page_path(ctx.project, kind);
        let mut failed = None;
        let written = match self.output {
            Some(output) => output.write_streamed(&path, &mut |out| {
                failed = ctx.render_to(kind, out);
                failed.is_none()
            }),
            None => {
                failed = ctx.render_to(kind, &mut std::io::sink());
                Ok(false)
            }
        };
        Emitted {
            exists: failed.is_none(),
            path,
            written,
            diagnostics: failed.into_iter().collect(),
        }
    }

    /// Writes `bytes` at `path`: a file with no problems of its own.
    pub fn bytes(&self, path: String, bytes: Vec<u8>) -> Emitted {
        self.emit(Made {
            path,
            bytes: Some(bytes),
            diagnostics: Vec::new(),
        })
    }

    /// Copies project file `rel` (relative to `root`) to `path`; returns
    /// whether it was written and what was copied.
    pub fn copy(&self, root: &Path, rel: &str, path: &str) -> CopyOutcome {
        let Some(output) = self.output else {
            return Ok((false, None));
        };
        let from = root.join(rel);
        let bytes = project::read_regular(&from).map_err(|e| Error::io("read", &from, e))?;
        let hash = manifest::content_hash(&bytes);
        let written = output.write(path, &bytes)?;
        Ok((written, Some((rel.to_string(), hash))))
    }
}

/// What the output folder holds after a build, and the problems of each of
/// its files.
#[derive(Default)]
pub(crate) struct Ledger {
    /// Every file the output holds.
    pub outputs: BTreeSet<String>,
    /// Problems of pages, books and search indexes, by output path (a file
    /// made again replaces its problems).
    pub diagnostics: HashMap<String, Vec<Diagnostic>>,
    /// Files written since the ledger was made.
    pub written: usize,
}

impl Ledger {
    /// Records an emitted file; fails with its write error. Returns whether
    /// the file is newly listed among the outputs.
    pub fn record(&mut self, e: Emitted) -> Result<bool> {
        self.written += usize::from(e.written?);
        let listed = e.exists && self.outputs.insert(e.path.clone());
        if e.diagnostics.is_empty() {
            self.diagnostics.remove(&e.path);
        } else {
            self.diagnostics.insert(e.path, e.diagnostics);
        }
        Ok(listed)
    }

    /// Records every emitted file, stopping at the first write error.
    pub fn record_all(&mut self, all: impl IntoIterator<Item = Emitted>) -> Result<bool> {
        let mut listed = false;
        for e in all {
            listed |= self.record(e)?;
        }
        Ok(listed)
    }

    /// Every problem of the output files.
    pub fn problems(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.values().flatten()
    }
}
