//! Offline search: text normalisation, word segmentation for every script, and
//! one index per language, written as a script file so that it also loads
//! from `file://` (a large one as a first file, which holds what ranks the
//! sections, parts of its term table, each loaded when a query needs it,
//! and chunks of the text shown for results, each loaded when one of its
//! sections is shown).
//!
//! Text is normalised the same way here and in the browser (`static/search.js`):
//! NFKC, lower case, no diacritics that readers do not type (Latin accents,
//! Arabic harakat, tatweel), one form of the Arabic and Persian letter variants,
//! no zero-width joiners. Words come from Unicode word boundaries (UAX #29);
//! runs of scripts written without spaces are also indexed as overlapping
//! character pairs, so any substring of two or more characters finds them.

mod codec;
mod index;
mod normalise;
mod sections;
mod segment;

pub use self::codec::*;
pub use self::index::*;
pub use self::normalise::*;
pub use self::sections::*;
pub use self::segment::*;

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::canonical_combining_class;
    use unicode_segmentation::UnicodeSegmentation;

    /// Numbers below the one asked for, from a xorshift generator started
    /// at `seed`: the same sequence on every run.
    pub(super) fn random_below(mut seed: u64) -> impl FnMut(usize) -> usize {
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
    fn piece_breaks_are_stable_run_separators() {
        for c in (0..0x11_0000)
            .filter_map(char::from_u32)
            .filter(|&c| is_piece_break(c))
        {
            assert!(is_separator(c) && is_stable(c), "{c:?}");
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            for d in (0..0x11_0000).filter_map(char::from_u32) {
                assert!(
                    unicode_normalization::char::compose(c, d).is_none()
                        && unicode_normalization::char::compose(d, c).is_none(),
                    "{c:?} composes with {d:?}"
                );
            }
        }
    }

    #[test]
    fn cutting_chunks_at_piece_breaks_keeps_their_terms() {
        // Tibetan and Myanmar letters, marks and digits, the letters that
        // decompose, Latin words and digits, punctuation that words may hold
        // inside, and every piece break.
        let mut pool: Vec<char> = (0x0F00..=0x0FFF)
            .chain(0x1000..=0x109F)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_whitespace())
            .collect();
        pool.extend("aZé1.,:'’_-\u{301}\u{200D}\u{00B7}".chars());
        for _ in 0..40 {
            pool.extend([
                '\u{0F0B}', '\u{0F0D}', '\u{104A}', '\u{104B}', 'a', 'b', '1',
            ]);
        }
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        let mut next = random_below(0x9E37_79B9_7F4A_7C15);
        for _ in 0..50_000 {
            let len = 1 + next(12);
            let chunk: String = (0..len).map(|_| pool[next(pool.len())]).collect();
            let mut cut = Vec::new();
            for_each_piece(&chunk, |p| cut.extend(terms(&normalise(p))));
            assert_eq!(
                sorted(cut),
                sorted(terms(&normalise(&chunk))),
                "{chunk:?} {:x?}",
                chunk.chars().map(|c| c as u32).collect::<Vec<_>>()
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
            .map(|&t| vocab.terms.get(t).to_string())
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
                    .map(|&t| vocab.terms.get(t).to_string())
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

    /// A loaded project of one English manual of `chapters` chapters
    /// (`c00`, `c01`, ...), each of a title section and `sections` more
    /// (`## Topic <s> {#s<s>}`) of `words` words, each word `w<c>x<s>y<i>`
    /// spelt in letters.
    fn project(
        chapters: usize,
        sections: usize,
        words: usize,
    ) -> (tempfile::TempDir, crate::model::Project) {
        let letters = |n: usize| -> String {
            n.to_string()
                .bytes()
                .map(|b| char::from(b'a' + b - b'0'))
                .collect()
        };
        let text = |c: usize, s: usize| -> String {
            (0..words)
                .map(|i| format!("w{}x{}y{}", letters(c), letters(s), letters(i)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let p = tempfile::tempdir().unwrap();
        let root = p.path();
        std::fs::write(
            root.join("polybook.toml"),
            "title = \"T\"\nsource_language = \"en\"\nlanguages = [\"en\"]\n",
        )
        .unwrap();
        let ids: Vec<String> = (0..chapters).map(|c| format!("\"c{c:02}\"")).collect();
        std::fs::create_dir_all(root.join("manuals/m/en")).unwrap();
        std::fs::write(
            root.join("manuals/m/manual.toml"),
            format!("title = \"M\"\nchapters = [{}]\n", ids.join(", ")),
        )
        .unwrap();
        for c in 0..chapters {
            let mut md = format!("# Chapter {c}\n\n{}\n", text(c, 0));
            for s in 1..=sections {
                md.push_str(&format!("\n## Topic {s} {{#s{s}}}\n\n{}\n", text(c, s)));
            }
            std::fs::write(root.join(format!("manuals/m/en/c{c:02}.md")), md).unwrap();
        }
        let (project, _) = crate::build::load(root).unwrap();
        (p, project)
    }

    /// The JSON of a script that assigns or passes one object.
    fn script_json(script: &str) -> serde_json::Value {
        let json = script.trim().trim_end_matches(';');
        let json = json
            .strip_prefix("window.polybookSearchIndex = ")
            .or_else(|| {
                json.strip_prefix("window.polybookSearchText(")
                    .and_then(|j| j.strip_suffix(')'))
            })
            .expect("an index script");
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_small_index_is_one_file_with_its_text_and_compact_lengths() {
        let (_p, project) = project(3, 2, 10);
        let index = index_script(&project, "en");
        assert!(index.parts.is_empty() && index.chunks.is_empty());
        assert_eq!(index.clone().into_files("en").len(), 1);
        let main = script_json(&index.main);
        assert!(main.get("chunk").is_none());
        let chapters = main["chapters"].as_array().unwrap();
        assert_eq!(chapters.len(), 3);
        assert_eq!(chapters[1][0], "en/m/c01.html");
        assert_eq!(chapters[1][1], "Chapter 1");
        assert_eq!(chapters[1][2], 0);
        assert_eq!(chapters[1][3], 3);
        let lengths = codec::read_numbers(main["lengths"].as_str().unwrap()).unwrap();
        // The title section counts the title's words too: "chapter" and the number.
        assert_eq!(lengths[..4], [14, 12, 12, 14]);
        let text = main["text"].as_array().unwrap();
        assert_eq!(text.len(), 9);
        // The first section links to the chapter; its heading is the title.
        assert_eq!(text[3], serde_json::json!(["", "", text[3][2]]));
        assert_eq!(text[4][0], "s1");
        assert_eq!(text[4][1], "Topic 1");
        assert!(text[4][2].as_str().unwrap().starts_with("wbxbya wbxbyb"));
    }

    #[test]
    fn a_large_index_has_its_text_in_chunks_of_consecutive_sections() {
        let (_p, project) = project(40, 20, 30);
        let index = index_script(&project, "en");
        let main = script_json(&index.main);
        assert!(main.get("text").is_none());
        let per_chunk = main["chunk"].as_u64().unwrap() as usize;
        let sections: usize = 40 * 21;
        assert_eq!(index.chunks.len(), sections.div_ceil(per_chunk));
        assert!(index.chunks.len() > 2, "{per_chunk}");
        let files = index.clone().into_files("en");
        assert_eq!(
            files.last().unwrap().0,
            format!("en/search-text-{}.js", index.chunks.len() - 1)
        );
        assert_eq!(index.size("en").chunks, index.chunks.len());
        // Each chunk holds the next `per_chunk` sections, the last one what is left.
        let mut seen = 0;
        for (k, chunk) in index.chunks.iter().enumerate() {
            let data = script_json(chunk);
            assert_eq!(data["chunk"], k);
            assert_eq!(data["lang"], "en");
            let text = data["text"].as_array().unwrap();
            if k + 1 < index.chunks.len() {
                assert_eq!(text.len(), per_chunk);
            } else {
                assert!(!text.is_empty() && text.len() <= per_chunk);
            }
            seen += text.len();
        }
        assert_eq!(seen, sections);
        // Section 7 of chapter 23 is in the chunk its number names, at its
        // place there; its text is nowhere else.
        let number = 23 * 21 + 7;
        let k = chunk_of(number, per_chunk);
        let data = script_json(&index.chunks[k]);
        let entry = &data["text"][number % per_chunk];
        assert_eq!(entry[0], "s7");
        assert_eq!(entry[1], "Topic 7");
        let words = "wcdxhya wcdxhyb";
        assert!(entry[2].as_str().unwrap().starts_with(words), "{entry}");
        assert!(!index.main.contains(words));
        let holding: Vec<usize> = (0..index.chunks.len())
            .filter(|&j| index.chunks[j].contains(words))
            .collect();
        assert_eq!(holding, [k]);
        // What ranks stays in the first file.
        let lengths = codec::read_numbers(main["lengths"].as_str().unwrap()).unwrap();
        assert_eq!(lengths.len(), sections);
        assert_eq!(lengths[number], 32);
    }

    #[test]
    fn chunks_are_of_about_the_size_aimed_at() {
        let entries = |n: usize, bytes: usize| vec!["x".repeat(bytes - 1); n];
        // Up to the threshold, the text stays in the first file.
        assert_eq!(
            sections_per_chunk(&entries(TEXT_SPLIT_BYTES / 256, 256)),
            None
        );
        assert_eq!(
            sections_per_chunk(&entries(TEXT_SPLIT_BYTES / 256 + 1, 256)),
            Some(CHUNK_BYTES / 256)
        );
        // A section larger than a chunk is a chunk of its own.
        assert_eq!(sections_per_chunk(&entries(10, TEXT_SPLIT_BYTES)), Some(1));
        assert_eq!(chunk_of(0, 32), 0);
        assert_eq!(chunk_of(31, 32), 0);
        assert_eq!(chunk_of(32, 32), 1);
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
