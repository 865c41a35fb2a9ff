//! XHTML for EPUB: turns a rendered HTML fragment into well-formed XHTML by
//! parsing it (html5ever, through scraper) and writing the tree back as XML.
//!
//! While writing, it applies what a book needs and a web page does not:
//! footnotes become EPUB footnotes (`epub:type`), links that have no target
//! inside the book become plain text, images that are not in the book become
//! their text alternative, an image with candidates (`srcset`) gets the
//! largest one the book holds as its only source (and a `<picture>` keeps
//! only its image), every `lang` gets its `xml:lang` twin, and characters
//! XML forbids are left out.

use ego_tree::NodeRef;
use scraper::node::Element;
use scraper::{Html, Node};

use crate::render::chars;
use crate::render::html::escape;
use crate::render::safe_url::{self, Judged};

/// Marks a link or image with no target in the book; any text after the
/// marker is added after the link's own text, in parentheses.
pub const UNLINK: char = '\u{E002}';

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// What is left to write: a node, or markup that closes one.
enum Step<'a> {
    Node(NodeRef<'a, Node>),
    Markup(String),
}

/// Converts an HTML fragment to XHTML. The tree is walked with a list of
/// what is left to write, not by recursion, so that no nesting of the
/// input can exhaust the stack.
pub fn from_fragment(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut todo: Vec<Step<'_>> = Vec::new();
    push_children(*doc.root_element(), &mut todo);
    while let Some(step) = todo.pop() {
        match step {
            Step::Markup(m) => out.push_str(&m),
            Step::Node(node) => write_node(node, &mut out, &mut todo),
        }
    }
    out
}

/// Writes what comes before a node's children, and leaves its children and
/// what follows them in `todo`.
fn write_node<'a>(node: NodeRef<'a, Node>, out: &mut String, todo: &mut Vec<Step<'a>>) {
    match node.value() {
        Node::Text(t) => out.push_str(&escape_text(t)),
        Node::Element(el) => write_element(node, el, out, todo),
        _ => {}
    }
}

/// [`write_node`] for element `el`, written as a book needs it.
///
/// A link with no target in the book becomes its text, an image the file
/// the book holds, footnotes EPUB footnotes; any other element is XML.
fn write_element<'a>(
    node: NodeRef<'a, Node>,
    el: &Element,
    out: &mut String,
    todo: &mut Vec<Step<'a>>,
) {
    let name = el.name();
    if name == "a"
        && let Some(href) = el.attr("href")
        && let Some(rest) = href.strip_prefix(UNLINK)
    {
        unlink(node, rest, todo);
    } else if name == "source" && parent_is(node, |e| e.name() == "picture") {
        // A book's picture is its image: the other sources of a
        // `<picture>` may name files the book does not hold.
    } else if name == "img" {
        write_img(el, out);
    } else if name == "div" && has_class(el, "footnotes") {
        write_footnotes(node, out, todo);
    } else {
        write_start_tag(node, el, out);
        if VOID.contains(&name) {
            out.push_str("/>");
            return;
        }
        out.push('>');
        todo.push(Step::Markup(format!("</{name}>")));
        push_children(node, todo);
    }
}

/// Leaves a link with no target in the book as its text in `todo`.
///
/// `rest` is what follows the marker in its `href`; it follows the text in
/// parentheses when it adds something.
fn unlink<'a>(node: NodeRef<'a, Node>, rest: &str, todo: &mut Vec<Step<'a>>) {
    let text: String = node
        .descendants()
        .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
        .collect();
    if !rest.is_empty() && !rest.contains('/') && rest != text {
        todo.push(Step::Markup(format!(" ({})", escape_text(rest))));
    }
    push_children(node, todo);
}

/// Writes an image with the largest file the book holds as its source, else its alt text.
fn write_img(el: &Element, out: &mut String) {
    // Only files inside the book: never another host.
    let in_book = |src: &str| {
        !src.is_empty()
            && !src.starts_with(UNLINK)
            && matches!(safe_url::judge(src), Judged::Local(_))
    };
    let largest = el.attr("srcset").and_then(|set| {
        (safe_url::srcset(set).into_iter().rev())
            .filter(|c| in_book(c.url))
            .max_by(|a, b| a.size().total_cmp(&b.size()))
    });
    let src = largest
        .map(|c| c.url)
        .or(el.attr("src").filter(|s| in_book(s)));
    let Some(src) = src else {
        let alt = el.attr("alt").unwrap_or("");
        out.push_str(&format!(
            "<span class=\"missing-image\">{}</span>",
            escape_text(alt)
        ));
        return;
    };
    out.push_str("<img");
    for (attr, value) in el.attrs() {
        if !matches!(attr, "src" | "srcset" | "sizes") {
            write_attr(out, attr, value);
        }
    }
    write_attr(out, "src", src);
    out.push_str("/>");
}

/// Writes an element's start tag, without its closing `>`.
///
/// It has the attributes that a book allows, each `lang` with its
/// `xml:lang` twin, and the EPUB roles of footnote links.
fn write_start_tag(node: NodeRef<'_, Node>, el: &Element, out: &mut String) {
    let name = el.name();
    out.push('<');
    out.push_str(name);
    if name == "svg" {
        out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
    }
    for (attr, value) in el.attrs() {
        // Nothing refused reaches a book, whatever wrote it.
        if matches!(attr, "href" | "src" | "cite" | "poster") && !safe_url::allowed(value) {
            continue;
        }
        write_attr(out, attr, value);
        if attr == "lang" {
            write_attr(out, "xml:lang", value);
        }
    }
    if name == "a" && parent_is(node, |e| has_class(e, "footnote-ref")) {
        write_attr(out, "epub:type", "noteref");
        write_attr(out, "role", "doc-noteref");
    }
    if name == "a" && has_class(el, "footnote-back") {
        write_attr(out, "role", "doc-backlink");
    }
}

/// Whether a node's parent is an element for which `test` holds.
fn parent_is(node: NodeRef<'_, Node>, test: impl Fn(&Element) -> bool) -> bool {
    node.parent()
        .and_then(|p| p.value().as_element().map(test))
        .unwrap_or(false)
}

/// Whether an element has `class` among its classes.
fn has_class(el: &Element, class: &str) -> bool {
    el.has_class(class, scraper::CaseSensitivity::CaseSensitive)
}

/// Leaves a node's children in `todo`, the first to be written last in.
fn push_children<'a>(node: NodeRef<'a, Node>, todo: &mut Vec<Step<'a>>) {
    todo.extend(node.children().rev().map(Step::Node));
}

/// Footnotes as EPUB footnotes: one `aside` each, numbered.
fn write_footnotes<'a>(node: NodeRef<'a, Node>, out: &mut String, todo: &mut Vec<Step<'a>>) {
    out.push_str("<div class=\"footnotes\">");
    let items: Vec<_> = node
        .descendants()
        .filter(|n| n.value().as_element().is_some_and(|e| e.name() == "li"))
        .collect();
    todo.push(Step::Markup("</div>".into()));
    for (n, li) in items.into_iter().enumerate().rev() {
        let id = li
            .value()
            .as_element()
            .and_then(|e| e.attr("id"))
            .unwrap_or("");
        todo.push(Step::Markup("</aside>".into()));
        push_children(li, todo);
        todo.push(Step::Markup(format!(
            "<aside id=\"{}\" class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\"><span class=\"footnote-number\">{}.</span> ",
            escape(id),
            n + 1
        )));
    }
}

fn write_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    out.push_str(&escape(value));
    out.push('"');
}

fn escape_text(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in chars::without_unwritable(t).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn void_elements_close_and_text_is_escaped() {
        assert_eq!(
            from_fragment(
                "<p>a &amp; b<br><img src=\"m.png\" alt=\"x\"><input type=checkbox disabled></p>"
            ),
            "<p>a &amp; b<br/><img alt=\"x\" src=\"m.png\"/><input disabled=\"\" type=\"checkbox\"/></p>"
        );
    }

    #[test]
    fn unlinked_links_become_text_with_the_target_title() {
        let html = format!(
            "<p><a href=\"{UNLINK}Passphrases (Digital guide)\">strong passphrases</a></p>"
        );
        assert_eq!(
            from_fragment(&html),
            "<p>strong passphrases (Passphrases (Digital guide))</p>"
        );
    }

    #[test]
    fn remote_and_missing_images_become_their_alt_text() {
        let out = from_fragment("<img src=\"https://e.org/x.png\" alt=\"chart\">");
        assert_eq!(out, "<span class=\"missing-image\">chart</span>");
    }

    #[test]
    fn images_with_candidates_get_the_largest_in_the_book_as_source() {
        let out = from_fragment(&format!(
            "<img alt=\"a\" srcset=\"media/s.png 1x, media/l.png 2x, {UNLINK} 3x, https://e.org/x.png 4x\">\
             <img src=\"media/s.png\" srcset=\"media/w.png 640w, media/v.png 320w\" sizes=\"50vw\">\
             <img src=\"{UNLINK}\" srcset=\"https://e.org/x.png 2x\" alt=\"gone\">\
             <picture><source srcset=\"https://e.org/x.png\"><img src=\"media/s.png\"></picture>"
        ));
        assert_eq!(
            out,
            "<img alt=\"a\" src=\"media/l.png\"/><img src=\"media/w.png\"/>\
             <span class=\"missing-image\">gone</span><picture><img src=\"media/s.png\"/></picture>"
        );
    }

    #[test]
    fn characters_xml_forbids_and_refused_urls_are_left_out() {
        let out = from_fragment(
            "<p title=\"a&#1;b\">x&#1;y\u{b}z\u{85}</p><a href=\" javascript:alert(1)\">t</a>",
        );
        assert_eq!(out, "<p title=\"ab\">xyz</p><a>t</a>");
    }

    #[test]
    fn footnotes_become_epub_footnotes_and_lang_gets_xml_lang() {
        let out = from_fragment(
            "<p lang=\"en\">x<sup class=\"footnote-ref\"><a id=\"r\" href=\"#fn-1\">1</a></sup></p>\
             <div class=\"footnotes\"><ol><li id=\"fn-1\"><p>Note <a class=\"footnote-back\" href=\"#r\">↩</a></p></li></ol></div>",
        );
        assert!(out.contains("lang=\"en\" xml:lang=\"en\""));
        assert!(out.contains("epub:type=\"noteref\""));
        assert!(out.contains(
            "<aside id=\"fn-1\" class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\">"
        ));
        assert!(out.contains("role=\"doc-backlink\""));
    }
}
