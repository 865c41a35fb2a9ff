//! Small HTML helpers: escaping text and attribute values.

use crate::chars;

/// Escapes text for use in HTML content and quoted attribute values,
/// leaving out the characters no page or book may contain
/// ([`chars::is_unwritable`]).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s).expect("writing to a String cannot fail");
    out
}

/// [`escape`], written to `out`: runs without special characters are
/// written whole.
pub fn escape_into(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let (entity, len) = match b {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            // Later bytes of a character left out match none of these.
            _ => match chars::unwritable_at(s, i) {
                Some(len) => ("", len),
                None => continue,
            },
        };
        out.write_str(&s[copied..i])?;
        out.write_str(entity)?;
        copied = i + len;
    }
    out.write_str(&s[copied..])
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(
            super::escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn leaves_out_characters_xml_forbids() {
        assert_eq!(
            super::escape("a\u{1}b\u{b}<\u{85}é\u{ffff}中\u{1b}"),
            "ab&lt;é中"
        );
    }
}
