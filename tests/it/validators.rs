//! Independent validation of the output: the Nu HTML checker (vnu) on every
//! page and stylesheet. `.ci/run` installs it; `VNU_JAR` can point at a jar.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn vnu_jar() -> PathBuf {
    if let Ok(jar) = std::env::var("VNU_JAR") {
        return PathBuf::from(jar);
    }
    let jar = npm_global("vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "the Nu HTML checker is not installed: run `bash .ci/run` once, or set VNU_JAR"
    );
    jar
}

/// Runs vnu on every HTML and CSS file below `dir`; returns its messages.
fn vnu(dir: &Path) -> Vec<String> {
    vnu_with(&vnu_jar(), dir)
}

/// Runs the checker `jar` on every HTML and CSS file below `dir`. A run must
/// end as the checker ends a complete check: status 0, or 1 with the errors
/// it found; any other end (it could not start, crashed, was killed) fails.
fn vnu_with(jar: &Path, dir: &Path) -> Vec<String> {
    let all = files(dir);
    let pages: Vec<PathBuf> = all
        .iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| dir.join(f))
        .collect();
    let css: Vec<PathBuf> = all
        .iter()
        .filter(|f| f.ends_with(".css"))
        .map(|f| dir.join(f))
        .collect();
    assert!(!pages.is_empty(), "no pages below {}", dir.display());
    let mut messages = Vec::new();
    for (args, list) in [(vec![], pages), (vec!["--css"], css)] {
        if list.is_empty() {
            continue;
        }
        let out = Command::new("java")
            .args(["-Xss16m", "-jar"])
            .arg(jar)
            .args(["--format", "gnu"])
            .args(args)
            .args(&list)
            .output()
            .expect("java runs");
        let text = String::from_utf8_lossy(&out.stderr).to_string()
            + &String::from_utf8_lossy(&out.stdout);
        let found: Vec<String> = text
            .lines()
            .filter(|l| l.contains("error") || l.contains("warning"))
            .map(String::from)
            .collect();
        assert!(
            out.status.success() || (out.status.code() == Some(1) && !found.is_empty()),
            "the Nu HTML checker failed ({}): {text}",
            out.status
        );
        messages.extend(found);
    }
    messages
}

#[test]
#[should_panic(expected = "the Nu HTML checker failed")]
fn a_checker_that_cannot_run_fails_the_validation() {
    let (out, _) = build_fixture("basic");
    vnu_with(Path::new("/nonexistent/vnu.jar"), out.path());
}

#[test]
fn fixture_site_is_valid_html() {
    let (out, _) = build_fixture("basic");
    let messages = vnu(out.path());
    assert!(messages.is_empty(), "{messages:#?}");
}

#[test]
fn bundled_manuals_are_valid_html() {
    let out = tempfile::tempdir().unwrap();
    build(Path::new(env!("CARGO_MANIFEST_DIR")), out.path());
    let messages = vnu(out.path());
    assert!(messages.is_empty(), "{messages:#?}");
}
