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
