//! The output folder: what may be one, and that every clone of a commit
//! builds to the same bytes.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::common::*;

fn polybook() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_polybook"));
    cmd.env_remove("SOURCE_DATE_EPOCH");
    cmd
}

/// Every file and folder below `dir` with its bytes (`None` for folders).
fn tree(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut all: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (rel.to_string(), bytes)
        })
        .collect();
    all.sort();
    all
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

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
#[test]
fn output_folders_that_are_or_hold_the_project_or_its_sources_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proj");
    std::fs::create_dir_all(&root).unwrap();
    copy_dir(&fixture("basic"), &root);
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("index.html"), "the user's own page").unwrap();
    symlink(&root, &root.join("here"));
    let before = tree(dir.path());
    for (cwd, out) in [
        ("proj", "manuals/.."),
        ("proj", "../proj"),
        ("proj", "here"),
        ("proj/sub", ".."),
        ("proj", ".."),
        ("proj", "manuals"),
        ("proj", "manuals/guide/new"),
        ("proj", "themes"),
        ("proj", "i18n"),
    ] {
        let run = polybook()
            .current_dir(dir.path().join(cwd))
            .args(["build", "-C"])
            .arg(&root)
            .args(["--out", out])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "--out {out}: {stderr}");
        assert!(
            stderr.contains(&format!("the output folder `{out}`"))
                && stderr.contains("nothing was built"),
            "--out {out}: {stderr}"
        );
        assert!(tree(dir.path()) == before, "--out {out} wrote something");
    }
    // Beside the project is fine.
    let run = polybook()
        .current_dir(&root)
        .args(["build", "--no-epub", "--out", "../site"])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(dir.path().join("site/en/index.html").is_file());
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
