//! Languages: direction, isolation of left-to-right runs, fallback pages, UI
//! strings and anchor inheritance across translations.

use crate::common::*;

#[test]
fn right_to_left_pages_are_marked_and_isolate_latin_runs() {
    let (out, _) = build_fixture("basic");
    let doc = parse(out.path(), "ar/guide/intro.html");
    assert_eq!(attr(&doc, "html", "dir").as_deref(), Some("rtl"));
    assert_eq!(attr(&doc, "html", "lang").as_deref(), Some("ar"));
    // Code stays left to right, product names and versions are isolated.
    assert_eq!(attr(&doc, "pre.code", "dir").as_deref(), Some("ltr"));
    let isolated: Vec<String> = select(&doc, "article span[dir=ltr]")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert!(
        isolated.contains(&"VeraCrypt 1.26".to_string()),
        "{isolated:?}"
    );
    assert!(
        select(&doc, "article code[dir=ltr]")
            .iter()
            .any(|e| e.text().collect::<String>() == "sha256sum")
    );
    // Left-to-right pages get no such markup.
    let en = parse(out.path(), "en/guide/intro.html");
    assert_eq!(attr(&en, "html", "dir").as_deref(), Some("ltr"));
    assert!(select(&en, "article span[dir=ltr]").is_empty());
}

#[test]
fn untranslated_chapter_falls_back_to_the_source_under_a_notice() {
    let (out, _) = build_fixture("basic");
    let doc = parse(out.path(), "ar/guide/risk.html");
    // The page is Arabic, the text English and marked as such.
    assert_eq!(attr(&doc, "html", "lang").as_deref(), Some("ar"));
    assert_eq!(attr(&doc, "article", "lang").as_deref(), Some("en"));
    assert_eq!(attr(&doc, "article", "dir").as_deref(), Some("ltr"));
    assert_eq!(select(&doc, "main .notice").len(), 1);
    assert!(
        select(&doc, "article h1")
            .iter()
            .any(|h| h.text().collect::<String>() == "Risk")
    );
    // Links in the fallback text stay in the reader's language.
    assert_eq!(
        attr(&doc, "article a", "href").as_deref(),
        Some("intro.html")
    );
    // The navigation marks it.
    assert_eq!(
        select(&doc, ".book-nav .badge").len(),
        2,
        "risk and sub/deep are not translated into Arabic"
    );
    // Their English titles are marked as English wherever they show.
    assert_eq!(select(&doc, ".book-nav a[lang=en]").len(), 2);
    assert_eq!(
        attr(&doc, "a[rel=next] span[lang]", "lang").as_deref(),
        Some("en")
    );
    // Translated pages have no notice and no lang override.
    let es = parse(out.path(), "es/guide/risk.html");
    assert!(select(&es, "main .notice").is_empty());
    assert_eq!(attr(&es, "article", "lang"), None);
}

#[test]
fn ui_strings_come_from_fluent_with_fallback() {
    let project = copy_fixture("basic");
    std::fs::create_dir_all(project.path().join("i18n")).unwrap();
    // A project file overrides one built-in string and leaves the rest.
    std::fs::write(project.path().join("i18n/es.ftl"), "next = Adelante\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    let doc = parse(out.path(), "es/guide/intro.html");
    let next: String = select(&doc, "a[rel=next] .pager-label")[0].text().collect();
    assert_eq!(next, "Adelante");
    let prev_label = parse(out.path(), "es/guide/risk.html");
    let prev: String = select(&prev_label, "a[rel=prev] .pager-label")[0]
        .text()
        .collect();
    assert_eq!(prev, "Anterior", "the built-in Spanish string is kept");
    // zh has no project file; a missing key is a warning, never a crash.
    assert!(
        diag_lines(&report).iter().all(|l| !l.starts_with("Error")),
        "{:?}",
        diag_lines(&report)
    );
}

#[test]
fn missing_ui_language_is_a_warning_and_falls_back() {
    let project = copy_fixture("basic");
    let config = project.path().join("polybook.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("\"zh\"]", "\"zh\", \"pt-BR\"]");
    std::fs::write(&config, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    assert_eq!(report.errors(), 0, "{:?}", diag_lines(&report));
    // pt-BR falls back to pt, which is built in.
    let doc = parse(out.path(), "pt-BR/guide/intro.html");
    assert_eq!(attr(&doc, "html", "lang").as_deref(), Some("pt-BR"));
    let next: String = select(&doc, "a[rel=next] .pager-label")[0].text().collect();
    assert_eq!(next, "Próximo");
}

#[test]
fn translated_headings_inherit_source_ids_and_keep_their_own() {
    let (out, _) = build_fixture("basic");
    let es = parse(out.path(), "es/guide/risk.html");
    let ids: Vec<String> = select(&es, "article h2")
        .iter()
        .map(|h| h.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(ids, ["threats", "plan"]);
    // The translated slug is a valid target too, and the in-page link to it works.
    assert_eq!(select(&es, "#amenazas").len(), 1);
    assert!(
        select(&es, "article a")
            .iter()
            .any(|a| a.value().attr("href") == Some("#amenazas"))
    );
    // A link written once in the source works in every language.
    let es_intro = parse(out.path(), "es/guide/intro.html");
    let hrefs: Vec<&str> = select(&es_intro, "article a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect::<Vec<_>>();
    assert!(
        hrefs.contains(&"risk.html#threats") && hrefs.contains(&"risk.html#plan"),
        "{hrefs:?}"
    );
}
