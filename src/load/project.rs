//! Loading: finds the configuration, manuals and chapter files of a project and
//! assembles them into the immutable [`Project`] model.
//!
//! Loading is split so that the orchestrator can read files in parallel:
//! [`plan`] reads the configuration and lists the files, [`read_source`] reads
//! one chapter, and [`assemble`] puts the pieces together (pure).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Not;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Diagnostic, LineCounter, display_path};
use crate::error::{Error, Result};
use crate::load::config::{self, ManualConfig, Paths, SiteConfig};
use crate::load::frontmatter;
use crate::load::lang;
use crate::model::outline::{self, Anchors};
use crate::model::{Chapter, Manual, MediaFiles, Project, Source};

/// (chapter id, language, path) of a chapter file.
pub type FileEntry = (String, String, PathBuf);

/// A chapter file's bytes and modification time (seconds since 1970), read
/// before loading (by the build's fingerprint).
pub type Preread = (Vec<u8>, i64);

/// A chapter file to read.
#[derive(Debug, Clone)]
pub struct ChapterFile {
    /// The chapter's id (its path in the language folder, without `.md`).
    pub chapter: String,
    pub lang: String,
    /// Absolute path.
    pub path: PathBuf,
    /// The listing proved the file lies in the project (a regular file,
    /// found without following links, below a folder inside it), so it
    /// needs no check on disk.
    pub inside: bool,
    /// For a chapter made from a PO catalogue (`path`), the source chapter
    /// it translates.
    pub po: Option<PoChapter>,
}

/// A chapter made from a PO catalogue.
#[derive(Debug, Clone)]
pub struct PoChapter {
    /// The source chapter's file (absolute).
    pub source: PathBuf,
    /// Where the chapter's Markdown translation would be (absolute): its
    /// links are resolved from there.
    pub markdown: PathBuf,
    /// The source language's code and direction (`ltr`, `rtl`), which mark
    /// the source's text left untranslated.
    pub source_lang: (String, String),
}

/// What there is to load: the validated configuration and the chapter files.
#[derive(Debug)]
pub struct Plan {
    pub paths: Paths,
    pub config: SiteConfig,
    pub manuals: Vec<PlannedManual>,
    /// Problems found while looking (unlisted files, missing chapters...).
    pub diagnostics: Vec<Diagnostic>,
    pub media: MediaFiles,
}

#[derive(Debug)]
pub struct PlannedManual {
    pub id: String,
    pub dir: PathBuf,
    pub config: ManualConfig,
    /// Every chapter file to read.
    pub files: Vec<ChapterFile>,
    /// (chapter id, language, path relative to the root) of translations
    /// whose source chapter no longer exists.
    pub orphans: Vec<(String, String, PathBuf)>,
}

/// Reads the configuration and lists the files to load. Configuration problems
/// are returned together as [`Error::Config`].
pub fn plan(root: &Path) -> Result<Plan> {
    let root = root
        .canonicalize()
        .map_err(|e| Error::io("open the project folder", root, e))?;
    let paths = Paths::new(&root);
    let (config, src) = read_site_config(&root, &paths)?;
    let codes: Vec<String> = config.languages.iter().map(|l| l.code.clone()).collect();

    let mut found = Findings::default();
    let dirs = manual_dirs(&paths)?;
    found
        .config_diags
        .extend(manual_folder_clashes(&root, &dirs));
    let dirs = match &config.manuals {
        Some(order) => found.order_manuals(&paths, &src, order, dirs),
        None => dirs,
    };
    for dir in dirs {
        found.add_manual(&root, dir, &config, &codes)?;
    }
    found.into_plan(paths, config)
}

/// Reads and validates `polybook.toml` and the public key it names; also
/// returns the file's text.
fn read_site_config(root: &Path, paths: &Paths) -> Result<(SiteConfig, String)> {
    let src = read_regular_to_string(&paths.config).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::Config(vec![
            Diagnostic::error(
                "polybook.toml",
                0,
                "no `polybook.toml` in the project folder",
            )
            .with_hint(format!(
                "run polybook in the project folder or pass `--root DIR` (looked in {})",
                root.display()
            )),
        ]),
        _ => Error::io("read", &paths.config, e),
    })?;
    let mut config = config::parse_site(&src, Path::new("polybook.toml")).map_err(Error::Config)?;
    if let Some(rel) = &config.bundle_public_key {
        config.bundle_key_line = Some(read_bundle_key(root, rel, &src)?);
    }
    Ok((config, src))
}

/// Reads the line of the public key that `bundle_public_key` (relative to
/// `root`) names; `src` is the text of `polybook.toml`, for the line.
fn read_bundle_key(root: &Path, rel: &Path, src: &str) -> Result<String> {
    let line = src
        .lines()
        .position(|l| l.trim_start().starts_with("bundle_public_key"))
        .map_or(0, |i| i + 1);
    crate::bundle::public_key_line(&root.join(rel)).map_err(|e| {
        Error::Config(vec![
            Diagnostic::error("polybook.toml", line, e.to_string()).with_hint(
                "name the public key that `polybook keygen` wrote (its `.pub` file), copied into the project",
            ),
        ])
    })
}

/// The folders under `manuals/` (hidden ones left out), sorted by path.
fn manual_dirs(paths: &Paths) -> Result<Vec<PathBuf>> {
    let entries = list_dir(&paths.manuals).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::Config(vec![
            Diagnostic::error("manuals", 0, "the project has no `manuals/` folder").with_hint(
                "create `manuals/<manual>/manual.toml` and `manuals/<manual>/<lang>/<chapter>.md`",
            ),
        ]),
        _ => Error::io("list", &paths.manuals, e),
    })?;
    Ok(entries
        .into_iter()
        .filter(|p| p.is_dir() && !file_name(p).starts_with('.'))
        .collect())
}

/// Errors for manual folders whose names differ only in case: they would be
/// one folder of the output on many disks.
fn manual_folder_clashes(root: &Path, dirs: &[PathBuf]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut folded: HashMap<String, &PathBuf> = HashMap::new();
    for d in dirs {
        if let Some(other) = folded.insert(config::fold_case(&file_name(d)), d) {
            diags.push(
                Diagnostic::error(
                    display_path(root, d),
                    0,
                    format!(
                        "manual folders `{}` and `{}` differ only in case: {}, so their pages would be one folder",
                        display_path(root, other).display(),
                        display_path(root, d).display(),
                        config::CASE_BLIND
                    ),
                )
                .with_hint("rename one of the folders"),
            );
        }
    }
    diags
}

/// What planning has found so far: the manuals, their media and the problems.
#[derive(Default)]
struct Findings {
    /// Problems with the configuration, which stop the build.
    config_diags: Vec<Diagnostic>,
    /// Problems reported with the build.
    diagnostics: Vec<Diagnostic>,
    manuals: Vec<PlannedManual>,
    media: MediaFiles,
}

impl Findings {
    /// The folders of the manuals named in `order` (the site's `manuals`), in
    /// that order; reports names without a folder and folders not named.
    fn order_manuals(
        &mut self,
        paths: &Paths,
        src: &str,
        order: &[String],
        dirs: Vec<PathBuf>,
    ) -> Vec<PathBuf> {
        let line = src
            .lines()
            .position(|l| l.trim_start().starts_with("manuals"))
            .map_or(0, |i| i + 1);
        for name in order {
            if !dirs.iter().any(|d| file_name(d) == *name) {
                self.config_diags.push(
                    Diagnostic::error(
                        "polybook.toml",
                        line,
                        format!(
                            "`manuals` lists `{name}`, but there is no folder `manuals/{name}`"
                        ),
                    )
                    .with_hint("list the names of folders under `manuals/`"),
                );
            }
        }
        for d in dirs.iter().filter(|d| !order.contains(&file_name(d))) {
            self.diagnostics.push(
                Diagnostic::warning(
                    display_path(&paths.root, d),
                    0,
                    "this manual is not in `manuals` in polybook.toml and is not published",
                )
                .with_hint(format!(
                    "add \"{}\" to `manuals` to publish it",
                    file_name(d)
                )),
            );
        }
        order
            .iter()
            .map(|n| paths.manuals.join(n))
            .filter(|d| d.is_dir())
            .collect()
    }

    /// Reads the `manual.toml` of the manual in `dir` and, when it is valid,
    /// lists the manual's chapter files and media.
    fn add_manual(
        &mut self,
        root: &Path,
        dir: PathBuf,
        config: &SiteConfig,
        codes: &[String],
    ) -> Result<()> {
        let id = file_name(&dir);
        let toml_path = dir.join("manual.toml");
        let rel_toml = display_path(root, &toml_path);
        let text = match read_regular_to_string(&toml_path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.diagnostics.push(
                    Diagnostic::warning(
                        display_path(root, &dir),
                        0,
                        "folder has no `manual.toml` and is skipped",
                    )
                    .with_hint("add a `manual.toml` with a `title` and `chapters` to publish it"),
                );
                return Ok(());
            }
            Err(e) => return Err(Error::io("read", &toml_path, e)),
        };
        match config::parse_manual(&text, &rel_toml, codes) {
            Ok(mut mc) => {
                self.diagnostics
                    .extend(po_manual_titles(root, &id, &mut mc, config));
                let (files, orphans, diags) =
                    discover_manual(root, &dir, &id, &mc, config, &text, &mut self.media);
                list_media(
                    root,
                    &dir.join("media"),
                    &mut self.media,
                    &mut self.diagnostics,
                );
                self.diagnostics.extend(diags);
                self.manuals.push(PlannedManual {
                    id,
                    dir,
                    config: mc,
                    files,
                    orphans,
                });
            }
            Err(d) => self.config_diags.extend(d),
        }
        Ok(())
    }

    /// The plan, or every configuration problem found.
    fn into_plan(self, paths: Paths, config: SiteConfig) -> Result<Plan> {
        if !self.config_diags.is_empty() {
            return Err(Error::Config(self.config_diags));
        }
        if self.manuals.is_empty() {
            return Err(Error::Config(vec![
                Diagnostic::error("manuals", 0, "no manual found")
                    .with_hint("each manual is a folder `manuals/<manual>/` with a `manual.toml`"),
            ]));
        }
        Ok(Plan {
            paths,
            config,
            manuals: self.manuals,
            diagnostics: self.diagnostics,
            media: self.media,
        })
    }
}

/// Takes the translations of `po/<lang>/<manual>/manual.po` into `mc` for
/// each published language; a catalogue that cannot be read is a problem.
fn po_manual_titles(
    root: &Path,
    id: &str,
    mc: &mut ManualConfig,
    config: &SiteConfig,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for l in &config.languages {
        if l.code == config.source_language {
            continue;
        }
        let path = root
            .join(crate::po::FOLDER)
            .join(&l.code)
            .join(id)
            .join("manual.po");
        let rel = display_path(root, &path);
        let text = match read_regular_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                diags.push(
                    Diagnostic::error(&rel, 0, format!("cannot read this file: {e}"))
                        .with_lang(&l.code),
                );
                continue;
            }
        };
        if let Err(d) = crate::po::apply_manual(mc, &l.code, &text, &rel) {
            diags.push((*d).with_lang(&l.code));
        }
    }
    diags
}

/// Lists the chapter files of one manual and reports files and folders that do
/// not fit the contents.
fn discover_manual(
    root: &Path,
    dir: &Path,
    id: &str,
    mc: &ManualConfig,
    config: &SiteConfig,
    toml_text: &str,
    media: &mut MediaFiles,
) -> (Vec<ChapterFile>, Vec<FileEntry>, Vec<Diagnostic>) {
    let mut found = Discovery::new(root, dir, id, mc, config, media);
    for sub in list_dir(dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.is_dir())
    {
        let name = file_name(&sub);
        if name == "media" || name.starts_with('.') {
            continue;
        }
        if config.lang(&name).is_none() {
            found.diags.extend(unbuilt_folder(root, &sub, &name));
            continue;
        }
        found.walk_language(&sub, &name);
    }
    found.report_missing(toml_text);
    found.finish()
}

/// The warning for a manual's folder `name` that is not a published
/// language, when it looks like a language code.
fn unbuilt_folder(root: &Path, sub: &Path, name: &str) -> Option<Diagnostic> {
    if let Some(hint) = lang::spelling_hint(name) {
        Some(
            Diagnostic::warning(
                display_path(root, sub),
                0,
                format!("folder `{name}` is not spelt as a language code; its files are not built"),
            )
            .with_hint(hint),
        )
    } else if lang::parse(name).is_ok() {
        Some(
            Diagnostic::warning(
                display_path(root, sub),
                0,
                format!("`{name}` is not a published language; its files are not built"),
            )
            .with_hint(format!(
                "add \"{name}\" to `languages` in polybook.toml to publish it"
            )),
        )
    } else {
        None
    }
}

/// The chapter files of one manual found so far, and the problems with its
/// files and folders.
struct Discovery<'a> {
    root: &'a Path,
    /// The manual's folder.
    dir: &'a Path,
    /// The manual's id.
    id: &'a str,
    config: &'a SiteConfig,
    /// The chapter ids of the contents, in reading order.
    listed: Vec<&'a str>,
    is_listed: HashSet<&'a str>,
    /// Listed chapters found in the source language.
    found_in_source: HashSet<String>,
    /// Chapter ids of the source language's Markdown files with another
    /// extension (`.MD`, `.markdown`), with their names.
    misnamed: HashMap<String, String>,
    files: Vec<ChapterFile>,
    orphans: Vec<FileEntry>,
    diags: Vec<Diagnostic>,
    /// Where the language folders walked in full are listed, for links to
    /// images and other files, which then need no look on disk.
    media: &'a mut MediaFiles,
}

impl<'a> Discovery<'a> {
    /// Nothing found yet in the manual `id` in `dir`, with contents `mc`.
    fn new(
        root: &'a Path,
        dir: &'a Path,
        id: &'a str,
        mc: &'a ManualConfig,
        config: &'a SiteConfig,
        media: &'a mut MediaFiles,
    ) -> Self {
        let listed: Vec<&str> = mc.chapter_ids().collect();
        let is_listed = listed.iter().copied().collect();
        Discovery {
            root,
            dir,
            id,
            config,
            listed,
            is_listed,
            found_in_source: HashSet::new(),
            misnamed: HashMap::new(),
            files: Vec::new(),
            orphans: Vec::new(),
            diags: Vec::new(),
            media,
        }
    }

    /// Looks at every file below the folder `sub` of the published language `lang`.
    fn walk_language(&mut self, sub: &Path, lang: &str) {
        // Walking does not follow links, so every regular file found below a
        // folder that is itself inside the project is inside it too.
        let sub_inside = sub
            .canonicalize()
            .is_ok_and(|real| real.starts_with(self.root));
        let mut folded = CaseFolded::default();
        // Every file found, for `MediaFiles`, unless an entry could not be read.
        let mut found = Some(HashMap::new());
        for entry in WalkDir::new(sub).sort_by_file_name() {
            let Ok(entry) = entry else {
                found = None;
                continue;
            };
            let path = entry.path();
            // Not only regular files: a FIFO or device named like a chapter
            // is reported when it is read (without being opened).
            if entry.file_type().is_dir() {
                continue;
            }
            if let (Some(found), Ok(rel)) = (&mut found, path.strip_prefix(self.root)) {
                found.insert(rel.to_path_buf(), entry.file_type().is_file());
            }
            let fname = file_name(path);
            if fname.starts_with('.') || fname.ends_with('~') {
                continue;
            }
            self.diags.extend(folded.add(self.root, path));
            let rel = path.strip_prefix(sub).expect("walked below sub");
            if fname.ends_with(".md") {
                let inside = sub_inside && entry.file_type().is_file();
                self.add_chapter_file(sub, lang, rel, path, inside);
            } else {
                self.misnamed_markdown(lang, rel, path, &fname);
            }
        }
        if let (true, Some(found), Ok(rel_sub)) = (sub_inside, found, sub.strip_prefix(self.root)) {
            self.media.add_folder(rel_sub, found);
        }
    }

    /// Reports a Markdown file named `fname` that does not end in `.md`
    /// (others are left alone), and notes it when in the source language.
    fn misnamed_markdown(&mut self, lang: &str, rel: &Path, path: &Path, fname: &str) {
        let Some(stem) = markdown_stem(fname) else {
            return;
        };
        let renamed = rel.with_file_name(format!("{stem}.md"));
        if lang == self.config.source_language {
            self.misnamed.insert(
                renamed
                    .with_extension("")
                    .to_string_lossy()
                    .replace('\\', "/"),
                fname.to_string(),
            );
        }
        self.diags.push(
            Diagnostic::warning(
                display_path(self.root, path),
                0,
                format!("`{fname}` is not read: chapter files end in `.md`"),
            )
            .with_lang(lang)
            .with_hint(format!("rename it to `{stem}.md`")),
        );
    }

    /// Takes the `.md` file at `path` (`rel` below the language folder `sub`)
    /// as a chapter file when its chapter is listed, else reports it as an
    /// orphaned translation or as not listed.
    fn add_chapter_file(&mut self, sub: &Path, lang: &str, rel: &Path, path: &Path, inside: bool) {
        let source = &self.config.source_language;
        let chapter_id = rel.with_extension("").to_string_lossy().replace('\\', "/");
        if self.is_listed.contains(chapter_id.as_str()) {
            if lang == source {
                self.found_in_source.insert(chapter_id.clone());
            }
            self.files.push(ChapterFile {
                chapter: chapter_id,
                lang: lang.to_string(),
                path: path.to_path_buf(),
                inside,
                po: None,
            });
        } else if lang != source
            && sub
                .parent()
                .is_some_and(|d| d.join(source).join(rel).is_file())
                .not()
            && !self.listed.is_empty()
        {
            self.orphaned(chapter_id, lang, path);
        } else {
            self.unlisted(&chapter_id, lang, path);
        }
    }

    /// Notes and reports a translation of a chapter that is gone from the source.
    fn orphaned(&mut self, chapter_id: String, lang: &str, path: &Path) {
        let root = self.root;
        let message = format!(
            "orphaned translation: manual `{}` has no chapter `{chapter_id}` any more",
            self.id
        );
        self.orphans
            .push((chapter_id, lang.to_string(), display_path(root, path)));
        self.diags.push(
            Diagnostic::warning(display_path(root, path), 0, message)
                .with_lang(lang)
                .with_hint("delete this file, or move it to the chapter's new name"),
        );
    }

    /// Reports a chapter file that the contents do not list, with the
    /// closest listed chapter when there is one.
    fn unlisted(&mut self, chapter_id: &str, lang: &str, path: &Path) {
        let id = self.id;
        let d = Diagnostic::warning(
            display_path(self.root, path),
            0,
            format!(
                "`{chapter_id}` is not listed in the contents of manual `{id}` and is not published"
            ),
        );
        let d = match config::closest(chapter_id, self.listed.iter().copied()) {
            Some(c) => d.with_hint(format!(
                "did you mean the chapter `{c}`? Rename the file to `{c}.md`"
            )),
            None => d.with_hint(format!(
                "add \"{chapter_id}\" to `chapters` in manuals/{id}/manual.toml"
            )),
        };
        self.diags.push(d.with_lang(lang));
    }

    /// Reports each listed chapter without a file in the source language, at
    /// its line in `toml_text` (the `manual.toml`).
    fn report_missing(&mut self, toml_text: &str) {
        let source = &self.config.source_language;
        for chapter in &self.listed {
            if self.found_in_source.contains(*chapter) {
                continue;
            }
            let line = toml_text
                .lines()
                .position(|l| l.contains(&format!("\"{chapter}\"")))
                .map(|i| i + 1)
                .unwrap_or(0);
            let expected = format!("manuals/{}/{source}/{chapter}.md", self.id);
            self.diags.push(
                Diagnostic::error(
                    display_path(self.root, &self.dir.join("manual.toml")),
                    line,
                    format!("chapter `{chapter}` is listed but `{expected}` does not exist"),
                )
                .with_hint(match self.misnamed.get(*chapter) {
                    Some(found) => format!("rename `{found}` to `{}.md`", file_name(Path::new(chapter))),
                    None => "create the file in the source language, or remove the chapter from the contents".into(),
                }),
            );
        }
    }

    /// The chapter files whose chapter is in the source language, the
    /// orphaned translations (with those of listed chapters whose source file
    /// is gone) and the problems.
    fn finish(mut self) -> (Vec<ChapterFile>, Vec<FileEntry>, Vec<Diagnostic>) {
        let source = &self.config.source_language;
        // Translations of listed chapters whose source file is gone are orphans too.
        let gone: Vec<FileEntry> = self
            .files
            .iter()
            .filter(|f| f.lang != *source && !self.found_in_source.contains(&f.chapter))
            .map(|f| {
                (
                    f.chapter.clone(),
                    f.lang.clone(),
                    display_path(self.root, &f.path),
                )
            })
            .collect();
        self.files
            .retain(|f| self.found_in_source.contains(&f.chapter));
        self.orphans.extend(gone);
        self.add_po_chapters();
        (self.files, self.orphans, self.diags)
    }

    /// Adds, for each chapter of the source language and each other
    /// published language, the chapter's PO catalogue
    /// `po/<lang>/<manual>/<chapter>.po` when there is one; with a Markdown
    /// translation too, that is an error and the Markdown file is built.
    fn add_po_chapters(&mut self) {
        let source = &self.config.source_language;
        let sources: Vec<(String, PathBuf)> = (self.files.iter())
            .filter(|f| f.lang == *source)
            .map(|f| (f.chapter.clone(), f.path.clone()))
            .collect();
        let po_root = self.root.join(crate::po::FOLDER);
        if !po_root.is_dir() {
            return;
        }
        let source_lang = (
            source.clone(),
            (self.config.lang(source))
                .map_or("ltr", |l| l.dir.as_str())
                .to_string(),
        );
        let markdown_files: HashSet<(String, String)> = (self.files.iter())
            .map(|f| (f.lang.clone(), f.chapter.clone()))
            .collect();
        let mut added = Vec::new();
        for l in &self.config.languages {
            if l.code == *source {
                continue;
            }
            self.unused_catalogues(&po_root.join(&l.code).join(self.id), &l.code, &sources);
            for (chapter, src) in &sources {
                let po = (po_root.join(&l.code).join(self.id)).join(format!("{chapter}.po"));
                if !po.is_file() {
                    continue;
                }
                let markdown = self.dir.join(&l.code).join(format!("{chapter}.md"));
                if markdown_files.contains(&(l.code.clone(), chapter.clone())) {
                    let (md, po) = (
                        display_path(self.root, &markdown),
                        display_path(self.root, &po),
                    );
                    self.diags.push(
                        Diagnostic::error(
                            &md,
                            0,
                            format!(
                                "chapter `{chapter}` has both a Markdown translation `{}` and a PO catalogue `{}`; the Markdown file is built",
                                md.display(),
                                po.display()
                            ),
                        )
                        .with_lang(&l.code)
                        .with_hint("remove one of the two files"),
                    );
                    continue;
                }
                added.push(ChapterFile {
                    chapter: chapter.clone(),
                    lang: l.code.clone(),
                    path: po,
                    inside: false,
                    po: Some(PoChapter {
                        source: src.clone(),
                        markdown,
                        source_lang: source_lang.clone(),
                    }),
                });
            }
        }
        self.files.extend(added);
    }

    /// Warns of the catalogues in `dir` (`po/<lang>/<manual>`) that are of
    /// no chapter of the source language, and so not built.
    fn unused_catalogues(&mut self, dir: &Path, lang: &str, sources: &[(String, PathBuf)]) {
        if !dir.is_dir() {
            return;
        }
        let chapters: HashSet<&str> = sources.iter().map(|(c, _)| c.as_str()).collect();
        for entry in WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| !e.file_type().is_dir())
        {
            let Ok(rel) = entry.path().strip_prefix(dir) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let Some(chapter) = rel.strip_suffix(".po") else {
                continue;
            };
            if chapter == "manual" || chapters.contains(chapter) {
                continue;
            }
            self.diags.push(
                Diagnostic::warning(
                    display_path(self.root, entry.path()),
                    0,
                    format!(
                        "manual `{}` has no chapter `{chapter}` in the source language; this catalogue is not built",
                        self.id
                    ),
                )
                .with_lang(lang)
                .with_hint("delete it, or rename it after the chapter's new name"),
            );
        }
    }
}

/// A chapter file read and scanned, before assembly.
#[derive(Debug)]
pub struct ReadSource {
    pub manual: usize,
    pub chapter: String,
    pub source: Source,
    /// Problems that do not stop the chapter from being built.
    pub warnings: Vec<Diagnostic>,
}

/// Reads and scans one chapter file of manual `manual`. Problems with the
/// file become a diagnostic.
pub fn read_source(
    root: &Path,
    manual: usize,
    file: &ChapterFile,
) -> Result<ReadSource, Box<Diagnostic>> {
    read_source_from(root, manual, file, None)
}

/// [`read_source`], from the file's bytes when they were read already.
pub fn read_source_from(
    root: &Path,
    manual: usize,
    file: &ChapterFile,
    preread: Option<Preread>,
) -> Result<ReadSource, Box<Diagnostic>> {
    let ChapterFile {
        chapter,
        lang,
        path,
        inside,
        po,
    } = file;
    match po {
        None => read(root, manual, chapter, lang, path, *inside, preread),
        Some(po) => read_po(root, manual, file, po, preread),
    }
    .map_err(Box::new)
}

/// Reads a chapter made from the PO catalogue `file.path`: its source
/// chapter with each message the catalogue translates replaced.
#[allow(
    clippy::result_large_err,
    reason = "called once per file; the public wrapper boxes the error"
)]
fn read_po(
    root: &Path,
    manual: usize,
    file: &ChapterFile,
    po: &PoChapter,
    preread: Option<Preread>,
) -> Result<ReadSource, Diagnostic> {
    let (chapter, lang) = (&file.chapter, &file.lang);
    let mut source = read(root, manual, chapter, lang, &po.source, false, None)?.source;
    source.anchors = outline::anchors(&source.outline, None, None);
    let rel = display_path(root, &file.path);
    if let Some(d) = link_outside(root, &file.path, &rel) {
        return Err(d.with_lang(lang));
    }
    let (bytes, modified) = match preread {
        Some(read) => read,
        None => read_file(&file.path)
            .map_err(|e| Diagnostic::error(&rel, 0, format!("cannot read this file: {e}")))?,
    };
    let text = utf8_text(bytes, &rel).map_err(|d| d.with_lang(lang))?;
    let (code, dir) = &po.source_lang;
    let tr = crate::po::translate(&source, &text, &rel, (code, dir)).map_err(|d| {
        (*d).with_lang(lang).with_hint(
            "fix the line (see the gettext manual, \"The Format of PO Files\"); until then the chapter is shown in the source language",
        )
    })?;
    let translated = format!("{}{}", &source.text[..source.body_start], tr.body);
    let mut out = scan(
        manual,
        chapter,
        lang,
        rel,
        po.markdown.clone(),
        translated,
        modified.max(source.modified),
    )?;
    let s = &mut out.source;
    if let Some(t) = tr.title {
        s.front.title = Some(t.clone());
        s.title = t;
    }
    if let Some(d) = tr.description {
        s.front.description = Some(d);
    }
    s.recorded = Some(source.hash().to_string());
    s.po = Some(tr.figures);
    out.warnings = (tr.warnings.into_iter())
        .map(|d| d.with_lang(lang))
        .collect();
    Ok(out)
}

/// A chapter of `text` in `lang` at `rel`, as loading would make it, for
/// unit tests of code that takes loaded chapters.
#[cfg(test)]
pub(crate) fn source_from_text(lang: &str, rel: &str, text: &str) -> Source {
    let rel = PathBuf::from(rel);
    scan(0, "a", lang, rel.clone(), rel, text.to_string(), 0)
        .expect("valid front matter")
        .source
}

/// Reads and scans one chapter file: [`read_source_from`] without the box.
#[allow(
    clippy::result_large_err,
    reason = "called once per file; the public wrapper boxes the error"
)]
fn read(
    root: &Path,
    manual: usize,
    chapter: &str,
    lang: &str,
    path: &Path,
    inside: bool,
    preread: Option<Preread>,
) -> Result<ReadSource, Diagnostic> {
    let rel = display_path(root, path);
    // A chapter may be a symbolic link, but never to a file outside the
    // project; a file the listing proved inside needs no check.
    if !inside && let Some(d) = link_outside(root, path, &rel) {
        return Err(d);
    }
    let cannot_read =
        |e: std::io::Error| Diagnostic::error(&rel, 0, format!("cannot read this file: {e}"));
    let (bytes, modified) = match preread {
        Some(read) => read,
        None => read_file(path).map_err(cannot_read)?,
    };
    let text = utf8_text(bytes, &rel)?;
    scan(
        manual,
        chapter,
        lang,
        rel,
        path.to_path_buf(),
        text,
        modified,
    )
}

/// Scans the text of a chapter file (shown as `rel`, at `abs`).
#[allow(
    clippy::result_large_err,
    reason = "called once per file; the public wrapper boxes the error"
)]
fn scan(
    manual: usize,
    chapter: &str,
    lang: &str,
    rel: PathBuf,
    abs: PathBuf,
    text: String,
    modified: i64,
) -> Result<ReadSource, Diagnostic> {
    let split = frontmatter::split(&text).map_err(|e| {
        Diagnostic::error(&rel, e.line, e.message)
            .with_hint("front matter is TOML between `+++` lines or YAML between `---` lines at the top of the file")
    })?;
    let mut front = split.front;
    let recorded = recorded_version(&mut front, &rel)?;
    let body_line_offset = split.body_line_offset;
    let body_start = text.len() - split.body.len();
    let body = &text[body_start..];
    let outline = outline::scan(body, LineCounter::new(body, body_line_offset));
    let title = chapter_title(&front, &outline, chapter);
    Ok(ReadSource {
        manual,
        chapter: chapter.to_string(),
        warnings: Vec::new(),
        source: Source {
            lang: lang.to_string(),
            rel,
            abs,
            text,
            body_start,
            body_line_offset,
            front,
            outline,
            anchors: Anchors::default(),
            title,
            modified,
            hash: std::sync::OnceLock::new(),
            recorded,
            po: None,
            released: None,
        },
    })
}

/// The text of a chapter file whose text the model let go of
/// ([`Project::release_texts`]), read again as loading read it; an error
/// when it is no longer the text that was loaded (the file changed while
/// the build ran), or when it cannot be read.
#[allow(
    clippy::result_large_err,
    reason = "called once per chapter, as `read` is; the error becomes the page's problem"
)]
pub fn reread(source: &Source) -> Result<String, Diagnostic> {
    let rel = &source.rel;
    let changed = || {
        Diagnostic::error(rel, 0, "this file changed while the build ran")
            .with_hint("build again: the next build sees the new text")
    };
    let (bytes, _) = read_file(&source.abs)
        .map_err(|e| Diagnostic::error(rel, 0, format!("cannot read this file: {e}")))?;
    let text = utf8_text(bytes, rel).map_err(|_| changed())?;
    if Some(Source::check_of(&text)) != source.released {
        return Err(changed());
    }
    Ok(text)
}

/// The error when the chapter file at `path` (shown as `rel`) is a link to a
/// file outside the project, or its real path cannot be found.
fn link_outside(root: &Path, path: &Path, rel: &Path) -> Option<Diagnostic> {
    match path.canonicalize() {
        Ok(real) if !real.starts_with(root) => Some(
            Diagnostic::error(
                rel,
                0,
                "this chapter is a link to a file outside the project",
            )
            .with_hint("copy the file into the project instead of linking to it"),
        ),
        Err(e) => Some(Diagnostic::error(
            rel,
            0,
            format!("cannot read this file: {e}"),
        )),
        Ok(_) => None,
    }
}

/// A chapter file's bytes as text, or the error naming the line of the first
/// byte that is not UTF-8.
#[allow(
    clippy::result_large_err,
    reason = "called once per file; the public wrapper boxes the error"
)]
fn utf8_text(bytes: Vec<u8>, rel: &Path) -> Result<String, Diagnostic> {
    // A SIMD check of the UTF-8 and a copy cost a fraction of the
    // standard library's check of non-Latin text; an invalid file goes
    // through the latter, which says where the fault is.
    match simdutf8::basic::from_utf8(&bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => String::from_utf8(bytes),
    }
    .map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        Diagnostic::error(rel, line, "this file is not valid UTF-8 text")
            .with_hint("save the file with UTF-8 encoding")
    })
}

/// Takes the source version that `polybook stamp` recorded out of the front
/// matter; an error when it is not text.
#[allow(
    clippy::result_large_err,
    reason = "called once per file; the public wrapper boxes the error"
)]
fn recorded_version(
    front: &mut frontmatter::FrontMatter,
    rel: &Path,
) -> Result<Option<String>, Diagnostic> {
    match front.extra.remove(crate::translate::provenance::KEY) {
        Some(serde_json::Value::String(h)) => Ok(Some(h)),
        Some(_) => Err(Diagnostic::error(
            rel,
            2,
            format!(
                "`{}` must be text, as written by `polybook stamp`",
                crate::translate::provenance::KEY
            ),
        )),
        None => Ok(None),
    }
}

/// A chapter's title: the front matter's, else the first heading's text,
/// else the last part of the chapter id.
fn chapter_title(
    front: &frontmatter::FrontMatter,
    outline: &outline::Outline,
    chapter: &str,
) -> String {
    front
        .title
        .clone()
        .or_else(|| {
            outline
                .headings
                .first()
                .map(|h| h.text.clone())
                .filter(|t| !t.is_empty())
        })
        .unwrap_or_else(|| chapter.rsplit('/').next().unwrap_or(chapter).to_string())
}

/// Builds the model from the plan and the files read (in any order). The
/// anchors of its chapters are left to [`set_anchors`].
pub fn assemble(plan: Plan, sources: Vec<ReadSource>) -> Project {
    let Plan {
        paths,
        config,
        manuals: planned,
        media,
        ..
    } = plan;
    let mut by_chapter: HashMap<(usize, String), BTreeMap<String, Source>> = HashMap::new();
    for s in sources {
        by_chapter
            .entry((s.manual, s.chapter))
            .or_default()
            .insert(s.source.lang.clone(), s.source);
    }
    let source_lang = config.source_language.clone();
    let mut manuals = Vec::new();
    let mut chapter_index = HashMap::new();
    let mut orphans = Vec::new();
    for (mi, pm) in planned.into_iter().enumerate() {
        orphans.extend(
            pm.orphans
                .iter()
                .map(|(chapter, lang, rel)| crate::model::Orphan {
                    manual: mi,
                    lang: lang.clone(),
                    chapter: chapter.clone(),
                    rel: rel.clone(),
                }),
        );
        let mut chapters = Vec::new();
        for (part, p) in pm.config.parts.iter().enumerate() {
            for id in &p.chapters {
                let Some(sources) = by_chapter.remove(&(mi, id.clone())) else {
                    continue;
                };
                if !sources.contains_key(&source_lang) {
                    continue;
                }
                chapter_index.insert((pm.id.clone(), id.clone()), (mi, chapters.len()));
                chapters.push(Chapter {
                    id: id.clone(),
                    part,
                    sources,
                });
            }
        }
        manuals.push(Manual {
            id: pm.id,
            dir: pm.dir,
            config: pm.config,
            chapters,
        });
    }
    let chains = config
        .languages
        .iter()
        .map(|l| (l.code.clone(), lang::fallback_chain(&l.code, &source_lang)))
        .collect();
    Project {
        paths,
        config,
        manuals,
        chains,
        chapter_index,
        orphans,
        media,
    }
}

/// Computes the anchors of every version of a chapter: the source
/// language's, then the translations', which inherit ids from it. An
/// assembled project has none until this runs for each chapter.
pub fn set_anchors(sources: &mut BTreeMap<String, Source>, source_lang: &str) {
    if let Some(src) = sources.get_mut(source_lang) {
        src.anchors = outline::anchors(&src.outline, None, None);
        link_anchors(sources, source_lang);
    }
}

/// Gives the translations of a chapter the anchors of its source-language
/// version (the source's own anchors must be set).
pub fn link_anchors(sources: &mut BTreeMap<String, Source>, source_lang: &str) {
    let Some(src) = sources.get(source_lang) else {
        return;
    };
    let (anchors, outline) = (src.anchors.clone(), src.outline.clone());
    for (lang, tr) in sources.iter_mut() {
        if lang != source_lang {
            tr.anchors = outline::anchors(&tr.outline, Some(&anchors), Some(&outline));
        }
    }
}

/// Puts a re-read source into its chapter, computing its anchors and, for
/// the source language, those of every translation again.
pub fn replace_source(chapter: &mut crate::model::Chapter, source: Source, source_lang: &str) {
    let lang = source.lang.clone();
    chapter.sources.insert(lang.clone(), source);
    if lang == source_lang {
        let src = chapter.sources.get_mut(source_lang).expect("just inserted");
        src.anchors = outline::anchors(&src.outline, None, None);
        link_anchors(&mut chapter.sources, source_lang);
    } else {
        let src = &chapter.sources[source_lang];
        let (anchors, outline) = (src.anchors.clone(), src.outline.clone());
        let tr = chapter.sources.get_mut(&lang).expect("just inserted");
        tr.anchors = outline::anchors(&tr.outline, Some(&anchors), Some(&outline));
    }
}

/// What is found in place of a regular file: reading a FIFO waits for a
/// writer forever, and a device may never end, so neither is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotRegular(&'static str);

impl std::fmt::Display for NotRegular {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "it is {}, not a regular file; replace it with a regular file or remove it",
            self.0
        )
    }
}

impl std::error::Error for NotRegular {}

/// Whether an I/O error is a [`NotRegular`] refusal.
pub fn is_not_regular(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|e| e.is::<NotRegular>())
}

/// The metadata of `path` (links followed), or an error when it is not a
/// regular file; nothing is opened.
pub fn regular_metadata(path: &Path) -> std::io::Result<std::fs::Metadata> {
    let meta = std::fs::metadata(path)?;
    if meta.is_file() {
        return Ok(meta);
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        NotRegular(special_kind(&meta.file_type())),
    ))
}

/// What kind of file a file that is not regular is, in words.
pub fn special_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// A regular file's bytes; anything else is refused without being opened.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    regular_metadata(path)?;
    std::fs::read(path)
}

/// [`read_regular`], as UTF-8 text.
pub fn read_regular_to_string(path: &Path) -> std::io::Result<String> {
    regular_metadata(path)?;
    std::fs::read_to_string(path)
}

/// A file's bytes and modification time (seconds since 1970). Anything but
/// a regular file is refused without being opened.
pub fn read_file(path: &Path) -> std::io::Result<Preread> {
    regular_metadata(path)?;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata().ok();
    let modified = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64);
    let mut bytes = Vec::with_capacity(meta.map_or(0, |m| m.len() as usize + 1));
    // Through a reader that is not a `File`: the standard library would
    // look the file's size and position up again before reading.
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, u64::MAX), &mut bytes)?;
    Ok((bytes, modified))
}

/// The stem of a file name that other tools take for Markdown but polybook
/// does not read (`a.MD`, `a.markdown`): chapters end in `.md` exactly, as
/// their ids and the links to them do.
fn markdown_stem(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    let markdown = matches!(
        ext.as_str(),
        "md" | "markdown" | "mdown" | "mkd" | "mkdn" | "mdwn" | "mdtxt" | "mdtext"
    );
    (markdown && !stem.is_empty()).then_some(stem)
}

/// Paths seen in a folder by their case-folded form, to find two that a
/// case-insensitive disk would take for one file.
#[derive(Default)]
struct CaseFolded(std::collections::HashMap<String, PathBuf>);

impl CaseFolded {
    /// Notes `path`; the error when it collides with one seen before.
    fn add(&mut self, root: &Path, path: &Path) -> Option<Diagnostic> {
        let key = config::fold_case(&path.to_string_lossy());
        let other = self.0.insert(key, path.to_path_buf())?;
        Some(
            Diagnostic::error(
                display_path(root, path),
                0,
                format!(
                    "`{}` and `{}` differ only in case: {}, so one would replace the other",
                    display_path(root, &other).display(),
                    display_path(root, path).display(),
                    config::CASE_BLIND
                ),
            )
            .with_hint("rename one of them (and the links to it)"),
        )
    }
}

/// Lists the files below a manual's `media` folder into `media`, and reports
/// files whose names differ only in case.
fn list_media(root: &Path, dir: &Path, media: &mut MediaFiles, diags: &mut Vec<Diagnostic>) {
    let Ok(real) = dir.canonicalize() else {
        return;
    };
    if !real.starts_with(root) || !real.is_dir() {
        return;
    }
    let Ok(rel_dir) = dir.strip_prefix(root) else {
        return;
    };
    let mut files = std::collections::HashMap::new();
    let mut folded = CaseFolded::default();
    let mut found = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else {
            // A folder that cannot be read: leave the whole folder to the
            // checks on disk.
            return;
        };
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        found.extend(folded.add(root, entry.path()));
        if let Ok(rel) = entry.path().strip_prefix(root) {
            files.insert(rel.to_path_buf(), kind.is_file());
        }
    }
    diags.extend(found);
    media.add_folder(rel_dir, files);
}

fn list_dir(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    out.sort();
    Ok(out)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
