//! A catalogue made by another tool for a bundled chapter (mdpo's `md2po`,
//! the real program) is used by the build: its translations appear in the
//! page, matched by msgid although mdpo wraps lines, keeps `{#id}`s and
//! `[!NOTE]` markers and writes images whole; an entry that matches no
//! message is a warning at its line in the `.po` file.

use std::process::Command;

use crate::common::{bundled_copy, run_ok};

/// A copy of the bundled project without the Spanish Markdown translation
/// of `protection/risk-analysis`.
fn bundled() -> tempfile::TempDir {
    let dir = bundled_copy(true);
    let md = dir.path().join("manuals/protection/es/risk-analysis.md");
    if md.exists() {
        std::fs::remove_file(md).unwrap();
    }
    dir
}

/// Whether `md2po` runs; without it the test is skipped with a message,
/// but not under CI (`.ci/run` installs mdpo and sets `CI`).
fn have_md2po() -> bool {
    let ok = Command::new("md2po")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "md2po is missing under CI: `.ci/run` installs it (python3 -m pip install mdpo)"
        );
        eprintln!(
            "\n\n*** SKIPPED po_other_tools: md2po is not installed (python3 -m pip install \"mdpo==2.1.4\") ***\n\n"
        );
    }
    ok
}

/// Makes the catalogue `po` of `source` (relative to `root`) with the real
/// `md2po`, for Spanish.
fn md2po(root: &std::path::Path, source: &str, po: &std::path::Path) -> String {
    std::fs::create_dir_all(po.parent().unwrap()).unwrap();
    run_ok(
        Command::new("md2po")
            .current_dir(root)
            .args([source, "-q", "-s", "-p"])
            .arg(po)
            .args([
                "-d",
                "Content-Type:text/plain; charset=UTF-8",
                "-d",
                "Language:es",
            ]),
    );
    std::fs::read_to_string(po).unwrap()
}

/// A PO string of `s`.
fn quoted(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

/// The msgid of one entry of PO text (its strings joined), if it has one.
fn msgid(entry: &str) -> Option<String> {
    let mut out = String::new();
    let mut inside = false;
    for line in entry.lines() {
        if let Some(rest) = line.strip_prefix("msgid ") {
            inside = true;
            out.push_str(&unquote(rest));
        } else if inside && line.starts_with('"') {
            out.push_str(&unquote(line));
        } else if inside {
            break;
        }
    }
    inside.then_some(out)
}

fn unquote(s: &str) -> String {
    let inner = &s[1..s.len() - 1];
    inner.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// Gives each entry whose msgid starts with one of `tr`'s keys the
/// translation beside it.
fn fill(po: &str, tr: &[(&str, &str)]) -> String {
    let mut done = vec![false; tr.len()];
    let out: Vec<String> = po
        .split("\n\n")
        .map(|entry| {
            let Some(id) = msgid(entry) else {
                return entry.to_string();
            };
            match tr
                .iter()
                .position(|(k, _)| !id.is_empty() && id.starts_with(k))
            {
                Some(i) => {
                    done[i] = true;
                    let at = entry.find("\nmsgstr ").unwrap();
                    format!("{}\nmsgstr {}", &entry[..at], quoted(tr[i].1))
                }
                None => entry.to_string(),
            }
        })
        .collect();
    for (i, d) in done.iter().enumerate() {
        assert!(d, "md2po made no entry starting with {:?}", tr[i].0);
    }
    out.join("\n\n") + "\n"
}

#[test]
fn a_catalogue_made_by_md2po_is_used_by_the_build() {
    if !have_md2po() {
        return;
    }
    let project = bundled();
    let root = project.path();
    let po = root.join("po/es/protection/risk-analysis.po");
    let text = md2po(root, "manuals/protection/en/risk-analysis.md", &po);
    // mdpo's own ways, which the matching has to see through.
    assert!(
        text.contains("msgid \"The risk equation {#risk-equation}\""),
        "{text}"
    );
    assert!(text.contains("\"[!NOTE] Risk is never"), "{text}");
    assert!(
        text.contains("msgid \"\"\n\"Every defender"),
        "wrapped: {text}"
    );
    assert!(!text.contains("msgctxt"));
    let filled = fill(
        &text,
        &[
            ("Analysing Risk", "Análisis del riesgo"),
            (
                "The risk equation",
                "La ecuación del riesgo {#risk-equation}",
            ),
            (
                "Every defender lives",
                "Toda persona defensora vive con algún nivel de riesgo.",
            ),
            (
                "**Threats** are",
                "Las **amenazas** son intenciones de causar daño.",
            ),
            (
                "![Risk equals",
                "![El riesgo es igual a las amenazas](../media/risk-equation.svg)",
            ),
            (
                "[!NOTE] Risk is never",
                "[!NOTE] El riesgo nunca es el mismo para todo el grupo.",
            ),
            ("Threat", "Amenaza"),
            (
                "For the threat column",
                "Para la columna de amenazas, el capítulo sobre [evaluar amenazas](threats-and-incidents.md#assessing-threats) ofrece un método. Para el portátil, vea [el cifrado de disco](../../digital-security/en/disk-encryption.md#full-disk-encryption).",
            ),
        ],
    );
    // An entry of no block of the chapter.
    let filled = format!(
        "{filled}\nmsgid \"A paragraph the source does not have.\"\nmsgstr \"Un párrafo que la fuente no tiene.\"\n"
    );
    let unused_line = filled.lines().count();
    std::fs::write(&po, &filled).unwrap();
    let check = Command::new("msgfmt")
        .args(["--check", "-o", "/dev/null"])
        .arg(&po)
        .output()
        .expect("msgfmt (Debian: gettext)");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let out = tempfile::tempdir().unwrap();
    let report = polybook::build(&polybook::build::BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.path().to_path_buf()),
        no_epub: true,
        languages: vec!["en".into(), "es".into()],
        manuals: vec!["protection".into()],
        ..polybook::build::BuildOptions::default()
    })
    .unwrap();
    let lines = crate::common::diag_lines(&report);
    assert!(lines.iter().all(|l| !l.starts_with("Error")), "{lines:?}");
    let unused: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("matches no message"))
        .collect();
    assert_eq!(unused.len(), 1, "{lines:?}");
    assert!(
        unused[0].contains(&format!("po/es/protection/risk-analysis.po:{unused_line}")),
        "{unused:?}"
    );
    assert!(unused[0].contains("A paragraph the source does not have."));

    let doc = crate::common::parse(out.path(), "es/protection/risk-analysis.html");
    let text_of = |css: &str| -> Vec<String> {
        crate::common::select(&doc, css)
            .iter()
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    };
    assert_eq!(text_of("article h1"), ["Análisis del riesgo"]);
    // The heading keeps the source's id, and its `{#id}` is not shown.
    assert_eq!(
        text_of("article h2#risk-equation"),
        ["La ecuación del riesgo"]
    );
    assert!(
        text_of("article p")
            .iter()
            .any(|p| p == "Toda persona defensora vive con algún nivel de riesgo.")
    );
    assert!(text_of("article li strong").contains(&"amenazas".to_string()));
    assert_eq!(
        crate::common::attr(&doc, "article img[src*='risk-equation']", "alt").as_deref(),
        Some("El riesgo es igual a las amenazas")
    );
    let alerts = text_of("article blockquote, article .alert, article aside");
    assert!(
        alerts
            .iter()
            .any(|a| a.contains("El riesgo nunca es el mismo") && !a.contains("[!NOTE]")),
        "{alerts:?}"
    );
    assert!(text_of("article td").contains(&"Amenaza".to_string()));
    assert_eq!(
        crate::common::select(&doc, "article a[href*='threats-and-incidents']").len(),
        1
    );
    // Most of the chapter is not translated: it is partial.
    assert!(!crate::common::select(&doc, ".notice").is_empty());

    // `check` reports the unused entry too.
    let checked = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(root)
        .arg("check")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(
        all.contains(&format!("po/es/protection/risk-analysis.po:{unused_line}")),
        "{all}"
    );
}

/// mdpo keeps reference links as written (`[text][ref]`, `[text][]` as
/// `[text]`), where polybook's messages write them out, reads TOML front
/// matter as one paragraph and joins footnotes in a row into one msgid:
/// the entries still translate their paragraphs (the translated links
/// going where the chapter's definitions say), the chapter's title and
/// description, and each footnote.
#[test]
fn md2po_entries_with_reference_links_or_front_matter_translate_their_blocks() {
    if !have_md2po() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("polybook.toml"),
        "title = \"Guides\"\nsource_language = \"en\"\nlanguages = [\"en\", \"es\"]\n",
    )
    .unwrap();
    let m = root.join("manuals/guide");
    std::fs::create_dir_all(m.join("en")).unwrap();
    std::fs::write(
        m.join("manual.toml"),
        "title = \"Guide\"\nchapters = [\"intro\", \"plan\"]\n",
    )
    .unwrap();
    std::fs::write(
        m.join("en/intro.md"),
        "+++\ntitle = \"Getting started\"\ndescription = \"Where to begin.\"\n+++\n# Introduction\n\nRead [the security plan][plan] before the [Checklist] and the [Contacts][].\n\nA paragraph with no link.[^one] Two notes.[^two]\n\n[^one]: The first note.\n[^two]: The second note.\n\n[plan]: plan.md#steps \"The plan\"\n[checklist]: plan.md#checklist\n[contacts]: plan.md\n",
    )
    .unwrap();
    std::fs::write(
        m.join("en/plan.md"),
        "---\ntitle: The plan\ndescription: What to do first.\n---\n# Plan\n\n## Steps\n\nFirst.\n\n## Checklist\n\nSecond.\n",
    )
    .unwrap();
    let po = root.join("po/es/guide/intro.po");
    let text = md2po(root, "manuals/guide/en/intro.md", &po);
    assert!(text.contains("[the security plan][plan]"), "{text}");
    let filled = fill(
        &text,
        &[
            ("Introduction", "Introducción"),
            (
                "Read [the security plan]",
                "Lea [el plan de seguridad][plan] antes de la [lista][checklist] y los [contactos][contacts].",
            ),
            (
                "A paragraph with no link",
                "Un párrafo sin enlace.[^one] Dos notas.[^two]",
            ),
            (
                "[^one]: The first note.",
                "[^one]: La primera nota. [^two]: La segunda nota.",
            ),
            (
                "+++ title",
                "+++ title = \"Primeros pasos\" description = \"Por dónde empezar.\" +++",
            ),
        ],
    );
    std::fs::write(&po, filled).unwrap();
    // YAML front matter, which mdpo reads as a heading, its lines kept.
    let plan_po = root.join("po/es/guide/plan.po");
    let text = md2po(root, "manuals/guide/en/plan.md", &plan_po);
    assert!(text.contains("\"title: The plan\\n\""), "{text}");
    let filled = fill(
        &text,
        &[(
            "title: The plan",
            "title: El plan\ndescription: Qué hacer primero.",
        )],
    );
    std::fs::write(&plan_po, filled).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = polybook::build(&polybook::build::BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.path().to_path_buf()),
        no_epub: true,
        no_pdf: true,
        ..polybook::build::BuildOptions::default()
    })
    .unwrap();
    let lines = crate::common::diag_lines(&report);
    assert!(
        !lines.iter().any(|l| l.contains("matches no message")),
        "{lines:?}"
    );
    let doc = crate::common::parse(out.path(), "es/guide/intro.html");
    let paragraphs: Vec<String> = crate::common::select(&doc, "article p")
        .iter()
        .map(|p| p.text().collect())
        .collect();
    assert!(
        paragraphs
            .iter()
            .any(|p| p == "Lea el plan de seguridad antes de la lista y los contactos."),
        "{paragraphs:?}"
    );
    let hrefs: Vec<String> = crate::common::select(&doc, "article p a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .filter(|h| !h.starts_with('#'))
        .collect();
    assert_eq!(
        hrefs,
        ["plan.html#steps", "plan.html#checklist", "plan.html"]
    );
    let notes: Vec<String> = crate::common::select(&doc, "article .footnotes li")
        .iter()
        .map(|p| p.text().collect::<String>().trim().to_string())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(notes[0].starts_with("La primera nota."), "{notes:?}");
    assert!(notes[1].starts_with("La segunda nota."), "{notes:?}");
    let title: String = crate::common::select(&doc, "title")[0].text().collect();
    assert!(title.starts_with("Primeros pasos"), "{title}");
    assert_eq!(
        crate::common::attr(&doc, "meta[name=description]", "content").as_deref(),
        Some("Por dónde empezar.")
    );
    let plan = crate::common::parse(out.path(), "es/guide/plan.html");
    let title: String = crate::common::select(&plan, "title")[0].text().collect();
    assert!(title.starts_with("El plan"), "{title}");
    assert_eq!(
        crate::common::attr(&plan, "meta[name=description]", "content").as_deref(),
        Some("Qué hacer primero.")
    );
}
