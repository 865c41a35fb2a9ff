//! Character classes that heading ids and search terms ask for millions of
//! times, answered from a bit table for the scripts of the manuals (Latin,
//! Greek, Cyrillic, Hebrew, Arabic, Indic, Thai, Tibetan, Myanmar, Ethiopic,
//! Vietnamese; Chinese characters are all letters)
//! instead of the standard library's searches of the Unicode data; and the
//! characters that no page or book may contain, found and left out in one
//! pass that looks closely only at the bytes that can start one.

use std::borrow::Cow;
use std::sync::LazyLock;

/// The characters the tables cover: up to the end of Greek Extended (with
/// Ethiopic, and Vietnamese in Latin Extended Additional).
const TABLE_END: u32 = 0x2000;

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

/// One bit per character below [`TABLE_END`]: whether it is alphabetic.
/// Built from the standard library's data on first use.
static ALPHABETIC: LazyLock<[u64; TABLE_END as usize / 64]> = LazyLock::new(|| {
    let mut bits = [0u64; TABLE_END as usize / 64];
    for c in (0..TABLE_END).filter_map(char::from_u32) {
        if c.is_alphabetic() {
            let u = c as usize;
            bits[u / 64] |= 1 << (u % 64);
        }
    }
    bits
});

/// [`char::is_alphabetic`], by table lookup for the common scripts and at
/// once for the common Chinese characters (CJK Unified Ideographs and
/// Extension A, every one a letter), which heading ids ask about for every
/// character of every heading.
pub fn is_alphabetic(c: char) -> bool {
    let u = c as u32;
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else if u < TABLE_END {
        ALPHABETIC[u as usize / 64] & (1 << (u % 64)) != 0
    } else if matches!(u, 0x4E00..=0x9FFF | 0x3400..=0x4DBF) {
        true
    } else {
        c.is_alphabetic()
    }
}

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

/// For each byte, whether it is the first byte of a character that
/// [`is_unwritable`] or [`is_reserved`] is true for (or of some others).
static MAY_START: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b < 0x20 && !matches!(b, 0x09 | 0x0A | 0x0D))
            || matches!(b, 0x7F | 0xC2 | 0xEE | 0xEF | 0xF0..);
        b += 1;
    }
    table
};

#[inline]
fn may_start(b: u8) -> bool {
    MAY_START[b as usize]
}

/// Whether any of 8 bytes may start one of those characters (or is a
/// tab or a line break): a test of 8 bytes at a time, for the long runs of
/// text that hold none.
#[inline]
fn may_start_any(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bytes equal to zero, and below 0x20: the high bit of a byte is set
    // when it is one (tests that never miss one).
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    let equal = |v: u64| zero(x ^ (ONES * v));
    // Bytes 0xF0 and above: their four high bits are set.
    let four_byte_lead = x & (x << 1) & (x << 2) & (x << 3) & HIGH;
    (below_space | equal(0x7F) | equal(0xC2) | equal(0xEE) | equal(0xEF) | four_byte_lead) != 0
}

/// The first character at or after byte `from` of `text` that `bad` is true
/// for, with its byte offset.
fn find(text: &str, from: usize, bad: impl Fn(char) -> bool) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8)
            && !may_start_any(u64::from_le_bytes(word.try_into().expect("8 bytes")))
        {
            i += 8;
            continue;
        }
        let end = (i + 8).min(bytes.len());
        while i < end {
            if may_start(bytes[i]) {
                // `i` is on a character boundary: no continuation byte
                // passes `may_start`.
                let c = text[i..].chars().next().expect("not at the end");
                if bad(c) {
                    return Some((i, c));
                }
                i += c.len_utf8();
            } else {
                i += 1;
            }
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
    fn eight_bytes_at_a_time_miss_no_byte_that_may_start_one() {
        for b in 0..=255u8 {
            for place in 0..8 {
                let mut word = *b"abcdefgh";
                word[place] = b;
                assert_eq!(
                    may_start_any(u64::from_le_bytes(word)),
                    may_start(b) || matches!(b, b'\t' | b'\n' | b'\r'),
                    "{b:#x} at {place}"
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
        // At every place of a longer text, past the first 8 bytes too.
        let plain = "Some text with é, ع and 中 in it, long enough for several words.";
        for (at, _) in plain.char_indices() {
            for bad in ['\u{1}', '\u{9f}', '\u{fdd0}', '\u{1fffe}', '\u{e001}'] {
                let text = format!("{}{bad}{}", &plain[..at], &plain[at..]);
                assert_eq!(unpublishable(&text).collect::<Vec<_>>(), [(at, bad)]);
                assert_eq!(without_unpublishable(&text), plain);
            }
        }
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
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "U+{:04X}", c as u32);
        }
    }
}
