//! The index format's numbers, postings and front-coded term lists, as
//! `static/search.js` reads them.

/// Digits of the shared-prefix lengths of front-coded terms.
pub(super) const BASE_36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Digits that end a number in postings: a number below 52 is one of them.
pub(super) const LAST_DIGITS: &[u8; 52] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Digits that come before the last one, lowest first: base 36, and none of
/// them needs escaping in JSON. `~` is left out; it separates the weights.
pub(super) const MORE_DIGITS: &[u8; 36] = b"0123456789!#$%&()*+-./:;<=>?@[]^_{|}";

/// Appends `n` as a self-delimiting number: base-36 digits from
/// [`MORE_DIGITS`], lowest first, then one digit from [`LAST_DIGITS`] for
/// what is left. No separator is needed between numbers.
pub(super) fn push_number(out: &mut String, mut n: u64) {
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

pub(super) fn push_postings(out: &mut String, postings: &[(u32, u32)]) {
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
pub(super) fn read_numbers(text: &str) -> Option<Vec<u64>> {
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
pub(super) fn push_front_coded(out: &mut String, previous: &str, term: &str) {
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
pub(super) fn push_json_str(out: &mut String, s: &str) {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(&serde_json::to_string(s).expect("strings serialise"));
    } else {
        out.push('"');
        out.push_str(s);
        out.push('"');
    }
}
