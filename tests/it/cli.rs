//! The command line: exit codes and messages.

use std::process::Command;

use crate::common::*;

fn polybook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_polybook"))
}

#[test]
fn exit_codes_tell_clean_content_errors_and_configuration_errors_apart() {
    let out = tempfile::tempdir().unwrap();
    let ok = polybook()
        .args(["build", "--out"])
        .arg(out.path())
        .arg("-C")
        .arg(fixture("basic"))
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let summary = String::from_utf8_lossy(&ok.stderr);
    assert!(
        summary.contains("Built 29 pages in 4 languages"),
        "{summary}"
    );

    let bad = polybook()
        .args(["build", "--out"])
        .arg(out.path())
        .arg("-C")
        .arg(fixture("errors"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("error: manuals/m/en/a.md:6:1 [en]: broken link"),
        "{stderr}"
    );

    let empty = tempfile::tempdir().unwrap();
    let none = polybook()
        .args(["build", "-C"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no `polybook.toml`"));

    let usage = polybook()
        .args(["build", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn quiet_prints_only_errors() {
    let out = tempfile::tempdir().unwrap();
    let run = polybook()
        .args(["build", "-q", "--out"])
        .arg(out.path())
        .arg("-C")
        .arg(fixture("errors"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("error:") && !stderr.contains("warning:") && !stderr.contains("Built"),
        "{stderr}"
    );
}
