//! PDF books, read back with poppler's tools (`pdfinfo`, `pdffonts`,
//! `pdftotext`, `pdftohtml`): they open, embed only subsets, hold each
//! chapter's text on the page its bookmark names, link inside the book to
//! the right page, and are the same bytes from two builds.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// The languages whose books are read back: Latin, Arabic and Persian
/// (right to left, joined), Han, Myanmar and Ethiopic.
const LANGS: &[&str] = &["en", "ar", "fa", "zh", "my", "am"];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether poppler's tools are here; under CI they must be.
fn poppler() -> bool {
    let found = Command::new("pdfinfo").arg("-v").output().is_ok();
    if !found && std::env::var_os("CI").is_some() {
        panic!("pdfinfo (poppler-utils) is needed for the PDF tests");
    }
    found
}

/// Builds the bundled `protection` manual in the languages read back.
fn build_books(out: &Path) {
    let report = polybook::build(&polybook::BuildOptions {
        root: repo(),
        out: Some(out.to_path_buf()),
        source_date_epoch: Some(1_700_000_000),
        languages: LANGS.iter().map(|l| l.to_string()).collect(),
        manuals: vec!["protection".into()],
        no_epub: true,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(report.errors(), 0, "{:#?}", diag_lines(&report));
    assert_eq!(report.warnings(), 0, "{:#?}", diag_lines(&report));
}

/// The books built into a new folder, when poppler is here to read them.
fn built() -> Option<tempfile::TempDir> {
    if !poppler() {
        return None;
    }
    let out = tempfile::tempdir().unwrap();
    build_books(out.path());
    Some(out)
}

fn pdf(out: &Path, lang: &str) -> PathBuf {
    out.join(format!("{lang}/protection/protection-{lang}.pdf"))
}

fn run(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Text as compared: without whitespace, direction marks and combining
/// marks (whose place in extracted text varies).
fn norm(s: &str) -> Vec<char> {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    s.chars()
        .filter(|c| !c.is_whitespace())
        .filter(|c| !matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'))
        .filter(|c| {
            !matches!(
                c.general_category(),
                GeneralCategory::NonspacingMark | GeneralCategory::SpacingMark
            )
        })
        .collect()
}

/// Whether `needle`'s characters appear in `hay` in order (extracted text
/// may repeat a cluster or split a line, never reorders within a word).
fn in_order(needle: &[char], hay: &[char]) -> bool {
    let mut it = hay.iter();
    needle.iter().all(|c| it.any(|h| h == c))
}

/// Bookmarks of the book: (level, page, title).
fn bookmarks(path: &Path) -> Vec<(usize, usize, String)> {
    let xml = run(
        "pdftohtml",
        &["-xml", "-i", "-stdout", "-q", path.to_str().unwrap()],
    );
    let start = xml.find("<outline>").expect("the book has bookmarks");
    let mut level = 0;
    let mut out = Vec::new();
    let mut rest = &xml[start..];
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with("<outline>") {
            level += 1;
        } else if rest.starts_with("</outline>") {
            level -= 1;
            if level == 0 {
                break;
            }
        } else if let Some(item) = rest.strip_prefix("<item page=\"") {
            let (page, after) = item.split_once("\">").unwrap();
            let (title, _) = after.split_once("</item>").unwrap();
            out.push((level, page.parse().unwrap(), unescape(title)));
        }
        rest = &rest[1..];
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn page_text(path: &Path, page: usize) -> String {
    let p = page.to_string();
    run(
        "pdftotext",
        &["-f", &p, "-l", &p, path.to_str().unwrap(), "-"],
    )
}

#[test]
fn books_open_are_tagged_and_embed_only_subsets() {
    let Some(out) = built() else { return };
    for lang in LANGS {
        let path = pdf(out.path(), lang);
        let info = run("pdfinfo", &[path.to_str().unwrap()]);
        let pages: usize = (info.lines())
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|p| p.trim().parse().ok())
            .unwrap();
        assert!(pages > 10, "{lang}: {pages} pages");
        assert!(info.contains("Tagged:          yes"), "{lang}: {info}");
        let title = (info.lines())
            .find_map(|l| l.strip_prefix("Title:"))
            .unwrap()
            .trim();
        assert!(
            !title.is_empty() && title != "protection",
            "{lang}: {title}"
        );
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("<pdfuaid:part>1</pdfuaid:part>"),
            "{lang}: not PDF/UA-1"
        );
        assert!(
            text.contains(&format!("<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li>")),
            "{lang}: document language"
        );
        let fonts = run("pdffonts", &[path.to_str().unwrap()]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(rows.len() >= 2, "{lang}: {fonts}");
        for row in rows {
            let name = row.split_whitespace().next().unwrap();
            // A subset's name starts with six capitals and a plus sign.
            assert!(
                name.len() > 7 && name.as_bytes()[6] == b'+',
                "{lang}: {row}"
            );
            let cols: Vec<&str> = row.split_whitespace().collect();
            let n = cols.len();
            assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{lang}: {row}");
        }
    }
}

#[test]
fn each_chapter_is_on_the_page_its_bookmark_names_in_order() {
    let Some(out) = built() else { return };
    for lang in LANGS {
        let path = pdf(out.path(), lang);
        let marks = bookmarks(&path);
        let chapters: Vec<&(usize, usize, String)> =
            marks.iter().filter(|(level, ..)| *level == 1).collect();
        // The chapters of the manual, in order, from its site pages.
        let contents = parse(out.path(), &format!("{lang}/protection/index.html"));
        let links = select(&contents, "ol.toc li a");
        assert_eq!(chapters.len(), links.len(), "{lang}: {marks:?}");
        let mut last_page = 0;
        for ((_, page, title), link) in chapters.iter().zip(&links) {
            let href = link.value().attr("href").unwrap();
            let page_html = parse(out.path(), &format!("{lang}/protection/{href}"));
            let h1: String = select(&page_html, "article h1")[0].text().collect();
            assert_eq!(norm(title), norm(&h1), "{lang}: bookmark {title}");
            assert!(*page > last_page, "{lang}: {title} on page {page}");
            last_page = *page;
            let text = norm(&page_text(&path, *page));
            assert!(
                in_order(&norm(&h1), &text),
                "{lang}: {h1} not on page {page}"
            );
            // The words of the chapter's first paragraph are on its page.
            let first = select(&page_html, "article > p")
                .into_iter()
                .find(|p| p.value().attr("class").is_none())
                .map(|p| p.text().collect::<String>())
                .unwrap();
            for word in first.split_whitespace().take(12) {
                let word: Vec<char> = norm(word)
                    .into_iter()
                    .filter(|c| c.is_alphanumeric())
                    .collect();
                assert!(
                    in_order(&word, &text),
                    "{lang}: `{}` of {h1} not on page {page}",
                    word.iter().collect::<String>()
                );
            }
        }
        // Sections follow their chapter.
        assert!(marks.iter().any(|(level, ..)| *level == 2), "{lang}");
    }
}

#[test]
fn links_inside_the_book_land_on_their_target_page() {
    let Some(out) = built() else { return };
    let path = pdf(out.path(), "en");
    let marks = bookmarks(&path);
    let xml = run(
        "pdftohtml",
        &["-xml", "-i", "-stdout", "-q", path.to_str().unwrap()],
    );
    // Every internal link of the contents goes where the bookmark of the
    // same title goes; links in chapters land on pages of the book.
    let pages: usize = xml.matches("<page ").count();
    let mut seen = 0;
    for piece in xml.split("<a href=\"").skip(1) {
        let (href, after) = piece.split_once("\">").unwrap();
        let Some((_, page)) = href.rsplit_once('#') else {
            continue;
        };
        if href.starts_with("http") {
            continue;
        }
        let page: usize = page.parse().unwrap();
        assert!(page >= 1 && page <= pages, "{href}");
        let text = unescape(after.split("</a>").next().unwrap());
        // A contents entry ends with its dot leaders and page number.
        let text = text.split(" . .").next().unwrap().trim();
        if let Some((_, p, _)) = marks.iter().find(|(_, _, t)| t == text) {
            assert_eq!(page, *p, "link `{text}`");
            seen += 1;
        }
    }
    assert!(seen >= 10, "{seen} links matched to bookmarks");
}

#[test]
fn two_builds_make_the_same_books() {
    if !poppler() {
        return;
    }
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    build_books(a.path());
    build_books(b.path());
    for lang in LANGS {
        let (x, y) = (
            std::fs::read(pdf(a.path(), lang)).unwrap(),
            std::fs::read(pdf(b.path(), lang)).unwrap(),
        );
        assert!(x == y, "{lang}: the two books differ");
    }
}

#[test]
fn contents_pages_offer_the_pdf_unless_turned_off() {
    let (out, report) = build_fixture("books");
    assert_eq!(report.errors(), 0, "{:#?}", diag_lines(&report));
    // The books, not the PDF files the chapters link (copied under `files/`).
    let pdfs: Vec<String> = files(out.path())
        .into_iter()
        .filter(|f| f.ends_with(".pdf") && !f.starts_with("files/"))
        .collect();
    assert!(!pdfs.is_empty());
    for f in &pdfs {
        let (lang, rest) = f.split_once('/').unwrap();
        let (manual, _) = rest.split_once('/').unwrap();
        assert_eq!(f, &format!("{lang}/{manual}/{manual}-{lang}.pdf"));
        let contents = parse(out.path(), &format!("{lang}/{manual}/index.html"));
        let href = attr(&contents, "a[type=\"application/pdf\"]", "href").unwrap();
        assert_eq!(href, format!("{manual}-{lang}.pdf"));
        let bytes = std::fs::read(out.path().join(f)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
    }

    // `--no-pdf`.
    let out = tempfile::tempdir().unwrap();
    let report = polybook::build(&polybook::BuildOptions {
        root: fixture("books"),
        out: Some(out.path().to_path_buf()),
        no_pdf: true,
        ..Default::default()
    })
    .unwrap();
    assert_eq!(report.errors(), 0);
    let books = |out: &Path| {
        files(out)
            .into_iter()
            .filter(|f| f.ends_with(".pdf") && !f.starts_with("files/"))
            .count()
    };
    assert_eq!(books(out.path()), 0);
    let contents = parse(
        out.path(),
        &pdfs[0]
            .replace(".pdf", "")
            .rsplit_once('/')
            .map(|(d, _)| format!("{d}/index.html"))
            .unwrap(),
    );
    assert!(select(&contents, "a[type=\"application/pdf\"]").is_empty());

    // `pdf = false` in polybook.toml.
    let project = copy_fixture("books");
    let config = project.path().join("polybook.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("pdf = false\n{text}")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    assert_eq!(report.errors(), 0);
    assert_eq!(books(out.path()), 0);
}

#[test]
fn a_book_that_cannot_claim_pdf_ua_is_written_with_a_warning_on_its_chapter() {
    // A heading two levels below the one before it is against PDF/UA-1.
    let project = copy_fixture("books");
    let chapter = project.path().join("manuals/alpha/en/two.md");
    let text = std::fs::read_to_string(&chapter).unwrap();
    std::fs::write(&chapter, format!("{text}\n#### Far down\n\nText.\n")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    assert_eq!(report.errors(), 0, "{:#?}", diag_lines(&report));
    let lines = diag_lines(&report);
    // Arabic and Spanish take the chapter from English: their books warn too.
    let ua: Vec<&String> = (lines.iter())
        .filter(|l| l.contains("PDF/UA-1") && l.contains("alpha-en.pdf"))
        .collect();
    assert_eq!(ua.len(), 1, "{lines:#?}");
    assert!(ua[0].contains("manuals/alpha/en/two.md"), "{}", ua[0]);
    assert!(ua[0].contains("alpha-en.pdf"), "{}", ua[0]);
    assert!(ua[0].contains("heading level"), "{}", ua[0]);
    let book = out.path().join("en/alpha/alpha-en.pdf");
    let bytes = std::fs::read(&book).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(!String::from_utf8_lossy(&bytes).contains("<pdfuaid:part>"));
    // The other manual's book still claims it.
    let beta = std::fs::read(out.path().join("en/beta/beta-en.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&beta).contains("<pdfuaid:part>1</pdfuaid:part>"));
    assert!(
        !lines.iter().any(|l| l.contains("beta-en.pdf")),
        "{lines:#?}"
    );
    // The untouched fixture claims it silently.
    let (_, report) = build_fixture("books");
    assert!(
        !diag_lines(&report).iter().any(|l| l.contains("PDF/UA-1")),
        "{:#?}",
        diag_lines(&report)
    );
    if poppler() {
        let info = run("pdfinfo", &[book.to_str().unwrap()]);
        assert!(info.contains("Tagged:          yes"), "{info}");
    }
}
