//! Translation provenance and state: which version of its source chapter a
//! translation was made from, and whether it is current, outdated, unknown,
//! missing, orphaned or broken.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::outline::Counts;
use crate::model::{ChapterRef, Project};

/// The front matter key that records the source version of a translation.
pub const KEY: &str = "translated_from";

/// A short hash of a chapter's text. Line endings and trailing spaces do not
/// count, so re-saving a file on another system changes nothing.
pub fn content_hash(text: &str) -> String {
    // The hash of the lines without their trailing spaces, joined by `\n`,
    // without the empty lines at the end; fed line by line, without a copy.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut hasher = Sha256::new();
    let mut newlines = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            newlines += 1;
            continue;
        }
        for _ in 0..newlines {
            hasher.update(b"\n");
        }
        hasher.update(line.as_bytes());
        newlines = 1;
    }
    let digest = hasher.finalize();
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// The state of one chapter in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Translated from the current source.
    Current,
    /// Made from a PO catalogue in which some messages are untranslated or
    /// fuzzy (their source text is shown).
    Partial,
    /// Translated from an older version of the source.
    Outdated,
    /// Translated, but from which version is not recorded.
    Unknown,
    /// Not translated.
    Missing,
    /// The source chapter no longer exists.
    Orphaned,
    /// The translation exists but cannot be read (broken front matter, not
    /// UTF-8...). Only `polybook status` tells it from missing: see [`broken`].
    Broken,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Current => "current",
            State::Partial => "partial",
            State::Outdated => "outdated",
            State::Unknown => "unknown",
            State::Missing => "missing",
            State::Orphaned => "orphaned",
            State::Broken => "broken",
        }
    }
}

/// The state of chapter `r` in `lang` (which is not the source language).
pub fn state(project: &Project, r: ChapterRef, lang: &str) -> State {
    let chapter = project.chapter(r);
    let source = &chapter.sources[project.source_lang()];
    match chapter.sources.get(lang) {
        None => State::Missing,
        Some(t) if t.po.is_some_and(|f| f.partial()) => State::Partial,
        Some(t) => match &t.recorded {
            None => State::Unknown,
            Some(h) if *h == source.hash() => State::Current,
            Some(_) => State::Outdated,
        },
    }
}

/// A translation whose file exists but could not be read, with the problem
/// that loading it reported.
#[derive(Debug, Clone)]
pub struct Broken<'a> {
    pub chapter: ChapterRef,
    pub lang: String,
    pub problem: &'a crate::diag::Diagnostic,
}

/// The translations of listed chapters that could not be read, found among
/// the problems loading the project reported (`diagnostics`), in order.
/// A translation the model holds is not broken by a problem of its file
/// (it was read), unless its file is among `kept`: those a live session
/// could not read again and keeps the last good version of.
pub fn broken<'a>(
    project: &Project,
    diagnostics: impl IntoIterator<Item = &'a crate::diag::Diagnostic>,
    kept: &[&std::path::Path],
) -> Vec<Broken<'a>> {
    let by_file: std::collections::HashMap<&std::path::Path, &crate::diag::Diagnostic> =
        diagnostics
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| (d.file.as_path(), d))
            .collect();
    let mut out = Vec::new();
    if by_file.is_empty() {
        return out;
    }
    for r in project.chapter_refs() {
        let m = &project.manuals[r.manual];
        let ch = project.chapter(r);
        for l in project.langs() {
            if l.code == project.source_lang() {
                continue;
            }
            let rel = std::path::PathBuf::from(format!("manuals/{}/{}/{}.md", m.id, l.code, ch.id));
            let po = std::path::PathBuf::from(format!(
                "{}/{}/{}/{}.po",
                crate::po::FOLDER,
                l.code,
                m.id,
                ch.id
            ));
            if ch.sources.contains_key(&l.code) && !kept.iter().any(|k| *k == rel || *k == po) {
                continue;
            }
            if let Some(problem) = by_file
                .get(rel.as_path())
                .or_else(|| by_file.get(po.as_path()))
            {
                out.push(Broken {
                    chapter: r,
                    lang: l.code.clone(),
                    problem,
                });
            }
        }
    }
    out
}

/// What differs between the element counts of a translation and its source,
/// as `(what, source count, translation count)`.
pub fn drift(source: &Counts, translation: &Counts) -> Vec<(&'static str, usize, usize)> {
    [
        ("headings", source.headings, translation.headings),
        ("alerts", source.alerts, translation.alerts),
        ("code blocks", source.code_blocks, translation.code_blocks),
        ("links", source.links, translation.links),
        ("images", source.images, translation.images),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_line_endings_and_trailing_spaces() {
        let a = content_hash("# Title\n\nText.\n");
        assert_eq!(a.len(), 12);
        assert_eq!(a, content_hash("# Title  \r\n\r\nText.\t\r\n\n\n"));
        assert_ne!(a, content_hash("# Title\n\nText!\n"));
        assert_ne!(
            a,
            content_hash("  # Title\n\nText.\n"),
            "leading spaces count"
        );
    }

    /// Hashes are recorded in translations' front matter: the way they are
    /// computed must not change.
    #[test]
    fn hash_is_that_of_the_normalised_text() {
        fn reference(text: &str) -> String {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let mut normalised = String::new();
            for line in text.lines() {
                normalised.push_str(line.trim_end());
                normalised.push('\n');
            }
            let digest = Sha256::digest(normalised.trim_end_matches('\n').as_bytes());
            digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
        }
        for text in [
            "",
            "\n\n",
            "a",
            "\u{feff}a\r\n",
            "\n\na  \n\n\nb\t\n \n",
            "# Título\r\n\r\nTexto.  \r\n",
            "x\n\n\n",
            "  indented\n\tcode\n",
        ] {
            assert_eq!(content_hash(text), reference(text), "{text:?}");
        }
        assert_eq!(
            content_hash("# Title\n\nText.\n"),
            reference("# Title\n\nText.")
        );
    }

    #[test]
    fn drift_lists_differences() {
        let s = Counts {
            headings: 3,
            alerts: 1,
            code_blocks: 2,
            links: 4,
            images: 1,
        };
        let t = Counts {
            headings: 3,
            alerts: 0,
            code_blocks: 2,
            links: 5,
            images: 1,
        };
        assert_eq!(drift(&s, &t), [("alerts", 1, 0), ("links", 4, 5)]);
    }
}
