//! Slugs: Unicode-aware ids for headings and other generated anchors.
//!
//! Heading ids follow the rule of Git hosting previews (GitHub's), so that a
//! fragment that works there works on the site too: the text is lowercased,
//! every character but letters, marks, decimal digits, connector punctuation
//! (`_`), spaces and `-` is removed, and each space becomes `-`
//! ([`heading_slug`]); repeats get `-1`, `-2`... ([`IdSet`]). Other ids made
//! from text (chapters on print pages, footnotes) come from [`slugify`],
//! which turns each run of anything but letters and digits into one hyphen.

use std::collections::{HashMap, HashSet};

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

/// The id a Git hosting preview gives a heading whose plain text is `text`,
/// before repeats are numbered; `section` when nothing is left (the preview's
/// would be empty, which an HTML id cannot be).
pub fn heading_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The whole text is lowercased first, as the preview does: a capital
    // sigma at the end of a word becomes `ς`, and one character may
    // lowercase to several.
    for c in text.to_lowercase().chars() {
        if c == ' ' {
            out.push('-');
        } else if kept_in_heading_slug(c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// Whether a character stays in a heading slug: `-` and the word characters
/// of Unicode regular expressions (alphabetic characters, marks, decimal
/// digits, connector punctuation). Symbols (emoji among them), other
/// punctuation, other spaces, control and format characters (zero-width
/// joiners among them) are removed.
fn kept_in_heading_slug(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_' || c == '-';
    }
    if crate::render::chars::is_alphabetic(c) {
        return true;
    }
    let gc = c.general_category();
    matches!(
        gc,
        GeneralCategory::DecimalNumber | GeneralCategory::ConnectorPunctuation
    ) || c.general_category_group() == GeneralCategoryGroup::Mark
}

/// A slug for ids polybook makes itself (print-page chapters, footnotes):
/// letters and digits of every script, lowercased, with one hyphen for each
/// run of anything else; `section` when nothing is left.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if crate::render::chars::is_alphanumeric(c) || is_combining_mark(c) {
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
    /// For each id that [`IdSet::unique`] had to number, the first suffix
    /// not yet tried: every `id-N` below it is taken, since ids are never
    /// given back. Without it, the n-th repeat of a heading tried n - 1 taken
    /// ids first, so a chapter of many equal headings took quadratic time.
    next: HashMap<String, usize>,
    /// Ids looked up in `used` by `unique`, to check that the work stays
    /// linear without timing it.
    #[cfg(test)]
    probes: usize,
}

impl IdSet {
    /// Reserves `id` if free, or the first free `id-N`.
    pub fn unique(&mut self, id: &str) -> String {
        #[cfg(test)]
        {
            self.probes += 1;
        }
        if self.used.insert(id.to_string()) {
            return id.to_string();
        }
        let next = self.next.entry(id.to_string()).or_insert(1);
        loop {
            let candidate = format!("{id}-{next}");
            *next += 1;
            #[cfg(test)]
            {
                self.probes += 1;
            }
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    /// Reserves `id` only when free; tells whether it was.
    pub fn try_insert(&mut self, id: &str) -> bool {
        self.used.insert(id.to_string())
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
    fn heading_slugs_follow_git_hosting_previews() {
        // Punctuation is removed, not turned into a hyphen.
        assert_eq!(
            heading_slug("Don't tolerate bad actors"),
            "dont-tolerate-bad-actors"
        );
        assert_eq!(
            heading_slug("What does my company's legal team need to know?"),
            "what-does-my-companys-legal-team-need-to-know"
        );
        assert_eq!(
            heading_slug("Risk analysis: a how-to"),
            "risk-analysis-a-how-to"
        );
        assert_eq!(heading_slug("Step 1. Install (v2.0)"), "step-1-install-v20");
        // Each space is a hyphen, also where punctuation stood between two.
        assert_eq!(heading_slug("Before & after"), "before--after");
        assert_eq!(heading_slug("a  b"), "a--b");
        assert_eq!(heading_slug(" a "), "-a-");
        // `_` and `-` are kept; other dashes and spaces are removed.
        assert_eq!(heading_slug("snake_case and -x-"), "snake_case-and--x-");
        assert_eq!(heading_slug("2020–2024\u{a0}plan"), "20202024plan");
        // Emoji and other symbols go.
        assert_eq!(heading_slug("🔒 Lock it"), "-lock-it");
        assert_eq!(heading_slug("Price €5 + tax"), "price-5--tax");
        // Letters, marks and digits of every script stay, lowercased.
        assert_eq!(heading_slug("تحليل المخاطر"), "تحليل-المخاطر");
        assert_eq!(heading_slug("ما هو؟ ١٢٣"), "ما-هو-١٢٣");
        assert_eq!(heading_slug("风险分析：第一步"), "风险分析第一步");
        assert_eq!(heading_slug("Анализ рисков"), "анализ-рисков");
        // A capital sigma ending a word lowercases to the final form.
        assert_eq!(heading_slug("ΟΔΗΓΟΣ ΧΡΗΣΗΣ"), "οδηγο\u{3c2}-χρηση\u{3c2}");
        assert_eq!(heading_slug("जोखिम विश्लेषण"), "जोखिम-विश्लेषण");
        assert_eq!(heading_slug("အန္တရာယ် ဆန်းစစ်ခြင်း"), "အန္တရာယ်-ဆန်းစစ်ခြင်း");
        assert_eq!(heading_slug("¿Qué hacer?"), "qué-hacer");
        // Zero-width non-joiners (Persian) are format characters: removed.
        assert_eq!(heading_slug("رمز عبور\u{200c}ها"), "رمز-عبورها");
        // Nothing left: a fallback, since an id cannot be empty.
        assert_eq!(heading_slug("🎉"), "section");
    }

    /// The README's table of heading ids: each row `| `## text` | `#id` |`
    /// is what a build gives.
    #[test]
    fn the_readme_examples_of_heading_ids_hold() {
        let readme = include_str!("../../README.md");
        let rows: Vec<(&str, &str)> = readme
            .lines()
            .filter_map(|line| {
                let rest = line.strip_prefix("| `## ")?;
                let (text, rest) = rest.split_once("` | `#")?;
                let (id, _) = rest.split_once('`')?;
                Some((text, id))
            })
            .collect();
        assert!(
            rows.len() >= 6 && rows.iter().any(|(text, _)| !text.is_ascii()),
            "README.md should show heading ids in Latin and other scripts: {rows:?}"
        );
        for (text, id) in rows {
            assert_eq!(heading_slug(text), id, "README example `## {text}`");
        }
    }

    #[test]
    fn unique_ids() {
        let mut ids = IdSet::default();
        assert_eq!(ids.unique("a"), "a");
        assert_eq!(ids.unique("a"), "a-1");
        assert_eq!(ids.unique("a"), "a-2");
        assert!(!ids.try_insert("a-1"));
    }

    #[test]
    fn many_repeats_are_numbered_in_linear_work() {
        let mut ids = IdSet::default();
        // Ids taken before their base is numbered, and numbered bases.
        assert!(ids.try_insert("notes-3"));
        assert!(ids.try_insert("notes-5-1"));
        let given: Vec<String> = (0..10_000).map(|_| ids.unique("notes")).collect();
        let expected: Vec<String> = std::iter::once("notes".to_string())
            .chain(
                (1..=10_000)
                    .filter(|&n| n != 3)
                    .map(|n| format!("notes-{n}")),
            )
            .collect();
        assert_eq!(given, expected);
        assert_eq!(ids.unique("notes-5"), "notes-5-2");
        assert_eq!(ids.unique("notes"), "notes-10001");
        // No taken id is tried twice: one look-up of the base for each of
        // the 10,002 calls, then `notes-1` to `notes-10000` (of which
        // `notes-3` was taken), `notes-5-1` and `notes-5-2`, and
        // `notes-10001`.
        assert_eq!(ids.probes, 10_002 + 10_000 + 2 + 1);
    }

    #[test]
    fn repeats_are_numbered_as_previews_number_them() {
        let mut ids = IdSet::default();
        let mut id = |text: &str| ids.unique(&heading_slug(text));
        assert_eq!(id("Notes"), "notes");
        assert_eq!(id("Notes"), "notes-1");
        // A heading whose own slug is an id already given is numbered too.
        assert_eq!(id("Notes 1"), "notes-1-1");
        assert_eq!(id("Notes-1"), "notes-1-2");
        assert_eq!(id("Notes"), "notes-2");
        // An id given before its base is not given again.
        assert_eq!(id("Plan-1"), "plan-1");
        assert_eq!(id("Plan"), "plan");
        assert_eq!(id("Plan"), "plan-2");
    }
}
