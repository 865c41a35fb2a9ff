//! Every kind of reported problem, with its file and line, all in one build.

use crate::common::*;

#[test]
fn content_problems_are_all_reported_with_file_and_line() {
    let (out, report) = build_fixture("errors");
    let lines = diag_lines(&report);
    let expect = [
        "Error manuals/m/en/a.md:6: broken link: `bb.md`: manual `m` has no chapter `bb`",
        "Error manuals/m/en/a.md:8: chapter `b` has no heading or anchor `#nowhere`",
        "Error manuals/m/en/a.md:10: broken image: `../media/nothing.png` does not exist",
        "Error manuals/m/en/a.md:12: broken link: `../../../../../etc/passwd` points outside the project folder",
        "Warning manuals/m/en/a.md:14: image `https://tracker.example.org/pixel.png` is loaded from another host",
        "Error manuals/m/en/a.md:16: broken link: `/etc/hosts` is an absolute path",
        "Error manuals/m/en/a.md:18: chapter `b` has no heading or anchor `#nope`",
        "Error manuals/m/en/a.md:20: this chapter has no heading or anchor `#nothing-here`",
        "Error manuals/m/en/a.md:22: broken link: `../../zz/en/a.md` points into `manuals/zz`, which is not a manual",
        "Warning manuals/m/en/unlisted.md:0: `unlisted` is not listed in the contents of manual `m`",
        "Error manuals/m/fr/b.md:2: invalid TOML front matter",
        "Error manuals/m/manual.toml:2: chapter `missing` is listed but `manuals/m/en/missing.md` does not exist",
        "Warning manuals/m/de:0: `de` is not a published language",
    ];
    for e in expect {
        assert!(
            lines.iter().any(|l| l.starts_with(e)),
            "missing `{e}` in {lines:#?}"
        );
    }
    assert_eq!(report.errors(), 10, "{lines:#?}");
    // Hints point at the fix.
    let typo = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`bb.md`"))
        .unwrap();
    assert_eq!(typo.hint.as_deref(), Some("did you mean `b.md`?"));
    // The pages are still written.
    assert!(out.path().join("en/m/a.html").is_file());
    assert!(
        out.path().join("fr/m/b.html").is_file(),
        "a chapter whose translation is broken falls back"
    );
}

/// Builds `root` expecting a configuration error; returns its diagnostics
/// and the same as `file:line: message` lines.
fn config_errors(root: &std::path::Path) -> (Vec<polybook::Diagnostic>, Vec<String>) {
    let err = polybook::build(&polybook::BuildOptions {
        root: root.to_path_buf(),
        out: Some(root.join("output")),
        ..Default::default()
    })
    .unwrap_err();
    let polybook::Error::Config(diags) = err else {
        panic!("expected a configuration error")
    };
    let lines = diags
        .iter()
        .map(|d| format!("{}:{}: {}", d.file.display(), d.line, d.message))
        .collect();
    (diags, lines)
}

#[test]
fn configuration_problems_stop_the_build_with_every_problem() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("polybook.toml"),
        "title = \"T\"\nsource_language = \"en\"\nlanguages = [\"en\", \"klingon\"]\ncolour = \"red\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(project.path().join("manuals/m/en")).unwrap();
    let (_, lines) = config_errors(project.path());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("polybook.toml:4: unknown key `colour`")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("polybook.toml:3: `klingon` is not a known language code")),
        "{lines:?}"
    );
    assert!(
        !project.path().join("output").exists(),
        "nothing is written"
    );
}

#[test]
fn manual_configuration_problems_name_the_manual_file() {
    let project = copy_fixture("basic");
    std::fs::write(
        project.path().join("manuals/guide/manual.toml"),
        "title = \"G\"\nchapter = [\"intro\"]\n[titles]\nxx = \"?\"\n",
    )
    .unwrap();
    let (diags, lines) = config_errors(project.path());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("manuals/guide/manual.toml:2: unknown key `chapter`")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(
            |l| l.starts_with("manuals/guide/manual.toml:4: `xx` is not a known language code")
        ),
        "{lines:?}"
    );
    let hint = diags
        .iter()
        .find(|d| d.message.contains("`chapter`"))
        .unwrap()
        .hint
        .clone()
        .unwrap();
    assert!(hint.contains("did you mean `chapters`?"), "{hint}");
}

#[test]
fn broken_input_never_panics() {
    // Odd but possible inputs: empty files, only front matter, invalid UTF-8,
    // deeply nested lists, unterminated constructs.
    let project = copy_fixture("basic");
    let dir = project.path().join("manuals/guide/es");
    std::fs::write(dir.join("risk.md"), "").unwrap();
    std::fs::write(dir.join("intro.md"), b"# T\n\xff\xfe broken").unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let nested = format!(
        "{}x\n\n[^a]\n\n[^a]: {}\n```\nunterminated",
        "> - ".repeat(200),
        "[".repeat(500)
    );
    std::fs::write(dir.join("sub/deep.md"), nested).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    let lines = diag_lines(&report);
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("Error manuals/guide/es/intro.md:2: this file is not valid UTF-8")),
        "{lines:#?}"
    );
    assert!(out.path().join("es/guide/sub/deep.html").is_file());
}

#[test]
fn template_syntax_errors_stop_the_build_naming_every_template_and_line() {
    let project = copy_fixture("basic");
    let root = project.path();
    override_template(
        root,
        "chapter.html",
        "{% if chapter.needs_h1 %}",
        "{% if %}",
    );
    override_template(
        root,
        "contents.html",
        "{{ manual.title }}",
        "{{ manual.title | }}",
    );
    let out = tempfile::tempdir().unwrap();
    let err = polybook::build(&polybook::BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.path().to_path_buf()),
        ..polybook::BuildOptions::default()
    })
    .expect_err("a broken template stops the build")
    .to_string();
    assert!(
        err.contains("templates/chapter.html, line 9: syntax error"),
        "{err}"
    );
    assert!(
        err.contains("templates/contents.html, line 4: syntax error"),
        "{err}"
    );
    assert!(files(out.path()).is_empty(), "nothing was written");
}

#[test]
fn template_errors_while_rendering_name_the_template_and_line() {
    let project = copy_fixture("basic");
    let root = project.path();
    // An included template, so that the error names it, not the page's.
    override_template(
        root,
        "manual-nav.html",
        "{% if manual.partial %}",
        "{{ manual.no_such_field }}{% if manual.partial %}",
    );
    let out = tempfile::tempdir().unwrap();
    let report = build(root, out.path());
    let lines = diag_lines(&report);
    let nav = root.join("themes/default/templates/manual-nav.html");
    let line = std::fs::read_to_string(&nav)
        .unwrap()
        .lines()
        .position(|l| l.contains("no_such_field"))
        .unwrap()
        + 1;
    let expect = format!(
        "Error themes/default/templates/manual-nav.html:{line}: template error: undefined value: `manual.no_such_field` is undefined (from chapter.html, line 17)"
    );
    assert!(lines.contains(&expect), "no `{expect}` in {lines:#?}");
    assert!(report.errors() > 0);
    // Chapter pages use the broken template and are not written; the
    // contents pages do not and are.
    assert!(!out.path().join("en/guide/risk.html").exists());
    assert!(out.path().join("en/guide/index.html").is_file());
}

#[test]
fn a_print_page_whose_template_fails_after_its_chapters_is_not_written() {
    let project = copy_fixture("basic");
    let root = project.path();
    let out = tempfile::tempdir().unwrap();
    build(root, out.path());
    let print = "en/guide/print.html";
    let good = read(out.path(), print);
    // The error comes after the chapters, once most of the page went into
    // its file.
    override_template(
        root,
        "print.html",
        "{% endfor %}</main>",
        "{% endfor %}{{ manual.no_such_field }}</main>",
    );
    let report = build(root, out.path());
    let lines = diag_lines(&report);
    assert!(
        lines.iter().any(
            |l| l.starts_with("Error themes/default/templates/print.html:")
                && l.contains("no_such_field")
        ),
        "{lines:#?}"
    );
    assert!(
        !out.path().join(print).exists(),
        "a page not made is not kept"
    );
    assert!(out.path().join("en/guide/risk.html").is_file());
    let temporary: Vec<String> = (files(out.path()).into_iter())
        .filter(|f| f.contains(".polybook-"))
        .collect();
    assert!(temporary.is_empty(), "{temporary:?}");
    // Mended, the page is back as it was.
    std::fs::remove_file(root.join("themes/default/templates/print.html")).unwrap();
    let report = build(root, out.path());
    assert_eq!(report.errors(), 0, "{:#?}", diag_lines(&report));
    assert_eq!(read(out.path(), print), good);
}

#[test]
fn templates_escape_what_they_print_except_bodies() {
    let project = copy_fixture("basic");
    let root = project.path();
    std::fs::write(
        root.join("manuals/guide/en/risk.md"),
        "+++\ntitle = \"Risk <b>&</b> \\\"threats\\\"\"\n+++\nText with <em>emphasis</em>.\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build(root, out.path());
    let html = read(out.path(), "en/guide/risk.html");
    assert!(
        html.contains("<h1>Risk &lt;b&gt;&amp;&lt;/b&gt; &quot;threats&quot;</h1>"),
        "{html}"
    );
    assert!(html.contains("Text with <em>emphasis</em>."), "{html}");
    // URLs stay readable: `/` is not escaped.
    assert!(html.contains("href=\"../../static/style.css\""), "{html}");
}

/// Makes a FIFO at `path` (replacing any file there) with `mkfifo`.
fn mkfifo(path: &std::path::Path) {
    let _ = std::fs::remove_file(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn fifos_are_reported_as_not_regular_files_and_never_opened() {
    let project = copy_fixture("basic");
    let root = project.path().to_path_buf();
    mkfifo(&root.join("manuals/guide/en/risk.md"));
    mkfifo(&root.join("manuals/guide/media/shield.svg"));
    mkfifo(&root.join("i18n/es.ftl"));
    // A chapter that is a link to a FIFO.
    mkfifo(&root.join("pipe"));
    std::fs::remove_file(root.join("manuals/guide/es/risk.md")).unwrap();
    std::os::unix::fs::symlink("../../../pipe", root.join("manuals/guide/es/risk.md")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_path = out.path().to_path_buf();
    let report = within(60, "a build with FIFOs", move || build(&root, &out_path));
    let lines = diag_lines(&report);
    let fifo = "it is a FIFO (named pipe), not a regular file; replace it with a regular file";
    for expected in [
        format!("Error manuals/guide/en/risk.md:0: cannot read this file: {fifo}"),
        format!("Error manuals/guide/es/risk.md:0: cannot read this file: {fifo}"),
        format!("Error i18n/es.ftl:0: cannot read this file: {fifo}"),
        "Error manuals/guide/ar/intro.md:5: broken image: `../media/shield.svg` is a FIFO (named pipe), not a regular file".to_string(),
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(&expected)),
            "missing `{expected}` in {lines:#?}"
        );
    }
    assert!(out.path().join("en/guide/intro.html").is_file());
}

#[test]
fn fifos_in_the_configuration_or_theme_stop_the_build_with_their_path() {
    for rel in [
        "polybook.toml",
        "manuals/guide/manual.toml",
        "themes/default/static/x.css",
    ] {
        let project = copy_fixture("basic");
        mkfifo(&project.path().join(rel));
        let root = project.path().to_path_buf();
        let err = within(60, "a build with a FIFO", move || {
            polybook::build(&polybook::BuildOptions {
                root: root.clone(),
                out: Some(root.join("output")),
                ..Default::default()
            })
            .map(|_| ())
            .unwrap_err()
            .to_string()
        });
        assert!(
            err.contains(rel) && err.contains("is a FIFO (named pipe), not a regular file"),
            "{rel}: {err}"
        );
    }
}

#[test]
fn chapters_listed_with_names_that_differ_only_in_case_are_refused() {
    let project = copy_fixture("basic");
    let toml = project.path().join("manuals/guide/manual.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace(
            "chapters = [\"sub/deep\"]",
            "chapters = [\"sub/deep\", \"Risk\"]",
        ),
    )
    .unwrap();
    std::fs::copy(
        project.path().join("manuals/guide/en/risk.md"),
        project.path().join("manuals/guide/en/Risk.md"),
    )
    .unwrap();
    let (diags, lines) = config_errors(project.path());
    assert!(
        lines.iter().any(|l| l.starts_with(
            "manuals/guide/manual.toml:15: chapters `risk` (line 11) and `Risk` differ only in case"
        )),
        "{lines:?}"
    );
    assert!(diags[0].message.contains("FAT, exFAT"), "{:?}", diags[0]);
}

#[test]
fn files_and_manuals_with_names_that_differ_only_in_case_are_errors() {
    let project = copy_fixture("basic");
    let guide = project.path().join("manuals/guide");
    std::fs::copy(guide.join("es/intro.md"), guide.join("es/Intro.md")).unwrap();
    std::fs::copy(
        guide.join("media/shield.svg"),
        guide.join("media/SHIELD.svg"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    let lines = diag_lines(&report);
    for expected in [
        "Error manuals/guide/es/intro.md:0: `manuals/guide/es/Intro.md` and `manuals/guide/es/intro.md` differ only in case",
        "Error manuals/guide/media/shield.svg:0: `manuals/guide/media/SHIELD.svg` and `manuals/guide/media/shield.svg` differ only in case",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(expected)),
            "missing `{expected}` in {lines:#?}"
        );
    }

    // Manual folders.
    copy_dir(&guide, &project.path().join("manuals/Guide"));
    let (_, lines) = config_errors(project.path());
    assert!(
        lines.iter().any(|l| l.starts_with(
            "manuals/guide:0: manual folders `manuals/Guide` and `manuals/guide` differ only in case"
        )),
        "{lines:?}"
    );
}

#[test]
fn language_codes_must_be_spelt_as_bcp_47_spells_them() {
    let project = copy_fixture("basic");
    let config = project.path().join("polybook.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "[\"en\", \"es\", \"ar\", \"zh\"]",
            "[\"en\", \"es\", \"ar\", \"zh\", \"pt_BR\", \"EN\"]",
        ),
    )
    .unwrap();
    let (diags, lines) = config_errors(project.path());
    for (code, canonical) in [("pt_BR", "pt-BR"), ("EN", "en")] {
        let d = diags
            .iter()
            .find(|d| {
                d.message
                    .starts_with(&format!("`{code}` is not spelt as a language code"))
            })
            .unwrap_or_else(|| panic!("no problem with `{code}` in {lines:?}"));
        assert_eq!((d.file.to_str(), d.line), (Some("polybook.toml"), 3));
        let hint = d.hint.as_deref().unwrap();
        assert!(hint.starts_with(&format!("write `{canonical}`")), "{hint}");
    }
}

#[test]
fn markdown_files_with_other_extensions_are_named_with_the_fix() {
    let project = copy_fixture("basic");
    let en = project.path().join("manuals/guide/en");
    std::fs::rename(en.join("risk.md"), en.join("risk.MD")).unwrap();
    std::fs::write(en.join("notes.markdown"), "# Notes\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(project.path(), out.path());
    let lines = diag_lines(&report);
    for expected in [
        "Warning manuals/guide/en/risk.MD:0: `risk.MD` is not read: chapter files end in `.md`",
        "Warning manuals/guide/en/notes.markdown:0: `notes.markdown` is not read: chapter files end in `.md`",
        "Error manuals/guide/manual.toml:11: chapter `risk` is listed but `manuals/guide/en/risk.md` does not exist",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(expected)),
            "missing `{expected}` in {lines:#?}"
        );
    }
    let hints: Vec<_> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.hint.as_deref())
        .collect();
    assert!(hints.contains(&"rename it to `risk.md`"), "{hints:?}");
    assert!(
        hints.contains(&"rename `risk.MD` to `risk.md`"),
        "{hints:?}"
    );
}

#[test]
fn symbolic_links_in_a_theme_are_warnings_and_left_out() {
    let project = copy_fixture("basic");
    let root = project.path();
    let static_dir = root.join("themes/default/static");
    std::fs::create_dir_all(&static_dir).unwrap();
    std::fs::write(root.join("extra.css"), "p { color: red; }\n").unwrap();
    std::os::unix::fs::symlink("../../../extra.css", static_dir.join("extra.css")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = build(root, out.path());
    let lines = diag_lines(&report);
    let expected = "Warning themes/default/static/extra.css:0: this theme file is a symbolic link";
    assert!(
        lines.iter().any(|l| l.starts_with(expected)),
        "missing `{expected}` in {lines:#?}"
    );
    assert!(!out.path().join("static/extra.css").exists());
    assert!(out.path().join("static/style.css").is_file());
}
