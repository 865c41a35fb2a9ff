//! Links: per-language resolution of chapter links and images.

use crate::common::*;

#[test]
fn chapter_links_go_to_the_page_language_whatever_folder_they_name() {
    let (out, _) = build_fixture("basic");
    // The Arabic file links `../en/risk.md#threats`: the Arabic page links the Arabic chapter.
    let ar = parse(out.path(), "ar/guide/intro.html");
    assert_eq!(
        attr(&ar, "article a", "href").as_deref(),
        Some("risk.html#threats")
    );
    // The same English file, shown as a fallback on the Chinese site, links Chinese pages.
    let zh = parse(out.path(), "zh/guide/sub/deep.html");
    let hrefs: Vec<&str> = select(&zh, "article a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(hrefs.contains(&"../risk.html#threats"), "{hrefs:?}");
    assert!(
        hrefs.contains(&"../intro.html"),
        "links in raw HTML blocks are resolved too: {hrefs:?}"
    );
}

#[test]
fn images_use_the_language_copy_when_there_is_one() {
    let (out, _) = build_fixture("basic");
    let es = parse(out.path(), "es/guide/intro.html");
    assert_eq!(
        attr(&es, "article img", "src").as_deref(),
        Some("../../files/manuals/guide/media/es/shield.svg")
    );
    assert_eq!(
        attr(&es, "article img", "alt").as_deref(),
        Some("Un escudo")
    );
    let en = parse(out.path(), "en/guide/intro.html");
    assert_eq!(
        attr(&en, "article img", "src").as_deref(),
        Some("../../files/manuals/guide/media/shield.svg")
    );
    let ar = parse(out.path(), "ar/guide/intro.html");
    assert_eq!(
        attr(&ar, "article img", "src").as_deref(),
        Some("../../files/manuals/guide/media/shield.svg")
    );
}

#[test]
fn alerts_footnotes_tables_tasks_and_code_render() {
    let (out, _) = build_fixture("basic");
    let doc = parse(out.path(), "en/guide/intro.html");
    assert_eq!(
        select(&doc, "div.alert.alert-warning[role=note] .alert-title").len(),
        1
    );
    let fref = attr(&doc, "sup.footnote-ref a", "href").unwrap();
    assert_eq!(fref, "#fn-why");
    assert_eq!(
        select(
            &doc,
            "div.footnotes li#fn-why a.footnote-back[href='#fnref-why']"
        )
        .len(),
        1
    );
    assert_eq!(select(&doc, ".table-wrap table th").len(), 2);
    assert_eq!(select(&doc, "input[type=checkbox][disabled]").len(), 2);
    assert!(!select(&doc, "pre.code code.language-sh span.hl-comment").is_empty());
    let es = parse(out.path(), "es/guide/intro.html");
    let title: String = select(&es, ".alert-title")[0].text().collect();
    assert_eq!(
        title, "Advertencia",
        "alert labels come from the page language's UI strings"
    );
}

/// Entities in raw HTML attributes stand for one character: the URL comes
/// out escaped once, as the author meant it, in pages, print pages and
/// books.
#[test]
fn entities_in_raw_html_links_are_escaped_once() {
    let project = copy_fixture("basic");
    std::fs::write(
        project.path().join("manuals/guide/en/risk.md"),
        "# Risk\n\n<a href=\"https://example.org/?a=1&amp;b=2&lt;3\">ext</a> \
         <a href=\"../media/shield.svg?v=1&amp;w=2\">file</a>\n\n## Threats\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build(project.path(), out.path());
    for rel in ["en/guide/risk.html", "en/guide/print.html"] {
        let html = read(out.path(), rel);
        assert!(
            html.contains("href=\"https://example.org/?a=1&amp;b=2&lt;3\""),
            "{rel}"
        );
        assert!(
            !html.contains("&amp;amp;") && !html.contains("&amp;lt;"),
            "{rel}"
        );
        let doc = scraper::Html::parse_document(&html);
        let hrefs: Vec<&str> = select(&doc, "a")
            .iter()
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(
            hrefs.contains(&"https://example.org/?a=1&b=2<3"),
            "{rel}: {hrefs:?}"
        );
        assert!(
            hrefs.contains(&"../../files/manuals/guide/media/shield.svg?v=1&w=2"),
            "{rel}: {hrefs:?}"
        );
    }
    let book = epub_entry(
        &out.path().join("en/guide/guide-en.epub"),
        "EPUB/chapter-2.xhtml",
    );
    assert!(
        book.contains("href=\"https://example.org/?a=1&amp;b=2&lt;3\""),
        "{book}"
    );
    assert!(!book.contains("&amp;amp;"), "{book}");
}

/// `<a name>` and any `id` in raw HTML (blocks and inline) are anchors: links
/// to them from the same chapter, another chapter and another language are
/// checked against them, and they keep working in pages, print pages (with
/// the chapter's prefix) and books. A name becomes an id; an id the chapter
/// already has is reported and left out.
#[test]
fn raw_html_anchors_are_link_targets_everywhere() {
    let project = copy_fixture("basic");
    let guide = project.path().join("manuals/guide");
    std::fs::write(
        guide.join("en/sub/deep.md"),
        "# Deep chapter\n\n\
         <a name=\"old-style\"></a>Old and <span id=\"inline-id\">inline</span>, \
         <a name=\"named\" id=\"both\">both</a>.\n\n\
         <div id=\"block-id\">\n\n\
         Back to [old](#old-style), [inline](#inline-id), [named](#named) and [both](#both).\n\n\
         </div>\n\n\
         <span id=\"deep-chapter\">again</span>\n\n\
         <p aria-describedby=\"inline-id unknown\">described</p>\n",
    )
    .unwrap();
    std::fs::write(
        guide.join("en/risk.md"),
        "# Risk\n\nSee [old](sub/deep.md#old-style) and [block](sub/deep.md#block-id).\n\n## Threats\n\n## Plan {#plan}\n",
    )
    .unwrap();
    let es = std::fs::read_to_string(guide.join("es/risk.md")).unwrap();
    std::fs::write(
        guide.join("es/risk.md"),
        format!("{es}\nVea [en línea](sub/deep.md#inline-id).\n"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    let lines = diag_lines(&report);
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("deep.md") && l.contains("anchor")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(
            "Warning manuals/guide/en/sub/deep.md:11: the id `deep-chapter` is used twice"
        )),
        "{lines:#?}"
    );

    let page = parse(out.path(), "en/guide/sub/deep.html");
    for id in ["old-style", "inline-id", "both", "named", "block-id"] {
        assert_eq!(select(&page, &format!("[id='{id}']")).len(), 1, "{id}");
    }
    assert!(select(&page, "article [name]").is_empty());
    assert_eq!(select(&page, "[id='deep-chapter']").len(), 1);
    let es = parse(out.path(), "es/guide/risk.html");
    assert!(
        select(&es, "article a")
            .iter()
            .any(|a| a.value().attr("href") == Some("sub/deep.html#inline-id"))
    );

    // On the print page every fragment link leads to an id of the page.
    let print = parse(out.path(), "en/guide/print.html");
    let ids: Vec<&str> = select(&print, "[id]")
        .iter()
        .filter_map(|e| e.value().attr("id"))
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "ids are unique: {ids:?}");
    for href in select(&print, "a[href^='#']")
        .iter()
        .filter_map(|a| a.value().attr("href"))
    {
        assert!(ids.contains(&&href[1..]), "{href} leads nowhere");
    }
    assert!(ids.contains(&"ch-sub-deep--old-style") && ids.contains(&"ch-sub-deep--named"));
    assert_eq!(
        attr(&print, "p[aria-describedby]", "aria-describedby").as_deref(),
        Some("ch-sub-deep--inline-id unknown"),
        "references to ids follow them"
    );
    assert!(
        select(&print, "a[href='#ch-sub-deep--block-id']").len() == 1,
        "from another chapter"
    );

    let book = out.path().join("en/guide/guide-en.epub");
    let deep = epub_entry(&book, "EPUB/chapter-3.xhtml");
    assert!(
        deep.contains("<a id=\"old-style\"></a>") && !deep.contains("name="),
        "{deep}"
    );
    assert!(deep.contains("href=\"#named\""), "{deep}");
    let risk = epub_entry(&book, "EPUB/chapter-2.xhtml");
    assert!(
        risk.contains("href=\"chapter-3.xhtml#old-style\""),
        "{risk}"
    );
}
