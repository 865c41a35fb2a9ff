//! A live session (`serve`, `build --watch`): the last build's model, bodies
//! and ledger, kept so that a rebuild after a change redoes only what the
//! change makes stale ([`Change`]); print pages, books and search indexes
//! follow after the reload ([`Session::finish_later`]).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use indicatif::ProgressBar;
use rayon::prelude::*;

use super::change::{Change, Edit, Resources};
use super::emit::{Copied, Emitted, Emitter, Ledger};
use super::kinds::{
    Bodies, Books, FontFiles, Inputs, Language, OutputKind, Pages, PdfBooks, Product, SearchIndex,
    SitePages,
};
use super::output::Output;
use super::scope::Scope;
use super::stages::{self, ReadErrors, Timer};
use super::{BuildOptions, BuildReport, Resolved, manifest, stale};
use crate::diag::{self, Diagnostic};
use crate::epub;
use crate::error::Result;
use crate::load::dates::Dates;
use crate::load::project;
use crate::model::{ChapterRef, Project, urls};
use crate::render::highlight::Highlighted;
use crate::search::IndexSize;
use crate::site::i18n::Ui;
use crate::site::theme::Theme;
use crate::site::{self, SiteContext};

/// What `serve` and `build --watch` keep between builds, so that a rebuild
/// after an edit redoes only what the edit affects.
pub struct Session {
    target: Resolved,
    last: Option<Last>,
}

/// The last build's model, bodies and problems.
pub(crate) struct Last {
    pub target: Resolved,
    /// The output folder and its build state; `None` for a build that
    /// writes nothing.
    pub output: Option<Output>,
    pub project: Project,
    pub ui: HashMap<String, Ui>,
    pub theme: Theme,
    pub bodies: Vec<Bodies>,
    pub highlighted: Highlighted,
    pub scope: Scope,
    pub pages: usize,
    pub plan_diags: Vec<Diagnostic>,
    pub read_errors: ReadErrors,
    pub ui_diags: Vec<Diagnostic>,
    /// Everything the output holds, the problems of its files.
    pub ledger: Ledger,
    /// The project files among the outputs.
    pub files: BTreeSet<String>,
    pub search_indexes: Vec<IndexSize>,
    /// Print pages, books and search indexes still to refresh, by
    /// (language, manual).
    pub later: BTreeSet<(usize, usize)>,
    /// Books still to make after a full build.
    pub books_later: BTreeSet<(usize, usize)>,
    /// The fonts chosen and cut for the pages and books.
    pub fonts: super::fonts::Fonts,
    /// The Zawgyi warnings, found before a one-off build let go of the
    /// texts they come from; a session finds them again after each change.
    pub zawgyi: Option<Vec<Diagnostic>>,
}

impl Last {
    /// The report of a build of this session.
    pub fn report(
        &self,
        timer: Timer,
        written: usize,
        removed: usize,
        (diagnostics, left_out): (Vec<Diagnostic>, usize),
        incremental: bool,
    ) -> BuildReport {
        BuildReport {
            pages: self.pages,
            languages: self.scope.language_count(),
            manuals: self.scope.manual_count(),
            written,
            removed,
            out: self.target.out.clone(),
            elapsed: timer.elapsed(),
            diagnostics,
            left_out,
            stages: timer.done(),
            search_indexes: self.search_indexes.clone(),
            unchanged: false,
            incremental,
        }
    }

    /// The problems this build reports, with `extra` ones, sorted, and how
    /// many it leaves out ([`Scope::reports`]).
    pub fn reported(&self, extra: Vec<Diagnostic>) -> (Vec<Diagnostic>, usize) {
        let mut all = self.diagnostics();
        if !extra.is_empty() {
            all.extend(extra);
            diag::normalise(&mut all);
        }
        let before = all.len();
        all.retain(|d| self.scope.reports(&self.project, d));
        let left_out = before - all.len();
        (all, left_out)
    }

    /// Every problem this build found, sorted, before [`Last::reported`]
    /// leaves out those of other languages' and manuals' files.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.plan_diags.clone();
        all.extend(self.read_errors.values().cloned());
        all.extend(stages::drift(&self.project));
        match &self.zawgyi {
            Some(found) => all.extend(found.iter().cloned()),
            None => all.extend(crate::fonts::zawgyi(&self.project)),
        }
        all.extend(self.fonts.diagnostics().cloned());
        all.extend(self.ui_diags.iter().cloned());
        for body in self.bodies.iter().flat_map(|b| b.iter()) {
            all.extend(body.diagnostics.iter().cloned());
        }
        all.extend(self.ledger.problems().cloned());
        diag::normalise(&mut all);
        all
    }

    fn ctx(&self) -> SiteContext<'_> {
        SiteContext::new(
            &self.project,
            &self.theme,
            &self.ui,
            &self.bodies,
            !self.target.options.no_epub,
        )
        .with_pdf(self.pdf())
        .with_fonts(self.fonts.linked(self.project.langs().len()))
        .with_load_problems(&self.plan_diags, self.read_errors.values())
    }

    /// Whether this session makes PDF books.
    fn pdf(&self) -> bool {
        !self.target.options.no_pdf && self.project.config.pdf
    }

    /// Lists every book of the build's scope to be made after the reload,
    /// so that the books of the last build stay in place until then.
    pub fn books_after_reload(&mut self) {
        let (epub, pdf) = (!self.target.options.no_epub, self.pdf());
        if !epub && !pdf {
            return;
        }
        for l in (0..self.project.langs().len()).filter(|&l| self.scope.langs[l]) {
            for m in (0..self.project.manuals.len()).filter(|&m| self.scope.manuals[m]) {
                self.books_later.insert((l, m));
                let code = &self.project.langs()[l].code;
                let id = &self.project.manuals[m].id;
                if epub {
                    self.ledger.outputs.insert(epub::book_path(code, id));
                }
                if pdf {
                    self.ledger.outputs.insert(crate::pdf::book_path(code, id));
                }
            }
        }
    }

    /// Removes the files of earlier builds the output no longer holds and,
    /// with a fingerprint, writes the manifest. Returns how many files were
    /// removed.
    pub fn finish_output(
        &mut self,
        fingerprint: Option<String>,
        copied: Vec<Copied>,
        (diagnostics, left_out): (&[Diagnostic], usize),
    ) -> Result<usize> {
        let Some(output) = self.output.as_mut() else {
            return Ok(0);
        };
        let (scope, project) = (&self.scope, &self.project);
        let outputs = &self.ledger.outputs;
        let removed = output.finish(outputs, &|rel| scope.keeps(project, rel))?;
        if let Some(fingerprint) = fingerprint {
            manifest::write(
                output.state(),
                &manifest::Manifest::new(
                    fingerprint,
                    copied,
                    manifest::stat_outputs(&self.target.out, outputs.iter()),
                    self.pages,
                    scope.language_count(),
                    scope.manual_count(),
                    self.search_indexes.clone(),
                    diagnostics.to_vec(),
                    left_out,
                ),
            )?;
        }
        Ok(removed)
    }

    /// From here on the manifest no longer describes the output (the next
    /// full build writes it again), and a build killed leaves temporary
    /// files for the next one to remove.
    fn begin(&mut self) -> Result<()> {
        if let Some(output) = self.output.as_mut() {
            output.begin();
            manifest::invalidate(output.state())?;
        }
        Ok(())
    }

    /// Removes what the output no longer lists (files of a filtered build's
    /// scope stay).
    fn remove_unlisted(&mut self) -> Result<usize> {
        let (scope, project) = (&self.scope, &self.project);
        match self.output.as_mut() {
            Some(output) => output.finish(&self.ledger.outputs, &|rel| scope.keeps(project, rel)),
            None => Ok(0),
        }
    }
}

impl Session {
    /// A session building with `target`.
    pub fn new(target: Resolved) -> Session {
        Session { target, last: None }
    }

    /// A session building with `opts`, resolved once.
    pub fn with_options(opts: &BuildOptions) -> Result<Session> {
        Ok(Session::new(opts.resolve()?))
    }

    /// Where this session builds.
    pub fn target(&self) -> &Resolved {
        &self.target
    }

    /// Builds after `changed` paths changed: only what they affect when they
    /// are edits of chapter files the last build read or changes of theme
    /// files and UI strings, everything otherwise (still writing only files
    /// whose bytes changed). Print pages, books and search indexes are left
    /// for [`Session::finish_later`].
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<BuildReport> {
        if let Some(last) = self.last.as_mut() {
            match Change::of(&last.project, changed, &|p| p.is_file()) {
                Change::Edits(edits) => return rebuild_edits(last, edits),
                Change::Resources(what) => {
                    if let Some(report) = rebuild_resources(last, what)? {
                        return Ok(report);
                    }
                }
                Change::Full => {}
            }
        }
        self.last = None;
        let (report, last) = stages::full(&self.target, true)?;
        self.last = last;
        Ok(report)
    }

    /// Refreshes the print pages, books and search indexes the last
    /// rebuild left stale. Returns how many files were written.
    pub fn finish_later(&mut self) -> Result<usize> {
        match self.last.as_mut() {
            Some(last) => finish_later(last),
            None => Ok(0),
        }
    }

    /// The folders the last build may have read fonts from
    /// ([`crate::fonts::find::font_folders`]), or `None` without a last
    /// build.
    pub fn font_folders(&self) -> Option<Vec<PathBuf>> {
        (self.last.as_ref()).map(|last| crate::fonts::find::font_folders(&last.project))
    }

    /// The problems the last build reported, as its report holds them.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        (self.last.as_ref())
            .map(|last| last.reported(Vec::new()).0)
            .unwrap_or_default()
    }
}

/// What the kinds of the work after the reload read.
fn later_inputs<'a>(last: &'a Last, dates: &'a Dates, progress: &'a ProgressBar) -> Inputs<'a> {
    Inputs {
        project: &last.project,
        ui: &last.ui,
        theme: &last.theme,
        scope: &last.scope,
        dates,
        epub: !last.target.options.no_epub,
        pdf: last.pdf(),
        session: true,
        pages: Pages::Print,
        status: None,
        progress,
        fonts: &last.fonts,
    }
}

/// The work after the reload: print pages and search indexes of the
/// (language, manual) pairs edits made stale, and books of those and of the
/// last full build.
fn finish_later(last: &mut Last) -> Result<usize> {
    let later = std::mem::take(&mut last.later);
    let mut book_jobs = std::mem::take(&mut last.books_later);
    book_jobs.extend(later.iter().copied());
    if book_jobs.is_empty() {
        return Ok(0);
    }
    last.begin()?;
    let no_books = last.target.options.no_epub && !last.pdf();
    let dates = later_dates(last);
    if !later.is_empty() {
        refresh_fonts(last);
    }
    let progress = ProgressBar::hidden();
    let cx = later_inputs(last, &dates, &progress);
    let emit = Emitter::new(last.output.as_ref());
    let prints = by_lang(&later);
    let books = if no_books {
        Vec::new()
    } else {
        by_lang(&book_jobs)
    };
    let jobs = later_jobs(&cx, &prints, &books);
    let products: Vec<_> = jobs
        .par_iter()
        .map(|&(kind, l, ms)| {
            let language = Language {
                bodies: last.bodies[l].clone(),
                sections: Default::default(),
            };
            (l, kind.make(&cx, l, ms, &language, emit))
        })
        .collect();
    let before = last.ledger.written;
    let listed = record_later(last, products)?;
    let written = last.ledger.written - before;
    if listed {
        last.remove_unlisted()?;
    }
    Ok(written)
}

/// The books' dates, found again: edits since the last build may have
/// changed them.
fn later_dates(last: &Last) -> Dates {
    if !last.target.options.books() {
        Dates::Files
    } else {
        Dates::find(
            &last.project.paths.root,
            last.target.options.source_date_epoch,
        )
    }
}

/// Chooses and cuts the fonts again, keeping those chosen before: edits may
/// have brought characters the fonts do not have yet.
fn refresh_fonts(last: &mut Last) {
    let no_epub = last.target.options.no_epub;
    let chosen = std::mem::take(&mut last.fonts.chosen);
    last.fonts = super::fonts::make(&last.project, &last.ui, &last.scope, !no_epub, Some(chosen));
}

/// (language, manual) pairs grouped by language: each language with its manuals.
fn by_lang(jobs: &BTreeSet<(usize, usize)>) -> Vec<(usize, Vec<usize>)> {
    let mut langs: Vec<(usize, Vec<usize>)> = Vec::new();
    for &(l, m) in jobs {
        match langs.last_mut() {
            Some((last, ms)) if *last == l => ms.push(m),
            _ => langs.push((l, vec![m])),
        }
    }
    langs
}

/// The (kind, language, manuals) jobs after the reload: the print pages of
/// `prints`, the books of `books`, and the search indexes and fonts of the
/// languages of `prints` that have them.
fn later_jobs<'a>(
    cx: &Inputs<'_>,
    prints: &'a [(usize, Vec<usize>)],
    books: &'a [(usize, Vec<usize>)],
) -> Vec<(&'a dyn OutputKind, usize, &'a [usize])> {
    let indexes: Vec<usize> = prints
        .iter()
        .map(|&(l, _)| l)
        .filter(|&l| SearchIndex.wanted(cx, l))
        .collect();
    (prints.iter())
        .map(|(l, ms)| (&SitePages as &dyn OutputKind, *l, ms.as_slice()))
        .chain(
            (books.iter())
                .filter(|_| cx.epub)
                .map(|(l, ms)| (&Books as &dyn OutputKind, *l, ms.as_slice())),
        )
        .chain(
            (books.iter())
                .filter(|_| cx.pdf)
                .map(|(l, ms)| (&PdfBooks as &dyn OutputKind, *l, ms.as_slice())),
        )
        .chain(
            indexes
                .iter()
                .map(|&l| (&SearchIndex as &dyn OutputKind, l, &[][..])),
        )
        .chain(
            (prints.iter())
                .filter(|&&(l, _)| FontFiles.wanted(cx, l))
                .map(|&(l, _)| (&FontFiles as &dyn OutputKind, l, &[][..])),
        )
        .collect()
}

/// Records what the work after the reload made, by language, and the new
/// sizes of the search indexes. Returns whether the list of output files
/// changed.
fn record_later(last: &mut Last, products: Vec<(usize, Product)>) -> Result<bool> {
    // Whether an index gained or lost parts or chunks, or a file is newly listed.
    let mut listed = false;
    for (l, product) in products {
        if let Some(size) = product.index {
            let code = &last.project.langs()[l].code;
            if let Some(entry) = last.search_indexes.iter_mut().find(|e| &e.lang == code) {
                for k in size.parts..entry.parts {
                    listed |= last
                        .ledger
                        .outputs
                        .remove(&crate::search::part_path(code, k));
                }
                for k in size.chunks..entry.chunks {
                    listed |= last
                        .ledger
                        .outputs
                        .remove(&crate::search::chunk_path(code, k));
                }
                *entry = size;
            }
        }
        listed |= last.ledger.record_all(product.files)?;
    }
    Ok(listed)
}

/// Applies edits of chapter files to the last build: re-reads them, renders
/// again the bodies and pages they make stale, and writes what changed.
fn rebuild_edits(last: &mut Last, edits: Vec<Edit>) -> Result<BuildReport> {
    let mut timer = Timer::default();
    let before = last.ledger.written;
    last.begin()?;
    let root = last.project.paths.root.clone();
    let read = read_again(last, &root, &edits);
    let applied = apply_reads(last, edits, read);
    timer.lap("load");
    let mut stale = stale::stale(&last.project, &applied, &last.bodies);
    // Edits that could not be read apply nothing, yet a translation that
    // can no longer be read changes the states every status page shows
    // (any edit applied renders them again already).
    if applied.is_empty() {
        let all = (0..last.project.langs().len()).map(|lang| site::PageKind::Status { lang });
        stale.pages.extend(all);
    }
    let scope = &last.scope;
    let jobs: Vec<(usize, ChapterRef)> = stale
        .bodies
        .iter()
        .filter(|&&(l, m, _)| scope.langs[l] && scope.manuals[m])
        .map(|&(l, manual, chapter)| (l, ChapterRef { manual, chapter }))
        .collect();
    render_again(last, &jobs);
    timer.lap("render chapters");
    let emit = Emitter::new(last.output.as_ref());
    let pages = render_pages(last, emit, &stale.pages);
    timer.lap("render pages");
    let files = body_files(last);
    let copies: Vec<_> = files
        .difference(&last.files)
        .collect::<Vec<_>>()
        .par_iter()
        .map(|rel| emit.copy(&root, rel, &urls::file(rel)))
        .collect();
    last.ledger.record_all(pages)?;
    for c in copies {
        last.ledger.written += usize::from(c?.0);
    }
    let removed = replace_files(last, files)?;
    let scope = &last.scope;
    last.later.extend(
        stale
            .later
            .iter()
            .filter(|&&(l, m)| scope.langs[l] && scope.manuals[m]),
    );
    timer.lap("write");
    let reported = last.reported(Vec::new());
    let written = last.ledger.written - before;
    Ok(last.report(timer, written, removed, reported, true))
}

/// Reads the edited chapter files again, in parallel, proving on disk that
/// each lies in the project (`root`).
fn read_again(
    last: &Last,
    root: &std::path::Path,
    edits: &[Edit],
) -> Vec<Result<project::ReadSource, Box<Diagnostic>>> {
    edits
        .par_iter()
        .map(|e| {
            let file = project::ChapterFile {
                chapter: last.project.chapter(e.chapter).id.clone(),
                lang: e.lang.clone(),
                path: e.path.clone(),
                // Proved again on disk: the file may have become a link.
                inside: false,
                po: None,
            };
            project::read_source(root, e.chapter.manual, &file)
        })
        .collect()
}

/// Puts the sources read again into the model and notes the problems of
/// those that could not be read. Returns each edit applied with what its
/// chapter was before.
fn apply_reads(
    last: &mut Last,
    edits: Vec<Edit>,
    read: Vec<Result<project::ReadSource, Box<Diagnostic>>>,
) -> Vec<(Edit, stale::Before)> {
    let source_lang = last.project.source_lang().to_string();
    let mut applied = Vec::new();
    for (edit, result) in edits.into_iter().zip(read) {
        match result {
            Ok(read) => {
                last.read_errors.remove(&edit.path);
                let r = edit.chapter;
                let chapter = &mut last.project.manuals[r.manual].chapters[r.chapter];
                let before = stale::Before {
                    source: chapter.sources[&edit.lang].clone(),
                    anchors: chapter
                        .sources
                        .iter()
                        .map(|(l, s)| (l.clone(), s.anchors.clone()))
                        .collect(),
                };
                project::replace_source(chapter, read.source, &source_lang);
                applied.push((edit, before));
            }
            // The last good version stays in the site; the problem is reported.
            Err(d) => {
                last.read_errors.insert(edit.path, *d);
            }
        }
    }
    applied
}

/// Renders and emits the pages of `kinds` in the last build's scope.
fn render_pages(last: &Last, emit: Emitter<'_>, kinds: &[site::PageKind]) -> Vec<Emitted> {
    let ctx = last.ctx();
    let scope = &last.scope;
    kinds
        .par_iter()
        .filter(|&&k| scope.has_page(k))
        .map(|&k| emit.page(&ctx, k))
        .collect()
}

/// The project files the last build's bodies use.
fn body_files(last: &Last) -> BTreeSet<String> {
    last.bodies
        .iter()
        .flat_map(|b| b.iter())
        .flat_map(|b| b.files.iter().cloned())
        .collect()
}

/// Makes `files` the project files among the outputs, removing the copies
/// of those no longer used. Returns how many files were removed.
fn replace_files(last: &mut Last, files: BTreeSet<String>) -> Result<usize> {
    if files == last.files {
        return Ok(0);
    }
    for rel in last.files.difference(&files) {
        last.ledger.outputs.remove(&urls::file(rel));
    }
    (last.ledger.outputs).extend(files.iter().map(|rel| urls::file(rel)));
    let removed = last.remove_unlisted()?;
    last.files = files;
    Ok(removed)
}

/// Renders again the bodies of (language, chapter) `jobs` of the last build.
fn render_again(last: &mut Last, jobs: &[(usize, ChapterRef)]) {
    let Last {
        project,
        ui,
        highlighted,
        bodies,
        ..
    } = last;
    let rendered: Vec<((usize, usize), _)> = jobs
        .par_iter()
        .map(|&(l, r)| {
            let search = project.config.search_in(&project.langs()[l].code);
            let body = site::render_body(project, ui, highlighted, l, r, search, None);
            ((l, project.flat_index(r)), body)
        })
        .collect();
    for ((l, i), body) in rendered {
        Arc::make_mut(&mut bodies[l])[i] = body;
    }
}

/// Applies changed templates, theme files or UI strings to the last build:
/// no Markdown is read again; the bodies of languages whose strings changed
/// are rendered again, then the pages concerned (all of them for a theme
/// change), and print pages and books follow after the reload. `None` when
/// a full build is needed instead: the theme's static files are not the same
/// files any more, or a template fails (its pages are removed from the site).
fn rebuild_resources(last: &mut Last, what: Resources) -> Result<Option<BuildReport>> {
    let mut timer = Timer::default();
    let before = last.ledger.written;
    // A broken theme or Fluent file stops here: the last good pages stay.
    let (ui, ui_diags, theme) = stages::load_resources(&last.project)?;
    timer.lap("ui strings and theme");
    if !theme.statics.keys().eq(last.theme.statics.keys()) {
        return Ok(None);
    }
    last.begin()?;
    let project = &last.project;
    let scope = &last.scope;
    let langs: Vec<usize> = (0..project.langs().len())
        .filter(|&l| {
            let code = &project.langs()[l].code;
            scope.langs[l] && (what.theme || ui.get(code) != last.ui.get(code))
        })
        .collect();
    last.ui = ui;
    last.ui_diags = ui_diags;
    last.theme = theme;
    let strings_changed: &[usize] = if what.strings { &langs } else { &[] };
    let refs: Vec<ChapterRef> = last.project.chapter_refs().collect();
    let jobs: Vec<(usize, ChapterRef)> = strings_changed
        .iter()
        .flat_map(|&l| refs.iter().map(move |&r| (l, r)))
        .filter(|&(_, r)| last.scope.manuals[r.manual])
        .collect();
    render_again(last, &jobs);
    timer.lap("render chapters");
    let scope = &last.scope;
    let kinds: Vec<site::PageKind> = site::pages(&last.project)
        .into_iter()
        .filter(|&k| {
            scope.has_page(k)
                && !matches!(k, site::PageKind::Print { .. })
                && k.lang().is_none_or(|l| langs.contains(&l))
        })
        .collect();
    let emit = Emitter::new(last.output.as_ref());
    let ctx = last.ctx();
    let pages: Vec<_> = kinds.par_iter().map(|&k| emit.page(&ctx, k)).collect();
    drop(ctx);
    let failed = pages.iter().any(|e| e.failed());
    last.ledger.record_all(pages)?;
    if failed {
        return Ok(None);
    }
    let statics: Vec<_> = (last.theme.statics.iter())
        .map(|(name, bytes)| emit.bytes(urls::static_file(name), bytes.clone()))
        .collect();
    last.ledger.record_all(statics)?;
    timer.lap("render pages");
    for &l in &langs {
        for m in 0..last.project.manuals.len() {
            if last.scope.manuals[m] {
                last.later.insert((l, m));
            }
        }
    }
    let reported = last.reported(Vec::new());
    let written = last.ledger.written - before;
    Ok(Some(last.report(timer, written, 0, reported, true)))
}
