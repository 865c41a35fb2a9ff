//! Bundled fonts: which scripts get them, where they come from, what the
//! site and the books hold, and, in headless Chromium on a machine whose
//! only fonts for these scripts are the ones polybook bundled, that every
//! letter is drawn with them and that the subset draws what the full font
//! draws.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// A project of one manual in English and `lang`, whose chapter in `lang`
/// is `text`, with `extra` appended to `polybook.toml`.
fn project(lang: &str, text: &str, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("polybook.toml"),
        format!("title = \"Guides\"\nsource_language = \"en\"\nlanguages = [\"en\", \"{lang}\"]\n{extra}"),
    )
    .unwrap();
    let m = root.join("manuals/guide");
    std::fs::create_dir_all(m.join("en")).unwrap();
    std::fs::create_dir_all(m.join(lang)).unwrap();
    std::fs::write(
        m.join("manual.toml"),
        "title = \"Guide\"\nchapters = [\"intro\"]\n",
    )
    .unwrap();
    std::fs::write(
        m.join("en/intro.md"),
        "# Introduction\n\nRisk is a part of the work.\n",
    )
    .unwrap();
    std::fs::write(m.join(lang).join("intro.md"), text).unwrap();
    dir
}

fn build_with(root: &Path) -> (tempfile::TempDir, polybook::BuildReport) {
    let out = tempfile::tempdir().unwrap();
    let report = build(root, out.path());
    (out, report)
}

const BURMESE: &str = "# နိဒါန်း\n\nအန္တရာယ်ကို ဆန်းစစ်ခြင်းသည် ကာကွယ်ရေး၏ အစိတ်အပိုင်း ဖြစ်သည်။\n";

#[test]
fn a_language_in_a_script_devices_lack_gets_a_subset_font_and_its_licence() {
    let dir = project("my", BURMESE, "");
    let (out, report) = build_with(dir.path());
    assert_eq!(report.errors(), 0, "{:?}", diag_lines(&report));
    let css = read(out.path(), "my/fonts/fonts.css");
    assert!(css.contains("font-family: \"polybook Myanmar\""), "{css}");
    assert!(css.contains("font-display: swap"));
    assert!(
        css.contains("src: local("),
        "the reader's own copy comes first: {css}"
    );
    assert!(css.contains("url(\"myanmar-400.woff2\") format(\"woff2\")"));
    // The range holds the letters the pages use, and no Latin letter.
    assert!(css.contains("U+1014"), "{css}");
    assert!(!css.contains("U+41"), "{css}");
    let woff2 = std::fs::read(out.path().join("my/fonts/myanmar-400.woff2")).unwrap();
    assert_eq!(&woff2[..4], b"wOF2");
    assert!(
        woff2.len() < 60_000,
        "a subset, not the whole font: {} bytes",
        woff2.len()
    );
    let licence = read(out.path(), "my/fonts/myanmar-400-LICENSE.txt");
    assert!(licence.contains("Open Font License"), "{licence}");
    // Every page of the language links the stylesheet; the theme's stacks
    // put the bundled family last, after the reader's own fonts.
    let page = parse(out.path(), "my/guide/intro.html");
    let links: Vec<_> = select(&page, "link[rel=stylesheet]")
        .iter()
        .map(|l| l.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(links, ["../../static/style.css", "../fonts/fonts.css"]);
    let theme = read(out.path(), "static/style.css");
    let stack = theme.split("font-family:").nth(1).unwrap();
    let stack = &stack[..stack.find(';').unwrap()];
    assert!(
        stack.find("\"Noto Sans Myanmar\"").unwrap() < stack.find("\"polybook Myanmar\"").unwrap()
    );
    // Burmese pages may show numbers in Myanmar digits (U+1040-1049).
    assert!(css.contains("U+1040"), "{css}");
    // English pages show the language's name in Burmese in their menu:
    // their subset holds its letters, and no digits.
    let en = read(out.path(), "en/fonts/fonts.css");
    assert!(en.contains("U+1019"), "{en}");
    assert!(!en.contains("U+1040"), "{en}");
    let en_woff2 = std::fs::read(out.path().join("en/fonts/myanmar-400.woff2")).unwrap();
    assert!(en_woff2.len() < woff2.len() / 2);
}

#[test]
fn fonts_are_deterministic_and_a_second_build_writes_nothing() {
    let dir = project("my", BURMESE, "");
    let out = tempfile::tempdir().unwrap();
    build(dir.path(), out.path());
    let first = std::fs::read(out.path().join("my/fonts/myanmar-400.woff2")).unwrap();
    let other = tempfile::tempdir().unwrap();
    build(dir.path(), other.path());
    assert_eq!(
        first,
        std::fs::read(other.path().join("my/fonts/myanmar-400.woff2")).unwrap()
    );
    let again = build(dir.path(), out.path());
    assert!(again.unchanged, "a no-change build does nothing");
}

#[test]
fn a_latin_only_project_bundles_no_font() {
    let dir = project(
        "es",
        "# Introducción\n\nEl riesgo es parte del trabajo.\n",
        "",
    );
    let (out, report) = build_with(dir.path());
    assert_eq!(report.warnings(), 0, "{:?}", diag_lines(&report));
    assert!(!out.path().join("es/fonts").exists());
    assert!(!read(out.path(), "es/guide/intro.html").contains("fonts.css"));
}

#[test]
fn bundling_can_be_turned_off() {
    let dir = project("my", BURMESE, "\n[fonts]\nbundle = false\n");
    let (out, _) = build_with(dir.path());
    assert!(!out.path().join("my/fonts").exists());
    assert!(!read(out.path(), "my/guide/intro.html").contains("fonts.css"));
}

#[test]
fn a_font_named_for_a_language_is_used_with_its_licence() {
    let padauk = Path::new("/usr/share/fonts/truetype/padauk/Padauk-Regular.ttf");
    assert!(padauk.is_file(), "fonts-sil-padauk is installed by .ci/run");
    let dir = project(
        "my",
        BURMESE,
        "\n[fonts]\nmy = \"fonts/Padauk-Regular.ttf\"\n",
    );
    std::fs::create_dir_all(dir.path().join("fonts")).unwrap();
    std::fs::copy(padauk, dir.path().join("fonts/Padauk-Regular.ttf")).unwrap();
    std::fs::write(
        dir.path().join("fonts/OFL.txt"),
        "SIL OPEN FONT LICENSE Version 1.1 (the licence text)\n",
    )
    .unwrap();
    let (out, report) = build_with(dir.path());
    assert_eq!(report.warnings(), 0, "{:?}", diag_lines(&report));
    let css = read(out.path(), "my/fonts/fonts.css");
    assert!(css.contains("local(\"Padauk"), "{css}");
    let licence = read(out.path(), "my/fonts/myanmar-400-LICENSE.txt");
    assert!(
        licence.contains("SIL OPEN FONT LICENSE Version 1.1 (the licence text)"),
        "{licence}"
    );
}

#[test]
fn font_settings_are_checked_with_their_line() {
    let dir = project(
        "my",
        BURMESE,
        "\n[fonts]\nalso = [\"klingon\"]\nxx = \"fonts/a.ttf\"\nmy = \"../outside.ttf\"\n",
    );
    let err = polybook::build(&polybook::BuildOptions {
        root: dir.path().to_path_buf(),
        out: Some(dir.path().join("out")),
        ..Default::default()
    })
    .unwrap_err();
    let polybook::Error::Config(diags) = err else {
        panic!("expected a configuration error, got {err}")
    };
    let err = diags
        .iter()
        .map(|d| format!("{}:{}: {}", d.file.display(), d.line, d.message))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        err.contains("polybook.toml:6") && err.contains("`klingon`"),
        "{err}"
    );
    assert!(
        err.contains("polybook.toml:7") && err.contains("`xx`"),
        "{err}"
    );
    assert!(
        err.contains("polybook.toml:8") && err.contains("inside the project"),
        "{err}"
    );
}

#[test]
fn a_missing_font_is_a_warning_naming_script_languages_and_package() {
    // Han is bundled when asked for; no Han font with TrueType outlines is
    // installed here, and the named file does not exist.
    let dir = project(
        "zh",
        "# 引言\n\n风险是工作的一部分。\n",
        "\n[fonts]\nhan = \"fonts/missing.ttf\"\n",
    );
    let (out, report) = build_with(dir.path());
    assert_eq!(report.errors(), 0);
    let lines = diag_lines(&report).join("\n");
    assert!(
        lines.contains("polybook.toml:6") && lines.contains("fonts/missing.ttf"),
        "{lines}"
    );
    assert!(
        lines.contains("no font for the Han script, which") && lines.contains("zh"),
        "{lines}"
    );
    let hint = report
        .diagnostics
        .iter()
        .find(|d| d.message.contains("Han script"))
        .and_then(|d| d.hint.clone())
        .unwrap_or_default();
    assert!(hint.contains("fonts-wqy-microhei"), "{hint}");
    assert!(
        out.path().join("zh/guide/intro.html").is_file(),
        "never a failure"
    );
}

/// Builds `root` into `out` with the command, `HOME` at `home`; gives the
/// stages the build ran (`-v`).
fn build_at_home(root: &Path, out: &Path, home: &Path) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .args(["-v", "build", "--no-epub", "--no-pdf", "--out"])
        .arg(out)
        .current_dir(root)
        .env("HOME", home)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{stderr}");
    stderr
}

#[test]
fn installing_a_font_rebuilds_what_a_build_with_nothing_changed_would_keep() {
    let dir = project("my", BURMESE, "");
    let (out, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (root, out) = (dir.path(), out.path().join("site"));
    let first = build_at_home(root, &out, home.path());
    assert!(first.contains("  render:"), "{first}");
    let again = build_at_home(root, &out, home.path());
    assert!(
        again.contains("unchanged check") && !again.contains("  render:"),
        "{again}"
    );
    // A font installed for the user, as a translator would to fix a
    // warning: the next build renders again, and the one after it does not.
    let fonts = home.path().join(".local/share/fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    let full = full_font(&read(&out, "my/fonts/myanmar-400-LICENSE.txt"));
    std::fs::copy(&full, fonts.join(full.file_name().unwrap())).unwrap();
    let after = build_at_home(root, &out, home.path());
    assert!(after.contains("  render:"), "{after}");
    let settled = build_at_home(root, &out, home.path());
    assert!(!settled.contains("  render:"), "{settled}");
}

/// The line of the licence beside the Burmese subset of `out` that names
/// the font file the subset was cut from.
fn burmese_font_source(out: &Path) -> String {
    let licence = read(out, "my/fonts/myanmar-400-LICENSE.txt");
    let line = licence.lines().find(|l| l.starts_with("A subset of "));
    line.unwrap_or_default().to_string()
}

#[test]
fn watching_uses_a_font_named_replaced_or_installed_after_it_began() {
    // The font named for Burmese is in a folder that does not exist yet.
    let dir = project(
        "my",
        BURMESE,
        "\n[fonts]\nmy = \"fonts/Burmese-Regular.ttf\"\n",
    );
    let (out, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (root, out) = (dir.path(), out.path().join("site"));
    let user_fonts = home.path().join(".fonts");
    std::fs::create_dir_all(&user_fonts).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .args(["build", "--watch", "--no-epub", "--no-pdf", "--out"])
        .arg(&out)
        .current_dir(root)
        .env("HOME", home.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    // Waits until a line has `what` in it, for at most 20 s, after `step`.
    let wait_for = |what: &str, step: &str| -> Vec<String> {
        let got = match lines_until(&rx, what, std::time::Duration::from_secs(20)) {
            Ok(lines) => return lines,
            Err(got) => got,
        };
        let _ = std::process::Command::new("kill")
            .arg(child.id().to_string())
            .status();
        panic!("after {step}: no line with `{what}` in {got:?}");
    };
    let first = wait_for("Built ", "the start");
    let installed = burmese_font_source(&out);
    assert!(
        installed.starts_with("A subset of ") && !installed.contains("Burmese-Regular.ttf"),
        "{installed} {first:?}"
    );
    // The folder made, then the font copied into it: the next rebuild cuts
    // the subset from the named font.
    std::fs::create_dir(root.join("fonts")).unwrap();
    wait_for("rebuilt", "making fonts/");
    let padauk = Path::new("/usr/share/fonts/truetype/padauk/Padauk-Regular.ttf");
    std::fs::copy(padauk, root.join("fonts/Burmese-Regular.ttf")).unwrap();
    let lines = wait_for("rebuilt", "copying the named font");
    let named = burmese_font_source(&out);
    assert!(named.contains("Burmese-Regular.ttf"), "{named} {lines:?}");
    // Removed again: the installed font is back.
    std::fs::remove_file(root.join("fonts/Burmese-Regular.ttf")).unwrap();
    let lines = wait_for("rebuilt", "removing the named font");
    assert_eq!(burmese_font_source(&out), installed, "{lines:?}");
    // A font installed for the user while watching is seen too.
    std::fs::copy(padauk, user_fonts.join("Padauk-Regular.ttf")).unwrap();
    wait_for("rebuilt", "installing a font for the user");
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn zawgyi_burmese_is_reported_with_its_line() {
    let zawgyi = "# \u{1014}\u{102D}\u{1012}\u{102B}\u{1014}\u{1039}\u{1038}\n\n\u{1031}\u{1014}\u{1031}\u{1000}\u{102C}\u{1004}\u{1039}\u{1038}\u{101C}\u{102C}\u{1038}\n";
    let dir = project("my", zawgyi, "");
    let (_, report) = build_with(dir.path());
    let lines = diag_lines(&report).join("\n");
    assert!(
        lines.contains("manuals/guide/my/intro.md:1")
            || lines.contains("manuals/guide/my/intro.md:3"),
        "{lines}"
    );
    assert!(lines.contains("Zawgyi"), "{lines}");
    // A build of Burmese alone reports it; one of the other language
    // alone counts it among the problems of other languages' files.
    let shard = |lang: &str| {
        let out = tempfile::tempdir().unwrap();
        polybook::build(&polybook::BuildOptions {
            root: dir.path().to_path_buf(),
            out: Some(out.path().to_path_buf()),
            languages: vec![lang.into()],
            ..Default::default()
        })
        .unwrap()
    };
    let burmese = shard("my");
    let zawgyi: Vec<String> = (diag_lines(&burmese).into_iter())
        .filter(|l| l.contains("Zawgyi"))
        .collect();
    assert_eq!(zawgyi.len(), 1, "{:?}", diag_lines(&burmese));
    assert!(
        zawgyi[0].contains("manuals/guide/my/intro.md:"),
        "{zawgyi:?}"
    );
    let english = shard("en");
    assert!(
        !diag_lines(&english).iter().any(|l| l.contains("Zawgyi")),
        "{:?}",
        diag_lines(&english)
    );
    assert!(english.left_out >= 1);
    // The bundled Burmese chapters are Unicode.
    let bundled = polybook::build::load(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .1;
    assert!(!bundled.iter().any(|d| d.message.contains("Zawgyi")));
}

#[test]
fn books_embed_their_fonts_and_use_them() {
    let dir = project("my", BURMESE, "");
    let (out, _) = build_with(dir.path());
    let book = out.path().join("my/guide/guide-my.epub");
    let opf = epub_entry(&book, "EPUB/package.opf");
    assert!(
        opf.contains("href=\"fonts/myanmar-400.ttf\" media-type=\"font/ttf\""),
        "{opf}"
    );
    assert!(
        opf.contains("href=\"fonts/myanmar-400-LICENSE.txt\""),
        "{opf}"
    );
    let css = epub_entry(&book, "EPUB/style.css");
    assert!(css.contains("url(\"fonts/myanmar-400.ttf\")"), "{css}");
    assert!(
        css.contains("font-family: serif, \"polybook Myanmar\""),
        "{css}"
    );
    // The English book has no Burmese text and no font.
    let en = epub_entry(
        &out.path().join("en/guide/guide-en.epub"),
        "EPUB/package.opf",
    );
    assert!(!en.contains("font/ttf"));
}

// ---- In Chromium, with no font of these scripts but the bundled ones ----

/// A fontconfig setup that knows only DejaVu: no font for Myanmar,
/// Ethiopic or Tibetan, as on many readers' machines.
fn bare_fontconfig(dir: &Path) -> PathBuf {
    let conf = dir.join("fonts.conf");
    std::fs::write(
        &conf,
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n<dir>/usr/share/fonts/truetype/dejavu</dir>\n<cachedir>{}</cachedir>\n</fontconfig>\n",
            dir.join("cache").display()
        ),
    )
    .unwrap();
    for lang in ["my", "am", "bo"] {
        let listed = Command::new("fc-list")
            .arg(format!(":lang={lang}"))
            .env("FONTCONFIG_FILE", &conf)
            .output()
            .expect("fc-list runs");
        assert!(
            listed.stdout.is_empty(),
            "the bare setup has a font for {lang}"
        );
    }
    conf
}

/// Opens `url` with `conf`; returns the report and the screenshot.
fn draw(url: &str, conf: &Path, shot: &Path, script: &str) -> serde_json::Value {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        base.join("node_modules/puppeteer-core").is_dir(),
        "puppeteer-core is not installed: run `bash .ci/run` once (npm install in tests/browser)"
    );
    let out = Command::new("node")
        .arg(base.join("fonts.mjs"))
        .arg(url)
        .arg(shot)
        .arg(script)
        .env("FONTCONFIG_FILE", conf)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The full font a subset was cut from, named in the licence beside it.
fn full_font(licence: &str) -> PathBuf {
    let name = licence
        .lines()
        .find_map(|l| l.strip_prefix("A subset of "))
        .and_then(|l| l.split(", bundled").next())
        .unwrap()
        .to_string();
    walkdir::WalkDir::new("/usr/share/fonts")
        .into_iter()
        .flatten()
        .find(|e| e.file_name().to_string_lossy() == name)
        .map(|e| e.into_path())
        .unwrap_or_else(|| panic!("{name} is not installed"))
}

#[test]
fn every_letter_is_drawn_with_the_bundled_font_and_the_subset_draws_like_the_full_font() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let report = build(root, out.path());
    assert_eq!(report.errors(), 0);
    let work = tempfile::tempdir().unwrap();
    let conf = bare_fontconfig(work.path());
    let pages = [
        ("my", "Myanmar", "my/protection/risk-analysis.html"),
        ("am", "Ethiopic", "am/protection/risk-analysis.html"),
        ("bo", "Tibetan", "bo/protection/risk-analysis.html"),
    ];
    for (lang, script, page) in pages {
        let url = format!("file://{}", out.path().join(page).display());
        let shot = work.path().join(format!("{lang}-subset.png"));
        let drawn = draw(&url, &conf, &shot, script);
        assert_eq!(drawn["outside"], serde_json::json!([]), "{page}");
        let runs = drawn["runs"].as_array().unwrap();
        let shown: Vec<_> = runs
            .iter()
            .filter(|r| !r["fonts"].as_array().unwrap().is_empty())
            .collect();
        assert!(
            shown.len() > 20,
            "{page}: {} runs of {script} drawn",
            shown.len()
        );
        for run in &shown {
            for font in run["fonts"].as_array().unwrap() {
                assert!(
                    font["isCustomFont"] == true,
                    "{page}: `{}` drawn (in part) with {font}: a fallback or a missing glyph",
                    run["text"]
                );
            }
        }
        // The same page with the full fonts in place of the subsets.
        let full = tempfile::tempdir().unwrap();
        copy_dir(out.path(), full.path());
        let css_path = full.path().join(lang).join("fonts/fonts.css");
        let mut css = std::fs::read_to_string(&css_path).unwrap();
        for weight in ["400", "700"] {
            let stem = format!("{}-{weight}", script.to_lowercase());
            let licence = full
                .path()
                .join(lang)
                .join(format!("fonts/{stem}-LICENSE.txt"));
            let Ok(licence) = std::fs::read_to_string(licence) else {
                continue;
            };
            std::fs::copy(
                full_font(&licence),
                full.path().join(lang).join(format!("fonts/{stem}.ttf")),
            )
            .unwrap();
            css = css.replace(
                &format!("url(\"{stem}.woff2\") format(\"woff2\")"),
                &format!("url(\"{stem}.ttf\") format(\"truetype\")"),
            );
        }
        std::fs::write(&css_path, css).unwrap();
        let full_shot = work.path().join(format!("{lang}-full.png"));
        let url = format!("file://{}", full.path().join(page).display());
        let with_full = draw(&url, &conf, &full_shot, script);
        assert_eq!(with_full["runs"].as_array().unwrap().len(), runs.len());
        assert!(
            std::fs::read(&shot).unwrap() == std::fs::read(&full_shot).unwrap(),
            "{page}: the subset draws other pixels than the full font"
        );
    }
}
