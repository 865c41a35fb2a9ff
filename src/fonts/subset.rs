//! A font cut down to the characters a language's pages (or one book) use,
//! with every glyph shaping needs: HarfBuzz's subsetter (`harfbuzz.rs`)
//! follows the GSUB and GPOS closure, so Myanmar medials and reordering,
//! Tibetan stacks and Arabic joining forms survive. Site fonts are then
//! packed as WOFF2 (`woofwoof`: Google's encoder with Rust's brotli); books
//! embed the TrueType subset.

use std::collections::BTreeSet;

use super::find::FontFile;
use super::script::Script;

/// Characters that shaping inserts or that join runs of any script: kept
/// whenever the font has them.
const SHAPING: &[char] = &[
    '\u{25CC}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{00A0}',
];

/// The characters of `chars` that a subset of `face` for `script` keeps:
/// the script's own, those of no script that the face has, and, when the
/// text is in the script (`own`, not only a name in the language menu),
/// the script's digits and punctuation the build may write.
pub fn keep(face: &FontFile, script: Script, chars: &BTreeSet<char>, own: bool) -> BTreeSet<char> {
    let Some(font) = face.font() else {
        return BTreeSet::new();
    };
    let always = (script.always().iter())
        .filter(|_| own)
        .flat_map(|r| r.clone());
    chars
        .iter()
        .copied()
        .filter(|&c| Script::of(c) == Some(script) || Script::shared(c))
        .chain(always)
        .chain(SHAPING.iter().copied())
        .filter(|&c| font.glyph_index(c).is_some())
        .collect()
}

/// The TrueType subset of `face` for `chars`, keeping the names of the
/// family, the copyright and the licence (0 to 14, 16, 17). The subsetter
/// is guarded: a font it cannot handle is a message, never a crash.
pub fn subset(face: &FontFile, chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let names: Vec<u16> = (0..=14).chain([16, 17]).collect();
    let run = || super::harfbuzz::subset(&face.bytes, face.index, chars, &names);
    match std::panic::catch_unwind(run) {
        Ok(Some(bytes)) => Ok(bytes),
        _ => Err(format!("cannot subset `{}`", face.path.display())),
    }
}

/// Brotli quality for WOFF2. 5 rather than the maximum 11: on the Burmese
/// subset of the bundled manuals (81 KB of TrueType) it gives 28.9 KB in
/// 7 ms where 11 gives 26.6 KB in 156 ms (and 9, 28.7 KB in 31 ms); a
/// build packs every language's subsets, and `serve` repacks them.
const WOFF2_QUALITY: usize = 5;

/// A TrueType font packed as WOFF2.
pub fn woff2(ttf: &[u8]) -> Result<Vec<u8>, String> {
    let run = || woofwoof::compress(ttf, "", WOFF2_QUALITY, true);
    match std::panic::catch_unwind(run) {
        Ok(Some(bytes)) => Ok(bytes),
        _ => Err("cannot pack the font subset as WOFF2".into()),
    }
}

/// `chars` as a CSS `unicode-range` (`U+1000-1021, U+104A`).
pub fn unicode_range(chars: &BTreeSet<char>) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for &c in chars {
        let c = c as u32;
        match ranges.last_mut() {
            Some((_, end)) if *end + 1 == c => *end = c,
            _ => ranges.push((c, c)),
        }
    }
    ranges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                format!("U+{a:X}")
            } else {
                format!("U+{a:X}-{b:X}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_neighbours() {
        let chars: BTreeSet<char> = ['\u{1000}', '\u{1001}', '\u{1002}', '\u{104A}', ' ']
            .into_iter()
            .collect();
        assert_eq!(unicode_range(&chars), "U+20, U+1000-1002, U+104A");
        assert_eq!(unicode_range(&BTreeSet::new()), "");
    }
}
