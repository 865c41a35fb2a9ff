//! Code highlighting at build time with syntect: spans with CSS classes, no
//! JavaScript and no inline colours (the theme's stylesheet colours them).

use std::sync::LazyLock;

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
    fn unknown_language_is_escaped_plain_text() {
        let html = code_block("a < b && c\n", "nosuchlang");
        assert!(html.contains("a &lt; b &amp;&amp; c"));
    }
}
