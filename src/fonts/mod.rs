//! Fonts for scripts readers' devices often lack (Myanmar, Ethiopic,
//! Tibetan, Khmer, Sinhala; Arabic and Han when asked for): which scripts a
//! language's pages and books use, which font each script gets, and the
//! subsets published with the site (WOFF2 with `@font-face`) and embedded
//! in books (TrueType).
//!
//! Everything here is pure but [`find`], which reads font files; the
//! build's `fonts` stage runs the subsetting in parallel.

pub(crate) mod find;
mod harfbuzz;
pub(crate) mod script;
pub(crate) mod subset;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::model::{ChapterRef, Project};
use crate::site::i18n::Ui;

pub use self::find::{Face, FontFile};
pub use self::script::Script;

/// The `[fonts]` table of `polybook.toml`.
#[derive(Debug, Clone)]
pub struct FontsConfig {
    /// Whether fonts are bundled at all (`bundle = false` turns them off).
    pub bundle: bool,
    /// Scripts bundled besides the default ones (`also = ["arabic"]`).
    pub also: BTreeSet<Script>,
    /// Font files named for a language, relative to the project, with the line.
    pub for_lang: BTreeMap<String, (PathBuf, usize)>,
    /// Font files named for a script.
    pub for_script: BTreeMap<Script, (PathBuf, usize)>,
}

impl Default for FontsConfig {
    fn default() -> Self {
        FontsConfig {
            bundle: true,
            also: BTreeSet::new(),
            for_lang: BTreeMap::new(),
            for_script: BTreeMap::new(),
        }
    }
}

impl FontsConfig {
    /// The folders of the font files named for languages and scripts, in
    /// the project at `root` (a bold face is looked for beside each).
    pub fn named_folders<'a>(&'a self, root: &'a Path) -> impl Iterator<Item = PathBuf> + 'a {
        (self.for_lang.values())
            .chain(self.for_script.values())
            .filter_map(|(rel, _)| root.join(rel).parent().map(Path::to_path_buf))
    }

    /// Whether `script` gets a bundled font.
    pub fn wanted(&self, script: Script) -> bool {
        self.bundle
            && (script.by_default()
                || self.also.contains(&script)
                || self.for_script.contains_key(&script))
    }
}

/// Where a language's font files are published.
pub fn folder(lang: &str) -> String {
    format!("{lang}/fonts")
}

/// The stylesheet that declares a language's fonts.
pub fn css_path(lang: &str) -> String {
    format!("{lang}/fonts/fonts.css")
}

/// What a language's pages (or a book) show, as far as fonts care: the
/// characters of the lines that hold letters of the scripts that may get a
/// font (with the spaces, marks and punctuation around them).
#[derive(Debug, Default, Clone)]
pub struct Text {
    /// The scripts that may get a font.
    pub wanted: BTreeSet<Script>,
    /// The characters of the lines that hold letters of those scripts.
    pub chars: BTreeSet<char>,
    /// The scripts of the text itself, not only of the language menu's
    /// names: only their subsets keep the digits and punctuation the
    /// build and the reader's browser may write.
    pub own: BTreeSet<Script>,
}

/// Text being collected: one bit per character seen, so that a long
/// Burmese or Tibetan manual costs one pass over its bytes.
#[derive(Debug, Default, Clone)]
pub struct Collecting {
    wanted: BTreeSet<Script>,
    seen: Vec<u64>,
}

impl Collecting {
    pub fn new(wanted: BTreeSet<Script>) -> Collecting {
        Collecting {
            wanted,
            seen: Vec::new(),
        }
    }

    fn add(&mut self, text: &str) {
        // The default scripts' letters are all encoded in UTF-8 from byte
        // E0 or E1: text without those bytes (most of it) is passed over.
        let wide = self.wanted.iter().any(|s| !s.by_default());
        if self.wanted.is_empty()
            || (!wide && memchr::memchr2(0xE0, 0xE1, text.as_bytes()).is_none())
        {
            return;
        }
        for line in text.lines() {
            // Every script that may get a font starts at U+0600 or later.
            let wanted = |c: char| {
                c >= '\u{0600}' && Script::of(c).is_some_and(|s| self.wanted.contains(&s))
            };
            if line.chars().any(wanted) {
                for c in line.chars() {
                    let (word, bit) = (c as usize / 64, c as usize % 64);
                    if self.seen.len() <= word {
                        self.seen.resize(word + 1, 0);
                    }
                    self.seen[word] |= 1 << bit;
                }
            }
        }
    }

    /// Adds what `other` collected.
    fn join(&mut self, other: &Collecting) {
        if self.seen.len() < other.seen.len() {
            self.seen.resize(other.seen.len(), 0);
        }
        for (a, b) in self.seen.iter_mut().zip(&other.seen) {
            *a |= b;
        }
    }

    /// The characters seen, in order.
    fn seen(&self) -> impl Iterator<Item = char> + '_ {
        self.seen.iter().enumerate().flat_map(|(word, &bits)| {
            (0..64)
                .filter(move |bit| bits & (1 << bit) != 0)
                .filter_map(move |bit| char::from_u32((word * 64 + bit) as u32))
        })
    }

    /// The scripts of the characters seen so far.
    fn scripts(&self) -> BTreeSet<Script> {
        self.seen().filter_map(Script::of).collect()
    }

    /// The characters collected; `own` as in [`Text::own`].
    pub fn done(self, own: BTreeSet<Script>) -> Text {
        Text {
            chars: self.seen().collect(),
            wanted: self.wanted,
            own,
        }
    }
}

/// What manual `m`'s chapters in `lang` show (or the text shown in their
/// place), with its titles and description.
pub fn manual_text(project: &Project, lang: &str, m: usize) -> Collecting {
    let mut text = Collecting::new(wanted_in(project, lang));
    let manual = &project.manuals[m];
    text.add(manual.config.title_in(lang));
    if let Some((d, _)) = manual.config.description_in(lang) {
        text.add(d);
    }
    for part in &manual.config.parts {
        text.add(part.title_in(lang).unwrap_or_default());
    }
    for chapter in 0..manual.chapters.len() {
        let (source, _) = project.content(ChapterRef { manual: m, chapter }, lang);
        text.add(&source.text);
    }
    text
}

/// What a language's pages show, or a superset: its manuals' text
/// (`manuals`, from [`manual_text`]), the site title, the UI strings, and
/// the names of every language (`names`, the language menu).
pub fn site_text(
    project: &Project,
    ui: &Ui,
    lang: &str,
    manuals: &[&Collecting],
    names: &[&str],
) -> Text {
    let mut text = Collecting::new(wanted_in(project, lang));
    for manual in manuals {
        text.join(manual);
    }
    text.add(project.config.title_in(lang));
    for s in ui.strings.values() {
        text.add(s);
    }
    let own = text.scripts();
    for name in names {
        text.add(name);
    }
    text.done(own)
}

/// What a book shows, or a superset: its manual's text (from
/// [`manual_text`]), the site title, the UI strings and the language's name.
pub fn book_text(project: &Project, ui: &Ui, lang: &str, manual: &Collecting, name: &str) -> Text {
    let mut text = manual.clone();
    text.add(project.config.title_in(lang));
    text.add(name);
    for s in ui.strings.values() {
        text.add(s);
    }
    let own = text.scripts();
    text.done(own)
}

/// The scripts that may get a font in `lang`: every one when a font file
/// is named for the language.
fn wanted_in(project: &Project, lang: &str) -> BTreeSet<Script> {
    let config = &project.config.fonts;
    Script::ALL
        .into_iter()
        .filter(|&s| config.wanted(s) || (config.bundle && config.for_lang.contains_key(lang)))
        .collect()
}

/// The font each (language, script) pair gets, chosen once per build.
#[derive(Default)]
pub struct Chosen {
    pub faces: BTreeMap<(String, Script), Arc<Face>>,
    /// Scripts no font was found for.
    pub missing: BTreeSet<Script>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Chooses the fonts for the scripts each language uses (`chars`, by
/// language code): a file named for the language, then one named for the
/// script, then an installed font. A script no font is found for is one
/// warning naming the languages that need it and where to get one.
pub fn choose(project: &Project, chars: &BTreeMap<String, &BTreeSet<char>>) -> Chosen {
    let config = &project.config.fonts;
    let mut choosing = Choosing {
        project,
        chosen: Chosen::default(),
        named: BTreeMap::new(),
        installed: None,
        by_script: BTreeMap::new(),
        missing: BTreeMap::new(),
    };
    if !config.bundle {
        return choosing.chosen;
    }
    for (lang, chars) in chars {
        for script in script::scripts_in(chars) {
            // A font named for the language brings its script in even when
            // that script is not bundled by default.
            if config.wanted(script) || config.for_lang.contains_key(lang) {
                choosing.choose(lang, script, chars);
            }
        }
    }
    choosing.report_missing();
    choosing.chosen
}

/// The fonts chosen so far, with the files read and the fonts found once
/// for every language that needs them.
struct Choosing<'a> {
    project: &'a Project,
    chosen: Chosen,
    /// Files named in `polybook.toml`, read (or refused) once each.
    named: BTreeMap<PathBuf, Option<Arc<Face>>>,
    installed: Option<find::Installed>,
    /// The font of each script for languages without one of their own.
    by_script: BTreeMap<Script, Option<Arc<Face>>>,
    /// Scripts without a font, with the languages that need them.
    missing: BTreeMap<Script, Vec<String>>,
}

impl Choosing<'_> {
    /// The font of `script` for `lang`, whose text holds `chars`: the file
    /// named for the language if it has the script's letters, else the
    /// script's font.
    fn choose(&mut self, lang: &str, script: Script, chars: &BTreeSet<char>) {
        let config = &self.project.config.fonts;
        let sample: BTreeSet<char> = (chars.iter().copied())
            .filter(|&c| Script::of(c) == Some(script))
            .collect();
        let mut face = config.for_lang.get(lang).and_then(|(rel, line)| {
            self.read_named(rel, *line, script)
                .filter(|f| sample.iter().any(|&c| f.regular.covers(c)))
        });
        if face.is_none() && config.wanted(script) {
            face = self.script_face(script, &sample);
        }
        match face {
            Some(face) => {
                self.chosen.faces.insert((lang.to_string(), script), face);
            }
            None if config.wanted(script) => {
                (self.missing.entry(script).or_default()).push(lang.to_string())
            }
            None => {}
        }
    }

    /// The font of `script` for every language without one of its own: the
    /// file named for the script, else an installed one that covers `sample`.
    fn script_face(&mut self, script: Script, sample: &BTreeSet<char>) -> Option<Arc<Face>> {
        if let Some(face) = self.by_script.get(&script) {
            return face.clone();
        }
        let config = &self.project.config.fonts;
        let named = (config.for_script.get(&script))
            .and_then(|(rel, line)| self.read_named(rel, *line, script));
        let face = named.or_else(|| {
            (self.installed.get_or_insert_with(find::Installed::list))
                .find(script, sample)
                .map(Arc::new)
        });
        self.by_script.insert(script, face.clone());
        face
    }

    /// The font file named at `line` of `polybook.toml`, if it can be used
    /// for `script`; a file that cannot be read is a warning, once.
    fn read_named(&mut self, rel: &Path, line: usize, script: Script) -> Option<Arc<Face>> {
        let root = &self.project.paths.root;
        let diags = &mut self.chosen.diagnostics;
        (self.named.entry(rel.to_path_buf()))
            .or_insert_with(|| match read_named(root, rel, script) {
                Ok(face) => Some(Arc::new(face)),
                Err(e) => {
                    diags.push(
                        Diagnostic::warning(Path::new("polybook.toml"), line, e)
                            .with_hint("name a TrueType font file inside the project, e.g. `my = \"fonts/Padauk-Regular.ttf\"`; an installed font is used meanwhile"),
                    );
                    None
                }
            })
            .clone()
            .filter(|f| f.script == script)
    }

    /// One warning per script no font was found for, naming the languages
    /// that need it and the Debian packages that have one.
    fn report_missing(&mut self) {
        for (script, langs) in std::mem::take(&mut self.missing) {
            self.chosen.missing.insert(script);
            self.chosen.diagnostics.push(
                Diagnostic::warning(
                    Path::new("polybook.toml"),
                    0,
                    format!(
                        "no font for the {} script, which {} use: readers without one see boxes",
                        script.name(),
                        langs.join(", ")
                    ),
                )
                .with_hint(format!(
                    "install one (Debian: {}) or name a font file under `[fonts]` in polybook.toml",
                    script.packages()
                )),
            );
        }
    }
}

/// Reads a font file named in `polybook.toml` for `script` (and its bold
/// face beside it, `-Bold` for `-Regular`).
fn read_named(root: &Path, rel: &Path, script: Script) -> Result<Face, String> {
    let path = root.join(rel);
    let read = |path: &Path, weight| {
        let bytes = crate::load::project::read_regular(path)
            .map_err(|e| format!("cannot read the font `{}`: {e}", rel.display()))?;
        FontFile::read(path, bytes, 0, weight)
    };
    let regular = read(&path, 400)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let bold = name
        .contains("-Regular")
        .then(|| path.with_file_name(name.replace("-Regular", "-Bold")))
        .filter(|p| p.is_file())
        .and_then(|p| read(&p, 700).ok());
    Ok(Face {
        script,
        regular,
        bold,
    })
}

/// One subset to make: a face cut to a set of characters.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cut {
    pub font: PathBuf,
    pub index: u32,
    pub chars: BTreeSet<char>,
}

/// A language's fonts for the site: its stylesheet and the files beside it.
#[derive(Debug, Default, Clone)]
pub struct SiteFonts {
    /// (output path, bytes), the stylesheet first.
    pub files: Vec<(String, Vec<u8>)>,
}

/// A book's fonts: the rules to put before its stylesheet and the files
/// (path inside the book's folder, bytes, media type).
#[derive(Debug, Default, Clone)]
pub struct BookFonts {
    pub css: String,
    pub files: Vec<(String, Vec<u8>, &'static str)>,
}

/// The subsets a language (or a book) needs: each chosen face of a script
/// its text uses, with the characters it keeps.
pub fn cuts<'a>(
    chosen: &'a Chosen,
    lang: &str,
    text: &Text,
) -> Vec<(&'a Arc<Face>, &'a FontFile, Cut)> {
    let mut out = Vec::new();
    for script in script::scripts_in(&text.chars) {
        let Some(face) = chosen.faces.get(&(lang.to_string(), script)) else {
            continue;
        };
        for file in face.faces() {
            let own = text.own.contains(&script);
            let keep = subset::keep(file, script, &text.chars, own);
            if keep.is_empty() {
                continue;
            }
            out.push((
                face,
                file,
                Cut {
                    font: file.path.clone(),
                    index: file.index,
                    chars: keep,
                },
            ));
        }
    }
    out
}

/// The `@font-face` rule of one face.
fn font_face(face: &Face, file: &FontFile, src: &str, chars: &BTreeSet<char>) -> String {
    let locals: Vec<String> = [&file.full_name, &file.postscript_name]
        .into_iter()
        .filter(|n| !n.is_empty())
        .map(|n| format!("local(\"{}\"), ", n.replace(['"', '\\'], "")))
        .collect();
    format!(
        "@font-face {{\n  font-family: \"{}\";\n  font-weight: {};\n  src: {}{src};\n  font-display: swap;\n  unicode-range: {};\n}}\n",
        face.script.css_family(),
        file.weight,
        locals.concat(),
        subset::unicode_range(chars)
    )
}

fn licence_name(face: &Face, file: &FontFile) -> String {
    format!("{}-{}-LICENSE.txt", face.script.stem(), file.weight)
}

fn font_name(face: &Face, file: &FontFile, ext: &str) -> String {
    format!("{}-{}.{ext}", face.script.stem(), file.weight)
}

/// A language's site fonts from its cuts and their TrueType subsets
/// (`made`, by cut): WOFF2 files, licences and the stylesheet.
pub fn site_fonts(lang: &str, cuts: &[(&Arc<Face>, &FontFile, Cut)], made: &Made) -> SiteFonts {
    let dir = folder(lang);
    let mut css = String::from(
        "/* Fonts for scripts devices often lack, cut to the characters of this language's pages.\n   A device with the font installed uses its own and downloads nothing. Licences: the .txt files here. */\n",
    );
    let mut files = Vec::new();
    for (face, file, cut) in cuts {
        let Some(Ok(Subset { woff2, .. })) = made.get(cut) else {
            continue;
        };
        let name = font_name(face, file, "woff2");
        css.push_str(&font_face(
            face,
            file,
            &format!("url(\"{name}\") format(\"woff2\")"),
            &cut.chars,
        ));
        files.push((format!("{dir}/{name}"), woff2.clone()));
        files.push((
            format!("{dir}/{}", licence_name(face, file)),
            file.licence.clone().into_bytes(),
        ));
    }
    if files.is_empty() {
        return SiteFonts::default();
    }
    files.insert(0, (css_path(lang), css.into_bytes()));
    SiteFonts { files }
}

/// A book's embedded fonts from its cuts and their subsets.
pub fn book_fonts(cuts: &[(&Arc<Face>, &FontFile, Cut)], made: &Made) -> BookFonts {
    let mut out = BookFonts::default();
    let mut families = Vec::new();
    for (face, file, cut) in cuts {
        let Some(Ok(Subset { ttf, .. })) = made.get(cut) else {
            continue;
        };
        let name = font_name(face, file, "ttf");
        out.css.push_str(&font_face(
            face,
            file,
            &format!("url(\"fonts/{name}\")"),
            &cut.chars,
        ));
        out.files
            .push((format!("fonts/{name}"), ttf.clone(), "font/ttf"));
        out.files.push((
            format!("fonts/{}", licence_name(face, file)),
            file.licence.clone().into_bytes(),
            "text/plain",
        ));
        let family = format!("\"{}\"", face.script.css_family());
        if !families.contains(&family) {
            families.push(family);
        }
    }
    if !families.is_empty() {
        // After the reading system's own fonts, as on the site.
        out.css.push_str(&format!(
            "body {{ font-family: serif, {}; }}\ncode, pre {{ font-family: monospace, {}; }}\n",
            families.join(", "),
            families.join(", ")
        ));
    }
    out
}

/// One cut made: the TrueType subset, and its WOFF2 form when the site
/// uses it (empty otherwise).
pub struct Subset {
    pub ttf: Vec<u8>,
    pub woff2: Vec<u8>,
}

/// Every cut of a build made, or why it could not be.
pub type Made = BTreeMap<Cut, Result<Subset, String>>;

/// Makes the subset of `cut` from `face`: TrueType and WOFF2.
pub fn make(file: &FontFile, cut: &Cut, woff2: bool) -> Result<Subset, String> {
    let ttf = subset::subset(file, &cut.chars)?;
    let packed = if woff2 {
        subset::woff2(&ttf)?
    } else {
        Vec::new()
    };
    Ok(Subset { ttf, woff2: packed })
}

/// Burmese chapters whose text looks like Zawgyi, with the line (of the
/// texts the model holds).
pub fn zawgyi(project: &Project) -> Vec<Diagnostic> {
    (project.manuals.iter())
        .flat_map(|m| m.chapters.iter())
        .flat_map(|c| c.sources.values())
        .filter(|s| is_burmese(&project.config, &s.lang))
        .filter_map(zawgyi_in)
        .collect()
}

/// Whether `lang` is written in Burmese, of which Zawgyi is an encoding.
pub fn is_burmese(config: &crate::load::config::SiteConfig, lang: &str) -> bool {
    config.lang(lang).is_some_and(|l| l.base == "my")
}

/// The warning for a Burmese chapter whose text looks like Zawgyi, if it does.
pub fn zawgyi_in(source: &crate::model::Source) -> Option<Diagnostic> {
    let line = script::zawgyi_line(&source.text)?;
    Some(
        Diagnostic::warning(&source.rel, line, "this Burmese text looks like it is in the Zawgyi encoding: with a Unicode font (and the font polybook bundles) readers see it garbled")
            .with_lang(&source.lang)
            .with_hint("convert the file to Unicode Burmese (for example with the Rabbit converter or Google's myanmar-tools), then check it in the preview"),
    )
}
