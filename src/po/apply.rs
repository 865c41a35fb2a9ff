//! A chapter in another language made from its source and a PO catalogue
//! (pure): each message's span of the source body is replaced by its
//! translation, so that everything that is not a message (structure, code
//! blocks, raw HTML, heading ids, link definitions) stays the source's.
//! A message without a translation, or whose entry is fuzzy, keeps the
//! source's text; such a chapter is partly translated.
//!
//! Each message's entry is found by `matching.rs` (its own context and
//! text, or the same text as another tool extracted it).
//!
//! Also the checks of a catalogue against its source: a translation whose
//! number of links, images, inline code spans or emphasis markers differs
//! from its message's, and a translated entry that matches no message.

use std::path::Path;

use pulldown_cmark::{Event, Tag};

use super::catalog::Catalog;
use super::extract::Message;
use super::matching;
use crate::diag::Diagnostic;
use crate::model::PoFigures;

/// The translated chapter body, front matter values and figures.
#[derive(Debug, Default)]
pub(crate) struct Applied {
    pub body: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub figures: PoFigures,
    /// Translations whose marks differ from their message's.
    pub warnings: Vec<Diagnostic>,
}

/// What a catalogue holds for one message.
enum Found<'a> {
    Translated(std::borrow::Cow<'a, str>, usize),
    Fuzzy,
    Untranslated,
}

/// The translation of `m` in the catalogue `index` reads (whose entries'
/// msgstr lines are `lines`).
fn lookup<'a>(index: &mut matching::Index<'a>, lines: &[usize], m: &Message) -> Found<'a> {
    match index.find(m) {
        Some(f) if f.entry.is_fuzzy() && f.entry.is_translated() => Found::Fuzzy,
        Some(f)
            if f.entry.is_translated()
                && f.entry.msgid_plural.is_none()
                && matching::fits(&f.entry.msgstr[0], f.wrapper) =>
        {
            let mut text = matching::fit_translation(&f.entry.msgstr[0], f.wrapper);
            // The source's `{#id}` stays; one in a translated heading goes.
            if m.kind == "heading"
                && let std::borrow::Cow::Borrowed(t) = text
            {
                text = matching::fit_translation(t, matching::Wrapper::HeadingId);
            }
            Found::Translated(text, lines.get(f.index).copied().unwrap_or(0))
        }
        _ => Found::Untranslated,
    }
}

/// The kinds of message whose source text, when it is shown untranslated,
/// is marked with the source's language: those whose text is inline
/// content of a block (a heading's text feeds its id and the contents, an
/// image's alt text takes no markup).
const MARKED: &[&str] = &["p", "li", "td", "q", "fn"];

/// The body `body` with the translations of `messages` (extracted from it)
/// that `catalog` holds; `file` names the catalogue in warnings. The
/// source's text left in a paragraph, list item, cell, quote or footnote is
/// put in a `<span>` with `source`'s language and direction.
pub(crate) fn apply(
    messages: &[Message],
    body: &str,
    catalog: &Catalog,
    lines: &[usize],
    file: &Path,
    source: (&str, &str),
) -> Applied {
    let mut out = Applied::default();
    let mut by_start: Vec<(&std::ops::Range<usize>, String)> = Vec::new();
    // Only another tool's entries (without a context) may keep reference
    // links as written.
    let others = (catalog.entries.iter())
        .any(|e| e.msgctxt.is_none() && !e.is_header() && e.msgid.contains(']'));
    let definitions = if others {
        matching::definitions(body)
    } else {
        String::new()
    };
    let mut index = matching::Index::new(catalog, messages, &definitions);
    for m in messages {
        let found = lookup(&mut index, lines, m);
        let text = match found {
            Found::Translated(t, line) => {
                out.figures.translated += 1;
                if let Some(d) = mark_warning(m, &t, file, line) {
                    out.warnings.push(d);
                }
                t
            }
            Found::Fuzzy | Found::Untranslated => {
                if matches!(found, Found::Fuzzy) {
                    out.figures.fuzzy += 1;
                } else {
                    out.figures.untranslated += 1;
                }
                if let Some(span) = m.span.as_ref().filter(|_| MARKED.contains(&m.kind))
                    && let Some(text) = body.get(span.clone())
                {
                    let (lang, dir) = source;
                    by_start.push((
                        span,
                        format!("<span lang=\"{lang}\" dir=\"{dir}\">{text}</span>"),
                    ));
                }
                continue;
            }
        };
        match (&m.span, m.context.as_str()) {
            (Some(span), _) => by_start.push((span, fit(m.kind, &text))),
            (None, "front/title") => out.title = Some(text.to_string()),
            (None, "front/description") => out.description = Some(text.to_string()),
            _ => {}
        }
    }
    for (i, e) in index.unused() {
        out.warnings.push(
            Diagnostic::warning(
                file,
                lines.get(i).copied().unwrap_or(0),
                format!(
                    "the translated entry `{}` matches no message of the source chapter; it is not used",
                    short(&e.msgid)
                ),
            )
            .with_hint("its msgid is not the text of any block of the source (changed since, or extracted another way): `polybook po export` merges the catalogue with the source"),
        );
    }
    by_start.sort_by_key(|(s, _)| s.start);
    let mut at = 0;
    for (span, text) in by_start {
        if span.start < at || span.end > body.len() {
            continue;
        }
        out.body.push_str(&body[at..span.start]);
        out.body.push_str(&text);
        at = span.end;
    }
    out.body.push_str(&body[at..]);
    out
}

/// The start of a msgid, for a message: its first line, at most 60
/// characters.
fn short(msgid: &str) -> String {
    let line = msgid.lines().next().unwrap_or("");
    let mut out: String = line.chars().take(60).collect();
    if out.len() < msgid.len() {
        out.push('…');
    }
    out
}

/// A translation made fit for its place: a heading or a table cell is one
/// line, and a cell's `|` that is not escaped would end it.
fn fit(kind: &str, text: &str) -> String {
    let text = text.trim();
    match kind {
        "heading" | "td" | "img" => {
            let one = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if kind == "td" {
                escape_pipes(&one)
            } else {
                one
            }
        }
        _ => escape_block_start(text),
    }
}

/// `text` with a backslash before a first character that would make a line
/// of its own block (`#`, `>`, a list marker, a thematic break, a code
/// fence), so that a translated paragraph stays one paragraph.
fn escape_block_start(text: &str) -> String {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let at = match text.as_bytes().get(digits) {
        Some(b'.' | b')') if (1..=9).contains(&digits) => {
            let rest = &text[digits + 1..];
            (rest.is_empty() || rest.starts_with([' ', '\t'])).then_some(digits)
        }
        _ if digits > 0 => None,
        Some(b'#' | b'>') => Some(0),
        Some(b'`' | b'~') => (text.starts_with("```") || text.starts_with("~~~")).then_some(0),
        Some(b'-' | b'+' | b'*' | b'_') => {
            let rest = &text[1..];
            let bullet = rest.is_empty() || rest.starts_with([' ', '\t']);
            let c = text.as_bytes()[0];
            let rule = text
                .bytes()
                .filter(|b| *b != b' ' && *b != b'\t')
                .all(|b| b == c);
            (bullet || rule).then_some(0)
        }
        _ => None,
    };
    match at {
        Some(i) => format!("{}\\{}", &text[..i], &text[i..]),
        None => text.to_string(),
    }
}

/// `|` not preceded by a backslash, escaped.
fn escape_pipes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut escaped = false;
    for c in text.chars() {
        if c == '|' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

/// The number of links, images, inline code spans and emphasis (or strong
/// or strikethrough) spans in a message's Markdown.
fn marks(text: &str) -> [usize; 4] {
    let mut n = [0; 4];
    for (event, _) in crate::render::nesting::Events::new(text) {
        match event {
            Event::Start(Tag::Link { .. }) => n[0] += 1,
            Event::Start(Tag::Image { .. }) => n[1] += 1,
            Event::Code(_) => n[2] += 1,
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => n[3] += 1,
            _ => {}
        }
    }
    n
}

/// The warning for translation `t` of `m` when its marks differ, at `line`
/// of `file`.
fn mark_warning(m: &Message, t: &str, file: &Path, line: usize) -> Option<Diagnostic> {
    if m.kind == "img" || m.kind == "front" {
        return None;
    }
    let (a, b) = (marks(&m.text), marks(t));
    let names = ["links", "images", "inline code spans", "emphasis spans"];
    let differ: Vec<String> = (0..4)
        .filter(|&i| a[i] != b[i])
        .map(|i| format!("{} {} (the source has {})", b[i], names[i], a[i]))
        .collect();
    if differ.is_empty() {
        return None;
    }
    Some(
        Diagnostic::warning(
            file,
            line,
            format!(
                "the translation of `{}` has {}",
                m.context,
                differ.join(", ")
            ),
        )
        .with_hint("keep the source's links, images, `code` and emphasis in the translation"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::LineCounter;
    use crate::po::catalog::Entry;

    /// The messages of `md`, with headings' ids from the outline.
    fn messages(md: &str) -> Vec<Message> {
        let outline = crate::model::outline::scan(md, LineCounter::new(md, 0));
        let ids: Vec<String> = (outline.headings.iter())
            .map(|h| h.explicit_id.clone().unwrap_or_else(|| h.slug.clone()))
            .collect();
        super::super::extract::body(md, 0, &ids, "a.md")
    }

    /// A catalogue translating each `(context, msgstr)`; `~` before the
    /// context marks the entry fuzzy.
    fn catalog(messages: &[Message], tr: &[(&str, &str)]) -> (Catalog, Vec<usize>) {
        let entries: Vec<Entry> = messages
            .iter()
            .map(|m| {
                let mut e = Entry::new(Some(m.context.clone()), m.text.clone());
                for (c, t) in tr {
                    let (fuzzy, c) = match c.strip_prefix('~') {
                        Some(c) => (true, c),
                        None => (false, *c),
                    };
                    if *c == m.context {
                        e.msgstr = vec![t.to_string()];
                        if fuzzy {
                            e.set_fuzzy();
                        }
                    }
                }
                e
            })
            .collect();
        let lines = (0..entries.len()).map(|i| 10 + i * 4).collect();
        (Catalog { entries }, lines)
    }

    fn run(md: &str, tr: &[(&str, &str)]) -> Applied {
        let m = messages(md);
        let (c, lines) = catalog(&m, tr);
        apply(&m, md, &c, &lines, Path::new("po/es/m/a.po"), ("en", "ltr"))
    }

    #[test]
    fn each_block_kind_is_replaced_and_the_rest_kept() {
        let md = "# Title {#top}\n\nA *para*\nwrapped.\n\n- one\n- two\n\n| A | B |\n|---|---|\n| x | y |\n\n> quoted\n\n```sh\necho hi\n```\n\n<div class=\"k\">raw</div>\n\n![Alt text](../media/a.svg)\n\nNote[^1].\n\n[^1]: The note.\n";
        let a = run(
            md,
            &[
                ("top", "Título"),
                ("top/p1", "Un *párrafo*."),
                ("top/li1", "uno"),
                ("top/li2", "dos"),
                ("top/td1", "A | a"),
                ("top/td4", "ye"),
                ("top/q1", "citado"),
                ("top/img1", "Texto\nalternativo"),
                ("top/p2", "Nota[^1]."),
                ("top/fn1", "La nota."),
            ],
        );
        assert_eq!(
            a.body,
            "# Título {#top}\n\nUn *párrafo*.\n\n- uno\n- dos\n\n| A \\| a | <span lang=\"en\" dir=\"ltr\">B</span> |\n|---|---|\n| <span lang=\"en\" dir=\"ltr\">x</span> | ye |\n\n> citado\n\n```sh\necho hi\n```\n\n<div class=\"k\">raw</div>\n\n![Texto alternativo](../media/a.svg)\n\nNota[^1].\n\n[^1]: La nota.\n"
        );
        assert_eq!(
            (
                a.figures.translated,
                a.figures.fuzzy,
                a.figures.untranslated
            ),
            (10, 0, 2)
        );
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);
    }

    #[test]
    fn a_fuzzy_or_untranslated_message_keeps_the_source() {
        let md = "# T\n\nOne.\n\nTwo.\n";
        let a = run(md, &[("t", "T es"), ("~t/p1", "Uno.")]);
        assert_eq!(
            a.body,
            "# T es\n\n<span lang=\"en\" dir=\"ltr\">One.</span>\n\n<span lang=\"en\" dir=\"ltr\">Two.</span>\n"
        );
        assert_eq!(
            (
                a.figures.translated,
                a.figures.fuzzy,
                a.figures.untranslated
            ),
            (1, 1, 1)
        );
        assert!(a.figures.partial());
        // An untranslated heading and alt text stay as they are.
        let a = run("# T\n\n![Alt](a.png)\n", &[]);
        assert_eq!(a.body, "# T\n\n![Alt](a.png)\n");
    }

    #[test]
    fn a_message_with_an_inlined_reference_link_replaces_the_whole_block() {
        let md = "See [the plan][plan] and [x][]\nhere.\n\n[plan]: plans.md \"P\"\n[x]: x.md\n";
        let m = messages(md);
        assert_eq!(
            m[0].text,
            "See [the plan](plans.md \"P\") and [x](x.md) here."
        );
        let a = run(
            md,
            &[(
                "(start)/p1",
                "Ver [el plan](plans.md \"P\") y [x](x.md) aquí.",
            )],
        );
        assert_eq!(
            a.body,
            "Ver [el plan](plans.md \"P\") y [x](x.md) aquí.\n\n[plan]: plans.md \"P\"\n[x]: x.md\n"
        );
        assert!(!a.figures.partial());
    }

    #[test]
    fn a_translation_that_drops_a_mark_is_a_warning_at_its_msgstr() {
        let md = "Read [this](a.md) and `code`.\n";
        let a = run(md, &[("(start)/p1", "Lee esto y `code`.")]);
        assert_eq!(a.warnings.len(), 1);
        let d = &a.warnings[0];
        assert_eq!(d.line, 10);
        assert!(
            d.message.contains("0 links (the source has 1)"),
            "{}",
            d.message
        );
        assert!(!d.is_error());
    }

    #[test]
    fn a_translation_that_looks_like_another_block_stays_a_paragraph() {
        assert_eq!(escape_block_start("# no heading"), "\\# no heading");
        assert_eq!(escape_block_start("- no list"), "\\- no list");
        assert_eq!(escape_block_start("1. no list"), "1\\. no list");
        // Up to nine digits start an ordered list.
        assert_eq!(escape_block_start("2020. A year"), "2020\\. A year");
        assert_eq!(escape_block_start("2020 was a year"), "2020 was a year");
        assert_eq!(escape_block_start("***"), "\\***");
        assert_eq!(escape_block_start("-5 degrees"), "-5 degrees");
        assert_eq!(escape_block_start("*emphasis*"), "*emphasis*");
        assert_eq!(escape_block_start("```not code"), "\\```not code");
        assert_eq!(escape_block_start("`code` first"), "`code` first");
        let a = run("# T\n\nOne.\n", &[("t/p1", "> not a quote")]);
        assert_eq!(a.body, "# T\n\n\\> not a quote\n");
    }

    #[test]
    fn entries_of_other_tools_match_by_their_text() {
        // As mdbook-xgettext or po4a write them: no context, the lines as
        // wrapped, `_` for emphasis; and one entry of no message.
        let md = "# T {#top}\n\nA *long*\nline.\n\nA *long* line.\n\nOther.\n";
        let m = messages(md);
        let mut entries = vec![
            Entry::new(None, "T".into()),
            Entry::new(None, "A _long_ line.".into()),
            Entry::new(None, "Gone.".into()),
        ];
        entries[0].msgstr = vec!["T es {#top}".into()];
        entries[1].msgstr = vec!["Una línea _larga_.".into()];
        entries[2].msgstr = vec!["Ido.".into()];
        let c = Catalog { entries };
        let a = apply(&m, md, &c, &[3, 6, 9], Path::new("x.po"), ("en", "ltr"));
        assert_eq!(
            a.body,
            "# T es {#top}\n\nUna línea _larga_.\n\nUna línea _larga_.\n\n<span lang=\"en\" dir=\"ltr\">Other.</span>\n"
        );
        assert_eq!(a.warnings.len(), 1, "{:?}", a.warnings);
        assert_eq!(a.warnings[0].line, 9);
        assert!(a.warnings[0].message.contains("`Gone.` matches no message"));
        // An entry with another message's context is not taken.
        let mut e = Entry::new(Some("top/p1".into()), "Other.".into());
        e.msgstr = vec!["Otro.".into()];
        let c = Catalog { entries: vec![e] };
        let a = apply(&m, md, &c, &[3], Path::new("x.po"), ("en", "ltr"));
        assert!(!a.body.contains("Otro."), "{}", a.body);
    }

    #[test]
    fn front_matter_values_are_returned() {
        let m = vec![Message {
            context: "front/title".into(),
            text: "Risk".into(),
            reference: String::new(),
            note: None,
            kind: "front",
            span: None,
        }];
        let (c, lines) = catalog(&m, &[("front/title", "Riesgo")]);
        let a = apply(&m, "", &c, &lines, Path::new("x.po"), ("en", "ltr"));
        assert_eq!(a.title.as_deref(), Some("Riesgo"));
    }
}
