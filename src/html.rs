//! Small HTML helpers: escaping text and attribute values.

/// Escapes text for use in HTML content and quoted attribute values.
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
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[copied..i])?;
        out.write_str(entity)?;
        copied = i + 1;
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
}
