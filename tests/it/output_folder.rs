//! The output folder: what may be one, that nothing is written or removed
//! through links in it, that it holds only what readers get (build state
//! lives in `.polybook/`), that interrupted and killed builds leave nothing
//! behind, and that every clone of a commit builds to the same bytes.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use polybook::BuildOptions;

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

/// Names in the output folder that are not a page, book, search index,
/// sitemap, copied file or static file: dotfiles, build state, anything else.
fn not_for_readers(out: &Path) -> Vec<String> {
    walkdir::WalkDir::new(out)
        .min_depth(1)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let rel = e
                .path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .to_string();
            let top = rel.split('/').next().unwrap_or("");
            let dotted = rel.split('/').any(|p| p.starts_with('.'));
            let kind_ok = e.file_type().is_dir()
                || matches!(top, "files" | "static")
                || rel == "sitemap.xml"
                || [".html", ".epub", ".pdf", ".js"]
                    .iter()
                    .any(|x| rel.ends_with(x));
            (dotted || !kind_ok || e.file_type().is_symlink()).then_some(rel)
        })
        .collect()
}

fn temporary_files(out: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.path().to_path_buf())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(".polybook-") && name.ends_with(".tmp")
        })
        .collect()
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn build_into(root: &Path, out: &Path) -> polybook::Result<polybook::BuildReport> {
    polybook::build(&BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        ..BuildOptions::default()
    })
}

#[cfg(unix)]
#[test]
fn listed_files_behind_a_link_in_the_output_are_not_removed() {
    let project = copy_fixture("basic");
    let dir = tempfile::tempdir().unwrap();
    let (out, elsewhere) = (dir.path().join("site"), dir.path().join("elsewhere"));
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("victim.txt"), "theirs").unwrap();
    std::fs::write(elsewhere.join("page.html"), "theirs").unwrap();
    // A folder linked from the output (committed so, say) and a list of
    // files written that names what lies behind it.
    symlink(&elsewhere, &out.join("old"));
    symlink(&elsewhere.join("page.html"), &out.join("index.html"));
    std::fs::write(
        out.join(".polybook-files"),
        "old/victim.txt\nold/page.html\n",
    )
    .unwrap();
    build_into(project.path(), &out).unwrap();
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("victim.txt")).unwrap(),
        "theirs"
    );
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("page.html")).unwrap(),
        "theirs",
        "written through a link"
    );
    // The link where the root page goes was replaced by the page.
    let meta = std::fs::symlink_metadata(out.join("index.html")).unwrap();
    assert!(meta.is_file());
}

#[cfg(unix)]
#[test]
fn a_linked_folder_where_pages_go_is_refused_and_never_written_through() {
    let project = copy_fixture("basic");
    let dir = tempfile::tempdir().unwrap();
    let (out, elsewhere) = (dir.path().join("site"), dir.path().join("elsewhere"));
    std::fs::create_dir_all(&out).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    symlink(&elsewhere, &out.join("en"));
    let run = polybook()
        .arg("-C")
        .arg(project.path())
        .args(["build", "--no-epub", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "`{}` is a symbolic link",
            out.join("en").display()
        )),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "written through the link"
    );
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
        ("proj", ".polybook/x"),
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
                && stderr.contains("1 of the options given cannot be followed; nothing was built")
                && !stderr.contains("configuration"),
            "--out {out}: {stderr}"
        );
        assert!(tree(dir.path()) == before, "--out {out} wrote something");
    }
    // Nor in the build state the user's cache holds for read-only projects.
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".cache/polybook")).unwrap();
    let before = tree(dir.path());
    for (xdg, out) in [
        (None, home.join(".cache/polybook/site")),
        (None, home.join(".cache/polybook")),
        (Some(home.join("xdg")), home.join("xdg/polybook/new/site")),
    ] {
        let mut cmd = polybook();
        cmd.current_dir(&root)
            .env("HOME", &home)
            .env_remove("XDG_CACHE_HOME");
        if let Some(x) = &xdg {
            cmd.env("XDG_CACHE_HOME", x);
        }
        let run = cmd.arg("build").arg("--out").arg(&out).output().unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(
            run.status.code(),
            Some(2),
            "--out {}: {stderr}",
            out.display()
        );
        assert!(
            stderr.contains("which holds the build state of projects"),
            "--out {}: {stderr}",
            out.display()
        );
        assert!(
            tree(dir.path()) == before,
            "--out {} wrote something",
            out.display()
        );
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

#[test]
fn the_output_folder_holds_only_what_readers_get() {
    let project = copy_fixture("books");
    let out = tempfile::tempdir().unwrap();
    build_into(project.path(), out.path()).unwrap();
    assert!(files(out.path()).iter().any(|f| f.ends_with(".epub")));
    assert_eq!(not_for_readers(out.path()), Vec::<String>::new());
    // The build state is in the project's cache folder.
    let cache = project.path().join(polybook::build::cache::FOLDER);
    assert!(cache.join(".gitignore").is_file());
    let state = polybook::build::cache::folder(
        &project.path().canonicalize().unwrap(),
        &out.path().canonicalize().unwrap(),
    );
    assert!(state.join(polybook::build::cache::MANIFEST).is_file());
    assert!(state.join(polybook::build::cache::FILES).is_file());
    assert!(!state.join(polybook::build::cache::JOURNAL).exists());
}

/// Sends SIGINT, as Ctrl-C does.
fn interrupt(child: &std::process::Child) {
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// Waits for a process to end, for at most a minute.
fn wait_end(child: &mut std::process::Child) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the process did not stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn serve_and_watch_leave_only_what_readers_get_and_stop_cleanly_on_ctrl_c() {
    let project = copy_fixture("books");
    for (mode, args, ready) in [
        ("serve", vec!["serve", "--port", "0"], "Serving "),
        ("watch", vec!["build", "--watch"], "Built "),
    ] {
        let out = tempfile::tempdir().unwrap();
        let mut child = polybook()
            .arg("-C")
            .arg(project.path())
            .args(&args)
            .arg("--out")
            .arg(out.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stream: Box<dyn std::io::Read + Send> = if mode == "serve" {
            Box::new(child.stdout.take().unwrap())
        } else {
            Box::new(child.stderr.take().unwrap())
        };
        let mut lines = BufReader::new(stream).lines();
        let started = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.starts_with(ready));
        assert!(started, "{mode} did not start");
        // The books follow the pages; Ctrl-C lets them finish.
        let deadline = Instant::now() + Duration::from_secs(60);
        while !files(out.path()).iter().any(|f| f.ends_with(".epub")) {
            assert!(Instant::now() < deadline, "{mode}: no books");
            std::thread::sleep(Duration::from_millis(50));
        }
        interrupt(&child);
        let status = wait_end(&mut child);
        assert!(status.success(), "{mode}: {status:?}");
        assert_eq!(not_for_readers(out.path()), Vec::<String>::new(), "{mode}");
    }
}

#[test]
fn an_output_folder_of_an_earlier_version_loses_its_state_files_and_stale_pages() {
    let project = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    build_into(project.path(), out.path()).unwrap();
    // What the earlier version left: its list and manifest in the output,
    // no build state in the project.
    let _ = std::fs::remove_dir_all(project.path().join(polybook::build::cache::FOLDER));
    let mut list: String = files(out.path()).iter().map(|f| format!("{f}\n")).collect();
    std::fs::write(out.path().join("en/old.html"), "a page of then").unwrap();
    list.push_str("en/old.html\n");
    std::fs::write(out.path().join(".polybook-files"), list).unwrap();
    std::fs::write(out.path().join(".polybook-build"), "{}").unwrap();
    std::fs::write(out.path().join("keep-me.txt"), "mine").unwrap();
    let report = build_into(project.path(), out.path()).unwrap();
    assert_eq!(report.removed, 1);
    assert!(!out.path().join("en/old.html").exists());
    assert!(!out.path().join(".polybook-files").exists());
    assert!(!out.path().join(".polybook-build").exists());
    assert!(out.path().join("keep-me.txt").exists());
    let clean = tempfile::tempdir().unwrap();
    build_into(project.path(), clean.path()).unwrap();
    std::fs::remove_file(out.path().join("keep-me.txt")).unwrap();
    assert_same_files(out.path(), clean.path(), "after migration");
}

#[test]
fn deleting_the_build_state_only_makes_the_next_build_a_full_one() {
    let project = copy_fixture("books");
    let out = tempfile::tempdir().unwrap();
    build_into(project.path(), out.path()).unwrap();
    let before = tree(out.path());
    std::fs::remove_dir_all(project.path().join(polybook::build::cache::FOLDER)).unwrap();
    let again = build_into(project.path(), out.path()).unwrap();
    assert!(!again.unchanged, "skipped without its state");
    assert_eq!((again.written, again.removed), (0, 0));
    assert!(tree(out.path()) == before, "the output changed");
    let third = build_into(project.path(), out.path()).unwrap();
    assert!(third.unchanged);
}

/// A project of one manual with `chapters` chapters in four languages,
/// large enough for a build to take a while.
fn large_project(chapters: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("polybook.toml"),
        "title = \"Large\"\nsource_language = \"en\"\nlanguages = [\"en\", \"es\", \"fr\", \"ar\"]\n",
    )
    .unwrap();
    let m = root.join("manuals/m");
    std::fs::create_dir_all(m.join("en")).unwrap();
    let ids: Vec<String> = (0..chapters).map(|i| format!("\"c{i:04}\"")).collect();
    std::fs::write(
        m.join("manual.toml"),
        format!("title = \"M\"\nchapters = [{}]\n", ids.join(", ")),
    )
    .unwrap();
    let paragraph = "Keep the plan in a safe place and review it with the team. ".repeat(12);
    for i in 0..chapters {
        let mut text = format!("# Chapter {i}\n\n");
        for s in 0..6 {
            text.push_str(&format!("## Section {s}\n\n{paragraph}\n\n"));
        }
        std::fs::write(m.join(format!("en/c{i:04}.md")), text).unwrap();
    }
    dir
}

/// Starts a build of `project` into `out` and returns once the build has
/// written the page of its first chapter, while it is still writing.
fn build_until_first_page(project: &Path, out: &Path) -> std::process::Child {
    let child = polybook()
        .arg("-C")
        .arg(project)
        .args(["build", "-q", "--out"])
        .arg(out)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !out.join("en/m/c0000.html").exists() {
        assert!(Instant::now() < deadline, "no page written");
        std::thread::sleep(Duration::from_millis(1));
    }
    child
}

#[test]
fn a_killed_build_leaves_nothing_the_next_build_does_not_clean_up() {
    let project = large_project(500);
    let out = tempfile::tempdir().unwrap();
    let first_page = out.path().join("en/m/c0000.html");
    let mut child = build_until_first_page(project.path(), out.path());
    assert!(
        child.try_wait().unwrap().is_none(),
        "the build ended before it could be killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    // What a build killed while writing leaves.
    std::fs::write(out.path().join("en/.polybook-a1b2c3.tmp"), "half").unwrap();
    // The chapter whose page the killed build wrote goes.
    let toml = project.path().join("manuals/m/manual.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("\"c0000\", ", "")).unwrap();
    std::fs::remove_file(project.path().join("manuals/m/en/c0000.md")).unwrap();
    build_into(project.path(), out.path()).unwrap();
    assert!(
        !first_page.exists(),
        "the deleted chapter is still published"
    );
    assert_eq!(temporary_files(out.path()), Vec::<PathBuf>::new());
    let clean = tempfile::tempdir().unwrap();
    build_into(project.path(), clean.path()).unwrap();
    assert_same_files(out.path(), clean.path(), "after a killed build");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_build_and_leaves_no_temporary_file() {
    let project = large_project(300);
    let out = tempfile::tempdir().unwrap();
    let mut child = build_until_first_page(project.path(), out.path());
    interrupt(&child);
    let status = wait_end(&mut child);
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(temporary_files(out.path()), Vec::<PathBuf>::new());
}

fn git(dir: &Path, args: &[&str]) {
    run_ok(
        Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(args)
            .env("GIT_COMMITTER_DATE", "@1650000000 +0000")
            .env("GIT_AUTHOR_DATE", "@1650000000 +0000"),
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

/// Sets the mode of `path` and of everything under it: `dirs` for folders, `files` for the rest.
#[cfg(unix)]
fn set_modes(path: &Path, dirs: u32, files: u32) {
    use std::os::unix::fs::PermissionsExt;
    for e in walkdir::WalkDir::new(path).into_iter().flatten() {
        let mode = if e.file_type().is_dir() { dirs } else { files };
        std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// A read-only checkout: the build works, writes nothing into the project,
/// keeps its state in the user's cache folder, and the next build finds
/// nothing changed. Run as an unprivileged user when the tests run as root,
/// whom permissions do not stop.
#[cfg(unix)]
#[test]
fn a_read_only_project_builds_and_keeps_its_state_in_the_users_cache() {
    let project = copy_fixture("basic");
    let (out, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    set_modes(out.path(), 0o777, 0o666);
    set_modes(home.path(), 0o777, 0o666);
    set_modes(project.path(), 0o555, 0o444);
    let before = tree(project.path());
    let site = out.path().join("site");
    let run = || {
        // The tests' own user owns the folders they make.
        let root =
            std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(home.path()).unwrap()) == 0;
        let mut cmd = if root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_polybook"));
            c
        } else {
            polybook()
        };
        let o = cmd
            .args(["-v", "build", "--no-epub", "--no-pdf", "--out"])
            .arg(&site)
            .current_dir(project.path())
            .env("HOME", home.path())
            .env_remove("XDG_CACHE_HOME")
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{stderr}");
        stderr
    };
    let first = run();
    assert!(first.contains("  render:"), "{first}");
    assert!(site.join("index.html").is_file());
    assert!(tree(project.path()) == before, "the project was written to");
    let cache = home.path().join(".cache/polybook");
    let states: Vec<_> = walkdir::WalkDir::new(&cache)
        .into_iter()
        .flatten()
        .filter(|e| e.file_name() == "manifest.json")
        .collect();
    assert_eq!(
        states.len(),
        1,
        "one state folder under {}",
        cache.display()
    );
    let again = run();
    assert!(
        again.contains("unchanged check") && !again.contains("  render:"),
        "{again}"
    );
    // Writable again, so that the folder can be removed.
    set_modes(project.path(), 0o755, 0o644);
}
