//! Typst markup from rendered chapter HTML: the chapters of one book, parsed
//! (html5ever, through scraper) and walked with a list of what is left to
//! write, never by recursion, so that no nesting of the input exhausts the
//! stack.
//!
//! Every piece of text is written as a Typst string literal (`#"…"`), so
//! nothing a chapter says is ever read as Typst markup or code. Ids become
//! numbered labels (`<l12>`) and links to them `link(<l12>)`; a link whose
//! target is not in the book is its text. Footnote references become
//! Typst footnotes holding the note's text, code blocks `raw` blocks (Typst
//! highlights them), alerts and notices boxes, images the files the book
//! holds (or their text alternative).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use ego_tree::{NodeId, NodeRef};
use scraper::node::Element;
use scraper::{Html, Node};

use crate::fonts::Script;
use crate::render::chars;

/// A link's `href` with no target in the book: its text stays, unlinked.
pub const UNLINKED: &str = "\u{E002}";

/// What the book's chapters need from outside their markup.
#[derive(Debug, Default)]
pub struct Needs {
    /// The scripts the text is written in, for fonts.
    pub scripts: BTreeSet<Script>,
    /// The project files shown as images, by the name the document reads
    /// them under (`img/N.ext`), in order of first use.
    pub images: Vec<(String, String)>,
}

/// The chapters of one book, parsed, with the labels of their ids.
pub struct Book {
    docs: Vec<Html>,
    /// Label number of each id (`chapter:id`).
    labels: HashMap<String, usize>,
    /// Footnote items by their id, to write where they are referenced.
    notes: HashMap<String, (usize, NodeId)>,
    /// Images the book can show (project-relative paths) and their names.
    shown: BTreeMap<String, String>,
}

/// What is left to write: a node, or markup that closes one.
enum Step<'a> {
    Node(NodeRef<'a, Node>),
    Markup(String),
}

impl Book {
    /// Parses the chapters' HTML (each already holding ids as `c:id` and
    /// internal links as `#c:id`) and numbers every id. `images` says
    /// which project files may be shown, each under its document name.
    pub fn new(chapters: &[String], images: BTreeMap<String, String>) -> Book {
        let docs: Vec<Html> = chapters.iter().map(|c| Html::parse_fragment(c)).collect();
        let mut labels = HashMap::new();
        let mut notes = HashMap::new();
        for (d, doc) in docs.iter().enumerate() {
            for node in doc.root_element().descendants() {
                let Some(el) = node.value().as_element() else {
                    continue;
                };
                let Some(id) = el.attr("id") else { continue };
                if el.name() == "li" {
                    notes.insert(id.to_string(), (d, node.id()));
                }
                let n = if el.name() == "span" && has_class(el, "anchor-alias") {
                    // An alias names the heading it is in.
                    let heading = node.ancestors().find_map(|a| {
                        (a.value().as_element())
                            .filter(|e| heading_level(e).is_some())
                            .and_then(|e| e.attr("id"))
                    });
                    match heading.and_then(|h| labels.get(h)) {
                        Some(&n) => n,
                        None => labels.len(),
                    }
                } else {
                    labels.len()
                };
                labels.entry(id.to_string()).or_insert(n);
            }
            // A link to the chapter itself lands on its first heading.
            let start = format!("{d}:");
            if !labels.contains_key(&start) {
                let first = doc.root_element().descendants().find_map(|n| {
                    (n.value().as_element())
                        .filter(|e| heading_level(e).is_some())
                        .and_then(|e| e.attr("id"))
                        .and_then(|id| labels.get(id).copied())
                });
                if let Some(n) = first {
                    labels.insert(start, n);
                }
            }
        }
        Book {
            docs,
            labels,
            notes,
            shown: images,
        }
    }

    /// The Typst markup of every chapter, and what it needs.
    pub fn markup(&self) -> (String, Needs) {
        let mut w = Writer {
            book: self,
            out: String::new(),
            needs: Needs::default(),
            noted: BTreeSet::new(),
            images: BTreeMap::new(),
            labelled: BTreeSet::new(),
        };
        for doc in &self.docs {
            w.out.push_str("#pbchapter()\n");
            w.write(*doc.root_element());
            w.out.push_str("\n\n");
        }
        let mut images: Vec<(String, String)> = w.images.into_iter().collect();
        images.sort_by(|a, b| a.1.cmp(&b.1));
        w.needs.images = images;
        (w.out, w.needs)
    }
}

struct Writer<'a> {
    book: &'a Book,
    out: String,
    needs: Needs,
    /// Footnotes already written (a later reference points to the first).
    noted: BTreeSet<String>,
    /// Images used so far: project path to document name.
    images: BTreeMap<String, String>,
    /// Labels already placed (each once in the document).
    labelled: BTreeSet<usize>,
}

/// The elements written as blocks: their whitespace-only text between
/// children is not text.
const BLOCKS: &[&str] = &[
    "html",
    "body",
    "div",
    "section",
    "article",
    "aside",
    "nav",
    "header",
    "footer",
    "main",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "blockquote",
    "figure",
    "details",
    "picture",
];

impl<'a> Writer<'a> {
    /// Writes `root`'s children as markup.
    fn write(&mut self, root: NodeRef<'a, Node>) {
        let mut todo: Vec<Step<'a>> = Vec::new();
        push_children(root, &mut todo);
        while let Some(step) = todo.pop() {
            match step {
                Step::Markup(m) => self.out.push_str(&m),
                Step::Node(node) => self.node(node, &mut todo),
            }
        }
    }

    fn node(&mut self, node: NodeRef<'a, Node>, todo: &mut Vec<Step<'a>>) {
        match node.value() {
            Node::Text(t) => {
                let in_block = (node.parent())
                    .and_then(|p| p.value().as_element().map(|e| BLOCKS.contains(&e.name())))
                    .unwrap_or(true);
                if in_block && t.trim().is_empty() {
                    return;
                }
                let text = collapse(t);
                self.text(&text);
            }
            Node::Element(el) => self.element(node, el, todo),
            _ => {}
        }
    }

    /// Writes text as a string literal, noting its scripts.
    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        for c in text.chars() {
            if let Some(s) = Script::of(c) {
                self.needs.scripts.insert(s);
            }
        }
        self.out.push('#');
        self.out.push_str(&string(text));
        // Ends the expression, so that what follows is never read as
        // part of it.
        self.out.push(';');
    }

    /// The label of an id, placed after the element once.
    fn label_after(&mut self, el: &Element, todo: &mut Vec<Step<'a>>) {
        if let Some(n) = el.attr("id").and_then(|id| self.book.labels.get(id))
            && self.labelled.insert(*n)
        {
            todo.push(Step::Markup(format!(" <l{n}>")));
        }
    }

    /// A label before an element that Typst cannot label itself.
    fn mark(&mut self, el: &Element) {
        if let Some(n) = el.attr("id").and_then(|id| self.book.labels.get(id))
            && self.labelled.insert(*n)
        {
            let _ = write!(self.out, "#metadata(none) <l{n}>");
        }
    }

    fn element(&mut self, node: NodeRef<'a, Node>, el: &Element, todo: &mut Vec<Step<'a>>) {
        let name = el.name();
        if let Some(level) = heading_level(el) {
            self.out.push_str("\n\n");
            todo.push(Step::Markup("\n\n".into()));
            self.label_after(el, todo);
            let _ = write!(self.out, "#heading(level: {level})[");
            todo.push(Step::Markup("]".into()));
            push_children(node, todo);
            return;
        }
        if name != "li" && name != "span" {
            self.mark(el);
        }
        let lang_wrap = block_lang(el);
        match name {
            "p" => {
                if has_class(el, "notice") {
                    self.out.push_str("#pbnotice[");
                    todo.push(Step::Markup("]\n\n".into()));
                } else if has_class(el, "alert-title") {
                    self.out.push_str("#pbalerttitle[");
                    todo.push(Step::Markup("]\n\n".into()));
                } else {
                    todo.push(Step::Markup("\n\n".into()));
                }
                push_children(node, todo);
            }
            "div" if has_class(el, "footnotes") => {}
            "div" if has_class(el, "alert") => {
                let kind = (el.classes())
                    .find_map(|c| c.strip_prefix("alert-"))
                    .filter(|k| k.chars().all(|c| c.is_ascii_lowercase()))
                    .unwrap_or("note");
                let _ = write!(self.out, "\n\n#pbalert({})[", string(kind));
                todo.push(Step::Markup("]\n\n".into()));
                push_children(node, todo);
            }
            "pre" => {
                let code = node
                    .descendants()
                    .find(|n| n.value().as_element().is_some_and(|e| e.name() == "code"));
                let lang = code
                    .and_then(|c| c.value().as_element())
                    .and_then(|e| e.classes().find_map(|c| c.strip_prefix("language-")))
                    .filter(|l| {
                        l.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+-_#.".contains(c))
                    });
                let text = text_of(node);
                let text = text.strip_suffix('\n').unwrap_or(&text);
                let _ = write!(
                    self.out,
                    "\n\n#pbcode({}, {})\n\n",
                    string(text),
                    match lang {
                        Some(l) => string(l),
                        None => "none".into(),
                    }
                );
            }
            "code" | "kbd" | "samp" | "tt" => {
                let text = collapse(&text_of(node));
                if !text.is_empty() {
                    let _ = write!(self.out, "#raw({});", string(&text));
                }
            }
            "em" | "i" | "cite" | "dfn" | "var" => self.wrap("emph", node, todo),
            "strong" | "b" => self.wrap("strong", node, todo),
            "del" | "s" | "strike" => self.wrap("strike", node, todo),
            "ins" | "u" => self.wrap("underline", node, todo),
            "sup" if has_class(el, "footnote-ref") => self.footnote(node),
            "sup" => self.wrap("super", node, todo),
            "sub" => self.wrap("sub", node, todo),
            "mark" => self.wrap("highlight", node, todo),
            "small" => self.wrap("pbsmall", node, todo),
            "br" => self.out.push_str("#linebreak();"),
            "hr" => self.out.push_str("\n\n#pbrule()\n\n"),
            "a" => self.link(node, el, todo),
            "img" => self.image(el),
            "input" if el.attr("type") == Some("checkbox") => {
                let mark = if el.attr("checked").is_some() {
                    "☑ "
                } else {
                    "☐ "
                };
                self.text(mark);
            }
            "ul" | "ol" => self.list(node, el, todo),
            "table" => self.table(node, todo),
            "blockquote" => {
                self.out.push_str("\n\n#quote(block: true)[");
                todo.push(Step::Markup("]\n\n".into()));
                push_children(node, todo);
            }
            "dt" => {
                self.out.push_str("\n\n#strong[");
                todo.push(Step::Markup("]\n\n".into()));
                push_children(node, todo);
            }
            "dd" => {
                self.out.push_str("\n\n#pad(start: 1.5em)[");
                todo.push(Step::Markup("]\n\n".into()));
                push_children(node, todo);
            }
            "summary" => {
                self.out.push_str("\n\n#strong[");
                todo.push(Step::Markup("]\n\n".into()));
                push_children(node, todo);
            }
            "script" | "style" | "template" | "source" | "track" | "audio" | "video" | "iframe"
            | "object" | "embed" | "svg" | "math" | "button" | "select" | "textarea" => {}
            _ => {
                if let Some(wrap) = lang_wrap {
                    self.out.push_str("\n\n#[");
                    self.out.push_str(&wrap);
                    todo.push(Step::Markup("]\n\n".into()));
                } else if name == "span"
                    && let Some(n) = el.attr("id").and_then(|id| self.book.labels.get(id))
                    && !has_class(el, "anchor-alias")
                    && self.labelled.insert(*n)
                {
                    let _ = write!(self.out, "#metadata(none) <l{n}>");
                } else if BLOCKS.contains(&name) && name != "li" {
                    self.out.push_str("\n\n");
                    todo.push(Step::Markup("\n\n".into()));
                }
                push_children(node, todo);
            }
        }
    }

    /// `#func[children]`.
    fn wrap(&mut self, func: &str, node: NodeRef<'a, Node>, todo: &mut Vec<Step<'a>>) {
        let _ = write!(self.out, "#{func}[");
        todo.push(Step::Markup("]".into()));
        push_children(node, todo);
    }

    /// A link: to a label of the book, to another host, or its text alone.
    fn link(&mut self, node: NodeRef<'a, Node>, el: &Element, todo: &mut Vec<Step<'a>>) {
        self.mark(el);
        if has_class(el, "footnote-back") {
            return;
        }
        let href = el.attr("href").unwrap_or("");
        let target = if let Some(key) = href.strip_prefix('#') {
            self.book.labels.get(key).map(|n| format!("<l{n}>"))
        } else if is_web(href) {
            Some(string(href))
        } else {
            None
        };
        match target {
            Some(t) => {
                let _ = write!(self.out, "#link({t})[");
                todo.push(Step::Markup("]".into()));
            }
            None => {
                if let Some(rest) = href.strip_prefix(UNLINKED) {
                    let text = text_of(node);
                    if !rest.is_empty() && rest != text {
                        todo.push(Step::Markup(format!("#{};", string(&format!(" ({rest})")))));
                    }
                }
            }
        }
        push_children(node, todo);
    }

    /// A footnote reference: the note's text, as a Typst footnote.
    fn footnote(&mut self, node: NodeRef<'a, Node>) {
        let href = node
            .descendants()
            .find_map(|n| n.value().as_element().filter(|e| e.name() == "a"))
            .and_then(|a| a.attr("href"))
            .and_then(|h| h.strip_prefix('#'));
        let Some(key) = href else { return };
        let Some(&(d, id)) = self.book.notes.get(key) else {
            return;
        };
        let label = self.book.labels.get(key).copied();
        if !self.noted.insert(key.to_string()) {
            if let Some(n) = label {
                let _ = write!(self.out, "#footnote(<l{n}>);");
            }
            return;
        }
        let Some(li) = self.book.docs[d].tree.get(id) else {
            return;
        };
        self.out.push_str("#footnote[");
        let mut inner = Writer {
            book: self.book,
            out: String::new(),
            needs: Needs::default(),
            noted: std::mem::take(&mut self.noted),
            images: std::mem::take(&mut self.images),
            labelled: std::mem::take(&mut self.labelled),
        };
        inner.write(li);
        self.noted = inner.noted;
        self.images = inner.images;
        self.labelled = inner.labelled;
        self.needs.scripts.extend(inner.needs.scripts);
        self.out.push_str(inner.out.trim());
        self.out.push(']');
        if let Some(n) = label
            && self.labelled.insert(n)
        {
            let _ = write!(self.out, " <l{n}>");
        }
    }

    /// An image the book holds, else its text alternative.
    fn image(&mut self, el: &Element) {
        let alt = collapse(el.attr("alt").unwrap_or(""));
        let name = el
            .attr("src")
            .and_then(|s| s.strip_prefix("file:"))
            .and_then(|rel| self.book.shown.get(rel).map(|n| (rel, n)));
        match name {
            Some((rel, n)) => {
                self.images.insert(rel.to_string(), n.clone());
                for c in alt.chars() {
                    if let Some(s) = Script::of(c) {
                        self.needs.scripts.insert(s);
                    }
                }
                let _ = write!(self.out, "#pbimage({}, {});", string(n), string(&alt));
            }
            None => {
                if !alt.is_empty() {
                    self.out.push_str("#emph[");
                    self.text(&format!("[{alt}]"));
                    self.out.push(']');
                }
            }
        }
    }

    fn list(&mut self, node: NodeRef<'a, Node>, el: &Element, todo: &mut Vec<Step<'a>>) {
        let items: Vec<NodeRef<'a, Node>> = node
            .children()
            .filter(|c| c.value().as_element().is_some_and(|e| e.name() == "li"))
            .collect();
        if items.is_empty() {
            return;
        }
        if el.name() == "ol" {
            let start = el
                .attr("start")
                .and_then(|s| s.trim().parse::<u64>().ok())
                .unwrap_or(1)
                .min(1_000_000_000);
            let _ = write!(self.out, "\n\n#enum(start: {start}");
        } else {
            self.out.push_str("\n\n#list(");
        }
        todo.push(Step::Markup(")\n\n".into()));
        for (i, item) in items.iter().enumerate().rev() {
            todo.push(Step::Markup("]".into()));
            push_children(*item, todo);
            let sep = if i == 0 && el.name() != "ol" {
                "["
            } else {
                ", ["
            };
            let label = (item.value().as_element())
                .and_then(|e| e.attr("id"))
                .and_then(|id| self.book.labels.get(id).copied());
            let mut open = sep.to_string();
            if let Some(n) = label
                && !self.labelled.contains(&n)
            {
                self.labelled.insert(n);
                let _ = write!(open, "#metadata(none) <l{n}>");
            }
            todo.push(Step::Markup(open));
        }
    }

    fn table(&mut self, node: NodeRef<'a, Node>, todo: &mut Vec<Step<'a>>) {
        let rows: Vec<(bool, NodeRef<'a, Node>)> = node
            .descendants()
            .filter(|n| n.value().as_element().is_some_and(|e| e.name() == "tr"))
            .filter(|n| {
                // Rows of this table, not of one inside it.
                n.ancestors()
                    .find(|a| a.value().as_element().is_some_and(|e| e.name() == "table"))
                    .is_some_and(|t| t.id() == node.id())
            })
            .map(|tr| {
                let head = tr
                    .parent()
                    .and_then(|p| p.value().as_element())
                    .is_some_and(|e| e.name() == "thead");
                (head, tr)
            })
            .collect();
        let cells = |tr: &NodeRef<'a, Node>| -> Vec<NodeRef<'a, Node>> {
            tr.children()
                .filter(|c| {
                    c.value()
                        .as_element()
                        .is_some_and(|e| e.name() == "td" || e.name() == "th")
                })
                .collect()
        };
        let columns = rows
            .iter()
            .map(|(_, tr)| cells(tr).len())
            .max()
            .unwrap_or(0);
        if columns == 0 {
            return;
        }
        let aligns: Vec<&str> = rows
            .first()
            .map(|(_, tr)| cells(tr))
            .unwrap_or_default()
            .iter()
            .map(|c| {
                let el = c.value().as_element();
                let style = el.and_then(|e| e.attr("style")).unwrap_or("");
                let align = el.and_then(|e| e.attr("align")).unwrap_or("");
                if style.contains("right") || align == "right" {
                    "right"
                } else if style.contains("center") || align == "center" {
                    "center"
                } else {
                    "start"
                }
            })
            .collect();
        let mut align = aligns.join(", ");
        for _ in aligns.len()..columns {
            align.push_str(", start");
        }
        let align = align.trim_start_matches(", ").to_string();
        let _ = write!(
            self.out,
            "\n\n#pbtable(columns: {columns}, align: ({align},)"
        );
        todo.push(Step::Markup(")\n\n".into()));
        // Rows in order: pushed last first.
        let mut steps: Vec<Step<'a>> = Vec::new();
        let heads = rows.iter().take_while(|(h, _)| *h).count();
        if heads > 0 {
            steps.push(Step::Markup(", table.header(".into()));
            for (k, (_, tr)) in rows[..heads].iter().enumerate() {
                for (j, cell) in cells(tr).into_iter().enumerate() {
                    let sep = if k == 0 && j == 0 { "" } else { ", " };
                    steps.push(Step::Markup(format!("{sep}[#strong[")));
                    steps.push(Step::Node(cell));
                    steps.push(Step::Markup("]]".into()));
                }
            }
            steps.push(Step::Markup(")".into()));
        }
        for (_, tr) in &rows[heads..] {
            for cell in cells(tr) {
                steps.push(Step::Markup(", [".into()));
                steps.push(Step::Node(cell));
                steps.push(Step::Markup("]".into()));
            }
        }
        // A cell's own element (`td`) writes only its children.
        todo.extend(steps.into_iter().rev());
    }
}

/// Whether a link leads to another host (kept as a link in the book).
fn is_web(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

/// The `#set text(...)` of a block that says its language or direction.
fn block_lang(el: &Element) -> Option<String> {
    if !matches!(
        el.name(),
        "section" | "div" | "article" | "aside" | "blockquote"
    ) {
        return None;
    }
    let mut args = Vec::new();
    if let Some(lang) = el.attr("lang") {
        let (l, region) = typst_lang(lang);
        if let Some(l) = l {
            args.push(format!("lang: {}", string(&l)));
        }
        if let Some(r) = region {
            args.push(format!("region: {}", string(&r)));
        }
    }
    match el.attr("dir") {
        Some("rtl") => args.push("dir: rtl".into()),
        Some("ltr") => args.push("dir: ltr".into()),
        _ => {}
    }
    (!args.is_empty()).then(|| format!("#set text({});", args.join(", ")))
}

/// A BCP 47 tag as Typst's language (ISO 639) and region (ISO 3166).
pub fn typst_lang(tag: &str) -> (Option<String>, Option<String>) {
    let mut parts = tag.split(['-', '_']);
    let lang = parts
        .next()
        .map(|l| l.to_ascii_lowercase())
        .filter(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase()));
    let region = parts
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
        .map(|r| r.to_ascii_uppercase());
    (lang, region)
}

fn heading_level(el: &Element) -> Option<u8> {
    match el.name() {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

fn has_class(el: &Element, class: &str) -> bool {
    el.has_class(class, scraper::CaseSensitivity::CaseSensitive)
}

fn push_children<'a>(node: NodeRef<'a, Node>, todo: &mut Vec<Step<'a>>) {
    todo.extend(node.children().rev().map(Step::Node));
}

/// All the text under a node, as it is.
fn text_of(node: NodeRef<'_, Node>) -> String {
    node.descendants()
        .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
        .collect()
}

/// Runs of HTML whitespace as one space, as a browser shows them.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    if space {
        out.push(' ');
    }
    out
}

/// A Typst string literal holding `text` exactly (less the characters no
/// document may hold).
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if chars::is_unwritable(c) || c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markup(html: &str) -> String {
        Book::new(&[html.to_string()], BTreeMap::new()).markup().0
    }

    #[test]
    fn text_is_always_a_string() {
        let m = markup("<p>#set page(width: 1pt) *bold* \"q\" \\ $x$</p>");
        assert!(
            m.contains(r##"#"#set page(width: 1pt) *bold* \"q\" \\ $x$";"##),
            "{m}"
        );
    }

    #[test]
    fn links_reach_labels_and_unknown_ones_are_text() {
        let m = markup(
            "<h2 id=\"0:a\">A</h2><p><a href=\"#0:a\">to a</a> <a href=\"#0:zz\">nowhere</a></p>",
        );
        assert!(m.contains("#heading(level: 2)[#\"A\";] <l0>"), "{m}");
        assert!(m.contains("#link(<l0>)[#\"to a\";]"), "{m}");
        assert!(!m.contains("<l1>"), "{m}");
        assert!(m.contains("#\"nowhere\";"), "{m}");
    }

    #[test]
    fn footnotes_are_written_where_referenced() {
        let html = "<p>x<sup class=\"footnote-ref\"><a id=\"0:r\" href=\"#0:n\">1</a></sup></p>\
            <div class=\"footnotes\"><ol><li id=\"0:n\"><p>the note <a class=\"footnote-back\" href=\"#0:r\">↩</a></p></li></ol></div>";
        let m = markup(html);
        assert!(m.contains("#footnote[#\"the note \";]"), "{m}");
        assert_eq!(m.matches("the note").count(), 1, "{m}");
    }

    #[test]
    fn code_keeps_its_lines_and_language() {
        let m = markup(
            "<pre class=\"code\"><code class=\"language-bash\"><span>echo \"hi\"\n</span>ls\n</code></pre>",
        );
        assert!(
            m.contains("#pbcode(\"echo \\\"hi\\\"\\nls\", \"bash\")"),
            "{m}"
        );
    }

    #[test]
    fn tables_have_their_columns_and_header() {
        let m = markup(
            "<table><thead><tr><th>a</th><th style=\"text-align: right\">b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>",
        );
        assert!(m.contains("#pbtable(columns: 2, align: (start, right,), table.header([#strong[#\"a\";]], [#strong[#\"b\";]]), [#\"1\";], [#\"2\";])"), "{m}");
    }

    #[test]
    fn sections_say_their_language() {
        let m = markup("<section lang=\"en-GB\" dir=\"ltr\"><p>x</p></section>");
        assert!(
            m.contains("#[#set text(lang: \"en\", region: \"GB\", dir: ltr);"),
            "{m}"
        );
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let html = "<blockquote>".repeat(5000) + "x";
        let m = markup(&html);
        assert!(m.contains("#\"x\";"));
    }
}
