//! Markdown to HTML for one page: a pure function from a chapter's source and
//! the page it appears on to the page body and the facts other stages need.
//!
//! Steps, on pulldown-cmark events: resolve links and images for the page's
//! language (and check them and their fragments), give headings their ids,
//! highlight code, turn GitHub-style alerts into callouts, collect footnotes,
//! isolate left-to-right runs in right-to-left text, rewrite links in raw HTML
//! (`raw_html.rs`), then sanitise when the chapter contains raw HTML.
//!
//! A chapter is rendered once per page language and written several times: as
//! a site page, into the manual's print page and into its EPUB. So internal
//! links and ids are not written into the HTML directly but left as numbered
//! slots ([`Slot`]); each output fills them in its own way ([`LinkWriter`]).

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, Tag, TagEnd};

use crate::diag::{Diagnostic, LineIndex};
use crate::load::config::{RemotePolicy, closest};
use crate::load::lang::Direction;
use crate::model::outline::{self, footnote_id};
use crate::model::slug::slugify;
use crate::model::{ChapterRef, Project, Source, urls};
use crate::render::bidi;
use crate::render::chars;
use crate::render::highlight;
use crate::render::html::{escape, escape_into};
use crate::render::links::{self, Target};
use crate::render::nesting;
use crate::render::raw_html;
use crate::render::safe_url::{self, Judged};
use crate::render::sanitize;
use crate::site::i18n::Ui;

/// Where and how a chapter is rendered.
pub struct RenderInput<'a> {
    pub project: &'a Project,
    pub chapter: ChapterRef,
    /// Language of the page (and of the links it makes).
    pub page_lang: &'a str,
    /// The text shown: the translation, or the fallback source.
    pub source: &'a Source,
    /// The Markdown body of `source` (read again when the model let go of
    /// its text).
    pub body: &'a str,
    /// Direction of the text shown.
    pub dir: Direction,
    pub ui: &'a Ui,
    /// Code blocks highlighted ahead of time.
    pub highlighted: &'a highlight::Highlighted,
    /// Also gives the chapter's search sections (see [`Rendered::sections`]).
    pub search_sections: bool,
}

/// What an internal link or image points to, resolved for the page language.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkRef {
    /// Written as the author wrote it (external URLs, and broken links).
    Keep(String),
    /// A fragment of the same chapter (the id as in the chapter, unprefixed).
    SamePage(String),
    /// A chapter of the project, in the page language.
    Chapter {
        target: ChapterRef,
        fragment: Option<String>,
    },
    /// A file of the project, by its path relative to the root, with the
    /// query or fragment written after it.
    File { rel: String, suffix: String },
}

/// A place in rendered HTML that each output fills in.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot {
    /// The value of an `href` or `src` attribute.
    Href(LinkRef),
    /// The value of an `id` attribute (the id as in the chapter).
    Id(String),
}

/// Fills the slots of a rendered chapter for one output.
pub trait LinkWriter {
    /// The URL for a link; the result is escaped by the caller.
    fn href(&self, link: &LinkRef) -> String;
    /// The id an anchor of the chapter gets.
    fn id(&self, id: &str) -> String {
        id.to_string()
    }
}

const SLOT_OPEN: char = '\u{E000}';
const SLOT_CLOSE: char = '\u{E001}';

/// A piece of rendered HTML: literal markup, or a slot to fill in.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Html(String),
    Slot(usize),
}

/// A heading as it appears in the page.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RenderedHeading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// The result of rendering one chapter for one page language.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Shared with the [`Filled`] bodies made from them, so that a page
    /// prints its body without first copying it into a string.
    pub pieces: std::sync::Arc<[Piece]>,
    pub slots: Vec<Slot>,
    /// Headings with their ids as in the chapter.
    pub headings: Vec<RenderedHeading>,
    /// Whether the body starts with a level-1 heading (the page title).
    pub starts_with_h1: bool,
    /// Project files (`/`-separated, relative to the root) the page uses.
    pub files: BTreeSet<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// The chapter's sections for the search index, from the same parse
    /// (only when asked for, see [`RenderInput::search_sections`]).
    pub sections: Vec<crate::search::Section>,
}

/// The id that an anchor of chapter `chapter_id` gets on the print page.
pub fn print_id(chapter_id: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("ch-{}--{id}", slugify(chapter_id)),
        None => format!("ch-{}", slugify(chapter_id)),
    }
}

impl Rendered {
    /// The HTML for one output.
    pub fn write(&self, w: &dyn LinkWriter) -> String {
        let filled = self.filled(w);
        let mut out = String::with_capacity(filled.len() + filled.values.len() * 8);
        filled
            .write_to(&mut out)
            .expect("writing to a String cannot fail");
        out
    }

    /// The body for one output: its pieces with each slot's value.
    pub fn filled(&self, w: &dyn LinkWriter) -> Filled {
        Filled {
            pieces: self.pieces.clone(),
            values: (self.slots.iter())
                .map(|slot| match slot {
                    Slot::Href(link) => w.href(link),
                    Slot::Id(id) => w.id(id),
                })
                .collect(),
        }
    }
}

/// A rendered chapter with its slots filled for one output, written out
/// only where it is printed: a page's template writes it straight into the
/// page.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    pieces: std::sync::Arc<[Piece]>,
    /// Each slot's value, not yet escaped.
    values: Vec<String>,
}

impl Filled {
    /// The length of the HTML, with values as if no character needed escaping.
    pub fn len(&self) -> usize {
        let values: usize = self.values.iter().map(String::len).sum();
        let html: usize = (self.pieces.iter())
            .map(|p| match p {
                Piece::Html(h) => h.len(),
                Piece::Slot(_) => 0,
            })
            .sum();
        html + values
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the HTML, each slot's value escaped.
    pub fn write_to(&self, out: &mut impl std::fmt::Write) -> std::fmt::Result {
        for piece in self.pieces.iter() {
            match piece {
                Piece::Html(h) => out.write_str(h)?,
                Piece::Slot(i) => escape_into(out, &self.values[*i])?,
            }
        }
        Ok(())
    }
}

impl From<String> for Filled {
    /// HTML without slots.
    fn from(html: String) -> Self {
        Filled {
            pieces: std::sync::Arc::new([Piece::Html(html)]),
            values: Vec::new(),
        }
    }
}

/// Splits HTML with slot markers into pieces. Markers in `href` and `src`
/// values written by pulldown-cmark arrive percent-encoded. Each kind of
/// marker is searched for again only once the split has passed the last one
/// found, so a chapter is scanned once whatever its number of slots. What
/// looks like a marker but names no slot (the chapter's own text, through
/// an entity such as `&#xE000;`) is not one: its opening character is left
/// out, or its encoded form kept as text.
fn split_slots(html: &str, count: usize) -> Vec<Piece> {
    const ENCODED: (&str, &str) = ("%EE%80%80", "%EE%80%81");
    let mut buf = ([0u8; 4], [0u8; 4]);
    let plain: (&str, &str) = (
        SLOT_OPEN.encode_utf8(&mut buf.0),
        SLOT_CLOSE.encode_utf8(&mut buf.1),
    );
    let find_from = |pat: &str, from: usize| {
        memchr::memmem::find(&html.as_bytes()[from..], pat.as_bytes()).map(|i| from + i)
    };
    let mut pieces = Vec::new();
    let mut pos = 0;
    let (mut next_plain, mut next_encoded) = (find_from(plain.0, 0), find_from(ENCODED.0, 0));
    loop {
        if next_plain.is_some_and(|p| p < pos) {
            next_plain = find_from(plain.0, pos);
        }
        if next_encoded.is_some_and(|p| p < pos) {
            next_encoded = find_from(ENCODED.0, pos);
        }
        let (start, (open, close)) = match (next_plain, next_encoded) {
            (Some(a), Some(b)) if a < b => (a, plain),
            (_, Some(b)) => (b, ENCODED),
            (Some(a), None) => (a, plain),
            (None, None) => break,
        };
        let after = start + open.len();
        let slot = find_from(close, after).and_then(|end| {
            let n = html[after..end]
                .parse::<usize>()
                .ok()
                .filter(|&n| n < count)?;
            Some((end, n))
        });
        let Some((end, n)) = slot else {
            let keep = if open == plain.0 { start } else { after };
            if keep > pos {
                pieces.push(Piece::Html(html[pos..keep].to_string()));
            }
            pos = after;
            continue;
        };
        if start > pos {
            pieces.push(Piece::Html(html[pos..start].to_string()));
        }
        pieces.push(Piece::Slot(n));
        pos = end + close.len();
    }
    if pos < html.len() {
        pieces.push(Piece::Html(html[pos..].to_string()));
    }
    pieces
}

/// Where in a chapter something is: a range of its body, turned into a
/// line, a column, the line's text and the width of the part at fault only
/// when a diagnostic needs them (most links and raw HTML have none, and
/// finding the line cost a copy of its text each time).
pub(super) struct At<'a> {
    lines: &'a OnceCell<LineIndex>,
    body: &'a str,
    /// The line of the body's first line in its file.
    line_offset: usize,
    range: Range<usize>,
}

impl<'a> At<'a> {
    fn new(
        lines: &'a OnceCell<LineIndex>,
        body: &'a str,
        line_offset: usize,
        range: Range<usize>,
    ) -> Self {
        At {
            lines,
            body,
            line_offset,
            range,
        }
    }

    fn locate(&self) -> crate::diag::Located {
        let lines = (self.lines).get_or_init(|| LineIndex::new(self.body, self.line_offset));
        lines.locate(self.body, self.range.start, self.range.end)
    }
}

/// Result of resolving one URL.
pub(super) struct Resolved {
    /// `None` for a URL that must not be written: the link or image is left
    /// out and its text kept.
    pub(super) link: Option<LinkRef>,
    pub(super) file: Option<String>,
    pub(super) diag: Option<Diagnostic>,
}

impl Resolved {
    /// A URL kept as written: external, or a broken relative path, which
    /// is harmless.
    fn keep(href: &str, diag: Option<Diagnostic>) -> Resolved {
        Resolved {
            link: Some(LinkRef::Keep(href.to_string())),
            file: None,
            diag,
        }
    }

    /// A URL that must not be written.
    fn left_out(diag: Diagnostic) -> Resolved {
        Resolved {
            link: None,
            file: None,
            diag: Some(diag),
        }
    }
}

/// Slots handed out while rendering; shared by the raw HTML rewriter.
#[derive(Default)]
pub(super) struct SlotTable {
    slots: RefCell<Vec<Slot>>,
    /// The ids of the chapter taken so far, made when raw HTML first has one.
    pub(super) ids: RefCell<Option<std::collections::HashSet<String>>>,
}

impl SlotTable {
    pub(super) fn add(&self, slot: Slot) -> String {
        let mut slots = self.slots.borrow_mut();
        slots.push(slot);
        format!("{SLOT_OPEN}{}{SLOT_CLOSE}", slots.len() - 1)
    }
}

impl RenderInput<'_> {
    pub(super) fn diag(
        &self,
        at: &At<'_>,
        error: bool,
        message: String,
        hint: Option<String>,
    ) -> Diagnostic {
        let at = at.locate();
        let d = if error {
            Diagnostic::error(&self.source.rel, at.line, message)
        } else {
            Diagnostic::warning(&self.source.rel, at.line, message)
        };
        let mut d = d
            .with_lang(&self.source.lang)
            .at(&at.text, at.start, at.width);
        d.column = at.column;
        match hint {
            Some(h) => d.with_hint(h),
            None => d,
        }
    }

    /// Resolves a link or image URL written in the source (entities
    /// decoded).
    pub(super) fn resolve(&self, href: &str, at: &At<'_>, image: bool) -> Resolved {
        let what = if image { "image" } else { "link" };
        let broken = |e: links::LinkError| {
            self.diag(at, true, format!("broken {what}: {}", e.message), e.hint)
        };
        // A URL is read as a browser reads it; a refused one (it may be
        // `javascript:`) is never written.
        let href = match safe_url::judge(href) {
            Judged::Refused(scheme) => {
                return Resolved::left_out(broken(links::refused(&scheme)));
            }
            Judged::Local(href) | Judged::External(href) => href,
        };
        match links::resolve(self.project, self.source, self.page_lang, &href) {
            Err(e) => Resolved::keep(&href, Some(broken(e))),
            Ok(Target::External) => self.resolve_external(&href, at, image),
            Ok(Target::SamePage(frag)) => self.resolve_same_page(&href, frag, at),
            Ok(Target::Chapter { target, fragment }) => self.resolve_chapter(target, fragment, at),
            Ok(Target::File { rel, suffix }) => Resolved {
                link: Some(LinkRef::File {
                    rel: rel.clone(),
                    suffix,
                }),
                file: Some(rel),
                diag: None,
            },
        }
    }

    /// A URL of another host: kept, except an image that the project's
    /// policy refuses (reported).
    fn resolve_external(&self, href: &str, at: &At<'_>, image: bool) -> Resolved {
        let policy = self.project.config.remote_images;
        if !image || policy == RemotePolicy::Allow || !safe_url::judge(href).is_remote() {
            return Resolved::keep(href, None);
        }
        let diag = self.diag(at,
            policy == RemotePolicy::Error,
            format!("image `{href}` is loaded from another host: every reader's browser would contact it"),
            Some("copy the image into the manual's `media/` folder, or set `remote_images = \"allow\"` in polybook.toml".into()),
        );
        // An image refused by the policy is not written either.
        if policy == RemotePolicy::Error {
            return Resolved::left_out(diag);
        }
        Resolved::keep(href, Some(diag))
    }

    /// A fragment of this chapter, checked.
    fn resolve_same_page(&self, href: &str, frag: String, at: &At<'_>) -> Resolved {
        let diag = self.check_fragment(self.source, &frag, at, "this chapter");
        // A broken fragment (reported) is kept as written, which a
        // book turns into plain text.
        let link = match diag {
            Some(_) => LinkRef::Keep(href.to_string()),
            None => LinkRef::SamePage(frag),
        };
        Resolved {
            link: Some(link),
            file: None,
            diag,
        }
    }

    /// A chapter of the project, and the fragment in it, checked.
    fn resolve_chapter(
        &self,
        target: ChapterRef,
        fragment: Option<String>,
        at: &At<'_>,
    ) -> Resolved {
        let (target_src, _) = self.project.content(target, self.page_lang);
        let chapter = self.project.chapter(target);
        let diag = fragment.as_deref().and_then(|f| {
            self.check_fragment(target_src, f, at, &format!("chapter `{}`", chapter.id))
        });
        // A broken fragment (reported) is dropped: the link still
        // leads to the chapter.
        let fragment = if diag.is_some() { None } else { fragment };
        Resolved {
            link: Some(LinkRef::Chapter { target, fragment }),
            file: None,
            diag,
        }
    }

    fn check_fragment(
        &self,
        target: &Source,
        frag: &str,
        at: &At<'_>,
        what: &str,
    ) -> Option<Diagnostic> {
        if target.anchors.all.contains(frag) {
            return None;
        }
        let hint = closest(frag, target.anchors.ids.iter().map(String::as_str))
            .map(|c| format!("did you mean `#{c}`?"))
            .or_else(|| {
                Some(format!(
                    "the headings of {what} have the ids: {}",
                    target.anchors.ids.join(", ")
                ))
            });
        Some(self.diag(
            at,
            true,
            format!("{what} has no heading or anchor `#{frag}`"),
            hint,
        ))
    }

    fn alert_label(&self, kind: BlockQuoteKind) -> (&'static str, &str) {
        let (key, id) = match kind {
            BlockQuoteKind::Note => ("note", "alert-note"),
            BlockQuoteKind::Tip => ("tip", "alert-tip"),
            BlockQuoteKind::Important => ("important", "alert-important"),
            BlockQuoteKind::Warning => ("warning", "alert-warning"),
            BlockQuoteKind::Caution => ("caution", "alert-caution"),
        };
        (key, self.ui.get(id))
    }
}

/// Renders a chapter for a page language.
pub fn render(input: &RenderInput<'_>) -> Rendered {
    // Characters no page or book may hold are left out before parsing, so
    // that no stage sees them; lines stay where they were.
    let body = chars::without_unpublishable(input.body);
    let mut renderer = Renderer::new(input, &body);
    if matches!(body, std::borrow::Cow::Owned(_)) {
        renderer
            .out
            .diagnostics
            .extend(unpublishable_warnings(input));
    }
    let mut parsed = nesting::Events::new(&body);
    for (event, range) in parsed.by_ref() {
        renderer.event(event, range);
    }
    renderer.finish(parsed.flattened())
}

/// What rendering a chapter carries from one event to the next.
struct Renderer<'r, 'b> {
    input: &'r RenderInput<'r>,
    /// The chapter's text, without the characters no page may hold.
    body: &'b str,
    /// Line numbers are needed only for problems, so the index is made on
    /// the first one.
    lines: OnceCell<LineIndex>,
    rtl: bool,
    table: SlotTable,
    out: Rendered,
    /// The events of the page body.
    events: Vec<Event<'b>>,
    /// The events that stand for the current one: one list, emptied into
    /// `events` (or a footnote's) after each event.
    emitted: Vec<Event<'b>>,
    sections: Option<crate::search::Sections<'r>>,
    /// Heading being collected: (level, classes, start index in `events`).
    heading: Option<(u8, Vec<CowStr<'b>>, usize)>,
    heading_no: usize,
    /// Code block being collected: (info string, text).
    code: Option<(String, String)>,
    /// HTML block being collected: (HTML, where it starts in `body`).
    html_block: Option<(String, usize)>,
    image_depth: usize,
    /// For each open link and image, whether it is written (a refused URL
    /// leaves out the tags and keeps the text).
    links_written: Vec<bool>,
    images_written: Vec<bool>,
    has_raw_html: bool,
    notes: Notes<'b>,
}

/// Footnotes: label -> number (by first reference), references seen, and
/// the definitions' events.
#[derive(Default)]
struct Notes<'b> {
    numbers: HashMap<String, usize>,
    refs: HashMap<String, usize>,
    defs: Vec<(String, Vec<Event<'b>>)>,
    /// The definition being collected.
    open: Option<(String, Vec<Event<'b>>)>,
}

impl<'r, 'b> Renderer<'r, 'b> {
    fn new(input: &'r RenderInput<'r>, body: &'b str) -> Self {
        Renderer {
            input,
            body,
            lines: OnceCell::new(),
            rtl: input.dir == Direction::Rtl,
            table: SlotTable::default(),
            out: Rendered::default(),
            // About one event per 12 bytes of Markdown: sized once, not grown.
            events: Vec::with_capacity(body.len() / 12),
            emitted: Vec::with_capacity(4),
            sections: (input.search_sections)
                .then(|| crate::search::Sections::new(&input.source.anchors.ids)),
            heading: None,
            heading_no: 0,
            code: None,
            html_block: None,
            image_depth: 0,
            links_written: Vec::new(),
            images_written: Vec::new(),
            has_raw_html: false,
            notes: Notes::default(),
        }
    }

    fn at(&self, range: Range<usize>) -> At<'_> {
        let offset = self.input.source.body_line_offset;
        At::new(&self.lines, self.body, offset, range)
    }

    /// Takes one event: what stands for it goes into the page body, or into
    /// the footnote being collected.
    fn event(&mut self, event: Event<'b>, range: Range<usize>) {
        if let Some(s) = self.sections.as_mut() {
            s.event(&event);
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(text),
            Event::Code(text) => self.code(text),
            Event::Html(html) => self.html(html, range),
            Event::InlineHtml(html) => self.raw_inline(html, range),
            Event::TaskListMarker(done) => self.task_list_marker(done),
            Event::FootnoteReference(label) => self.footnote_reference(&label),
            other => self.emitted.push(other),
        }
        match self.notes.open.as_mut() {
            Some((_, def_events)) => def_events.append(&mut self.emitted),
            None => self.events.append(&mut self.emitted),
        }
    }

    fn start(&mut self, tag: Tag<'b>, range: Range<usize>) {
        match tag {
            Tag::Heading { level, classes, .. } => {
                self.heading = Some((outline::level_number(level), classes, self.events.len()));
            }
            Tag::CodeBlock(kind) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((info, String::new()));
            }
            tag @ (Tag::Link { .. } | Tag::Image { .. }) => self.link_start(tag, range),
            Tag::BlockQuote(Some(kind)) => self.alert_start(kind),
            Tag::Table(align) => {
                self.emitted.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\">".into(),
                ));
                self.emitted.push(Event::Start(Tag::Table(align)));
            }
            Tag::FootnoteDefinition(label) => {
                self.notes.open = Some((label.to_string(), Vec::new()));
            }
            Tag::HtmlBlock => {
                self.has_raw_html = true;
                self.html_block = Some((String::new(), range.start));
            }
            other => self.emitted.push(Event::Start(other)),
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => self.heading_end(),
            TagEnd::CodeBlock => {
                if let Some((info, text)) = self.code.take() {
                    let html = self.input.highlighted.code_block(&text, &info);
                    self.emitted.push(Event::Html(html.into()));
                }
            }
            TagEnd::Link => {
                if self.links_written.pop().unwrap_or(true) {
                    self.emitted.push(Event::End(TagEnd::Link));
                }
            }
            TagEnd::Image => {
                if self.images_written.pop().unwrap_or(true) {
                    self.image_depth = self.image_depth.saturating_sub(1);
                    self.emitted.push(Event::End(TagEnd::Image));
                }
            }
            TagEnd::BlockQuote(Some(_)) => self.emitted.push(Event::Html("</div>\n".into())),
            TagEnd::Table => {
                self.emitted.push(Event::End(TagEnd::Table));
                self.emitted.push(Event::Html("</div>\n".into()));
            }
            TagEnd::FootnoteDefinition => {
                if let Some(def) = self.notes.open.take() {
                    self.notes.defs.push(def);
                }
            }
            TagEnd::HtmlBlock => self.html_block_end(),
            other => self.emitted.push(Event::End(other)),
        }
    }

    /// A link or image starts, its URL a slot; one whose URL must not be
    /// written is left out up to its end (its text is kept).
    fn link_start(&mut self, mut tag: Tag<'b>, range: Range<usize>) {
        let image = matches!(tag, Tag::Image { .. });
        if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &mut tag {
            match self.url_slot(dest_url, range, image) {
                Some(slot) => *dest_url = slot,
                None => return,
            }
        }
        self.emitted.push(Event::Start(tag));
    }

    /// The slot for the URL of a link or image, or `None` when it must not
    /// be written; notes for its end whether its tags are written.
    fn url_slot(&mut self, url: &str, range: Range<usize>, image: bool) -> Option<CowStr<'b>> {
        let resolved = self.input.resolve(url, &self.at(range), image);
        self.out.diagnostics.extend(resolved.diag);
        self.out.files.extend(resolved.file);
        let slot = resolved.link.map(|link| self.table.add(Slot::Href(link)));
        if image {
            self.images_written.push(slot.is_some());
            if slot.is_some() {
                self.image_depth += 1;
            }
        } else {
            self.links_written.push(slot.is_some());
        }
        slot.map(CowStr::from)
    }

    /// A heading's events become one piece of HTML, with its id (and its
    /// alias, when it has one) as slots.
    fn heading_end(&mut self) {
        let Some((level, classes, start)) = self.heading.take() else {
            return;
        };
        let inner_events: Vec<Event<'_>> = (self.events)
            .drain(start.min(self.events.len())..)
            .collect();
        let mut inner = String::new();
        pulldown_cmark::html::push_html(&mut inner, inner_events.into_iter());
        let no = self.heading_no;
        let anchors = &self.input.source.anchors;
        let id = (anchors.ids.get(no).cloned()).unwrap_or_else(|| format!("h-{no}"));
        let mut html = format!("<h{level} id=\"{}\"", self.table.add(Slot::Id(id.clone())));
        if !classes.is_empty() {
            let classes: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
            html.push_str(&format!(" class=\"{}\"", escape(&classes.join(" "))));
        }
        html.push('>');
        if let Some(Some(alias)) = anchors.aliases.get(no) {
            html.push_str(&format!(
                "<span id=\"{}\" class=\"anchor-alias\"></span>",
                self.table.add(Slot::Id(alias.clone()))
            ));
        }
        html.push_str(&inner);
        html.push_str(&format!("</h{level}>\n"));
        if no == 0 {
            self.out.starts_with_h1 = level == 1;
        }
        let text = (self.input.source.outline.headings.get(no))
            .map(|h| h.text.clone())
            .unwrap_or_default();
        self.out.headings.push(RenderedHeading { level, id, text });
        self.heading_no += 1;
        self.emitted.push(Event::Html(html.into()));
    }

    /// A GitHub-style alert starts: a callout with its title.
    fn alert_start(&mut self, kind: BlockQuoteKind) {
        let (key, label) = self.input.alert_label(kind);
        self.emitted.push(Event::Html(
            format!("<div class=\"alert alert-{key}\" role=\"note\">\n<p class=\"alert-title\">{}</p>\n", escape(label)).into(),
        ));
    }

    /// Text goes into the code block being collected; in right-to-left
    /// text, its left-to-right runs are isolated (not in image text).
    fn text(&mut self, text: CowStr<'b>) {
        if let Some((_, code)) = self.code.as_mut() {
            code.push_str(&text);
            return;
        }
        if self.rtl
            && self.image_depth == 0
            && let Some(html) = bidi::isolate_ltr(&text)
        {
            self.emitted.push(Event::InlineHtml(html.into()));
            return;
        }
        self.emitted.push(Event::Text(text));
    }

    /// Inline code, left to right in right-to-left text.
    fn code(&mut self, text: CowStr<'b>) {
        if self.rtl {
            self.emitted.push(Event::InlineHtml(
                format!("<code dir=\"ltr\">{}</code>", escape(&text)).into(),
            ));
        } else {
            self.emitted.push(Event::Code(text));
        }
    }

    /// HTML goes into the HTML block being collected, or is rewritten as
    /// inline HTML.
    fn html(&mut self, html: CowStr<'b>, range: Range<usize>) {
        match self.html_block.as_mut() {
            Some((block, _)) => block.push_str(&html),
            None => self.raw_inline(html, range),
        }
    }

    fn raw_inline(&mut self, html: CowStr<'b>, range: Range<usize>) {
        self.has_raw_html = true;
        let offset = self.input.source.body_line_offset;
        let at = At::new(&self.lines, self.body, offset, range);
        let html = raw_html::rewrite(self.input, &self.table, &html, &at, &mut self.out);
        self.emitted.push(Event::InlineHtml(html.into()));
    }

    fn html_block_end(&mut self) {
        if let Some((html, start)) = self.html_block.take() {
            let offset = self.input.source.body_line_offset;
            let at = At::new(&self.lines, self.body, offset, start..start + html.len());
            let html = raw_html::rewrite(self.input, &self.table, &html, &at, &mut self.out);
            self.emitted.push(Event::Html(html.into()));
        }
    }

    /// A task list item's box, disabled, with its state in words.
    fn task_list_marker(&mut self, done: bool) {
        let ui = self.input.ui;
        let (checked, label) = if done {
            (" checked=\"\"", ui.get("task-done"))
        } else {
            ("", ui.get("task-open"))
        };
        self.emitted.push(Event::InlineHtml(
            format!(
                "<input type=\"checkbox\" disabled=\"\"{checked} aria-label=\"{}\"> ",
                escape(label)
            )
            .into(),
        ));
    }

    /// A footnote reference: numbered by the first reference to its label,
    /// each reference with its own id for the way back.
    fn footnote_reference(&mut self, label: &str) {
        let notes = &mut self.notes;
        let next = notes.numbers.len() + 1;
        let n = *notes.numbers.entry(label.to_string()).or_insert(next);
        let count = notes.refs.entry(label.to_string()).or_insert(0);
        *count += 1;
        let (def_id, ref_id) = footnote_id(label);
        let ref_id = if *count == 1 {
            ref_id
        } else {
            format!("{ref_id}-{count}")
        };
        self.emitted.push(Event::Html(
            format!(
                "<sup class=\"footnote-ref\"><a id=\"{}\" href=\"{}\">{n}</a></sup>",
                self.table.add(Slot::Id(ref_id)),
                self.table.add(Slot::Href(LinkRef::SamePage(def_id)))
            )
            .into(),
        ));
    }

    /// The page body: its HTML, with the footnotes at the end, sanitised
    /// when the chapter has raw HTML, then split into pieces and slots.
    fn finish(mut self, flat: Option<nesting::Flattened>) -> Rendered {
        if let Some(at) = flat {
            let warning = flattened(self.input, self.at(0..self.body.len()), at);
            self.out.diagnostics.push(warning);
        }
        let (input, body) = (self.input, self.body);
        let mut html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        if !self.notes.defs.is_empty() {
            let notes = footnotes(input, &self.table, self.notes.defs, &self.notes.numbers);
            html.push_str(&notes);
        }
        let html = if self.has_raw_html && input.project.config.sanitize_html {
            sanitize::clean(&html)
        } else {
            html
        };
        // Only numeric entities (`&#1;`) can still stand for characters no page
        // may hold: without any, the HTML is not searched for them.
        let html = if body.contains("&#") {
            chars::without_unwritable(&html)
        } else {
            std::borrow::Cow::Borrowed(html.as_str())
        };
        let slots = self.table.slots.into_inner();
        let mut out = self.out;
        out.pieces = split_slots(&html, slots.len()).into();
        out.slots = slots;
        out.sections = self.sections.map(|s| s.finish()).unwrap_or_default();
        out
    }
}

/// The warning for a chapter that nests deeper than the limit, at the line
/// where it first does; `chapter` is the place of its whole body.
fn flattened(input: &RenderInput<'_>, chapter: At<'_>, at: nesting::Flattened) -> Diagnostic {
    let body = chapter.body;
    // The event's text is one line of the body per line.
    let mut offset = at.offset;
    for _ in 0..at.lines {
        match memchr::memchr(b'\n', &body.as_bytes()[offset..]) {
            Some(i) => offset += i + 1,
            None => break,
        }
    }
    let end = memchr::memchr(b'\n', &body.as_bytes()[offset..]).map_or(body.len(), |i| offset + i);
    input.diag(
        &At {
            range: offset..end,
            ..chapter
        },
        false,
        format!(
            "elements nest deeper than {} levels here: the deeper lists, quotes, emphasis, links and HTML elements are flattened (their text is kept)",
            nesting::MAX_DEPTH
        ),
        Some("nest fewer levels: split the list or quote, or close the HTML elements you open".into()),
    )
}

/// Warnings for the characters of a chapter that no page or book can hold
/// (they are left out), one for each line that has some.
fn unpublishable_warnings(input: &RenderInput<'_>) -> Vec<Diagnostic> {
    let body = input.body;
    let lines = LineIndex::new(body, input.source.body_line_offset);
    let mut by_line: Vec<(usize, Vec<char>)> = Vec::new();
    for (i, c) in chars::unpublishable(body) {
        let line = lines.line(i);
        match by_line.last_mut() {
            Some((l, found)) if *l == line => {
                if !found.contains(&c) {
                    found.push(c);
                }
            }
            _ => by_line.push((line, vec![c])),
        }
    }
    let warning = |(line, found): (usize, Vec<char>)| {
        let names: Vec<String> = (found.iter())
            .map(|&c| format!("U+{:04X}", c as u32))
            .collect();
        let (what, verb, them) = match names.len() {
            1 => ("the character", "was", "it"),
            _ => ("the characters", "were", "them"),
        };
        let message = format!(
            "{what} {} {verb} left out: web pages and EPUB books cannot contain {them}",
            names.join(", ")
        );
        let hint = if found.iter().any(|&c| chars::is_reserved(c)) {
            "U+E000 to U+E002 are private-use characters that polybook keeps for its own \
             marks: use another character"
                .to_string()
        } else {
            format!(
                "delete {them} from the file: most editors do not show control characters, \
                 but a regular-expression search for `\\u{:04X}` finds {them}",
                found[0] as u32
            )
        };
        Diagnostic::warning(&input.source.rel, line, message)
            .with_lang(&input.source.lang)
            .with_hint(hint)
    };
    by_line.into_iter().map(warning).collect()
}

/// Renders footnote definitions as an ordered list with back-links, numbered
/// in the order of their first reference.
fn footnotes(
    input: &RenderInput<'_>,
    table: &SlotTable,
    mut defs: Vec<(String, Vec<Event<'_>>)>,
    numbers: &HashMap<String, usize>,
) -> String {
    defs.sort_by_key(|(label, _)| numbers.get(label).copied().unwrap_or(usize::MAX));
    let back = input.ui.get("back-to-reference");
    let mut html = String::from("<div class=\"footnotes\">\n<ol>\n");
    for (label, mut events) in defs {
        let (def_id, ref_id) = footnote_id(&label);
        if numbers.contains_key(&label) {
            let link = Event::Html(
                format!(
                    " <a href=\"{}\" class=\"footnote-back\" aria-label=\"{}\">↩</a>",
                    table.add(Slot::Href(LinkRef::SamePage(ref_id))),
                    escape(back)
                )
                .into(),
            );
            match events
                .iter()
                .rposition(|e| matches!(e, Event::End(TagEnd::Paragraph)))
            {
                Some(pos) => events.insert(pos, link),
                None => events.push(link),
            }
        }
        html.push_str(&format!("<li id=\"{}\">", table.add(Slot::Id(def_id))));
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html.push_str("</li>\n");
    }
    html.push_str("</ol>\n</div>\n");
    html
}

/// Writes links and ids of a chapter for its page on the site.
pub struct SiteLinks<'a> {
    pub project: &'a Project,
    pub page_lang: &'a str,
    /// Output path of the page.
    pub page_path: &'a str,
}

impl LinkWriter for SiteLinks<'_> {
    fn href(&self, link: &LinkRef) -> String {
        match link {
            LinkRef::Keep(href) => href.clone(),
            LinkRef::SamePage(frag) => format!("#{frag}"),
            LinkRef::Chapter { target, fragment } => {
                let m = &self.project.manuals[target.manual];
                let mut url = urls::relative(
                    self.page_path,
                    &urls::chapter(self.page_lang, &m.id, &m.chapters[target.chapter].id),
                );
                if let Some(f) = fragment {
                    url.push('#');
                    url.push_str(f);
                }
                url
            }
            LinkRef::File { rel, suffix } => format!(
                "{}{suffix}",
                urls::relative(self.page_path, &urls::file(rel))
            ),
        }
    }
}

/// Writes links and ids of a chapter for the manual's print page: ids get the
/// chapter's prefix and links between chapters of the manual become fragments.
pub struct PrintLinks<'a> {
    site: SiteLinks<'a>,
    chapter: ChapterRef,
    /// What the chapter's ids start with: made once, not for every id.
    prefix: String,
}

impl<'a> PrintLinks<'a> {
    pub fn new(site: SiteLinks<'a>, chapter: ChapterRef) -> Self {
        let prefix = print_id(&site.project.chapter(chapter).id, Some(""));
        PrintLinks {
            site,
            chapter,
            prefix,
        }
    }
}

impl LinkWriter for PrintLinks<'_> {
    fn href(&self, link: &LinkRef) -> String {
        let project = self.site.project;
        match link {
            LinkRef::SamePage(frag) => format!("#{}", self.id(frag)),
            LinkRef::Chapter { target, fragment } if target.manual == self.chapter.manual => {
                format!(
                    "#{}",
                    print_id(&project.chapter(*target).id, fragment.as_deref())
                )
            }
            other => self.site.href(other),
        }
    }

    fn id(&self, id: &str) -> String {
        let mut out = String::with_capacity(self.prefix.len() + id.len());
        out.push_str(&self.prefix);
        out.push_str(id);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_of_both_kinds_split_in_order() {
        let html = "<h2 id=\"\u{E000}0\u{E001}\">a</h2><a href=\"%EE%80%801%EE%80%81\">b</a>\
                    <a href=\"%EE%80%802%EE%80%81\"></a><h3 id=\"\u{E000}3\u{E001}\">c";
        assert_eq!(
            split_slots(html, 4),
            [
                Piece::Html("<h2 id=\"".into()),
                Piece::Slot(0),
                Piece::Html("\">a</h2><a href=\"".into()),
                Piece::Slot(1),
                Piece::Html("\">b</a><a href=\"".into()),
                Piece::Slot(2),
                Piece::Html("\"></a><h3 id=\"".into()),
                Piece::Slot(3),
                Piece::Html("\">c".into()),
            ]
        );
        assert_eq!(split_slots("no slots", 0), [Piece::Html("no slots".into())]);
    }

    #[test]
    fn slots_split_and_fill() {
        let pieces = split_slots(
            "<a href=\"%EE%80%800%EE%80%81\">x</a><h2 id=\"\u{E000}1\u{E001}\">",
            2,
        );
        assert_eq!(pieces.len(), 5);
        struct Upper;
        impl LinkWriter for Upper {
            fn href(&self, link: &LinkRef) -> String {
                match link {
                    LinkRef::Keep(h) => h.to_uppercase(),
                    _ => unreachable!(),
                }
            }
            fn id(&self, id: &str) -> String {
                format!("p-{id}")
            }
        }
        let r = Rendered {
            pieces: pieces.into(),
            slots: vec![
                Slot::Href(LinkRef::Keep("a&b".into())),
                Slot::Id("x".into()),
            ],
            ..Rendered::default()
        };
        assert_eq!(r.write(&Upper), "<a href=\"A&amp;B\">x</a><h2 id=\"p-x\">");
    }
}
