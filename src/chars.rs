//! Character classes that heading ids and search terms ask for millions of
//! times, answered from a bit table for the scripts of the manuals (Latin,
//! Greek, Cyrillic, Hebrew, Arabic, Indic, Thai, Tibetan, Myanmar, Ethiopic)
//! instead of the standard library's searches of the Unicode data.

use std::sync::LazyLock;

/// The characters the table covers: up to the end of Ethiopic.
const TABLE_END: u32 = 0x1400;

/// One bit per character below [`TABLE_END`]: whether it is alphanumeric.
/// Built from the standard library's data on first use.
static ALPHANUMERIC: LazyLock<[u64; TABLE_END as usize / 64]> = LazyLock::new(|| {
    let mut bits = [0u64; TABLE_END as usize / 64];
    for c in (0..TABLE_END).filter_map(char::from_u32) {
        if c.is_alphanumeric() {
            let u = c as usize;
            bits[u / 64] |= 1 << (u % 64);
        }
    }
    bits
});

/// [`char::is_alphanumeric`], by table lookup for the common scripts.
pub fn is_alphanumeric(c: char) -> bool {
    let u = c as u32;
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if u < TABLE_END {
        ALPHANUMERIC[u as usize / 64] & (1 << (u % 64)) != 0
    } else {
        c.is_alphanumeric()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_agrees_with_the_standard_library() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(
                is_alphanumeric(c),
                c.is_alphanumeric(),
                "U+{:04X}",
                c as u32
            );
        }
    }
}
