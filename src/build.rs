//! The build orchestrator: the only place that runs work in parallel.
//!
//! Steps: plan (read configuration, list files) -> load chapters (parallel) ->
//! assemble the immutable model -> load UI strings and theme -> render every
//! page (parallel over pages of all languages and manuals) -> write the pages,
//! copied files, static files and sitemap (parallel, only what changed,
//! atomically) -> remove what a previous build wrote and this one did not.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::dates::Dates;
use crate::diag::{self, Diagnostic};
use crate::error::{Error, Result};
use crate::highlight::Highlighted;
use crate::i18n::Ui;
use crate::markdown::Rendered;
use crate::model::ChapterRef;
use crate::model::{Project, urls};
use crate::output::Output;
use crate::search::IndexSize;
use crate::site::{self, SiteContext};
use crate::theme::Theme;
use crate::{cache, epub, i18n, incremental, manifest, project, theme};

/// How to build.
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
    /// Fixed time for `dcterms:modified` of books (`SOURCE_DATE_EPOCH`);
    /// otherwise it comes from git or the files (see [`crate::dates`]).
    pub source_date_epoch: Option<i64>,
    /// Build only these languages (codes); all when empty.
    pub languages: Vec<String>,
    /// Build only these manuals (ids); all when empty.
    pub manuals: Vec<String>,
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
    /// Every problem found, sorted.
    pub diagnostics: Vec<Diagnostic>,
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
        format!(
            "rebuilt in {:.0} ms: {} files written ({} errors, {} warnings in all)",
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

/// The time taken by each stage of a build.
struct Stages {
    done: Vec<(&'static str, Duration)>,
    lap: Instant,
}

impl Default for Stages {
    fn default() -> Self {
        Stages {
            done: Vec::new(),
            lap: Instant::now(),
        }
    }
}

impl Stages {
    /// Ends the stage `name` now.
    fn lap(&mut self, name: &'static str) {
        self.done.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }

    fn done(self) -> Vec<(&'static str, Duration)> {
        self.done
    }
}

/// Loads a project into the model, reading chapter files in parallel.
pub fn load(root: &Path) -> Result<(Project, Vec<Diagnostic>)> {
    let (project, mut diagnostics, read_errors) = load_parts(root, HashMap::new())?;
    diagnostics.extend(read_errors.into_values());
    diagnostics.extend(drift(&project));
    Ok((project, diagnostics))
}

/// Problems of the chapter files that could not be read, by path.
type ReadErrors = BTreeMap<PathBuf, Diagnostic>;

/// [`load`], with the planning problems and the unreadable files apart and
/// without the drift warnings.
/// `preread`: chapter files already read, by path (the others are read here).
fn load_parts(
    root: &Path,
    mut preread: HashMap<PathBuf, project::Preread>,
) -> Result<(Project, Vec<Diagnostic>, ReadErrors)> {
    let plan = project::plan(root)?;
    let diagnostics = plan.diagnostics.clone();
    let jobs: Vec<_> = plan
        .manuals
        .iter()
        .enumerate()
        .flat_map(|(mi, m)| m.files.iter().map(move |f| (mi, f)))
        .map(|(mi, (c, l, p, inside))| {
            (
                mi,
                c.as_str(),
                l.as_str(),
                p.as_path(),
                *inside,
                preread.remove(p),
            )
        })
        .collect();
    let results: Vec<_> = jobs
        .into_par_iter()
        .map(|(mi, chapter, lang, path, inside, read)| {
            let result =
                project::read_source(&plan.paths.root, mi, chapter, lang, path, inside, read);
            (path, result)
        })
        .collect();
    let mut sources = Vec::with_capacity(results.len());
    let mut read_errors = BTreeMap::new();
    for (path, r) in results {
        match r {
            Ok(s) => sources.push(s),
            Err(d) => {
                read_errors.insert(path.to_path_buf(), *d);
            }
        }
    }
    let mut project = project::assemble(plan, sources);
    let source_lang = project.source_lang().to_string();
    project
        .manuals
        .par_iter_mut()
        .flat_map(|m| m.chapters.par_iter_mut())
        .for_each(|ch| project::set_anchors(&mut ch.sources, &source_lang));
    Ok((project, diagnostics, read_errors))
}

/// Warnings for translations whose structure differs from their source's.
fn drift(project: &Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for m in &project.manuals {
        for ch in &m.chapters {
            let source = &ch.sources[project.source_lang()];
            for (lang, tr) in ch
                .sources
                .iter()
                .filter(|(l, _)| *l != project.source_lang())
            {
                let diffs = crate::translation::drift(&source.outline.counts, &tr.outline.counts);
                if diffs.is_empty() {
                    continue;
                }
                let list: Vec<String> = diffs
                    .iter()
                    .map(|(what, s, t)| format!("{t} {what} (the source has {s})"))
                    .collect();
                out.push(
                    Diagnostic::warning(&tr.rel, 0, format!("the structure differs from the source: {}", list.join(", ")))
                        .with_lang(lang)
                        .with_hint(format!("compare with {}; a translation keeps the source's headings, alerts, code, links and images", source.rel.display())),
                );
            }
        }
    }
    out
}

/// The real output folder of a build (see [`output_dir`]).
pub fn output_folder(opts: &BuildOptions) -> Result<PathBuf> {
    let root = opts
        .root
        .canonicalize()
        .unwrap_or_else(|_| opts.root.clone());
    output_dir(&root, opts.out.as_deref())
}

/// The output folder of a build: `--out` (relative to the working folder) or
/// `<root>/output`, as a real path (every link resolved; for a folder that
/// does not exist yet, those of its nearest existing parent). It may not be
/// the project folder (`root`, a real path) or contain it, nor lie among the
/// sources (`manuals/`, `themes/`, `i18n/`) or in the build state: a build
/// there would overwrite what the user wrote.
fn output_dir(root: &Path, out: Option<&Path>) -> Result<PathBuf> {
    let given = match out {
        Some(o) if o.is_absolute() => o.to_path_buf(),
        Some(o) => std::env::current_dir()
            .map_err(|e| Error::io("find", ".", e))?
            .join(o),
        None => root.join("output"),
    };
    let real = real_path(&given)?;
    let refuse = |what: String| {
        let shown = out.unwrap_or(Path::new("output"));
        let named = if shown == real {
            format!("`{}`", shown.display())
        } else {
            format!("`{}` (`{}`)", shown.display(), real.display())
        };
        Error::Config(vec![
            Diagnostic::error("--out", 0, format!("the output folder {named} {what}"))
                .with_hint("a build replaces files in its output folder: choose a folder of its own, such as `output` in the project (the default) or a folder outside the project"),
        ])
    };
    if root.starts_with(&real) {
        return Err(refuse("is the project folder or contains it".to_string()));
    }
    for dir in ["manuals", "themes", "i18n", cache::FOLDER] {
        let sources = root.join(dir);
        let inside =
            real.starts_with(&sources) || sources.canonicalize().is_ok_and(|d| real.starts_with(d));
        if inside {
            let what = if dir == cache::FOLDER {
                "build state"
            } else {
                "sources"
            };
            return Err(refuse(format!(
                "is inside `{dir}/` of the project, which holds its {what}"
            )));
        }
    }
    Ok(real)
}

/// `path` with every link resolved: the real path of its nearest existing
/// parent, followed by the rest.
fn real_path(path: &Path) -> Result<PathBuf> {
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    let mut existing = path.to_path_buf();
    loop {
        match existing.canonicalize() {
            Ok(mut real) => {
                for part in rest.iter().rev() {
                    if part == ".." {
                        real.pop();
                    } else if part != "." {
                        real.push(part);
                    }
                }
                return Ok(real);
            }
            // A link to nothing is not a folder that does not exist yet.
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(&existing).is_err() =>
            {
                let Some(last) = existing.components().next_back() else {
                    return Err(Error::io("find", path, e));
                };
                rest.push(last.as_os_str().to_owned());
                if !existing.pop() {
                    return Err(Error::io("find", path, e));
                }
            }
            Err(e) => {
                let link = std::fs::symlink_metadata(&existing).is_ok_and(|m| m.is_symlink());
                let action = if link { "follow the link" } else { "find" };
                return Err(Error::io(action, &existing, e));
            }
        }
    }
}

/// Which languages and manuals a build produces (`--lang`, `--manual`).
struct Scope {
    langs: Vec<bool>,
    manuals: Vec<bool>,
    filtered: bool,
}

impl Scope {
    fn new(project: &Project, opts: &BuildOptions) -> Result<Scope> {
        let mut problems = Vec::new();
        for code in &opts.languages {
            if project.config.lang(code).is_none() {
                let known: Vec<&str> = project.langs().iter().map(|l| l.code.as_str()).collect();
                problems.push(
                    Diagnostic::error("--lang", 0, format!("the project has no language `{code}`"))
                        .with_hint(format!("the languages are: {}", known.join(", "))),
                );
            }
        }
        for id in &opts.manuals {
            if !project.manuals.iter().any(|m| &m.id == id) {
                let known: Vec<&str> = project.manuals.iter().map(|m| m.id.as_str()).collect();
                problems.push(
                    Diagnostic::error("--manual", 0, format!("the project has no manual `{id}`"))
                        .with_hint(format!("the manuals are: {}", known.join(", "))),
                );
            }
        }
        if !problems.is_empty() {
            return Err(Error::Config(problems));
        }
        Ok(Scope {
            langs: project
                .langs()
                .iter()
                .map(|l| opts.languages.is_empty() || opts.languages.contains(&l.code))
                .collect(),
            manuals: project
                .manuals
                .iter()
                .map(|m| opts.manuals.is_empty() || opts.manuals.contains(&m.id))
                .collect(),
            filtered: !opts.languages.is_empty() || !opts.manuals.is_empty(),
        })
    }

    fn has_page(&self, kind: site::PageKind) -> bool {
        use site::PageKind::*;
        match kind {
            Root => !self.filtered,
            Home { lang } | Status { lang } | About { lang } => self.langs[lang],
            Contents { lang, manual } | Print { lang, manual } => {
                self.langs[lang] && self.manuals[manual]
            }
            Chapter { lang, chapter } => self.langs[lang] && self.manuals[chapter.manual],
        }
    }

    /// Whether an output file of an earlier build lies outside this build's
    /// scope, so that it is kept even though this build did not write it.
    fn keeps(&self, project: &Project, rel: &str) -> bool {
        if !self.filtered {
            return false;
        }
        let mut parts = rel.split('/');
        let first = parts.next().unwrap_or("");
        let Some(lang) = project.langs().iter().position(|l| l.code == first) else {
            // Shared files (root page, sitemap, copied files) stay.
            return true;
        };
        if !self.langs[lang] {
            return true;
        }
        let second = parts.next().unwrap_or("");
        let second = second.strip_suffix(".epub").unwrap_or(second);
        project
            .manuals
            .iter()
            .position(|m| m.id == second)
            .is_some_and(|m| !self.manuals[m])
    }
}

/// Builds the site.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    full(opts, false).map(|(report, _)| report)
}

/// What `serve` and `build --watch` keep between builds, so that a rebuild
/// after an edit redoes only what the edit affects (see [`incremental`]).
#[derive(Default)]
pub struct Session {
    last: Option<Last>,
}

/// The last build's model, bodies and problems.
struct Last {
    out: PathBuf,
    /// The output folder and its build state; `None` for a build that
    /// writes nothing.
    output: Option<Output>,
    project: Project,
    ui: HashMap<String, Ui>,
    theme: Theme,
    bodies: Vec<Vec<Rendered>>,
    highlighted: Highlighted,
    scope: Scope,
    pages: usize,
    plan_diags: Vec<Diagnostic>,
    read_errors: ReadErrors,
    ui_diags: Vec<Diagnostic>,
    /// Problems of pages, books and search indexes, by output path.
    output_diags: HashMap<String, Vec<Diagnostic>>,
    /// Everything the output holds, and the project files among it.
    outputs: BTreeSet<String>,
    files: BTreeSet<String>,
    search_indexes: Vec<IndexSize>,
    /// Print pages, books and search indexes still to refresh, by
    /// (language, manual).
    later: BTreeSet<(usize, usize)>,
    /// Books still to make after a full build.
    books_later: BTreeSet<(usize, usize)>,
}

impl Last {
    /// The report of an incremental rebuild of this build.
    fn incremental_report(
        &self,
        out: PathBuf,
        written: usize,
        removed: usize,
        started: Instant,
        timer: Stages,
    ) -> BuildReport {
        BuildReport {
            pages: self.pages,
            languages: self.project.langs().len(),
            manuals: self.project.manuals.len(),
            written,
            removed,
            out,
            elapsed: started.elapsed(),
            diagnostics: self.diagnostics(),
            stages: timer.done(),
            search_indexes: self.search_indexes.clone(),
            unchanged: false,
            incremental: true,
        }
    }

    fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.plan_diags.clone();
        all.extend(self.read_errors.values().cloned());
        all.extend(drift(&self.project));
        all.extend(self.ui_diags.iter().cloned());
        for body in self.bodies.iter().flatten() {
            all.extend(body.diagnostics.iter().cloned());
        }
        for d in self.output_diags.values() {
            all.extend(d.iter().cloned());
        }
        diag::normalise(&mut all);
        all
    }

    fn ctx(&self, opts: &BuildOptions) -> SiteContext<'_> {
        SiteContext::new(
            &self.project,
            &self.theme,
            &self.ui,
            &self.bodies,
            !opts.no_epub,
        )
    }
}

impl Session {
    /// Builds after `changed` paths changed: only what they affect when they
    /// are edits of chapter files the last build read, everything otherwise
    /// (still writing only files whose bytes changed). Print pages, books and
    /// search indexes are left for [`Session::finish_later`].
    pub fn rebuild(&mut self, opts: &BuildOptions, changed: &[PathBuf]) -> Result<BuildReport> {
        if let Some(last) = self.last.as_mut()
            && let Some(edits) = incremental::edits(&last.project, changed)
        {
            return rebuild_edits(last, opts, edits);
        }
        if let Some(last) = self.last.as_mut()
            && let Some(what) = incremental::resources(&last.project, changed)
            && let Some(report) = rebuild_resources(last, opts, what)?
        {
            return Ok(report);
        }
        self.last = None;
        let (report, last) = full(opts, true)?;
        self.last = last;
        Ok(report)
    }

    /// Refreshes the print pages, books and search indexes the last
    /// rebuild left stale. Returns how many files were written.
    pub fn finish_later(&mut self, opts: &BuildOptions) -> Result<usize> {
        let Some(last) = self.last.as_mut() else {
            return Ok(0);
        };
        let later = std::mem::take(&mut last.later);
        let mut book_jobs = std::mem::take(&mut last.books_later);
        book_jobs.extend(later.iter().copied());
        if book_jobs.is_empty() {
            return Ok(0);
        }
        // The manifest no longer describes the output (the next full build
        // writes it again), and a build killed from here on leaves
        // temporary files for the next one to remove.
        if let Some(output) = last.output.as_mut() {
            output.begin();
            manifest::invalidate(output.state())?;
        }
        let ctx = last.ctx(opts);
        let prints: Vec<site::PageOutput> = later
            .par_iter()
            .map(|&(lang, manual)| ctx.render(site::PageKind::Print { lang, manual }))
            .collect();
        let books: Vec<(String, Result<epub::Book, String>)> = if opts.no_epub {
            Vec::new()
        } else {
            // Edits since the last build may have changed them.
            let dates = Dates::find(&last.project.paths.root, opts.source_date_epoch);
            book_jobs
                .par_iter()
                .map(|&(l, m)| {
                    let bodies = &last.bodies[l];
                    book(&last.project, &last.theme, &last.ui, bodies, &dates, l, m)
                })
                .collect()
        };
        let langs: BTreeSet<usize> = later.iter().map(|&(l, _)| l).collect();
        let langs: Vec<&str> = langs
            .into_iter()
            .map(|l| last.project.langs()[l].code.as_str())
            .filter(|c| last.project.config.search_in(c))
            .collect();
        let indexes: Vec<_> = langs
            .par_iter()
            .map(|code| search_index(&last.project, code))
            .collect();
        let mut writes: Vec<(String, Vec<u8>)> = Vec::new();
        let mut diags: Vec<(String, Vec<Diagnostic>)> = Vec::new();
        for page in prints {
            diags.push((page.path.clone(), page.diagnostics));
            if let Some(html) = page.html {
                writes.push((page.path, html));
            }
        }
        for (path, bytes) in books {
            match bytes {
                Ok(b) => {
                    diags.push((path.clone(), b.diagnostics));
                    writes.push((path, b.bytes));
                }
                Err(e) => diags.push((path.clone(), vec![book_error(&path, &e)])),
            }
        }
        // Whether an index gained or lost parts, which changes the list of
        // output files.
        let mut listed = false;
        for (code, index) in indexes {
            let size = index.size(&code);
            if let Some(entry) = last.search_indexes.iter_mut().find(|e| e.lang == code) {
                for k in size.parts..entry.parts {
                    listed |= last.outputs.remove(&crate::search::part_path(&code, k));
                }
                *entry = size;
            }
            for (path, text) in index.files(&code) {
                listed |= last.outputs.insert(path.clone());
                writes.push((path, text.as_bytes().to_vec()));
            }
        }
        for (path, d) in diags {
            last.output_diags.insert(path, d);
        }
        let Some(output) = last.output.as_mut() else {
            return Ok(0);
        };
        let written: Vec<Result<bool>> = writes
            .par_iter()
            .map(|(rel, bytes)| output.write(rel, bytes))
            .collect();
        let mut n = 0;
        for w in written {
            n += usize::from(w?);
        }
        if listed {
            let (scope, project) = (&last.scope, &last.project);
            output.finish(&last.outputs, &|rel| scope.keeps(project, rel))?;
        }
        Ok(n)
    }

    /// Problems of the last build, as a full build would report them.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.last
            .as_ref()
            .map(Last::diagnostics)
            .unwrap_or_default()
    }
}

/// Applies edits of chapter files to the last build: re-reads them, renders
/// again the bodies and pages they make stale, and writes what changed.
fn rebuild_edits(
    last: &mut Last,
    opts: &BuildOptions,
    edits: Vec<incremental::Edit>,
) -> Result<BuildReport> {
    let started = Instant::now();
    let mut timer = Stages::default();
    let mut stage = |name: &'static str| timer.lap(name);
    // The manifest no longer describes the output; the next full build
    // writes it again.
    if let Some(output) = last.output.as_mut() {
        output.begin();
        manifest::invalidate(output.state())?;
    }
    let root = last.project.paths.root.clone();
    let read: Vec<_> = edits
        .par_iter()
        .map(|e| {
            let id = &last.project.chapter(e.chapter).id;
            project::read_source(&root, e.chapter.manual, id, &e.lang, &e.path, false, None)
        })
        .collect();
    let source_lang = last.project.source_lang().to_string();
    let mut applied = Vec::new();
    for (edit, result) in edits.into_iter().zip(read) {
        match result {
            Ok(read) => {
                last.read_errors.remove(&edit.path);
                let r = edit.chapter;
                let chapter = &mut last.project.manuals[r.manual].chapters[r.chapter];
                let before = incremental::Before {
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
    stage("load");
    let stale = incremental::stale(&last.project, &applied, &last.bodies);
    let scope = &last.scope;
    let jobs: Vec<(usize, ChapterRef)> = stale
        .bodies
        .iter()
        .filter(|&&(l, m, _)| scope.langs[l] && scope.manuals[m])
        .map(|&(l, manual, chapter)| (l, ChapterRef { manual, chapter }))
        .collect();
    render_again(last, &jobs);
    stage("render chapters");
    let scope = &last.scope;
    let ctx = last.ctx(opts);
    let pages: Vec<site::PageOutput> = stale
        .pages
        .par_iter()
        .filter(|&&k| scope.has_page(k))
        .map(|&k| ctx.render(k))
        .collect();
    stage("render pages");
    let files: BTreeSet<String> = last
        .bodies
        .iter()
        .flatten()
        .flat_map(|b| b.files.iter().cloned())
        .collect();
    let mut writes: Vec<(String, WriteSource)> = Vec::new();
    let mut diags = Vec::new();
    for page in pages {
        diags.push((page.path.clone(), page.diagnostics));
        if let Some(html) = page.html {
            writes.push((page.path, WriteSource::Bytes(html)));
        }
    }
    for rel in files.difference(&last.files) {
        writes.push((urls::file(rel), WriteSource::Copy(rel.clone())));
    }
    let out = last.out.clone();
    let mut n = 0;
    if let Some(output) = &last.output {
        let written: Vec<Result<Written>> = writes
            .par_iter()
            .map(|(rel, src)| write_one(output, &root, rel, src))
            .collect();
        for w in written {
            n += usize::from(w?.0);
        }
    }
    for (path, d) in diags {
        last.output_diags.insert(path, d);
    }
    let mut removed = 0;
    if files != last.files {
        for rel in last.files.difference(&files) {
            last.outputs.remove(&urls::file(rel));
        }
        last.outputs.extend(files.iter().map(|rel| urls::file(rel)));
        let scope = &last.scope;
        let project = &last.project;
        if let Some(output) = last.output.as_mut() {
            removed = output.finish(&last.outputs, &|rel| scope.keeps(project, rel))?;
        }
        last.files = files;
    }
    last.later.extend(
        stale
            .later
            .iter()
            .filter(|&&(l, m)| scope.langs[l] && scope.manuals[m]),
    );
    stage("write");
    Ok(last.incremental_report(out, n, removed, started, timer))
}

/// The UI strings of every language (with their problems) and the theme.
fn load_resources(project: &Project) -> Result<(HashMap<String, Ui>, Vec<Diagnostic>, Theme)> {
    let (ui, ui_diags) = i18n::load(
        &project.paths.i18n,
        &project.paths.root,
        project.langs(),
        project.source_lang(),
    )?;
    let theme = theme::load(&project.paths.themes, &project.config.theme)?;
    Ok((ui, ui_diags, theme))
}

/// Highlights each distinct code block of the chapters in scope once, and
/// each line once for all the blocks that reach it in the same state.
fn highlight_code(project: &Project, scope: &Scope) -> Highlighted {
    let mut blocks: FxHashSet<(&str, &str)> = FxHashSet::default();
    for m in (0..project.manuals.len()).filter(|&m| scope.manuals[m]) {
        for ch in &project.manuals[m].chapters {
            for src in ch.sources.values() {
                blocks.extend(
                    src.outline
                        .code
                        .iter()
                        .map(|b| (b.text.as_str(), b.info.as_str())),
                );
            }
        }
    }
    let mut blocks: Vec<(&str, &str)> = blocks.into_iter().collect();
    blocks.sort_unstable();
    // A cache per thread (syntect's parser states stay on theirs): one share
    // of the blocks each.
    let share = blocks.len().div_ceil(rayon::current_num_threads()).max(1);
    Highlighted::new(
        blocks
            .par_chunks(share)
            .flat_map_iter(|share| {
                let mut lines = crate::highlight::LineCache::default();
                share
                    .iter()
                    .map(|&(code, info)| {
                        (
                            code.to_string(),
                            info.to_string(),
                            lines.code_block(code, info),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>(),
    )
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
    let rendered: Vec<((usize, usize), Rendered)> = jobs
        .par_iter()
        .map(|&(l, r)| {
            (
                (l, project.flat_index(r)),
                site::render_body(project, ui, highlighted, l, r, false),
            )
        })
        .collect();
    for ((l, i), body) in rendered {
        bodies[l][i] = body;
    }
}

/// Applies changed templates, theme files or UI strings to the last build:
/// no Markdown is read again; the bodies of languages whose strings changed
/// are rendered again, then the pages concerned (all of them for a theme
/// change), and print pages and books follow after the reload. `None` when
/// a full build is needed instead: the theme's static files are not the same
/// files any more, or a template fails (its pages are removed from the site).
fn rebuild_resources(
    last: &mut Last,
    opts: &BuildOptions,
    what: incremental::Resources,
) -> Result<Option<BuildReport>> {
    let started = Instant::now();
    let mut timer = Stages::default();
    let mut stage = |name: &'static str| timer.lap(name);
    let project = &last.project;
    // A broken theme or Fluent file stops here: the last good pages stay.
    let (ui, ui_diags, theme) = load_resources(project)?;
    stage("ui strings and theme");
    if !theme.statics.keys().eq(last.theme.statics.keys()) {
        return Ok(None);
    }
    if let Some(output) = last.output.as_mut() {
        output.begin();
        manifest::invalidate(output.state())?;
    }
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
    let strings_changed: Vec<usize> = if what.strings {
        langs.clone()
    } else {
        Vec::new()
    };
    let refs: Vec<ChapterRef> = last.project.chapter_refs().collect();
    let jobs: Vec<(usize, ChapterRef)> = strings_changed
        .iter()
        .flat_map(|&l| refs.iter().map(move |&r| (l, r)))
        .filter(|&(_, r)| scope.manuals[r.manual])
        .collect();
    render_again(last, &jobs);
    stage("render chapters");
    let scope = &last.scope;
    let kinds: Vec<site::PageKind> = site::pages(&last.project)
        .into_iter()
        .filter(|&k| {
            scope.has_page(k)
                && !matches!(k, site::PageKind::Print { .. })
                && k.lang().is_none_or(|l| langs.contains(&l))
        })
        .collect();
    let ctx = last.ctx(opts);
    let out = last.out.clone();
    let write = |rel: &str, bytes: &[u8]| match &last.output {
        Some(output) => output.write(rel, bytes),
        None => Ok(false),
    };
    let pages: Vec<(String, Result<bool>, Vec<Diagnostic>)> = kinds
        .par_iter()
        .map(|&k| {
            let page = ctx.render(k);
            let w = page
                .html
                .as_ref()
                .map_or(Ok(false), |h| write(&page.path, h));
            (page.path, w, page.diagnostics)
        })
        .collect();
    let mut written = 0;
    let mut failed = false;
    for (path, w, d) in pages {
        written += usize::from(w?);
        failed |= d.iter().any(Diagnostic::is_error);
        last.output_diags.insert(path, d);
    }
    if failed {
        return Ok(None);
    }
    for (name, bytes) in &last.theme.statics {
        written += usize::from(write(&urls::static_file(name), bytes)?);
    }
    stage("render pages");
    for &l in &langs {
        for m in 0..last.project.manuals.len() {
            if scope.manuals[m] {
                last.later.insert((l, m));
            }
        }
    }
    Ok(Some(
        last.incremental_report(out, written, 0, started, timer),
    ))
}

/// Writes one output file; see [`Written`].
fn write_one(output: &Output, root: &Path, rel: &str, src: &WriteSource) -> Result<Written> {
    match src {
        WriteSource::Bytes(b) => output.write(rel, b).map(|w| (w, None)),
        WriteSource::Copy(from) => {
            let path = root.join(from);
            let bytes = project::read_regular(&path).map_err(|e| Error::io("read", &path, e))?;
            let hash = manifest::content_hash(&bytes);
            output
                .write(rel, &bytes)
                .map(|w| (w, Some((from.clone(), hash))))
        }
    }
}

/// The EPUB book of one manual in one language, from that language's
/// chapter bodies: its output path and bytes.
fn book(
    project: &Project,
    theme: &Theme,
    ui: &HashMap<String, Ui>,
    bodies: &[Rendered],
    dates: &Dates,
    lang: usize,
    manual: usize,
) -> (String, std::result::Result<epub::Book, String>) {
    let code = &project.langs()[lang].code;
    let modified = dates.of(&project.manuals[manual].id).unwrap_or_else(|| {
        let m = &project.manuals[manual];
        (0..m.chapters.len())
            .map(|chapter| {
                project
                    .content(ChapterRef { manual, chapter }, code)
                    .0
                    .modified
            })
            .max()
            .unwrap_or(0)
    });
    let bytes = epub::build(&epub::BookInput {
        project,
        ui: &ui[code],
        lang,
        manual,
        bodies,
        modified,
        css: &theme.epub_css,
        lang_name: site::lang_name(ui, &project.langs()[lang]),
    });
    (
        epub::book_path(code, &project.manuals[manual].id),
        bytes.map_err(|e| e.to_string()),
    )
}

fn book_error(path: &str, e: &str) -> Diagnostic {
    Diagnostic::error(path, 0, format!("could not write the EPUB: {e}"))
}

/// The search index of one language, with its code.
fn search_index(project: &Project, code: &str) -> (String, crate::search::Index) {
    (code.to_string(), crate::search::index_script(project, code))
}

/// Threads that read the input files at the start of a build, most of
/// them waiting on the disk when the files are not cached.
const READ_THREADS: usize = 16;

/// A full build; with `keep`, also what a [`Session`] needs for the next one.
fn full(opts: &BuildOptions, keep: bool) -> Result<(BuildReport, Option<Last>)> {
    let started = Instant::now();
    let mut timer = Stages::default();
    let mut stage = |name: &'static str| timer.lap(name);
    let canonical = opts
        .root
        .canonicalize()
        .unwrap_or_else(|_| opts.root.clone());
    let out = output_dir(&canonical, opts.out.as_deref())?;
    // Without an output folder yet, no output file needs comparing.
    let new_folder = std::fs::symlink_metadata(&out).is_err();
    // The books' dates come from git, which runs beside the fingerprint.
    let dates = (!opts.no_epub).then(|| {
        let (root, epoch) = (canonical.clone(), opts.source_date_epoch);
        std::thread::spawn(move || Dates::find(&root, epoch))
    });
    let manifest_opts = manifest::Options {
        no_epub: opts.no_epub,
        source_date_epoch: opts.source_date_epoch,
        languages: &opts.languages,
        manuals: &opts.manuals,
    };
    // Fingerprint the inputs before reading them, so that a change made
    // while this build runs is seen by the next one. Without a previous
    // build to compare with, every chapter file will be loaded: the bytes
    // read for the fingerprint are kept for that, so the build reads each file
    // once and builds exactly the bytes it fingerprinted. (A build that may
    // stop at the check below does not keep them: holding every file costs
    // more than the check itself.)
    let state = cache::folder(&canonical, &out);
    let last = if keep { None } else { manifest::read(&state) };
    let keep_bytes = last.is_none();
    let preread: std::cell::RefCell<HashMap<PathBuf, project::Preread>> = Default::default();
    let fingerprint = (!opts.dry_run).then(|| {
        manifest::fingerprint(&canonical, &out, &manifest_opts, &|paths| {
            let read_all = || -> Vec<_> {
                paths
                    .par_iter()
                    .map(|p| {
                        let (bytes, modified) = project::read_file(p).ok()?;
                        let hash = manifest::bytes_hash(&bytes);
                        let kept = keep_bytes && p.extension().is_some_and(|e| e == "md");
                        Some((hash, kept.then_some((bytes, modified))))
                    })
                    .collect()
            };
            // Files not in the page cache are read from the disk: more reads
            // in flight than cores keep the disk busy while a core waits.
            let read = match rayon::ThreadPoolBuilder::new()
                .num_threads(READ_THREADS)
                .build()
            {
                Ok(pool) => pool.install(read_all),
                Err(_) => read_all(),
            };
            let mut kept = preread.borrow_mut();
            paths
                .iter()
                .zip(read)
                .map(|(p, read)| {
                    let (hash, bytes) = read?;
                    if let Some(bytes) = bytes {
                        kept.insert(p.clone(), bytes);
                    }
                    Some(hash)
                })
                .collect()
        })
    });
    let dates = dates.map_or(Dates::Files, |d| d.join().unwrap_or(Dates::Files));
    let fingerprint = fingerprint.map(|f| manifest::with_dates(&f, &dates));
    stage("fingerprint");
    if let Some(fp) = &fingerprint
        && let Some(last) = last
        && &last.fingerprint == fp
        && manifest::copied_intact(&canonical, &last)
        && manifest::outputs_intact(&out, &last)
    {
        stage("unchanged check");
        let report = BuildReport {
            pages: last.pages,
            languages: last.languages,
            manuals: last.manuals,
            written: 0,
            removed: 0,
            out,
            elapsed: started.elapsed(),
            diagnostics: last.diagnostics,
            stages: timer.done(),
            search_indexes: last.search_indexes,
            unchanged: true,
            incremental: false,
        };
        return Ok((report, None));
    }
    let (project, plan_diags, read_errors) = load_parts(&opts.root, preread.into_inner())?;
    stage("load");
    let root = project.paths.root.clone();
    let scope = Scope::new(&project, opts)?;
    let (ui, ui_diags, theme) = load_resources(&project)?;
    stage("ui strings and theme");
    let highlighted = highlight_code(&project, &scope);
    stage("code highlighting");

    // One language after the other, all of its work in parallel: its
    // chapter bodies, then its pages, each written as soon as it is made;
    // its books and search index follow as tasks of their own beside the
    // next language's work. Only a session keeps the bodies afterwards.
    let write = !opts.dry_run;
    let mut output = if write {
        let output = Output::open(&canonical, &out, new_folder)?;
        manifest::invalidate(output.state())?;
        // Left by a build that was killed.
        output.sweep();
        Some(output)
    } else {
        None
    };
    let refs: Vec<_> = project.chapter_refs().collect();
    let all_pages: Vec<site::PageKind> = site::pages(&project)
        .into_iter()
        .filter(|&k| scope.has_page(k))
        .collect();
    let bar = if opts.progress {
        let bar = ProgressBar::new(all_pages.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} pages").expect("valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut bodies: Vec<Vec<Rendered>> = vec![Vec::new(); project.langs().len()];
    let mut body_diags = Vec::new();
    let mut files: BTreeSet<String> = BTreeSet::new();
    let mut output_diags: HashMap<String, Vec<Diagnostic>> = HashMap::new();
    let mut outputs: BTreeSet<String> = BTreeSet::new();
    let mut written = 0;
    let mut search_indexes = Vec::new();
    // Records an output: whether it was written, its problems, and whether
    // it exists (a book that could not be made does not).
    let mut record =
        |path: String, r: Result<bool>, diags: Vec<Diagnostic>, exists: bool| -> Result<()> {
            if !diags.is_empty() {
                output_diags.insert(path.clone(), diags);
            }
            written += usize::from(r?);
            if exists {
                outputs.insert(path);
            }
            Ok(())
        };
    let emit = |path: &str, bytes: &[u8]| -> Result<bool> {
        match &output {
            Some(output) => output.write(path, bytes),
            None => Ok(false),
        }
    };
    // A language's search index is made from the sections its bodies gave,
    // as a task of its own that runs alongside the next languages' work, so
    // that no core waits for a long index.
    let mut index_slots: Vec<Option<IndexOutput>> =
        (0..project.langs().len()).map(|_| None).collect();
    // Each language's books, made likewise.
    let mut book_slots: Vec<Option<Vec<BookOutput>>> =
        (0..project.langs().len()).map(|_| None).collect();
    let books_in_flight = AtomicUsize::new(0);
    // The status pages of every language show the same report.
    let status = std::sync::Arc::new(crate::status::report(&project, &Default::default()));
    // The sitemap needs only the model: made beside the first language's work.
    let mut sitemap: Option<String> = None;
    let pages_done = rayon::scope(|tasks| -> Result<()> {
        if !scope.filtered {
            let (project, sitemap) = (&project, &mut sitemap);
            tasks.spawn(move |_| *sitemap = Some(site::sitemap(project)));
        }
        // Each language's slots, lent to the tasks that fill them.
        let slots = index_slots.iter_mut().zip(book_slots.iter_mut());
        for (lang, (slot, book_slot)) in slots.enumerate() {
            if !scope.langs[lang] {
                continue;
            }
            let code = project.langs()[lang].code.as_str();
            let search = project.config.search_in(code);
            bodies[lang] = refs
                .par_iter()
                .map(|&r| {
                    if scope.manuals[r.manual] {
                        site::render_body(&project, &ui, &highlighted, lang, r, search)
                    } else {
                        Rendered::default()
                    }
                })
                .collect();
            if search {
                let mut sections: Vec<Option<Vec<crate::search::Section>>> = refs
                    .iter()
                    .zip(bodies[lang].iter_mut())
                    .map(|(r, body)| {
                        scope.manuals[r.manual].then(|| std::mem::take(&mut body.sections))
                    })
                    .collect();
                let (project, emit) = (&project, &emit);
                tasks.spawn(move |_| {
                    let mut next = sections.iter_mut();
                    let index = crate::search::index_script_from(project, code, &mut |_, src| {
                        // Chapters of manuals out of this build's scope
                        // were not rendered.
                        next.next().and_then(Option::take).unwrap_or_else(|| {
                            crate::search::sections(src.body(), &src.anchors.ids)
                        })
                    });
                    let files = index
                        .files(code)
                        .into_iter()
                        .map(|(path, text)| {
                            let w = emit(&path, text.as_bytes());
                            (path, w)
                        })
                        .collect();
                    *slot = Some((index.size(code), files));
                });
            }
            for body in &bodies[lang] {
                body_diags.extend(body.diagnostics.iter().cloned());
                files.extend(body.files.iter().cloned());
            }
            let ctx = SiteContext::new(&project, &theme, &ui, &bodies, !opts.no_epub)
                .with_status(status.clone());
            let lang_pages: Vec<site::PageKind> = all_pages
                .iter()
                .copied()
                .filter(|k| k.lang() == Some(lang))
                .collect();
            // A session makes books after the pages are served.
            let manuals: Vec<usize> = (0..project.manuals.len())
                .filter(|&m| scope.manuals[m] && !opts.no_epub && !keep)
                .collect();
            let pages: Vec<_> = lang_pages
                .par_iter()
                .map(|&kind| {
                    let page = ctx.render(kind);
                    bar.inc(1);
                    let exists = page.html.is_some();
                    let w = page
                        .html
                        .as_ref()
                        .map_or(Ok(false), |h| emit(&page.path, h));
                    (page.path, w, page.diagnostics, exists)
                })
                .collect();
            for (path, w, d, exists) in pages {
                record(path, w, d, exists)?;
            }
            if !keep {
                // The books take the bodies with them: a task of their own,
                // run alongside the next language's work like its index.
                let lang_bodies = std::mem::take(&mut bodies[lang]);
                if !manuals.is_empty() {
                    // One language's books at a time, so that no more than
                    // two languages' bodies are held: this thread helps
                    // with pending work while the last ones are made.
                    while books_in_flight.load(Ordering::Acquire) > 0 {
                        if rayon::yield_now() != Some(rayon::Yield::Executed) {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                    }
                    books_in_flight.fetch_add(1, Ordering::AcqRel);
                    let (project, theme, ui, emit, dates) = (&project, &theme, &ui, &emit, &dates);
                    let in_flight = InFlight(&books_in_flight);
                    tasks.spawn(move |_| {
                        let _done = in_flight;
                        let books = manuals
                            .par_iter()
                            .map(|&m| {
                                let (path, bytes) =
                                    book(project, theme, ui, &lang_bodies, dates, lang, m);
                                match bytes {
                                    Ok(b) => {
                                        let w = emit(&path, &b.bytes);
                                        (path, w, b.diagnostics, true)
                                    }
                                    Err(e) => {
                                        let d = vec![book_error(&path, &e)];
                                        (path, Ok(false), d, false)
                                    }
                                }
                            })
                            .collect();
                        *book_slot = Some(books);
                    });
                }
            }
        }
        Ok(())
    });
    pages_done?;
    for (path, w, d, exists) in book_slots.into_iter().flatten().flatten() {
        record(path, w, d, exists)?;
    }
    for (size, files) in index_slots.into_iter().flatten() {
        search_indexes.push(size);
        for (path, w) in files {
            record(path, w, Vec::new(), true)?;
        }
    }
    bar.finish_and_clear();
    stage("render");
    let ctx = SiteContext::new(&project, &theme, &ui, &bodies, !opts.no_epub);
    let mut writes: Vec<(String, WriteSource)> = Vec::new();
    if scope.has_page(site::PageKind::Root) {
        let page = ctx.render(site::PageKind::Root);
        if !page.diagnostics.is_empty() {
            output_diags.insert(page.path.clone(), page.diagnostics);
        }
        if let Some(html) = page.html {
            writes.push((page.path, WriteSource::Bytes(html)));
        }
    }
    for rel in &files {
        writes.push((urls::file(rel), WriteSource::Copy(rel.clone())));
    }
    for (name, bytes) in &theme.statics {
        writes.push((urls::static_file(name), WriteSource::Bytes(bytes.clone())));
    }
    if let Some(sitemap) = sitemap {
        writes.push((
            "sitemap.xml".into(),
            WriteSource::Bytes(sitemap.into_bytes()),
        ));
    }
    outputs.extend(writes.iter().map(|(rel, _)| rel.clone()));
    let mut last = Last {
        out: out.clone(),
        output: output.take(),
        project,
        ui,
        theme,
        bodies,
        highlighted,
        scope,
        pages: all_pages.len(),
        plan_diags,
        read_errors,
        ui_diags,
        output_diags,
        outputs,
        files,
        search_indexes,
        later: BTreeSet::new(),
        books_later: BTreeSet::new(),
    };
    if keep && !opts.no_epub {
        // Listed now, so that the books of the last build stay in place
        // until Session::finish_later replaces them.
        for l in (0..last.project.langs().len()).filter(|&l| last.scope.langs[l]) {
            for m in (0..last.project.manuals.len()).filter(|&m| last.scope.manuals[m]) {
                last.books_later.insert((l, m));
                let code = &last.project.langs()[l].code;
                last.outputs
                    .insert(epub::book_path(code, &last.project.manuals[m].id));
            }
        }
    }
    let mut diagnostics = last.diagnostics();
    if !keep {
        // The bodies were dropped language by language; their problems
        // were kept.
        diagnostics.extend(body_diags);
        diag::normalise(&mut diagnostics);
    }
    let mut removed = 0;
    if let Some(output) = last.output.as_mut() {
        let results: Vec<Result<Written>> = writes
            .par_iter()
            .map(|(rel, src)| write_one(output, &root, rel, src))
            .collect();
        let mut copied = Vec::new();
        for r in results {
            let (w, c) = r?;
            written += usize::from(w);
            copied.extend(c);
        }
        let (scope, project) = (&last.scope, &last.project);
        removed = output.finish(&last.outputs, &|rel| scope.keeps(project, rel))?;
        if let Some(fingerprint) = fingerprint {
            manifest::write(
                output.state(),
                &manifest::Manifest::new(
                    fingerprint,
                    copied,
                    manifest::stat_outputs(&out, last.outputs.iter()),
                    last.pages,
                    last.project.langs().len(),
                    last.project.manuals.len(),
                    last.search_indexes.clone(),
                    diagnostics.clone(),
                ),
            )?;
        }
    }
    stage("write");
    if !keep {
        last.bodies = Vec::new();
    }
    let report = BuildReport {
        pages: last.pages,
        languages: last.project.langs().len(),
        manuals: last.project.manuals.len(),
        written,
        removed,
        out,
        elapsed: started.elapsed(),
        diagnostics,
        stages: timer.done(),
        search_indexes: last.search_indexes.clone(),
        unchanged: false,
        incremental: false,
    };
    if keep {
        return Ok((report, Some(last)));
    }
    // Freeing the model (every chapter's text) takes a while and nothing
    // waits for it: a one-off build returns at once.
    rayon::spawn(move || drop(last));
    Ok((report, None))
}

/// A search index written: its size, and each of its files with whether it
/// was written.
type IndexOutput = (IndexSize, Vec<(String, Result<bool>)>);

/// A book's output path, whether it was written, its problems and whether
/// it exists.
type BookOutput = (String, Result<bool>, Vec<Diagnostic>, bool);

/// Counts a task in flight until it is dropped, also when the task panics.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Whether a file was written, and for a copied project file, its path and
/// the hash of the bytes copied.
type Written = (bool, Option<(String, String)>);

enum WriteSource {
    Bytes(Vec<u8>),
    /// A project file, by its path relative to the root.
    Copy(String),
}
