//! Building: the options, the stages of a full build, the output kinds, the
//! emitter that writes what they make, and the live session that redoes only
//! what a change makes stale. The only part of the library that runs work in
//! parallel (rayon), over the model and resources shared read-only.
//!
//! - [`stages`]: a full build as a short list of named stages.
//! - [`kinds`]: the outputs made per language (site pages, EPUB books, search
//!   indexes), each behind [`kinds::OutputKind`], registered in [`kinds::KINDS`].
//! - [`emit`]: the one type that writes what any stage makes, and the ledger of
//!   what the output folder holds.
//! - [`session`] and [`change`]: `serve` and `build --watch` (an edit, a
//!   resource change or a full build), [`stale`]: what an edit makes stale.
//! - [`folder`], [`scope`]: where the output goes and what this build makes;
//!   [`output`], [`manifest`], [`cache`]: atomic writes, the no-change check
//!   and the build state.

pub mod cache;
pub(crate) mod change;
pub(crate) mod emit;
pub(crate) mod folder;
pub(crate) mod fonts;
pub(crate) mod kinds;
pub(crate) mod known;
pub(crate) mod manifest;
pub(crate) mod output;
pub(crate) mod scope;
pub mod session;
pub(crate) mod stages;
pub(crate) mod stale;

pub use self::output::on_interrupt;
pub use self::session::Session;
pub use self::stages::load;

use std::path::PathBuf;
use std::time::Duration;

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::search::IndexSize;

/// How to build, as asked (see [`BuildOptions::resolve`]).
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `<root>/output` when `None`.
    pub out: Option<PathBuf>,
    /// Check everything but write nothing.
    pub dry_run: bool,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
    /// Skip the EPUB books.
    pub no_epub: bool,
    /// Skip the PDF books (also skipped when `polybook.toml` says `pdf = false`).
    pub no_pdf: bool,
    /// Fixed time for `dcterms:modified` of books (`SOURCE_DATE_EPOCH`);
    /// otherwise it comes from git or the files (see [`crate::load::dates`]).
    pub source_date_epoch: Option<i64>,
    /// Build only these languages (codes); all when empty.
    pub languages: Vec<String>,
    /// Build only these manuals (ids); all when empty.
    pub manuals: Vec<String>,
    /// Write only the files no language owns (the root page, `sitemap.xml`,
    /// `static/`): the merge step of a build split by `--lang` into shards.
    pub shared_only: bool,
}

/// Build options resolved once, for `build`, `check`, `serve` and `watch`
/// alike: the project folder and the output folder as real paths, the output
/// folder checked against the sources (see [`folder::output_dir`]).
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The real path of the project folder.
    pub root: PathBuf,
    /// The real path of the output folder.
    pub out: PathBuf,
    /// The options as given.
    pub options: BuildOptions,
}

impl BuildOptions {
    /// Whether books of either kind may be made (they need their dates).
    pub fn books(&self) -> bool {
        !self.no_epub || !self.no_pdf
    }

    /// Resolves the project and output folders; refuses an output folder
    /// that would overwrite sources.
    pub fn resolve(&self) -> Result<Resolved> {
        let root = self
            .root
            .canonicalize()
            .unwrap_or_else(|_| self.root.clone());
        let out = folder::output_dir(&root, self.out.as_deref())?;
        Ok(Resolved {
            root,
            out,
            options: self.clone(),
        })
    }

    /// [`BuildOptions::resolve`], for a project folder that must exist
    /// (`serve` and `build --watch` watch it).
    pub fn resolve_existing(&self) -> Result<Resolved> {
        self.root
            .canonicalize()
            .map_err(|e| Error::io("open the project folder", &self.root, e))?;
        self.resolve()
    }
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub languages: usize,
    pub manuals: usize,
    pub written: usize,
    pub removed: usize,
    pub out: PathBuf,
    pub elapsed: Duration,
    /// Every problem found, sorted; with `--lang`, `--manual` or
    /// `--shared-only`, those this build reports (see `Scope::reports`).
    pub diagnostics: Vec<Diagnostic>,
    /// How many problems of the files of other languages and manuals this
    /// build left out of `diagnostics`.
    pub left_out: usize,
    /// Time taken by each stage, in order.
    pub stages: Vec<(&'static str, Duration)>,
    /// Search index of each language: its size and number of parts.
    pub search_indexes: Vec<IndexSize>,
    /// Nothing changed since the last build, which was kept as it is.
    pub unchanged: bool,
    /// Only what edits of chapter files affect was built again.
    pub incremental: bool,
}

impl BuildReport {
    /// The one line `serve` and `build --watch` print after a rebuild.
    pub fn rebuilt_line(&self) -> String {
        let left_out = if self.left_out > 0 {
            format!(
                "; {} in other languages' or manuals' files not shown",
                self.left_out
            )
        } else {
            String::new()
        };
        format!(
            "rebuilt in {:.0} ms: {} files written ({} errors, {} warnings in all{left_out})",
            self.elapsed.as_secs_f64() * 1000.0,
            self.written,
            self.errors(),
            self.warnings()
        )
    }

    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Builds the site and the books.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    stages::full(&opts.resolve()?, false).map(|(report, _)| report)
}

/// The real output folder of a build (see [`folder::output_dir`]).
pub fn output_folder(opts: &BuildOptions) -> Result<PathBuf> {
    opts.resolve().map(|r| r.out)
}
