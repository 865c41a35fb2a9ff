//! Raw HTML written in Markdown, rewritten with lol_html: its links and images
//! resolved and checked like Markdown's, URLs whose scheme is refused left
//! out, and its ids (and `<a name>` anchors) turned into id slots, so that
//! print pages prefix them like heading ids.

use std::cell::RefCell;

use lol_html::HandlerResult;
use lol_html::errors::AttributeNameError;
use lol_html::html_content::{ContentType, Element};

use crate::diag::Diagnostic;
use crate::model::outline::footnote_id;
use crate::render::html::escape;
use crate::render::links;
use crate::render::markdown::{At, RenderInput, Rendered, Slot, SlotTable};
use crate::render::safe_url::{self, Judged};

/// What polybook does with a URL attribute of raw HTML.
#[derive(Debug, Clone, Copy, PartialEq)]
enum UrlUse {
    /// Resolved and checked as a link, like a Markdown link.
    Link,
    /// Resolved and checked as an image (or other media the page loads).
    Image,
    /// Image candidates (`srcset`), each resolved and checked as an image.
    ImageSet,
    /// Only judged ([`safe_url::judge`]): left out when refused.
    Judged,
}

/// How an attribute of an element of raw HTML carries URLs, if it does
/// (names in lower case, as lol_html gives them).
fn url_use(element: &str, attribute: &str) -> Option<UrlUse> {
    Some(match (element, attribute) {
        ("a" | "area", "href") => UrlUse::Link,
        ("img" | "source" | "video" | "audio" | "track", "src") | ("video", "poster") => {
            UrlUse::Image
        }
        ("img" | "source", "srcset") => UrlUse::ImageSet,
        (
            _,
            "href" | "src" | "srcset" | "imagesrcset" | "xlink:href" | "action" | "formaction"
            | "cite" | "background" | "data" | "poster" | "longdesc" | "lowsrc" | "dynsrc" | "ping"
            | "archive" | "codebase" | "classid" | "manifest" | "icon" | "profile" | "usemap",
        ) => UrlUse::Judged,
        _ => return None,
    })
}

/// Attributes whose value is a list of ids of the same page.
const ID_REFERENCES: &[&str] = &[
    "aria-activedescendant",
    "aria-controls",
    "aria-describedby",
    "aria-details",
    "aria-errormessage",
    "aria-flowto",
    "aria-labelledby",
    "aria-owns",
    "for",
    "headers",
    "list",
];

/// The URLs in the value of a judged attribute.
fn judged_urls<'a>(attribute: &str, value: &'a str) -> Vec<&'a str> {
    match attribute {
        "srcset" | "imagesrcset" => safe_url::srcset(value).iter().map(|c| c.url).collect(),
        "ping" | "archive" => value.split_ascii_whitespace().collect(),
        _ => vec![value],
    }
}

/// Resolves and checks the links and images of a piece of raw HTML, leaves
/// out URLs whose scheme is refused, and turns its ids (and `<a name>`
/// anchors) into id slots, so that print pages prefix them like heading ids.
pub(super) fn rewrite(
    input: &RenderInput<'_>,
    table: &SlotTable,
    html: &str,
    at: &At<'_>,
    out: &mut Rendered,
) -> String {
    let rewriter = Rewriter {
        input,
        table,
        at,
        found: RefCell::new(Vec::new()),
    };
    let rewritten = lol_html::rewrite_str(
        html,
        lol_html::RewriteStrSettings::new()
            .append_element_content_handler(lol_html::element!("*", |el| rewriter.element(el))),
    );
    for (diag, file) in rewriter.found.into_inner() {
        out.diagnostics.extend(diag);
        out.files.extend(file);
    }
    rewritten.unwrap_or_else(|_| html.to_string())
}

/// Rewrites the elements of one piece of raw HTML.
struct Rewriter<'r> {
    input: &'r RenderInput<'r>,
    table: &'r SlotTable,
    /// Where the piece is in the chapter.
    at: &'r At<'r>,
    /// Problems met and files used, in order, for the page once the piece
    /// is rewritten.
    found: RefCell<Vec<(Option<Diagnostic>, Option<String>)>>,
}

impl Rewriter<'_> {
    fn problem(&self, diag: Diagnostic) {
        self.found.borrow_mut().push((Some(diag), None));
    }

    /// The slot for a URL, resolved and checked; `None` when it must not be
    /// written.
    fn resolve(&self, url: &str, image: bool) -> Option<String> {
        let r = self.input.resolve(url, self.at, image);
        self.found.borrow_mut().push((r.diag, r.file));
        r.link.map(|link| self.table.add(Slot::Href(link)))
    }

    fn element(&self, el: &mut Element<'_, '_>) -> HandlerResult {
        let tag = el.tag_name();
        let attributes: Vec<(String, String)> = (el.attributes().iter())
            .map(|a| (a.name(), a.value()))
            .collect();
        let left_out = self.urls(el, &tag, &attributes)?;
        // An image left without a source shows its text instead.
        if tag == "img" && left_out && !el.has_attribute("src") && !el.has_attribute("srcset") {
            let alt = el.get_attribute("alt").unwrap_or_default();
            let alt = htmlize::unescape_attribute(alt.as_str());
            el.replace(
                &format!("<span class=\"missing-image\">{}</span>", escape(&alt)),
                ContentType::Html,
            );
            return Ok(());
        }
        // An image given only candidates gets the first as its source,
        // which HTML requires and books need.
        if tag == "img"
            && !el.has_attribute("src")
            && let Some(first) = (el.get_attribute("srcset"))
                .and_then(|set| safe_url::srcset(&set).first().map(|c| c.url.to_string()))
        {
            el.set_attribute("src", &first)?;
        }
        self.anchors(el, &tag)?;
        self.id_references(el, &attributes)?;
        Ok(())
    }

    /// Writes the URL attributes of an element as slots, or leaves them out;
    /// says whether a link or image URL was left out.
    fn urls(
        &self,
        el: &mut Element<'_, '_>,
        tag: &str,
        attributes: &[(String, String)],
    ) -> Result<bool, AttributeNameError> {
        let mut left_out = false;
        for (name, raw) in attributes {
            let Some(kind) = url_use(tag, name) else {
                continue;
            };
            // lol_html gives values as written: entities are decoded once
            // here, and a slot's value is escaped once when it is written.
            let value = htmlize::unescape_attribute(raw.as_str());
            let written = match kind {
                UrlUse::Link | UrlUse::Image => self.resolve(&value, kind == UrlUse::Image),
                UrlUse::ImageSet => self.image_set(&value),
                UrlUse::Judged => {
                    self.judge(el, tag, name, &value);
                    continue;
                }
            };
            match written {
                Some(value) => el.set_attribute(name, &value)?,
                None => {
                    el.remove_attribute(name);
                    left_out = true;
                }
            }
        }
        Ok(left_out)
    }

    /// Image candidates, each resolved as an image; `None` when none is
    /// left.
    fn image_set(&self, value: &str) -> Option<String> {
        let candidates: Vec<String> = (safe_url::srcset(value).iter())
            .filter_map(|c| {
                let slot = self.resolve(c.url, true)?;
                Some(match c.descriptor {
                    "" => slot,
                    d => format!("{slot} {}", escape(d)),
                })
            })
            .collect();
        (!candidates.is_empty()).then(|| candidates.join(", "))
    }

    /// Leaves out an attribute that holds a URL whose scheme is refused.
    fn judge(&self, el: &mut Element<'_, '_>, tag: &str, name: &str, value: &str) {
        let refused =
            (judged_urls(name, value).into_iter()).find_map(|u| match safe_url::judge(u) {
                Judged::Refused(scheme) => Some(scheme),
                _ => None,
            });
        if let Some(scheme) = refused {
            let e = links::refused(&scheme);
            let message = format!("`{name}` of `<{tag}>`: {}", e.message);
            self.problem(self.input.diag(self.at, true, message, e.hint));
            el.remove_attribute(name);
        }
    }

    /// Anchors: `id`, and `name` on `a` (obsolete in HTML, not allowed in
    /// books), become id slots; an id the chapter already has is left out.
    fn anchors(&self, el: &mut Element<'_, '_>, tag: &str) -> Result<(), AttributeNameError> {
        let decoded = |v: String| htmlize::unescape_attribute(v.as_str()).into_owned();
        let id = el.get_attribute("id").map(decoded);
        let name = (tag == "a")
            .then(|| el.get_attribute("name"))
            .flatten()
            .map(decoded);
        if name.is_some() {
            el.remove_attribute("name");
        }
        if let Some(id) = &id {
            match self.claim_id(id) {
                Some(slot) => el.set_attribute("id", &slot)?,
                None => el.remove_attribute("id"),
            }
        }
        if let Some(name) = name.filter(|n| Some(n) != id.as_ref())
            && let Some(slot) = self.claim_id(&name)
        {
            if el.has_attribute("id") {
                el.before(&format!("<span id=\"{slot}\"></span>"), ContentType::Html);
            } else {
                el.set_attribute("id", &slot)?;
            }
        }
        Ok(())
    }

    /// The slot for an id written in raw HTML; `None` when it cannot be
    /// one: empty, or an id the chapter already has (headings and footnotes
    /// first, then raw HTML in order), which is reported.
    fn claim_id(&self, id: &str) -> Option<String> {
        if id.is_empty() {
            return None;
        }
        let mut ids = self.table.ids.borrow_mut();
        let ids = ids.get_or_insert_with(|| {
            let anchors = &self.input.source.anchors;
            let mut taken: std::collections::HashSet<String> = (anchors.ids.iter())
                .chain(anchors.aliases.iter().flatten())
                .cloned()
                .collect();
            for label in &self.input.source.outline.footnotes {
                let (def, reference) = footnote_id(label);
                taken.insert(def);
                taken.insert(reference);
            }
            taken
        });
        if !ids.insert(id.to_string()) {
            self.problem(self.input.diag(
                self.at,
                false,
                format!("the id `{id}` is used twice in this chapter; the second one is left out"),
                Some("give each element its own id; a heading takes its id from its text unless given one with `{#id}`".into()),
            ));
            return None;
        }
        Some(self.table.add(Slot::Id(id.to_string())))
    }

    /// References to ids of the chapter (`aria-describedby`, `for`...)
    /// follow those ids, which print pages prefix.
    fn id_references(
        &self,
        el: &mut Element<'_, '_>,
        attributes: &[(String, String)],
    ) -> Result<(), AttributeNameError> {
        for (name, raw) in attributes {
            if !ID_REFERENCES.contains(&name.as_str()) {
                continue;
            }
            let value = htmlize::unescape_attribute(raw.as_str());
            let refs: Vec<String> = (value.split_ascii_whitespace())
                .map(|r| {
                    if self.input.source.anchors.all.contains(r) {
                        self.table.add(Slot::Id(r.to_string()))
                    } else {
                        escape(r)
                    }
                })
                .collect();
            el.set_attribute(name, &refs.join(" "))?;
        }
        Ok(())
    }
}
