//! Slugs: Unicode-aware ids for headings.
//!
//! Letters and digits of every script are kept (Arabic, Cyrillic, Devanagari, Han...),
//! lowercased; runs of anything else become one hyphen.

use std::collections::HashSet;

/// The slug of a heading's plain text; `section` when nothing is left.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if crate::chars::is_alphanumeric(c) || is_combining_mark(c) {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// Vowel signs and other combining marks are part of words in Indic, Myanmar,
/// Tibetan and Arabic scripts, but are not `alphanumeric`.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0670 | 0x06D6..=0x06DC | 0x06DF..=0x06E4 | 0x0900..=0x0903 | 0x093A..=0x094F
        | 0x0951..=0x0957 | 0x0962..=0x0963 | 0x0981..=0x0983 | 0x09BC..=0x09D7 | 0x0E31
        | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x0F18..=0x0F19 | 0x0F35 | 0x0F37 | 0x0F39
        | 0x0F71..=0x0F84 | 0x0F86..=0x0F87 | 0x0F8D..=0x0FBC | 0x102B..=0x103E | 0x1056..=0x1059
        | 0x105E..=0x1060 | 0x1062..=0x1064 | 0x1067..=0x106D | 0x1071..=0x1074 | 0x1082..=0x108D
        | 0x108F | 0x109A..=0x109D | 0x135D..=0x135F | 0x200C..=0x200D)
}

/// Hands out unique ids within one page: `x`, `x-1`, `x-2`...
#[derive(Debug, Default)]
pub struct IdSet {
    used: HashSet<String>,
}

impl IdSet {
    /// Reserves `id` if free, or the first free `id-N`.
    pub fn unique(&mut self, id: &str) -> String {
        if self.used.insert(id.to_string()) {
            return id.to_string();
        }
        (1..)
            .map(|n| format!("{id}-{n}"))
            .find(|c| self.used.insert(c.clone()))
            .expect("an unused suffix exists")
    }

    /// Reserves `id` only when free; tells whether it was.
    pub fn try_insert(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.used.contains(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_letters_of_every_script() {
        assert_eq!(
            slugify("Risk Analysis: a How-To!"),
            "risk-analysis-a-how-to"
        );
        assert_eq!(slugify("تحليل المخاطر"), "تحليل-المخاطر");
        assert_eq!(slugify("Анализ рисков"), "анализ-рисков");
        assert_eq!(slugify("风险分析"), "风险分析");
        assert_eq!(slugify("जोखिम विश्लेषण"), "जोखिम-विश्लेषण");
        assert_eq!(slugify("အန္တရာယ် ဆန်းစစ်ခြင်း"), "အန္တရာယ်-ဆန်းစစ်ခြင်း");
        assert_eq!(slugify("رمز عبور‌ها"), "رمز-عبور‌ها");
        assert_eq!(slugify("¿Qué hacer?"), "qué-hacer");
        assert_eq!(slugify("***"), "section");
    }

    #[test]
    fn unique_ids() {
        let mut ids = IdSet::default();
        assert_eq!(ids.unique("a"), "a");
        assert_eq!(ids.unique("a"), "a-1");
        assert_eq!(ids.unique("a"), "a-2");
        assert!(!ids.try_insert("a-1"));
    }
}
