//! Offline search: text normalisation, word segmentation for every script, and
//! one index per language, written as a script file so that it also loads
//! from `file://`.
//!
//! Text is normalised the same way here and in the browser (`static/search.js`):
//! NFKC, lower case, no diacritics that readers do not type (Latin accents,
//! Arabic harakat, tatweel), one form of the Arabic and Persian letter variants,
//! no zero-width joiners. Words come from Unicode word boundaries (UAX #29);
//! runs of scripts written without spaces are also indexed as overlapping
//! character pairs, so any substring of two or more characters finds them.

use std::collections::HashMap;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::model::{ChapterRef, Project, urls};
use crate::outline;

/// Normalises text for indexing and querying.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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
        out.extend(c.to_lowercase());
    }
    out.nfc().collect()
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
    for word in normalised.unicode_words() {
        if !word.chars().any(is_spaceless) {
            out.push(word.to_string());
        }
    }
    // Runs of spaceless scripts, taken from the text itself: UAX #29 splits
    // Han into single characters and keeps Myanmar or Tibetan runs whole.
    let chars: Vec<char> = normalised.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !is_spaceless(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_spaceless(chars[i]) && !is_separator(chars[i]) {
            i += 1;
        }
        let run = &chars[start..i];
        match run.len() {
            0 => i += 1,
            1 => out.push(run[0].to_string()),
            _ => out.extend(run.windows(2).map(|w| w.iter().collect::<String>())),
        }
    }
    out
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
    let mut out = vec![Section {
        id: None,
        heading: String::new(),
        text: String::new(),
    }];
    let mut in_heading = false;
    let mut heading_no = 0;
    for event in Parser::new_ext(body, outline::options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading_no += 1;
                if (level as u8) <= 3 {
                    out.push(Section {
                        id: ids.get(heading_no - 1).cloned(),
                        heading: String::new(),
                        text: String::new(),
                    });
                    in_heading = true;
                } else {
                    in_heading = false;
                }
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) => {
                let s = out.last_mut().expect("never empty");
                if in_heading {
                    s.heading.push_str(&t);
                } else {
                    s.text.push_str(&t);
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                out.last_mut().expect("never empty").text.push(' ');
            }
            _ => {}
        }
    }
    out.retain(|s| !s.heading.trim().is_empty() || !s.text.trim().is_empty());
    out
}

/// Characters of a section's text kept for snippets.
const EXCERPT_CHARS: usize = 160;

/// A character pair found in more than this share of sections says nothing
/// about where to look; it is listed as a stop term instead of indexed.
const STOP_SHARE: f64 = 0.5;

/// Base-36 digits, for compact postings.
fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

/// Postings as text: each section number as the base-36 difference from the
/// previous one, followed by `:` and the base-36 weight when above 1 (at most
/// 35), separated by commas. `[(3, 1), (10, 4)]` becomes `3,7:4`.
pub fn encode_postings(postings: &[(usize, u32)]) -> String {
    let mut out = String::new();
    let mut prev = 0;
    for (i, &(doc, weight)) in postings.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&base36((doc - prev) as u64));
        prev = doc;
        if weight > 1 {
            out.push(':');
            out.push_str(&base36(u64::from(weight.min(35))));
        }
    }
    out
}

/// The search index of one language, as the text of a script file.
pub fn index_script(project: &Project, lang: &str) -> String {
    // docs: [url, chapter title, section heading, excerpt, fallback]
    let mut docs: Vec<serde_json::Value> = Vec::new();
    let mut postings: HashMap<String, Vec<(usize, u32)>> = HashMap::new();
    let mut lengths = Vec::new();
    for (mi, m) in project.manuals.iter().enumerate() {
        for (ci, ch) in m.chapters.iter().enumerate() {
            let r = ChapterRef {
                manual: mi,
                chapter: ci,
            };
            let (src, fallback) = project.content(r, lang);
            let page = urls::chapter(lang, &m.id, &ch.id);
            for (si, section) in sections(src.body(), &src.anchors.ids)
                .into_iter()
                .enumerate()
            {
                let doc = docs.len();
                let url = match &section.id {
                    Some(id) if si > 0 => format!("{}#{id}", urls::encode_path(&page)),
                    _ => urls::encode_path(&page),
                };
                let text = section
                    .text
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                let excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
                docs.push(serde_json::json!([
                    url,
                    src.title,
                    section.heading.trim(),
                    excerpt,
                    fallback as u8
                ]));
                let mut counts: HashMap<String, u32> = HashMap::new();
                let mut len = 0u32;
                // Title and heading words weigh more than body words.
                for (text, weight) in [(&src.title, 3u32), (&section.heading, 5), (&text, 1)] {
                    if weight == 3 && si > 0 {
                        continue;
                    }
                    for t in terms(&normalise(text)) {
                        *counts.entry(t).or_default() += weight;
                        len += 1;
                    }
                }
                lengths.push(len);
                for (t, n) in counts {
                    postings.entry(t).or_default().push((doc, n));
                }
            }
        }
    }
    let n = docs.len() as f64;
    let mut stop = Vec::new();
    let mut terms = serde_json::Map::new();
    let mut postings: Vec<(String, Vec<(usize, u32)>)> = postings.into_iter().collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (t, p) in postings {
        if t.chars().any(is_spaceless) && p.len() as f64 > STOP_SHARE * n && n >= 20.0 {
            stop.push(t);
        } else {
            terms.insert(t, serde_json::Value::from(encode_postings(&p)));
        }
    }
    let index = serde_json::json!({
        "lang": lang,
        "source": project.source_lang(),
        "docs": docs,
        "lengths": lengths,
        "terms": terms,
        "stop": stop,
    });
    format!(
        "window.polybookSearchIndex = {};\n",
        serde_json::to_string(&index).expect("serialisable")
    )
}

/// Where the index of a language is written.
pub fn index_path(lang: &str) -> String {
    format!("{lang}/search-index.js")
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn postings_are_delta_coded_in_base_36() {
        assert_eq!(encode_postings(&[(3, 1), (10, 4), (50, 99)]), "3,7:4,14:z");
        assert_eq!(encode_postings(&[(0, 2)]), "0:2");
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
