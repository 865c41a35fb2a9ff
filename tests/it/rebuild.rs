//! Rebuilds: the build manifest skips a build whose inputs did not change,
//! never misses one that did, and `--lang` / `--manual` build part of a site
//! without touching the rest.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use polybook::BuildOptions;

use crate::common::diag_lines;
use crate::common::{build, copy_dir, copy_fixture, files, override_template};

/// Every file below `out` with its modification time and bytes.
fn snapshot(out: &Path) -> BTreeMap<String, (SystemTime, Vec<u8>)> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .to_string();
            let time = e.metadata().unwrap().modified().unwrap();
            (rel, (time, std::fs::read(e.path()).unwrap()))
        })
        .collect()
}

/// Asserts that `out` holds exactly what a clean build of `root` gives.
fn assert_same_as_clean(root: &Path, out: &Path, what: &str) {
    let clean = tempfile::tempdir().unwrap();
    build(root, clean.path());
    let (a, b) = (files(out), files(clean.path()));
    assert_eq!(a, b, "{what}: other files than a clean build");
    for f in a {
        assert!(
            std::fs::read(out.join(&f)).unwrap() == std::fs::read(clean.path().join(&f)).unwrap(),
            "{what}: {f} differs from a clean build"
        );
    }
}

#[test]
fn a_rebuild_with_nothing_changed_writes_nothing() {
    let project = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let first = build(project.path(), out.path());
    assert!(!first.unchanged && first.written > 0);
    let before = snapshot(out.path());
    let state = project.path().join(polybook::build::cache::FOLDER);
    let state_before = snapshot(&state);
    assert!(
        state_before
            .keys()
            .any(|k| k.ends_with(polybook::build::cache::MANIFEST)),
        "{:?}",
        state_before.keys()
    );
    let again = build(project.path(), out.path());
    assert!(again.unchanged, "the second build was not skipped");
    assert_eq!((again.written, again.removed), (0, 0));
    assert_eq!(again.pages, first.pages);
    assert_eq!(
        again.diagnostics, first.diagnostics,
        "problems are reported again"
    );
    assert!(
        snapshot(out.path()) == before,
        "a file was written or touched"
    );
    assert!(
        snapshot(&state) == state_before,
        "the build state was written"
    );
    assert_same_as_clean(project.path(), out.path(), "no change");
}

#[test]
fn every_kind_of_change_is_seen() {
    let project = copy_fixture("basic");
    let root = project.path();
    let m = root.join("manuals/guide");
    let out = tempfile::tempdir().unwrap();
    build(root, out.path());
    type Change = Box<dyn Fn(&Path)>;
    let edit = |rel: &'static str, from: &'static str, to: &'static str| -> Change {
        Box::new(move |root: &Path| {
            let f = root.join(rel);
            let t = std::fs::read_to_string(&f).unwrap();
            assert!(t.contains(from), "{rel} has no {from:?}");
            std::fs::write(&f, t.replacen(from, to, 1)).unwrap();
        })
    };
    let changes: Vec<(&str, Change)> = vec![
        // Same length, right after the build: only the bytes differ.
        (
            "same-size edit",
            edit("manuals/guide/en/intro.md", "# ", "#  "),
        ),
        (
            "a chapter renamed",
            Box::new(move |root: &Path| {
                let m = root.join("manuals/guide");
                let toml = m.join("manual.toml");
                let t = std::fs::read_to_string(&toml).unwrap();
                std::fs::write(&toml, t.replace("\"sub/deep\"", "\"sub/deeper\"")).unwrap();
                std::fs::rename(m.join("en/sub/deep.md"), m.join("en/sub/deeper.md")).unwrap();
            }),
        ),
        (
            "a translation deleted",
            Box::new(|root: &Path| {
                let dir = root.join("manuals/guide/es");
                let first = std::fs::read_dir(&dir)
                    .unwrap()
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "md"))
                    .min()
                    .unwrap();
                std::fs::remove_file(first).unwrap();
            }),
        ),
        (
            "a template changed",
            Box::new(|root: &Path| {
                override_template(root, "base.html", "<body>", "<body class=\"changed\">")
            }),
        ),
        (
            "a Fluent file changed",
            Box::new(|root: &Path| {
                let f = root.join("i18n/es.ftl");
                std::fs::create_dir_all(f.parent().unwrap()).unwrap();
                std::fs::write(f, "next = Adelante\n").unwrap();
            }),
        ),
        (
            "the configuration changed",
            Box::new(|root: &Path| {
                let f = root.join("polybook.toml");
                let t = std::fs::read_to_string(&f).unwrap();
                let (k, v) = t.split_once('\n').unwrap();
                std::fs::write(&f, format!("{k}\n{v}\n# a comment\n")).unwrap();
            }),
        ),
        (
            "an image changed",
            Box::new(|root: &Path| {
                let f = root.join("manuals/guide/media/shield.svg");
                let t = std::fs::read_to_string(&f).unwrap();
                std::fs::write(&f, t.replace("</svg>", "<desc>new</desc></svg>")).unwrap();
            }),
        ),
    ];
    assert!(m.join("media/shield.svg").exists());
    for (what, change) in changes {
        change(root);
        let report = build(root, out.path());
        assert!(!report.unchanged, "{what}: the build was skipped");
        assert_same_as_clean(root, out.path(), what);
    }
}

#[test]
fn known_hashes_never_hide_an_edit() {
    // Files must have settled for the build state to keep their hashes.
    let project = copy_fixture("basic");
    let root = project.path();
    std::thread::sleep(std::time::Duration::from_millis(2200));
    let out = tempfile::tempdir().unwrap();
    build(root, out.path());
    let state = root.join(polybook::build::cache::FOLDER);
    let chapter = root.join("manuals/guide/en/intro.md");
    let inputs = walkdir::WalkDir::new(&state)
        .into_iter()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name() == "inputs")
        .expect("the build state keeps the inputs' hashes");
    let kept = std::fs::read_to_string(inputs.path()).unwrap();
    assert!(
        kept.lines().any(|l| l.ends_with(chapter.to_str().unwrap())),
        "{kept}"
    );
    assert!(build(root, out.path()).unchanged);
    // The same size and the same modification time, other bytes: only
    // the time of the inode's change tells.
    let modified = std::fs::metadata(&chapter).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&chapter).unwrap();
    let edited = text.replacen('e', "a", 1);
    assert_eq!(edited.len(), text.len());
    assert_ne!(edited, text);
    std::fs::write(&chapter, &edited).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&chapter)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(
        std::fs::metadata(&chapter).unwrap().modified().unwrap(),
        modified
    );
    let report = build(root, out.path());
    assert!(!report.unchanged, "the edit was hidden by a known hash");
    assert_same_as_clean(root, out.path(), "edit with its time restored");
    assert!(build(root, out.path()).unchanged);
}

#[test]
fn a_deleted_output_file_is_written_again() {
    let project = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    build(project.path(), out.path());
    let page = out.path().join("en/guide/intro.html");
    std::fs::remove_file(&page).unwrap();
    let report = build(project.path(), out.path());
    assert!(!report.unchanged && page.exists());
    assert_same_as_clean(project.path(), out.path(), "deleted output");
}

#[test]
fn a_language_filter_builds_that_language_and_keeps_the_others() {
    let project = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    build(project.path(), out.path());
    let es = project.path().join("manuals/guide/es/intro.md");
    let t = std::fs::read_to_string(&es).unwrap();
    std::fs::write(&es, format!("{t}\nFiltrado.\n")).unwrap();
    let en_before = std::fs::read(out.path().join("en/guide/intro.html")).unwrap();
    let report = polybook::build(&BuildOptions {
        root: project.path().to_path_buf(),
        out: Some(out.path().to_path_buf()),
        languages: vec!["es".into()],
        ..BuildOptions::default()
    })
    .unwrap();
    assert!(report.pages < 20, "only Spanish pages: {}", report.pages);
    assert_eq!(
        (report.languages, report.manuals),
        (1, 1),
        "what the summary counts"
    );
    let es_page = std::fs::read_to_string(out.path().join("es/guide/intro.html")).unwrap();
    assert!(es_page.contains("Filtrado."));
    // Other languages' files stay, as they were.
    assert_eq!(
        std::fs::read(out.path().join("en/guide/intro.html")).unwrap(),
        en_before
    );
    assert!(out.path().join("index.html").exists());
    assert!(out.path().join("sitemap.xml").exists());
    // A full build afterwards gives the same as a clean one.
    build(project.path(), out.path());
    assert_same_as_clean(project.path(), out.path(), "after a filtered build");
}

/// Each shard reports the problems of its own languages' files and of the
/// files every language shares, and none of the others': together the
/// shards report what one full build reports, and a shard whose languages
/// are sound succeeds while another language has an error.
#[test]
fn shards_report_their_own_problems_and_together_the_full_builds() {
    let project = copy_fixture("basic");
    let guide = project.path().join("manuals/guide");
    // Errors in Chinese (a chapter that cannot be read) and Spanish (a
    // broken link), a warning in Arabic (a link the source does not have).
    std::fs::create_dir_all(guide.join("zh")).unwrap();
    std::fs::write(guide.join("zh/intro.md"), "+++\ntitle = \n+++\n# 介绍\n").unwrap();
    let risk = std::fs::read_to_string(guide.join("es/risk.md")).unwrap();
    std::fs::write(
        guide.join("es/risk.md"),
        format!("{risk}\n[Otro](nowhere.md)\n"),
    )
    .unwrap();
    let intro = std::fs::read_to_string(guide.join("ar/intro.md")).unwrap();
    std::fs::write(
        guide.join("ar/intro.md"),
        format!("{intro}\n[x](risk.md)\n"),
    )
    .unwrap();
    let build = |languages: &[&str], shared_only: bool| {
        let out = tempfile::tempdir().unwrap();
        polybook::build(&BuildOptions {
            root: project.path().to_path_buf(),
            out: Some(out.path().to_path_buf()),
            no_pdf: true,
            no_epub: true,
            languages: languages.iter().map(|l| l.to_string()).collect(),
            shared_only,
            ..BuildOptions::default()
        })
        .unwrap()
    };
    let key = |d: &polybook::Diagnostic| d.to_string();
    let full = build(&[], false);
    assert_eq!(full.left_out, 0);
    let in_file = |r: &polybook::BuildReport, part: &str| {
        r.diagnostics
            .iter()
            .any(|d| d.file.to_string_lossy().contains(part))
    };
    for part in ["guide/zh/", "guide/es/", "guide/ar/"] {
        assert!(in_file(&full, part), "{part}: {:?}", diag_lines(&full));
    }
    assert!(full.errors() > 0);
    let mut union = std::collections::BTreeSet::new();
    for (langs, own, others) in [
        (&["en", "es"][..], "guide/es/", ["guide/zh/", "guide/ar/"]),
        (&["ar"], "guide/ar/", ["guide/zh/", "guide/es/"]),
        (&["zh"], "guide/zh/", ["guide/es/", "guide/ar/"]),
    ] {
        let shard = build(langs, false);
        assert!(in_file(&shard, own), "{langs:?}: {:?}", diag_lines(&shard));
        for other in others {
            assert!(
                !in_file(&shard, other),
                "{langs:?}: {:?}",
                diag_lines(&shard)
            );
        }
        assert!(shard.left_out > 0, "{langs:?}");
        // What `serve` and `--watch` print after a rebuild says so too.
        let line = shard.rebuilt_line();
        assert!(
            line.contains(&format!(
                "; {} in other languages' or manuals' files not shown",
                shard.left_out
            )),
            "{line}"
        );
        assert_eq!(
            shard.errors() > 0,
            own != "guide/ar/",
            "{:?}",
            diag_lines(&shard)
        );
        union.extend(shard.diagnostics.iter().map(key));
    }
    let shared = build(&[], true);
    union.extend(shared.diagnostics.iter().map(key));
    let all: std::collections::BTreeSet<String> = full.diagnostics.iter().map(key).collect();
    assert_eq!(union, all);
    // The command says how many it left out, and succeeds: the errors are
    // in other languages.
    let out = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(project.path())
        .args(["build", "--no-pdf", "--no-epub", "--lang", "ar", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("in the files of other languages or manuals not shown here"),
        "{stderr}"
    );
}

/// A build split into shards by `--lang`, their outputs put together and
/// the shared files written by `--shared-only`, gives the bytes of one
/// full build.
#[test]
fn shards_by_language_and_the_shared_files_make_the_full_build() {
    let project = copy_fixture("basic");
    let opts = |out: &Path, languages: &[&str], shared_only: bool| BuildOptions {
        root: project.path().to_path_buf(),
        out: Some(out.to_path_buf()),
        no_pdf: true,
        languages: languages.iter().map(|l| l.to_string()).collect(),
        shared_only,
        ..BuildOptions::default()
    };
    let full = tempfile::tempdir().unwrap();
    polybook::build(&opts(full.path(), &[], false)).unwrap();
    // Alone in an empty folder, it writes only the files no language owns.
    let alone = tempfile::tempdir().unwrap();
    let report = polybook::build(&opts(alone.path(), &[], true)).unwrap();
    assert_eq!(report.errors(), 0);
    assert_eq!((report.pages, report.languages, report.manuals), (1, 0, 0));
    let shared = files(alone.path());
    assert_eq!(shared[..2], ["index.html", "sitemap.xml"], "{shared:?}");
    assert!(
        shared[2..].iter().all(|f| f.starts_with("static/")),
        "{shared:?}"
    );
    // The shards, each in a folder of its own as on a CI matrix, then
    // copied into one, where the shared files are written.
    let merged = tempfile::tempdir().unwrap();
    for langs in [&["en", "es"][..], &["ar"], &["zh"]] {
        let shard = tempfile::tempdir().unwrap();
        polybook::build(&opts(shard.path(), langs, false)).unwrap();
        assert!(!shard.path().join("index.html").exists());
        copy_dir(shard.path(), merged.path());
    }
    polybook::build(&opts(merged.path(), &[], true)).unwrap();
    let (a, b) = (files(full.path()), files(merged.path()));
    assert_eq!(a, b);
    for f in &a {
        assert!(
            std::fs::read(full.path().join(f)).unwrap()
                == std::fs::read(merged.path().join(f)).unwrap(),
            "{f} differs"
        );
    }
    // It chooses no language or manual.
    for (langs, manuals) in [
        (vec!["en".to_string()], vec![]),
        (vec![], vec!["guide".to_string()]),
    ] {
        let err = polybook::build(&BuildOptions {
            languages: langs,
            manuals,
            ..opts(alone.path(), &[], true)
        })
        .unwrap_err();
        assert!(
            matches!(&err, polybook::Error::Options(d) if d[0].message.contains("`--shared-only` makes no language's")),
            "{err}"
        );
    }
}

#[test]
fn unknown_filters_are_reported_with_the_choices() {
    let project = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let err = polybook::build(&BuildOptions {
        root: project.path().to_path_buf(),
        out: Some(out.path().to_path_buf()),
        languages: vec!["xx".into()],
        manuals: vec!["nope".into()],
        ..BuildOptions::default()
    })
    .unwrap_err();
    let text = match err {
        polybook::Error::Options(d) => d
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        e => panic!("unexpected error {e}"),
    };
    assert!(
        text.contains("no language `xx`") && text.contains("en, "),
        "{text}"
    );
    assert!(
        text.contains("no manual `nope`") && text.contains("guide"),
        "{text}"
    );
}
