//! Offline search: text normalisation, word segmentation for every script, and
//! one index per language, written as a script file so that it also loads
//! from `file://` (a large one as a first file and parts of its term table,
//! each loaded when a query needs it).
//!
//! Text is normalised the same way here and in the browser (`static/search.js`):
//! NFKC, lower case, no diacritics that readers do not type (Latin accents,
//! Arabic harakat, tatweel), one form of the Arabic and Persian letter variants,
//! no zero-width joiners. Words come from Unicode word boundaries (UAX #29);
//! runs of scripts written without spaces are also indexed as overlapping
//! character pairs, so any substring of two or more characters finds them.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{canonical_combining_class, compose, decompose_compatible};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthChar;

use crate::model::outline;
use crate::model::{ChapterRef, Project, Source, urls};

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
const SIMPLE_RANGE: std::ops::Range<u32> = 0x80..0x800;

/// For each character of [`SIMPLE_RANGE`], the one character that the full
/// normalisation makes of it alone (`'e'` for `'É'`), when that character
/// and the one it came from are starters (combining class 0), and 0 for the
/// others. A unit test checks that none of them is the second character of
/// a canonical composition, so that neither composes with the character
/// before it.
static SIMPLE_FORMS: LazyLock<Vec<u16>> = LazyLock::new(|| {
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

fn simple_form(table: &[u16], c: char) -> Option<char> {
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
fn is_stable(c: char) -> bool {
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
const UNSTABLE: &[u32] = &[
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
const UNSTABLE_FROM: u32 = 0x0E00;

/// [`UNSTABLE`] as one bit per character from U+0E00 to U+17FF: looked up
/// for every Burmese and Tibetan letter, where a binary search cost six
/// comparisons.
const UNSTABLE_BITS: [u64; 40] = {
    let mut bits = [0u64; 40];
    let mut i = 0;
    while i < UNSTABLE.len() {
        let bit = (UNSTABLE[i] - UNSTABLE_FROM) as usize;
        bits[bit / 64] |= 1 << (bit % 64);
        i += 1;
    }
    bits
};

fn normalise_slow(text: &str, out: &mut String) {
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
            if word.chars().any(is_spaceless) {
                any_spaceless = true;
            } else {
                f(word);
            }
        }
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
fn is_plain_word_char(c: char) -> bool {
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
fn is_edge_punctuation(c: char) -> bool {
    (c.is_ascii_punctuation() && c != '_')
        || matches!(c as u32,
            0x00A1 | 0x00AB | 0x00BB | 0x00BF
            | 0x2010..=0x2027 | 0x2030..=0x205E
            | 0x060C | 0x061B | 0x061F | 0x066A..=0x066D | 0x06D4
            | 0x0964 | 0x0965 | 0x1361..=0x1368 | 0x3001 | 0x3002)
}

/// Punctuation inside spaceless scripts that ends a run (Tibetan tsheg and
/// shad, Myanmar section marks).
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '\u{0F0B}' | '\u{0F0D}'
            ..='\u{0F12}' | '\u{104A}' | '\u{104B}' | '\u{0E2F}' | '\u{0E5A}' | '\u{0E5B}'
    )
}

/// For each byte: whether it is ASCII whitespace or the lead byte of
/// U+0085, U+00A0, U+2000 to U+205F or U+3000 (never inside a character,
/// so where one is found is a character boundary).
const SPACE_BYTES: [bool; 256] = space_bytes(false);

/// [`SPACE_BYTES`] with the lead byte of U+1680, Ogham space mark, for a
/// text that contains one. Every Myanmar and Ethiopic letter shares that
/// lead byte, so the table without it keeps the scan of Burmese and
/// Amharic text in the tight loop.
const SPACE_BYTES_OGHAM: [bool; 256] = space_bytes(true);

const fn space_bytes(ogham: bool) -> [bool; 256] {
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
fn space_len(text: &str) -> usize {
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
fn for_each_chunk<'a>(text: &'a str, mut f: impl FnMut(&'a str)) {
    let bytes = text.as_bytes();
    let table = if memchr::memmem::find(bytes, "\u{1680}".as_bytes()).is_some() {
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

/// A searchable section of a chapter: the text under one heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Heading id (as in the chapter); `None` for the text before the first heading.
    pub id: Option<String>,
    pub heading: String,
    pub text: String,
}

/// Splits a chapter body into sections, at headings of level 1 to 3.
pub fn sections(body: &str, ids: &[String]) -> Vec<Section> {
    let mut sections = Sections::new(ids);
    for event in Parser::new_ext(body, outline::options()) {
        sections.event(&event);
    }
    sections.finish()
}

/// Room made for a section's text when it starts: grown from nothing, a
/// section of a few kilobytes was copied eight times.
const SECTION_TEXT_BYTES: usize = 1024;

/// Builds the sections of a chapter from the events of its Markdown, so
/// that a parse made for another purpose can also give them.
pub struct Sections<'a> {
    ids: &'a [String],
    out: Vec<Section>,
    in_heading: bool,
    heading_no: usize,
}

impl<'a> Sections<'a> {
    /// `ids` are the chapter's heading ids, in order.
    pub fn new(ids: &'a [String]) -> Self {
        Sections {
            ids,
            out: vec![Section {
                id: None,
                heading: String::new(),
                text: String::new(),
            }],
            in_heading: false,
            heading_no: 0,
        }
    }

    /// Takes the next event of the chapter, in order.
    pub fn event(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading_no += 1;
                if (*level as u8) <= 3 {
                    self.out.push(Section {
                        id: self.ids.get(self.heading_no - 1).cloned(),
                        heading: String::new(),
                        text: String::with_capacity(SECTION_TEXT_BYTES),
                    });
                    self.in_heading = true;
                } else {
                    self.in_heading = false;
                }
            }
            Event::End(TagEnd::Heading(_)) => self.in_heading = false,
            Event::Text(t) | Event::Code(t) => {
                let s = self.out.last_mut().expect("never empty");
                if self.in_heading {
                    s.heading.push_str(t);
                } else {
                    s.text.push_str(t);
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                self.out.last_mut().expect("never empty").text.push(' ');
            }
            _ => {}
        }
    }

    /// The sections, without empty ones.
    pub fn finish(mut self) -> Vec<Section> {
        self.out
            .retain(|s| !s.heading.trim().is_empty() || !s.text.trim().is_empty());
        self.out
    }
}

/// Columns of a section's text kept for snippets.
const EXCERPT_COLUMNS: usize = 160;

/// A term table (terms and postings) larger than this is split into
/// parts, so that a reader on a slow connection loads only the parts the
/// query needs.
const PART_SPLIT_BYTES: usize = 256 * 1024;

/// The size aimed at for each part of a split term table: about 50 KB
/// gzipped for Chinese, whose tables are the largest.
const PART_BYTES: usize = 128 * 1024;

/// A character pair found in more than this share of sections says nothing
/// about where to look; it is listed as a stop term instead of indexed.
const STOP_SHARE: f64 = 0.5;

/// Digits of the shared-prefix lengths of front-coded terms.
const BASE_36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Digits that end a number in postings: a number below 52 is one of them.
const LAST_DIGITS: &[u8; 52] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Digits that come before the last one, lowest first: base 36, and none of
/// them needs escaping in JSON. `~` is left out; it separates the weights.
const MORE_DIGITS: &[u8; 36] = b"0123456789!#$%&()*+-./:;<=>?@[]^_{|}";

/// Appends `n` as a self-delimiting number: base-36 digits from
/// [`MORE_DIGITS`], lowest first, then one digit from [`LAST_DIGITS`] for
/// what is left. No separator is needed between numbers.
fn push_number(out: &mut String, mut n: u64) {
    while n >= LAST_DIGITS.len() as u64 {
        out.push(char::from(MORE_DIGITS[(n % 36) as usize]));
        n /= 36;
    }
    out.push(char::from(LAST_DIGITS[n as usize]));
}

/// Postings as text. Sections come first: each as the gap from the previous
/// one (the section number less the previous one, less one; the first is
/// its number). Weights of 1 are not written; when some are above 1, `~`
/// follows, then for each such posting the gap from the previous such
/// posting's place in the list and the weight less 2 (weights stop at 35).
/// `[(3, 1), (10, 4), (50, 99)]` becomes `DGn~BCAh`.
pub fn encode_postings(postings: &[(u32, u32)]) -> String {
    let mut out = String::new();
    push_postings(&mut out, postings);
    out
}

fn push_postings(out: &mut String, postings: &[(u32, u32)]) {
    let mut next = 0;
    for &(doc, _) in postings {
        push_number(out, u64::from(doc - next));
        next = doc + 1;
    }
    let mut next = 0;
    for (i, &(_, weight)) in postings.iter().enumerate() {
        if weight > 1 {
            if next == 0 {
                out.push('~');
            }
            push_number(out, (i - next) as u64);
            push_number(out, u64::from(weight.min(35) - 2));
            next = i + 1;
        }
    }
}

/// The numbers of a text written by [`push_number`]; `None` when it is not
/// such a text.
fn read_numbers(text: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    let (mut n, mut place) = (0u64, 1u64);
    for b in text.bytes() {
        if let Some(d) = LAST_DIGITS.iter().position(|&c| c == b) {
            out.push(n.checked_add(place.checked_mul(d as u64)?)?);
            (n, place) = (0, 1);
        } else {
            let d = MORE_DIGITS.iter().position(|&c| c == b)?;
            n = n.checked_add(place.checked_mul(d as u64)?)?;
            place = place.checked_mul(36)?;
        }
    }
    (n == 0 && place == 1).then_some(out)
}

/// Reads postings written by [`encode_postings`]: (section, weight) pairs.
pub fn decode_postings(text: &str) -> Option<Vec<(u32, u32)>> {
    let (sections, weights) = text.split_once('~').unwrap_or((text, ""));
    let mut out = Vec::new();
    let mut next = 0u64;
    for gap in read_numbers(sections)? {
        let doc = next.checked_add(gap)?;
        out.push((u32::try_from(doc).ok()?, 1));
        next = doc + 1;
    }
    let weights = read_numbers(weights)?;
    let mut next = 0u64;
    for pair in weights.chunks(2) {
        let [gap, weight] = pair else { return None };
        let i = next.checked_add(*gap)?;
        out.get_mut(usize::try_from(i).ok()?)?.1 = u32::try_from(weight + 2).ok()?;
        next = i + 1;
    }
    Some(out)
}

/// Appends `term` front-coded against the term before it: one base-36 digit
/// for the number of UTF-16 code units they share at the start (at most 35,
/// counted as a script's `slice` counts), then the rest of `term`.
fn push_front_coded(out: &mut String, previous: &str, term: &str) {
    let (mut units, mut bytes) = (0, 0);
    for (a, b) in previous.chars().zip(term.chars()) {
        if a != b || units + b.len_utf16() > 35 {
            break;
        }
        units += b.len_utf16();
        bytes += b.len_utf8();
    }
    out.push(char::from(BASE_36[units]));
    out.push_str(&term[bytes..]);
}

/// The terms of an index's `terms` list, undoing the front coding.
pub fn decode_terms(coded: &[&str]) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(coded.len());
    for entry in coded {
        let shared = BASE_36
            .iter()
            .position(|&c| Some(c) == entry.bytes().next())?;
        let previous: Vec<u16> = out
            .last()
            .map_or(Vec::new(), |t| t.encode_utf16().collect());
        let mut units = previous.get(..shared)?.to_vec();
        units.extend(entry[1..].encode_utf16());
        out.push(String::from_utf16(&units).ok()?);
    }
    Some(out)
}

/// Appends `s` as a JSON string, as serde_json writes it.
fn push_json_str(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&serde_json::to_string(s).expect("strings serialise"));
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}

/// The terms of a language, each with a number, and the terms of every
/// short whitespace-separated chunk of text seen so far: normalising and
/// segmenting each distinct word once instead of at every occurrence.
/// Splitting at whitespace does not change the terms (whitespace separates
/// words and ends runs of spaceless scripts), only their order, which
/// counting ignores.
#[derive(Default)]
struct Vocabulary {
    ids: FxHashMap<Box<str>, u32>,
    /// Ids of terms of one or two characters (most of them the character
    /// pairs of spaceless scripts), by the characters themselves.
    short: FxHashMap<u64, u32>,
    terms: Vec<Box<str>>,
    chunks: FxHashMap<Box<str>, (u32, u32)>,
    flat: Vec<u32>,
    scratch: Vec<u32>,
}

/// Punctuation that ends a run of a spaceless script and that
/// normalisation turns into punctuation again (a unit test checks each):
/// ASCII, general and CJK punctuation, and fullwidth forms of ASCII
/// punctuation.
fn is_run_break(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0x2010..=0x2027 | 0x2030..=0x205E | 0x3001..=0x3003 | 0x3008..=0x3011
            | 0x3014..=0x301F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40
            | 0xFF5B..=0xFF64)
}

/// Chunks longer than this (runs of spaceless scripts) are not remembered.
const CHUNK_CACHE_BYTES: usize = 48;

impl Vocabulary {
    /// The id of a term of one or two characters, `a` and `b`.
    #[inline(always)]
    fn short_id(
        short: &mut FxHashMap<u64, u32>,
        terms: &mut Vec<Box<str>>,
        a: char,
        b: Option<char>,
        t: &str,
    ) -> u32 {
        // A character is below 2^21; the second place is 2^21 - 1 for
        // a term of one character.
        let key = (u64::from(a) << 21) | b.map_or(0x1F_FFFF, u64::from);
        *short.entry(key).or_insert_with(|| {
            terms.push(t.into());
            terms.len() as u32 - 1
        })
    }

    fn id(
        ids: &mut FxHashMap<Box<str>, u32>,
        short: &mut FxHashMap<u64, u32>,
        terms: &mut Vec<Box<str>>,
        t: &str,
    ) -> u32 {
        let mut chars = t.chars();
        if let (Some(a), b, None) = (chars.next(), chars.next(), chars.next()) {
            return Self::short_id(short, terms, a, b, t);
        }
        if let Some(&id) = ids.get(t) {
            return id;
        }
        let id = terms.len() as u32;
        terms.push(t.into());
        ids.insert(t.into(), id);
        id
    }

    fn chunk_terms(&mut self, chunk: &str) -> &[u32] {
        if let Some(&(start, n)) = self.chunks.get(chunk) {
            return &self.flat[start as usize..(start + n) as usize];
        }
        self.scratch.clear();
        if self.spaceless_run(chunk) {
            return &self.scratch;
        }
        let normalised = normalise(chunk);
        let (ids, short, terms) = (&mut self.ids, &mut self.short, &mut self.terms);
        let scratch = &mut self.scratch;
        for_each_term(&normalised, |t| {
            scratch.push(Self::id(ids, short, terms, t));
        });
        if chunk.len() > CHUNK_CACHE_BYTES {
            return &self.scratch;
        }
        let start = self.flat.len();
        self.flat.extend_from_slice(&self.scratch);
        self.chunks
            .insert(chunk.into(), (start as u32, self.scratch.len() as u32));
        &self.flat[start..]
    }

    /// The common case of Chinese, Burmese or Tibetan text: a chunk made
    /// of characters of the scripts written without spaces, which
    /// normalisation leaves as they are, and punctuation. Its terms are the
    /// character pairs of its runs between separators and punctuation (or
    /// a run's one character), as [`for_each_term`] gives them, found in
    /// one pass over the chunk, without copying it.
    ///
    /// Those scripts have no case and nothing that [`normalise`] folds or
    /// removes, so their text is unchanged when it is already in NFKD and
    /// NFC: none of its characters decomposes, its combining marks are in
    /// canonical order, and none of them composes with the character it
    /// follows. Han and most Burmese and Tibetan letters pass at once
    /// ([`is_stable`]); the others are checked against the Unicode data,
    /// erring on the side of "no" (Japanese kana and compatibility
    /// ideographs are left to `normalise`).
    ///
    /// Returns false, with nothing in `scratch`, for any other chunk. The
    /// vocabulary may have gained pairs from before the character that
    /// failed: terms without postings, left out of the index.
    fn spaceless_run(&mut self, chunk: &str) -> bool {
        // The previous character of the current run and where it starts,
        // and whether the run has given a pair. A full stop after the end
        // closes the last run.
        let mut last: Option<(char, usize)> = None;
        let mut paired = false;
        let mut run_start = 0;
        // For the check of characters that are not stable: the last
        // starter and the combining class of the character before.
        let mut starter: Option<char> = None;
        let mut previous_class = 0;
        for (i, c) in chunk.char_indices().chain([(chunk.len(), '.')]) {
            let fast = match c as u32 {
                // Han, by far the most common, first.
                0x4E00..=0x9FFF | 0x3400..=0x4DBF => Some(false),
                _ if !c.is_ascii() && is_stable(c) && is_spaceless(c) => Some(is_separator(c)),
                _ if is_run_break(c) => Some(true),
                _ => None,
            };
            let breaks = match (fast, c as u32) {
                (Some(breaks), _) => {
                    starter = Some(c);
                    previous_class = 0;
                    breaks
                }
                (None, 0x0E00..=0x109F | 0x1780..=0x17FF) => {
                    let mut decomposes = false;
                    decompose_compatible(c, |d| decomposes |= d != c);
                    let class = canonical_combining_class(c);
                    if decomposes
                        || (class != 0 && class < previous_class)
                        || starter.is_some_and(|s| compose(s, c).is_some())
                    {
                        self.scratch.clear();
                        return false;
                    }
                    if class == 0 {
                        starter = Some(c);
                    }
                    previous_class = class;
                    is_separator(c)
                }
                _ => {
                    self.scratch.clear();
                    return false;
                }
            };
            if breaks {
                if let Some((a, _)) = last.take()
                    && !paired
                {
                    let t = &chunk[run_start..i];
                    let id = Self::short_id(&mut self.short, &mut self.terms, a, None, t);
                    self.scratch.push(id);
                }
                continue;
            }
            match last {
                None => {
                    run_start = i;
                    paired = false;
                }
                Some((a, at)) => {
                    let t = &chunk[at..i + c.len_utf8()];
                    let id = Self::short_id(&mut self.short, &mut self.terms, a, Some(c), t);
                    self.scratch.push(id);
                    paired = true;
                }
            }
            last = Some((c, i));
        }
        true
    }
}

/// The start of a section's text, with runs of whitespace as one space, up to
/// [`EXCERPT_COLUMNS`]: wide characters (Chinese, Japanese, Korean) count
/// as two, as they take twice the room of a Latin letter in a snippet.
fn excerpt(text: &str) -> String {
    let mut out = String::new();
    let mut columns = 0;
    for word in text.split_whitespace() {
        if columns >= EXCERPT_COLUMNS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            columns += 1;
        }
        for c in word.chars() {
            if columns >= EXCERPT_COLUMNS {
                break;
            }
            out.push(c);
            columns += c.width().unwrap_or(0).max(1);
        }
    }
    out
}

/// The search index of one language.
pub fn index_script(project: &Project, lang: &str) -> Index {
    index_script_from(project, lang, &mut |_, src| {
        sections(src.body(), &src.anchors.ids)
    })
}

/// [`index_script`], given each chapter's sections: `sections` is called
/// once per chapter, in reading order, with the chapter and the text shown
/// for it in `lang` (its translation or the fallback source).
pub fn index_script_from(
    project: &Project,
    lang: &str,
    sections: &mut dyn FnMut(ChapterRef, &Source) -> Vec<Section>,
) -> Index {
    // docs: [url, chapter title, section heading, excerpt, fallback]
    let mut docs: Vec<(String, &str, String, String, u8)> = Vec::new();
    let mut vocab = Vocabulary::default();
    // Each section's (term, weight) pairs, section after section, and where
    // each section's pairs end: appended in order, then sorted by term once
    // (a vector per term cost a cache miss and many small allocations per pair).
    // About one pair per 8 bytes of text, or per 4 in spaceless scripts:
    // reserved once, as growing it copied megabytes into fresh memory.
    let text_bytes: usize = (project.manuals.iter().enumerate())
        .flat_map(|(mi, m)| (0..m.chapters.len()).map(move |ci| (mi, ci)))
        .map(|(manual, chapter)| {
            let r = ChapterRef { manual, chapter };
            project.content(r, lang).0.body().len()
        })
        .sum();
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(text_bytes / 4);
    let mut ends: Vec<usize> = Vec::new();
    let mut lengths = Vec::new();
    // Each term's weight in the current section, by term id, and the terms
    // the section has touched: cheaper than a map, and reset term by term.
    let mut counts: Vec<u32> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    for (mi, m) in project.manuals.iter().enumerate() {
        for (ci, ch) in m.chapters.iter().enumerate() {
            let r = ChapterRef {
                manual: mi,
                chapter: ci,
            };
            let (src, fallback) = project.content(r, lang);
            let page = urls::chapter(lang, &m.id, &ch.id);
            for (si, section) in sections(r, src).into_iter().enumerate() {
                let url = match &section.id {
                    Some(id) if si > 0 => format!("{}#{id}", urls::encode_path(&page)),
                    _ => urls::encode_path(&page),
                };
                let mut len = 0u32;
                // Title and heading words weigh more than body words.
                let title = if si == 0 { src.title.as_str() } else { "" };
                for (text, weight) in [(title, 3u32), (&section.heading, 5), (&section.text, 1)] {
                    for_each_chunk(text, |chunk| {
                        for &t in vocab.chunk_terms(chunk) {
                            if t as usize >= counts.len() {
                                counts.resize(t as usize + 1024, 0);
                            }
                            let c = &mut counts[t as usize];
                            if *c == 0 {
                                touched.push(t);
                            }
                            *c += weight;
                            len += 1;
                        }
                    });
                }
                lengths.push(len);
                pairs.extend(
                    touched
                        .drain(..)
                        .map(|t| (t, std::mem::take(&mut counts[t as usize]))),
                );
                ends.push(pairs.len());
                docs.push((
                    url,
                    &src.title,
                    section.heading.trim().to_string(),
                    excerpt(&section.text),
                    u8::from(fallback),
                ));
            }
        }
    }
    // Counting sort: each term's (section, weight) postings, in section
    // order, as one slice of `flat`.
    let mut start = vec![0usize; vocab.terms.len() + 1];
    for &(t, _) in &pairs {
        start[t as usize + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut next = start.clone();
    let mut flat = vec![(0u32, 0u32); pairs.len()];
    let mut from = 0;
    for (doc, &end) in ends.iter().enumerate() {
        for &(t, n) in &pairs[from..end] {
            let slot = &mut next[t as usize];
            flat[*slot] = (doc as u32, n);
            *slot += 1;
        }
        from = end;
    }
    drop(pairs);
    // Terms without postings were met only in a chunk that the spaceless
    // fast path gave up on.
    let mut order: Vec<u32> = (0..vocab.terms.len() as u32)
        .filter(|&t| start[t as usize + 1] > start[t as usize])
        .collect();
    order.sort_unstable_by(|&a, &b| vocab.terms[a as usize].cmp(&vocab.terms[b as usize]));
    let postings = order.iter().map(|&t| {
        let t = t as usize;
        (&*vocab.terms[t], &flat[start[t]..start[t + 1]])
    });
    let n = docs.len() as f64;
    let mut stop = Vec::new();
    // The JSON is written by hand around serde_json's string escaping, so
    // that the term table needs no intermediate map.
    let json = |v: &str| serde_json::to_string(v).expect("strings serialise");
    // Each kept term's postings, encoded one after the other into `table`:
    // two digits or so for each.
    let mut table = String::with_capacity(flat.len() * 2);
    let mut kept: Vec<(&str, usize, usize)> = Vec::new();
    for (t, p) in postings {
        if t.chars().any(is_spaceless) && p.len() as f64 > STOP_SHARE * n && n >= 20.0 {
            stop.push(t);
            continue;
        }
        let start = table.len();
        push_postings(&mut table, p);
        kept.push((t, start, table.len()));
    }
    let size = table.len() + kept.iter().map(|k| k.0.len() + 8).sum::<usize>();
    let parts = if size > PART_SPLIT_BYTES {
        size.div_ceil(PART_BYTES)
    } else {
        1
    };
    // Each part's terms (sorted, front-coded) and postings, as JSON lists.
    // Sized for an even share of the terms and postings, with their quotes
    // and commas.
    let term_bytes: usize = kept.iter().map(|k| k.0.len() + 4).sum();
    let list_bytes = table.len() + kept.len() * 3;
    let mut tables: Vec<(String, String, &str)> = (0..parts)
        .map(|_| {
            (
                String::with_capacity(term_bytes / parts * 9 / 8),
                String::with_capacity(list_bytes / parts * 9 / 8),
                "",
            )
        })
        .collect();
    let mut entry = String::new();
    for &(t, start, end) in &kept {
        let (terms, lists, previous) = &mut tables[part_of(t, parts)];
        if !terms.is_empty() {
            terms.push(',');
            lists.push(',');
        }
        entry.clear();
        push_front_coded(&mut entry, previous, t);
        push_json_str(terms, &entry);
        *previous = t;
        lists.push('"');
        lists.push_str(&table[start..end]);
        lists.push('"');
    }
    let to_json = |v: &dyn erased::Json| v.json();
    let head = format!(
        "{{\"docs\":{},\"lang\":{},\"lengths\":{},",
        to_json(&docs),
        json(lang),
        to_json(&lengths),
    );
    let tail = format!(
        "\"source\":{},\"stop\":{}",
        json(project.source_lang()),
        to_json(&stop),
    );
    if parts == 1 {
        let (terms, lists, _) = &tables[0];
        return Index {
            main: format!(
                "window.polybookSearchIndex = {head}\"postings\":[{lists}],{tail},\"terms\":[{terms}]}};\n"
            ),
            parts: Vec::new(),
        };
    }
    Index {
        main: format!("window.polybookSearchIndex = {head}\"parts\":{parts},{tail}}};\n"),
        parts: tables
            .iter()
            .enumerate()
            .map(|(k, (terms, lists, _))| {
                format!(
                    "window.polybookSearchPart({{\"lang\":{},\"part\":{k},\"postings\":[{lists}],\"terms\":[{terms}]}});\n",
                    json(lang)
                )
            })
            .collect(),
    }
}

/// The part of a split index that holds `term`: a hash of its first two
/// UTF-16 code units (the second is 0 for a term of one), modulo the number
/// of parts, as the script computes it. Two units spread character pairs and
/// words evenly; a word being typed is completed once it has three
/// characters, and its completions share its first two.
pub fn part_of(term: &str, parts: usize) -> usize {
    let mut units = term.encode_utf16();
    let a = units.next().map_or(0, u32::from);
    let b = units.next().map_or(0, u32::from);
    let h = (a ^ b.wrapping_mul(0x85EB_CA6B)).wrapping_mul(0x9E37_79B1);
    (h >> 16) as usize % parts.max(1)
}

mod erased {
    /// Serialises any serde value to JSON text.
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).expect("serialisable")
        }
    }
}

/// Where the index of a language is written.
pub fn index_path(lang: &str) -> String {
    format!("{lang}/search-index.js")
}

/// Where part `part` of a split index is written.
pub fn part_path(lang: &str, part: usize) -> String {
    format!("{lang}/search-index-{part}.js")
}

/// A language's search index, as the text of script files: the one loaded
/// when a reader starts to search and, when the term table is large, the
/// parts of that table, each loaded when a query needs one of its terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// The sections (address, titles, snippet text), their lengths, the
    /// stop terms and, when the table is not split, the table itself.
    pub main: String,
    /// The parts of a split table; empty when it is not split.
    pub parts: Vec<String>,
}

impl Index {
    /// Each file's path in the output and its text.
    pub fn files<'a>(&'a self, lang: &str) -> Vec<(String, &'a str)> {
        let mut out = vec![(index_path(lang), self.main.as_str())];
        out.extend(
            self.parts
                .iter()
                .enumerate()
                .map(|(k, text)| (part_path(lang, k), text.as_str())),
        );
        out
    }

    /// How large the index is, in all.
    pub fn size(&self, lang: &str) -> IndexSize {
        IndexSize {
            lang: lang.to_string(),
            bytes: self.main.len() + self.parts.iter().map(String::len).sum::<usize>(),
            parts: self.parts.len(),
        }
    }
}

/// A language's search index as the build summary reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSize {
    pub lang: String,
    /// Bytes of all its files.
    pub bytes: usize,
    /// Parts of its term table, 0 when the table is in the main file.
    pub parts: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers below the one asked for, from a xorshift generator started
    /// at `seed`: the same sequence on every run.
    fn random_below(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        }
    }

    fn t(s: &str) -> Vec<String> {
        terms(&normalise(s))
    }

    #[test]
    fn english_and_russian_words_fold_case_and_accents() {
        assert_eq!(
            t("Risk Analysis, step-by-step."),
            ["risk", "analysis", "step", "by", "step"]
        );
        assert_eq!(t("Анализ РИСКОВ"), ["анализ", "рисков"]);
        assert_eq!(normalise("Análisis Ñandú"), "analisis nandu");
        assert_eq!(normalise("ﬁle ①"), "file 1");
    }

    #[test]
    fn arabic_drops_harakat_and_tatweel_and_unifies_letters() {
        assert_eq!(normalise("تَحْلِيلُ المخـــاطر"), "تحليل المخاطر");
        assert_eq!(normalise("أمان إدارة آمن"), "امان اداره امن");
        assert_eq!(t("الأمنُ الرقمي"), ["الامن", "الرقمي"]);
        assert_eq!(normalise("٢٠٢٤"), "2024");
    }

    #[test]
    fn persian_variants_and_zwnj() {
        // Persian keh and yeh match their Arabic forms, with or without ZWNJ.
        assert_eq!(normalise("کلید"), normalise("كليد"));
        assert_eq!(normalise("می‌خواهم"), normalise("میخواهم"));
        assert_eq!(t("رمز‌های عبور"), ["رمزهاي", "عبور"]);
        assert_eq!(normalise("۱۴۰۳"), "1403");
    }

    #[test]
    fn chinese_is_indexed_as_character_pairs() {
        assert_eq!(t("数字安全"), ["数字", "字安", "安全"]);
        // A two-character query is one of the text's terms.
        assert!(t("保护数字安全指南").contains(&t("安全")[0]));
        assert_eq!(t("安"), ["安"]);
        assert_eq!(t("使用 VeraCrypt 加密"), ["veracrypt", "使用", "加密"]);
    }

    #[test]
    fn burmese_is_indexed_as_pairs_and_any_substring_matches() {
        let text = "ဒစ်ဂျစ်တယ်လုံခြုံရေး";
        let all = t(text);
        for q in ["လုံခြုံ", "ဂျစ်", "ရေး"] {
            assert!(t(q).iter().all(|p| all.contains(p)), "{q}");
        }
        assert_eq!(t("လုံ"), ["လု", "ုံ"]);
    }

    #[test]
    fn amharic_words_split_on_ethiopic_word_space() {
        assert_eq!(t("የዲጂታል ደህንነት"), ["የዲጂታል", "ደህንነት"]);
        assert_eq!(t("የዲጂታል፡ደህንነት።"), ["የዲጂታል", "ደህንነት"]);
    }

    #[test]
    fn fast_paths_agree_with_full_normalisation() {
        for text in [
            "Cafe\u{0301} IN İSTANBUL",
            "e\u{0301}\u{0327}x",
            "漢字ABC数字\u{0301}",
            "Ａｂｃ ﬁ ①",
            "የዲጂታል ደህንነት ABC",
            "الأمنُ A می‌خواهم",
            "",
            "a",
            "É",
            "ПРИВЕТ ёлка й\u{0306}",
            "İstanbul ſ ß ǅ ½ ª µ",
            "أمان ئ ى ة ـ ك ی",
        ] {
            let mut slow = String::new();
            normalise_slow(text, &mut slow);
            assert_eq!(normalise(text), slow, "{text:?}");
        }
        // Random strings of every character with a simple form, the marks
        // that may follow them, and characters of the other paths.
        let mut pool: Vec<char> = SIMPLE_RANGE.filter_map(char::from_u32).collect();
        pool.extend("aeiouAEIOUsSkK1 .数ሰ\u{200C}\u{FB01}\u{1E9B}\u{212B}".chars());
        pool.extend((0x0300..=0x036F).filter_map(char::from_u32));
        let mut next = random_below(0x9E37_79B9_7F4A_7C15);
        for _ in 0..100_000 {
            let len = 1 + next(5);
            let text: String = (0..len).map(|_| pool[next(pool.len())]).collect();
            let mut slow = String::new();
            normalise_slow(&text, &mut slow);
            assert_eq!(normalise(&text), slow, "{text:?}");
        }
    }

    #[test]
    fn stable_characters_are_starters_that_never_change_or_compose() {
        use std::collections::HashSet;
        use unicode_normalization::char::{
            canonical_combining_class, compose, decompose_canonical,
        };
        // Every canonical composition pair, from the characters that
        // decompose into one.
        let (mut first, mut second) = (HashSet::new(), HashSet::new());
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            let mut d = Vec::new();
            decompose_canonical(c, |x| d.push(x));
            let Some(last) = d.pop() else { continue };
            let head: String = d.iter().collect::<String>().nfc().collect();
            let mut head = head.chars();
            if let (Some(a), None) = (head.next(), head.next())
                && compose(a, last) == Some(c)
            {
                first.insert(a);
                second.insert(last);
            }
        }
        assert!(first.contains(&'e') && second.contains(&'\u{0301}'));
        assert!(second.contains(&'\u{102E}'), "Myanmar u + ii compose");
        let mut checked = 0;
        // ASCII letters do compose with marks: `normalise` keeps the last
        // ASCII character for the slow path when a mark follows.
        for c in (0x80..0x11_0000)
            .filter_map(char::from_u32)
            .filter(|&c| is_stable(c))
        {
            let lower: Vec<char> = c.to_lowercase().collect();
            let nfkd: Vec<char> = c.nfkd().collect();
            assert!(
                lower == [c]
                    && nfkd == [c]
                    && canonical_combining_class(c) == 0
                    && !first.contains(&c)
                    && !second.contains(&c),
                "U+{:04X} is not stable",
                c as u32
            );
            checked += 1;
        }
        assert!(checked > 20_000);
        assert!(UNSTABLE.is_sorted());
        // Characters replaced by their simple form, and those forms, never
        // compose with the character before them.
        let mut simple = 0;
        for c in SIMPLE_RANGE.filter_map(char::from_u32) {
            if let Some(form) = simple_form(&SIMPLE_FORMS, c) {
                assert!(!second.contains(&c), "U+{:04X}", c as u32);
                assert!(!second.contains(&form), "U+{:04X}", form as u32);
                simple += 1;
            }
        }
        assert!(simple > 1000, "{simple}");
        // The bit table holds exactly the list.
        for u in (0x0E00..=0x109F).chain(0x1780..=0x17FF) {
            let c = char::from_u32(u).expect("not a surrogate");
            assert_eq!(is_stable(c), !UNSTABLE.contains(&u), "U+{u:04X}");
        }
    }

    #[test]
    fn word_fast_path_agrees_with_unicode_word_boundaries() {
        let samples = [
            "Risk analysis, step-by-step: e.g. \"threats\" (and) 'vulnerabilities'... 3.14 1,000 a_b",
            "Análisis de riesgos — «amenazas» ¿qué? ¡ya! Ñandú, naïve café.",
            "Анализ рисков: угрозы, уязвимости и «возможности»; ёлка — йод!",
            "تحليل المخاطر، التهديدات؛ نقاط الضعف؟ «القدرات». ١٢٣",
            "تحلیل خطر، تهدیدها؛ آسیب‌پذیری‌ها؟ رمزهای عبور",
            "የአደጋ ትንተና፡ ስጋቶች። ተጋላጭነቶች፣ አቅሞች፤",
            "Türkçe: güvenlik, şifre; İstanbul’un. Tiếng Việt: an toàn, mật khẩu.",
            "עברית: \"אבטחה\", סיסמה; דו\"ח",
            "x ½ Ⅻ ① カタカナ ひらがな 数字 ၁၂ don't rock'n'roll",
        ];
        for text in samples {
            let text = normalise(text);
            let fast = terms(&text);
            let slow: Vec<String> = text
                .unicode_words()
                .filter(|w| !w.chars().any(is_spaceless))
                .map(str::to_string)
                .collect();
            let fast_words: Vec<String> = fast
                .into_iter()
                .filter(|w| !w.chars().any(is_spaceless))
                .collect();
            assert_eq!(fast_words, slow, "{text}");
        }
    }

    #[test]
    fn chunks_are_split_at_the_same_whitespace_as_the_standard_library() {
        let spaces: Vec<char> = (0..0x11_0000)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let pieces = [
            "a",
            "数字",
            "ñ",
            "\u{0085}x",
            "…",
            "\u{2060}",
            "ཀ་",
            "—",
            "မြန်မာ",
            "ሰላም።",
            "",
        ];
        let mut text = String::new();
        for (i, space) in spaces.iter().cycle().take(200).enumerate() {
            text.push_str(pieces[i % pieces.len()]);
            text.push(*space);
            if i % 3 == 0 {
                text.push(spaces[(i * 7) % spaces.len()]);
            }
            text.push_str(pieces[(i * 5) % pieces.len()]);
        }
        let mut chunks = Vec::new();
        for_each_chunk(&text, |c| chunks.push(c));
        let expected: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(chunks, expected);
        let edges = [
            "",
            " ",
            "x",
            " x ",
            "\u{3000}数\u{3000}",
            "မြန်\u{1680}မာ ሰ\u{1680}",
            "မြန် မာ\u{00A0}ሰላም",
        ];
        for edge in edges {
            let mut chunks = Vec::new();
            for_each_chunk(edge, |c| chunks.push(c));
            assert_eq!(
                chunks,
                edge.split_whitespace().collect::<Vec<_>>(),
                "{edge:?}"
            );
        }
    }

    #[test]
    fn spaceless_scripts_have_no_case_and_run_breaks_stay_punctuation() {
        for c in (0..0x11_0000).filter_map(char::from_u32) {
            if is_spaceless(c) {
                assert!(c.to_lowercase().eq([c]), "{c:?} has a lower case");
            }
            if is_run_break(c) {
                assert!(
                    !c.is_alphanumeric() && !c.is_whitespace() && !is_spaceless(c),
                    "{c:?}"
                );
                for d in normalise(&c.to_string()).chars() {
                    assert!(
                        !d.is_alphanumeric()
                            && !is_spaceless(d)
                            && canonical_combining_class(d) == 0,
                        "{c:?} normalises to {d:?}"
                    );
                }
            }
        }
    }

    /// The terms of a chunk as the vocabulary finds them.
    fn chunk_terms(chunk: &str) -> Vec<String> {
        let mut vocab = Vocabulary::default();
        let ids = vocab.chunk_terms(chunk).to_vec();
        ids.iter()
            .map(|&t| vocab.terms[t as usize].to_string())
            .collect()
    }

    #[test]
    fn spaceless_fast_path_finds_the_terms_of_the_full_path() {
        let mut vocab = Vocabulary::default();
        // Typical text takes the fast path, punctuation and all.
        for text in [
            "保护数字安全，使用强密码。",
            "ဒစ်ဂျစ်တယ်လုံခြုံရေး။",
            "བོད་ཀྱི་སྐད་ཡིག་",
            "(ကိုယ်ရေး)\"ဒေတာ\".",
        ] {
            vocab.scratch.clear();
            assert!(vocab.spaceless_run(text), "{text}");
            assert_eq!(chunk_terms(text), terms(&normalise(text)), "{text}");
        }
        // Every character of the scripts it may take, with the marks that
        // compose, decompose or need reordering, and what it must refuse.
        let mut pool: Vec<char> = (0x0E00..=0x109F)
            .chain(0x1780..=0x17FF)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_whitespace())
            .collect();
        pool.extend(
            "数字安全保护。，、“”…—ーカタカナひらがな豈\u{F900}\u{20000}aZ1.,!?:;()[]".chars(),
        );
        pool.extend([
            '\u{1025}', '\u{102E}', '\u{1026}', '\u{0F71}', '\u{0F72}', '\u{0F80}',
        ]);
        pool.extend(
            (0..0x11_0000)
                .filter_map(char::from_u32)
                .filter(|&c| is_run_break(c)),
        );
        let mut next = random_below(0x2545_F491_4F6C_DD1D);
        let mut fast = 0;
        for _ in 0..50_000 {
            let len = 1 + next(6);
            let text: String = (0..len).map(|_| pool[next(pool.len())]).collect();
            vocab.scratch.clear();
            if vocab.spaceless_run(&text) {
                fast += 1;
                let mut found = Vec::new();
                for_each_term(&normalise(&text), |t| found.push(t.to_string()));
                let ids = vocab.scratch.clone();
                let got: Vec<String> = ids
                    .iter()
                    .map(|&t| vocab.terms[t as usize].to_string())
                    .collect();
                assert_eq!(
                    got,
                    found,
                    "{text:?} {:x?}",
                    text.chars().map(|c| c as u32).collect::<Vec<_>>()
                );
            }
        }
        assert!(fast > 1_000, "only {fast} strings took the fast path");
    }

    #[test]
    fn postings_are_gaps_in_self_delimiting_digits() {
        assert_eq!(encode_postings(&[(3, 1), (10, 4), (50, 99)]), "DGn~BCAh");
        assert_eq!(encode_postings(&[(0, 2)]), "A~AA");
        assert_eq!(encode_postings(&[(0, 1), (1, 1), (2, 1)]), "AAA");
        // 52 and more take digits before the last: 100 = 28 + 2 * 36.
        assert_eq!(encode_postings(&[(100, 1)]), "@C");
        assert_eq!(
            decode_postings("DGn~BCAh"),
            Some(vec![(3, 1), (10, 4), (50, 35)])
        );
        assert_eq!(decode_postings("D0"), None, "a number left unfinished");
        assert_eq!(decode_postings("D~B"), None, "a weight without its posting");
        assert_eq!(decode_postings("D~BA"), None, "a weight past the end");
    }

    #[test]
    fn postings_round_trip() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) as u32
        };
        for len in [1, 2, 10, 300] {
            let mut doc = 0;
            let postings: Vec<(u32, u32)> = (0..len)
                .map(|_| {
                    doc += next() % [1, 3, 60, 5000][len % 4];
                    let weight = if next() % 4 == 0 { 2 + next() % 33 } else { 1 };
                    let p = (doc, weight);
                    doc += 1;
                    p
                })
                .collect();
            let text = encode_postings(&postings);
            assert!(!text.contains(['"', '\\', ',']), "{text}");
            assert_eq!(decode_postings(&text).as_deref(), Some(&postings[..]));
        }
    }

    #[test]
    fn excerpts_are_measured_in_columns() {
        let latin = "word ".repeat(100);
        assert_eq!(excerpt(&latin).chars().count(), EXCERPT_COLUMNS);
        let han = "中文".repeat(200);
        assert_eq!(excerpt(&han).chars().count(), EXCERPT_COLUMNS / 2);
        // Combining marks count as a column each, not none.
        let burmese = "\u{1000}\u{102D}".repeat(200);
        assert_eq!(excerpt(&burmese).chars().count(), EXCERPT_COLUMNS);
        assert_eq!(excerpt("  a \n\t b  "), "a b");
    }

    #[test]
    fn parts_spread_terms_evenly() {
        // Character pairs of Chinese, and syllables of Ethiopic whose code
        // points step by 8 (a first character alone left parts empty).
        let han: Vec<char> = (0..400)
            .filter_map(|i| char::from_u32(0x4E00 + i * 7))
            .collect();
        let ethiopic: Vec<char> = (0..31u32)
            .flat_map(|row| (0..7).map(move |v| char::from_u32(0x1200 + row * 8 + v).unwrap()))
            .collect();
        for chars in [han, ethiopic] {
            let mut counts = [0usize; 7];
            let mut n = 0;
            for a in &chars {
                for b in &chars {
                    counts[part_of(&format!("{a}{b}"), 7)] += 1;
                    n += 1;
                }
            }
            let (least, most) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            assert!(
                *least * 7 > n * 8 / 10 && *most * 7 < n * 12 / 10,
                "{counts:?}"
            );
        }
        assert_eq!(part_of("anything", 1), 0);
        assert_eq!(part_of("", 3), part_of("", 3));
    }

    #[test]
    fn terms_are_front_coded_in_utf16_units() {
        let terms = [
            "abc",
            "abd",
            "abde",
            "b",
            "\u{1D11E}x",
            "\u{1D11E}y",
            "中文",
            "中间",
        ];
        let mut coded = Vec::new();
        let mut previous = "";
        for t in terms {
            let mut entry = String::new();
            push_front_coded(&mut entry, previous, t);
            coded.push(entry);
            previous = t;
        }
        // The musical symbol is two UTF-16 units, as a script counts it.
        assert_eq!(
            coded,
            [
                "0abc",
                "2d",
                "3e",
                "0b",
                "0\u{1D11E}x",
                "2y",
                "0中文",
                "1间"
            ]
        );
        let coded: Vec<&str> = coded.iter().map(String::as_str).collect();
        assert_eq!(decode_terms(&coded).unwrap(), terms);
        let long = "x".repeat(50);
        let mut entry = String::new();
        push_front_coded(&mut entry, &long, &format!("{long}y"));
        assert_eq!(entry, format!("z{}y", "x".repeat(15)), "at most 35 shared");
    }

    #[test]
    fn terms_are_written_as_serde_json_writes_them() {
        for s in [
            "word",
            "قانون",
            "a\"b",
            "back\\slash",
            "tab\there",
            "\u{1}",
            "\u{7f}\u{2028}",
        ] {
            let mut out = String::new();
            push_json_str(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
    }

    #[test]
    fn sections_follow_headings() {
        let s = sections(
            "# T\n\nIntro text.\n\n## A\n\nAlpha *beta*.\n\n#### Deep\n\nStill A.\n",
            &["t".into(), "a".into(), "deep".into()],
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].heading, "T");
        assert_eq!(s[1].id.as_deref(), Some("a"));
        assert!(s[1].text.contains("Alpha beta") && s[1].text.contains("Still A."));
    }
}
