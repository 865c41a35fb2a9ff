//! Small HTML helpers: escaping text and attribute values.

use crate::render::chars;

/// Escapes text for use in HTML content and quoted attribute values,
/// leaving out the characters no page or book may contain
/// ([`chars::is_unwritable`]).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    escape_into(&mut out, s).expect("writing to a String cannot fail");
    out
}

/// What each byte needs in [`escape_into`]: nothing (0), an entity (1), or
/// a look at the character it starts, which may have to be left out (2).
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b'&' | b'<' | b'>' | b'"' | b'\'' => 1,
            0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F | 0xC2 | 0xEF | 0xF0.. => 2,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// [`escape`], written to `out`: runs without special characters are
/// written whole.
pub fn escape_into(out: &mut impl std::fmt::Write, s: &str) -> std::fmt::Result {
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let (entity, len) = match CLASS[b as usize] {
            0 => continue,
            1 => (
                match b {
                    b'&' => "&amp;",
                    b'<' => "&lt;",
                    b'>' => "&gt;",
                    b'"' => "&quot;",
                    _ => "&#39;",
                },
                1,
            ),
            // Later bytes of a character left out are never looked at:
            // they are continuation bytes, of class 0.
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
            super::escape("a\u{1}b\u{b}<\u{85}«é»\u{ffff}中，\u{1b}\u{1f600}\u{1fffe}"),
            "ab&lt;«é»中，\u{1f600}"
        );
    }
}
