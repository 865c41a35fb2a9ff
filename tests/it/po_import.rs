//! `polybook po import` on a copy of the bundled project: every Markdown
//! translation becomes a catalogue that passes `msgfmt --check`, the
//! Markdown files are left as they are, a build from the catalogues alone
//! gives the pages the same text as the Markdown translations, and the
//! blocks that cannot be aligned are reported at their file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use crate::common::{bundled_copy, files, msgfmt_check};

/// A copy of the bundled project, Markdown translations included.
fn bundled() -> tempfile::TempDir {
    bundled_copy(true)
}

fn import(root: &Path) -> polybook::po::ImportReport {
    let (project, _) = polybook::build::load(root).unwrap();
    polybook::po::import(&project, &polybook::po::Selection::default()).unwrap()
}

fn build(root: &Path, out: &Path) -> polybook::build::BuildReport {
    let report = polybook::build(&polybook::build::BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        no_epub: true,
        ..polybook::build::BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("build failed: {e}"));
    let lines = crate::common::diag_lines(&report);
    assert!(lines.iter().all(|l| !l.starts_with("Error")), "{lines:?}");
    report
}

/// The text of every page's `article` in the languages but English, by
/// path, with runs of white space as one space.
fn article_texts(out: &Path) -> BTreeMap<String, String> {
    files(out)
        .into_iter()
        .filter(|rel| rel.ends_with(".html") && !rel.starts_with("en/") && rel.contains('/'))
        .map(|rel| {
            let doc = crate::common::parse(out, &rel);
            let text: String = crate::common::select(&doc, "article")
                .iter()
                .flat_map(|e| e.text())
                .collect();
            (rel, text.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect()
}

/// The Markdown chapter files of the languages but English, by path, with
/// their bytes.
fn translations(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let (project, _) = polybook::build::load(root).unwrap();
    let mut out = BTreeMap::new();
    for m in &project.manuals {
        for lang in project.langs().iter().skip(1) {
            let dir = root.join("manuals").join(&m.id).join(&lang.code);
            for rel in files(&dir).into_iter().filter(|f| f.ends_with(".md")) {
                let path = format!("manuals/{}/{}/{rel}", m.id, lang.code);
                out.insert(path.clone(), std::fs::read(root.join(&path)).unwrap());
            }
        }
    }
    out
}

/// The page (`<lang>/<manual>/<chapter>.html`) of the chapter a problem of
/// the import is about, from its file and language.
fn page_of(d: &polybook::Diagnostic) -> String {
    let file = d.file.to_string_lossy().replace('\\', "/");
    let rest = file.strip_prefix("manuals/").expect("a chapter file");
    let mut parts = rest.splitn(3, '/');
    let (manual, _lang, chapter) = (parts.next(), parts.next(), parts.next());
    format!(
        "{}/{}/{}",
        d.lang.as_deref().expect("a language"),
        manual.unwrap(),
        chapter.unwrap().replace(".md", ".html")
    )
}

#[test]
fn imported_catalogues_build_the_pages_of_the_markdown_translations() {
    let project = bundled();
    let root = project.path();
    let before = tempfile::tempdir().unwrap();
    build(root, before.path());
    let markdown = translations(root);
    assert!(markdown.len() > 50, "{}", markdown.len());

    let report = import(root);
    assert_eq!(report.imported.len(), markdown.len());
    assert_eq!(report.written.len(), markdown.len());
    assert!(report.filled > 1000, "{}", report.filled);
    assert!(report.diagnostics.iter().all(|d| !d.is_error()));
    // The Markdown files are only read.
    assert_eq!(translations(root), markdown);
    for rel in &report.written {
        msgfmt_check(&root.join(rel));
    }
    // A second import finds every catalogue as it would make it.
    let again = import(root);
    assert!(again.written.is_empty(), "{:?}", again.written);
    assert_eq!(again.unchanged, markdown.len());

    // The pages of chapters whose import reported something: they differ
    // where the report says (a block left untranslated, a code block).
    let reported: BTreeSet<String> = report.diagnostics.iter().map(page_of).collect();
    for rel in markdown.keys() {
        std::fs::remove_file(root.join(rel)).unwrap();
    }
    let after = tempfile::tempdir().unwrap();
    build(root, after.path());
    let (a, b) = (article_texts(before.path()), article_texts(after.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    let mut compared = Vec::new();
    for (rel, text) in &a {
        if reported.contains(rel) {
            continue;
        }
        assert_eq!(&b[rel], text, "{rel}: the page's text changed");
        compared.push(rel.as_str());
    }
    for lang in ["es", "fr", "ar", "fa", "ru", "zh", "my", "am", "bo"] {
        let chapter = format!("{lang}/protection/risk-analysis.html");
        assert!(compared.contains(&chapter.as_str()), "{chapter}");
    }
    assert!(
        compared.len() * 10 > a.len() * 8,
        "{} of {}",
        compared.len(),
        a.len()
    );
    // The chapters built from catalogues are wholly translated.
    let doc = crate::common::parse(after.path(), "ar/protection/risk-analysis.html");
    assert!(crate::common::select(&doc, "article span[lang=en]").is_empty());
    assert!(crate::common::select(&doc, ".notice").is_empty());
}

#[test]
fn blocks_that_cannot_be_aligned_are_reported_at_their_lines() {
    let project = bundled();
    let root = project.path();
    // A paragraph added at the end of the Arabic translation.
    let ar = root.join("manuals/protection/ar/risk-analysis.md");
    let mut text = std::fs::read_to_string(&ar).unwrap();
    text.push_str("\nفقرة أضيفت إلى الترجمة وحدها.\n");
    let added_line = text.lines().count();
    std::fs::write(&ar, &text).unwrap();
    // A paragraph of the source left out of the Chinese translation.
    let zh = root.join("manuals/protection/zh/risk-analysis.md");
    let text = std::fs::read_to_string(&zh).unwrap();
    let dropped: String = text
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("这个公式并不是严格意义上的算术"))
        .collect();
    assert_ne!(dropped, text);
    std::fs::write(&zh, dropped).unwrap();
    let source =
        std::fs::read_to_string(root.join("manuals/protection/en/risk-analysis.md")).unwrap();
    let source_line = 1 + source
        .lines()
        .position(|l| l.starts_with("The equation is not arithmetic"))
        .unwrap();

    let po_files = || -> Vec<String> {
        files(&root.join("po"))
            .into_iter()
            .filter(|f| f.ends_with(".po"))
            .collect()
    };
    let before = po_files();
    let out = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(root)
        .args(["po", "import", "--manual", "protection", "--lang", "ar,zh"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let at = |file: &str, line: usize, lang: &str| {
        stderr
            .lines()
            .filter(|l| l.starts_with(&format!("warning: {file}:{line} [{lang}]")))
            .count()
    };
    assert_eq!(
        at("manuals/protection/ar/risk-analysis.md", added_line, "ar"),
        1,
        "{stderr}"
    );
    assert_eq!(
        at("manuals/protection/en/risk-analysis.md", source_line, "zh"),
        1,
        "{stderr}"
    );
    // Nothing else in these chapters is reported, and only the two
    // languages asked for were imported.
    let risk = stderr
        .lines()
        .filter(|l| l.starts_with("warning:") && l.contains("risk-analysis"))
        .count();
    assert_eq!(risk, 2, "{stderr}");
    let written: Vec<String> = (po_files().into_iter())
        .filter(|f| !before.contains(f))
        .collect();
    assert!(
        written
            .iter()
            .all(|f| f.starts_with("ar/protection/") || f.starts_with("zh/protection/")),
        "{written:?}"
    );
    assert!(written.contains(&"zh/protection/risk-analysis.po".to_string()));
    // The untranslated message is there, empty, for the team to translate.
    let po = std::fs::read_to_string(root.join("po/zh/protection/risk-analysis.po")).unwrap();
    let entry = po
        .split("\n\n")
        .find(|e| e.contains("msgid \"The equation is not arithmetic"))
        .unwrap();
    assert!(
        entry.ends_with("msgstr \"\"") || entry.ends_with("msgstr \"\"\n"),
        "{entry}"
    );
}

#[test]
fn an_existing_catalogue_keeps_its_translations() {
    let project = bundled();
    let root = project.path();
    let sel = polybook::po::Selection {
        manuals: vec!["protection".into()],
        langs: vec!["es".into()],
    };
    let (p, _) = polybook::build::load(root).unwrap();
    polybook::po::import(&p, &sel).unwrap();
    let po = root.join("po/es/protection/risk-analysis.po");
    let text = std::fs::read_to_string(&po).unwrap();
    // A translator's better wording in the catalogue, and one entry emptied.
    let heading = "msgctxt \"risk-equation\"\nmsgid \"The risk equation\"\nmsgstr \"";
    let at = text.find(heading).unwrap() + heading.len();
    let end = at + text[at..].find('"').unwrap();
    let edited = format!(
        "{}Ecuación del riesgo (revisada){}",
        &text[..at],
        &text[end..]
    );
    std::fs::write(&po, &edited).unwrap();
    let (p, _) = polybook::build::load(root).unwrap();
    let report = polybook::po::import(&p, &sel).unwrap();
    let after = std::fs::read_to_string(&po).unwrap();
    assert!(after.contains("Ecuación del riesgo (revisada)"));
    assert!(
        report.diagnostics.iter().any(|d| d
            .message
            .contains("`risk-equation` already has a translation")
            && d.file == Path::new("manuals/protection/es/risk-analysis.md")
            && d.line > 0),
        "{:?}",
        report.diagnostics
    );
}
