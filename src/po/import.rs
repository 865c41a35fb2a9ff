//! A chapter's Markdown translation turned into its PO catalogue (pure), for
//! `polybook po import`.
//!
//! The translation's blocks are read as messages the same way as the
//! source's ([`super::extract::chapter`]). Its headings carry the ids of the
//! source headings they were aligned with (`model/outline/align.rs`), so a
//! translated block's context (`section/kind counter`) names the source
//! block it translates: headings by their ids, then paragraphs, list items,
//! cells, quotes, footnotes and images in order, by kind, within each
//! section; the front matter's title and description by their keys. A
//! translated block whose context the source lacks, and a source message
//! the translation leaves without a partner, are reported with their file
//! and line, and so is a code block or raw HTML block of the translation
//! that is not the source's (catalogues do not translate them).
//!
//! A catalogue already there is merged with the source first; a translation
//! it already holds (fuzzy or not) is kept, never replaced: only entries
//! without a translation are filled.

use std::collections::HashMap;
use std::path::PathBuf;

use super::catalog::Catalog;
use super::extract::{self, Message};
use crate::diag::Diagnostic;
use crate::model::Source;

/// A catalogue made from a Markdown translation, and what it left out.
#[derive(Debug, Default)]
pub(crate) struct Imported {
    pub catalog: Catalog,
    /// Entries given a translation from the Markdown file.
    pub filled: usize,
    /// Blocks that could not be aligned, and translations kept.
    pub warnings: Vec<Diagnostic>,
}

/// The catalogue of `source` translated by `translation` (both with their
/// anchors set, the translation's aligned with the source's), from `old`
/// (the catalogue already there, if any) and with the header fields
/// `fields`.
pub(crate) fn import(
    source: &Source,
    translation: &Source,
    old: Option<&Catalog>,
    fields: &[(String, String)],
) -> Imported {
    let messages = extract::chapter(source);
    let translated = extract::chapter(translation);
    let template = super::entries(&messages);
    let mut out = Imported {
        catalog: super::merge::merge(old, &template, fields),
        ..Imported::default()
    };
    let partner = pairs(&messages, &translated);
    let mut used = vec![false; translated.len()];
    for (m, partner) in messages.iter().zip(&partner) {
        let Some(entry) = (out.catalog.entries.iter_mut())
            .find(|e| !e.obsolete && e.msgctxt.as_deref() == Some(&m.context) && e.msgid == m.text)
        else {
            continue;
        };
        match partner.map(|i| (i, &translated[i])) {
            Some((i, t)) => {
                used[i] = true;
                if !entry.is_translated() {
                    entry.msgstr = vec![t.text.clone()];
                    entry.flags.retain(|f| f != "fuzzy");
                    out.filled += 1;
                } else if entry.msgstr.first() != Some(&t.text) {
                    out.warnings.push(
                        at(&t.reference, format!(
                            "`{}` already has a translation in the catalogue, which was kept; this block's differs",
                            m.context
                        ))
                        .with_hint("compare the two and edit the catalogue if this one is better"),
                    );
                }
            }
            None if !entry.is_translated() => out.warnings.push(
                at(
                    &m.reference,
                    format!(
                        "`{}` has no block in the translation `{}`; it is left untranslated",
                        m.context,
                        translation.rel.display()
                    ),
                )
                .with_hint("translate it in the catalogue"),
            ),
            None => {}
        }
    }
    for (t, used) in translated.iter().zip(used) {
        if !used {
            out.warnings.push(
                at(
                    &t.reference,
                    format!(
                        "this block (`{}`) matches no block of the source `{}`; it is not in the catalogue",
                        t.context,
                        source.rel.display()
                    ),
                )
                .with_hint(
                    "its text is lost when the Markdown file is removed: copy it into the entry it translates",
                ),
            );
        }
    }
    out.warnings
        .extend(verbatim_differences(source, translation));
    if (translation.recorded.as_deref()).is_some_and(|h| h != source.hash()) {
        let key = crate::translate::provenance::KEY;
        let line = extract::front_line(&translation.text[..translation.body_start], key);
        out.warnings.push(
            Diagnostic::warning(
                &translation.rel,
                line,
                "this translation was made from an older version of the source: its blocks were paired with the current source's all the same, so the entries of blocks changed since hold the old translation, not marked fuzzy",
            )
            .with_hint(format!(
                "`polybook status --diff {}` shows what changed; correct those entries in the catalogue",
                translation.rel.display()
            )),
        );
    }
    out
}

/// The code blocks and raw HTML blocks of a chapter body, in order: their
/// text and line.
fn verbatim_blocks(s: &Source) -> Vec<(String, usize)> {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let body = s.body();
    let mut lines = crate::diag::LineCounter::new(body, s.body_line_offset);
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut open = false;
    for (event, range) in crate::render::nesting::Events::new(body) {
        match event {
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => {
                open = true;
                out.push((String::new(), lines.line(range.start)));
            }
            Event::End(TagEnd::CodeBlock | TagEnd::HtmlBlock) => open = false,
            Event::Text(t) | Event::Html(t) if open => {
                if let Some(last) = out.last_mut() {
                    last.0.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// A warning for each code block or raw HTML block of the translation that
/// is not its source's (the n-th block of the one against the n-th of the
/// other): a chapter made from a catalogue shows the source's.
fn verbatim_differences(source: &Source, translation: &Source) -> Vec<Diagnostic> {
    let file = translation.rel.clone();
    let (a, b) = (verbatim_blocks(source), verbatim_blocks(translation));
    let mut out: Vec<Diagnostic> = (a.iter().zip(&b))
        .filter(|(x, y)| x.0 != y.0)
        .map(|(x, y)| {
            Diagnostic::warning(
                &file,
                y.1,
                format!(
                    "this code or HTML block differs from the source's (`{}`:{}); a chapter made from its catalogue shows the source's",
                    source.rel.display(),
                    x.1
                ),
            )
            .with_hint("code and raw HTML are not translated in catalogues: change the source's block if both should differ")
        })
        .collect();
    if a.len() != b.len() {
        out.push(
            Diagnostic::warning(
                &file,
                0,
                format!(
                    "{} code or HTML blocks, where the source has {}; a chapter made from its catalogue has the source's",
                    b.len(),
                    a.len()
                ),
            )
            .with_hint("code and raw HTML are not translated in catalogues"),
        );
    }
    out
}

/// The most cells of one section's table of scores; a larger section is
/// aligned by position within each kind.
const MAX_CELLS: usize = 1 << 20;

/// For each message of the source, the index of the translated message it
/// is paired with. Headings and front matter values pair by context; the
/// other blocks of a section by a global alignment of the section's blocks
/// on both sides: only blocks of one kind pair, a pair scores more when
/// both have the same marks (link targets, inline code, footnotes) and less
/// when both have marks but different ones, and a block left alone costs
/// one point, so a block added or left out only shifts the blocks after it.
fn pairs(messages: &[Message], translated: &[Message]) -> Vec<Option<usize>> {
    let mut out = vec![None; messages.len()];
    let by_context: HashMap<&str, usize> = (translated.iter().enumerate())
        .map(|(i, m)| (m.context.as_str(), i))
        .collect();
    let mut sections: Vec<(&str, Vec<usize>, Vec<usize>)> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (side, list) in [messages, translated].into_iter().enumerate() {
        for (i, m) in list.iter().enumerate() {
            if side == 0 && matches!(m.kind, "heading" | "front") {
                out[i] = by_context
                    .get(m.context.as_str())
                    .copied()
                    .filter(|&t| translated[t].kind == m.kind);
                continue;
            }
            let Some((section, _)) = m.context.rsplit_once('/') else {
                continue;
            };
            if matches!(m.kind, "heading" | "front") {
                continue;
            }
            let at = *index.entry(section).or_insert_with(|| {
                sections.push((section, Vec::new(), Vec::new()));
                sections.len() - 1
            });
            if side == 0 {
                sections[at].1.push(i);
            } else {
                sections[at].2.push(i);
            }
        }
    }
    for (_, src, tr) in &sections {
        let a: Vec<(&str, Vec<String>)> = (src.iter())
            .map(|&i| (messages[i].kind, marks(&messages[i].text)))
            .collect();
        let b: Vec<(&str, Vec<String>)> = (tr.iter())
            .map(|&i| (translated[i].kind, marks(&translated[i].text)))
            .collect();
        for (x, y) in align(&a, &b) {
            out[src[x]] = Some(tr[y]);
        }
    }
    out
}

/// The link and image targets, inline code and footnote labels of a
/// message's Markdown, in order.
fn marks(text: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Tag};
    let mut out = Vec::new();
    for (event, _) in crate::render::nesting::Events::new(text) {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                out.push(dest_url.to_string())
            }
            Event::Code(c) => out.push(format!("`{c}")),
            Event::FootnoteReference(l) => out.push(format!("^{l}")),
            _ => {}
        }
    }
    out
}

/// The pairs `(index in a, index in b)` of the best alignment of two runs
/// of blocks (kind, marks), in order.
fn align(a: &[(&str, Vec<String>)], b: &[(&str, Vec<String>)]) -> Vec<(usize, usize)> {
    const GAP: i32 = -1;
    let score = |x: &(&str, Vec<String>), y: &(&str, Vec<String>)| -> Option<i32> {
        if x.0 != y.0 {
            return None;
        }
        Some(match (x.1.is_empty(), y.1.is_empty()) {
            (false, false) if x.1 == y.1 => 6,
            (false, false) => 0,
            _ => 2,
        })
    };
    let (n, m) = (a.len(), b.len());
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        // By position within each kind, as the contexts number them.
        let mut out = Vec::new();
        let mut next: HashMap<&str, usize> = HashMap::new();
        for (i, x) in a.iter().enumerate() {
            let from = next.get(x.0).copied().unwrap_or(0);
            if let Some(j) = (from..m).find(|&j| b[j].0 == x.0) {
                out.push((i, j));
                next.insert(x.0, j + 1);
            }
        }
        return out;
    }
    // best[i][j]: the best score of a[i..] against b[j..].
    let w = m + 1;
    let mut best = vec![0i32; (n + 1) * w];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            if i == n && j == m {
                continue;
            }
            let mut v = i32::MIN;
            if i < n
                && j < m
                && let Some(s) = score(&a[i], &b[j])
            {
                v = v.max(best[(i + 1) * w + j + 1] + s);
            }
            if i < n {
                v = v.max(best[(i + 1) * w + j] + GAP);
            }
            if j < m {
                v = v.max(best[i * w + j + 1] + GAP);
            }
            best[i * w + j] = v;
        }
    }
    // From the start, a pair first on ties, so that blocks pair in order
    // and those left alone are the later ones.
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n || j < m {
        let here = best[i * w + j];
        if i < n
            && j < m
            && let Some(s) = score(&a[i], &b[j])
            && best[(i + 1) * w + j + 1] + s == here
        {
            out.push((i, j));
            (i, j) = (i + 1, j + 1);
        } else if i < n && best[(i + 1) * w + j] + GAP == here {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// A warning at `reference` (`file:line`, or `file`).
fn at(reference: &str, message: String) -> Diagnostic {
    let (file, line) = match reference.rsplit_once(':') {
        Some((f, l)) if l.parse::<usize>().is_ok() => (f, l.parse().unwrap_or(0)),
        _ => (reference, 0),
    };
    Diagnostic::warning(PathBuf::from(file), line, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A loaded source chapter `md` in `lang` at `rel`, its anchors aligned
    /// with `source`'s when given.
    fn chapter(md: &str, lang: &str, rel: &str, source: Option<&Source>) -> Source {
        let mut s = crate::load::project::source_from_text(lang, rel, md);
        s.anchors = match source {
            Some(src) => {
                crate::model::outline::anchors(&s.outline, Some(&src.anchors), Some(&src.outline))
            }
            None => crate::model::outline::anchors(&s.outline, None, None),
        };
        s
    }

    fn run(src: &str, tr: &str, old: Option<&Catalog>) -> Imported {
        let source = chapter(src, "en", "manuals/m/en/a.md", None);
        let translation = chapter(tr, "es", "manuals/m/es/a.md", Some(&source));
        import(&source, &translation, old, &[])
    }

    fn translations(c: &Catalog) -> Vec<(String, String)> {
        (c.entries.iter())
            .filter(|e| !e.is_header())
            .map(|e| (e.msgctxt.clone().unwrap_or_default(), e.msgstr[0].clone()))
            .collect()
    }

    const SRC: &str = "+++\ntitle = \"Risk\"\n+++\n# Risk {#risk}\n\nOne *thing*.\n\n- a\n- b\n\n## Plans\n\nText\nwrapped.\n";

    #[test]
    fn blocks_align_by_heading_and_by_kind_in_order() {
        let tr = "+++\ntitle = \"Riesgo\"\n+++\n# Riesgo {#risk}\n\nUna *cosa*.\n\n- a es\n- b es\n\n## Planes\n\nTexto\nenvuelto.\n";
        let i = run(SRC, tr, None);
        assert_eq!(
            translations(&i.catalog),
            [
                ("front/title", "Riesgo"),
                ("risk", "Riesgo"),
                ("risk/p1", "Una *cosa*."),
                ("risk/li1", "a es"),
                ("risk/li2", "b es"),
                ("plans", "Planes"),
                ("plans/p1", "Texto envuelto."),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(i.filled, 7);
        assert!(i.warnings.is_empty(), "{:?}", i.warnings);
    }

    #[test]
    fn blocks_without_a_partner_are_reported_at_their_lines() {
        // The translation lacks the second item and adds a paragraph.
        let tr = "# Riesgo {#risk}\n\nUna *cosa*.\n\n- a es\n\n## Planes\n\nTexto.\n\nAñadido.\n";
        let i = run(SRC, tr, None);
        let got: Vec<(String, usize, bool)> = (i.warnings.iter())
            .map(|d| {
                (
                    d.file.display().to_string(),
                    d.line,
                    d.message.contains("no block in the translation"),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("manuals/m/en/a.md".to_string(), 2, true),
                ("manuals/m/en/a.md".to_string(), 9, true),
                ("manuals/m/es/a.md".to_string(), 11, false),
            ]
        );
        assert!(i.warnings.iter().all(|d| !d.is_error()));
    }

    #[test]
    fn a_block_left_out_in_the_middle_shifts_only_its_neighbours_by_their_links() {
        let src = "# T\n\n- one\n- two\n- three\n- keep [backups](b.md#x)\n- last `code`\n";
        let tr = "# T es\n\n- uno\n- dos\n- guardar [copias](b.md#x)\n- último `code`\n";
        let i = run(src, tr, None);
        let t = translations(&i.catalog);
        assert!(
            t.contains(&("t/li4".into(), "guardar [copias](b.md#x)".into())),
            "{t:?}"
        );
        assert!(
            t.contains(&("t/li5".into(), "último `code`".into())),
            "{t:?}"
        );
        assert!(t.contains(&("t/li3".into(), String::new())), "{t:?}");
        assert_eq!(i.warnings.len(), 1, "{:?}", i.warnings);
        assert_eq!(i.warnings[0].line, 5);
    }

    #[test]
    fn a_code_block_that_differs_from_the_source_s_is_reported() {
        let src = "# T\n\n```sh\n# copy, then:\nsync\n```\n\n```\nsame\n```\n";
        let tr = "# T es\n\n```sh\n# copiar y:\nsync\n```\n\n```\nsame\n```\n";
        let i = run(src, tr, None);
        assert_eq!(i.warnings.len(), 1, "{:?}", i.warnings);
        assert_eq!(
            (i.warnings[0].file.to_str(), i.warnings[0].line),
            (Some("manuals/m/es/a.md"), 3)
        );
        assert!(run(src, src, None).warnings.is_empty());
    }

    #[test]
    fn an_outdated_translation_is_said_to_be() {
        let tr =
            "+++\ntranslated_from = \"0123456789ab\"\ntitle = \"Riesgo\"\n+++\n# Riesgo {#risk}\n";
        let older = |i: &Imported| -> Vec<(String, usize)> {
            (i.warnings.iter())
                .filter(|d| d.message.contains("older version"))
                .map(|d| (d.file.display().to_string(), d.line))
                .collect()
        };
        assert_eq!(
            older(&run(SRC, tr, None)),
            [("manuals/m/es/a.md".to_string(), 2)]
        );
        let hash = chapter(SRC, "en", "manuals/m/en/a.md", None)
            .hash()
            .to_string();
        let current = tr.replace("0123456789ab", &hash);
        assert!(older(&run(SRC, &current, None)).is_empty());
    }

    #[test]
    fn a_catalogue_s_translations_are_kept() {
        let first = run(SRC, "# Riesgo {#risk}\n\nUna cosa.\n", None);
        let mut old = first.catalog.clone();
        for e in &mut old.entries {
            if e.msgctxt.as_deref() == Some("risk/p1") {
                e.msgstr = vec!["Mejor.".into()];
            }
        }
        let again = run(SRC, "# Riesgo {#risk}\n\nUna cosa.\n\n- a es\n", Some(&old));
        let t = translations(&again.catalog);
        assert!(t.contains(&("risk/p1".into(), "Mejor.".into())), "{t:?}");
        assert!(t.contains(&("risk/li1".into(), "a es".into())), "{t:?}");
        assert_eq!(again.filled, 1);
        assert!(
            (again.warnings.iter()).any(|d| d.message.contains("was kept") && d.line == 3),
            "{:?}",
            again.warnings
        );
    }
}
