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
use crate::markdown::Rendered;
use crate::model::{Project, urls};
use crate::site::{self, SiteContext};
use crate::{epub, i18n, manifest, output, project, theme};

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
    /// Search index of each language: (language, bytes, bytes gzipped).
    pub search_indexes: Vec<(String, usize, usize)>,
    /// Nothing changed since the last build, which was kept as it is.
    pub unchanged: bool,
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

/// The output folder of a build: `--out` (relative to the working folder) or
/// `<root>/output`; never one that contains the project.
fn output_dir(root: &Path, out: Option<&Path>) -> Result<PathBuf> {
    let out = match out {
        Some(o) if o.is_absolute() => o.to_path_buf(),
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
    Ok(out)
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
            Home { lang } | Status { lang } => self.langs[lang],
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
    let started = Instant::now();
    let mut stages = Vec::new();
    let mut lap = Instant::now();
    let mut stage = |name: &'static str| {
        stages.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let canonical = opts
        .root
        .canonicalize()
        .unwrap_or_else(|_| opts.root.clone());
    let out = output_dir(&canonical, opts.out.as_deref())?;
    let manifest_opts = manifest::Options {
        no_epub: opts.no_epub,
        source_date_epoch: opts.source_date_epoch,
        languages: &opts.languages,
        manuals: &opts.manuals,
    };
    // Fingerprint the inputs before reading them, so that a change made
    // while this build runs is seen by the next one.
    let fingerprint =
        (!opts.dry_run).then(|| manifest::fingerprint(&canonical, &out, &manifest_opts));
    stage("fingerprint");
    if let Some(fp) = &fingerprint
        && let Some(last) = manifest::read(&out)
        && &last.fingerprint == fp
        && manifest::copied_intact(&canonical, &last)
        && manifest::outputs_intact(&out, &last)
    {
        stage("unchanged check");
        return Ok(BuildReport {
            pages: last.pages,
            languages: last.languages,
            manuals: last.manuals,
            written: 0,
            removed: 0,
            out,
            elapsed: started.elapsed(),
            diagnostics: last.diagnostics,
            stages,
            search_indexes: last.search_indexes,
            unchanged: true,
        });
    }
    let (project, mut diagnostics) = load(&opts.root)?;
    stage("load");
    let root = project.paths.root.clone();
    let scope = Scope::new(&project, opts)?;
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
                .map(|&r| {
                    if scope.langs[lang] && scope.manuals[r.manual] {
                        site::render_body(&project, &ui, lang, r)
                    } else {
                        Rendered::default()
                    }
                })
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

    let pages: Vec<_> = site::pages(&project)
        .into_iter()
        .filter(|&k| scope.has_page(k))
        .collect();
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
    for rel in &files {
        writes.push((urls::file(rel), WriteSource::Copy(rel.clone())));
    }
    if !opts.no_epub {
        let jobs: Vec<(usize, usize)> = (0..project.langs().len())
            .flat_map(|l| (0..project.manuals.len()).map(move |m| (l, m)))
            .filter(|&(l, m)| scope.langs[l] && scope.manuals[m])
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
        .enumerate()
        .filter(|&(i, l)| scope.langs[i] && project.config.search_in(&l.code))
        .map(|(_, l)| l.code.as_str())
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
    if !scope.filtered {
        writes.push((
            "sitemap.xml".into(),
            WriteSource::Bytes(site::sitemap(&project).into_bytes()),
        ));
    }

    let mut written = 0;
    let mut removed = 0;
    diag::normalise(&mut diagnostics);
    if !opts.dry_run {
        manifest::invalidate(&out)?;
        let results: Vec<Result<Written>> = writes
            .par_iter()
            .map(|(rel, src)| match src {
                WriteSource::Bytes(b) => output::write_if_changed(&out, rel, b).map(|w| (w, None)),
                WriteSource::Copy(from) => {
                    let path = root.join(from);
                    let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
                    let hash = manifest::content_hash(&bytes);
                    output::write_if_changed(&out, rel, &bytes)
                        .map(|w| (w, Some((from.clone(), hash))))
                }
            })
            .collect();
        let mut copied = Vec::new();
        for r in results {
            let (w, c) = r?;
            written += usize::from(w);
            copied.extend(c);
        }
        let all: BTreeSet<String> = writes.iter().map(|(rel, _)| rel.clone()).collect();
        removed = output::finish(&out, &all, &|rel| scope.keeps(&project, rel))?;
        if let Some(fingerprint) = fingerprint {
            manifest::write(
                &out,
                &manifest::Manifest::new(
                    fingerprint,
                    copied,
                    manifest::stat_outputs(&out, all.iter()),
                    pages.len(),
                    project.langs().len(),
                    project.manuals.len(),
                    search_indexes.clone(),
                    diagnostics.clone(),
                ),
            )?;
        }
    }
    stage("write");
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
        unchanged: false,
    })
}

/// The size of `bytes` once gzipped at the fastest level, as a web server
/// compressing on the fly sends them (nginx's default level); level 6 saves
/// about a tenth more and takes five times as long.
fn gzip_len(bytes: &[u8]) -> usize {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes)
        .and_then(|_| enc.finish())
        .map_or(0, |v| v.len())
}

/// Whether a file was written, and for a copied project file, its path and
/// the hash of the bytes copied.
type Written = (bool, Option<(String, String)>);

enum WriteSource {
    Bytes(Vec<u8>),
    /// A project file, by its path relative to the root.
    Copy(String),
}
