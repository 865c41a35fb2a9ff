//! Offline search in headless Chromium over the built bundled manuals, from
//! `file://` and over HTTP, in every script the manuals use.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// Serves `dir` over HTTP on a free loopback port until the test ends.
fn serve(dir: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                let path = request
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .split(['?', '#'])
                    .next()
                    .unwrap()
                    .to_string();
                let path = percent_encoding::percent_decode_str(&path)
                    .decode_utf8_lossy()
                    .to_string();
                let file = dir.join(path.trim_start_matches('/'));
                let file = if file.is_dir() {
                    file.join("index.html")
                } else {
                    file
                };
                let mut stream = &stream;
                match std::fs::read(&file) {
                    Ok(body) if !path.contains("..") => {
                        let ty = match file.extension().and_then(|e| e.to_str()) {
                            Some("html") => "text/html; charset=utf-8",
                            Some("js") => "text/javascript; charset=utf-8",
                            Some("css") => "text/css",
                            Some("svg") => "image/svg+xml",
                            _ => "application/octet-stream",
                        };
                        let _ = write!(
                            stream,
                            "HTTP/1.1 200 OK\r\nContent-Type: {ty}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(&body);
                    }
                    _ => {
                        let _ = write!(
                            stream,
                            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        );
                    }
                }
            });
        }
    });
    format!("http://{addr}/")
}

/// Types `query` into the search box of `url`; returns what the page shows.
fn search(url: &str, query: &str) -> serde_json::Value {
    search_with(url, query, "")
}

/// [`search`], in a mode of `search.mjs` (`hold`: the chunks of shown text
/// are held back until the results are first shown).
fn search_with(url: &str, query: &str, mode: &str) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/search.mjs");
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/browser/node_modules/puppeteer-core")
            .is_dir(),
        "puppeteer-core is not installed: run `bash .ci/run` once (npm install in tests/browser)"
    );
    let out = Command::new("node")
        .arg(script)
        .arg(url)
        .arg(query)
        .arg(mode)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{url} {query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The main script of `lang`'s index in `out`, as JSON.
fn read_index(out: &Path, lang: &str) -> serde_json::Value {
    let script = read(out, &format!("{lang}/search-index.js"));
    let json = script
        .trim()
        .trim_start_matches("window.polybookSearchIndex = ")
        .trim_end_matches(';');
    serde_json::from_str(json).unwrap()
}

/// The page of each section of an index, from its `chapters`.
fn section_pages(index: &serde_json::Value) -> Vec<String> {
    let chapters = index["chapters"].as_array().unwrap();
    chapters
        .iter()
        .flat_map(|c| {
            let page = c[0].as_str().unwrap().to_string();
            std::iter::repeat_n(page, c[3].as_u64().unwrap() as usize)
        })
        .collect()
}

/// A term of the language's index found only in sections of `page`, the
/// most frequent such term: a word a reader of that chapter would type.
fn word_only_in(out: &Path, lang: &str, page: &str) -> String {
    let index = read_index(out, lang);
    let pages = section_pages(&index);
    let in_page = |d: u64| pages[d as usize] == page;
    let spaceless = |t: &str| t.chars().any(polybook::search::is_spaceless);
    let mut best: Option<(u64, String)> = None;
    let strs = |key: &str| -> Vec<&str> {
        let list = index[key].as_array().unwrap();
        list.iter().map(|v| v.as_str().unwrap()).collect()
    };
    let terms = polybook::search::decode_terms(&strs("terms")).unwrap();
    for (term, postings) in terms.iter().zip(strs("postings")) {
        let p: Vec<u64> = polybook::search::decode_postings(postings)
            .unwrap()
            .into_iter()
            .flat_map(|(doc, weight)| [u64::from(doc), u64::from(weight)])
            .collect();
        let long_enough = if spaceless(term) {
            term.chars().count() == 2
        } else {
            term.chars().count() >= 5
        };
        let digits = term
            .chars()
            .any(|c| c.is_ascii_digit() || c.is_ascii_punctuation());
        if !long_enough || digits || !p.chunks(2).all(|c| in_page(c[0])) {
            continue;
        }
        let tf: u64 = p.chunks(2).map(|c| c[1]).sum();
        if best
            .as_ref()
            .is_none_or(|(b, t)| tf > *b || (tf == *b && term < t))
        {
            best = Some((tf, term.clone()));
        }
    }
    best.unwrap_or_else(|| panic!("no word unique to {page} in {lang}"))
        .1
}

fn no_results_label(lang: &str) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("i18n/{lang}.ftl")),
    )
    .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("search-no-results = "))
        .unwrap()
        .to_string()
}

#[test]
fn search_finds_the_chapter_in_every_script_from_file_and_http() {
    let out = tempfile::tempdir().unwrap();
    let report = build(Path::new(env!("CARGO_MANIFEST_DIR")), out.path());
    assert_eq!(report.errors(), 0);
    let http = serve(out.path().to_path_buf());
    let file_base = format!("file://{}/", out.path().display());
    let mut failures = Vec::new();
    for lang in ["en", "ar", "fa", "ru", "zh", "my", "am", "bo"] {
        let page = format!("{lang}/digital-security/checksums.html");
        let word = word_only_in(out.path(), lang, &page);
        // What a reader types: Arabic with a tatweel, Persian with a zero-width
        // non-joiner; the index never holds those.
        let typed = match lang {
            "ar" => {
                let mut c = word.chars();
                let first = c.next().unwrap();
                format!("{first}\u{0640}{}", c.as_str())
            }
            "fa" => {
                let mut c = word.chars();
                let first = c.next().unwrap();
                format!("{first}\u{200C}{}", c.as_str())
            }
            "en" | "ru" => word.to_uppercase(),
            _ => word.clone(),
        };
        for base in [&file_base, &http] {
            let start = format!("{base}{lang}/digital-security/passphrases.html");
            let got = search(&start, &typed);
            let first = got["results"][0]["resolved"]
                .as_str()
                .unwrap_or("")
                .split('#')
                .next()
                .unwrap()
                .to_string();
            if !first.ends_with(&page) {
                failures.push(format!(
                    "{start}: `{typed}` (term `{word}`) first result {first}, wanted {page}: {got}"
                ));
            }
            if got["outside"].as_array().is_some_and(|o| !o.is_empty()) {
                failures.push(format!(
                    "{start}: requests to other hosts: {}",
                    got["outside"]
                ));
            }
            let none = search(&start, "qqqzzzxxx");
            let label = no_results_label(lang);
            if none["results"].as_array().is_some_and(|r| !r.is_empty())
                || !none["status"].as_str().unwrap().contains(&label)
            {
                failures.push(format!(
                    "{start}: a query with no match should say `{label}`: {none}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn results_are_keyboard_accessible_and_highlight_the_match() {
    let out = tempfile::tempdir().unwrap();
    build(Path::new(env!("CARGO_MANIFEST_DIR")), out.path());
    let got = search(
        &format!("file://{}/en/index.html", out.path().display()),
        "checksum",
    );
    let first = &got["results"][0];
    assert_eq!(first["marked"][0], "checksum", "{got}");
    assert!(
        got["status"].as_str().unwrap().starts_with("Results:"),
        "{got}"
    );
    // ArrowDown moves to the first result; Escape empties the box and returns to it.
    assert_eq!(got["keyboard"]["focused"], first["href"]);
    assert_eq!(got["keyboard"]["after"]["results"], 0);
    assert_eq!(got["keyboard"]["after"]["focus"], "search-input");
}

#[test]
fn search_can_be_turned_off_and_pages_read_without_script() {
    let p = copy_fixture("basic");
    let config = p.path().join("polybook.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("search_skip = [\"zh\"]\n{text}")).unwrap();
    let out = tempfile::tempdir().unwrap();
    build(p.path(), out.path());
    assert!(out.path().join("en/search-index.js").is_file());
    assert!(!out.path().join("zh/search-index.js").exists());
    let zh = parse(out.path(), "zh/guide/intro.html");
    assert!(select(&zh, ".search").is_empty() && select(&zh, "script").is_empty());
    // Without script the box is hidden: the page has all its text.
    let en = parse(out.path(), "en/guide/intro.html");
    assert_eq!(attr(&en, ".search", "hidden").as_deref(), Some(""));

    std::fs::write(&config, format!("search = false\n{text}")).unwrap();
    let out = tempfile::tempdir().unwrap();
    build(p.path(), out.path());
    assert!(
        files(out.path())
            .iter()
            .all(|f| !f.ends_with("search-index.js"))
    );
}

/// The basic fixture with `langs` added, the first of them with an
/// introduction of `intro`, built without errors: the project and the output.
fn build_with_languages(langs: &[&str], intro: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let p = copy_fixture("basic");
    let config = p.path().join("polybook.toml");
    let added: String = langs.iter().map(|l| format!(", \"{l}\"")).collect();
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("\"zh\"]", &format!("\"zh\"{added}]"));
    std::fs::write(&config, text).unwrap();
    let folder = p.path().join("manuals/guide").join(langs[0]);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("intro.md"), intro).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(p.path(), out.path());
    assert_eq!(report.errors(), 0, "{:?}", diag_lines(&report));
    (p, out)
}

#[test]
fn a_language_the_indexer_knows_nothing_about_still_builds() {
    let (_p, out) = build_with_languages(&["km", "ti"], "# សេចក្តីផ្តើម\n\nសុវត្ថិភាពឌីជីថល\n");
    assert!(read(out.path(), "km/search-index.js").contains("សុ"));
    assert!(out.path().join("ti/search-index.js").is_file());
}

/// The terms of `lang`'s single-part index in `out`.
fn index_terms(out: &Path, lang: &str) -> Vec<String> {
    decoded_terms(&read_index(out, lang))
}

/// The front-coded `terms` of an index or of one of its parts, decoded.
fn decoded_terms(index: &serde_json::Value) -> Vec<String> {
    let coded: Vec<&str> = index["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    polybook::search::decode_terms(&coded).unwrap()
}

#[test]
fn burmese_that_normalisation_changes_is_indexed_as_normalised() {
    // U+1025 and U+102E compose into U+1026: the pair written here is not
    // a term, the composed one is, and each term listed has postings.
    let (_p, out) = build_with_languages(
        &["my"],
        "# \u{1000}\u{1025}\u{102E}\n\nမြန်မာ \u{1000}\u{1025}\u{102E}\n",
    );
    let terms = index_terms(out.path(), "my");
    assert!(terms.contains(&"\u{1000}\u{1026}".to_string()), "{terms:?}");
    assert!(
        !terms.contains(&"\u{1000}\u{1025}".to_string()),
        "{terms:?}"
    );
    assert!(terms.contains(&"မြ".to_string()), "{terms:?}");
}

/// `chars` characters of Chinese drawn from 3,000 ideographs by a fixed
/// pseudo-random sequence, in sentences of 20 to 40 characters.
fn chinese_text(seed: u64, chars: usize) -> String {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut out = String::new();
    let mut sentence = 0;
    for _ in 0..chars {
        out.push(char::from_u32(0x4E00 + (next() % 3000) as u32).unwrap());
        sentence += 1;
        if sentence >= 20 + (next() % 21) as usize {
            out.push('。');
            sentence = 0;
        }
    }
    out
}

/// `"c00", "c01", ...`: the ids of `chapters` chapters, as a TOML list's items.
fn chapter_ids(chapters: usize) -> String {
    let ids: Vec<String> = (0..chapters).map(|c| format!("\"c{c:02}\"")).collect();
    ids.join(", ")
}

/// A project in one language `lang` titled `title`, with one manual `guide`
/// whose `manual.toml` is `manual_toml`; returns it and the manual's chapter
/// folder (made, empty).
fn one_language_project(
    title: &str,
    lang: &str,
    manual_toml: &str,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let p = tempfile::tempdir().unwrap();
    std::fs::write(
        p.path().join("polybook.toml"),
        format!("title = \"{title}\"\nsource_language = \"{lang}\"\nlanguages = [\"{lang}\"]\n"),
    )
    .unwrap();
    let dir = p.path().join("manuals/guide").join(lang);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(p.path().join("manuals/guide/manual.toml"), manual_toml).unwrap();
    (p, dir)
}

/// A project with one Chinese manual of `chapters` chapters (`c00`, `c01`,
/// ...) of `chars` generated characters each, and the chapters' texts.
fn chinese_project(chapters: usize, chars: usize, seed: u64) -> (tempfile::TempDir, Vec<String>) {
    let ids = chapter_ids(chapters);
    let (p, dir) = one_language_project(
        "大",
        "zh",
        &format!("title = \"指南\"\n\n[[parts]]\ntitle = \"一\"\nchapters = [{ids}]\n"),
    );
    let texts: Vec<String> = (0..chapters)
        .map(|c| chinese_text(seed + c as u64, chars))
        .collect();
    for (c, text) in texts.iter().enumerate() {
        std::fs::write(
            dir.join(format!("c{c:02}.md")),
            format!("# 第{c}章\n\n{text}\n"),
        )
        .unwrap();
    }
    (p, texts)
}

/// The numbered parts of `lang`'s index in `out`.
fn index_parts(out: &Path, lang: &str) -> Vec<String> {
    files(out)
        .into_iter()
        .filter(|f| {
            f.strip_prefix(&format!("{lang}/search-index-"))
                .is_some_and(|rest| rest.ends_with(".js"))
        })
        .collect()
}

#[test]
fn a_large_index_comes_in_parts_loaded_as_a_query_needs_them() {
    let (p, texts) = chinese_project(12, 3000, 1);
    let out = tempfile::tempdir().unwrap();
    let report = build(p.path(), out.path());
    assert_eq!(report.errors(), 0, "{:?}", diag_lines(&report));
    let parts = index_parts(out.path(), "zh");
    assert!(parts.len() >= 2, "{parts:?}");
    let size = &report.search_indexes[0];
    assert_eq!(size.parts, parts.len());

    // Every term is in the part its first character names.
    for (k, part) in parts.iter().enumerate() {
        let text = read(out.path(), &polybook::search::part_path("zh", k));
        let json = text
            .trim()
            .strip_prefix("window.polybookSearchPart(")
            .and_then(|t| t.strip_suffix(");"))
            .unwrap_or_else(|| panic!("{part} is not a part script"));
        let data: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(data["part"], k);
        let terms = decoded_terms(&data);
        assert!(!terms.is_empty(), "{part} is empty");
        for t in &terms {
            assert_eq!(
                polybook::search::part_of(t, parts.len()),
                k,
                "{t} in {part}"
            );
        }
    }

    // The parts the terms of `q` are in.
    let parts_of = |q: &str| -> std::collections::BTreeSet<String> {
        polybook::search::terms(&polybook::search::normalise(q))
            .iter()
            .map(|t| {
                format!(
                    "search-index-{}.js",
                    polybook::search::part_of(t, parts.len())
                )
            })
            .collect()
    };
    // What the page may load while the query is typed a character at a
    // time: the parts of each thing typed on the way.
    let typed_parts = |q: &str| -> std::collections::BTreeSet<String> {
        let chars: Vec<char> = q.chars().collect();
        (1..=chars.len())
            .flat_map(|n| parts_of(&chars[..n].iter().collect::<String>()))
            .collect()
    };
    // Three characters of chapter 7 that no other chapter has, and that do
    // not need every part even while typed.
    let chars: Vec<char> = texts[7].chars().collect();
    let query: String = chars
        .windows(3)
        .map(|w| w.iter().collect::<String>())
        .find(|q| {
            !q.contains('。')
                && typed_parts(q).len() < parts.len()
                && texts
                    .iter()
                    .enumerate()
                    .all(|(c, t)| c == 7 || !t.contains(q.as_str()))
        })
        .unwrap();
    let needed = parts_of(&query);
    let allowed = typed_parts(&query);
    let http = serve(out.path().to_path_buf());
    let file_base = format!("file://{}/", out.path().display());
    for base in [&file_base, &http] {
        let start = format!("{base}zh/guide/c00.html");
        let got = search(&start, &query);
        let first = got["results"][0]["resolved"].as_str().unwrap_or("");
        assert!(
            first.ends_with("zh/guide/c07.html"),
            "{start} {query}: {got}"
        );
        // The main file, the parts the query's terms are in, and no part
        // that nothing typed on the way needed.
        let loaded: std::collections::BTreeSet<String> = got["indexes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().rsplit('/').next().unwrap().to_string())
            .filter(|s| s != "search-index.js")
            .collect();
        assert!(
            loaded.is_superset(&needed) && loaded.is_subset(&allowed),
            "loaded {loaded:?}, needed {needed:?}, allowed {allowed:?}"
        );
        assert!(loaded.len() < parts.len());
        let none = search(&start, "无无无无无无");
        assert!(
            none["results"].as_array().unwrap().is_empty()
                && none["status"]
                    .as_str()
                    .unwrap()
                    .contains(&no_results_label("zh")),
            "{none}"
        );
    }
}

#[test]
fn parts_an_index_no_longer_has_are_removed() {
    let (p, _) = chinese_project(12, 3000, 2);
    let chapter = |c: usize| p.path().join(format!("manuals/guide/zh/c{c:02}.md"));
    let shrink = || {
        for c in 0..12 {
            std::fs::write(chapter(c), format!("# 第{c}章\n\n短文。\n")).unwrap();
        }
    };
    let originals: Vec<Vec<u8>> = (0..12)
        .map(|c| std::fs::read(chapter(c)).unwrap())
        .collect();
    let restore = || {
        for (c, bytes) in originals.iter().enumerate() {
            std::fs::write(chapter(c), bytes).unwrap();
        }
    };
    // A full build.
    let out = tempfile::tempdir().unwrap();
    build(p.path(), out.path());
    assert!(index_parts(out.path(), "zh").len() >= 2);
    shrink();
    build(p.path(), out.path());
    assert_eq!(index_parts(out.path(), "zh"), Vec::<String>::new());
    assert!(read(out.path(), "zh/search-index.js").contains("\"terms\":["));

    // A live session, where an edit refreshes the index after the page.
    restore();
    let root = p.path().canonicalize().unwrap();
    let out = tempfile::tempdir().unwrap();
    let opts = polybook::BuildOptions {
        root: root.clone(),
        out: Some(out.path().to_path_buf()),
        ..polybook::BuildOptions::default()
    };
    let mut session = polybook::build::Session::with_options(&opts).unwrap();
    session.rebuild(&[]).unwrap();
    session.finish_later().unwrap();
    let before = index_parts(out.path(), "zh");
    assert!(before.len() >= 2);
    shrink();
    let changed: Vec<PathBuf> = (0..12)
        .map(|c| root.join(format!("manuals/guide/zh/c{c:02}.md")))
        .collect();
    let report = session.rebuild(&changed).unwrap();
    assert!(report.incremental);
    session.finish_later().unwrap();
    assert_eq!(index_parts(out.path(), "zh"), Vec::<String>::new());
    // The same files as a clean build.
    let clean = tempfile::tempdir().unwrap();
    build(&root, clean.path());
    assert_eq!(files(out.path()), files(clean.path()));
}

/// Words of two or three syllables from a fixed pseudo-random sequence, in
/// sentences: text of an invented language, none of whose words starts
/// with `zq`.
fn latin_text(seed: u64, words: usize) -> String {
    const SYLLABLES: [&str; 24] = [
        "ba", "ko", "tu", "me", "ri", "sa", "lo", "ne", "di", "fa", "gu", "pe", "ho", "ja", "vi",
        "mu", "te", "ra", "no", "si", "le", "ka", "po", "du",
    ];
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n) as usize
    };
    let mut out = String::new();
    for w in 0..words {
        if w > 0 {
            out.push_str(if next(9) == 0 { ". " } else { " " });
        }
        for _ in 0..2 + next(2) {
            out.push_str(SYLLABLES[next(SYLLABLES.len() as u64)]);
        }
    }
    out.push('.');
    out
}

/// A project in English of `chapters` chapters (`c00`, `c01`, ...) of a
/// title section and `sections` more (`## Topic <s> {#s<s>}`), each of
/// generated text; `planted` (chapter, section, word) puts a word at the
/// start of a section's text.
fn sectioned_project(
    chapters: usize,
    sections: usize,
    planted: &[(usize, usize, &str)],
) -> tempfile::TempDir {
    let ids = chapter_ids(chapters);
    let (p, dir) = one_language_project(
        "Big",
        "en",
        &format!("title = \"Guide\"\nchapters = [{ids}]\n"),
    );
    for c in 0..chapters {
        let mut md = format!("# Chapter {c}\n\n{}\n", latin_text(c as u64 * 1000, 40));
        for s in 1..=sections {
            let word = planted
                .iter()
                .find(|&&(pc, ps, _)| (pc, ps) == (c, s))
                .map_or(String::new(), |p| format!("{} ", p.2));
            md.push_str(&format!(
                "\n## Topic {s} {{#s{s}}}\n\n{word}{}\n",
                latin_text(c as u64 * 1000 + s as u64, 40)
            ));
        }
        std::fs::write(dir.join(format!("c{c:02}.md")), md).unwrap();
    }
    p
}

#[test]
fn a_large_index_keeps_shown_text_in_chunks_loaded_for_the_results_shown() {
    let planted = [(7, 5, "zqvortex"), (41, 12, "zqvortex")];
    let p = sectioned_project(60, 20, &planted);
    let out = tempfile::tempdir().unwrap();
    let report = build(p.path(), out.path());
    assert_eq!(report.errors(), 0, "{:?}", diag_lines(&report));
    let index = read_index(out.path(), "en");
    let per_chunk = index["chunk"].as_u64().expect("the text is in chunks") as usize;
    assert!(index.get("text").is_none());
    let size = &report.search_indexes[0];
    let sections = section_pages(&index).len();
    assert_eq!(sections, 60 * 21);
    assert_eq!(size.chunks, sections.div_ceil(per_chunk));
    assert!(size.chunks >= 4, "{size:?}");

    // The section number of each planted word: chapters before it, then
    // its place in its chapter (the title section is 0).
    let counts: Vec<usize> = (index["chapters"].as_array().unwrap().iter())
        .map(|c| c[3].as_u64().unwrap() as usize)
        .collect();
    let number = |c: usize, s: usize| counts[..c].iter().sum::<usize>() + s;
    let wanted: std::collections::BTreeSet<String> = planted
        .iter()
        .map(|&(c, s, _)| {
            let k = polybook::search::chunk_of(number(c, s), per_chunk);
            format!("search-text-{k}.js")
        })
        .collect();
    assert_eq!(wanted.len(), 2, "the planted sections share a chunk");

    let http = serve(out.path().to_path_buf());
    let file_base = format!("file://{}/", out.path().display());
    for (base, mode) in [(&file_base, ""), (&http, "hold")] {
        let start = format!("{base}en/guide/c00.html");
        let got = search_with(&start, "ZQvortex", mode);
        let results = got["results"].as_array().unwrap();
        assert_eq!(results.len(), 2, "{start}: {got}");
        for (r, &(c, s, word)) in results.iter().zip(&planted) {
            let href = r["href"].as_str().unwrap();
            assert!(href.ends_with(&format!("guide/c{c:02}.html#s{s}")), "{got}");
            assert_eq!(r["title"], format!("Chapter {c} › Topic {s}"), "{got}");
            assert_eq!(r["marked"][0], word, "{got}");
            let text = latin_text(c as u64 * 1000 + s as u64, 40);
            let start_of_text: String = text.chars().take(40).collect();
            assert!(
                r["snippet"].as_str().unwrap().contains(&start_of_text),
                "{start_of_text}: {got}"
            );
        }
        let loaded: std::collections::BTreeSet<String> = (got["texts"].as_array().unwrap())
            .iter()
            .map(|s| s.as_str().unwrap().rsplit('/').next().unwrap().to_string())
            .collect();
        assert_eq!(loaded, wanted, "{start}");
        // The keyboard reaches the first result, at its section.
        assert_eq!(got["keyboard"]["focused"], results[0]["href"], "{got}");
        if mode == "hold" {
            // Before their chunks are in, results show and link to their chapter.
            let early = got["early"].as_array().unwrap();
            assert_eq!(early.len(), 2, "{got}");
            for (r, &(c, _, _)) in early.iter().zip(&planted) {
                assert!(r["pending"].as_bool().unwrap(), "{got}");
                assert_eq!(r["title"], format!("Chapter {c}"), "{got}");
                assert_eq!(r["snippet"], "", "{got}");
                assert!(
                    r["href"]
                        .as_str()
                        .unwrap()
                        .ends_with(&format!("guide/c{c:02}.html")),
                    "{got}"
                );
            }
        }
    }
}

#[test]
fn chunks_an_index_no_longer_has_are_removed() {
    let p = sectioned_project(60, 20, &[]);
    let chapter = |c: usize| p.path().join(format!("manuals/guide/en/c{c:02}.md"));
    let chunks = |out: &Path| -> Vec<String> {
        files(out)
            .into_iter()
            .filter(|f| f.starts_with("en/search-text-"))
            .collect()
    };
    let originals: Vec<Vec<u8>> = (0..60)
        .map(|c| std::fs::read(chapter(c)).unwrap())
        .collect();
    let shrink = || {
        for c in 0..60 {
            std::fs::write(chapter(c), format!("# Chapter {c}\n\nShort.\n")).unwrap();
        }
    };
    // A full build.
    let out = tempfile::tempdir().unwrap();
    build(p.path(), out.path());
    assert!(chunks(out.path()).len() >= 4);
    shrink();
    build(p.path(), out.path());
    assert_eq!(chunks(out.path()), Vec::<String>::new());
    assert!(read(out.path(), "en/search-index.js").contains("\"text\":["));

    // A live session, where an edit refreshes the index after the page.
    for (c, bytes) in originals.iter().enumerate() {
        std::fs::write(chapter(c), bytes).unwrap();
    }
    let root = p.path().canonicalize().unwrap();
    let out = tempfile::tempdir().unwrap();
    let opts = polybook::BuildOptions {
        root: root.clone(),
        out: Some(out.path().to_path_buf()),
        ..polybook::BuildOptions::default()
    };
    let mut session = polybook::build::Session::with_options(&opts).unwrap();
    session.rebuild(&[]).unwrap();
    session.finish_later().unwrap();
    assert!(chunks(out.path()).len() >= 4);
    shrink();
    let changed: Vec<PathBuf> = (0..60)
        .map(|c| root.join(format!("manuals/guide/en/c{c:02}.md")))
        .collect();
    let report = session.rebuild(&changed).unwrap();
    assert!(report.incremental);
    session.finish_later().unwrap();
    assert_eq!(chunks(out.path()), Vec::<String>::new());
    // The same files as a clean build.
    let clean = tempfile::tempdir().unwrap();
    build(&root, clean.path());
    assert_eq!(files(out.path()), files(clean.path()));
}
