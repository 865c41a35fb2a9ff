//! The scripts polybook bundles fonts for, and which of them a text uses
//! (by each character's Unicode script property).

use std::collections::BTreeSet;

use unicode_script::{Script as Unicode, UnicodeScript};

/// A script that devices often have no font for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Script {
    Myanmar,
    Ethiopic,
    Tibetan,
    Khmer,
    Sinhala,
    Arabic,
    Han,
}

impl Script {
    pub const ALL: [Script; 7] = [
        Script::Myanmar,
        Script::Ethiopic,
        Script::Tibetan,
        Script::Khmer,
        Script::Sinhala,
        Script::Arabic,
        Script::Han,
    ];

    /// Bundled unless the project says otherwise; Arabic and Han fonts are
    /// on most devices and large, so they are bundled only when asked for.
    pub fn by_default(self) -> bool {
        !matches!(self, Script::Arabic | Script::Han)
    }

    /// The script's English name, as in the Unicode standard.
    pub fn name(self) -> &'static str {
        match self {
            Script::Myanmar => "Myanmar",
            Script::Ethiopic => "Ethiopic",
            Script::Tibetan => "Tibetan",
            Script::Khmer => "Khmer",
            Script::Sinhala => "Sinhala",
            Script::Arabic => "Arabic",
            Script::Han => "Han",
        }
    }

    /// The ISO 15924 code.
    pub fn code(self) -> &'static str {
        match self {
            Script::Myanmar => "Mymr",
            Script::Ethiopic => "Ethi",
            Script::Tibetan => "Tibt",
            Script::Khmer => "Khmr",
            Script::Sinhala => "Sinh",
            Script::Arabic => "Arab",
            Script::Han => "Hani",
        }
    }

    /// The stem of the script's font files in the output.
    pub fn stem(self) -> String {
        self.name().to_ascii_lowercase()
    }

    /// The CSS family name under which the bundled font is declared.
    pub fn css_family(self) -> String {
        format!("polybook {}", self.name())
    }

    /// By name or ISO 15924 code, in any case.
    pub fn parse(name: &str) -> Option<Script> {
        Script::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name) || s.code().eq_ignore_ascii_case(name))
    }

    /// Installed font families to take, best first: Noto's (no reserved
    /// names, so a subset may keep its name), then others under the OFL.
    /// Han needs TrueType outlines, which the subsetter supports.
    pub fn families(self) -> &'static [&'static str] {
        match self {
            Script::Myanmar => &["Noto Sans Myanmar", "Noto Serif Myanmar", "Padauk"],
            Script::Ethiopic => &[
                "Noto Sans Ethiopic",
                "Noto Serif Ethiopic",
                "Abyssinica SIL",
            ],
            Script::Tibetan => &["Noto Serif Tibetan", "Noto Sans Tibetan", "Jomolhari"],
            Script::Khmer => &["Noto Sans Khmer", "Noto Serif Khmer", "Khmer OS"],
            Script::Sinhala => &["Noto Sans Sinhala", "Noto Serif Sinhala", "LKLUG"],
            Script::Arabic => &["Noto Naskh Arabic", "Noto Sans Arabic", "Vazirmatn"],
            Script::Han => &["WenQuanYi Micro Hei", "Droid Sans Fallback"],
        }
    }

    /// The Debian packages that have a font for the script.
    pub fn packages(self) -> &'static str {
        match self {
            Script::Myanmar => "fonts-noto-core or fonts-sil-padauk",
            Script::Ethiopic => "fonts-noto-core or fonts-sil-abyssinica",
            Script::Tibetan => "fonts-noto-core",
            Script::Khmer => "fonts-noto-core or fonts-khmeros",
            Script::Sinhala => "fonts-noto-core or fonts-lklug-sinhala",
            Script::Arabic => "fonts-noto-core",
            Script::Han => "fonts-wqy-microhei or fonts-droid-fallback",
        }
    }

    /// Characters of the script that pages may show without the sources
    /// holding them (numbers written by the build), kept in every subset.
    pub fn always(self) -> &'static [std::ops::RangeInclusive<char>] {
        match self {
            Script::Myanmar => &['\u{1040}'..='\u{1049}', '\u{104A}'..='\u{104B}'],
            Script::Ethiopic => &['\u{1361}'..='\u{1368}', '\u{1369}'..='\u{137C}'],
            Script::Tibetan => &['\u{0F0B}'..='\u{0F0E}', '\u{0F20}'..='\u{0F29}'],
            Script::Khmer => &['\u{17E0}'..='\u{17E9}'],
            Script::Sinhala => &['\u{0DE6}'..='\u{0DEF}'],
            Script::Arabic => &['\u{0660}'..='\u{0669}', '\u{06F0}'..='\u{06F9}'],
            Script::Han => &[],
        }
    }

    /// The script of `c`, if it is one of these.
    pub fn of(c: char) -> Option<Script> {
        Some(match c.script() {
            Unicode::Myanmar => Script::Myanmar,
            Unicode::Ethiopic => Script::Ethiopic,
            Unicode::Tibetan => Script::Tibetan,
            Unicode::Khmer => Script::Khmer,
            Unicode::Sinhala => Script::Sinhala,
            Unicode::Arabic => Script::Arabic,
            Unicode::Han => Script::Han,
            _ => return None,
        })
    }

    /// Whether `c` belongs to no script of its own (spaces, punctuation,
    /// joiners, combining marks): a subset keeps those its font has.
    pub fn shared(c: char) -> bool {
        matches!(c.script(), Unicode::Common | Unicode::Inherited)
    }
}

/// The scripts of these that `chars` use.
pub fn scripts_in(chars: &BTreeSet<char>) -> BTreeSet<Script> {
    chars.iter().filter_map(|&c| Script::of(c)).collect()
}

/// Zawgyi, the older Burmese encoding that reuses Myanmar code points for
/// other letters: a text in it shows garbled with a Unicode font. Returns
/// the 1-based line of the first line that looks like Zawgyi.
///
/// The signs: a vowel sign E (U+1031) or medial RA glyph (U+103B) written
/// before its consonant at the start of a syllable, the Zawgyi virama
/// (U+1039) used where Unicode writes ASAT (U+103A) at a word's end, and
/// code points Zawgyi uses for stacked letters (U+1060 to U+1097), which
/// Burmese in Unicode does not use.
pub fn zawgyi_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|line| zawgyi_score(line) >= 2)
        .map(|i| i + 1)
}

fn zawgyi_score(line: &str) -> usize {
    let chars: Vec<char> = line.chars().collect();
    let consonant = |c: char| ('\u{1000}'..='\u{1021}').contains(&c);
    let mut score = 0;
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let starts = prev.is_none_or(|p| !('\u{1000}'..='\u{109F}').contains(&p));
        let next = chars.get(i + 1).copied();
        match c {
            // E or medial RA before a consonant, at a syllable's start.
            '\u{1031}' | '\u{103B}' if starts && next.is_some_and(consonant) => score += 1,
            // Virama at the end of a word: Unicode uses ASAT there.
            '\u{1039}' if next.is_none_or(|n| !consonant(n)) => score += 1,
            '\u{1060}'..='\u{1097}' => score += 1,
            _ => {}
        }
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_parse_in_any_case() {
        assert_eq!(Script::parse("myanmar"), Some(Script::Myanmar));
        assert_eq!(Script::parse("TIBT"), Some(Script::Tibetan));
        assert_eq!(Script::parse("Han"), Some(Script::Han));
        assert_eq!(Script::parse("latin"), None);
    }

    #[test]
    fn scripts_by_character() {
        let chars: BTreeSet<char> = "Risk ကာကွယ် ጥበቃ བོད་ 保护 خطر".chars().collect();
        let found: Vec<_> = scripts_in(&chars).into_iter().collect();
        assert_eq!(
            found,
            [
                Script::Myanmar,
                Script::Ethiopic,
                Script::Tibetan,
                Script::Arabic,
                Script::Han
            ]
        );
        assert!(Script::shared(' ') && Script::shared('\u{200C}') && !Script::shared('a'));
    }

    #[test]
    fn zawgyi_is_told_from_unicode_burmese() {
        // "How are you?" typed in Zawgyi: E before its consonant, virama as asat.
        let zawgyi = "\u{1031}\u{1014}\u{1031}\u{1000}\u{102C}\u{1004}\u{1039}\u{1038}\u{101C}\u{102C}\u{1038}";
        // The same words in Unicode.
        let unicode = "နေကောင်းလား";
        assert_eq!(zawgyi_line(&format!("# title\n\n{zawgyi}\n")), Some(3));
        assert_eq!(zawgyi_line(unicode), None);
        // Unicode Burmese with a stacked consonant (virama followed by a consonant).
        assert_eq!(zawgyi_line("ကမ္ဘာ မင်္ဂလာပါ"), None);
        assert_eq!(zawgyi_line("English only"), None);
    }
}
