//! The messages of a chapter and of a manual's `manual.toml`, for PO
//! templates (pure).
//!
//! A message is one block a translator translates: a heading's text (without
//! its `{#id}`), a paragraph, a list item's own text, a table cell, a
//! paragraph of a block quote or alert (without the `[!NOTE]` marker), the
//! alt text of an image that stands alone in a paragraph, and the front
//! matter's `title` and `description`. Code blocks and raw HTML blocks are
//! never messages. The chapter is read through the same Markdown events as
//! the build ([`crate::render::nesting::Events`], with the build's options),
//! and each message is the source text of its inline events as written
//! (emphasis, inline code and links kept), with reference links written out
//! as `[text](url "title")` and soft line breaks joined by one space.
//!
//! Each message has a context that stays put when other parts of the
//! chapter change: the id of the nearest heading above it and a counter of
//! its kind within that heading's section (`risk-equation/p2`); a heading's
//! context is its id.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

use crate::diag::LineCounter;
use crate::model::{Manual, Source};

/// One message of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    pub context: String,
    pub text: String,
    /// `file:line` (or `file`) the message comes from.
    pub reference: String,
    /// A note for translators (`#.`), if any.
    pub note: Option<String>,
    /// What holds it: `heading`, `p`, `li`, `td`, `q`, `fn`, `img` (an
    /// image's alt text), `front` (front matter) or `manual`.
    pub kind: &'static str,
    /// The bytes of the chapter body its translation replaces: the block's
    /// whole inline source as written (reference links and line breaks
    /// included, surrounding spaces left out), or an image's alt text.
    /// `None` for front matter and `manual.toml`.
    pub span: Option<Range<usize>>,
}

/// The context of blocks before a chapter's first heading.
const START: &str = "(start)";

/// The messages of a chapter's source: its front matter's title and
/// description, then its blocks in order.
pub(crate) fn chapter(source: &Source) -> Vec<Message> {
    let file = source.rel.to_string_lossy().replace('\\', "/");
    let front_text = &source.text[..source.body_start];
    let mut out = Vec::new();
    for (key, value) in [
        ("title", &source.front.title),
        ("description", &source.front.description),
    ] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            let line = front_line(front_text, key);
            out.push(Message {
                context: format!("front/{key}"),
                text: v.to_string(),
                reference: format!("{file}:{line}"),
                note: Some(format!("front matter `{key}`")),
                kind: "front",
                span: None,
            });
        }
    }
    out.extend(body(
        source.body(),
        source.body_line_offset,
        &source.anchors.ids,
        &file,
    ));
    unique_contexts(&mut out);
    out
}

/// The 1-based line of key `key` in front matter `text` (1 when not found).
pub(super) fn front_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .or_else(|| l.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']))
        })
        .map_or(1, |i| i + 1)
}

/// The messages of `manual.toml`: the manual's title, its description and
/// its parts' titles.
pub(crate) fn manual(m: &Manual) -> Vec<Message> {
    let file = format!("manuals/{}/manual.toml", m.id);
    let mut out = vec![Message {
        context: "title".into(),
        text: m.config.title.clone(),
        reference: file.clone(),
        note: Some("the manual's title".into()),
        kind: "manual",
        span: None,
    }];
    if let Some(d) = &m.config.description {
        out.push(Message {
            context: "description".into(),
            text: d.clone(),
            reference: file.clone(),
            note: Some("the manual's description".into()),
            kind: "manual",
            span: None,
        });
    }
    for (i, part) in m.config.parts.iter().enumerate() {
        if let Some(t) = &part.title {
            out.push(Message {
                context: format!("part{}", i + 1),
                text: t.clone(),
                reference: file.clone(),
                note: Some(format!(
                    "title of part {} ({})",
                    i + 1,
                    part.chapters.join(", ")
                )),
                kind: "manual",
                span: None,
            });
        }
    }
    out.retain(|m| !m.text.trim().is_empty());
    out
}

/// Gives a second message with a context already used `~2`, a third `~3`...
fn unique_contexts(messages: &mut [Message]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in messages {
        let n = seen.entry(m.context.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            m.context = format!("{}~{n}", m.context);
        }
    }
}

/// The blocks that hold a message's text, or hold blocks that do.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Heading,
    Paragraph,
    Item,
    Cell,
    Quote,
    Footnote,
    Other,
}

/// The message being collected from a block's inline events.
struct Run {
    /// Where its first inline event starts, in the body.
    start: usize,
    text: String,
    /// Where the next copy of source starts; `None` after a line break,
    /// until the next event (the line's indentation or `>` is not copied).
    cursor: Option<usize>,
    /// How deep inside inline tags the run is.
    depth: usize,
    /// For each open link or image: the ending that replaces its source's
    /// (a reference link's `](url "title")`), or `None` to copy the source.
    /// Whether it is a collapsed link (`[text][]`), whose range leaves out its `[]`.
    links: Vec<Option<(String, bool)>>,
    /// Events at depth 0 so far.
    items: usize,
    /// An image that is the whole run so far: where its alt text starts and
    /// ends in `text`, and its target.
    image: Option<(usize, Option<usize>, String)>,
    /// Where that image's alt text starts and ends in the body.
    alt: (usize, usize),
    /// Where its last inline event ends, in the body.
    end: usize,
}

impl Run {
    fn new(start: usize) -> Self {
        Run {
            start,
            text: String::new(),
            cursor: Some(start),
            depth: 0,
            links: Vec::new(),
            items: 0,
            image: None,
            alt: (start, start),
            end: start,
        }
    }

    /// Copies the source up to `end`.
    fn copy(&mut self, body: &str, end: usize) {
        let from = self.cursor.unwrap_or(end);
        if end > from {
            self.text.push_str(&body[from..end]);
        }
        self.cursor = Some(end.max(from));
    }

    /// Takes in one inline event.
    fn event(&mut self, body: &str, event: &Event<'_>, range: Range<usize>) {
        if self.cursor.is_none() {
            self.cursor = Some(range.start);
        }
        let top = self.depth == 0;
        self.end = self.end.max(range.end);
        if top && !matches!(event, Event::End(_)) {
            self.items += 1;
        }
        match event {
            Event::Start(tag) => {
                match tag {
                    Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        ..
                    }
                    | Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        ..
                    } => {
                        let written_out = matches!(
                            link_type,
                            LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut
                        );
                        self.links.push(written_out.then(|| {
                            (
                                link_ending(dest_url, title),
                                *link_type == LinkType::Collapsed,
                            )
                        }));
                        if top && self.items == 1 && matches!(tag, Tag::Image { .. }) {
                            self.copy(body, range.start);
                            self.image = Some((self.text.len() + 2, None, dest_url.to_string()));
                            self.alt = (range.start + 2, range.start + 2);
                        }
                    }
                    _ => {}
                }
                self.depth += 1;
            }
            Event::End(tag) => {
                self.depth = self.depth.saturating_sub(1);
                if matches!(tag, TagEnd::Link | TagEnd::Image) {
                    if self.depth == 0
                        && let Some((_, end @ None, _)) = self.image.as_mut()
                    {
                        // The alt text ends where its last event ended.
                        *end = Some(self.text.len());
                        self.alt.1 = self.cursor.unwrap_or(range.start).max(self.alt.0);
                    }
                    if let Some(Some((ending, collapsed))) = self.links.pop() {
                        self.text.push_str(&ending);
                        let tail = match body[range.end..].strip_prefix("[]") {
                            Some(_) if collapsed => 2,
                            _ => 0,
                        };
                        self.cursor = Some(range.end + tail);
                        self.end = self.end.max(range.end + tail);
                        return;
                    }
                }
                self.copy(body, range.end);
            }
            Event::SoftBreak => {
                self.copy(body, range.start);
                let kept = self.text.trim_end().len();
                self.text.truncate(kept);
                self.text.push(' ');
                self.cursor = None;
            }
            Event::HardBreak => {
                self.copy(body, range.end);
                self.cursor = None;
            }
            _ => self.copy(body, range.end),
        }
        if top && self.items > 1 {
            self.image = None;
        }
    }
}

/// The end of a reference link written out inline: `](url "title")`.
fn link_ending(dest: &str, title: &str) -> String {
    let dest = if dest.is_empty() || dest.contains([' ', '(', ')', '<', '>']) {
        format!("<{}>", dest.replace('<', "\\<").replace('>', "\\>"))
    } else {
        dest.to_string()
    };
    if title.is_empty() {
        format!("]({dest})")
    } else {
        let title = title.replace('\\', "\\\\").replace('"', "\\\"");
        format!("]({dest} \"{title}\")")
    }
}

/// Whether an event is inline content.
fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::InlineHtml(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak => true,
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

/// The messages of a chapter body. `line_offset` lines precede it in its
/// file, `ids` are its headings' ids in order and `file` is the chapter's
/// path for references.
pub(super) fn body(body: &str, line_offset: usize, ids: &[String], file: &str) -> Vec<Message> {
    let whole = body;
    let mut lines = LineCounter::new(body, line_offset);
    let mut out = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut run: Option<Run> = None;
    let mut in_code = false;
    let mut section = START.to_string();
    let mut headings = 0usize;
    let mut counters: HashMap<&'static str, usize> = HashMap::new();
    let mut emit = |run: Run,
                    blocks: &[Block],
                    section: &str,
                    counters: &mut HashMap<&'static str, usize>,
                    lines: &mut LineCounter<'_>| {
        let line = lines.line(run.start);
        let (mut from, mut to) = (run.start, run.end);
        let (kind, text, note) = match run.image {
            Some((start, Some(end), dest))
                if run.depth == 0 && blocks.last() == Some(&Block::Paragraph) =>
            {
                // An image without alt text has nothing to translate.
                let alt = run.text.get(start..end).unwrap_or_default();
                (from, to) = run.alt;
                ("img", alt.to_string(), Some(format!("image: {dest}")))
            }
            _ => {
                let kind = match blocks.last() {
                    Some(Block::Heading) => "",
                    Some(Block::Item) => "li",
                    Some(Block::Cell) => "td",
                    _ => match blocks.iter().rev().skip(1).find(|b| **b != Block::Other) {
                        Some(Block::Item) => "li",
                        Some(Block::Cell) => "td",
                        Some(Block::Quote) => "q",
                        Some(Block::Footnote) => "fn",
                        _ => "p",
                    },
                };
                (kind, run.text, None)
            }
        };
        let text = text.trim().to_string();
        if text.is_empty() {
            return;
        }
        // The span without the spaces around it.
        let slice = &whole[from..to];
        from += slice.len() - slice.trim_start().len();
        to -= slice.len() - slice.trim_end().len();
        let context = if kind.is_empty() {
            section.to_string()
        } else {
            let n = counters.entry(kind).or_insert(0);
            *n += 1;
            format!("{section}/{kind}{n}")
        };
        out.push(Message {
            context,
            text,
            reference: format!("{file}:{line}"),
            note,
            kind: if kind.is_empty() { "heading" } else { kind },
            span: Some(from..to.max(from)),
        });
    };
    for (event, range) in crate::render::nesting::Events::new(body) {
        if in_code {
            in_code = !matches!(event, Event::End(TagEnd::CodeBlock));
            continue;
        }
        if is_inline(&event) {
            run.get_or_insert_with(|| Run::new(range.start))
                .event(body, &event, range);
            continue;
        }
        if let Event::TaskListMarker(_) = event {
            if let Some(r) = run.as_mut() {
                r.cursor = None;
            }
            continue;
        }
        // Any other event ends the message being collected.
        if let Some(r) = run.take() {
            emit(r, &blocks, &section, &mut counters, &mut lines);
        }
        match event {
            Event::Start(tag) => {
                let block = match tag {
                    Tag::Heading { .. } => {
                        section = ids
                            .get(headings)
                            .cloned()
                            .unwrap_or_else(|| format!("h{}", headings + 1));
                        headings += 1;
                        counters.clear();
                        Block::Heading
                    }
                    Tag::Paragraph => Block::Paragraph,
                    Tag::Item => Block::Item,
                    Tag::TableCell => Block::Cell,
                    Tag::BlockQuote(_) => Block::Quote,
                    Tag::FootnoteDefinition(_) => Block::Footnote,
                    Tag::CodeBlock(_) => {
                        in_code = true;
                        continue;
                    }
                    _ => Block::Other,
                };
                blocks.push(block);
            }
            Event::End(_) => {
                blocks.pop();
            }
            _ => {}
        }
    }
    if let Some(r) = run.take() {
        emit(r, &blocks, &section, &mut counters, &mut lines);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages of `md` as `(context, text)`, headings' ids from the outline.
    fn messages(md: &str) -> Vec<(String, String)> {
        let outline = crate::model::outline::scan(md, LineCounter::new(md, 0));
        let ids: Vec<String> = (outline.headings.iter())
            .map(|h| h.explicit_id.clone().unwrap_or_else(|| h.slug.clone()))
            .collect();
        body(md, 0, &ids, "a.md")
            .into_iter()
            .map(|m| (m.context, m.text))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn headings_and_paragraphs() {
        let md = "Intro *text*.\n\n# Risk analysis\n\n## The risk equation {#risk-equation}\n\nFirst `code` and [a link](b.md#x \"T\").\n\nSecond\nline  \nhard\\\nbreak.\n";
        assert_eq!(
            messages(md),
            pairs(&[
                ("(start)/p1", "Intro *text*."),
                ("risk-analysis", "Risk analysis"),
                ("risk-equation", "The risk equation"),
                (
                    "risk-equation/p1",
                    "First `code` and [a link](b.md#x \"T\")."
                ),
                ("risk-equation/p2", "Second line  \nhard\\\nbreak."),
            ])
        );
    }

    #[test]
    fn soft_breaks_are_joined_so_rewrapping_changes_nothing() {
        let a = messages("A long *sentence\nwrapped* here\nand \n   there.\n");
        let b = messages("A long *sentence wrapped* here and there.\n");
        assert_eq!(a, b);
        assert_eq!(a[0].1, "A long *sentence wrapped* here and there.");
    }

    #[test]
    fn reference_links_are_written_out() {
        let md = "See [the plan][plan], [plan][] and [plan], ![a map][map].\n\n[plan]: plans.md#top \"The plan\"\n[map]: <../media/my map.svg>\n";
        assert_eq!(
            messages(md),
            pairs(&[(
                "(start)/p1",
                "See [the plan](plans.md#top \"The plan\"), [plan](plans.md#top \"The plan\") and [plan](plans.md#top \"The plan\"), ![a map](<../media/my map.svg>)."
            )])
        );
    }

    #[test]
    fn lists_tables_quotes_alerts_footnotes() {
        let md = "# T\n\n- one\n- two *x*\n  - nested\n\n1. loose\n\n   second para\n\n| A | B \\| c |\n|---|---|\n| 1 | `2` |\n\n> quoted\n> text\n\n> [!NOTE]\n> Keep it safe.\n\n- [ ] a task\n\nNote[^1].\n\n[^1]: The note.\n";
        assert_eq!(
            messages(md),
            pairs(&[
                ("t", "T"),
                ("t/li1", "one"),
                ("t/li2", "two *x*"),
                ("t/li3", "nested"),
                ("t/li4", "loose"),
                ("t/li5", "second para"),
                ("t/td1", "A"),
                ("t/td2", "B \\| c"),
                ("t/td3", "1"),
                ("t/td4", "`2`"),
                ("t/q1", "quoted text"),
                ("t/q2", "Keep it safe."),
                ("t/li6", "a task"),
                ("t/p1", "Note[^1]."),
                ("t/fn1", "The note."),
            ])
        );
    }

    #[test]
    fn code_and_raw_html_are_left_out() {
        let md = "# T\n\n```sh\necho secret\n```\n\n    indented code\n\n<div class=\"x\">\nraw\n</div>\n\nText <b>bold</b>.\n";
        assert_eq!(
            messages(md),
            pairs(&[("t", "T"), ("t/p1", "Text <b>bold</b>.")])
        );
    }

    #[test]
    fn an_image_alone_is_its_alt_text() {
        let md = "# T\n\n![Risk *equals* threats](../media/r.svg)\n\n![](../media/empty.svg)\n\nAn ![inline](x.png) image.\n";
        let all = body(md, 0, &["t".into()], "a.md");
        let got: Vec<_> = all
            .iter()
            .map(|m| (m.context.as_str(), m.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("t", "T"),
                ("t/img1", "Risk *equals* threats"),
                ("t/p1", "An ![inline](x.png) image.")
            ]
        );
        assert_eq!(all[1].note.as_deref(), Some("image: ../media/r.svg"));
        assert_eq!(all[1].reference, "a.md:3");
    }

    #[test]
    fn contexts_stay_when_other_sections_change() {
        let a = messages("# A\n\nOne.\n\n# B\n\nTwo.\n\nThree.\n");
        let b = messages("# A\n\nOne, edited.\n\nAdded.\n\n# B\n\nTwo.\n\nThree.\n");
        assert_eq!(a[3..], b[4..]);
    }

    #[test]
    fn lines_count_the_front_matter() {
        let md = "# T\n\nText.\n";
        let m = body(md, 3, &["t".into()], "x.md");
        assert_eq!(m[1].reference, "x.md:6");
        assert_eq!(
            front_line(
                "+++\ntranslated_from = \"x\"\ntitle = \"T\"\n+++\n",
                "title"
            ),
            3
        );
        assert_eq!(front_line("---\ndescription: d\n---\n", "description"), 2);
    }

    #[test]
    fn repeated_contexts_get_a_number() {
        let mut m: Vec<Message> = ["a", "a", "b"]
            .iter()
            .map(|c| Message {
                context: c.to_string(),
                text: "x".into(),
                reference: String::new(),
                note: None,
                kind: "p",
                span: None,
            })
            .collect();
        unique_contexts(&mut m);
        let got: Vec<_> = m.iter().map(|m| m.context.as_str()).collect();
        assert_eq!(got, ["a", "a~2", "b"]);
    }
}
