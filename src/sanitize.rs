//! Sanitising raw HTML written in Markdown, with ammonia: no scripts, event
//! handlers, `javascript:` URLs, iframes, forms or styles, while keeping the
//! markup polybook itself generates (ids, classes, direction, roles).

use std::sync::LazyLock;

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
    .add_tag_attributes("img", ["loading", "decoding"])
    .add_tag_attributes("source", ["srcset", "type", "media"])
    .add_tag_attributes("ol", ["start", "reversed", "type"])
    .add_tag_attributes("details", ["open"])
    .attribute_filter(|element, attribute, value| {
        // Only read-only checkboxes (task lists): no form controls.
        if element == "input" && attribute == "type" && value != "checkbox" {
            return None;
        }
        Some(value.into())
    })
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
    fn keeps_generated_markup() {
        let html = "<div class=\"alert alert-warning\" role=\"note\"><p class=\"alert-title\">W</p></div>\
                    <h2 id=\"x\"><span id=\"y\" class=\"anchor-alias\"></span>T</h2><p dir=\"ltr\" lang=\"en\">x</p>\
                    <a href=\"../a.html#b\">l</a><input type=\"checkbox\" disabled=\"\" checked=\"\">";
        assert_eq!(clean(html), html);
    }
}
