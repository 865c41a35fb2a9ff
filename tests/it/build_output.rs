//! The site a build produces: its pages, relative links, determinism and
//! incremental writes.

use std::collections::BTreeSet;
use std::path::Path;

use crate::common::*;

#[test]
fn produces_every_page_of_every_language() {
    let (out, report) = build_fixture("basic");
    assert_eq!(report.errors(), 0, "{:#?}", diag_lines(&report));
    let files = files(out.path());
    for lang in ["en", "es", "ar", "zh"] {
        for page in [
            "index.html",
            "guide/index.html",
            "guide/print.html",
            "guide/intro.html",
            "guide/risk.html",
            "guide/sub/deep.html",
        ] {
            let rel = format!("{lang}/{page}");
            assert!(files.contains(&rel), "missing {rel}");
        }
    }
    for f in [
        "index.html",
        "sitemap.xml",
        "static/style.css",
        "files/manuals/guide/media/shield.svg",
        "files/manuals/guide/media/es/shield.svg",
    ] {
        assert!(files.contains(&f.to_string()), "missing {f}");
    }
    // 1 root + 4 languages x (home + contents + print + 3 chapters + status)
    assert_eq!(report.pages, 1 + 4 * 7);
    assert!(files.contains(&"es/status.html".to_string()));
}

/// Collects every `href` and `src` of every HTML page and checks that each
/// relative one leads to a file of the output, and each fragment to an id.
fn check_all_relative_links(out: &Path) {
    let mut problems = Vec::new();
    for rel in files(out).into_iter().filter(|f| f.ends_with(".html")) {
        let doc = parse(out, &rel);
        for el in select(&doc, "[href], [src]") {
            let url = el.value().attr("href").or(el.value().attr("src")).unwrap();
            if url.contains("://") || url.starts_with("mailto:") {
                continue;
            }
            let (path, frag) = url
                .split_once('#')
                .map(|(p, f)| (p, Some(f)))
                .unwrap_or((url, None));
            let target = if path.is_empty() {
                rel.clone()
            } else {
                let base = Path::new(&rel).parent().unwrap();
                let decoded = percent_encoding::percent_decode_str(path)
                    .decode_utf8()
                    .unwrap()
                    .to_string();
                let joined = base.join(decoded);
                let mut parts: Vec<String> = Vec::new();
                for c in joined.components() {
                    match c {
                        std::path::Component::ParentDir => {
                            assert!(
                                parts.pop().is_some(),
                                "{rel}: `{url}` climbs out of the output"
                            );
                        }
                        std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into()),
                        _ => {}
                    }
                }
                parts.join("/")
            };
            if !out.join(&target).is_file() {
                problems.push(format!("{rel}: `{url}` -> missing {target}"));
                continue;
            }
            if let Some(frag) = frag.filter(|f| !f.is_empty()) {
                let frag = percent_encoding::percent_decode_str(frag)
                    .decode_utf8()
                    .unwrap()
                    .to_string();
                let tdoc = parse(out, &target);
                let found = select(&tdoc, "[id]")
                    .iter()
                    .any(|e| e.value().attr("id") == Some(frag.as_str()));
                if !found {
                    problems.push(format!("{rel}: `{url}` -> no id `{frag}` in {target}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_relative_link_in_the_output_resolves() {
    let (out, _) = build_fixture("basic");
    check_all_relative_links(out.path());
}

#[test]
fn bundled_manuals_build_cleanly_and_link_correctly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let report = build(root, out.path());
    assert_eq!(report.errors(), 0, "{:#?}", diag_lines(&report));
    assert!(report.warnings() == 0, "{:#?}", diag_lines(&report));
    check_all_relative_links(out.path());
}

#[test]
fn same_sources_give_identical_bytes() {
    let (a, _) = build_fixture("basic");
    let (b, _) = build_fixture("basic");
    let fa = files(a.path());
    assert_eq!(fa, files(b.path()));
    for f in fa {
        assert_eq!(
            std::fs::read(a.path().join(&f)).unwrap(),
            std::fs::read(b.path().join(&f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn a_second_build_writes_nothing_and_stale_pages_are_removed() {
    let project = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let first = build(project.path(), out.path());
    assert!(first.written > 0);
    let second = build(project.path(), out.path());
    assert_eq!(second.written, 0);
    assert_eq!(second.removed, 0);

    // Remove a chapter from the contents: its pages go, a user's own file stays.
    std::fs::write(out.path().join("keep-me.txt"), "mine").unwrap();
    let toml = project.path().join("manuals/guide/manual.toml");
    let text = std::fs::read_to_string(&toml)
        .unwrap()
        .replace("chapters = [\"sub/deep\"]", "chapters = []");
    std::fs::write(&toml, text).unwrap();
    std::fs::remove_dir_all(project.path().join("manuals/guide/en/sub")).unwrap();
    let third = build(project.path(), out.path());
    assert_eq!(third.removed, 4, "one page per language");
    assert!(!out.path().join("en/guide/sub").exists());
    assert!(out.path().join("keep-me.txt").exists());
    assert!(files(out.path()).iter().all(|f| !f.ends_with(".tmp")));
}

#[test]
fn pages_carry_navigation_and_language_switcher() {
    let (out, _) = build_fixture("basic");
    let doc = parse(out.path(), "es/guide/risk.html");
    // Previous/next.
    assert_eq!(
        attr(&doc, "a[rel=prev]", "href").as_deref(),
        Some("intro.html")
    );
    assert_eq!(
        attr(&doc, "a[rel=next]", "href").as_deref(),
        Some("sub/deep.html")
    );
    // The manual's contents, with the current chapter marked and part titles translated.
    let current = select(&doc, ".book-nav a[aria-current=page]");
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].value().attr("href"), Some("risk.html"));
    assert!(
        select(&doc, ".part-title")
            .iter()
            .any(|e| e.text().collect::<String>() == "Lo básico")
    );
    // The switcher lands on the same chapter in each language.
    let switch: BTreeSet<String> = select(&doc, ".languages a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = [
        "../../en/guide/risk.html",
        "risk.html",
        "../../ar/guide/risk.html",
        "../../zh/guide/risk.html",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(switch, expected);
    // Chapter in a sub-folder links back correctly.
    let deep = parse(out.path(), "en/guide/sub/deep.html");
    assert_eq!(
        attr(&deep, "a[rel=prev]", "href").as_deref(),
        Some("../risk.html")
    );
    assert_eq!(
        attr(&deep, "link[rel=stylesheet]", "href").as_deref(),
        Some("../../../static/style.css")
    );
}

#[test]
fn print_page_holds_the_whole_manual_with_internal_fragments() {
    let (out, _) = build_fixture("basic");
    let doc = parse(out.path(), "en/guide/print.html");
    let sections = select(&doc, "div.print-chapter");
    assert_eq!(sections.len(), 3);
    // Links between chapters become fragments of the print page, and resolve.
    let links: Vec<String> = select(&doc, "article a, div.print-chapter a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(String::from))
        .collect();
    assert!(
        links.contains(&"#ch-risk--threats".to_string()),
        "{links:?}"
    );
    let ids: BTreeSet<String> = select(&doc, "[id]")
        .iter()
        .map(|e| e.value().attr("id").unwrap().to_string())
        .collect();
    for l in links.iter().filter(|l| l.starts_with('#')) {
        assert!(ids.contains(&l[1..]), "{l} has no target");
    }
}

#[test]
fn sitemap_lists_alternates_and_base_url_adds_canonical_links() {
    let project = copy_fixture("basic");
    let config = project.path().join("polybook.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("base_url = \"https://example.org/guides\"\n{text}"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build(project.path(), out.path());
    let sitemap = read(out.path(), "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/guides/es/guide/risk.html</loc>"));
    assert!(
        sitemap.contains("hreflang=\"ar\" href=\"https://example.org/guides/ar/guide/risk.html\"")
    );
    let doc = parse(out.path(), "es/guide/risk.html");
    assert_eq!(
        attr(&doc, "link[rel=canonical]", "href").as_deref(),
        Some("https://example.org/guides/es/guide/risk.html")
    );
    assert_eq!(
        select(&doc, "link[rel=alternate]").len(),
        5,
        "four languages and x-default"
    );
    // Page-to-page links stay relative.
    assert_eq!(
        attr(&doc, "a[rel=next]", "href").as_deref(),
        Some("sub/deep.html")
    );
}

#[test]
fn chapter_snapshot() {
    let (out, _) = build_fixture("basic");
    let doc = parse(out.path(), "en/guide/intro.html");
    let main = select(&doc, "main")[0].html();
    insta::assert_snapshot!(main);
}

/// A long manual's chapter pages list a window of the current part, and the
/// other parts by their title only.
#[test]
fn navigation_of_long_manuals_is_a_window_of_the_current_part() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("polybook.toml"),
        "title = \"T\"\nsource_language = \"en\"\nlanguages = [\"en\"]\n",
    )
    .unwrap();
    let m = root.join("manuals/long");
    std::fs::create_dir_all(m.join("en")).unwrap();
    let ids = |from: usize, to: usize| -> Vec<String> {
        (from..=to).map(|i| format!("c{i:03}")).collect()
    };
    let (first, second, third) = (ids(1, 3), ids(4, 103), ids(104, 106));
    let list = |v: &[String]| {
        v.iter()
            .map(|i| format!("\"{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    std::fs::write(
        m.join("manual.toml"),
        format!(
            "title = \"Long\"\n[[parts]]\ntitle = \"First\"\nchapters = [{}]\n[[parts]]\ntitle = \"Second\"\nchapters = [{}]\n[[parts]]\ntitle = \"Third\"\nchapters = [{}]\n",
            list(&first),
            list(&second),
            list(&third)
        ),
    )
    .unwrap();
    for id in first.iter().chain(&second).chain(&third) {
        std::fs::write(
            m.join(format!("en/{id}.md")),
            format!("# Chapter {id}\n\nText.\n"),
        )
        .unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let report = build(root, out.path());
    assert_eq!(report.errors(), 0, "{:#?}", diag_lines(&report));

    // The 51st chapter of the second part (c054): 25 on either side.
    let doc = parse(out.path(), "en/long/c054.html");
    let listed: Vec<String> = select(&doc, ".book-nav ol a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    let expected: Vec<String> = ids(29, 79).iter().map(|i| format!("{i}.html")).collect();
    assert_eq!(listed, expected);
    assert_eq!(attr(&doc, ".book-nav ol", "start").as_deref(), Some("26"));
    let collapsed: Vec<(String, String)> = select(&doc, ".book-nav .part-title a")
        .iter()
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        collapsed,
        [
            ("First".to_string(), "c001.html".to_string()),
            ("Third".to_string(), "c104.html".to_string())
        ]
    );
    assert!(!select(&doc, ".book-nav .nav-more").is_empty());

    // A chapter of a short part lists that whole part.
    let doc = parse(out.path(), "en/long/c105.html");
    let listed: Vec<String> = select(&doc, ".book-nav ol a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(listed, ["c104.html", "c105.html", "c106.html"]);
    assert_eq!(attr(&doc, ".book-nav ol", "start"), None);
    // The contents page lists every chapter.
    let contents = parse(out.path(), "en/long/index.html");
    assert_eq!(select(&contents, "main ol a").len(), 106);
}

/// A one-off build holds one language's text at a time: the model lets go
/// of the texts that only their own language shows (not the source
/// language's, nor those of a language another falls back to), and each is
/// read again, and checked, when its language renders. A file changed in
/// between is an error, never a page made from text the outline was not
/// made from.
#[test]
fn texts_let_go_are_read_again_and_checked() {
    let project = copy_fixture("basic");
    let root = project.path();
    let config = root.join("polybook.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    let with_mexico = toml.replace(
        r#"languages = ["en", "es", "ar", "zh"]"#,
        r#"languages = ["en", "es", "ar", "zh", "es-MX"]"#,
    );
    assert_ne!(toml, with_mexico);
    std::fs::write(&config, with_mexico).unwrap();
    let (kept, _) = polybook::build::load(root).unwrap();
    let (mut p, _) = polybook::build::load(root).unwrap();
    let all = vec![true; p.manuals.len()];
    assert!(p.release_texts(&all) > 0);
    assert_eq!(p.release_texts(&all), 0, "let go of twice");
    let mut released = 0;
    for (m, manual) in p.manuals.iter().enumerate() {
        for (c, chapter) in manual.chapters.iter().enumerate() {
            for (lang, src) in &chapter.sources {
                // `es-MX` falls back to `es`, and every language to `en`.
                let shown_elsewhere = lang == "en" || lang == "es";
                assert_eq!(
                    src.released.is_none(),
                    shown_elsewhere,
                    "{lang} {:?}",
                    src.rel
                );
                assert_eq!(src.text.is_empty(), !shown_elsewhere);
                if shown_elsewhere {
                    continue;
                }
                released += 1;
                let text = polybook::load::reread(src).unwrap();
                assert_eq!(text, kept.manuals[m].chapters[c].sources[lang].text);
                let r = polybook::model::ChapterRef {
                    manual: m,
                    chapter: c,
                };
                let l = p.langs().iter().position(|l| &l.code == lang).unwrap();
                let (ui, _) = polybook::site::i18n::load(
                    &p.paths.i18n,
                    &p.paths.root,
                    p.langs(),
                    p.source_lang(),
                )
                .unwrap();
                let hl = Default::default();
                let again = polybook::site::render_body(&p, &ui, &hl, l, r, true, Some(&text));
                let first = polybook::site::render_body(&kept, &ui, &hl, l, r, true, None);
                assert_eq!(format!("{:?}", again.pieces), format!("{:?}", first.pieces));
                assert_eq!(again.sections, first.sections);
                assert_eq!(again.diagnostics, first.diagnostics);
                // Changed since it was loaded: an error naming the file.
                std::fs::write(&src.abs, format!("{text}\nmore\n")).unwrap();
                let problem = polybook::load::reread(src).unwrap_err();
                assert!(
                    problem.message.contains("changed while the build ran"),
                    "{problem:?}"
                );
                assert_eq!(problem.file, src.rel);
            }
        }
    }
    assert!(released >= 1, "nothing was let go of");
}
