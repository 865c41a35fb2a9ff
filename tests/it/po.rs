//! `polybook po export` on a copy of the bundled project: every template and
//! catalogue passes `msgfmt --check`, translations survive edits of the
//! source (fuzzy with the previous msgid, obsolete when removed), output is
//! byte-identical from the same sources, and a broken catalogue is reported
//! with its file and line.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::common::{copy_dir, files};

/// A copy of the bundled project (its configuration, manuals, UI strings and theme).
fn bundled() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("polybook.toml"), dir.path().join("polybook.toml")).unwrap();
    for sub in ["manuals", "i18n", "themes"] {
        if root.join(sub).is_dir() {
            copy_dir(&root.join(sub), &dir.path().join(sub));
        }
    }
    dir
}

fn export(root: &Path) -> polybook::po::ExportReport {
    let (project, _) = polybook::build::load(root).unwrap();
    polybook::po::export(&project, &polybook::po::Selection::default()).unwrap()
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

/// Runs `msgfmt --check` on a PO file; fails the test when msgfmt cannot
/// run or finds a fault.
fn msgfmt_check(file: &Path) {
    let out = Command::new("msgfmt")
        .args(["--check", "-o", "/dev/null"])
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!("msgfmt could not run ({e}); install gettext (Debian: apt-get install gettext)")
        });
    assert!(
        out.status.success(),
        "msgfmt --check failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
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
