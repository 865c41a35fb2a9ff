//! Bidirectional text: isolates left-to-right runs (product names, versions,
//! URLs) inside right-to-left text, so that their numbers and punctuation stay
//! where the author put them.

use unicode_bidi::{BidiClass, bidi_class};

use crate::render::html::escape;

/// Escapes `text` for HTML, wrapping each left-to-right run in
/// `<span dir="ltr">`. A run starts with a strong left-to-right character and
/// ends with the last left-to-right character or digit before a right-to-left
/// one. Returns `None` when the text has no left-to-right run.
pub fn isolate_ltr(text: &str) -> Option<String> {
    if !text.chars().any(|c| class(c) == BidiClass::L) {
        return None;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len() + 32);
    let mut i = 0;
    let mut copied = 0;
    while i < chars.len() {
        if class(chars[i].1) != BidiClass::L {
            i += 1;
            continue;
        }
        let start = i;
        let mut last = i;
        let mut j = i + 1;
        while j < chars.len() {
            match class(chars[j].1) {
                BidiClass::R | BidiClass::AL | BidiClass::B | BidiClass::S => break,
                BidiClass::L | BidiClass::EN => last = j,
                _ => {}
            }
            j += 1;
        }
        let (from, to) = (chars[start].0, chars[last].0 + chars[last].1.len_utf8());
        out.push_str(&escape(&text[copied..from]));
        out.push_str("<span dir=\"ltr\">");
        out.push_str(&escape(&text[from..to]));
        out.push_str("</span>");
        copied = to;
        i = last + 1;
    }
    out.push_str(&escape(&text[copied..]));
    Some(out)
}

/// The bidirectional class of `c`, without a table search for the
/// characters right-to-left pages are mostly made of: ASCII and the letters
/// of the basic Arabic block.
fn class(c: char) -> BidiClass {
    match c {
        'a'..='z' | 'A'..='Z' => BidiClass::L,
        '0'..='9' => BidiClass::EN,
        ' ' => BidiClass::WS,
        '\u{0620}'..='\u{064A}' => BidiClass::AL,
        _ => bidi_class(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_classes_agree_with_the_unicode_data() {
        for c in ('\0'..='\u{7F}').chain('\u{0600}'..='\u{06FF}') {
            assert_eq!(class(c), bidi_class(c), "{c:?}");
        }
    }

    #[test]
    fn wraps_latin_runs_with_their_numbers() {
        assert_eq!(
            isolate_ltr("استخدم VeraCrypt 1.26 الآن.").unwrap(),
            "استخدم <span dir=\"ltr\">VeraCrypt 1.26</span> الآن."
        );
        assert_eq!(
            isolate_ltr("a <b> و c").unwrap(),
            "<span dir=\"ltr\">a &lt;b</span>&gt; و <span dir=\"ltr\">c</span>"
        );
    }

    #[test]
    fn leaves_pure_rtl_text_alone() {
        assert_eq!(isolate_ltr("سلام ۱۲۳"), None);
    }
}
