//! Character classes that heading ids and search terms ask for millions of
//! times, answered from a bit table for the scripts of the manuals (Latin,
//! Greek, Cyrillic, Hebrew, Arabic, Indic, Thai, Tibetan, Myanmar, Ethiopic)
//! instead of the standard library's searches of the Unicode data; and the
//! characters that no page or book may contain, found and left out in one
//! pass that looks closely only at the bytes that can start one.

use std::borrow::Cow;
use std::sync::LazyLock;

/// The characters the table covers: up to the end of Ethiopic.
const TABLE_END: u32 = 0x1400;

/// One bit per character below [`TABLE_END`]: whether it is alphanumeric.
/// Built from the standard library's data on first use.
static ALPHANUMERIC: LazyLock<[u64; TABLE_END as usize / 64]> = LazyLock::new(|| {
    let mut bits = [0u64; TABLE_END as usize / 64];
    for c in (0..TABLE_END).filter_map(char::from_u32) {
        if c.is_alphanumeric() {
            let u = c as usize;
            bits[u / 64] |= 1 << (u % 64);
        }
    }
    bits
});

/// [`char::is_alphanumeric`], by table lookup for the common scripts.
pub fn is_alphanumeric(c: char) -> bool {
    let u = c as u32;
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if u < TABLE_END {
        ALPHANUMERIC[u as usize / 64] & (1 << (u % 64)) != 0
    } else {
        c.is_alphanumeric()
    }
}

/// True for a character that XML 1.0 forbids or that HTML parsers report as
/// an error: C0 controls other than tab, line feed and carriage return,
/// DEL, C1 controls and noncharacters (U+FDD0 to U+FDEF, U+xFFFE, U+xFFFF).
/// Any of them makes a book's XHTML not well-formed.
pub fn is_unwritable(c: char) -> bool {
    let u = c as u32;
    matches!(u, 0..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F..=0x9F | 0xFDD0..=0xFDEF)
        || u & 0xFFFE == 0xFFFE
}

/// The private-use characters polybook marks places in rendered HTML with
/// (`markdown::Slot`, `xhtml::UNLINK`): a chapter may not contain them.
pub fn is_reserved(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{E002}')
}

/// True for the first byte of every character that
/// [`is_unwritable`] or [`is_reserved`] is true for (and of some others).
#[inline]
fn may_start(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        || matches!(b, 0x7F | 0xC2 | 0xEE | 0xEF | 0xF0..)
}

/// The first character at or after byte `from` of `text` that `bad` is true
/// for, with its byte offset.
fn find(text: &str, from: usize, bad: impl Fn(char) -> bool) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if may_start(bytes[i]) {
            // `i` is on a character boundary: no continuation byte passes
            // `may_start`.
            let c = text[i..].chars().next().expect("not at the end");
            if bad(c) {
                return Some((i, c));
            }
            i += c.len_utf8();
        } else {
            i += 1;
        }
    }
    None
}

/// The characters of a chapter that cannot be published (unwritable or
/// reserved), with their byte offsets.
pub fn unpublishable(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bad = |c| is_unwritable(c) || is_reserved(c);
    let mut from = 0;
    std::iter::from_fn(move || {
        let (i, c) = find(text, from, bad)?;
        from = i + c.len_utf8();
        Some((i, c))
    })
}

/// `text` without the characters [`unpublishable`] finds.
pub fn without_unpublishable(text: &str) -> Cow<'_, str> {
    strip(text, |c| is_unwritable(c) || is_reserved(c))
}

/// `text` without [`is_unwritable`] characters.
pub fn without_unwritable(text: &str) -> Cow<'_, str> {
    strip(text, is_unwritable)
}

/// The length in bytes of the unwritable character at `i` in `text`, if
/// one starts there; a cheap test for bytes that cannot start one.
#[inline]
pub fn unwritable_at(text: &str, i: usize) -> Option<usize> {
    if !may_start(text.as_bytes()[i]) {
        return None;
    }
    let c = text.get(i..)?.chars().next()?;
    is_unwritable(c).then(|| c.len_utf8())
}

fn strip(text: &str, bad: impl Fn(char) -> bool + Copy) -> Cow<'_, str> {
    let Some((first, _)) = find(text, 0, bad) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = first;
    while let Some((i, c)) = find(text, from, bad) {
        out.push_str(&text[copied..i]);
        copied = i + c.len_utf8();
        from = copied;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwritable_characters_are_those_xml_and_html_refuse() {
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let u = c as u32;
            // XML 1.0 `Char`, less the controls and noncharacters HTML
            // reports as errors.
            let xml = matches!(u, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..);
            let html_error = (0x7F..=0x9F).contains(&u)
                || (0xFDD0..=0xFDEF).contains(&u)
                || u & 0xFFFE == 0xFFFE;
            assert_eq!(is_unwritable(c), !xml || html_error, "U+{u:04X}");
            if is_unwritable(c) || is_reserved(c) {
                let mut buf = [0; 4];
                assert!(
                    may_start(c.encode_utf8(&mut buf).as_bytes()[0]),
                    "U+{u:04X}"
                );
            }
        }
    }

    #[test]
    fn unpublishable_characters_are_found_and_left_out() {
        let text = "a\u{0}b\u{1}\u{b}é\u{c}\u{1b}\u{85}中\u{fffe}\u{10ffff}\u{e000}\u{e001}\t\n\r\u{e003}ok";
        let found: Vec<char> = unpublishable(text).map(|(_, c)| c).collect();
        assert_eq!(
            found,
            [
                '\u{0}',
                '\u{1}',
                '\u{b}',
                '\u{c}',
                '\u{1b}',
                '\u{85}',
                '\u{fffe}',
                '\u{10ffff}',
                '\u{e000}',
                '\u{e001}'
            ]
        );
        assert_eq!(without_unpublishable(text), "abé中\t\n\r\u{e003}ok");
        assert_eq!(
            without_unwritable(text),
            "abé中\u{e000}\u{e001}\t\n\r\u{e003}ok"
        );
        assert!(matches!(
            without_unwritable("clean «text» ，中"),
            Cow::Borrowed(_)
        ));
        assert_eq!(unwritable_at("x\u{85}", 1), Some(2));
        assert_eq!(unwritable_at("x\u{a0}", 1), None);
    }

    #[test]
    fn the_table_agrees_with_the_standard_library() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(
                is_alphanumeric(c),
                c.is_alphanumeric(),
                "U+{:04X}",
                c as u32
            );
        }
    }
}
