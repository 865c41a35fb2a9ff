//! Text normalisation for indexing and querying, the same in the browser
//! (`static/search.js`): NFKC, lower case, no diacritics readers do not type.

use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

/// Normalises text for indexing and querying.
///
/// ASCII runs and characters that neither decompose nor change case (Han,
/// Ethiopic) are copied directly, and the letters of Latin, Greek, Cyrillic,
/// Hebrew and Arabic that normalise to one character (`É` to `e`, `Ж` to
/// `ж`, `أ` to `ا`) are replaced by it; everything else goes through NFKD,
/// the removals and foldings below, lower case and NFC. Splitting the text
/// at such characters gives the same result as normalising it whole,
/// because they are starters that never compose with the character before;
/// a character that may compose with a mark after it is held back until
/// the next one shows that it does not.
pub fn normalise(text: &str) -> String {
    let simple = &*SIMPLE_FORMS;
    let mut out = String::with_capacity(text.len());
    let mut slow_start: Option<usize> = None;
    // A character held back: where it starts, and its form alone.
    let mut held: Option<(usize, char)> = None;
    for (i, c) in text.char_indices() {
        let (form, may_compose) = if c.is_ascii() {
            (c.to_ascii_lowercase(), true)
        } else if is_stable(c) {
            (c, false)
        } else if let Some(form) = simple_form(simple, c) {
            (form, true)
        } else {
            if slow_start.is_none() {
                slow_start = Some(held.take().map_or(i, |(start, _)| start));
            }
            continue;
        };
        if let Some(s) = slow_start.take() {
            normalise_slow(&text[s..i], &mut out);
        }
        if let Some((_, h)) = held.take() {
            out.push(h);
        }
        if may_compose {
            held = Some((i, form));
        } else {
            out.push(form);
        }
    }
    if let Some(s) = slow_start {
        normalise_slow(&text[s..], &mut out);
    }
    if let Some((_, h)) = held {
        out.push(h);
    }
    out
}

/// The characters [`SIMPLE_FORMS`] covers: U+0080 up to the end of Arabic
/// and its supplements.
pub(super) const SIMPLE_RANGE: std::ops::Range<u32> = 0x80..0x800;

/// For each character of [`SIMPLE_RANGE`], the one character that the full
/// normalisation makes of it alone (`'e'` for `'É'`), when that character
/// and the one it came from are starters (combining class 0), and 0 for the
/// others. A unit test checks that none of them is the second character of
/// a canonical composition, so that neither composes with the character
/// before it.
pub(super) static SIMPLE_FORMS: LazyLock<Vec<u16>> = LazyLock::new(|| {
    SIMPLE_RANGE
        .map(|u| {
            let Some(c) = char::from_u32(u).filter(|&c| canonical_combining_class(c) == 0) else {
                return 0;
            };
            let mut form = String::new();
            normalise_slow(c.encode_utf8(&mut [0; 4]), &mut form);
            let mut chars = form.chars();
            match (chars.next(), chars.next()) {
                (Some(f), None)
                    if (f as u32) < SIMPLE_RANGE.end && canonical_combining_class(f) == 0 =>
                {
                    f as u16
                }
                _ => 0,
            }
        })
        .collect()
});

pub(super) fn simple_form(table: &[u16], c: char) -> Option<char> {
    let u = c as u32;
    if !SIMPLE_RANGE.contains(&u) {
        return None;
    }
    match table[(u - SIMPLE_RANGE.start) as usize] {
        0 => None,
        f => char::from_u32(u32::from(f)),
    }
}

/// Characters that normalise to themselves apart from ASCII case, and never
/// compose with a neighbour: ASCII, Han, Ethiopic syllables, and Thai, Lao,
/// Tibetan, Myanmar and Khmer except the characters in [`UNSTABLE`]. A unit
/// test checks every character this accepts against the Unicode data.
pub(super) fn is_stable(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    let u = c as u32;
    match u {
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0x1200..=0x135A => true,
        0x0E00..=0x0FFF | 0x1000..=0x109F | 0x1780..=0x17FF => {
            let bit = (u - UNSTABLE_FROM) as usize;
            UNSTABLE_BITS[bit / 64] & (1 << (bit % 64)) == 0
        }
        _ => false,
    }
}

/// The characters of Thai, Lao, Tibetan, Myanmar and Khmer that decompose,
/// combine with the character before (a non-zero combining class) or take
/// part in a canonical composition.
#[rustfmt::skip]
pub(super) const UNSTABLE: &[u32] = &[
    // Thai
    0x0E33, 0x0E38, 0x0E39, 0x0E3A, 0x0E48, 0x0E49, 0x0E4A, 0x0E4B,
    // Lao
    0x0EB3, 0x0EB8, 0x0EB9, 0x0EBA, 0x0EC8, 0x0EC9, 0x0ECA, 0x0ECB, 0x0EDC, 0x0EDD,
    // Tibetan
    0x0F0C, 0x0F18, 0x0F19, 0x0F35, 0x0F37, 0x0F39, 0x0F43, 0x0F4D, 0x0F52, 0x0F57,
    0x0F5C, 0x0F69, 0x0F71, 0x0F72, 0x0F73, 0x0F74, 0x0F75, 0x0F76, 0x0F77, 0x0F78,
    0x0F79, 0x0F7A, 0x0F7B, 0x0F7C, 0x0F7D, 0x0F80, 0x0F81, 0x0F82, 0x0F83, 0x0F84,
    0x0F86, 0x0F87, 0x0F93, 0x0F9D, 0x0FA2, 0x0FA7, 0x0FAC, 0x0FB9, 0x0FC6,
    // Myanmar
    0x1025, 0x1026, 0x102E, 0x1037, 0x1039, 0x103A, 0x108D,
    // Khmer
    0x17D2, 0x17DD,
];

/// The first character [`UNSTABLE_BITS`] covers.
pub(super) const UNSTABLE_FROM: u32 = 0x0E00;

/// [`UNSTABLE`] as one bit per character from U+0E00 to U+17FF: looked up
/// for every Burmese and Tibetan letter, where a binary search cost six
/// comparisons.
pub(super) const UNSTABLE_BITS: [u64; 40] = {
    let mut bits = [0u64; 40];
    let mut i = 0;
    while i < UNSTABLE.len() {
        let bit = (UNSTABLE[i] - UNSTABLE_FROM) as usize;
        bits[bit / 64] |= 1 << (bit % 64);
        i += 1;
    }
    bits
};

pub(super) fn normalise_slow(text: &str, out: &mut String) {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfkd() {
        let c = match c {
            // Combining accents of Latin, Greek and Cyrillic letters.
            '\u{0300}'..='\u{036F}' => continue,
            // Arabic harakat, superscript alef, Quranic marks, tatweel.
            '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}' => continue,
            // Joiners, soft hyphen, byte order mark.
            '\u{200B}'..='\u{200F}' | '\u{00AD}' | '\u{FEFF}' | '\u{2060}' => continue,
            // Alef forms, yeh and kaf variants, teh marbuta, waw and yeh with hamza.
            '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' => '\u{0627}',
            '\u{0649}' | '\u{06CC}' | '\u{06D2}' | '\u{0626}' => '\u{064A}',
            '\u{06A9}' => '\u{0643}',
            '\u{0629}' => '\u{0647}',
            '\u{0624}' => '\u{0648}',
            // Arabic-Indic and Persian digits.
            '\u{0660}'..='\u{0669}' => char::from_u32(c as u32 - 0x0660 + '0' as u32).unwrap_or(c),
            '\u{06F0}'..='\u{06F9}' => char::from_u32(c as u32 - 0x06F0 + '0' as u32).unwrap_or(c),
            c => c,
        };
        folded.extend(c.to_lowercase());
    }
    out.extend(folded.nfc());
}
