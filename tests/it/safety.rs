//! Safety: sanitised raw HTML, confinement to the project, privacy.

use crate::common::*;

fn project_with_chapter(body: &str) -> tempfile::TempDir {
    let project = copy_fixture("basic");
    std::fs::write(project.path().join("manuals/guide/en/risk.md"), body).unwrap();
    project
}

#[test]
fn raw_html_is_sanitised_by_default() {
    let project = project_with_chapter(
        "# Risk\n\n<script>alert(1)</script>\n\n<p onclick=\"steal()\">Click <a href=\"javascript:alert(2)\">here</a></p>\n\n\
         <iframe src=\"https://example.org\"></iframe>\n\n<form action=\"https://example.org\"><input type=\"text\" name=\"q\"></form>\n\n\
         <kbd>Ctrl</kbd> <abbr title=\"Full Disk Encryption\">FDE</abbr>\n\n[markdown](javascript:alert(3)) [data](data:text/html,x)\n",
    );
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    let report_lines = diag_lines(&report);
    assert!(
        report_lines
            .iter()
            .any(|l| l.contains("risk.md:13: broken link: `javascript:` links are not allowed")),
        "{report_lines:#?}"
    );
    let doc = parse(out.path(), "en/guide/risk.html");
    let html = select(&doc, "article")[0].html();
    for bad in [
        "<script",
        "onclick",
        "javascript:",
        "data:text",
        "<iframe",
        "<form",
        "type=\"text\"",
    ] {
        assert!(!html.contains(bad), "`{bad}` survived");
    }
    assert!(
        html.contains("<kbd>Ctrl</kbd>")
            && html.contains("<abbr title=\"Full Disk Encryption\">FDE</abbr>")
    );
}

#[test]
fn projects_can_opt_out_of_sanitising() {
    let project =
        project_with_chapter("# Risk\n\n<div class=\"x\" style=\"color: red\">kept</div>\n");
    let config = project.path().join("polybook.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("sanitize_html = false\n{text}")).unwrap();
    let out = tempfile::tempdir().unwrap();
    build(project.path(), out.path());
    assert!(
        read(out.path(), "en/guide/risk.html")
            .contains("<div class=\"x\" style=\"color: red\">kept</div>")
    );
}

#[test]
fn links_and_images_cannot_leave_the_project() {
    let project = project_with_chapter(
        "# Risk\n\n![secret](../../../../../../etc/passwd)\n\n<img src=\"../../../../outside.png\">\n\n![linked](../media/link.svg)\n",
    );
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.svg"), "<svg/>").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.svg"),
        project.path().join("manuals/guide/media/link.svg"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    let lines = diag_lines(&report);
    assert!(
        lines.iter().any(|l| l
            .contains("risk.md:3: broken image: `../../../../../../etc/passwd` points outside")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(
            |l| l.contains("risk.md:5: broken image: `../../../../outside.png` points outside")
        ),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("risk.md:7: broken image: `../media/link.svg` points outside")),
        "{lines:#?}"
    );
    assert!(
        files(out.path())
            .iter()
            .all(|f| !f.contains("link.svg") && !f.contains("passwd"))
    );
}

#[test]
fn a_chapter_linked_from_outside_the_project_is_refused() {
    let project = copy_fixture("basic");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.md"), "# secret").unwrap();
    let target = project.path().join("manuals/guide/es/sub");
    std::fs::create_dir_all(&target).unwrap();
    std::os::unix::fs::symlink(outside.path().join("x.md"), target.join("deep.md")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    assert!(diag_lines(&report).iter().any(|l| {
        l.contains("es/sub/deep.md:0: this chapter is a link to a file outside the project")
    }));
    assert!(!read(out.path(), "es/guide/sub/deep.html").contains("secret"));
}

/// An image whose name differs from the file's only in case (which a
/// translator's Windows or macOS disk accepts) is reported with the file
/// the project has, in a language folder and in the manual's media.
#[test]
fn an_image_named_in_another_case_is_reported_with_the_files_spelling() {
    let project = project_with_chapter(
        "# Risk\n\n![map](img/office-map.svg)\n\n![logo](../media/LOGO.svg)\n\n![gone](img/gone.svg)\n",
    );
    let root = project.path();
    let en = root.join("manuals/guide/en");
    std::fs::create_dir(en.join("Img")).unwrap();
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    std::fs::write(en.join("Img/Office-Map.svg"), svg).unwrap();
    std::fs::write(root.join("manuals/guide/media/logo.svg"), svg).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(root, out.path());
    let hint = |line: usize| {
        let d = (report.diagnostics.iter())
            .find(|d| d.line == line && d.message.contains("does not exist"))
            .unwrap_or_else(|| panic!("no problem on line {line}: {:#?}", diag_lines(&report)));
        d.hint.clone().unwrap_or_default()
    };
    assert!(
        hint(3).contains("`manuals/guide/en/Img/Office-Map.svg`, whose name differs only in case"),
        "{}",
        hint(3)
    );
    assert!(
        hint(5).contains("`manuals/guide/media/logo.svg`, whose name differs only in case"),
        "{}",
        hint(5)
    );
    assert!(hint(7).starts_with("check the path"), "{}", hint(7));
}

/// A language folder's files are listed once when loading; what the listing
/// did not follow (a folder linked from inside it) is still checked on disk.
#[test]
fn images_in_language_folders_and_linked_subfolders_resolve_as_on_disk() {
    let project = project_with_chapter(
        "# Risk\n\n![own](img/own.svg)\n\n![inside](pics/shield.svg)\n\n\
         ![away](away/secret.svg)\n\n![gone](img/gone.svg)\n",
    );
    let root = project.path();
    let en = root.join("manuals/guide/en");
    std::fs::create_dir(en.join("img")).unwrap();
    std::fs::write(
        en.join("img/own.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    std::os::unix::fs::symlink(root.join("manuals/guide/media"), en.join("pics")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.svg"), "<svg/>").unwrap();
    std::os::unix::fs::symlink(outside.path(), en.join("away")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(root, out.path());
    let lines = diag_lines(&report);
    let broken: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("broken image"))
        .collect();
    assert_eq!(broken.len(), 2, "{lines:#?}");
    assert!(
        broken
            .iter()
            .any(|l| l.contains("risk.md:7: broken image: `away/secret.svg` points outside")),
        "{lines:#?}"
    );
    assert!(
        broken
            .iter()
            .any(|l| l.contains("risk.md:9: broken image: `img/gone.svg` does not exist")),
        "{lines:#?}"
    );
    let page = read(out.path(), "en/guide/risk.html");
    assert!(
        page.contains("img/own.svg") && page.contains("pics/shield.svg"),
        "{page}"
    );
    let written = files(out.path());
    assert!(
        written.iter().any(|f| f.ends_with("en/img/own.svg")),
        "{written:#?}"
    );
    assert!(
        written.iter().all(|f| !f.contains("secret")),
        "{written:#?}"
    );
}

/// Whole folders linked from outside: a language folder and a media folder.
/// Listing them must not take their files for the project's own.
#[test]
fn folders_linked_from_outside_the_project_are_refused() {
    let project = project_with_chapter("# Risk\n\n![shield](../media/shield.svg)\n");
    let root = project.path();
    let outside = tempfile::tempdir().unwrap();
    // The Spanish chapters and the images now come from another folder.
    let es = root.join("manuals/guide/es");
    let elsewhere = outside.path().join("es");
    std::fs::rename(&es, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &es).unwrap();
    let media = root.join("manuals/guide/media");
    let images = outside.path().join("media");
    std::fs::rename(&media, &images).unwrap();
    std::os::unix::fs::symlink(&images, &media).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(root, out.path());
    let lines = diag_lines(&report);
    assert!(
        lines.iter().any(|l| l.contains(
            "manuals/guide/es/intro.md:0: this chapter is a link to a file outside the project"
        )),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("risk.md:3: broken image: `../media/shield.svg` points outside")),
        "{lines:#?}"
    );
    assert!(files(out.path()).iter().all(|f| !f.contains("shield.svg")));
}

#[test]
fn remote_images_can_be_errors_or_allowed() {
    let body = "# Risk\n\n![pixel](https://tracker.example.org/p.png)\n";
    for (policy, expect) in [
        ("error", Some("Error")),
        ("allow", None),
        ("warn", Some("Warning")),
    ] {
        let project = project_with_chapter(body);
        let config = project.path().join("polybook.toml");
        let text = std::fs::read_to_string(&config).unwrap();
        std::fs::write(&config, format!("remote_images = \"{policy}\"\n{text}")).unwrap();
        let out = tempfile::tempdir().unwrap();
        let report = build(project.path(), out.path());
        let found = diag_lines(&report)
            .into_iter()
            .find(|l| l.contains("another host"));
        assert_eq!(
            found.as_deref().map(|l| l.split(' ').next().unwrap()),
            expect,
            "{policy}"
        );
    }
}

#[test]
fn default_theme_loads_nothing_from_other_hosts_and_needs_no_script() {
    let (out, _) = build_fixture("basic");
    for rel in files(out.path())
        .into_iter()
        .filter(|f| f.ends_with(".html"))
    {
        let doc = parse(out.path(), &rel);
        // The only script is the local, deferred search enhancement.
        for script in select(&doc, "script") {
            assert_eq!(script.value().attr("defer"), Some(""), "{rel}");
            assert!(
                script
                    .value()
                    .attr("src")
                    .unwrap()
                    .ends_with("static/search.js"),
                "{rel}"
            );
        }
        for el in select(&doc, "[src], link[href]") {
            let url = el.value().attr("src").or(el.value().attr("href")).unwrap();
            let rel_attr = el.value().attr("rel").unwrap_or("");
            if rel_attr == "canonical" || rel_attr == "alternate" {
                continue;
            }
            assert!(!url.contains("//"), "{rel} loads {url}");
        }
    }
    let css = read(out.path(), "static/style.css");
    assert!(!css.contains("url(") && !css.contains("@import"));
}

/// Builds, with books, a copy of `basic` whose `risk` chapter is `body`, on a
/// thread with a small stack and a time limit.
fn build_chapter_guarded(body: String, secs: u64) -> (tempfile::TempDir, polybook::BuildReport) {
    within(secs, "the build", move || {
        let project = project_with_chapter(&body);
        let out = tempfile::tempdir().unwrap();
        let report = build(project.path(), out.path());
        drop(project);
        (out, report)
    })
}

#[test]
fn deeply_nested_chapters_are_flattened_with_a_warning() {
    let cases = [
        ("list", format!("{}x\n", "- ".repeat(5000))),
        ("quotes", format!("{} x\n", ">".repeat(5000))),
        ("emphasis", format!("{0}x{0}\n", "*".repeat(5000))),
        (
            "strong in a heading",
            format!("## a {0}x{0}\n", "**".repeat(3000)),
        ),
        (
            "links in images",
            format!(
                "{}[x](intro.md){}\n",
                "![a ".repeat(3000),
                "](../media/shield.svg)".repeat(3000)
            ),
        ),
        (
            "divs",
            format!("{}x{}\n", "<div>".repeat(10_000), "</div>".repeat(10_000)),
        ),
        (
            "spans",
            format!(
                "a {}x{}\n",
                "<span>".repeat(10_000),
                "</span>".repeat(10_000)
            ),
        ),
        (
            "formatting closed by divs",
            (0..5000)
                .map(|i| format!("<div><b id=\"b{i}\"></div>"))
                .collect::<String>()
                + "x\n",
        ),
    ];
    for (what, case) in cases {
        let (out, report) = build_chapter_guarded(format!("# Risk\n\n{case}"), 120);
        let lines = diag_lines(&report);
        assert!(
            lines.iter().any(|l| l.starts_with(
                "Warning manuals/guide/en/risk.md:3: elements nest deeper than 100 levels"
            )),
            "{what}: {:#?}",
            &lines[..lines.len().min(5)]
        );
        let page = read(out.path(), "en/guide/risk.html");
        assert!(page.contains('x'), "{what}: the text is kept");
        assert!(
            out.path().join("en/guide/guide-en.epub").is_file(),
            "{what}"
        );
    }
}

/// 100,000 nested `<div>` (600 KB): a parser that looks through every open
/// element at each tag takes many minutes on this; the limit makes it linear.
#[test]
fn a_hundred_thousand_nested_divs_build_in_linear_time() {
    let body = format!(
        "# Risk\n\n{}x{}\n",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let (out, _) = build_chapter_guarded(body, 60);
    assert!(read(out.path(), "en/guide/risk.html").contains('x'));
}

/// Attributes of `html` whose value a browser would read as a URL with a
/// refused scheme: controls and spaces are what browsers ignore, and
/// case does not count.
fn refused_urls(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut found = Vec::new();
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        for (name, value) in el.attrs() {
            let read: String = value
                .chars()
                .filter(|&c| c > ' ')
                .collect::<String>()
                .to_ascii_lowercase();
            if ["javascript:", "vbscript:", "data:"]
                .iter()
                .any(|s| read.contains(s))
            {
                found.push(format!("<{} {name}={value:?}>", el.name()));
            }
        }
    }
    found
}

/// Sets `sanitize_html` in a project's configuration.
fn set_sanitize(project: &std::path::Path, on: bool) {
    let config = project.join("polybook.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("sanitize_html = {on}\n{text}")).unwrap();
}

/// URLs that browsers read as `javascript:` (or another refused scheme)
/// although the text does not start with it: leading spaces and controls,
/// tabs and newlines inside, entities, upper case. Each is reported where
/// it is written and never reaches a page, a print page, a book or the
/// search index, with sanitising on and off; the link's text stays.
#[test]
fn disguised_javascript_urls_are_left_out_of_every_output() {
    let body = "# Risk\n\n\
        <a href=\" javascript:alert(101)\">one</a>\n\n\
        <a href=\"jav&#9;ascript:alert(102)\">two</a> <a href=\"java\tscript:alert(103)\">three</a>\n\n\
        [four](< javascript:alert(104)>) [five](<java\tscript:alert(105)>) [six][six] [seven](jav&#x09;ascript:alert(107))\n\n\
        <a href=\"&#1;JavaScript:alert(108)\">eight</a> <a href=\"&#x20;&#x0A;javascript&colon;alert(109)\">nine</a>\n\n\
        ![ten](<\u{b}javascript:alert(110)>) <img src=\" vbscript:alert(111)\" alt=\"eleven\"> <img srcset=\" javascript:alert(112) 2x\" alt=\"twelve\">\n\n\
        <blockquote cite=\" javascript:alert(113)\">thirteen</blockquote> <a href=\"DATA:text/html,alert(114)\">fourteen</a>\n\n\
        ## Threats\n\n\
        [six]: JAVASCRIPT:alert(106)\n";
    for sanitize in [true, false] {
        let project = project_with_chapter(body);
        set_sanitize(project.path(), sanitize);
        let out = tempfile::tempdir().unwrap();
        let report = build(project.path(), out.path());
        let lines = diag_lines(&report);
        for (line, count) in [(3, 1), (5, 2), (7, 4), (9, 2), (11, 3), (13, 2)] {
            let found = lines
                .iter()
                .filter(|l| {
                    l.starts_with("Error")
                        && l.contains(&format!("en/risk.md:{line}: "))
                        && l.contains("links are not allowed")
                })
                .count();
            assert_eq!(found, count, "line {line}, sanitize {sanitize}: {lines:#?}");
        }
        let page = read(out.path(), "en/guide/risk.html");
        let print = read(out.path(), "en/guide/print.html");
        let fallback = read(out.path(), "zh/guide/risk.html");
        for (name, html) in [("page", &page), ("print", &print), ("fallback", &fallback)] {
            assert_eq!(
                refused_urls(html),
                Vec::<String>::new(),
                "{name}, sanitize {sanitize}"
            );
            assert!(!html.contains("alert(1"), "{name}, sanitize {sanitize}");
        }
        // The text of each link stays, as text.
        let doc = parse(out.path(), "en/guide/risk.html");
        let article: String = select(&doc, "article")[0].text().collect();
        for word in [
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "thirteen", "fourteen",
        ] {
            assert!(article.contains(word), "{word}, sanitize {sanitize}");
        }
        assert!(
            select(&doc, "article a[href]")
                .iter()
                .all(|a| a.text().all(|t| t.trim().is_empty())),
            "no link is left with an address, sanitize {sanitize}"
        );
        for (name, xhtml) in epub_documents(&out.path().join("en/guide/guide-en.epub")) {
            assert_eq!(refused_urls(&xhtml), Vec::<String>::new(), "{name}");
            assert!(!xhtml.contains("alert(1"), "{name}, sanitize {sanitize}");
        }
        assert!(!read(out.path(), "en/search-index.js").contains("alert(1"));
    }
}

/// Characters that XML forbids or HTML reports as errors, written raw or as
/// entities, in text, headings, code and raw HTML: each raw one is
/// reported at its line by its code, and none reaches a page, a print page
/// or a book (whose XHTML they would make not well-formed).
#[test]
fn control_characters_are_left_out_of_pages_and_books_with_a_warning() {
    let project = project_with_chapter(
        "# Risk\u{1b} plan\n\n\
         Text with NUL\u{0}, SOH\u{1}, VT\u{b}, FF\u{c} and ESC\u{1b}.\n\n\
         More: NEL\u{85}, \u{fdd0} and \u{ffff}; entities &#1; &#x1B;.\n\n\
         <p title=\"a&#1;b\">raw &#11; html\u{7}</p>\n\n\
         ```\ncode\u{8}\n```\n\n\
         ## Threats\n",
    );
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    let lines = diag_lines(&report);
    for expected in [
        "Warning manuals/guide/en/risk.md:1: the character U+001B was left out",
        "Warning manuals/guide/en/risk.md:3: the characters U+0000, U+0001, U+000B, U+000C, U+001B were left out",
        "Warning manuals/guide/en/risk.md:5: the characters U+0085, U+FDD0, U+FFFF were left out",
        "Warning manuals/guide/en/risk.md:7: the character U+0007 was left out",
        "Warning manuals/guide/en/risk.md:10: the character U+0008 was left out",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(expected)),
            "{expected}: {lines:#?}"
        );
    }
    let hint = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("U+0007"))
        .and_then(|d| d.hint.clone())
        .unwrap();
    assert!(
        hint.contains("delete it") && hint.contains("\\u0007"),
        "{hint}"
    );
    let unwritable = |c: char| {
        let u = c as u32;
        !matches!(u, 0x9 | 0xA | 0xD | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFDCF | 0xFDF0..=0xFFFD)
            && (u < 0x1_0000 || u & 0xFFFE == 0xFFFE)
    };
    let book = out.path().join("en/guide/guide-en.epub");
    let mut outputs = vec![
        ("page", read(out.path(), "en/guide/risk.html")),
        ("print", read(out.path(), "en/guide/print.html")),
        ("contents", read(out.path(), "en/guide/index.html")),
    ];
    outputs.extend(
        epub_documents(&book)
            .into_iter()
            .map(|(n, t)| ("book", format!("{n}\n{t}"))),
    );
    outputs.push(("package", epub_entry(&book, "EPUB/package.opf")));
    for (name, text) in &outputs {
        let bad: Vec<String> = text
            .chars()
            .filter(|&c| unwritable(c))
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:?}");
        for entity in ["&#1;", "&#x1B;", "&#11;"] {
            assert!(!text.contains(entity), "{name}: {entity}");
        }
    }
    let page = &outputs[0].1;
    assert!(page.contains("Text with NUL"), "the rest of the text stays");
    assert!(page.contains("ESC."));
}

/// polybook marks places in rendered chapters with private-use characters;
/// the same characters in a chapter (raw or as entities) are not taken for
/// its marks.
#[test]
fn private_use_marks_in_a_chapter_are_not_taken_for_polybook_marks() {
    let project = project_with_chapter(
        "# Risk\n\nRaw \u{e000}99\u{e001} and \u{e000}0\u{e001}, entities &#xE000;98&#xE001; and [a link](#threats).\n\n## Threats\n",
    );
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    let lines = diag_lines(&report);
    assert!(
        lines.iter().any(|l| l.starts_with(
            "Warning manuals/guide/en/risk.md:3: the characters U+E000, U+E001 were left out"
        )),
        "{lines:#?}"
    );
    let doc = parse(out.path(), "en/guide/risk.html");
    let text: String = select(&doc, "article p")[0].text().collect();
    assert!(text.starts_with("Raw 99 and 0, entities 98"), "{text}");
    assert_eq!(
        attr(&doc, "article p a", "href").as_deref(),
        Some("#threats")
    );
}
