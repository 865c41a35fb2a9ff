//! The project model: configuration, manuals, chapters and their sources in
//! every language, parsed once and never changed afterwards.
//!
//! Everything after loading reads this model through shared references; it is
//! the one input of rendering, checking and every output format.

pub mod outline;
pub(crate) mod slug;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::load::config::{ManualConfig, Paths, SiteConfig};
use crate::load::frontmatter::FrontMatter;
use crate::load::lang::Lang;
use crate::model::outline::{Anchors, Outline};

/// One chapter file in one language.
#[derive(Debug, Clone)]
pub struct Source {
    pub lang: String,
    /// Path relative to the project root, for messages.
    pub rel: PathBuf,
    /// Absolute path, for resolving relative links.
    pub abs: PathBuf,
    /// The whole file as read.
    pub text: String,
    /// Byte offset where the Markdown body starts (after front matter).
    pub body_start: usize,
    /// Lines taken by the front matter.
    pub body_line_offset: usize,
    pub front: FrontMatter,
    pub outline: Outline,
    pub anchors: Anchors,
    /// From front matter, else the first heading, else the chapter id.
    pub title: String,
    /// Last modification of the file, in seconds since 1970.
    pub modified: i64,
    /// [`crate::translate::provenance::content_hash`] of the whole file, made when
    /// first asked for ([`Source::hash`]): only the source language's are
    /// compared, with the versions translations record.
    pub(crate) hash: std::sync::OnceLock<String>,
    /// For a translation, the source version it records (`translated_from`).
    pub recorded: Option<String>,
    /// For a translation made from a PO catalogue, its figures.
    pub po: Option<PoFigures>,
    /// Set when the model let go of `text` ([`Project::release_texts`]):
    /// the length and CRC-32 of the text as loaded, against which the text
    /// read again for rendering is checked.
    pub released: Option<(usize, u32)>,
}

/// The messages of a chapter made from a PO catalogue, by what the
/// catalogue holds for them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoFigures {
    pub translated: usize,
    /// Fuzzy entries: the source's text is shown.
    pub fuzzy: usize,
    /// Messages without a translation: the source's text is shown.
    pub untranslated: usize,
}

impl PoFigures {
    pub fn total(&self) -> usize {
        self.translated + self.fuzzy + self.untranslated
    }

    /// Whether some message shows the source's text.
    pub fn partial(&self) -> bool {
        self.fuzzy + self.untranslated > 0
    }

    /// The whole percentage of `n` messages (0 without messages).
    pub fn percent(&self, n: usize) -> f64 {
        match self.total() {
            0 => 0.0,
            t => (n as f64 * 1000.0 / t as f64).round() / 10.0,
        }
    }
}

impl Source {
    /// [`crate::translate::provenance::content_hash`] of the whole file.
    pub fn hash(&self) -> &str {
        self.hash
            .get_or_init(|| crate::translate::provenance::content_hash(&self.text))
    }

    /// The Markdown after the front matter; empty when the model let go
    /// of the text ([`Project::release_texts`]).
    pub fn body(&self) -> &str {
        debug_assert!(self.released.is_none(), "the text was let go of");
        self.text.get(self.body_start..).unwrap_or_default()
    }

    /// The length of [`Source::body`], also when the model let go of it.
    pub fn body_len(&self) -> usize {
        let len = self.released.map_or(self.text.len(), |(len, _)| len);
        len.saturating_sub(self.body_start)
    }

    /// Lets go of the text, keeping what tells it again when it is read
    /// again ([`Source::check_of`]); the bytes let go.
    pub fn release(&mut self) -> usize {
        if self.released.is_some() {
            return 0;
        }
        self.released = Some(Source::check_of(&self.text));
        std::mem::take(&mut self.text).len()
    }

    /// The length and CRC-32 of a chapter's text, by which a text read
    /// again is known to be the one loaded.
    pub fn check_of(text: &str) -> (usize, u32) {
        (text.len(), crc32fast::hash(text.as_bytes()))
    }
}

/// A chapter of a manual, in every language it exists in.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// Path inside a language folder without `.md`, e.g. `phones/mobile-safety`.
    pub id: String,
    /// Index of the part it belongs to in the manual's contents.
    pub part: usize,
    /// Sources by language code; the source language is always present.
    pub sources: BTreeMap<String, Source>,
}

/// A manual: a folder under `manuals/` with a `manual.toml`.
#[derive(Debug, Clone)]
pub struct Manual {
    pub id: String,
    pub dir: PathBuf,
    pub config: ManualConfig,
    /// Chapters in reading order (those that exist in the source language).
    pub chapters: Vec<Chapter>,
}

/// The whole project, immutable once loaded.
#[derive(Debug, Clone)]
pub struct Project {
    pub paths: Paths,
    pub config: SiteConfig,
    pub manuals: Vec<Manual>,
    /// For each published language, the languages whose text it shows when a
    /// chapter is not translated, in order (ending with the source language).
    pub chains: HashMap<String, Vec<String>>,
    /// (manual id, chapter id) to (manual index, chapter index).
    pub chapter_index: HashMap<(String, String), (usize, usize)>,
    /// Translations whose source chapter no longer exists.
    pub orphans: Vec<Orphan>,
    /// The files of the manuals' `media` and language folders, listed once when loading.
    pub media: MediaFiles,
}

/// The files below the manuals' `media` and language folders, listed when
/// the project is loaded, so that resolving an image on every page of every
/// language needs no file system call.
#[derive(Debug, Default, Clone)]
pub struct MediaFiles {
    /// The folders that were listed in full: each manual's `media` folder
    /// and language folders.
    pub listed: std::collections::HashSet<PathBuf>,
    /// Every file found in them, by path from the project root: `true` for a
    /// regular file (inside the project, since listing does not follow links),
    /// `false` for a symbolic link, which is checked when used.
    pub files: HashMap<PathBuf, bool>,
}

/// What [`MediaFiles`] knows about a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// A regular file inside the project.
    Inside,
    /// Not there.
    Absent,
    /// Outside the listed folders, or a link: look on disk.
    Unknown,
}

impl MediaFiles {
    /// Takes `folder` (from the project root) as listed in full, with the
    /// `files` found below it.
    pub fn add_folder(&mut self, folder: &Path, files: HashMap<PathBuf, bool>) {
        self.listed.insert(folder.to_path_buf());
        self.files.extend(files);
    }

    /// What is known about `rel`, a path from the project root.
    pub fn lookup(&self, rel: &Path) -> Known {
        for a in rel.ancestors() {
            if self.listed.contains(a) {
                return match self.files.get(rel) {
                    Some(true) => Known::Inside,
                    _ => Known::Absent,
                };
            }
            // A link, or a path through a link to a folder: listing did not follow it.
            if self.files.get(a) == Some(&false) {
                return Known::Unknown;
            }
        }
        Known::Unknown
    }
}

/// A translation whose source chapter no longer exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    pub manual: usize,
    pub lang: String,
    pub chapter: String,
    /// Path relative to the project root.
    pub rel: PathBuf,
}

/// Addresses one page of one chapter in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChapterRef {
    pub manual: usize,
    pub chapter: usize,
}

impl Project {
    /// Lets go of the text of every chapter file that only its own
    /// language's pages show (not the source language's, nor a language
    /// another one falls back to, nor a chapter made from a PO catalogue),
    /// in the manuals `in_scope` marks (by index; the search index reads
    /// the others' text itself), keeping its outline and everything else
    /// loaded. A one-off build does
    /// this once the fonts' characters are collected, so that it holds one language's text at a
    /// time instead of every language's: each is read again, and checked,
    /// when its language is rendered (`load::project::reread`). Returns the
    /// bytes let go.
    pub fn release_texts(&mut self, in_scope: &[bool]) -> usize {
        let kept = Project::texts_shown(&self.config, []);
        let mut bytes = 0;
        for s in (self.manuals.iter_mut().enumerate())
            .filter(|(i, _)| in_scope.get(*i).copied().unwrap_or(false))
            .flat_map(|(_, m)| m.chapters.iter_mut())
            .flat_map(|c| c.sources.values_mut())
        {
            if !kept.contains(&s.lang) && s.po.is_none() {
                bytes += s.release();
            }
        }
        bytes
    }

    /// The languages whose text the pages of the languages `built` show:
    /// those, the source's, and every language in another's fallback chain
    /// (whose text is never let go of, [`Project::release_texts`]). From the
    /// configuration alone, so that the load can tell before the model is
    /// assembled.
    pub fn texts_shown(
        config: &crate::load::config::SiteConfig,
        built: impl IntoIterator<Item = String>,
    ) -> HashSet<String> {
        let source = &config.source_language;
        let mut out: HashSet<String> = (config.languages.iter())
            .flat_map(|l| {
                crate::load::lang::fallback_chain(&l.code, source)
                    .into_iter()
                    .filter(move |c| *c != l.code)
            })
            .collect();
        out.insert(source.clone());
        out.extend(built);
        out
    }

    pub fn source_lang(&self) -> &str {
        &self.config.source_language
    }

    pub fn langs(&self) -> &[Lang] {
        &self.config.languages
    }

    pub fn chapter(&self, r: ChapterRef) -> &Chapter {
        &self.manuals[r.manual].chapters[r.chapter]
    }

    /// The text shown for chapter `r` on the `lang` site, and whether it is a
    /// fallback (the chapter is not translated into `lang`).
    pub fn content(&self, r: ChapterRef, lang: &str) -> (&Source, bool) {
        let chapter = self.chapter(r);
        if let Some(s) = chapter.sources.get(lang) {
            return (s, false);
        }
        let chain = self.chains.get(lang).map(Vec::as_slice).unwrap_or(&[]);
        let found = chain.iter().find_map(|code| chapter.sources.get(code));
        (
            found.unwrap_or_else(|| &chapter.sources[self.source_lang()]),
            true,
        )
    }

    pub fn find_chapter(&self, manual: &str, chapter: &str) -> Option<ChapterRef> {
        self.chapter_index
            .get(&(manual.to_string(), chapter.to_string()))
            .map(|&(manual, chapter)| ChapterRef { manual, chapter })
    }

    pub fn manual_by_id(&self, id: &str) -> Option<usize> {
        self.manuals.iter().position(|m| m.id == id)
    }

    /// The position of a chapter in [`Project::chapter_refs`].
    pub fn flat_index(&self, r: ChapterRef) -> usize {
        self.manuals[..r.manual]
            .iter()
            .map(|m| m.chapters.len())
            .sum::<usize>()
            + r.chapter
    }

    /// Every chapter, in site order.
    pub fn chapter_refs(&self) -> impl Iterator<Item = ChapterRef> + '_ {
        self.manuals.iter().enumerate().flat_map(|(manual, m)| {
            (0..m.chapters.len()).map(move |chapter| ChapterRef { manual, chapter })
        })
    }
}

/// Output paths (relative to the output folder, `/`-separated) of the pages.
pub mod urls {
    pub fn root_index() -> String {
        "index.html".into()
    }
    pub fn home(lang: &str) -> String {
        format!("{lang}/index.html")
    }
    pub fn contents(lang: &str, manual: &str) -> String {
        format!("{lang}/{manual}/index.html")
    }
    pub fn print(lang: &str, manual: &str) -> String {
        format!("{lang}/{manual}/print.html")
    }
    pub fn chapter(lang: &str, manual: &str, chapter: &str) -> String {
        format!("{lang}/{manual}/{chapter}.html")
    }
    pub fn status(lang: &str) -> String {
        format!("{lang}/status.html")
    }
    /// A file copied from the project (image, download), by its path relative to the root.
    pub fn file(rel: &str) -> String {
        format!("files/{rel}")
    }
    pub fn static_file(name: &str) -> String {
        format!("static/{name}")
    }

    /// The prefix that leads from page `from` back to the output root (`../../`).
    pub fn to_root(from: &str) -> String {
        "../".repeat(from.matches('/').count())
    }

    /// A relative link from page `from` to output path `to`, percent-encoded.
    pub fn relative(from: &str, to: &str) -> String {
        // The folders of each path, with their last `/`.
        let from_dir = &from[..from.rfind('/').map_or(0, |i| i + 1)];
        let to_dir = &to.as_bytes()[..to.rfind('/').map_or(0, |i| i + 1)];
        // The folders both share: the longest common prefix that ends in `/`.
        let mut common = 0;
        for (i, (a, b)) in from_dir.bytes().zip(to_dir.iter().copied()).enumerate() {
            if a != b {
                break;
            }
            if a == b'/' {
                common = i + 1;
            }
        }
        let ups = from_dir[common..].bytes().filter(|&b| b == b'/').count();
        let mut out = String::with_capacity(3 * ups + to.len() - common);
        for _ in 0..ups {
            out.push_str("../");
        }
        out.extend(encoded(&to[common..]));
        out
    }

    /// Percent-encodes a path for use in an `href`, keeping `/` and non-ASCII-free
    /// characters that need no escaping.
    pub fn encode_path(path: &str) -> String {
        encoded(path).collect()
    }

    /// [`encode_path`] as pieces of text.
    fn encoded(path: &str) -> percent_encoding::PercentEncode<'_> {
        use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
        const PATH: &AsciiSet = &CONTROLS
            .add(b' ')
            .add(b'"')
            .add(b'#')
            .add(b'%')
            .add(b'<')
            .add(b'>')
            .add(b'?')
            .add(b'`')
            .add(b'{')
            .add(b'}');
        utf8_percent_encode(path, PATH)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn relative_links() {
            assert_eq!(relative("en/m/a.html", "en/m/b.html"), "b.html");
            assert_eq!(relative("en/m/a.html", "es/m/b.html"), "../../es/m/b.html");
            assert_eq!(relative("en/m/x/a.html", "en/m/b.html"), "../b.html");
            assert_eq!(relative("index.html", "en/index.html"), "en/index.html");
            assert_eq!(
                relative("en/m/a.html", "files/m/my pic.png"),
                "../../files/m/my%20pic.png"
            );
            assert_eq!(to_root("en/m/x/a.html"), "../../../");
            assert_eq!(relative("en/m/a.html", "en/mm/b.html"), "../mm/b.html");
            assert_eq!(relative("en/m/a.html", "en/m/x/b.html"), "x/b.html");
            assert_eq!(relative("en/index.html", "index.html"), "../index.html");
            assert_eq!(relative("a.html", "b c.html"), "b%20c.html");
        }

        /// Component by component, as the folders of two paths compare.
        fn relative_by_components(from: &str, to: &str) -> String {
            let from_dirs: Vec<&str> = from.split('/').collect();
            let from_dirs = &from_dirs[..from_dirs.len() - 1];
            let to_parts: Vec<&str> = to.split('/').collect();
            let common = from_dirs
                .iter()
                .zip(&to_parts[..to_parts.len() - 1])
                .take_while(|(a, b)| a == b)
                .count();
            "../".repeat(from_dirs.len() - common) + &encode_path(&to_parts[common..].join("/"))
        }

        #[test]
        fn relative_links_agree_with_a_component_by_component_comparison() {
            let parts = ["en", "e", "m", "mm", "a.html", "é x", ""];
            let mut paths = Vec::new();
            for a in parts {
                paths.push(a.to_string());
                for b in parts {
                    paths.push(format!("{a}/{b}"));
                    for c in parts {
                        paths.push(format!("{a}/{b}/{c}"));
                    }
                }
            }
            for from in &paths {
                for to in &paths {
                    assert_eq!(
                        relative(from, to),
                        relative_by_components(from, to),
                        "{from} -> {to}"
                    );
                }
            }
        }
    }
}
