//! `polybook po export` on a copy of the bundled project: every template and
//! catalogue passes `msgfmt --check`, translations survive edits of the
//! source (fuzzy with the previous msgid, obsolete when removed), output is
//! byte-identical from the same sources, and a broken catalogue is reported
//! with its file and line.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::common::{bundled_copy, files, msgfmt_check};

/// A copy of the bundled project (its configuration, manuals, UI strings and
/// theme) without its Markdown translations, as a project translated in PO
/// catalogues is: `po export` makes no catalogue for a chapter translated in
/// Markdown.
fn bundled() -> tempfile::TempDir {
    let dir = bundled_with_translations();
    let (project, _) = polybook::build::load(dir.path()).unwrap();
    for m in &project.manuals {
        for lang in project.langs().iter().skip(1) {
            let folder = dir.path().join("manuals").join(&m.id).join(&lang.code);
            if folder.is_dir() {
                std::fs::remove_dir_all(folder).unwrap();
            }
        }
    }
    dir
}

/// A copy of the bundled project, Markdown translations included.
fn bundled_with_translations() -> tempfile::TempDir {
    bundled_copy(false)
}

fn export(root: &Path) -> polybook::po::ExportReport {
    let (project, problems) = polybook::build::load(root).unwrap();
    polybook::po::export(&project, &problems, &polybook::po::Selection::default()).unwrap()
}

/// `polybook status --format json` for one language of the `protection`
/// manual.
fn status_json(root: &Path, lang: &str) -> serde_json::Value {
    let args = [
        "status",
        "--format",
        "json",
        "--lang",
        lang,
        "--manual",
        "protection",
    ];
    serde_json::from_slice(&polybook(root, &args).stdout).unwrap()
}

fn polybook(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

/// Every file under `root/po`, by path, with its bytes.
fn po_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    files(&root.join("po"))
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(root.join("po").join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// The entries of a PO file's text, keyed by msgctxt, without `#:` lines
/// (which follow line numbers).
fn entries(text: &str) -> BTreeMap<String, String> {
    text.split("\n\n")
        .map(|e| {
            let body: Vec<&str> = e.lines().filter(|l| !l.starts_with("#:")).collect();
            let key = body
                .iter()
                .find_map(|l| {
                    l.strip_prefix("msgctxt ")
                        .or_else(|| l.strip_prefix("#~ msgctxt "))
                })
                .unwrap_or("")
                .to_string();
            (key, body.join("\n"))
        })
        .collect()
}

/// Gives the entry of context `ctx` the translation `msgstr`.
fn translate(text: &str, ctx: &str, msgstr: &str) -> String {
    let key = format!("msgctxt \"{ctx}\"\n");
    let at = text.find(&key).unwrap_or_else(|| panic!("no entry {ctx}"));
    let empty = at + text[at..].find("msgstr \"\"\n").unwrap();
    format!(
        "{}msgstr \"{msgstr}\"\n{}",
        &text[..empty],
        &text[empty + "msgstr \"\"\n".len()..]
    )
}

#[test]
fn every_file_passes_msgfmt_and_exports_are_byte_identical() {
    let a = bundled();
    let report = export(a.path());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let first = po_files(a.path());
    // Templates for every chapter and manual.toml, catalogues per language.
    for name in [
        "protection/risk-analysis.pot",
        "protection/manual.pot",
        "digital-security/phones/mobile-safety.pot",
        "es/protection/risk-analysis.po",
        "ar/digital-security/manual.po",
    ] {
        assert!(first.contains_key(name), "{name} missing");
    }
    assert_eq!(report.written.len(), first.len());
    for rel in first.keys() {
        msgfmt_check(&a.path().join("po").join(rel));
    }
    let pot = String::from_utf8(first["protection/risk-analysis.pot"].clone()).unwrap();
    assert!(pot.contains("msgctxt \"risk-equation\"\nmsgid \"The risk equation\"\n"));
    assert!(
        pot.contains(
            "#: manuals/protection/en/risk-analysis.md:11\nmsgctxt \"risk-equation/p1\"\n"
        )
    );
    assert!(!pot.contains("{#risk-equation}") && !pot.contains("[!TIP]"));
    assert!(!pot.contains("Date"), "no dates in templates");
    let ar = String::from_utf8(first["ar/protection/manual.po"].clone()).unwrap();
    assert!(ar.contains("\"Language: ar\\n\"\n\"Plural-Forms: nplurals=6;"));
    assert!(ar.contains("msgid \"Protection Handbook\"\nmsgstr \"\"\n"));

    // Exporting again writes nothing; another copy gets the same bytes.
    let again = export(a.path());
    assert!(again.written.is_empty(), "{:?}", again.written);
    assert_eq!(again.unchanged, first.len());
    let b = bundled();
    export(b.path());
    assert_eq!(po_files(b.path()), first);
    // Nothing but po/ was written.
    assert!(!a.path().join("output").exists() && !a.path().join(".polybook").exists());
}

#[test]
fn translations_survive_edits_of_the_source() {
    let dir = bundled();
    let root = dir.path();
    export(root);
    let po = root.join("po/es/protection/risk-analysis.po");
    let text = std::fs::read_to_string(&po).unwrap();
    let text = translate(&text, "risk-equation/p1", "Una forma sencilla de razonar:");
    let text = translate(
        &text,
        "analysing-risk/p1",
        "Toda defensora vive con riesgo.",
    );
    let text = translate(
        &text,
        "deciding-what-to-do/p1",
        "Decidid qué riesgos aceptáis.",
    );
    std::fs::write(&po, &text).unwrap();
    let before = entries(&text);

    // Edit one paragraph, remove another.
    let chapter = root.join("manuals/protection/en/risk-analysis.md");
    let source = std::fs::read_to_string(&chapter).unwrap();
    let old_p1 =
        "A simple way to reason about risk is to treat it as a relationship between three factors:";
    assert!(source.contains(old_p1));
    let mut edited = source.replace("A simple way to reason", "A plain way to reason");
    let start = edited.find("Once the picture is clear").unwrap();
    let end = start + edited[start..].find("\n\n").unwrap() + 2;
    let removed = edited[start..end].trim().to_string();
    edited.replace_range(start..end, "");
    std::fs::write(&chapter, edited).unwrap();

    let report = export(root);
    assert!(report.diagnostics.is_empty());
    let after_text = std::fs::read_to_string(&po).unwrap();
    msgfmt_check(&po);
    let after = entries(&after_text);

    let fuzzy = &after["\"risk-equation/p1\""];
    assert!(fuzzy.contains("#, fuzzy\n"), "{fuzzy}");
    assert!(fuzzy.contains(&format!(
        "#| msgctxt \"risk-equation/p1\"\n#| msgid \"{old_p1}\"\n"
    )));
    assert!(fuzzy.contains("msgid \"A plain way to reason"));
    assert!(fuzzy.contains("msgstr \"Una forma sencilla de razonar:\""));

    let gone = &after["\"deciding-what-to-do/p1\""];
    assert!(
        gone.contains("#~ msgctxt \"deciding-what-to-do/p1\"\n"),
        "{gone}"
    );
    assert!(gone.contains(&format!("#~ msgid \"{removed}\"")));
    assert!(gone.contains("#~ msgstr \"Decidid qué riesgos aceptáis.\""));

    // Every other message is as it was, the kept translation included.
    assert!(after["\"analysing-risk/p1\""].contains("msgstr \"Toda defensora vive con riesgo.\""));
    let changed: Vec<&String> = (before.keys())
        .filter(|k| after.get(*k) != before.get(*k))
        .collect();
    assert_eq!(
        changed,
        ["\"deciding-what-to-do/p1\"", "\"risk-equation/p1\""],
        "only the edited and the removed messages change"
    );
    assert_eq!(after_text.matches("#, fuzzy").count(), 1);
    // Other languages had no translation there: nothing fuzzy, nothing obsolete.
    let fr = std::fs::read_to_string(root.join("po/fr/protection/risk-analysis.po")).unwrap();
    assert!(!fr.contains("fuzzy") && !fr.contains("#~"));
    assert!(fr.contains("msgid \"A plain way to reason"));

    // Exporting again changes nothing more.
    assert!(export(root).written.is_empty());
}

#[test]
fn equal_strings_in_two_places_have_their_own_context() {
    let dir = bundled();
    let root = dir.path();
    let chapter = root.join("manuals/protection/en/wellbeing.md");
    let mut text = std::fs::read_to_string(&chapter).unwrap();
    text.push_str("\n## Extra one\n\nTake a break.\n\n## Extra two\n\nTake a break.\n");
    std::fs::write(&chapter, text).unwrap();
    export(root);
    let pot_path = root.join("po/protection/wellbeing.pot");
    let pot = std::fs::read_to_string(&pot_path).unwrap();
    assert!(pot.contains("msgctxt \"extra-one/p1\"\nmsgid \"Take a break.\"\n"));
    assert!(pot.contains("msgctxt \"extra-two/p1\"\nmsgid \"Take a break.\"\n"));
    msgfmt_check(&pot_path);
    msgfmt_check(&root.join("po/es/protection/wellbeing.po"));
}

#[test]
fn a_broken_catalogue_is_reported_with_its_line_and_left_as_it_is() {
    let dir = bundled();
    let root = dir.path();
    export(root);
    let po = root.join("po/fr/protection/risk-analysis.po");
    let broken = "msgid \"\"\nmsgstr \"\"\nmsgid \"unterminated\nmsgstr \"x\"\n";
    std::fs::write(&po, broken).unwrap();
    let out = polybook(root, &["po", "export", "--manual", "protection"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: po/fr/protection/risk-analysis.po:3: invalid PO file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&po).unwrap(), broken);
}

#[test]
fn unknown_manuals_and_languages_are_usage_errors() {
    let dir = bundled();
    let root = dir.path();
    let out = polybook(
        root,
        &["po", "export", "--lang", "xx,en", "--manual", "nope"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no manual `nope` (the manuals: protection, digital-security)"),
        "{stderr}"
    );
    assert!(stderr.contains("`xx`, `en`"), "{stderr}");
    assert!(
        stderr.contains("es, fr, ar, fa, ru, zh, my, am, bo"),
        "{stderr}"
    );
    assert!(!root.join("po").exists());
    // A selection writes only its own files.
    let out = polybook(
        root,
        &["po", "export", "--manual", "protection", "--lang", "es"],
    );
    assert!(out.status.success());
    let written = po_files(root);
    assert!(
        written
            .keys()
            .all(|k| k.starts_with("protection/") || k.starts_with("es/protection/"))
    );
    assert!(written.contains_key("es/protection/manual.po"));
}

#[test]
fn a_source_chapter_that_cannot_be_read_is_reported_and_its_template_kept() {
    let dir = bundled();
    let root = dir.path();
    assert!(polybook(root, &["po", "export"]).status.success());
    let pot = root.join("po/protection/risk-analysis.pot");
    let before = std::fs::read(&pot).unwrap();
    std::fs::write(
        root.join("manuals/protection/en/risk-analysis.md"),
        b"# Risk\n\nBad \xff byte.\n",
    )
    .unwrap();
    let out = polybook(root, &["po", "export"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("manuals/protection/en/risk-analysis.md"),
        "{stderr}"
    );
    assert!(
        stderr.contains("source chapters could not be read"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&pot).unwrap(), before);
}

/// Gives every entry of a catalogue's text that has no translation the
/// translation `prefix` followed by its msgid (so its links, code and
/// emphasis stay), except the entries whose context is in `skip`.
pub(crate) fn fill(text: &str, prefix: &str, skip: &[&str]) -> String {
    text.split("\n\n")
        .map(|e| {
            let lines: Vec<&str> = e.lines().collect();
            let ctx = lines
                .iter()
                .find_map(|l| l.strip_prefix("msgctxt \""))
                .map(|c| c.trim_end_matches('"'));
            let (Some(ctx), Some(id), Some(st)) = (
                ctx,
                lines.iter().position(|l| l.starts_with("msgid ")),
                lines.iter().position(|l| *l == "msgstr \"\""),
            ) else {
                return e.to_string();
            };
            if skip.contains(&ctx) || st + 1 != lines.len() {
                return e.to_string();
            }
            let mut out: Vec<String> = lines[..st].iter().map(|l| l.to_string()).collect();
            out.push(format!("msgstr \"{prefix}\""));
            out.push(lines[id]["msgid ".len()..].to_string());
            out.extend(lines[id + 1..st].iter().map(|l| l.to_string()));
            out.join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Exports the catalogues of a project without Markdown translations,
/// keeps only that of `protection/risk-analysis` in `lang`, and fills it
/// with `prefix` (but the contexts `skip`).
fn po_chapter(root: &Path, lang: &str, prefix: &str, skip: &[&str]) -> std::path::PathBuf {
    export(root);
    // Only this chapter is made from a catalogue; the others stay untranslated.
    let keep = format!("{lang}/protection/risk-analysis.po");
    for rel in files(&root.join("po")) {
        if rel.ends_with(".po") && rel != keep && !rel.ends_with("/manual.po") {
            std::fs::remove_file(root.join("po").join(rel)).unwrap();
        }
    }
    let po = root.join(format!("po/{lang}/protection/risk-analysis.po"));
    let text = std::fs::read_to_string(&po).unwrap();
    std::fs::write(&po, fill(&text, prefix, skip)).unwrap();
    msgfmt_check(&po);
    po
}

fn build_langs(root: &Path, out: &Path, langs: &[&str]) -> polybook::build::BuildReport {
    polybook::build(&polybook::build::BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        no_epub: true,
        languages: langs.iter().map(|l| l.to_string()).collect(),
        manuals: vec!["protection".into()],
        ..polybook::build::BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("build failed: {e}"))
}

/// The page of `protection/risk-analysis` in `lang`.
fn page(out: &Path, lang: &str) -> scraper::Html {
    crate::common::parse(out, &format!("{lang}/protection/risk-analysis.html"))
}

fn texts(doc: &scraper::Html, css: &str) -> Vec<String> {
    crate::common::select(doc, css)
        .iter()
        .map(|e| e.text().collect::<String>())
        .collect()
}

/// A PO-built chapter in `lang`: source ids, translated text, the
/// language's direction, no partial notice, and `current` in status.
fn a_chapter_from_po(lang: &str, prefix: &str, dir: &str) {
    let project = bundled();
    let root = project.path();
    po_chapter(root, lang, prefix, &[]);
    let out = tempfile::tempdir().unwrap();
    let report = build_langs(root, out.path(), &["en", lang]);
    let lines = crate::common::diag_lines(&report);
    assert!(lines.iter().all(|l| !l.starts_with("Error")), "{lines:?}");
    let source = page(out.path(), "en");
    let translated = page(out.path(), lang);
    let ids = |doc: &scraper::Html| -> Vec<String> {
        crate::common::select(doc, "article h1[id], article h2[id], article h3[id]")
            .iter()
            .map(|e| e.value().attr("id").unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&translated), ids(&source));
    assert!(ids(&source).contains(&"listing-what-you-know".to_string()));
    let h2 = texts(&translated, "h2#risk-equation");
    assert_eq!(h2.len(), 1);
    assert!(h2[0].starts_with(prefix), "{h2:?}");
    assert!(
        texts(&translated, "article p")
            .iter()
            .any(|p| p.starts_with(&format!("{prefix}Every defender"))),
    );
    // Code, tables and links of the source are there.
    assert_eq!(
        crate::common::select(&translated, "article table").len(),
        crate::common::select(&source, "article table").len()
    );
    assert!(
        crate::common::select(&translated, "article a[href*='threats-and-incidents']").len() == 1
    );
    assert_eq!(
        crate::common::attr(&translated, "html", "dir").as_deref(),
        Some(dir)
    );
    assert_eq!(
        crate::common::attr(&translated, "html", "lang").as_deref(),
        Some(lang)
    );
    assert!(crate::common::select(&translated, ".notice").is_empty());
    let json = status_json(root, lang);
    let needs = &json["manuals"][0]["languages"][0]["needs_work"];
    assert!(
        needs
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["chapter"] != "risk-analysis"),
        "{needs}"
    );
}

#[test]
fn an_arabic_chapter_is_built_from_its_catalogue() {
    a_chapter_from_po("ar", "ترجمة: ", "rtl");
}

#[test]
fn a_chinese_chapter_is_built_from_its_catalogue() {
    a_chapter_from_po("zh", "译文：", "ltr");
}

#[test]
fn a_partly_translated_catalogue_gives_the_notice_and_its_figures() {
    let project = bundled();
    let root = project.path();
    let skip = ["risk-equation/p1", "risk-equation/li1", "reviewing-risk/p1"];
    let po = po_chapter(root, "es", "ES ", &skip);
    // One entry fuzzy: its source text is shown.
    let text = std::fs::read_to_string(&po).unwrap();
    let text = text.replacen(
        "msgctxt \"assessing-capacities/p1\"",
        "#, fuzzy\nmsgctxt \"assessing-capacities/p1\"",
        1,
    );
    std::fs::write(&po, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    build_langs(root, out.path(), &["en", "es"]);
    let doc = page(out.path(), "es");
    let notice = texts(&doc, "p.notice.partial");
    assert_eq!(notice.len(), 1);
    assert!(notice[0].contains("Partes de este capítulo"), "{notice:?}");
    let paras = texts(&doc, "article p");
    assert!(
        paras
            .iter()
            .any(|p| p.starts_with("Capacities are easy to overlook"))
    );
    assert!(
        paras
            .iter()
            .any(|p| p.starts_with("A simple way to reason"))
    );
    assert!(paras.iter().any(|p| p.starts_with("ES Every defender")));
    // The source's text is marked with the source's language and direction.
    let marked = texts(&doc, "article p > span[lang='en'][dir='ltr']");
    assert!(
        marked
            .iter()
            .any(|t| t.starts_with("A simple way to reason")),
        "{marked:?}"
    );
    assert!(marked.iter().any(|t| t.starts_with("Capacities are easy")));
    assert!(
        texts(&doc, "article li > span[lang='en']")
            .iter()
            .any(|t| t.starts_with("Threats are declared")),
    );
    assert!(!marked.iter().any(|t| t.starts_with("ES ")));
    let json = status_json(root, "es");
    let lang = &json["manuals"][0]["languages"][0];
    assert_eq!(lang["partial"], 1);
    let ch = (lang["needs_work"].as_array().unwrap().iter())
        .find(|c| c["chapter"] == "risk-analysis")
        .unwrap();
    assert_eq!(ch["state"], "partial");
    assert_eq!(ch["file"], "po/es/protection/risk-analysis.po");
    let po = &ch["po"];
    let total = po["messages"].as_u64().unwrap();
    assert_eq!(po["untranslated"], 3);
    assert_eq!(po["fuzzy"], 1);
    assert_eq!(po["translated"].as_u64().unwrap(), total - 4);
    let pct = |n: u64| (n as f64 * 1000.0 / total as f64).round() / 10.0;
    assert_eq!(po["percent_untranslated"].as_f64().unwrap(), pct(3));
    assert_eq!(po["percent_fuzzy"].as_f64().unwrap(), pct(1));
    let text = polybook(root, &["status", "--lang", "es", "--manual", "protection"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("partial"), "{text}");
    assert!(text.contains(&format!("{:.0}% fuzzy", pct(1))), "{text}");
    // The status page lists it with its figures.
    let status_page = crate::common::read(out.path(), "es/status.html");
    assert!(status_page.contains("state-partial"), "{status_page}");
    assert!(status_page.contains("% traducido"), "{status_page}");
    let doc = scraper::Html::parse_document(&status_page);
    let head = texts(&doc, ".status-manual thead th");
    assert!(head.contains(&"Traducido en parte".to_string()), "{head:?}");
}

#[test]
fn markdown_and_po_for_one_chapter_is_an_error_naming_both() {
    let project = bundled_with_translations();
    let root = project.path();
    // A chapter translated in Markdown gets no catalogue from `po export`.
    let report = export(root);
    let md = Path::new("manuals/protection/fr/risk-analysis.md");
    assert!(
        report.kept_markdown.iter().any(|p| p == md),
        "{:?}",
        report.kept_markdown
    );
    assert!(!root.join("po/fr/protection/risk-analysis.po").exists());
    // One made by other means clashes with the Markdown translation.
    std::fs::copy(
        root.join("po/protection/risk-analysis.pot"),
        root.join("po/fr/protection/risk-analysis.po"),
    )
    .unwrap();
    std::fs::copy(
        root.join("po/protection/wellbeing.pot"),
        root.join("po/fr/protection/gone.po"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build_langs(root, out.path(), &["en", "fr"]);
    let lines = crate::common::diag_lines(&report);
    assert!(
        lines.iter().any(|l| l.starts_with(
            "Warning po/fr/protection/gone.po:0: manual `protection` has no chapter `gone`"
        )),
        "{lines:?}"
    );
    let conflict: Vec<String> = crate::common::diag_lines(&report)
        .into_iter()
        .filter(|l| l.contains("both a Markdown translation"))
        .collect();
    assert!(
        conflict.iter().any(
            |l| l.starts_with("Error manuals/protection/fr/risk-analysis.md:0:")
                && l.contains("po/fr/protection/risk-analysis.po")
        ),
        "{conflict:?}"
    );
    let check = polybook(root, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("remove one of the two files"), "{stderr}");
}

#[test]
fn check_reports_a_translation_that_drops_a_link_at_its_msgstr() {
    let project = bundled();
    let root = project.path();
    let po = po_chapter(root, "es", "ES ", &[]);
    let text = std::fs::read_to_string(&po).unwrap();
    // The paragraph with two links loses them.
    let ctx = "msgctxt \"listing-what-you-know/p2\"";
    let at = text.find(ctx).unwrap();
    let st = at + text[at..].find("msgstr ").unwrap();
    let end = st + text[st..].find("\n\n").unwrap();
    let line = text[..st].lines().count() + 1;
    let text = format!("{}msgstr \"Sin enlaces.\"{}", &text[..st], &text[end..]);
    std::fs::write(&po, text).unwrap();
    let out = polybook(root, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let want = format!("warning: po/es/protection/risk-analysis.po:{line} [es]:");
    let found = stderr.lines().find(|l| l.contains(&want));
    assert!(found.is_some(), "{want} in {stderr}");
    assert!(
        found.unwrap().contains("0 links (the source has 2)"),
        "{stderr}"
    );
    // A syntax error is an error with its line.
    std::fs::write(&po, "msgid \"\"\nmsgstr \"\"\n\nmsgid \"x\nmsgstr \"y\"\n").unwrap();
    let out = polybook(root, &["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("error: po/es/protection/risk-analysis.po:4 [es]: invalid PO file"),
        "{stderr}"
    );
}

#[test]
fn editing_a_catalogue_is_not_a_no_change_build() {
    let project = bundled();
    let root = project.path();
    let po = po_chapter(root, "es", "ES ", &[]);
    let out = tempfile::tempdir().unwrap();
    build_langs(root, out.path(), &["en", "es"]);
    assert!(
        texts(&page(out.path(), "es"), "article p")
            .iter()
            .any(|p| p.starts_with("ES Every"))
    );
    let text = std::fs::read_to_string(&po).unwrap();
    std::fs::write(&po, text.replace("msgstr \"ES \"", "msgstr \"EDITADO \"")).unwrap();
    build_langs(root, out.path(), &["en", "es"]);
    assert!(
        texts(&page(out.path(), "es"), "article p")
            .iter()
            .any(|p| p.starts_with("EDITADO Every"))
    );
}

#[test]
fn manual_po_gives_the_titles_manual_toml_does_not() {
    let project = bundled();
    let root = project.path();
    export(root);
    let toml = root.join("manuals/protection/manual.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    // Without its own title in Spanish, the manual takes the catalogue's.
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("es = ")).collect();
    std::fs::write(&toml, kept.join("\n") + "\n").unwrap();
    let po = root.join("po/es/protection/manual.po");
    let text = std::fs::read_to_string(&po).unwrap();
    std::fs::write(&po, translate(&text, "title", "Manual desde PO")).unwrap();
    let (project, _) = polybook::build::load(root).unwrap();
    let m = project
        .manuals
        .iter()
        .find(|m| m.id == "protection")
        .unwrap();
    assert_eq!(m.config.title_in("es"), "Manual desde PO");
    // French keeps the title of manual.toml; a broken catalogue is an error at its line.
    assert_eq!(m.config.title_in("fr"), "Manuel de protection");
    std::fs::write(
        &po,
        "msgid \"\"\nmsgstr \"\"\n\nmsgctxt \"title\"\nmsgid \"x\"\nmsgstr \"y\n",
    )
    .unwrap();
    let (project, diags) = polybook::build::load(root).unwrap();
    let d = diags
        .iter()
        .find(|d| d.file == Path::new("po/es/protection/manual.po"))
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert!(d.is_error() && d.line == 6, "{d:?}");
    let m = project
        .manuals
        .iter()
        .find(|m| m.id == "protection")
        .unwrap();
    assert_eq!(m.config.title_in("es"), m.config.title);
}

#[test]
fn stamp_leaves_chapters_made_from_catalogues_alone() {
    let project = bundled();
    let root = project.path();
    let po = po_chapter(root, "es", "ES ", &[]);
    let before = std::fs::read(&po).unwrap();
    let out = polybook(root, &["stamp", "--lang", "es"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&po).unwrap(), before);
    assert!(!root.join("manuals/protection/es/risk-analysis.md").exists());
    let md = root.join("manuals/protection/es/risk-analysis.md");
    let out = polybook(root, &["stamp", md.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("made from the PO catalogue `po/es/protection/risk-analysis.po`"),
        "{stderr}"
    );
    assert!(!root.join("manuals/protection/es/risk-analysis.md").exists());
}
