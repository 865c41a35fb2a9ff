//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use polybook::{BuildOptions, BuildReport};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies a fixture project into a temporary folder, so tests can change it.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(name), dir.path());
    dir
}

/// Copies a project without its build state (`.polybook/`, which builds of
/// the fixture in place may be writing meanwhile).
pub fn copy_dir(from: &Path, to: &Path) {
    let walk = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| e.file_name() != polybook::build::cache::FOLDER);
    for entry in walk {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Builds `root` into `out`.
pub fn build(root: &Path, out: &Path) -> BuildReport {
    polybook::build(&BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        ..BuildOptions::default()
    })
    .unwrap_or_else(|e| panic!("build failed: {e}"))
}

/// Builds a fixture into a fresh temporary output folder.
pub fn build_fixture(name: &str) -> (tempfile::TempDir, BuildReport) {
    let out = tempfile::tempdir().unwrap();
    let report = build(&fixture(name), out.path());
    (out, report)
}

pub fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub fn parse(out: &Path, rel: &str) -> scraper::Html {
    scraper::Html::parse_document(&read(out, rel))
}

pub fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&scraper::Selector::parse(css).unwrap())
        .collect()
}

pub fn attr(doc: &scraper::Html, css: &str, name: &str) -> Option<String> {
    select(doc, css)
        .first()
        .and_then(|e| e.value().attr(name))
        .map(str::to_string)
}

/// Every file below `dir`, relative and sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// Diagnostics as `file:line: message` lines, for assertions.
pub fn diag_lines(report: &BuildReport) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{:?} {}:{}: {}",
                d.severity,
                d.file.display(),
                d.line,
                d.message
            )
        })
        .collect()
}

/// A file of a globally installed npm package (`npm root -g`).
pub fn npm_global(rel: &str) -> PathBuf {
    let out = std::process::Command::new("npm")
        .args(["root", "-g"])
        .output()
        .expect("npm runs (run `bash .ci/run` once to install it)");
    assert!(
        out.status.success(),
        "`npm root -g` failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join(rel)
}

/// Runs `check` on every item in two threads (the machine has two cores) and
/// collects what it reports, each line prefixed with the item.
pub fn in_two_threads<T: Sync + std::fmt::Debug>(
    items: &[T],
    check: impl Fn(&T) -> Vec<String> + Sync,
) -> Vec<String> {
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(items.len().div_ceil(2).max(1))
            .map(|chunk| {
                let check = &check;
                s.spawn(move || {
                    chunk
                        .iter()
                        .flat_map(|i| check(i).into_iter().map(move |p| format!("{i:?}: {p}")))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

/// Gives a project its own copy of a built-in template with `from` replaced
/// by `to`.
pub fn override_template(root: &Path, name: &str, from: &str, to: &str) {
    let f = root.join("themes/default/templates").join(name);
    std::fs::create_dir_all(f.parent().unwrap()).unwrap();
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/templates")
            .join(name),
    )
    .unwrap();
    assert!(builtin.contains(from), "{name} has no {from:?}");
    std::fs::write(f, builtin.replace(from, to)).unwrap();
}

/// Runs `f` on a thread of its own, with the default stack size of spawned
/// threads (smaller than the main thread's), and fails if it has not
/// finished after `secs` seconds: a hang or a stack overflow fails the test
/// instead of stalling or hiding it.
pub fn within<T: Send + 'static>(
    secs: u64,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(v) => v,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {secs} s")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

/// The text of one file of an EPUB book.
pub fn epub_entry(book: &Path, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("no {name} in {}", book.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Every XHTML document of an EPUB book, by name.
pub fn epub_documents(book: &Path) -> Vec<(String, String)> {
    let zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.unwrap().to_string())
        .filter(|n| n.ends_with(".xhtml"))
        .collect();
    names
        .into_iter()
        .map(|n| {
            let text = epub_entry(book, &n);
            (n, text)
        })
        .collect()
}

/// A copy of the bundled project (`polybook.toml`, manuals, UI strings,
/// themes, and its `po/` catalogues when `with_po`), to change freely.
pub fn bundled_copy(with_po: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("polybook.toml"), dir.path().join("polybook.toml")).unwrap();
    let subs: &[&str] = if with_po {
        &["manuals", "i18n", "themes", "po"]
    } else {
        &["manuals", "i18n", "themes"]
    };
    for sub in subs {
        if root.join(sub).is_dir() {
            copy_dir(&root.join(sub), &dir.path().join(sub));
        }
    }
    dir
}

/// Runs `cmd` to its end; fails the test, naming the command and giving
/// what it printed on stderr, when it cannot start or does not succeed.
pub fn run_ok(cmd: &mut std::process::Command) -> std::process::Output {
    let shown = format!("{cmd:?}");
    let out = (cmd.output()).unwrap_or_else(|e| panic!("{shown} could not run: {e}"));
    assert!(
        out.status.success(),
        "{shown}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs `msgfmt --check` on a PO file; fails the test when msgfmt cannot
/// run or finds a fault.
pub fn msgfmt_check(file: &Path) {
    let out = std::process::Command::new("msgfmt")
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

/// The lines `rx` gives until one has `what` in it, that one included, for
/// at most `wait`; `Err` with the lines it gave when none had.
pub fn lines_until(
    rx: &std::sync::mpsc::Receiver<String>,
    what: &str,
    wait: std::time::Duration,
) -> Result<Vec<String>, Vec<String>> {
    let until = std::time::Instant::now() + wait;
    let mut got = Vec::new();
    while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(l) => {
                let done = l.contains(what);
                got.push(l);
                if done {
                    return Ok(got);
                }
            }
            Err(_) => break,
        }
    }
    Err(got)
}
