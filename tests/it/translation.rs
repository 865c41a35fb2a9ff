//! Translators' workflow: states, `stamp`, `status` (text, JSON, diff),
//! reader notices and `check`.

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn polybook(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

fn hash_of(path: &Path) -> String {
    polybook::translate::provenance::content_hash(&std::fs::read_to_string(path).unwrap())
}

/// The basic fixture with one translation in every state:
/// es/intro current, es/risk outdated, ar/intro unknown, es/sub/deep missing,
/// es/old orphaned (its source is gone).
fn project_in_every_state() -> tempfile::TempDir {
    let p = copy_fixture("basic");
    let m = p.path().join("manuals/guide");
    let intro_hash = hash_of(&m.join("en/intro.md"));
    let es_intro = m.join("es/intro.md");
    let text = std::fs::read_to_string(&es_intro).unwrap();
    std::fs::write(
        &es_intro,
        text.replacen(
            "+++\n",
            &format!("+++\ntranslated_from = \"{intro_hash}\"\n"),
            1,
        ),
    )
    .unwrap();
    let es_risk = m.join("es/risk.md");
    let text = std::fs::read_to_string(&es_risk).unwrap();
    std::fs::write(
        &es_risk,
        format!("+++\ntranslated_from = \"000000000000\"\n+++\n{text}"),
    )
    .unwrap();
    std::fs::write(m.join("es/old.md"), "# Viejo\n").unwrap();
    p
}

#[test]
fn status_reports_every_state() {
    let p = project_in_every_state();
    let (project, _) = polybook::build::load(p.path()).unwrap();
    let report = polybook::translate::status::report(&project, &Default::default());
    let guide = &report.manuals[0];
    let es = guide.languages.iter().find(|l| l.lang == "es").unwrap();
    assert_eq!(
        (es.current, es.outdated, es.unknown, es.missing, es.orphaned),
        (1, 1, 0, 1, 1)
    );
    let ar = guide.languages.iter().find(|l| l.lang == "ar").unwrap();
    assert_eq!(
        (ar.current, ar.outdated, ar.unknown, ar.missing, ar.orphaned),
        (0, 0, 1, 2, 0)
    );
    assert!((es.percent_current - 33.3).abs() < 0.01);
    let states: Vec<(&str, &str)> = es
        .needs_work
        .iter()
        .map(|c| (c.chapter.as_str(), c.state.as_str()))
        .collect();
    assert_eq!(
        states,
        [
            ("risk", "outdated"),
            ("sub/deep", "missing"),
            ("old", "orphaned")
        ]
    );

    let text = String::from_utf8(polybook(p.path(), &["status", "--lang", "es"]).stdout).unwrap();
    assert!(
        text.contains("es           1 (33%)     1 (33%)      0 (0%)     1 (33%)         1"),
        "{text}"
    );
    assert!(
        text.contains("outdated  es     manuals/guide/es/risk.md"),
        "{text}"
    );
    assert!(!text.contains(" ar "), "--lang filters: {text}");
}

#[test]
fn status_json_follows_the_documented_schema() {
    let p = project_in_every_state();
    let out = polybook(p.path(), &["status", "--format", "json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["schema"], "polybook-status/1");
    assert_eq!(json["source_language"], "en");
    let manual = &json["manuals"][0];
    assert_eq!(manual["manual"], "guide");
    assert_eq!(manual["chapters"], 3);
    let es = manual["languages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lang"] == "es")
        .unwrap();
    for key in [
        "current",
        "outdated",
        "unknown",
        "missing",
        "orphaned",
        "percent_current",
        "needs_work",
    ] {
        assert!(es.get(key).is_some(), "missing {key}");
    }
    let risk = &es["needs_work"][0];
    assert_eq!(risk["chapter"], "risk");
    assert_eq!(risk["state"], "outdated");
    assert_eq!(risk["file"], "manuals/guide/es/risk.md");
    assert_eq!(risk["source_file"], "manuals/guide/en/risk.md");
    assert_eq!(risk["recorded"], "000000000000");
    assert_eq!(risk["source_hash"].as_str().unwrap().len(), 12);
}

#[test]
fn stamp_changes_only_its_line_and_makes_the_translation_current() {
    let p = copy_fixture("basic");
    let file = p.path().join("manuals/guide/es/risk.md");
    // Windows line endings, trailing spaces, no front matter: all kept.
    let original = "# Riesgo  \r\n\r\nTexto.\t\r\n\r\n## Amenazas\r\n\r\n## Hacer un plan\r\n";
    std::fs::write(&file, original).unwrap();
    let out = polybook(p.path(), &["stamp", "manuals/guide/es/risk.md"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hash = hash_of(&p.path().join("manuals/guide/en/risk.md"));
    let stamped = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        stamped,
        format!("+++\r\ntranslated_from = \"{hash}\"\r\n+++\r\n{original}")
    );

    // A second stamp changes nothing; after a source edit it updates the one line.
    polybook(p.path(), &["stamp", "manuals/guide/es/risk.md"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stamped);
    let src = p.path().join("manuals/guide/en/risk.md");
    std::fs::write(&src, std::fs::read_to_string(&src).unwrap() + "\nMore.\n").unwrap();
    let (project, _) = polybook::build::load(p.path()).unwrap();
    let r = project.find_chapter("guide", "risk").unwrap();
    assert_eq!(
        polybook::translate::provenance::state(&project, r, "es"),
        polybook::translate::provenance::State::Outdated
    );
    polybook(p.path(), &["stamp", "--manual", "guide", "--lang", "es"]);
    let restamped = std::fs::read_to_string(&file).unwrap();
    assert_eq!(restamped, stamped.replace(&hash, &hash_of(&src)));
    let (project, _) = polybook::build::load(p.path()).unwrap();
    assert_eq!(
        polybook::translate::provenance::state(&project, r, "es"),
        polybook::translate::provenance::State::Current
    );
    // Other translations were stamped too, the source never.
    assert!(
        std::fs::read_to_string(p.path().join("manuals/guide/es/intro.md"))
            .unwrap()
            .contains("translated_from")
    );
    assert!(
        !std::fs::read_to_string(&src)
            .unwrap()
            .contains("translated_from")
    );
}

#[test]
fn stamp_refuses_source_files_and_strangers() {
    let p = copy_fixture("basic");
    let before = std::fs::read(p.path().join("manuals/guide/en/risk.md")).unwrap();
    let out = polybook(
        p.path(),
        &["stamp", "manuals/guide/en/risk.md", "polybook.toml"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("source-language chapter"), "{err}");
    assert!(
        err.contains("polybook.toml: this is not a chapter file"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(p.path().join("manuals/guide/en/risk.md")).unwrap(),
        before
    );
    assert_eq!(polybook(p.path(), &["stamp"]).status.code(), Some(2));
}

fn git(root: &Path, args: &[&str]) {
    run_ok(
        Command::new("git")
            .arg("-C")
            .arg(root)
            .args([
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.org",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args),
    );
}

#[test]
fn status_diff_shows_what_changed_in_the_source_since_the_translation() {
    let p = copy_fixture("basic");
    let root = p.path();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "first"]);
    polybook(root, &["stamp", "manuals/guide/es/risk.md"]);
    git(root, &["commit", "-q", "-a", "-m", "translated"]);
    let src = root.join("manuals/guide/en/risk.md");
    let text = std::fs::read_to_string(&src)
        .unwrap()
        .replace("Plans need people.", "Plans need people and a budget.");
    std::fs::write(&src, text).unwrap();
    git(root, &["commit", "-q", "-a", "-m", "source changed"]);
    // And one more uncommitted change: it shows as well.
    std::fs::write(
        &src,
        std::fs::read_to_string(&src).unwrap() + "\nReview it yearly.\n",
    )
    .unwrap();

    let out = polybook(root, &["status", "--diff", "manuals/guide/es/risk.md"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.contains("-Plans need people. Jump to [threats](#threats)."),
        "{diff}"
    );
    assert!(
        diff.contains("+Plans need people and a budget. Jump to [threats](#threats)."),
        "{diff}"
    );
    assert!(diff.contains("+Review it yearly."), "{diff}");

    // A translation without a record, and a project without git, say so.
    let out = polybook(root, &["status", "--diff", "manuals/guide/ar/intro.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("records no source version"));
    let plain = copy_fixture("basic");
    polybook(plain.path(), &["stamp", "manuals/guide/es/risk.md"]);
    let src = plain.path().join("manuals/guide/en/risk.md");
    std::fs::write(&src, "# Changed\n").unwrap();
    let out = polybook(
        plain.path(),
        &["status", "--diff", "manuals/guide/es/risk.md"],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a git repository"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn readers_of_outdated_chapters_see_a_notice_on_the_site_and_in_the_book() {
    let p = project_in_every_state();
    let out = tempfile::tempdir().unwrap();
    build(p.path(), out.path());
    let page = parse(out.path(), "es/guide/risk.html");
    let notice = select(&page, "main .notice.outdated");
    assert_eq!(notice.len(), 1);
    assert_eq!(
        attr(&page, ".notice.outdated a", "href").as_deref(),
        Some("../../en/guide/risk.html")
    );
    assert!(
        select(
            &parse(out.path(), "es/guide/intro.html"),
            ".notice.outdated"
        )
        .is_empty(),
        "current: no notice"
    );
    assert!(
        select(
            &parse(out.path(), "ar/guide/intro.html"),
            ".notice.outdated"
        )
        .is_empty(),
        "unknown: no notice"
    );
    let mut zip = zip::ZipArchive::new(
        std::fs::File::open(out.path().join("es/guide/guide-es.epub")).unwrap(),
    )
    .unwrap();
    let mut chapter = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("EPUB/chapter-2.xhtml").unwrap(),
        &mut chapter,
    )
    .unwrap();
    assert!(chapter.contains("class=\"notice outdated\""), "{chapter}");

    // The status page lists it, linked to both versions; the footer links the page.
    let status = parse(out.path(), "es/status.html");
    let hrefs: Vec<&str> = select(&status, ".needs-work a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(
        hrefs.contains(&"guide/risk.html") && hrefs.contains(&"../en/guide/risk.html"),
        "{hrefs:?}"
    );
    assert!(select(&status, "meter").len() >= 3);
    assert_eq!(
        attr(&page, "footer a[href$='status.html']", "href").as_deref(),
        Some("../status.html")
    );

    // Publishers can turn the notice off.
    let config = p.path().join("polybook.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("outdated_notice = false\n{text}")).unwrap();
    build(p.path(), out.path());
    assert!(select(&parse(out.path(), "es/guide/risk.html"), ".notice.outdated").is_empty());
}

#[test]
fn check_reports_problems_with_columns_and_writes_nothing() {
    let out = polybook(&fixture("errors"), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("error: manuals/m/en/a.md:6:1 [en]: broken link: `bb.md`: manual `m` has no chapter `bb`\n   |\n 6 | [typo](bb.md)\n   | ^^^^^^^^^^^^^\n  hint: did you mean `b.md`?"), "{err}");
    assert!(
        !fixture("errors").join("output").exists(),
        "check writes nothing"
    );

    let json = polybook(&fixture("errors"), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["schema"], "polybook-check/1");
    assert_eq!(v["errors"], 10, "{v:#}");
    let first = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["line"] == 6)
        .unwrap();
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "manuals/m/en/a.md");
    assert_eq!(first["column"], 1);
    assert_eq!(first["lang"], "en");
    assert_eq!(first["hint"], "did you mean `b.md`?");

    assert_eq!(
        polybook(&fixture("basic"), &["check"]).status.code(),
        Some(0)
    );
}

/// `check` makes the books too (in memory): a project whose only problem
/// is one that only a book meets, an image the pages link to but that
/// cannot be read, fails it.
#[test]
fn check_reports_problems_that_only_books_meet() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let p = copy_fixture("books");
    let clean = polybook(p.path(), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&clean.stdout).unwrap();
    assert_eq!(v["errors"], 0, "{v:#}");

    let image = p.path().join("manuals/alpha/media/diagram.svg");
    std::fs::set_permissions(&image, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut run = Command::new(env!("CARGO_BIN_EXE_polybook"));
    run.arg("-C")
        .arg(p.path())
        .args(["check", "--format", "json"]);
    if std::fs::read(&image).is_ok() {
        // Permissions do not stop this user (root): check as `nobody`,
        // who must be able to read the rest of the project.
        std::fs::set_permissions(p.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        run.uid(65534).gid(65534);
    }
    let out = run.output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(1), "{v:#}");
    let errors: Vec<&serde_json::Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    // The image is in each book of `alpha`; the Spanish one shows the
    // English chapter.
    assert_eq!(errors.len(), 3, "{v:#}");
    for (d, (lang, file)) in errors
        .iter()
        .zip([("ar", "ar"), ("en", "en"), ("es", "en")])
    {
        assert_eq!(d["file"], format!("manuals/alpha/{file}/one.md"), "{d:#}");
        assert_eq!(d["lang"], lang, "{d:#}");
        let message = d["message"].as_str().unwrap();
        assert!(
            message.contains("`manuals/alpha/media/diagram.svg`")
                && message.contains(&format!("`{lang}/alpha/alpha-{lang}.epub`")),
            "{message}"
        );
    }
    assert!(!p.path().join("output").exists(), "check writes nothing");
}

#[test]
fn check_warns_about_drift_and_fluent_problems_and_strict_fails_on_warnings() {
    let p = copy_fixture("basic");
    // The Spanish risk chapter lost a heading and gained a link.
    std::fs::write(
        p.path().join("manuals/guide/es/risk.md"),
        "# Riesgo\n\n## Amenazas\n\n## Plan\n\n### Extra\n\nVer [intro](intro.md), [amenazas](#amenazas) y [más](intro.md).\n",
    )
    .unwrap();
    std::fs::create_dir_all(p.path().join("i18n")).unwrap();
    std::fs::write(p.path().join("i18n/ar.ftl"), "next = التالي\nprevious = \n").unwrap();
    let out = polybook(p.path(), &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: i18n/ar.ftl:2: Fluent syntax error"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(
        p.path().join("i18n/ar.ftl"),
        "next = التالي\nprevious = السابق\n",
    )
    .unwrap();
    let out = polybook(p.path(), &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: manuals/guide/es/risk.md [es]: the structure differs from the source: 4 headings (the source has 3), 3 links (the source has 2)"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");

    // A message the source language's file adds is missing in the others.
    std::fs::write(
        p.path().join("i18n/en.ftl"),
        "custom-note = Printed copies are numbered.\n",
    )
    .unwrap();
    let out = polybook(p.path(), &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: i18n/ar.ftl: message `custom-note` is missing"),
        "{err}"
    );
    assert!(
        err.contains("warning: i18n/es.ftl: message `custom-note` is missing"),
        "{err}"
    );
    // Only warnings: clean, unless --strict.
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(
        polybook(p.path(), &["check", "--strict"]).status.code(),
        Some(1)
    );
}

/// The basic fixture whose Spanish `risk` translation has front matter that
/// does not parse (at line 2).
fn project_with_broken_translation() -> tempfile::TempDir {
    let p = copy_fixture("basic");
    std::fs::write(
        p.path().join("manuals/guide/es/risk.md"),
        "+++\ntitle = \n+++\n# Riesgo\n",
    )
    .unwrap();
    p
}

#[test]
fn status_reports_a_translation_that_cannot_be_read_as_broken() {
    let p = project_with_broken_translation();
    let out = polybook(p.path(), &["status", "--format", "json"]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let es = json["manuals"][0]["languages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lang"] == "es")
        .unwrap();
    assert_eq!(
        (es["broken"].as_u64(), es["missing"].as_u64()),
        (Some(1), Some(1))
    );
    let risk = es["needs_work"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["chapter"] == "risk")
        .unwrap();
    assert_eq!(risk["state"], "broken");
    assert_eq!(risk["file"], "manuals/guide/es/risk.md");
    let problem = risk["problem"].as_str().unwrap();
    assert!(
        problem.starts_with("line 2: invalid TOML front matter"),
        "{problem}"
    );

    let text = String::from_utf8(polybook(p.path(), &["status"]).stdout).unwrap();
    assert!(
        text.contains("broken    es     manuals/guide/es/risk.md  (cannot be read: line 2: invalid TOML front matter"),
        "{text}"
    );
}

#[test]
fn stamp_reports_a_translation_that_cannot_be_read() {
    let p = project_with_broken_translation();
    let broken = p.path().join("manuals/guide/es/risk.md");
    let before = std::fs::read(&broken).unwrap();
    for args in [
        &["stamp", "--lang", "es"][..],
        &["stamp", "manuals/guide/es/risk.md"],
    ] {
        let out = polybook(p.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains(
                "error: manuals/guide/es/risk.md:2: cannot stamp this translation: invalid TOML front matter"
            ),
            "{args:?}: {err}"
        );
        assert_eq!(std::fs::read(&broken).unwrap(), before);
    }
    // The other translations were stamped all the same.
    assert!(
        std::fs::read_to_string(p.path().join("manuals/guide/es/intro.md"))
            .unwrap()
            .contains("translated_from")
    );
}

#[test]
fn stamp_leaves_a_read_only_file_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let p = copy_fixture("basic");
    let file = p.path().join("manuals/guide/es/intro.md");
    let before = std::fs::read(&file).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = polybook(p.path(), &["stamp", "manuals/guide/es/intro.md"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: manuals/guide/es/intro.md: this file is read-only"),
        "{err}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
}

#[test]
fn stamp_writes_a_hard_linked_file_in_place() {
    use std::os::unix::fs::MetadataExt;
    let p = copy_fixture("basic");
    let file = p.path().join("manuals/guide/es/intro.md");
    let other = p.path().join("intro-copy.md");
    std::fs::hard_link(&file, &other).unwrap();
    let inode = std::fs::metadata(&file).unwrap().ino();
    let out = polybook(p.path(), &["stamp", "manuals/guide/es/intro.md"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stamped = std::fs::read_to_string(&file).unwrap();
    assert!(stamped.contains("translated_from"), "{stamped}");
    assert_eq!(
        std::fs::read_to_string(&other).unwrap(),
        stamped,
        "the link is kept"
    );
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!((meta.ino(), meta.nlink()), (inode, 2));
}

/// A translation whose file cannot be read is shown on the status pages as
/// such, with its problem and line, and counted apart from the missing ones.
#[test]
fn status_pages_tell_a_translation_that_cannot_be_read_from_a_missing_one() {
    let (out, _) = build_fixture("errors");
    let text = |e: &scraper::ElementRef<'_>| e.text().collect::<String>();
    let source = parse(out.path(), "en/status.html");
    let heads: Vec<String> = select(&source, "thead th").iter().map(text).collect();
    let cells: Vec<String> = select(&source, "tbody td").iter().map(text).collect();
    assert_eq!(
        heads,
        [
            "Language",
            "Current",
            "Outdated",
            "Not recorded",
            "Not translated",
            "Orphaned",
            "Cannot be read"
        ]
    );
    // French has chapter `a` missing and `b` broken.
    assert_eq!(cells[1..], ["0", "0", "1", "0", "1"], "{cells:?}");
    let french = parse(out.path(), "fr/status.html");
    let entries: Vec<String> = select(&french, ".needs-work li").iter().map(text).collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(entries[0].starts_with("Non traduit A"), "{entries:?}");
    assert!(
        entries[1].starts_with("Illisible B")
            && entries[1].contains("manuals/m/fr/b.md")
            && entries[1].contains("line 2: invalid TOML front matter"),
        "{entries:?}"
    );
    // A project with nothing broken has no such column.
    let (basic, _) = build_fixture("basic");
    let heads: Vec<String> = select(&parse(basic.path(), "en/status.html"), "thead th")
        .iter()
        .map(text)
        .collect();
    assert!(!heads.iter().any(|h| h == "Cannot be read"), "{heads:?}");
}
