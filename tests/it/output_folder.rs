//! The output folder: every clone of a commit builds to the same bytes.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common::*;

fn polybook() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_polybook"));
    cmd.env_remove("SOURCE_DATE_EPOCH");
    cmd
}

/// Asserts that two output folders hold the same files with the same bytes.
fn assert_same_files(a: &Path, b: &Path, what: &str) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(fa, fb, "{what}: other files");
    for f in fa {
        assert!(
            std::fs::read(a.join(&f)).unwrap() == std::fs::read(b.join(&f)).unwrap(),
            "{what}: {f} differs"
        );
    }
}

fn git(dir: &Path, args: &[&str]) {
    let run = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
        .args(args)
        .env("GIT_COMMITTER_DATE", "@1650000000 +0000")
        .env("GIT_AUTHOR_DATE", "@1650000000 +0000")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// Sets the time of every file below `dir` (outside `.git`) to `secs`.
fn set_times(dir: &Path, secs: u64) {
    let t = std::time::UNIX_EPOCH + Duration::from_secs(secs);
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".git")
    {
        let e = e.unwrap();
        if e.file_type().is_file() {
            std::fs::File::options()
                .write(true)
                .open(e.path())
                .unwrap()
                .set_modified(t)
                .unwrap();
        }
    }
}

#[test]
fn two_clones_of_a_commit_build_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin");
    std::fs::create_dir_all(&origin).unwrap();
    copy_dir(&fixture("books"), &origin);
    git(&origin, &["init", "-q"]);
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "books"]);
    let mut outs = Vec::new();
    for (name, time) in [("a", 1_000_000_000), ("b", 1_700_000_000)] {
        git(dir.path(), &["clone", "-q", "origin", name]);
        let clone = dir.path().join(name);
        set_times(&clone, time);
        let run = polybook()
            .arg("-C")
            .arg(&clone)
            .args(["build", "-q"])
            .output()
            .unwrap();
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        outs.push(clone.join("output"));
    }
    assert!(files(&outs[0]).iter().any(|f| f.ends_with(".epub")));
    assert_same_files(&outs[0], &outs[1], "two clones");
    // The date is the commit's.
    let book = std::fs::File::open(outs[0].join("en/alpha/alpha-en.epub")).unwrap();
    let mut zip = zip::ZipArchive::new(book).unwrap();
    let mut opf = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("EPUB/package.opf").unwrap(), &mut opf).unwrap();
    assert!(
        opf.contains("<meta property=\"dcterms:modified\">2022-04-15T05:20:00Z</meta>"),
        "{opf}"
    );
}
