//! The nesting limit: a chapter's elements nest at most [`MAX_DEPTH`]
//! levels deep. Deeper lists, block quotes, emphasis, links and raw HTML
//! elements are flattened: their tags are left out and their text is kept.
//!
//! Without it a hostile or careless chapter (a list nested 5,000 levels, a
//! line of 100,000 `<div>`) costs time quadratic in its depth in the HTML
//! parser (which looks through the open elements at every tag) and gives
//! pages that browsers cap anyway. The limit applies to the Markdown events
//! that both the outline scan and the body render read ([`Events`]), so both
//! see the same headings, links and ids.
//!
//! Markdown tags are counted exactly, as they come in pairs. Raw HTML is
//! tokenized (html5ever's tokenizer, linear) and its open elements counted
//! as the HTML parser would nest them, erring on the side of counting more:
//! elements with optional end tags (`p`, `li`, `td`, ...) cannot nest in
//! themselves and are not counted; void elements do not nest; formatting
//! elements (`b`, `em`, `a`, ...) closed by another element's end tag still
//! count, as the parser opens them again. Raw HTML is counted only in a
//! chapter with more than [`MAX_DEPTH`] `<` characters (in others it adds
//! fewer levels than that), so most chapters are not tokenized at all; raw
//! HTML in which nothing is left out is kept byte for byte.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
    states::RawKind,
};
use html5ever::{LocalName, local_name};
use pulldown_cmark::{Event, OffsetIter, Parser, Tag};
use rustc_hash::FxHashMap;

use crate::render::html::{escape, escape_into};

/// How deep elements may nest, Markdown and raw HTML together.
pub const MAX_DEPTH: usize = 100;

/// Where a chapter first nests deeper than the limit: the byte offset of the
/// event in the body, and how many lines into that event's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flattened {
    pub offset: usize,
    pub lines: usize,
}

/// The events of a chapter body with the offsets of their text, as
/// pulldown-cmark gives them, flattened below [`MAX_DEPTH`].
pub struct Events<'a> {
    parser: OffsetIter<'a>,
    /// The open Markdown tags: whether each was kept.
    open: Vec<bool>,
    kept: usize,
    /// Open Markdown tags left out: nothing is kept inside them.
    dropped: usize,
    /// Raw HTML's open elements, when the body could nest them too deep.
    raw: Option<RawLimit>,
    /// Events of an HTML block read ahead, its lines joined.
    queue: VecDeque<(Event<'a>, Range<usize>)>,
    flattened: Option<Flattened>,
}

impl<'a> Events<'a> {
    pub fn new(body: &'a str) -> Self {
        let raw = (memchr::memchr_iter(b'<', body.as_bytes()).count() > MAX_DEPTH)
            .then(RawLimit::default);
        Events {
            parser: Parser::new_ext(body, crate::model::outline::options()).into_offset_iter(),
            open: Vec::new(),
            kept: 0,
            dropped: 0,
            raw,
            queue: VecDeque::new(),
            flattened: None,
        }
    }

    /// Where the body was first flattened, if it was.
    pub fn flattened(&self) -> Option<Flattened> {
        self.flattened
    }

    fn flatten_at(&mut self, offset: usize, lines: usize) {
        self.flattened.get_or_insert(Flattened { offset, lines });
    }

    /// The next event from the parser, with an HTML block's lines joined
    /// into one event and raw HTML limited, when raw HTML is counted.
    fn pull(&mut self) -> Option<(Event<'a>, Range<usize>)> {
        if let Some(e) = self.queue.pop_front() {
            return Some(e);
        }
        let (event, range) = self.parser.next()?;
        let Some(raw) = self.raw.as_mut() else {
            return Some((event, range));
        };
        match event {
            Event::Start(Tag::HtmlBlock) => {
                let mut text = String::new();
                let mut end = range.end;
                for (e, r) in self.parser.by_ref() {
                    match e {
                        Event::Html(h) => {
                            text.push_str(&h);
                            end = r.end;
                        }
                        other => {
                            let (html, at) = raw.limit(&text, self.kept);
                            if let Some(lines) = at {
                                self.flattened.get_or_insert(Flattened {
                                    offset: range.start,
                                    lines,
                                });
                            }
                            let html = html.map_or_else(|| text.into(), Into::into);
                            self.queue.push_back((Event::Html(html), range.start..end));
                            self.queue.push_back((other, r));
                            break;
                        }
                    }
                }
                Some((Event::Start(Tag::HtmlBlock), range))
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let (html, at) = raw.limit(&h, self.kept);
                if let Some(lines) = at {
                    self.flatten_at(range.start, lines);
                }
                Some((Event::InlineHtml(html.map_or(h, Into::into)), range))
            }
            other => Some((other, range)),
        }
    }

    fn raw_depth(&self) -> usize {
        self.raw.as_ref().map_or(0, RawLimit::depth)
    }
}

/// Markdown tags that can nest in themselves, and so are left out below
/// the limit. The others (paragraphs, headings, tables, code, footnote
/// definitions, images) nest only a few levels and are always kept, so
/// that the outline's headings and the render's agree.
fn flattenable(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::List(_)
            | Tag::Item
            | Tag::BlockQuote(_)
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
    )
}

impl<'a> Iterator for Events<'a> {
    type Item = (Event<'a>, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (event, range) = self.pull()?;
            match &event {
                Event::Start(tag) => {
                    let keep = !flattenable(tag)
                        || (self.dropped == 0 && self.kept + self.raw_depth() < MAX_DEPTH);
                    self.open.push(keep);
                    if !keep {
                        self.dropped += 1;
                        self.flatten_at(range.start, 0);
                        // The text of list items and quotes left out stays
                        // apart from what comes before it.
                        if matches!(tag, Tag::Item | Tag::BlockQuote(_)) {
                            return Some((Event::SoftBreak, range));
                        }
                        continue;
                    }
                    self.kept += 1;
                }
                Event::End(_) => {
                    if !self.open.pop().unwrap_or(true) {
                        self.dropped -= 1;
                        continue;
                    }
                    self.kept = self.kept.saturating_sub(1);
                }
                _ => {}
            }
            return Some((event, range));
        }
    }
}

/// The open elements of a chapter's raw HTML, across its pieces.
#[derive(Default)]
struct RawLimit {
    state: RefCell<RawState>,
}

#[derive(Default)]
struct RawState {
    /// Open counted elements: name, whether the tag was kept, and for a
    /// formatting element a hash of its attributes.
    stack: Vec<(LocalName, bool, u64)>,
    /// How many of each name are open, so an end tag of a name that is not
    /// open costs no search.
    open: FxHashMap<LocalName, usize>,
    kept: usize,
    /// Elements left out and still open: nothing is kept inside them.
    dropped: usize,
    /// Formatting elements closed by another element's end tag, which the
    /// HTML parser opens again (at most three alike, as it does): name and
    /// a hash of the attributes.
    reopened: Vec<(LocalName, u64)>,
    /// Open `svg` and `math` elements: self-closing tags close there.
    foreign: usize,
}

impl RawLimit {
    fn depth(&self) -> usize {
        let s = self.state.borrow();
        s.kept + s.reopened.len()
    }

    /// Limits a piece of raw HTML, `base` levels deep in Markdown. Returns
    /// the piece written again when something was left out (`None` when it
    /// stays as it is) and, then, the line of the piece (from 0) where.
    fn limit(&self, html: &str, base: usize) -> (Option<String>, Option<usize>) {
        let sink = Sink {
            state: &self.state,
            base,
            out: RefCell::new(String::with_capacity(html.len())),
            dropped_at: Cell::new(None),
            raw_text: Cell::new(false),
        };
        let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
        let input = BufferQueue::default();
        input.push_back(html.into());
        let _ = tokenizer.feed(&input);
        tokenizer.end();
        let sink = tokenizer.sink;
        match sink.dropped_at.get() {
            Some(line) => (Some(sink.out.into_inner()), Some(line)),
            None => (None, None),
        }
    }
}

/// Elements that have no content.
fn is_void(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("frame")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("keygen")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("param")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
    )
}

/// Elements whose end tag may be left out: the HTML parser closes an open
/// one when the next starts, so they do not nest in themselves, and they
/// are not counted (sloppy HTML leaves hundreds unclosed).
fn is_optional_end(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("p")
            | local_name!("li")
            | local_name!("dt")
            | local_name!("dd")
            | local_name!("rb")
            | local_name!("rt")
            | local_name!("rtc")
            | local_name!("rp")
            | local_name!("optgroup")
            | local_name!("option")
            | local_name!("tr")
            | local_name!("td")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("tbody")
            | local_name!("tfoot")
            | local_name!("colgroup")
            | local_name!("caption")
            | local_name!("html")
            | local_name!("head")
            | local_name!("body")
    )
}

/// Elements the HTML parser opens again when another element's end tag
/// closed them.
fn is_formatting(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("a")
            | local_name!("b")
            | local_name!("big")
            | local_name!("code")
            | local_name!("em")
            | local_name!("font")
            | local_name!("i")
            | local_name!("nobr")
            | local_name!("s")
            | local_name!("small")
            | local_name!("strike")
            | local_name!("strong")
            | local_name!("tt")
            | local_name!("u")
    )
}

/// What the tokenizer is told after a start tag: how the parser reads the
/// element's content.
fn content_kind(name: &LocalName) -> Option<TokenSinkResult<()>> {
    Some(match *name {
        local_name!("script") => TokenSinkResult::RawData(RawKind::ScriptData),
        local_name!("style")
        | local_name!("xmp")
        | local_name!("iframe")
        | local_name!("noembed")
        | local_name!("noframes")
        | local_name!("noscript") => TokenSinkResult::RawData(RawKind::Rawtext),
        local_name!("textarea") | local_name!("title") => TokenSinkResult::RawData(RawKind::Rcdata),
        local_name!("plaintext") => TokenSinkResult::Plaintext,
        _ => return None,
    })
}

/// Receives the tokens of one piece of raw HTML and writes them again,
/// leaving out the tags below the limit.
struct Sink<'s> {
    state: &'s RefCell<RawState>,
    base: usize,
    out: RefCell<String>,
    /// The line (from 0) of the first tag left out.
    dropped_at: Cell<Option<usize>>,
    /// Inside an element whose text is written as it is (`script`, `style`).
    raw_text: Cell<bool>,
}

impl Sink<'_> {
    fn write_tag(&self, tag: &html5ever::tokenizer::Tag) {
        let mut out = self.out.borrow_mut();
        out.push('<');
        if tag.kind == TagKind::EndTag {
            out.push('/');
        }
        out.push_str(&tag.name);
        for attr in &tag.attrs {
            out.push(' ');
            out.push_str(&attr.name.local);
            out.push_str("=\"");
            out.push_str(&escape(&attr.value));
            out.push('"');
        }
        if tag.self_closing {
            out.push_str(" /");
        }
        out.push('>');
    }

    fn drop_tag(&self, line: u64) {
        if self.dropped_at.get().is_none() {
            self.dropped_at
                .set(Some(usize::try_from(line.saturating_sub(1)).unwrap_or(0)));
        }
    }

    fn start(&self, tag: &html5ever::tokenizer::Tag, line: u64) -> TokenSinkResult<()> {
        let mut s = self.state.borrow_mut();
        let foreign = s.foreign > 0;
        let nests =
            !(is_void(&tag.name) || is_optional_end(&tag.name) || (tag.self_closing && foreign));
        let mut keep = true;
        if nests {
            keep = s.dropped == 0 && self.base + s.kept + s.reopened.len() < MAX_DEPTH;
            let attrs = if is_formatting(&tag.name) {
                attrs_hash(&tag.attrs)
            } else {
                0
            };
            s.stack.push((tag.name.clone(), keep, attrs));
            *s.open.entry(tag.name.clone()).or_default() += 1;
            if keep {
                s.kept += 1;
            } else {
                s.dropped += 1;
            }
            if matches!(tag.name, local_name!("svg") | local_name!("math")) {
                s.foreign += 1;
            }
        }
        drop(s);
        if keep {
            self.write_tag(tag);
        } else {
            self.drop_tag(line);
        }
        if foreign || tag.self_closing {
            return TokenSinkResult::Continue;
        }
        match content_kind(&tag.name) {
            Some(kind) => {
                self.raw_text.set(keep);
                kind
            }
            None => TokenSinkResult::Continue,
        }
    }

    fn end(&self, tag: &html5ever::tokenizer::Tag, line: u64) {
        self.raw_text.set(false);
        let mut s = self.state.borrow_mut();
        let s = &mut *s;
        if s.open.get(&tag.name).copied().unwrap_or(0) == 0 {
            // Not open: a stray end tag, or the end of a formatting element
            // that another end tag closed.
            if let Some(i) = s.reopened.iter().rposition(|(n, _)| *n == tag.name) {
                s.reopened.remove(i);
            }
            self.write_tag(tag);
            return;
        }
        let at = s
            .stack
            .iter()
            .rposition(|(n, _, _)| *n == tag.name)
            .expect("counted as open");
        let mut keep = false;
        for (i, (name, kept, attrs)) in s.stack.drain(at..).enumerate() {
            if let Some(n) = s.open.get_mut(&name) {
                *n -= 1;
            }
            if matches!(name, local_name!("svg") | local_name!("math")) {
                s.foreign = s.foreign.saturating_sub(1);
            }
            if !kept {
                s.dropped -= 1;
                continue;
            }
            s.kept -= 1;
            if i == 0 {
                keep = true;
            } else if is_formatting(&name) {
                // Reopened by the parser: counted until its own end tag.
                let key = (name, attrs);
                if s.reopened.iter().filter(|r| **r == key).count() < 3 {
                    s.reopened.push(key);
                }
            }
        }
        if keep {
            self.write_tag(tag);
        } else {
            self.drop_tag(line);
        }
    }
}

impl TokenSink for Sink<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => return self.start(&tag, line),
                TagKind::EndTag => self.end(&tag, line),
            },
            Token::CharacterTokens(text) => {
                let mut out = self.out.borrow_mut();
                if self.raw_text.get() {
                    out.push_str(&text);
                } else {
                    escape_into(&mut *out, &text).expect("writing to a String cannot fail");
                }
            }
            Token::NullCharacterToken => self.out.borrow_mut().push('\u{FFFD}'),
            Token::CommentToken(text) => {
                let mut out = self.out.borrow_mut();
                out.push_str("<!--");
                out.push_str(&text);
                out.push_str("-->");
            }
            Token::DoctypeToken(_) | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.state.borrow().foreign > 0
    }
}

/// A hash of a tag's attributes in any order, to tell formatting elements
/// apart as the HTML parser does.
fn attrs_hash(attrs: &[html5ever::Attribute]) -> u64 {
    attrs
        .iter()
        .map(|a| {
            let mut h = rustc_hash::FxHasher::default();
            a.name.local.hash(&mut h);
            a.value.hash(&mut h);
            h.finish()
        })
        .fold(0, u64::wrapping_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body as HTML after the limit, and where it was first flattened.
    fn limited(body: &str) -> (String, Option<Flattened>) {
        let mut events = Events::new(body);
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.by_ref().map(|(e, _)| e));
        (html, events.flattened())
    }

    /// The body as HTML without the limit.
    fn plain(body: &str) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(
            &mut html,
            Parser::new_ext(body, crate::model::outline::options()),
        );
        html
    }

    fn depth(html: &str) -> usize {
        let doc = scraper::Html::parse_fragment(html);
        let root = doc.root_element().id();
        doc.tree
            .nodes()
            .map(|n| n.ancestors().take_while(|a| a.id() != root).count())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn markdown_nesting_stops_at_the_limit() {
        let body = format!("text\n\n{}x\n", "> ".repeat(300));
        let (html, at) = limited(&body);
        assert_eq!(html.matches("<blockquote>").count(), MAX_DEPTH);
        assert!(html.contains('x'));
        assert_eq!(
            at,
            Some(Flattened {
                offset: 6 + 2 * MAX_DEPTH,
                lines: 0
            })
        );
        let (html, at) = limited(&format!("{}x\n", "> ".repeat(MAX_DEPTH)));
        assert_eq!(html.matches("<blockquote>").count(), MAX_DEPTH);
        assert_eq!(at, None);
    }

    #[test]
    fn raw_html_within_the_limit_is_kept_as_written() {
        let body = format!(
            "<div class='a'  id=x>\n{}\n</div>\n\n<script>if (a<b) x();</script>\n",
            "<span>a</span> &amp; <br>".repeat(200)
        );
        let (html, at) = limited(&body);
        assert_eq!(at, None);
        assert!(html == plain(&body), "{html}");
    }

    #[test]
    fn raw_html_below_the_limit_loses_its_tags_and_keeps_its_text() {
        let body = format!(
            "a\n\n{}<script>if (a<b) x();</script>&lt;kept&gt;{}\n",
            "<div>".repeat(150),
            "</div>".repeat(150)
        );
        let (html, at) = limited(&body);
        assert_eq!(html.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(html.matches("</div>").count(), MAX_DEPTH);
        assert!(html.contains("if (a&lt;b) x();&lt;kept&gt;"), "{html}");
        assert_eq!(
            at,
            Some(Flattened {
                offset: 3,
                lines: 0
            })
        );
        assert!(depth(&html) <= MAX_DEPTH + 1);
    }

    #[test]
    fn sloppy_html_is_not_taken_for_deep_nesting() {
        // Unclosed items, paragraphs, rows and cells do not nest.
        let body = format!(
            "<ul>\n{}</ul>\n\n<table>{}</table>\n\n<div>\n{}\n</div>\n",
            "<li>item\n".repeat(300),
            "<tr><td>a<td>b".repeat(300),
            "<p>para <img src=x.png><br>".repeat(300)
        );
        let (html, at) = limited(&body);
        assert_eq!(at, None);
        assert!(html == plain(&body), "{html}");
    }

    #[test]
    fn formatting_elements_the_parser_reopens_are_counted() {
        // Each `</div>` closes a `<b>` that the HTML parser opens again.
        let body = (0..300)
            .map(|i| format!("<div><b id=\"b{i}\"></div>"))
            .collect::<String>()
            + "x\n";
        let (html, at) = limited(&body);
        assert!(at.is_some());
        assert!(depth(&html) <= MAX_DEPTH + 2, "{}", depth(&html));
    }

    #[test]
    fn markdown_and_raw_html_count_together() {
        let body = format!("{}<span>{}</span>\n", "> ".repeat(60), "<em>".repeat(200));
        let (html, at) = limited(&body);
        assert!(at.is_some());
        assert!(depth(&html) <= MAX_DEPTH + 1, "{}", depth(&html));
    }
}
