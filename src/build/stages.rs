//! A full build, as a list of named stages: fingerprint the inputs (and stop
//! when nothing changed), load the model, load the resources, highlight the
//! code, make every language's outputs, then write the files all languages
//! share and the manifest.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::emit::{Copied, CopyOutcome, Emitted, Emitter, Ledger};
use super::kinds::{Bodies, Inputs, KINDS, Language, Pages, Product, Runs};
use super::output::Output;
use super::scope::Scope;
use super::session::Last;
use super::{BuildReport, Resolved, cache, known, manifest};
use crate::diag::Diagnostic;
use crate::error::Result;
use crate::load::dates::Dates;
use crate::load::project;
use crate::model::{ChapterRef, Project, urls};
use crate::render::highlight::Highlighted;
use crate::render::markdown::Rendered;
use crate::site::i18n::{self, Ui};
use crate::site::theme::{self, Theme};
use crate::site::{self, SiteContext};

/// A full build; with `keep`, also what a [`super::Session`] needs for the
/// next one.
pub(crate) fn full(target: &Resolved, keep: bool) -> Result<(BuildReport, Option<Last>)> {
    let mut timer = Timer::default();
    let dates = find_dates(target);
    let fingerprint = fingerprint(target, keep);
    let dates = dates.map_or(Dates::Files, |d| d.join().unwrap_or(Dates::Files));
    let Fingerprint {
        fingerprint,
        last,
        intact,
        preread,
        taken,
    } = fingerprint.with_dates(&dates);
    timer.lap("fingerprint");
    if let Some(report) = unchanged(target, fingerprint.as_deref(), last, intact, &mut timer) {
        return Ok((report, None));
    }
    // A build of some languages alone holds the text of those (and of the
    // languages they fall back to) only; the others' outlines are enough.
    let texts_of = (!keep && (target.options.shared_only || !target.options.languages.is_empty()))
        .then_some(&target.options.languages[..]);
    let (project, plan_diags, read_errors) = load_parts(&target.options.root, preread, texts_of)?;
    // The status pages of every language show the same report, in which a
    // translation that could not be read is broken rather than missing.
    let status = Arc::new(crate::translate::status::report_with(
        &project,
        &Default::default(),
        plan_diags.iter().chain(read_errors.values()),
        &[],
    ));
    timer.lap("load");
    let scope = Scope::new(&project, &target.options)?;
    let (ui, ui_diags, theme) = load_resources(&project)?;
    timer.lap("ui strings and theme");
    // The characters each language and book shows, and the Zawgyi check,
    // are all that reads the chapters' whole text before they render.
    let (texts, zawgyi) = rayon::join(
        || super::fonts::collect(&project, &ui, &scope, !target.options.no_epub),
        || (!keep).then(|| crate::fonts::zawgyi(&project)),
    );
    let mut project = project;
    if !keep {
        // From here on, each language's text is needed only while that
        // language renders.
        project.release_texts(&scope.manuals);
    }
    let (highlighted, fonts) = rayon::join(
        || highlight_code(&project, &scope),
        || {
            texts.map_or_else(Default::default, |t| {
                super::fonts::finish(&project, t, None)
            })
        },
    );
    timer.lap("code highlighting and fonts");
    let output = open_output(target)?;
    let cx = Languages {
        project: &project,
        ui: &ui,
        theme: &theme,
        highlighted: &highlighted,
        scope: &scope,
        dates: &dates,
        epub: !target.options.no_epub,
        pdf: !target.options.no_pdf && project.config.pdf,
        keep,
        fonts: &fonts,
        status,
    };
    let made = cx.make(target, output.as_ref())?;
    timer.lap("render");
    let LanguagesMade {
        mut ledger,
        bodies,
        body_diags,
        files,
        search_indexes,
        pages,
    } = made;
    let copied = shared_files(
        &cx,
        &bodies,
        &files,
        Emitter::new(output.as_ref()),
        &mut ledger,
    )?;
    let mut last = Last {
        target: target.clone(),
        output,
        project,
        ui,
        theme,
        bodies,
        highlighted,
        scope,
        pages,
        plan_diags,
        read_errors,
        ui_diags,
        ledger,
        files,
        search_indexes,
        later: BTreeSet::new(),
        books_later: BTreeSet::new(),
        fonts,
        zawgyi,
    };
    if keep {
        last.books_after_reload();
    }
    // The bodies of a one-off build were dropped language by language;
    // their problems were kept.
    let (diagnostics, left_out) = last.reported(if keep { Vec::new() } else { body_diags });
    let removed = last.finish_output(fingerprint, copied, (&diagnostics, left_out))?;
    if let (Some(output), Some(taken)) = (last.output.as_ref(), taken) {
        taken.write(output.state())?;
    }
    timer.lap("write");
    let report = last.report(
        timer,
        last.ledger.written,
        removed,
        (diagnostics, left_out),
        false,
    );
    if keep {
        return Ok((report, Some(last)));
    }
    // Freeing the model (every chapter's text) takes a while and nothing
    // waits for it: a one-off build returns at once.
    rayon::spawn(move || drop(last));
    Ok((report, None))
}

/// The time taken by each stage of a build.
pub(crate) struct Timer {
    started: Instant,
    done: Vec<(&'static str, Duration)>,
    lap: Instant,
}

impl Default for Timer {
    fn default() -> Self {
        Timer {
            started: Instant::now(),
            done: Vec::new(),
            lap: Instant::now(),
        }
    }
}

impl Timer {
    /// Ends the stage `name` now.
    pub fn lap(&mut self, name: &'static str) {
        self.done.push((name, self.lap.elapsed()));
        self.lap = Instant::now();
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn done(self) -> Vec<(&'static str, Duration)> {
        self.done
    }
}

/// The books' dates come from git, which runs beside the fingerprint.
fn find_dates(target: &Resolved) -> Option<std::thread::JoinHandle<Dates>> {
    target.options.books().then(|| {
        let (root, epoch) = (target.root.clone(), target.options.source_date_epoch);
        std::thread::spawn(move || Dates::find(&root, epoch))
    })
}

/// Threads that read the input files at the start of a build, most of
/// them waiting on the disk when the files are not cached.
const READ_THREADS: usize = 16;

/// The inputs' fingerprint, the last build's manifest, and the chapter
/// files read while fingerprinting.
struct Fingerprint {
    fingerprint: Option<String>,
    last: Option<manifest::Manifest>,
    /// Whether every output file the last build's manifest lists is still
    /// as that build wrote it.
    intact: bool,
    preread: HashMap<PathBuf, project::Preread>,
    /// The inputs' hashes, to keep for the next build.
    taken: Option<known::Taken>,
}

impl Fingerprint {
    /// The fingerprint covers the books' dates too.
    fn with_dates(self, dates: &Dates) -> Fingerprint {
        Fingerprint {
            fingerprint: self.fingerprint.map(|f| manifest::with_dates(&f, dates)),
            ..self
        }
    }
}

/// Fingerprints the inputs before reading them, so that a change made
/// while this build runs is seen by the next one. Without a previous build
/// to compare with, or when an output file it wrote is gone or touched,
/// every chapter file will be loaded: the bytes read for the fingerprint
/// are kept for that, so the build reads each file once and builds exactly
/// the bytes it fingerprinted. (A build that may stop at the no-change check
/// does not keep them: holding every file costs more than the check itself.)
/// Files whose hashes the last build knew, and that have not changed since
/// by their size, times and identity, are not hashed again
/// ([`known`]); a build that may stop reads none of them.
fn fingerprint(target: &Resolved, keep: bool) -> Fingerprint {
    let opts = &target.options;
    let manifest_opts = manifest::Options {
        no_epub: opts.no_epub,
        no_pdf: opts.no_pdf,
        source_date_epoch: opts.source_date_epoch,
        languages: &opts.languages,
        manuals: &opts.manuals,
        shared_only: opts.shared_only,
        font_folders: &crate::fonts::find::system_font_folders(),
    };
    let state = cache::folder(&target.root, &target.out);
    let last = if keep { None } else { manifest::read(&state) };
    let intact = last
        .as_ref()
        .is_some_and(|m| manifest::outputs_intact(&target.out, m));
    // The bytes of the chapter files the load will read; with `--lang`,
    // only those of the languages asked for (the load reads the others
    // again and keeps only what it scanned of them).
    let keep_bytes = |p: &Path| {
        !intact
            && p.extension().is_some_and(|e| e == "md")
            && (opts.languages.is_empty() && !opts.shared_only
                || chapter_lang(&target.root, p)
                    .is_some_and(|l| opts.languages.iter().any(|c| c == l)))
    };
    let mut preread = HashMap::new();
    let mut taken = known::Taken::now();
    let fingerprint = (!opts.dry_run).then(|| {
        let known = known::Known::read(&state);
        manifest::fingerprint(&target.root, &target.out, &manifest_opts, &mut |paths| {
            let read = read_for_fingerprint(paths, &keep_bytes, &known);
            paths
                .iter()
                .zip(read)
                .map(|(p, read)| {
                    let Read { hash, bytes, stamp } = read?;
                    if let Some(bytes) = bytes {
                        preread.insert(p.clone(), bytes);
                    }
                    let modified = stamp.as_ref().map_or(0, known::Stamp::modified);
                    if let Some(stamp) = stamp {
                        taken.add(p.clone(), stamp, hash);
                    }
                    Some(manifest::Hashed {
                        digest: hash,
                        modified,
                    })
                })
                .collect()
        })
    });
    Fingerprint {
        fingerprint: fingerprint.clone(),
        last,
        intact,
        preread,
        taken: fingerprint.map(|_| taken),
    }
}

/// The language folder of a chapter file `manuals/<manual>/<lang>/...`
/// below `root`.
fn chapter_lang<'p>(root: &Path, path: &'p Path) -> Option<&'p str> {
    let mut parts = path.strip_prefix(root).ok()?.components();
    (parts.next()?.as_os_str() == "manuals").then_some(())?;
    parts.next()?;
    parts.next()?.as_os_str().to_str()
}

/// One input file as the fingerprint saw it.
struct Read {
    hash: [u8; 32],
    /// The bytes, for a chapter file the build will load.
    bytes: Option<project::Preread>,
    /// Its size, times and identity before it was read.
    stamp: Option<known::Stamp>,
}

/// Each file's hash, and the bytes of the files `keep_bytes` says. A
/// file `known` holds for its stamp is read only for its bytes.
fn read_for_fingerprint(
    paths: &[PathBuf],
    keep_bytes: &(dyn Fn(&Path) -> bool + Sync),
    known: &known::Known,
) -> Vec<Option<Read>> {
    let read_all = || -> Vec<_> {
        paths
            .par_iter()
            .map(|p| {
                let stamp = std::fs::metadata(p)
                    .ok()
                    .filter(|m| m.is_file())
                    .map(|m| known::Stamp::of(&m));
                let kept = keep_bytes(p);
                let hash = stamp.and_then(|s| known.get(p, &s));
                if let (Some(hash), false) = (hash, kept) {
                    return Some(Read {
                        hash,
                        bytes: None,
                        stamp,
                    });
                }
                let (bytes, modified) = project::read_file(p).ok()?;
                let hash = hash.unwrap_or_else(|| manifest::bytes_hash(&bytes));
                Some(Read {
                    hash,
                    bytes: kept.then_some((bytes, modified)),
                    stamp,
                })
            })
            .collect()
    };
    // Files not in the page cache are read from the disk: more reads in
    // flight than cores keep the disk busy while a core waits.
    match rayon::ThreadPoolBuilder::new()
        .num_threads(READ_THREADS)
        .build()
    {
        Ok(pool) => pool.install(read_all),
        Err(_) => read_all(),
    }
}

/// The report of a build that found nothing changed since `last` and
/// no output touched: it writes nothing.
fn unchanged(
    target: &Resolved,
    fingerprint: Option<&str>,
    last: Option<manifest::Manifest>,
    intact: bool,
    timer: &mut Timer,
) -> Option<BuildReport> {
    let (fp, last) = (fingerprint?, last?);
    let same = intact && last.fingerprint == fp && manifest::copied_intact(&target.root, &last);
    if !same {
        return None;
    }
    timer.lap("unchanged check");
    let t = std::mem::take(timer);
    Some(BuildReport {
        pages: last.pages,
        languages: last.languages,
        manuals: last.manuals,
        written: 0,
        removed: 0,
        out: target.out.clone(),
        elapsed: t.elapsed(),
        diagnostics: last.diagnostics,
        left_out: last.left_out,
        stages: t.done(),
        search_indexes: last.search_indexes,
        unchanged: true,
        incremental: false,
    })
}

/// Loads a project into the model, reading chapter files in parallel.
pub fn load(root: &Path) -> Result<(Project, Vec<Diagnostic>)> {
    let (project, mut diagnostics, read_errors) = load_parts(root, HashMap::new(), None)?;
    diagnostics.extend(read_errors.into_values());
    diagnostics.extend(drift(&project));
    diagnostics.extend(crate::fonts::zawgyi(&project));
    Ok((project, diagnostics))
}

/// Problems of the chapter files that could not be read, by path.
pub(crate) type ReadErrors = BTreeMap<PathBuf, Diagnostic>;

/// [`load`], with the planning problems and the unreadable files apart and
/// without the drift warnings.
/// `preread`: chapter files already read, by path (the others are read here).
/// With `texts_of`, the text of every other language (but those that some
/// language falls back to) is let go of as soon as its file is scanned, as
/// [`Project::release_texts`] would let go of it later: a build of a few
/// languages then never holds every language's text at once.
fn load_parts(
    root: &Path,
    mut preread: HashMap<PathBuf, project::Preread>,
    texts_of: Option<&[String]>,
) -> Result<(Project, Vec<Diagnostic>, ReadErrors)> {
    let plan = project::plan(root)?;
    let kept = texts_of.map(|langs| Project::texts_shown(&plan.config, langs.iter().cloned()));
    let mut diagnostics = plan.diagnostics.clone();
    let jobs: Vec<_> = plan
        .manuals
        .iter()
        .enumerate()
        .flat_map(|(mi, m)| m.files.iter().map(move |f| (mi, f)))
        .map(|(mi, file)| (mi, file, preread.remove(&file.path)))
        .collect();
    let results: Vec<_> = jobs
        .into_par_iter()
        .map(|(mi, file, read)| {
            let mut result = project::read_source_from(&plan.paths.root, mi, file, read);
            if let (Ok(read), Some(kept)) = (result.as_mut(), kept.as_ref())
                && !kept.contains(&read.source.lang)
                && read.source.po.is_none()
            {
                // Checked now, as the check of the whole model after the
                // load no longer sees this text.
                if crate::fonts::is_burmese(&plan.config, &read.source.lang) {
                    read.warnings.extend(crate::fonts::zawgyi_in(&read.source));
                }
                read.source.release();
            }
            (file.path.as_path(), result)
        })
        .collect();
    let mut sources = Vec::with_capacity(results.len());
    let mut read_errors = BTreeMap::new();
    for (path, r) in results {
        match r {
            Ok(mut s) => {
                diagnostics.append(&mut s.warnings);
                sources.push(s);
            }
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
pub(crate) fn drift(project: &Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for m in &project.manuals {
        for ch in &m.chapters {
            let source = &ch.sources[project.source_lang()];
            for (lang, tr) in ch
                .sources
                .iter()
                .filter(|(l, _)| *l != project.source_lang())
            {
                let diffs =
                    crate::translate::provenance::drift(&source.outline.counts, &tr.outline.counts);
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

/// The UI strings of every language (with their problems) and the theme.
pub(crate) fn load_resources(
    project: &Project,
) -> Result<(HashMap<String, Ui>, Vec<Diagnostic>, Theme)> {
    let (ui, ui_diags) = i18n::load(
        &project.paths.i18n,
        &project.paths.root,
        project.langs(),
        project.source_lang(),
    )?;
    let mut ui_diags = ui_diags;
    let theme = theme::load(&project.paths.themes, &project.config.theme)?;
    for link in &theme.links {
        let rel = link.strip_prefix(&project.paths.root).unwrap_or(link);
        ui_diags.push(
            Diagnostic::warning(rel, 0, "this theme file is a symbolic link, which polybook does not follow: it is left out of the theme")
                .with_hint("put a copy of the file here in place of the link"),
        );
    }
    Ok((ui, ui_diags, theme))
}

/// Highlights each distinct code block of the chapters in scope once, and
/// each line once for all the blocks that reach it in the same state.
fn highlight_code(project: &Project, scope: &Scope) -> Highlighted {
    if !scope.langs.contains(&true) {
        return Highlighted::default();
    }
    // The languages whose pages show a source's code: its own, when it is
    // built, or any that falls back to it.
    let built = (project.langs().iter())
        .zip(&scope.langs)
        .filter(|(_, built)| **built)
        .map(|(l, _)| l.code.clone());
    let shown = Project::texts_shown(&project.config, built);
    let mut blocks: FxHashSet<(&str, &str)> = FxHashSet::default();
    for m in (0..project.manuals.len()).filter(|&m| scope.manuals[m]) {
        for ch in &project.manuals[m].chapters {
            for src in ch.sources.values().filter(|s| shown.contains(&s.lang)) {
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
    let shares: Vec<_> = blocks
        .par_chunks(share)
        .map(|share| {
            let mut lines = crate::render::highlight::LineCache::default();
            let done: Vec<_> = share
                .iter()
                .map(|&(code, info)| (code.to_string(), info.to_string(), lines.block(code, info)))
                .collect();
            (lines.into_lines(), done)
        })
        .collect();
    let mut table = Highlighted::new();
    for (lines, done) in shares {
        table.add(lines, done);
    }
    table
}

/// The output folder, opened for this build (`None` for a build that writes
/// nothing). The manifest no longer vouches for it from here on.
fn open_output(target: &Resolved) -> Result<Option<Output>> {
    if target.options.dry_run {
        return Ok(None);
    }
    // Without an output folder yet, no output file needs comparing.
    let new_folder = std::fs::symlink_metadata(&target.out).is_err();
    let output = Output::open(&target.root, &target.out, new_folder)?;
    manifest::invalidate(output.state())?;
    // Left by a build that was killed.
    output.sweep();
    Ok(Some(output))
}

/// Renders a chapter body of language `lang` for each chapter in scope.
pub(crate) fn render_bodies(
    project: &Project,
    ui: &HashMap<String, Ui>,
    highlighted: &Highlighted,
    scope: &Scope,
    lang: usize,
) -> Vec<Rendered> {
    let search = project.config.search_in(&project.langs()[lang].code);
    let refs: Vec<ChapterRef> = project.chapter_refs().collect();
    let code = &project.langs()[lang].code;
    refs.par_iter()
        .map(|&r| {
            if !scope.manuals[r.manual] {
                return Rendered::default();
            }
            let (shown, _) = project.content(r, code);
            if shown.released.is_none() {
                return site::render_body(project, ui, highlighted, lang, r, search, None);
            }
            match project::reread(shown) {
                Ok(text) => {
                    site::render_body(project, ui, highlighted, lang, r, search, Some(&text))
                }
                Err(problem) => Rendered {
                    diagnostics: vec![problem],
                    ..Rendered::default()
                },
            }
        })
        .collect()
}

/// What every language's work gives a full build.
struct Languages<'a> {
    project: &'a Project,
    ui: &'a HashMap<String, Ui>,
    theme: &'a Theme,
    highlighted: &'a Highlighted,
    scope: &'a Scope,
    dates: &'a Dates,
    epub: bool,
    pdf: bool,
    keep: bool,
    fonts: &'a super::fonts::Fonts,
    /// The translation status every status page shows.
    status: Arc<crate::translate::status::Report>,
}

/// What the languages' work made.
struct LanguagesMade {
    ledger: Ledger,
    /// Each language's bodies: kept for a session, empty otherwise.
    bodies: Vec<Bodies>,
    /// The problems of the bodies not kept.
    body_diags: Vec<Diagnostic>,
    /// The project files the bodies use (images), to copy.
    files: BTreeSet<String>,
    search_indexes: Vec<crate::search::IndexSize>,
    /// Pages in the build's scope.
    pages: usize,
}

impl Languages<'_> {
    /// One language after the other, all of its work in parallel: its
    /// chapter bodies, then its pages, each written as soon as it is made;
    /// its books and search index follow as tasks of their own beside the
    /// next language's work. Only a session keeps the bodies afterwards.
    fn make(&self, target: &Resolved, output: Option<&Output>) -> Result<LanguagesMade> {
        let (project, scope) = (self.project, self.scope);
        let emit = Emitter::new(output);
        let pages = site::pages(project)
            .into_iter()
            .filter(|&k| scope.has_page(k))
            .count();
        let progress = progress_bar(target.options.progress, pages);
        let work = KindsWork {
            cx: self.inputs(&progress),
            manuals: (0..project.manuals.len())
                .filter(|&m| scope.manuals[m])
                .collect(),
            emit,
            one_at_a_time: OneAtATime::default(),
            keep: self.keep,
        };
        let langs = project.langs().len();
        let mut bodies: Vec<Bodies> = vec![Bodies::default(); langs];
        let mut body_diags = Vec::new();
        let mut files = BTreeSet::new();
        // What each kind made for each language, filled by its task.
        let mut slots: Vec<Vec<Option<Product>>> = (0..langs)
            .map(|_| KINDS.iter().map(|_| None).collect())
            .collect();
        let mut sitemap = None;
        rayon::scope(|tasks| {
            // The sitemap needs only the model: made and written beside
            // the first language's work.
            if scope.writes_shared_pages() {
                let sitemap = &mut sitemap;
                tasks.spawn(move |_| {
                    *sitemap =
                        Some(emit.bytes("sitemap.xml".into(), site::sitemap(project).into_bytes()));
                });
            }
            for (lang, slots) in slots.iter_mut().enumerate() {
                if !scope.langs[lang] {
                    continue;
                }
                let language = self.language(lang, &mut body_diags, &mut files);
                work.start(tasks, lang, &language, slots);
                if self.keep {
                    bodies[lang] = language.bodies;
                }
            }
        });
        progress.finish_and_clear();
        let (ledger, search_indexes) = record_products(slots, sitemap)?;
        Ok(LanguagesMade {
            ledger,
            bodies,
            body_diags,
            files,
            search_indexes,
            pages,
        })
    }

    /// What the output kinds read, with `progress` counting the pages.
    fn inputs<'p>(&'p self, progress: &'p ProgressBar) -> Inputs<'p> {
        Inputs {
            project: self.project,
            ui: self.ui,
            theme: self.theme,
            scope: self.scope,
            dates: self.dates,
            epub: self.epub,
            pdf: self.pdf,
            session: self.keep,
            pages: Pages::All,
            status: Some(self.status.clone()),
            progress,
            fonts: self.fonts,
        }
    }

    /// Renders the chapter bodies of language `lang`, adding the project
    /// files they use to `files` and, unless they are kept, their problems to
    /// `body_diags`.
    fn language(
        &self,
        lang: usize,
        body_diags: &mut Vec<Diagnostic>,
        files: &mut BTreeSet<String>,
    ) -> Language {
        let mut lang_bodies =
            render_bodies(self.project, self.ui, self.highlighted, self.scope, lang);
        for body in &lang_bodies {
            if !self.keep {
                body_diags.extend(body.diagnostics.iter().cloned());
            }
            files.extend(body.files.iter().cloned());
        }
        // A one-off build frees the bodies once the pages and books
        // are made, while the index may still be reading the
        // sections; a session keeps both together.
        let sections = if self.keep {
            Vec::new()
        } else {
            (lang_bodies.iter_mut())
                .map(|b| std::mem::take(&mut b.sections))
                .collect()
        };
        Language {
            bodies: Arc::new(lang_bodies),
            sections: Arc::new(sections),
        }
    }
}

/// What the output kinds' work for every language of a full build shares.
struct KindsWork<'a> {
    cx: Inputs<'a>,
    /// The manuals in scope, in order.
    manuals: Vec<usize>,
    emit: Emitter<'a>,
    one_at_a_time: OneAtATime,
    /// Whether a session keeps the bodies.
    keep: bool,
}

impl KindsWork<'_> {
    /// Starts each kind's work for language `lang`, at once or as a task of
    /// `tasks`, as the kind runs; each fills its slot in `slots`.
    fn start<'s>(
        &'s self,
        tasks: &rayon::Scope<'s>,
        lang: usize,
        language: &Language,
        slots: &'s mut [Option<Product>],
    ) {
        for (kind, slot) in KINDS.iter().zip(slots.iter_mut()) {
            if !kind.wanted(&self.cx, lang) {
                continue;
            }
            let (cx, manuals, emit) = (&self.cx, &self.manuals, self.emit);
            let given = Language {
                bodies: if self.keep || kind.reads_bodies() {
                    language.bodies.clone()
                } else {
                    Bodies::default()
                },
                sections: language.sections.clone(),
            };
            match kind.runs() {
                Runs::Now => *slot = Some(kind.make(cx, lang, manuals, &given, emit)),
                Runs::Beside => tasks.spawn(move |_| {
                    *slot = Some(kind.make(cx, lang, manuals, &given, emit));
                }),
                Runs::OneLanguageAtATime => {
                    let turn = self.one_at_a_time.wait();
                    tasks.spawn(move |_| {
                        let _turn = turn;
                        *slot = Some(kind.make(cx, lang, manuals, &given, emit));
                    });
                }
            }
        }
    }
}

/// Records what the kinds made into a new ledger, with the sitemap; also
/// returns the search index sizes.
fn record_products(
    mut slots: Vec<Vec<Option<Product>>>,
    sitemap: Option<Emitted>,
) -> Result<(Ledger, Vec<crate::search::IndexSize>)> {
    let mut ledger = Ledger::default();
    let mut search_indexes = Vec::new();
    // Recorded kind by kind, as the manifest lists problems in order.
    for k in 0..KINDS.len() {
        for product in slots.iter_mut().filter_map(|s| s[k].take()) {
            search_indexes.extend(product.index);
            ledger.record_all(product.files)?;
        }
    }
    ledger.record_all(sitemap)?;
    Ok((ledger, search_indexes))
}

fn progress_bar(shown: bool, pages: usize) -> ProgressBar {
    if !shown {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(pages as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} pages").expect("valid template"),
    );
    bar
}

/// Lets the work of one language at a time run: [`OneAtATime::wait`] waits
/// (helping with pending work meanwhile) until the last language's is done.
#[derive(Default)]
struct OneAtATime(AtomicUsize);

/// A language's turn, which ends when it is dropped (also when its task
/// panics).
struct Turn<'a>(&'a AtomicUsize);

impl OneAtATime {
    fn wait(&self) -> Turn<'_> {
        while self.0.load(Ordering::Acquire) > 0 {
            if rayon::yield_now() != Some(rayon::Yield::Executed) {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        self.0.fetch_add(1, Ordering::AcqRel);
        Turn(&self.0)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Writes the files every language shares: the root page, the project files
/// the chapters use, the theme's static files. Returns what was copied.
fn shared_files(
    cx: &Languages<'_>,
    bodies: &[Bodies],
    files: &BTreeSet<String>,
    emit: Emitter<'_>,
    ledger: &mut Ledger,
) -> Result<Vec<Copied>> {
    let project = cx.project;
    if cx.scope.has_page(site::PageKind::Root) {
        let ctx = SiteContext::new(project, cx.theme, cx.ui, bodies, cx.epub)
            .with_pdf(cx.pdf)
            .with_fonts(cx.fonts.linked(project.langs().len()));
        let page = ctx.render(site::PageKind::Root);
        ledger.record(emit.emit(page.into()))?;
    }
    let statics: Vec<_> = cx
        .theme
        .statics
        .par_iter()
        .map(|(name, bytes)| emit.bytes(urls::static_file(name), bytes.clone()))
        .collect();
    ledger.record_all(statics)?;
    let root = &project.paths.root;
    let copies: Vec<(String, CopyOutcome)> = files
        .par_iter()
        .map(|rel| {
            let path = urls::file(rel);
            let copied = emit.copy(root, rel, &path);
            (path, copied)
        })
        .collect();
    let mut copied = Vec::new();
    for (path, c) in copies {
        let (written, c) = c?;
        ledger.written += usize::from(written);
        ledger.outputs.insert(path);
        copied.extend(c);
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loaded text of each chapter file, by language.
    fn texts(project: &Project) -> Vec<(String, bool)> {
        let mut out: Vec<(String, bool)> = (project.manuals.iter())
            .flat_map(|m| m.chapters.iter())
            .flat_map(|c| c.sources.values())
            .map(|s| (s.lang.clone(), !s.text.is_empty()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn a_build_of_some_languages_keeps_the_text_of_those_and_of_the_source_only() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let (all, ..) = load_parts(&root, HashMap::new(), None).unwrap();
        assert_eq!(
            texts(&all),
            [
                ("ar".into(), true),
                ("en".into(), true),
                ("es".into(), true)
            ]
        );
        let es = ["es".to_string()];
        let (some, ..) = load_parts(&root, HashMap::new(), Some(&es)).unwrap();
        assert_eq!(
            texts(&some),
            [
                ("ar".into(), false),
                ("en".into(), true),
                ("es".into(), true)
            ]
        );
        // What the others' files tell besides their text is all there.
        for (a, b) in (all.manuals[0].chapters.iter()).zip(&some.manuals[0].chapters) {
            for (lang, s) in &a.sources {
                let t = &b.sources[lang];
                assert_eq!(
                    (&s.title, &s.anchors, s.outline.counts),
                    (&t.title, &t.anchors, t.outline.counts)
                );
                assert_eq!(t.released.is_some(), lang == "ar");
            }
        }
        // The shared files alone keep the source's text only.
        let (none, ..) = load_parts(&root, HashMap::new(), Some(&[])).unwrap();
        assert_eq!(
            texts(&none),
            [
                ("ar".into(), false),
                ("en".into(), true),
                ("es".into(), false)
            ]
        );
    }
}
