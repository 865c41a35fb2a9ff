//! Sanitising raw HTML written in Markdown, with ammonia: no scripts, event
//! handlers, `javascript:` URLs, iframes, forms or styles, while keeping the
//! markup polybook itself generates (ids, classes, direction, roles).
//!
//! URLs are judged by [`safe_url`], as everywhere else: ammonia's own list
//! of schemes is replaced by polybook's, and attributes that ammonia does
//! not read as URLs (`srcset`, `cite`) are judged too.

use std::sync::LazyLock;

use crate::render::safe_url;

/// True when a kept attribute's URLs are all allowed.
fn urls_allowed(attribute: &str, value: &str) -> bool {
    match attribute {
        "srcset" => safe_url::srcset(value)
            .iter()
            .all(|c| safe_url::allowed(c.url)),
        "href" | "src" | "cite" | "poster" | "action" | "formaction" | "data" | "background"
        | "longdesc" => safe_url::allowed(value),
        _ => true,
    }
}

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags([
        "aside",
        "section",
        "bdi",
        "bdo",
        "span",
        "input",
        "kbd",
        "abbr",
        "details",
        "summary",
        "figure",
        "figcaption",
        "mark",
        "picture",
        "source",
    ])
    .add_generic_attributes([
        "class",
        "id",
        "lang",
        "dir",
        "title",
        "role",
        "aria-label",
        "aria-hidden",
        "aria-describedby",
        "tabindex",
    ])
    .add_tag_attributes("input", ["type", "checked", "disabled"])
    .add_tag_attributes("img", ["loading", "decoding", "srcset", "sizes"])
    .add_tag_attributes("source", ["srcset", "sizes", "type", "media"])
    .add_tag_attributes("ol", ["start", "reversed", "type"])
    .add_tag_attributes("details", ["open"])
    .attribute_filter(|element, attribute, value| {
        // Only read-only checkboxes (task lists): no form controls.
        if element == "input" && attribute == "type" && value != "checkbox" {
            return None;
        }
        if !urls_allowed(attribute, value) {
            return None;
        }
        Some(value.into())
    })
    .url_schemes(safe_url::SCHEMES.iter().copied().collect())
    .link_rel(None)
    .url_relative(ammonia::UrlRelative::PassThrough)
    .strip_comments(true);
    b
});

/// Cleans a rendered chapter body.
pub fn clean(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_dangerous_markup() {
        let out = clean(
            "<p onclick=\"x()\">hi<script>alert(1)</script></p><a href=\"javascript:alert(1)\">a</a>\
             <iframe src=\"https://e.org\"></iframe><form><input type=\"text\"></form><p style=\"background:url(https://t.org/x)\">s</p>",
        );
        assert!(!out.contains("onclick") && !out.contains("script") && !out.contains("javascript"));
        assert!(!out.contains("iframe") && !out.contains("form") && !out.contains("type=\"text\""));
        assert!(!out.contains("style"));
    }

    #[test]
    fn urls_are_judged_as_browsers_read_them() {
        let out = clean(
            "<a href=\" javascript:alert(1)\">a</a><a href=\"jav&#9;ascript:alert(2)\">b</a>\
             <img src=\"x.png\" srcset=\"y.png 2x, javascript:alert(3) 3x\">\
             <blockquote cite=\"&#1;javascript:alert(4)\">q</blockquote><a href=\"sms:1\">s</a>",
        );
        assert!(
            !out.contains("javascript") && !out.contains("sms:"),
            "{out}"
        );
        assert!(
            out.contains("<a>a</a><a>b</a>") && out.contains("src=\"x.png\""),
            "{out}"
        );
        let kept = "<img src=\"x.png\" srcset=\"y.png 2x, z.png 3x\"><blockquote cite=\"https://e.org/\">q</blockquote>";
        assert_eq!(clean(kept), kept);
    }

    #[test]
    fn keeps_generated_markup() {
        let html = "<div class=\"alert alert-warning\" role=\"note\"><p class=\"alert-title\">W</p></div>\
                    <h2 id=\"x\"><span id=\"y\" class=\"anchor-alias\"></span>T</h2><p dir=\"ltr\" lang=\"en\">x</p>\
                    <a href=\"../a.html#b\">l</a><input type=\"checkbox\" disabled=\"\" checked=\"\">";
        assert_eq!(clean(html), html);
    }
}
