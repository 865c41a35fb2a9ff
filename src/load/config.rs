//! Configuration: reads and validates `polybook.toml` and each `manual.toml`.
//!
//! Raw TOML is checked once here, at the edge; the rest of the code works on the
//! validated values and never re-checks them. Every problem found is reported,
//! each with its file and line, and unknown keys get the closest known key as a hint.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::load::lang::{self, Lang};

/// What to do with images loaded from other hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RemotePolicy {
    /// Report a warning (the default): every reader's browser would contact that host.
    #[default]
    Warn,
    /// Report an error.
    Error,
    /// Allow silently.
    Allow,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    pub titles: BTreeMap<String, String>,
    pub source_language: String,
    /// Published languages in menu order; the source language is always among them.
    pub languages: Vec<Lang>,
    /// Absolute base URL ending in `/`, when set.
    pub base_url: Option<String>,
    pub theme: String,
    pub sanitize_html: bool,
    pub remote_images: RemotePolicy,
    /// Manual folder names in home-page order; `None` for all, by name.
    pub manuals: Option<Vec<String>>,
    /// Show readers of an outdated translation that the original changed.
    pub outdated_notice: bool,
    /// PDF books beside the EPUB books.
    pub pdf: bool,
    /// Offline search on the site.
    pub search: bool,
    /// Languages without search.
    pub search_skip: Vec<String>,
    /// Days an offline bundle is meant to be used after its build date.
    pub bundle_valid_days: u32,
    /// The public key that bundles are signed for, relative to the project.
    pub bundle_public_key: Option<PathBuf>,
    /// That key's line, as `minisign -P` takes it (read when planning).
    pub bundle_key_line: Option<String>,
    /// The `[fonts]` table: which scripts get bundled fonts, from which files.
    pub fonts: crate::fonts::FontsConfig,
}

impl SiteConfig {
    /// Whether pages in `lang` get a search box and index.
    pub fn search_in(&self, lang: &str) -> bool {
        self.search && !self.search_skip.iter().any(|l| l == lang)
    }
}

impl SiteConfig {
    pub fn title_in(&self, lang: &str) -> &str {
        self.titles.get(lang).unwrap_or(&self.title)
    }

    pub fn lang(&self, code: &str) -> Option<&Lang> {
        self.languages.iter().find(|l| l.code == code)
    }
}

#[derive(Deserialize)]
struct RawSite {
    title: String,
    source_language: String,
    languages: Vec<String>,
    base_url: Option<String>,
    theme: Option<String>,
    #[serde(default)]
    titles: BTreeMap<String, String>,
    sanitize_html: Option<bool>,
    remote_images: Option<RemotePolicy>,
    manuals: Option<Vec<String>>,
    outdated_notice: Option<bool>,
    pdf: Option<bool>,
    search: Option<bool>,
    #[serde(default)]
    search_skip: Vec<String>,
    bundle_valid_days: Option<i64>,
    bundle_public_key: Option<PathBuf>,
    fonts: Option<toml::Table>,
}

const SITE_KEYS: &[&str] = &[
    "title",
    "source_language",
    "languages",
    "base_url",
    "theme",
    "titles",
    "sanitize_html",
    "remote_images",
    "manuals",
    "outdated_notice",
    "pdf",
    "search",
    "search_skip",
    "bundle_valid_days",
    "bundle_public_key",
    "fonts",
];

/// One group of chapters in a manual's contents.
#[derive(Debug, Clone)]
pub struct Part {
    /// `None` for the chapters listed before any part.
    pub title: Option<String>,
    pub titles: BTreeMap<String, String>,
    pub chapters: Vec<String>,
}

impl Part {
    pub fn title_in(&self, lang: &str) -> Option<&str> {
        self.titles
            .get(lang)
            .map(String::as_str)
            .or(self.title.as_deref())
    }
}

/// The validated configuration of one manual.
#[derive(Debug, Clone)]
pub struct ManualConfig {
    pub title: String,
    pub titles: BTreeMap<String, String>,
    pub description: Option<String>,
    pub descriptions: BTreeMap<String, String>,
    pub authors: Vec<String>,
    pub publisher: Option<String>,
    pub rights: Option<String>,
    /// The contents: ungrouped chapters first (a part without title), then parts.
    pub parts: Vec<Part>,
}

impl ManualConfig {
    pub fn title_in(&self, lang: &str) -> &str {
        self.titles.get(lang).unwrap_or(&self.title)
    }

    /// The description in `lang`, else in the source language (`translated` false).
    pub fn description_in(&self, lang: &str) -> Option<(&str, bool)> {
        match self.descriptions.get(lang) {
            Some(d) => Some((d, true)),
            None => self.description.as_deref().map(|d| (d, false)),
        }
    }

    /// Chapter ids in reading order.
    pub fn chapter_ids(&self) -> impl Iterator<Item = &str> {
        self.parts
            .iter()
            .flat_map(|p| p.chapters.iter().map(String::as_str))
    }
}

#[derive(Deserialize)]
struct RawManual {
    title: String,
    #[serde(default)]
    titles: BTreeMap<String, String>,
    description: Option<String>,
    #[serde(default)]
    descriptions: BTreeMap<String, String>,
    #[serde(default)]
    authors: Vec<String>,
    publisher: Option<String>,
    rights: Option<String>,
    #[serde(default)]
    chapters: Vec<String>,
    #[serde(default)]
    parts: Vec<RawPart>,
}

#[derive(Deserialize)]
struct RawPart {
    title: String,
    #[serde(default)]
    titles: BTreeMap<String, String>,
    #[serde(default)]
    chapters: Vec<String>,
}

const MANUAL_KEYS: &[&str] = &[
    "title",
    "titles",
    "description",
    "descriptions",
    "authors",
    "publisher",
    "rights",
    "chapters",
    "parts",
];
const PART_KEYS: &[&str] = &["title", "titles", "chapters"];

/// Parses `polybook.toml`. `file` is the path shown in messages.
pub fn parse_site(src: &str, file: &Path) -> Result<SiteConfig, Vec<Diagnostic>> {
    let table = parse_table(src, file)?;
    let mut diags = unknown_keys(src, file, &table, SITE_KEYS, None);
    let raw: RawSite = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            diags.push(toml_error(src, file, &e));
            return Err(diags);
        }
    };
    let mut check = SiteChecks { src, file, diags };
    let languages = check.languages(&raw.languages);
    check.source_language(&raw.source_language, &raw.languages);
    check_title_langs(
        &raw.titles,
        &raw.languages,
        src,
        file,
        "titles",
        None,
        &mut check.diags,
    );
    check.search_skip(&raw.search_skip, &raw.languages);
    let base_url = check.base_url(raw.base_url);
    let theme = check.theme(raw.theme);
    let bundle_valid_days = check.bundle_valid_days(raw.bundle_valid_days);
    check.bundle_public_key(raw.bundle_public_key.as_deref());
    let fonts = raw
        .fonts
        .as_ref()
        .map(|t| parse_fonts(t, &raw.languages, src, file, &mut check.diags))
        .unwrap_or_default();
    if !check.diags.is_empty() {
        return Err(check.diags);
    }
    Ok(SiteConfig {
        title: raw.title,
        titles: raw.titles,
        source_language: raw.source_language,
        languages,
        base_url,
        theme,
        sanitize_html: raw.sanitize_html.unwrap_or(true),
        remote_images: raw.remote_images.unwrap_or_default(),
        manuals: raw.manuals,
        outdated_notice: raw.outdated_notice.unwrap_or(true),
        pdf: raw.pdf.unwrap_or(true),
        search: raw.search.unwrap_or(true),
        search_skip: raw.search_skip,
        bundle_valid_days,
        bundle_public_key: raw.bundle_public_key,
        bundle_key_line: None,
        fonts,
    })
}

/// The text and name of `polybook.toml`, and the problems found in it so far.
struct SiteChecks<'a> {
    src: &'a str,
    file: &'a Path,
    diags: Vec<Diagnostic>,
}

impl SiteChecks<'_> {
    /// An error at the line where the top-level `key` is set.
    fn error(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, key_line(self.src, key, None), message)
    }

    /// The published languages `codes`, parsed; reports codes that are not
    /// language codes or are listed twice, and an empty list.
    fn languages(&mut self, codes: &[String]) -> Vec<Lang> {
        let mut languages = Vec::new();
        for code in codes {
            match lang::parse(code) {
                Ok(l) if languages.iter().any(|x: &Lang| x.code == l.code) => self.diags.push(
                    self.error(
                        "languages",
                        format!("`{code}` is listed twice in `languages`"),
                    )
                    .with_hint("list each language once"),
                ),
                Ok(l) => languages.push(l),
                Err(msg) => self.diags.push(self.error("languages", msg).with_hint(
                    lang::spelling_hint(code).unwrap_or_else(|| {
                        "use ISO 639 codes such as `en`, `ar`, `zh`, `pt-BR`".into()
                    }),
                )),
            }
        }
        if codes.is_empty() {
            self.diags
                .push(self.error("languages", "`languages` is empty").with_hint(
                    "list the language codes to publish, e.g. `languages = [\"en\", \"es\"]`",
                ));
        }
        languages
    }

    /// Reports a source language that is not a language code or not among
    /// the published `codes`.
    fn source_language(&mut self, source: &str, codes: &[String]) {
        if let Err(msg) = lang::parse(source) {
            let d = self.error("source_language", msg);
            self.diags.push(match lang::spelling_hint(source) {
                Some(hint) => d.with_hint(hint),
                None => d,
            });
        } else if !codes.iter().any(|c| c == source) {
            self.diags.push(
                self.error(
                    "source_language",
                    format!("the source language `{source}` is not in `languages`"),
                )
                .with_hint("add it to `languages`: the source language is always published"),
            );
        }
    }

    /// Reports the codes in `search_skip` that are not among the published `codes`.
    fn search_skip(&mut self, skip: &[String], codes: &[String]) {
        for code in skip.iter().filter(|c| !codes.contains(c)) {
            self.diags.push(
                self.error(
                    "search_skip",
                    format!("`{code}` in `search_skip` is not a published language"),
                )
                .with_hint(
                    lang::spelling_hint(code)
                        .unwrap_or_else(|| "list codes from `languages`".into()),
                ),
            );
        }
    }

    /// The base URL ending in `/`; reports one that is not an absolute http(s) URL.
    fn base_url(&mut self, url: Option<String>) -> Option<String> {
        match url {
            Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
                self.diags.push(
                    self.error(
                        "base_url",
                        format!("`base_url` must be an absolute http(s) URL, not `{url}`"),
                    )
                    .with_hint("e.g. `base_url = \"https://example.org/manuals/\"`, or remove it"),
                );
                None
            }
            Some(url) if url.ends_with('/') => Some(url),
            Some(url) => Some(format!("{url}/")),
            None => None,
        }
    }

    /// The theme's name (`default` when not set); reports one that is not a folder name.
    fn theme(&mut self, theme: Option<String>) -> String {
        let theme = theme.unwrap_or_else(|| "default".to_string());
        if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
            self.diags.push(self.error(
                "theme",
                format!("`theme` must be a folder name under `themes/`, not `{theme}`"),
            ));
        }
        theme
    }

    /// The days a bundle is valid; reports a number out of range.
    fn bundle_valid_days(&mut self, days: Option<i64>) -> u32 {
        match days {
            None => DEFAULT_BUNDLE_VALID_DAYS,
            Some(d) if (1..=36500).contains(&d) => d as u32,
            Some(d) => {
                self.diags.push(
                    self.error(
                        "bundle_valid_days",
                        format!(
                            "`bundle_valid_days` must be a number of days from 1 to 36500, not {d}"
                        ),
                    )
                    .with_hint(format!("remove it for {DEFAULT_BUNDLE_VALID_DAYS} days")),
                );
                0
            }
        }
    }

    /// Reports a public key path that is not inside the project.
    fn bundle_public_key(&mut self, key: Option<&Path>) {
        if let Some(key) = key
            && (key.is_absolute()
                || key
                    .components()
                    .any(|c| c == std::path::Component::ParentDir))
        {
            self.diags.push(
                self.error(
                    "bundle_public_key",
                    format!(
                        "`bundle_public_key` must be a path inside the project, not `{}`",
                        key.display()
                    ),
                )
                .with_hint("copy the public key (the `.pub` file `polybook keygen` wrote) into the project, e.g. `keys/polybook.pub`"),
            );
        }
    }
}

/// The `[fonts]` table: `bundle = false`, `also = [scripts]`, and font
/// files by language code or script name.
fn parse_fonts(
    table: &toml::Table,
    languages: &[String],
    src: &str,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> crate::fonts::FontsConfig {
    use crate::fonts::Script;
    let start = find_line(src, "[fonts]", None).unwrap_or(0);
    let line_of = |key: &str| {
        src.lines()
            .enumerate()
            .skip(start)
            .find(|(_, l)| {
                let t = l.trim_start().trim_start_matches('"');
                t.strip_prefix(key)
                    .is_some_and(|r| r.trim_start_matches('"').trim_start().starts_with('='))
            })
            .map_or(start, |(i, _)| i + 1)
    };
    let scripts = Script::ALL.map(|s| s.name().to_lowercase()).join(", ");
    let mut out = crate::fonts::FontsConfig::default();
    for (key, value) in table {
        let line = line_of(key);
        let mut bad = |what: String, hint: String| {
            diags.push(Diagnostic::error(file, line, what).with_hint(hint));
        };
        match (key.as_str(), value) {
            ("bundle", toml::Value::Boolean(b)) => out.bundle = *b,
            ("also", toml::Value::Array(list)) => {
                for v in list {
                    match v.as_str().and_then(Script::parse) {
                        Some(s) => {
                            out.also.insert(s);
                        }
                        None => bad(
                            format!(
                                "`{}` in `[fonts] also` is not a script polybook bundles fonts for",
                                v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                            ),
                            format!("use one of: {scripts}"),
                        ),
                    }
                }
            }
            ("bundle" | "also", _) => bad(
                format!("`[fonts] {key}` has the wrong type"),
                "`bundle = false` turns bundled fonts off; `also = [\"arabic\", \"han\"]` adds scripts".into(),
            ),
            (_, toml::Value::String(path)) => {
                let rel = PathBuf::from(path);
                if rel.is_absolute() || rel.components().any(|c| c == std::path::Component::ParentDir) {
                    bad(
                        format!("the font for `{key}` must be a file inside the project, not `{path}`"),
                        "copy the font (and its licence) into the project, e.g. `fonts/Padauk-Regular.ttf`".into(),
                    );
                } else if languages.contains(key) {
                    out.for_lang.insert(key.clone(), (rel, line));
                } else if let Some(s) = Script::parse(key) {
                    out.for_script.insert(s, (rel, line));
                } else {
                    bad(
                        format!("`{key}` in `[fonts]` is neither a published language nor a script"),
                        format!("use a code from `languages` or one of: {scripts}"),
                    );
                }
            }
            _ => bad(
                format!("`[fonts] {key}` must be the path of a font file"),
                format!("e.g. `{key} = \"fonts/Padauk-Regular.ttf\"`"),
            ),
        }
    }
    out
}

/// Days a bundle is meant to be used when `bundle_valid_days` is not set.
pub const DEFAULT_BUNDLE_VALID_DAYS: u32 = 180;

/// Parses a `manual.toml`. `languages` are the published codes, for checking `[titles]`.
pub fn parse_manual(
    src: &str,
    file: &Path,
    languages: &[String],
) -> Result<ManualConfig, Vec<Diagnostic>> {
    let table = parse_table(src, file)?;
    let mut diags = manual_unknown_keys(src, file, &table);
    let raw: RawManual = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            diags.push(toml_error(src, file, &e));
            return Err(diags);
        }
    };
    check_manual_titles(&raw, languages, src, file, &mut diags);
    let parts = contents(raw.chapters, raw.parts);
    let any_valid = check_contents(&parts, src, file, &mut diags);
    if !any_valid && diags.is_empty() {
        diags.push(
            Diagnostic::error(
                file,
                key_line(src, "chapters", None),
                "the manual lists no chapters",
            )
            .with_hint("add `chapters = [\"introduction\", ...]` or `[[parts]]` with chapters"),
        );
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(ManualConfig {
        title: raw.title,
        titles: raw.titles,
        description: raw.description,
        descriptions: raw.descriptions,
        authors: raw.authors,
        publisher: raw.publisher,
        rights: raw.rights,
        parts,
    })
}

/// The unknown keys of a `manual.toml`: at the top and in each `[[parts]]` table.
fn manual_unknown_keys(src: &str, file: &Path, table: &toml::Table) -> Vec<Diagnostic> {
    let mut diags = unknown_keys(src, file, table, MANUAL_KEYS, None);
    if let Some(toml::Value::Array(parts)) = table.get("parts") {
        for (i, part) in parts.iter().enumerate() {
            if let toml::Value::Table(t) = part {
                diags.extend(unknown_keys(src, file, t, PART_KEYS, Some(("parts", i))));
            }
        }
    }
    diags
}

/// Reports the codes in the manual's `titles` and in its parts' `titles` that
/// are not published languages.
fn check_manual_titles(
    raw: &RawManual,
    languages: &[String],
    src: &str,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) {
    check_title_langs(&raw.titles, languages, src, file, "titles", None, diags);
    for (i, p) in raw.parts.iter().enumerate() {
        check_title_langs(
            &p.titles,
            languages,
            src,
            file,
            "titles",
            Some(("parts", i)),
            diags,
        );
    }
}

/// The contents: the ungrouped `chapters` as a part without title (when there
/// are any), then the `[[parts]]`.
fn contents(chapters: Vec<String>, raw_parts: Vec<RawPart>) -> Vec<Part> {
    let mut parts = Vec::new();
    if !chapters.is_empty() {
        parts.push(Part {
            title: None,
            titles: BTreeMap::new(),
            chapters,
        });
    }
    parts.extend(raw_parts.into_iter().map(|p| Part {
        title: Some(p.title),
        titles: p.titles,
        chapters: p.chapters,
    }));
    parts
}

/// Reports each chapter id of the contents that is not valid, is listed
/// again, or differs from another only in case, at its line. Returns whether
/// any id is valid.
fn check_contents(parts: &[Part], src: &str, file: &Path, diags: &mut Vec<Diagnostic>) -> bool {
    let mut ids = ContentIds::default();
    for (pi, part) in parts.iter().enumerate() {
        let section = part
            .title
            .is_some()
            .then(|| ("parts", pi - usize::from(parts[0].title.is_none())));
        for id in &part.chapters {
            let line = find_line(src, &format!("\"{id}\""), section)
                .unwrap_or_else(|| key_line(src, "chapters", section));
            diags.extend(ids.add(id, line, file));
        }
    }
    !ids.seen.is_empty()
}

/// The valid chapter ids of a manual's contents seen so far.
#[derive(Default)]
struct ContentIds<'a> {
    seen: std::collections::HashSet<String>,
    /// Ids by their case-folded form, with their lines: ids that differ only
    /// in case name the same file on many disks.
    folded: std::collections::HashMap<String, (&'a str, usize)>,
}

impl<'a> ContentIds<'a> {
    /// Notes the chapter id `id`, listed at `line` of `file`; the problem
    /// with it, if any.
    fn add(&mut self, id: &'a str, line: usize, file: &Path) -> Option<Diagnostic> {
        if let Err(msg) = check_chapter_id(id) {
            Some(Diagnostic::error(file, line, msg.0).with_hint(msg.1))
        } else if !self.seen.insert(id.to_string()) {
            Some(
                Diagnostic::error(
                    file,
                    line,
                    format!("chapter `{id}` is listed more than once"),
                )
                .with_hint("a chapter appears once in the contents; remove the repeated entry"),
            )
        } else if let Some((other, other_line)) = self.folded.insert(fold_case(id), (id, line)) {
            Some(
                Diagnostic::error(
                    file,
                    line,
                    format!(
                        "chapters `{other}` (line {other_line}) and `{id}` differ only in case: \
                         {CASE_BLIND}, so their files and pages would be one"
                    ),
                )
                .with_hint("rename one of the chapters: its file and its entry here"),
            )
        } else {
            None
        }
    }
}

/// Why names that differ only in case collide, for messages.
pub const CASE_BLIND: &str =
    "USB sticks (FAT, exFAT), macOS and Windows disks do not tell upper from lower case";

/// The form in which names that a case-insensitive disk takes for the same
/// name are equal: lower case, Unicode composed (as macOS compares them).
pub fn fold_case(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    name.nfc().collect::<String>().to_lowercase()
}

/// Checks a chapter id: a relative path inside a language folder, without `.md`.
fn check_chapter_id(id: &str) -> Result<(), (String, String)> {
    if let Some(stem) = id.strip_suffix(".md") {
        return Err((
            format!("chapter id `{id}` ends in `.md`"),
            format!("write the id without the extension: `{stem}`"),
        ));
    }
    let bad = id.is_empty()
        || id.starts_with('/')
        || id.ends_with('/')
        || id.contains('\\')
        || id
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == ".." || s.starts_with('.'));
    if bad {
        return Err((
            format!("`{id}` is not a valid chapter id"),
            "a chapter id is the file's path inside a language folder, without `.md`, like `basics/passwords`".into(),
        ));
    }
    Ok(())
}

fn check_title_langs(
    titles: &BTreeMap<String, String>,
    languages: &[String],
    src: &str,
    file: &Path,
    key: &str,
    section: Option<(&str, usize)>,
    diags: &mut Vec<Diagnostic>,
) {
    for code in titles.keys() {
        if !languages.contains(code) {
            let line = find_line(src, code, section).unwrap_or_else(|| key_line(src, key, section));
            let msg = match lang::parse(code) {
                Ok(_) => format!("`{code}` in `{key}` is not a published language"),
                Err(e) => e,
            };
            let hint = lang::spelling_hint(code).unwrap_or_else(|| {
                format!(
                    "use one of the codes in `languages` ({})",
                    languages.join(", ")
                )
            });
            diags.push(Diagnostic::error(file, line, msg).with_hint(hint));
        }
    }
}

fn parse_table(src: &str, file: &Path) -> Result<toml::Table, Vec<Diagnostic>> {
    src.parse::<toml::Table>()
        .map_err(|e| vec![toml_error(src, file, &e)])
}

fn toml_error(src: &str, file: &Path, e: &toml::de::Error) -> Diagnostic {
    let line = e
        .span()
        .map(|s| src[..s.start.min(src.len())].matches('\n').count() + 1)
        .unwrap_or(0);
    let msg = e.message().trim().replace('\n', " ");
    Diagnostic::error(file, line, msg).with_hint("see the configuration reference in the README")
}

fn unknown_keys(
    src: &str,
    file: &Path,
    table: &toml::Table,
    known: &[&str],
    section: Option<(&str, usize)>,
) -> Vec<Diagnostic> {
    table
        .keys()
        .filter(|k| !known.contains(&k.as_str()))
        .map(|k| {
            let hint = match closest(k, known.iter().copied()) {
                Some(c) => format!("did you mean `{c}`? Known keys: {}", known.join(", ")),
                None => format!("known keys: {}", known.join(", ")),
            };
            Diagnostic::error(
                file,
                key_line(src, k, section),
                format!("unknown key `{k}`"),
            )
            .with_hint(hint)
        })
        .collect()
}

/// The known name closest to `name`, when it is close enough to be a likely typo.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(name, k), k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(1) && *d < name.chars().count())
        .min()
        .map(|(_, k)| k)
}

/// The line where `key` is set (as `key =`, `[key]` or `[[key]]`), within the
/// `n`th `[[array]]` table when `section` is given; 0 when not found.
fn key_line(src: &str, key: &str, section: Option<(&str, usize)>) -> usize {
    let (start, end) = section_range(src, section);
    for (no, line) in src.lines().enumerate().take(end).skip(start) {
        let t = line.trim_start();
        let bare = t
            .strip_prefix('"')
            .map(|r| r.replacen('"', "", 1))
            .unwrap_or_else(|| t.to_string());
        if let Some(rest) = bare.strip_prefix(key) {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with('.') {
                return no + 1;
            }
        }
        if t.starts_with(&format!("[{key}]"))
            || t.starts_with(&format!("[[{key}]]"))
            || t.starts_with(&format!("[{key}."))
        {
            return no + 1;
        }
    }
    0
}

/// The first line containing `needle`, within the section when given.
fn find_line(src: &str, needle: &str, section: Option<(&str, usize)>) -> Option<usize> {
    let (start, end) = section_range(src, section);
    src.lines()
        .enumerate()
        .take(end)
        .skip(start)
        .find(|(_, l)| l.contains(needle))
        .map(|(no, _)| no + 1)
}

/// Line range (0-based, end exclusive) of the `n`th `[[name]]` table, or the whole text.
fn section_range(src: &str, section: Option<(&str, usize)>) -> (usize, usize) {
    let total = src.lines().count();
    let Some((name, n)) = section else {
        return (0, total);
    };
    let header = format!("[[{name}]]");
    let starts: Vec<usize> = src
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(&header))
        .map(|(i, _)| i)
        .collect();
    match starts.get(n) {
        Some(&s) => {
            let end = src
                .lines()
                .enumerate()
                .skip(s + 1)
                .find(|(_, l)| l.trim_start().starts_with('['))
                .map(|(i, _)| i)
                .unwrap_or(total);
            (s, end)
        }
        None => (0, total),
    }
}

/// Where a project's files are.
#[derive(Debug, Clone)]
pub struct Paths {
    pub root: PathBuf,
    pub config: PathBuf,
    pub manuals: PathBuf,
    pub themes: PathBuf,
    pub i18n: PathBuf,
}

impl Paths {
    pub fn new(root: &Path) -> Self {
        Paths {
            root: root.to_path_buf(),
            config: root.join("polybook.toml"),
            manuals: root.join("manuals"),
            themes: root.join("themes"),
            i18n: root.join("i18n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(src: &str) -> Result<SiteConfig, Vec<Diagnostic>> {
        parse_site(src, Path::new("polybook.toml"))
    }

    #[test]
    fn minimal_site() {
        let c = site("title = \"T\"\nsource_language = \"en\"\nlanguages = [\"en\", \"ar\"]\n")
            .unwrap();
        assert_eq!(c.languages.len(), 2);
        assert!(c.sanitize_html);
        assert_eq!(c.theme, "default");
    }

    #[test]
    fn reports_every_unknown_key_with_line_and_hint() {
        let errs =
            site("title = \"T\"\nsource_languag = \"en\"\nlanguages = [\"en\"]\ncolour = 1\n")
                .unwrap_err();
        let unknown: Vec<_> = errs
            .iter()
            .filter(|d| d.message.starts_with("unknown key"))
            .collect();
        assert_eq!(unknown.len(), 2);
        assert_eq!(unknown[0].line, 4);
        assert_eq!(unknown[1].line, 2);
        assert!(
            unknown[1]
                .hint
                .as_deref()
                .unwrap()
                .contains("`source_language`")
        );
    }

    #[test]
    fn reports_bad_language_codes() {
        let errs =
            site("title = \"T\"\nsource_language = \"en\"\nlanguages = [\"en\", \"xx\", \"en\"]\n")
                .unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().all(|d| d.line == 3));
    }

    #[test]
    fn source_must_be_published() {
        let errs =
            site("title = \"T\"\nsource_language = \"fr\"\nlanguages = [\"en\"]\n").unwrap_err();
        assert!(errs[0].message.contains("not in `languages`"));
        assert_eq!(errs[0].line, 2);
    }

    #[test]
    fn syntax_error_has_line() {
        let errs = site("title = \"T\"\nlanguages = [\"en\"\n").unwrap_err();
        assert_eq!(errs[0].line, 2, "{errs:?}");
    }

    #[test]
    fn manual_parts_and_checks() {
        let langs = vec!["en".to_string(), "es".to_string()];
        let m = parse_manual(
            "title = \"M\"\nchapters = [\"intro\"]\n[[parts]]\ntitle = \"P\"\ntitles = { es = \"Pe\" }\nchapters = [\"a\", \"b/c\"]\n",
            Path::new("manual.toml"),
            &langs,
        )
        .unwrap();
        assert_eq!(m.chapter_ids().collect::<Vec<_>>(), ["intro", "a", "b/c"]);
        assert_eq!(m.parts[1].title_in("es"), Some("Pe"));

        let errs = parse_manual(
            "title = \"M\"\nchapters = [\"a.md\", \"../x\", \"b\"]\n[[parts]]\ntitle = \"P\"\nchapter = []\nchapters = [\"b\"]\n[titles]\nde = \"x\"\n",
            Path::new("manual.toml"),
            &langs,
        )
        .unwrap_err();
        let msgs: Vec<String> = errs
            .iter()
            .map(|d| format!("{}:{}", d.line, d.message))
            .collect();
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("5:unknown key `chapter`")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("ends in `.md`")), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.contains("not a valid chapter id")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.starts_with("6:chapter `b` is listed more than once")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.starts_with("8:`de` in `titles`")),
            "{msgs:?}"
        );
    }

    #[test]
    fn closest_key() {
        assert_eq!(
            closest("langauges", SITE_KEYS.iter().copied()),
            Some("languages")
        );
        assert_eq!(closest("zzzzzz", SITE_KEYS.iter().copied()), None);
    }
}
