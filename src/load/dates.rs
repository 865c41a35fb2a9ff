//! The date of each book (`dcterms:modified`), taken from the sources and
//! never from the checkout, so that every clone of a commit gives the same
//! bytes (a clone sets every file's time to the moment of the clone):
//!
//! 1. `SOURCE_DATE_EPOCH`, when set;
//! 2. in a git repository, the time of the last commit that touched the
//!    manual's folder or its PO catalogues (`po/<lang>/<manual>/`), or, when
//!    files of those folders have changes not committed yet, the newest of
//!    those files' times when it is later;
//! 3. otherwise (no git, or a manual git knows nothing of), the newest time
//!    of the chapter files the book holds.
//!
//! One `git log -1` per manual and one `git status` for all, run at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where the books' dates come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dates {
    /// `SOURCE_DATE_EPOCH`: one time for every book.
    Fixed(i64),
    /// From git, by manual folder name; a manual left out takes its files'
    /// times.
    Git(BTreeMap<String, i64>),
    /// The chapter files' times.
    Files,
}

impl Dates {
    /// The dates of the books of the project at `root`.
    pub fn find(root: &Path, source_date_epoch: Option<i64>) -> Dates {
        if let Some(t) = source_date_epoch {
            return Dates::Fixed(t);
        }
        from_git(root).map_or(Dates::Files, Dates::Git)
    }

    /// The date of the books of `manual`, in seconds since 1970; `None`
    /// when it is the newest time of the chapter files a book holds.
    pub fn of(&self, manual: &str) -> Option<i64> {
        match self {
            Dates::Fixed(t) => Some(*t),
            Dates::Git(by_manual) => by_manual.get(manual).copied(),
            Dates::Files => None,
        }
    }
}

/// A git command run in `root`, whatever the user's settings for `log`.
fn git(root: &Path, args: &[&str]) -> Option<std::process::Child> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "log.follow=false", "-c", "log.showSignature=false"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

/// The output of a command that succeeded.
fn output(child: Option<std::process::Child>) -> Option<Vec<u8>> {
    let out = child?.wait_with_output().ok()?;
    out.status.success().then_some(out.stdout)
}

/// The dates git gives the manuals of the project at `root`; `None` when
/// git cannot say (not a repository, no git).
fn from_git(root: &Path) -> Option<BTreeMap<String, i64>> {
    let manuals: Vec<String> = std::fs::read_dir(root.join("manuals"))
        .ok()?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    // All at once: each is a process of its own.
    let top = git(root, &["rev-parse", "--show-toplevel"]);
    let status = git(
        root,
        &[
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--no-renames",
            "--",
            "manuals",
            ":(glob)po/*/*/**",
        ],
    );
    let logs: Vec<_> = manuals
        .iter()
        .map(|m| {
            let path = format!("manuals/{m}");
            let po = format!(":(glob)po/*/{m}/**");
            git(root, &["log", "-1", "--format=%ct", "--", &path, &po])
        })
        .collect();
    // Each waited for, so that none is left behind.
    let (top, status) = (output(top), output(status));
    let logs: Vec<Option<Vec<u8>>> = logs.into_iter().map(output).collect();
    let top = PathBuf::from(String::from_utf8(top?).ok()?.trim_end_matches('\n'));
    let status = status?;
    let mut dates = BTreeMap::new();
    for (manual, log) in manuals.iter().zip(logs) {
        let text = String::from_utf8(log?).ok()?;
        if let Ok(t) = text.trim().parse::<i64>() {
            dates.insert(manual.clone(), t);
        }
    }
    // Files with changes not committed: their times, for their manual.
    let root_real = root.canonicalize().ok()?;
    let mut entries = status.split(|&b| b == 0);
    while let Some(entry) = entries.next() {
        if entry.len() < 4 {
            continue;
        }
        let (code, path) = (&entry[..2], &entry[3..]);
        if code.contains(&b'R') || code.contains(&b'C') {
            // The original path follows.
            entries.next();
        }
        let Ok(path) = std::str::from_utf8(path) else {
            continue;
        };
        let abs = top.join(path);
        let Ok(rel) = abs.strip_prefix(&root_real) else {
            continue;
        };
        // `manuals/<manual>/...` or `po/<lang>/<manual>/...`.
        let skip = if rel.starts_with("po") { 2 } else { 1 };
        let mut parts = rel.components().skip(skip);
        let Some(manual) = parts.next().and_then(|c| c.as_os_str().to_str()) else {
            continue;
        };
        let Some(time) = std::fs::symlink_metadata(&abs)
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs() as i64)
        else {
            continue;
        };
        let date = dates.entry(manual.to_string()).or_insert(time);
        *date = (*date).max(time);
    }
    Some(dates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let ok = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(args)
            .env("GIT_COMMITTER_DATE", "@1600000000 +0000")
            .env("GIT_AUTHOR_DATE", "@1600000000 +0000")
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    }

    fn set_time(path: &Path, secs: u64) {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(t)
            .unwrap();
    }

    #[test]
    fn books_take_the_last_commit_then_uncommitted_changes_then_file_times() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for m in ["a", "b", "c"] {
            std::fs::create_dir_all(root.join("manuals").join(m).join("en")).unwrap();
            std::fs::write(root.join(format!("manuals/{m}/en/x.md")), "# X\n").unwrap();
        }
        assert_eq!(Dates::find(&root, Some(5)), Dates::Fixed(5));
        assert_eq!(Dates::find(&root, None), Dates::Files, "not a repository");
        run(dir.path(), &["init", "-q"]);
        run(dir.path(), &["add", "site/manuals/a", "site/manuals/b"]);
        run(dir.path(), &["commit", "-q", "-m", "x"]);
        set_time(&root.join("manuals/a/en/x.md"), 1_000_000_000);
        set_time(&root.join("manuals/c/en/x.md"), 1_700_000_000);
        let dates = Dates::find(&root, None);
        assert_eq!(
            dates.of("a"),
            Some(1_600_000_000),
            "the commit, not the file"
        );
        // A change not committed, newer than the commit.
        std::fs::write(root.join("manuals/b/en/x.md"), "# Y\n").unwrap();
        set_time(&root.join("manuals/b/en/x.md"), 1_650_000_000);
        let dates = Dates::find(&root, None);
        assert_eq!(dates.of("b"), Some(1_650_000_000));
        // Never committed: its files' times.
        assert_eq!(dates.of("c"), Some(1_700_000_000));
        // A manual's PO catalogues count for it: committed, then changed.
        std::fs::create_dir_all(root.join("po/es/a")).unwrap();
        std::fs::write(root.join("po/es/a/x.po"), "").unwrap();
        run(dir.path(), &["add", "site/po"]);
        let ok = Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
            .args(["commit", "-q", "-m", "po"])
            .env("GIT_COMMITTER_DATE", "@1620000000 +0000")
            .env("GIT_AUTHOR_DATE", "@1620000000 +0000")
            .status()
            .unwrap()
            .success();
        assert!(ok);
        assert_eq!(Dates::find(&root, None).of("a"), Some(1_620_000_000));
        std::fs::write(root.join("po/es/a/x.po"), "#\n").unwrap();
        set_time(&root.join("po/es/a/x.po"), 1_660_000_000);
        assert_eq!(Dates::find(&root, None).of("a"), Some(1_660_000_000));
        assert_eq!(Dates::find(&root, Some(7)).of("a"), Some(7));
    }
}
