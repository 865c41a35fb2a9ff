//! The build orchestrator: the only place that runs work in parallel.
//!
//! Steps: plan (read configuration, list files) -> load chapters (parallel) ->
//! assemble the immutable model -> load UI strings and theme -> render every
//! page (parallel over pages of all languages and manuals) -> write the pages,
//! copied files, static files and sitemap (parallel, only what changed,
//! atomically) -> remove what a previous build wrote and this one did not.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::diag::{self, Diagnostic};
use crate::error::{Error, Result};
use crate::model::{Project, urls};
use crate::site::{self, SiteContext};
use crate::{epub, i18n, output, project, theme};

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
    /// otherwise the newest source file's time.
    pub source_date_epoch: Option<i64>,
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
    /// Search index of each language: (language, bytes, bytes gzipped).
    pub search_indexes: Vec<(String, usize, usize)>,
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Loads a project into the model, reading chapter files in parallel.
pub fn load(root: &Path) -> Result<(Project, Vec<Diagnostic>)> {
    let plan = project::plan(root)?;
    let mut diagnostics = plan.diagnostics.clone();
    let jobs: Vec<(usize, &str, &str, &Path)> = plan
        .manuals
        .iter()
        .enumerate()
        .flat_map(|(mi, m)| {
            m.files
                .iter()
                .map(move |(c, l, p)| (mi, c.as_str(), l.as_str(), p.as_path()))
        })
        .collect();
    let results: Vec<_> = jobs
        .par_iter()
        .map(|&(mi, chapter, lang, path)| {
            project::read_source(&plan.paths.root, mi, chapter, lang, path)
        })
        .collect();
    let mut sources = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(s) => sources.push(s),
            Err(d) => diagnostics.push(*d),
        }
    }
    let project = project::assemble(plan, sources);
    diagnostics.extend(drift(&project));
    Ok((project, diagnostics))
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

/// Builds the site.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let (project, mut diagnostics) = load(&opts.root)?;
    stage("load");
    let root = project.paths.root.clone();
    let out = match &opts.out {
        Some(o) if o.is_absolute() => o.clone(),
        Some(o) => std::env::current_dir()
            .map_err(|e| Error::io("find", ".", e))?
            .join(o),
        None => root.join("output"),
    };
    if root.starts_with(&out) {
        return Err(Error::Config(vec![
            Diagnostic::error(
                "--out",
                0,
                format!("the output folder `{}` contains the project", out.display()),
            )
            .with_hint("choose an output folder inside or beside the project, such as `output`"),
        ]));
    }
    let (ui, ui_diags) = i18n::load(
        &project.paths.i18n,
        &root,
        project.langs(),
        project.source_lang(),
    )?;
    diagnostics.extend(ui_diags);
    let theme = theme::load(&project.paths.themes, &project.config.theme)?;
    stage("ui strings and theme");

    // Render each chapter once per language; pages and books reuse the result.
    let refs: Vec<_> = project.chapter_refs().collect();
    let bodies: Vec<Vec<_>> = (0..project.langs().len())
        .map(|lang| {
            refs.par_iter()
                .map(|&r| site::render_body(&project, &ui, lang, r))
                .collect()
        })
        .collect();
    let mut files = BTreeSet::new();
    for body in bodies.iter().flatten() {
        diagnostics.extend(body.diagnostics.iter().cloned());
        files.extend(body.files.iter().cloned());
    }
    stage("render chapters");
    let ctx = SiteContext {
        project: &project,
        theme: &theme,
        ui: &ui,
        bodies: &bodies,
        epub: !opts.no_epub,
    };

    let pages = site::pages(&project);
    let bar = if opts.progress {
        let bar = ProgressBar::new(pages.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} pages").expect("valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let rendered: Vec<site::PageOutput> = pages
        .par_iter()
        .map(|&kind| {
            let page = ctx.render(kind);
            bar.inc(1);
            page
        })
        .collect();
    bar.finish_and_clear();
    stage("render pages");

    // Gather what to write: pages, the files they use, static files, sitemap.
    let mut writes: Vec<(String, WriteSource)> = Vec::new();
    for page in rendered {
        diagnostics.extend(page.diagnostics);
        if let Some(html) = page.html {
            writes.push((page.path, WriteSource::Bytes(html.into_bytes())));
        }
    }
    for rel in files {
        writes.push((urls::file(&rel), WriteSource::Copy(root.join(&rel))));
    }
    if !opts.no_epub {
        let jobs: Vec<(usize, usize)> = (0..project.langs().len())
            .flat_map(|l| (0..project.manuals.len()).map(move |m| (l, m)))
            .collect();
        let books: Vec<_> = jobs
            .par_iter()
            .map(|&(lang, manual)| {
                let code = &project.langs()[lang].code;
                let modified = opts.source_date_epoch.unwrap_or_else(|| {
                    let m = &project.manuals[manual];
                    (0..m.chapters.len())
                        .map(|chapter| {
                            project
                                .content(crate::model::ChapterRef { manual, chapter }, code)
                                .0
                                .modified
                        })
                        .max()
                        .unwrap_or(0)
                });
                let bytes = epub::build(&epub::BookInput {
                    project: &project,
                    ui: &ui[code],
                    lang,
                    manual,
                    bodies: &bodies[lang],
                    modified,
                    css: &theme.epub_css,
                    lang_name: &ctx.lang_name(&project.langs()[lang]),
                });
                (epub::book_path(code, &project.manuals[manual].id), bytes)
            })
            .collect();
        for (path, bytes) in books {
            match bytes {
                Ok(b) => writes.push((path, WriteSource::Bytes(b))),
                Err(e) => diagnostics.push(Diagnostic::error(
                    path,
                    0,
                    format!("could not write the EPUB: {e}"),
                )),
            }
        }
        stage("books");
    }
    let search_langs: Vec<&str> = project
        .langs()
        .iter()
        .map(|l| l.code.as_str())
        .filter(|c| project.config.search_in(c))
        .collect();
    let indexes: Vec<(String, Vec<u8>, usize)> = search_langs
        .par_iter()
        .map(|code| {
            let bytes = crate::search::index_script(&project, code).into_bytes();
            let gz = gzip_len(&bytes);
            (code.to_string(), bytes, gz)
        })
        .collect();
    let mut search_indexes = Vec::new();
    for (code, bytes, gz) in indexes {
        search_indexes.push((code.clone(), bytes.len(), gz));
        writes.push((crate::search::index_path(&code), WriteSource::Bytes(bytes)));
    }
    stage("search indexes");
    for (name, bytes) in &theme.statics {
        writes.push((urls::static_file(name), WriteSource::Bytes(bytes.clone())));
    }
    writes.push((
        "sitemap.xml".into(),
        WriteSource::Bytes(site::sitemap(&project).into_bytes()),
    ));

    let mut written = 0;
    let mut removed = 0;
    if !opts.dry_run {
        let results: Vec<Result<bool>> = writes
            .par_iter()
            .map(|(rel, src)| match src {
                WriteSource::Bytes(b) => output::write_if_changed(&out, rel, b),
                WriteSource::Copy(path) => {
                    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
                    output::write_if_changed(&out, rel, &bytes)
                }
            })
            .collect();
        for r in results {
            written += usize::from(r?);
        }
        let all: BTreeSet<String> = writes.iter().map(|(rel, _)| rel.clone()).collect();
        removed = output::finish(&out, &all)?;
    }
    stage("write");
    diag::normalise(&mut diagnostics);
    Ok(BuildReport {
        pages: pages.len(),
        languages: project.langs().len(),
        manuals: project.manuals.len(),
        written,
        removed,
        out,
        elapsed: started.elapsed(),
        diagnostics,
        stages,
        search_indexes,
    })
}

/// The size of `bytes` once gzipped, as a web server would send them.
fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes)
        .and_then(|_| enc.finish())
        .map_or(0, |v| v.len())
}

enum WriteSource {
    Bytes(Vec<u8>),
    Copy(PathBuf),
}
