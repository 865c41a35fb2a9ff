//! Outline: the facts about a chapter that other pages need before any page is
//! rendered (its headings, footnotes and the ids in its raw HTML), and the
//! heading ids of each translation, inherited from the source chapter.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};

use crate::diag::LineCounter;
use crate::model::slug::{IdSet, heading_slug, slugify};

mod align;

/// A heading as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    /// Plain text, entities decoded.
    pub text: String,
    /// The id given with `{#id}`, if any.
    pub explicit_id: Option<String>,
    /// The id a Git hosting preview gives the heading, before repeats are
    /// numbered: the slug of its text as the preview sees it (without the
    /// text alternatives of images, untrimmed).
    pub slug: String,
    pub line: usize,
    /// Hashes of what translators keep as written in the heading and in its
    /// section up to the next heading: link and image targets, code blocks
    /// and inline code. Sorted, without repeats, at most [`MAX_MARKS`].
    /// Translated headings are matched to the source's by them.
    pub marks: Vec<u64>,
    /// The `id`s in raw HTML in the heading and its section: a translation
    /// that keeps one is pinned to the source's heading there.
    pub html_ids: Vec<String>,
}

/// The most marks a heading keeps: enough to recognise a section, and a
/// bound on the cost of comparing two.
pub const MAX_MARKS: usize = 32;

/// What a scan of one chapter finds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outline {
    pub headings: Vec<Heading>,
    /// Footnote labels in order of definition.
    pub footnotes: Vec<String>,
    /// `id` attributes (and `name` attributes of `a`) found in raw HTML,
    /// entities decoded.
    pub html_ids: Vec<String>,
    /// How many of each element the chapter has, to compare translations.
    pub counts: Counts,
    /// The fenced and indented code blocks, so that each distinct one is
    /// highlighted once for every language that shows it.
    pub code: Vec<CodeBlock>,
}

/// A code block as written: the fence's info string (empty for an indented
/// block) and the code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CodeBlock {
    pub info: String,
    pub text: String,
}

/// Element counts of a chapter: a translation whose counts differ from its
/// source's has probably drifted in structure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub headings: usize,
    pub alerts: usize,
    pub code_blocks: usize,
    pub links: usize,
    pub images: usize,
}

/// Markdown options used everywhere: CommonMark plus the extensions manuals use.
pub fn options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

pub fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Scans a chapter body. `lines` gives the file lines of byte offsets of `body`.
pub fn scan(body: &str, mut lines: LineCounter<'_>) -> Outline {
    let mut out = Outline::default();
    let mut current: Option<Heading> = None;
    // The heading's text as a preview sees it, and how deep inside images.
    let mut slug_text = String::new();
    let mut image_depth = 0usize;
    let mut code: Option<CodeBlock> = None;
    // What the current section holds, given to its heading when it ends.
    let mut section = Section::default();
    for (event, range) in crate::render::nesting::Events::new(body) {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                section.end(out.headings.last_mut());
                current = Some(Heading {
                    level: level_number(level),
                    text: String::new(),
                    explicit_id: id.map(|s| s.to_string()),
                    slug: String::new(),
                    line: lines.line(range.start),
                    marks: Vec::new(),
                    html_ids: Vec::new(),
                });
                slug_text.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(mut h) = current.take() {
                    h.text = h.text.trim().to_string();
                    h.slug = heading_slug(&slug_text);
                    out.headings.push(h);
                }
            }
            Event::Text(t) if code.is_some() => {
                code.as_mut().expect("checked").text.push_str(&t);
            }
            Event::Code(t) => {
                section.mark(b'`', &t);
                if let Some(h) = current.as_mut() {
                    h.text.push_str(&t);
                    if image_depth == 0 {
                        slug_text.push_str(&t);
                    }
                }
            }
            Event::Text(t) => {
                if let Some(h) = current.as_mut() {
                    h.text.push_str(&t);
                    if image_depth == 0 {
                        slug_text.push_str(&t);
                    }
                }
            }
            Event::Start(Tag::FootnoteDefinition(label)) => out.footnotes.push(label.to_string()),
            Event::Start(Tag::BlockQuote(Some(_))) => out.counts.alerts += 1,
            Event::Start(Tag::CodeBlock(kind)) => {
                out.counts.code_blocks += 1;
                code = Some(CodeBlock {
                    info: match kind {
                        CodeBlockKind::Fenced(info) => info.to_string(),
                        CodeBlockKind::Indented => String::new(),
                    },
                    text: String::new(),
                });
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = code.take() {
                    section.mark(b'c', &block.text);
                    out.code.push(block);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                out.counts.links += 1;
                section.mark(b'l', &dest_url);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                out.counts.images += 1;
                image_depth += 1;
                section.mark(b'i', &dest_url);
            }
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                let first = out.html_ids.len();
                collect_ids(&html, &mut out.html_ids);
                section.html_ids.extend_from_slice(&out.html_ids[first..]);
            }
            _ => {}
        }
    }
    section.end(out.headings.last_mut());
    out.counts.headings = out.headings.len();
    // Outlines are held for the whole build: without the room grown for
    // pushes, which was about a tenth of a large build's memory.
    out.headings.shrink_to_fit();
    out.footnotes.shrink_to_fit();
    out.html_ids.shrink_to_fit();
    out.code.shrink_to_fit();
    for block in &mut out.code {
        block.text.shrink_to_fit();
    }
    for h in &mut out.headings {
        h.marks.shrink_to_fit();
        h.html_ids.shrink_to_fit();
    }
    out
}

/// What a section holds so far (see [`Heading::marks`]).
#[derive(Default)]
struct Section {
    marks: Vec<u64>,
    html_ids: Vec<String>,
}

impl Section {
    /// Notes a thing of kind `kind` that translators keep as written.
    fn mark(&mut self, kind: u8, text: &str) {
        use std::hash::{Hash, Hasher};
        if self.marks.len() < 2 * MAX_MARKS {
            // The standard hasher with its fixed keys: the same text gives
            // the same hash in the source and in every translation.
            let mut h = std::hash::DefaultHasher::new();
            kind.hash(&mut h);
            text.hash(&mut h);
            self.marks.push(h.finish());
        }
    }

    /// Gives what the section held to its heading (none before the first
    /// heading) and starts the next section.
    fn end(&mut self, heading: Option<&mut Heading>) {
        let mut marks = std::mem::take(&mut self.marks);
        let html_ids = std::mem::take(&mut self.html_ids);
        if let Some(h) = heading {
            marks.sort_unstable();
            marks.dedup();
            marks.truncate(MAX_MARKS);
            h.marks = marks;
            h.html_ids = html_ids;
        }
    }
}

/// Adds the anchors of a piece of raw HTML: the values of `id` attributes
/// and of `name` attributes of `a` elements, which the body render turns
/// into ids.
pub fn collect_ids(html: &str, ids: &mut Vec<String>) {
    let mut found = Vec::new();
    let _ = lol_html::rewrite_str(
        html,
        lol_html::RewriteStrSettings::new().append_element_content_handler(lol_html::element!(
            "[id], a[name]",
            |el| {
                let attrs: &[&str] = if el.tag_name() == "a" {
                    &["id", "name"]
                } else {
                    &["id"]
                };
                for &attr in attrs {
                    if let Some(v) = el.get_attribute(attr).filter(|v| !v.is_empty()) {
                        // Values come as written: entities are decoded here.
                        found.push(htmlize::unescape_attribute(v.as_str()).into_owned());
                    }
                }
                Ok(())
            }
        )),
    );
    ids.extend(found);
}

/// The ids a page's headings carry, and the other ids it can be linked by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Anchors {
    /// The id of each heading, in order.
    pub ids: Vec<String>,
    /// A second id for a heading: the id a Git hosting preview of the
    /// translation gives it, when it inherited another id from the source.
    pub aliases: Vec<Option<String>>,
    /// Every id on the page (headings, aliases, footnotes, raw HTML).
    pub all: std::collections::HashSet<String>,
}

/// The id of a footnote definition and of the first reference to it.
pub fn footnote_id(label: &str) -> (String, String) {
    let s = slugify(label);
    (format!("fn-{s}"), format!("fnref-{s}"))
}

/// Computes the anchors of a chapter. `source` is the outline of the same chapter
/// in the source language (`None` for the source itself). Where the two outlines
/// match, a heading without an explicit id takes the source heading's id, so a
/// fragment written once works in every language.
///
/// Ids are handed out in order of precedence: explicit ids, then inherited
/// ones, then the id a Git hosting preview of this file gives each remaining
/// heading (numbered again when taken); last, a heading that inherited an id
/// keeps its preview id as an alias where that is free.
pub fn anchors(
    outline: &Outline,
    source: Option<&Anchors>,
    source_outline: Option<&Outline>,
) -> Anchors {
    let headings = &outline.headings;
    let mut used = IdSet::default();
    // Explicit ids are reserved first: they win over generated ones.
    for h in headings {
        if let Some(id) = &h.explicit_id {
            used.try_insert(id);
        }
    }
    // The ids a preview of this file gives its headings (it knows nothing
    // of `{#id}`).
    let mut preview_ids = IdSet::default();
    let preview: Vec<Option<String>> = headings
        .iter()
        .map(|h| h.explicit_id.is_none().then(|| preview_ids.unique(&h.slug)))
        .collect();
    let inherited: Vec<Option<String>> = match (source, source_outline) {
        (Some(anchors), Some(src)) => align::align(&src.headings, &anchors.ids, headings)
            .into_iter()
            .map(|m| m.map(|i| anchors.ids[i].clone()))
            .collect(),
        _ => vec![None; headings.len()],
    };
    let mut ids: Vec<Option<String>> = headings
        .iter()
        .zip(inherited)
        .map(|(h, inherited)| match (&h.explicit_id, inherited) {
            (Some(id), _) => Some(id.clone()),
            (None, Some(id)) if used.try_insert(&id) => Some(id),
            _ => None,
        })
        .collect();
    let inherits: Vec<bool> = headings
        .iter()
        .zip(&ids)
        .map(|(h, id)| h.explicit_id.is_none() && id.is_some())
        .collect();
    for ((h, id), own) in headings.iter().zip(ids.iter_mut()).zip(&preview) {
        if id.is_none() {
            let own = own.as_deref().unwrap_or(&h.slug);
            *id = Some(if used.try_insert(own) {
                own.to_string()
            } else {
                used.unique(&h.slug)
            });
        }
    }
    let ids: Vec<String> = ids.into_iter().flatten().collect();
    let aliases: Vec<Option<String>> = preview
        .into_iter()
        .zip(&ids)
        .zip(inherits)
        .map(|((own, id), inherits)| {
            own.filter(|own| inherits && own != id && used.try_insert(own))
        })
        .collect();
    let mut all: std::collections::HashSet<String> = ids.iter().cloned().collect();
    all.extend(aliases.iter().flatten().cloned());
    for label in &outline.footnotes {
        let (def, reference) = footnote_id(label);
        all.insert(def);
        all.insert(reference);
    }
    all.extend(outline.html_ids.iter().cloned());
    Anchors { ids, aliases, all }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(md: &str) -> Outline {
        scan(md, LineCounter::new(md, 0))
    }

    #[test]
    fn scan_finds_headings_footnotes_and_html_ids() {
        let o = outline(
            "# Title &amp; `code`\n\ntext[^n]\n\n## Two {#second}\n\n[^n]: note\n\n<div id=\"box\">x</div>\n\n\
             <a name=\"old&amp;style\"></a> <span id=\"inline\">y</span> <input id=\"q\" name=\"not-an-anchor\">\n",
        );
        assert_eq!(o.headings.len(), 2);
        assert_eq!(o.headings[0].text, "Title & code");
        assert_eq!(o.headings[1].explicit_id.as_deref(), Some("second"));
        assert_eq!(o.headings[1].line, 5);
        assert_eq!(o.footnotes, ["n"]);
        assert_eq!(o.html_ids, ["box", "old&style", "inline", "q"]);
    }

    #[test]
    fn translation_inherits_source_ids_and_keeps_its_own_slug() {
        let src = outline("# Risk\n\n## Threats\n\n## Plans {#plan}\n");
        let src_anchors = anchors(&src, None, None);
        assert_eq!(src_anchors.ids, ["risk", "threats", "plan"]);

        let es = outline("# Riesgo\n\n## Amenazas\n\n## Planes\n");
        let a = anchors(&es, Some(&src_anchors), Some(&src));
        assert_eq!(a.ids, ["risk", "threats", "plan"]);
        assert_eq!(a.aliases[1].as_deref(), Some("amenazas"));
        assert!(a.all.contains("amenazas") && a.all.contains("threats"));
    }

    #[test]
    fn mismatched_outlines_inherit_only_where_they_agree() {
        let src = outline("# A\n\n## B\n\n## C\n\n### D\n");
        let sa = anchors(&src, None, None);
        // The translation added a section in the middle.
        let tr = outline("# A2\n\n## B2\n\n### Extra\n\n## C2\n\n### D2\n");
        let a = anchors(&tr, Some(&sa), Some(&src));
        assert_eq!(a.ids, ["a", "b", "extra", "c", "d"]);
    }

    #[test]
    fn heading_ids_are_those_of_git_hosting_previews() {
        let o = outline(
            "# Don't panic!\n\n## What does my company's legal team need to know?\n\n\
             ## Keys ![key icon](key.svg) and `gpg`\n\n## Don't panic!\n\n## &#x20;a\n",
        );
        let a = anchors(&o, None, None);
        assert_eq!(
            a.ids,
            [
                "dont-panic",
                "what-does-my-companys-legal-team-need-to-know",
                // An image's text alternative is not part of the text.
                "keys--and-gpg",
                "dont-panic-1",
                "-a"
            ]
        );
    }

    #[test]
    fn translated_headings_keep_the_ids_of_their_own_preview_as_aliases() {
        let src = outline("# Risk\n\n## Threats\n\n## Threats in detail\n\n## Plans\n");
        let sa = anchors(&src, None, None);
        // Two headings with the same text: a preview of the translation
        // calls them `amenazas` and `amenazas-1`.
        let tr = outline("# Riesgo\n\n## Amenazas\n\n## Amenazas\n\n## Planes\n");
        let a = anchors(&tr, Some(&sa), Some(&src));
        assert_eq!(a.ids, ["risk", "threats", "threats-in-detail", "plans"]);
        assert_eq!(a.aliases[1].as_deref(), Some("amenazas"));
        assert_eq!(a.aliases[2].as_deref(), Some("amenazas-1"));
        // A heading that inherits nothing (one the source does not have)
        // takes its preview id.
        let tr = outline(
            "# Riesgo\n\n## Amenazas\n\n### Amenazas\n\n## Amenazas en detalle\n\n## Planes\n",
        );
        let a = anchors(&tr, Some(&sa), Some(&src));
        assert_eq!(
            a.ids,
            [
                "risk",
                "threats",
                "amenazas-1",
                "threats-in-detail",
                "plans"
            ]
        );
    }

    #[test]
    fn explicit_ids_win_and_duplicates_get_suffixes() {
        let o = outline("## Same\n\n## Same\n\n## Other {#same-1}\n");
        let a = anchors(&o, None, None);
        assert_eq!(a.ids, ["same", "same-2", "same-1"]);
    }
}
