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
