//! Code highlighting at build time with syntect: spans with CSS classes, no
//! JavaScript and no inline colours (the theme's stylesheet colours them).

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::html::escape;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Class prefix of highlighted tokens, e.g. `hl-comment`.
pub const CLASS_PREFIX: &str = "hl-";

/// Renders a code block. `info` is the fence's info string (`sh`, `rust title=x`).
pub fn code_block(code: &str, info: &str) -> String {
    let token = info.split([' ', ',', '{']).next().unwrap_or("").trim();
    let lang_class = if token.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", escape(token))
    };
    let body = highlight(code, token).unwrap_or_else(|| escape(code));
    format!(
        "<pre class=\"code\" dir=\"ltr\" tabindex=\"0\"><code{lang_class}>{body}</code></pre>\n"
    )
}

/// Code blocks highlighted before the bodies are rendered: translations
/// keep the source's code, so each distinct block is highlighted once
/// instead of once per language. A block not listed is highlighted when it
/// is rendered.
#[derive(Debug, Default)]
pub struct Highlighted {
    /// By code: each info string it was written with, and the HTML.
    blocks: FxHashMap<Box<str>, Vec<InfoHtml>>,
}

/// An info string and the HTML of the block written with it.
type InfoHtml = (Box<str>, Box<str>);

impl Highlighted {
    /// The table of `(code, info) → code_block(code, info)` pairs.
    pub fn new(blocks: impl IntoIterator<Item = (String, String, String)>) -> Highlighted {
        let mut table = Highlighted::default();
        for (code, info, html) in blocks {
            table
                .blocks
                .entry(code.into())
                .or_default()
                .push((info.into(), html.into()));
        }
        table
    }

    /// The HTML of a code block: from the table, or highlighted now.
    pub fn code_block(&self, code: &str, info: &str) -> String {
        self.blocks
            .get(code)
            .and_then(|v| v.iter().find(|(i, _)| &**i == info))
            .map_or_else(|| code_block(code, info), |(_, html)| html.to_string())
    }
}

fn highlight(code: &str, token: &str) -> Option<String> {
    if token.is_empty() {
        return None;
    }
    let token = match token.to_ascii_lowercase().as_str() {
        "shell" | "console" | "zsh" | "sh" => "bash".to_string(),
        other => other.to_string(),
    };
    let syntax = SYNTAXES.find_syntax_by_token(&token)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        &SYNTAXES,
        ClassStyle::SpacedPrefixed {
            prefix: CLASS_PREFIX,
        },
    );
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block("# check it\nsha256sum file.iso\n", "sh");
        assert!(html.contains("class=\"language-sh\""));
        assert!(html.contains("hl-comment"), "{html}");
        assert!(!html.contains("style="));
    }

    #[test]
    fn the_table_gives_what_highlighting_gives() {
        let blocks = [
            ("ls -l\n", "sh"),
            ("ls -l\n", "text"),
            ("x = 1\n", "python"),
        ];
        let table = Highlighted::new(
            blocks
                .iter()
                .map(|&(code, info)| (code.to_string(), info.to_string(), code_block(code, info))),
        );
        for (code, info) in blocks.into_iter().chain([("not listed\n", "sh")]) {
            assert_eq!(table.code_block(code, info), code_block(code, info));
        }
        // Listed HTML is used as it is.
        let table = Highlighted::new([("a".into(), "sh".into(), "<pre>A</pre>".into())]);
        assert_eq!(table.code_block("a", "sh"), "<pre>A</pre>");
        assert_ne!(table.code_block("a", "bash"), "<pre>A</pre>");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = code_block("a < b && c\n", "nosuchlang");
        assert!(html.contains("a &lt; b &amp;&amp; c"));
    }
}
