//! Terms of a normalised text: words at Unicode word boundaries (UAX #29),
//! and overlapping character pairs for runs of scripts written without
//! spaces; chunks of text split at whitespace.

use unicode_segmentation::UnicodeSegmentation;

/// Scripts written without spaces between words.
pub fn is_spaceless(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0EFF      // Thai, Lao
        | 0x0F00..=0x0FFF    // Tibetan
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF    // Khmer
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF // Han
        | 0xAA60..=0xAA7F | 0xA9E0..=0xA9FF) // Myanmar extensions
}

/// The terms of a normalised text: its words, and for runs of scripts
/// written without spaces, every pair of adjacent characters (a run of one
/// character is a term of its own).
pub fn terms(normalised: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(normalised, |t| out.push(t.to_string()));
    out
}

/// Calls `f` with each of the terms of [`terms`], in the same order, without
/// allocating.
pub fn for_each_term<'a>(normalised: &'a str, mut f: impl FnMut(&'a str)) {
    let mut any_spaceless = false;
    for chunk in normalised.split_whitespace() {
        // Most chunks are one word with punctuation around it; only the
        // others need the full word-boundary rules.
        let core = chunk.trim_matches(is_edge_punctuation);
        if !core.is_empty() && core.chars().all(is_plain_word_char) {
            f(core);
            continue;
        }
        // A word has a letter or digit outside the spaceless scripts (those
        // made of spaceless characters are left out): without one, the
        // chunk only has character pairs.
        if !chunk
            .chars()
            .any(|c| !is_spaceless(c) && crate::render::chars::is_alphanumeric(c))
        {
            any_spaceless = true;
            continue;
        }
        for word in chunk.unicode_words() {
            if !word.chars().any(is_spaceless) {
                f(word);
            }
        }
        // Not only words: a symbol of those scripts between words is a
        // run of its own, as the browser's search finds it.
        any_spaceless |= chunk.chars().any(is_spaceless);
    }
    if !any_spaceless {
        return;
    }
    // Runs of spaceless scripts, taken from the text itself: UAX #29 splits
    // Han into single characters and keeps Myanmar or Tibetan runs whole.
    // `run` is the start of the current run and the start of its last character.
    let mut run: Option<(usize, usize)> = None;
    let mut emitted_pair = false;
    for (i, c) in normalised.char_indices() {
        if is_spaceless(c) && !is_separator(c) {
            match run {
                None => {
                    run = Some((i, i));
                    emitted_pair = false;
                }
                Some((start, last)) => {
                    f(&normalised[last..i + c.len_utf8()]);
                    emitted_pair = true;
                    run = Some((start, i));
                }
            }
        } else if let Some((start, _)) = run.take()
            && !emitted_pair
        {
            f(&normalised[start..i]);
        }
    }
    if let Some((start, _)) = run
        && !emitted_pair
    {
        f(&normalised[start..]);
    }
}

/// Letters and digits that UAX #29 keeps together in one word whatever
/// their neighbours (ALetter, Hebrew_Letter, Numeric and their marks),
/// outside the scripts written without spaces.
pub(super) fn is_plain_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    crate::render::chars::is_alphanumeric(c)
        && !is_spaceless(c)
        // Katakana and ideographic marks, and numbers that are not digits,
        // follow other rules.
        && !matches!(c as u32, 0x3000..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
        && !matches!(c as u32, 0x2150..=0x218F | 0x2460..=0x24FF | 0x2776..=0x2793)
}

/// Punctuation that never belongs to a word at the start or end of one:
/// word rules only join it when letters or digits are on both sides.
pub(super) fn is_edge_punctuation(c: char) -> bool {
    (c.is_ascii_punctuation() && c != '_')
        || matches!(c as u32,
            0x00A1 | 0x00AB | 0x00BB | 0x00BF
            | 0x2010..=0x2027 | 0x2030..=0x205E
            | 0x060C | 0x061B | 0x061F | 0x066A..=0x066D | 0x06D4
            | 0x0964 | 0x0965 | 0x1361..=0x1368 | 0x3001 | 0x3002)
}

/// Punctuation inside spaceless scripts that ends a run (Tibetan tsheg and
/// shad, Myanmar section marks).
pub(super) fn is_separator(c: char) -> bool {
    matches!(
        c,
        '\u{0F0B}' | '\u{0F0D}'
            ..='\u{0F12}' | '\u{104A}' | '\u{104B}' | '\u{0E2F}' | '\u{0E5A}' | '\u{0E5B}'
    )
}

/// Punctuation of spaceless scripts at which a chunk can be cut without
/// changing its terms: Tibetan tsheg and shad, Myanmar section marks. Each
/// is a starter that neither decomposes nor composes (so normalisation
/// does not reach across it), ends a run of character pairs, and is never
/// part of a word (a unit test checks all three).
pub(super) fn is_piece_break(c: char) -> bool {
    matches!(
        c,
        '\u{0F0B}' | '\u{0F0D}'..='\u{0F12}' | '\u{104A}' | '\u{104B}'
    )
}

/// Calls `f` with each piece of `chunk` between the characters of
/// [`is_piece_break`], leaving them out: the terms of the pieces are those of
/// the chunk. Tibetan separates syllables with a tsheg rather than a space,
/// so its chunks are long and rarely repeat, while its syllables are short
/// and repeat often enough to be worth remembering.
pub(super) fn for_each_piece<'a>(chunk: &'a str, mut f: impl FnMut(&'a str)) {
    let mut start = 0;
    for (i, c) in chunk.char_indices() {
        if is_piece_break(c) {
            if i > start {
                f(&chunk[start..i]);
            }
            start = i + c.len_utf8();
        }
    }
    if start < chunk.len() {
        f(&chunk[start..]);
    }
}

/// For each byte: whether it is ASCII whitespace or the lead byte of
/// U+0085, U+00A0, U+2000 to U+205F or U+3000 (never inside a character,
/// so where one is found is a character boundary).
pub(super) const SPACE_BYTES: [bool; 256] = space_bytes(false);

/// [`SPACE_BYTES`] with the lead byte of U+1680, Ogham space mark, for a
/// text that contains one. Every Myanmar and Ethiopic letter shares that
/// lead byte, so the table without it keeps the scan of Burmese and
/// Amharic text in the tight loop.
pub(super) const SPACE_BYTES_OGHAM: [bool; 256] = space_bytes(true);

pub(super) const fn space_bytes(ogham: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x80 {
        table[b] = (b as u8 as char).is_whitespace();
        b += 1;
    }
    table[0xC2] = true;
    table[0xE1] = ogham;
    table[0xE2] = true;
    table[0xE3] = true;
    table
}

/// The length of the whitespace character that starts `text`, or 0. The
/// second byte rules out most characters of a lead byte without decoding
/// them (Chinese punctuation shares the lead byte of U+3000).
pub(super) fn space_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let maybe = match (first, bytes.get(1)) {
        // Only ASCII whitespace is looked up.
        (0..=0x7F, _) => return 1,
        (0xC2, Some(0x85 | 0xA0)) | (0xE1, Some(0x9A)) | (0xE2, Some(0x80 | 0x81)) => true,
        (0xE3, Some(0x80)) => true,
        _ => false,
    };
    if !maybe {
        return 0;
    }
    text.chars()
        .next()
        .filter(|c| c.is_whitespace())
        .map_or(0, char::len_utf8)
}

/// Calls `f` with each piece of `text` between whitespace, as
/// `str::split_whitespace` gives them, reading bytes: bytes that cannot
/// start whitespace are skipped in a tight loop, and only the first bytes
/// of the few non-ASCII whitespace characters are looked at further.
pub(super) fn for_each_chunk<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let bytes = text.as_bytes();
    // Built once: making a finder for every text cost more than the search.
    static OGHAM: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("\u{1680}"));
    let table = if OGHAM.find(bytes).is_some() {
        &SPACE_BYTES_OGHAM
    } else {
        &SPACE_BYTES
    };
    let mut start: Option<usize> = None;
    let mut i = 0;
    while let Some(k) = bytes[i..].iter().position(|&b| table[b as usize]) {
        let at = i + k;
        if at > i {
            start.get_or_insert(i);
        }
        match space_len(&text[at..]) {
            0 => {
                start.get_or_insert(at);
                i = at + 1;
            }
            len => {
                if let Some(s) = start.take() {
                    f(&text[s..at]);
                }
                i = at + len;
            }
        }
    }
    if i < bytes.len() {
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        f(&text[s..]);
    }
}
