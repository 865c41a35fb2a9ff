//! `polybook status`: the state of every translation, as text for people and
//! as JSON for scripts, and what changed in a source since a translation.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{Chapter, ChapterRef, Orphan, Project, Source};
use crate::translate::provenance::{self, State};

/// Identifies the JSON layout; changes only when the layout does.
pub const SCHEMA: &str = "polybook-status/1";

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub source_language: String,
    pub manuals: Vec<ManualStatus>,
}

#[derive(Debug, Serialize)]
pub struct ManualStatus {
    pub manual: String,
    /// Chapters in the source language.
    pub chapters: usize,
    pub languages: Vec<LangStatus>,
}

#[derive(Debug, Serialize)]
pub struct LangStatus {
    pub lang: String,
    pub current: usize,
    /// Chapters made from PO catalogues that are partly translated.
    pub partial: usize,
    pub outdated: usize,
    pub unknown: usize,
    pub missing: usize,
    pub orphaned: usize,
    /// Translations whose file cannot be read (only with the problems of
    /// loading, see [`report_with`]; else they count as missing).
    pub broken: usize,
    /// Share of the source's chapters that are current, 0 to 100.
    pub percent_current: f64,
    /// Every chapter that is not current.
    pub needs_work: Vec<ChapterStatus>,
}

#[derive(Debug, Serialize)]
pub struct ChapterStatus {
    pub chapter: String,
    pub state: State,
    /// The translation's file (where it is or would be).
    pub file: PathBuf,
    pub source_file: Option<PathBuf>,
    /// The source version the translation records, if any.
    pub recorded: Option<String>,
    /// The source's current version.
    pub source_hash: Option<String>,
    /// For a broken translation, the problem with its line
    /// (`line 2: invalid TOML front matter: ...`); else `None`.
    pub problem: Option<String>,
    /// For a chapter made from a PO catalogue, its messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub po: Option<PoStatus>,
}

/// The messages of a chapter made from a PO catalogue, and their shares
/// (0 to 100, one decimal).
#[derive(Debug, Clone, Serialize)]
pub struct PoStatus {
    pub messages: usize,
    pub translated: usize,
    pub fuzzy: usize,
    pub untranslated: usize,
    pub percent_translated: f64,
    pub percent_fuzzy: f64,
    pub percent_untranslated: f64,
}

impl PoStatus {
    fn of(f: &crate::model::PoFigures) -> Self {
        PoStatus {
            messages: f.total(),
            translated: f.translated,
            fuzzy: f.fuzzy,
            untranslated: f.untranslated,
            percent_translated: f.percent(f.translated),
            percent_fuzzy: f.percent(f.fuzzy),
            percent_untranslated: f.percent(f.untranslated),
        }
    }

    /// `72% translated, 8% fuzzy, 20% untranslated` (whole percentages).
    pub fn summary(&self) -> String {
        format!(
            "{:.0}% translated, {:.0}% fuzzy, {:.0}% untranslated",
            self.percent_translated, self.percent_fuzzy, self.percent_untranslated
        )
    }
}

/// Which part of the project to report on.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub manual: Option<String>,
    pub lang: Option<String>,
}

/// The status of every translation (pure); a translation that could not be
/// read counts as missing (see [`report_with`]).
pub fn report(project: &Project, filter: &Filter) -> Report {
    report_with(project, filter, [], &[])
}

/// [`report`], with the problems that loading the project reported, so
/// that a translation whose file cannot be read is `broken`, not missing;
/// `kept` are the files of those that a live session keeps the last good
/// version of ([`provenance::broken`]).
pub fn report_with<'a>(
    project: &Project,
    filter: &Filter,
    problems: impl IntoIterator<Item = &'a crate::diag::Diagnostic>,
    kept: &[&std::path::Path],
) -> Report {
    let source = project.source_lang();
    let broken = provenance::broken(project, problems, kept);
    let manuals = (project.manuals.iter().enumerate())
        .filter(|(_, m)| filter.manual.as_ref().is_none_or(|x| *x == m.id))
        .map(|(mi, m)| ManualStatus {
            manual: m.id.clone(),
            chapters: m.chapters.len(),
            languages: (project.langs().iter())
                .filter(|l| l.code != source)
                .filter(|l| filter.lang.as_ref().is_none_or(|x| *x == l.code))
                .map(|l| lang_status(project, mi, &l.code, &broken))
                .collect(),
        })
        .collect();
    Report {
        schema: SCHEMA,
        source_language: source.to_string(),
        manuals,
    }
}

/// The status of the translations of manual `mi` into `lang`.
///
/// `broken` are the translations that could not be read.
fn lang_status(
    project: &Project,
    mi: usize,
    lang: &str,
    broken: &[provenance::Broken<'_>],
) -> LangStatus {
    let m = &project.manuals[mi];
    let mut st = LangStatus::empty(lang);
    for ci in 0..m.chapters.len() {
        let r = ChapterRef {
            manual: mi,
            chapter: ci,
        };
        let problem = broken
            .iter()
            .find(|b| b.chapter == r && b.lang == lang)
            .map(|b| b.problem);
        let state = match problem {
            Some(_) => State::Broken,
            None => provenance::state(project, r, lang),
        };
        st.count(state);
        if state != State::Current {
            st.needs_work
                .push(ChapterStatus::of(project, r, lang, state, problem));
        }
    }
    for o in project
        .orphans
        .iter()
        .filter(|o| o.manual == mi && o.lang == lang)
    {
        st.orphaned += 1;
        st.needs_work.push(ChapterStatus::orphan(o));
    }
    if !m.chapters.is_empty() {
        st.percent_current = (st.current as f64 * 1000.0 / m.chapters.len() as f64).round() / 10.0;
    }
    st
}

impl LangStatus {
    /// The status of `lang` before any chapter is counted.
    fn empty(lang: &str) -> Self {
        LangStatus {
            lang: lang.to_string(),
            current: 0,
            partial: 0,
            outdated: 0,
            unknown: 0,
            missing: 0,
            orphaned: 0,
            broken: 0,
            percent_current: 0.0,
            needs_work: Vec::new(),
        }
    }

    /// Counts one chapter in `state`.
    fn count(&mut self, state: State) {
        match state {
            State::Current => self.current += 1,
            State::Partial => self.partial += 1,
            State::Outdated => self.outdated += 1,
            State::Unknown => self.unknown += 1,
            State::Missing => self.missing += 1,
            State::Orphaned => self.orphaned += 1,
            State::Broken => self.broken += 1,
        }
    }
}

impl ChapterStatus {
    /// The translation of chapter `r` into `lang`, in `state`.
    ///
    /// `problem` is why it could not be read, if it could not.
    fn of(
        project: &Project,
        r: ChapterRef,
        lang: &str,
        state: State,
        problem: Option<&crate::diag::Diagnostic>,
    ) -> Self {
        let m = &project.manuals[r.manual];
        let ch = &m.chapters[r.chapter];
        let src = &ch.sources[project.source_lang()];
        let tr = ch.sources.get(lang);
        ChapterStatus {
            chapter: ch.id.clone(),
            state,
            file: tr.map(|t| t.rel.clone()).unwrap_or_else(|| {
                PathBuf::from(format!("manuals/{}/{}/{}.md", m.id, lang, ch.id))
            }),
            source_file: Some(src.rel.clone()),
            recorded: tr.and_then(|t| t.recorded.clone()),
            source_hash: Some(src.hash().to_string()),
            problem: problem.map(|d| match d.line {
                0 => d.message.clone(),
                line => format!("line {line}: {}", d.message),
            }),
            po: tr.and_then(|t| t.po.as_ref()).map(PoStatus::of),
        }
    }

    /// A translation whose source chapter no longer exists.
    fn orphan(o: &Orphan) -> Self {
        ChapterStatus {
            chapter: o.chapter.clone(),
            state: State::Orphaned,
            file: o.rel.clone(),
            source_file: None,
            recorded: None,
            source_hash: None,
            problem: None,
            po: None,
        }
    }
}

/// `n`, and its whole percentage of `total` when there is a total: `3 (25%)`.
fn pct(n: usize, total: usize) -> String {
    if total == 0 {
        return format!("{n}");
    }
    format!("{n} ({:.0}%)", n as f64 * 100.0 / total as f64)
}

/// The report as text for a terminal.
pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    let mut work = Vec::new();
    for m in &report.manuals {
        out.push_str(&format!(
            "{} ({} chapters in {})\n",
            m.manual, m.chapters, report.source_language
        ));
        let partial = m.languages.iter().any(|l| l.partial > 0);
        let column = |text: String| {
            if partial {
                format!(" {text:>11}")
            } else {
                String::new()
            }
        };
        out.push_str(&format!(
            "  {:<8} {:>11}{} {:>11} {:>11} {:>11} {:>9} {:>7}\n",
            "language",
            "current",
            column("partial".into()),
            "outdated",
            "unknown",
            "missing",
            "orphaned",
            "broken"
        ));
        for l in &m.languages {
            out.push_str(&format!(
                "  {:<8} {:>11}{} {:>11} {:>11} {:>11} {:>9} {:>7}\n",
                l.lang,
                pct(l.current, m.chapters),
                column(pct(l.partial, m.chapters)),
                pct(l.outdated, m.chapters),
                pct(l.unknown, m.chapters),
                pct(l.missing, m.chapters),
                l.orphaned,
                l.broken
            ));
            for c in &l.needs_work {
                let what = match c.state {
                    State::Outdated => format!("the source changed; see `polybook status --diff {}`", c.file.display()),
                    State::Unknown => "no `translated_from`: once it matches the source, run `polybook stamp` on it".into(),
                    State::Missing => "not translated yet".into(),
                    State::Orphaned => "the source chapter no longer exists".into(),
                    State::Broken => format!(
                        "cannot be read: {}; fix it, then stamp it",
                        c.problem.as_deref().unwrap_or("")
                    ),
                    State::Partial => format!(
                        "made from a PO catalogue: {}; the source's text is shown for the rest",
                        c.po.as_ref().map(PoStatus::summary).unwrap_or_default()
                    ),
                    State::Current => String::new(),
                };
                work.push(format!(
                    "  {:<9} {:<6} {}  ({what})",
                    c.state.as_str(),
                    l.lang,
                    c.file.display()
                ));
            }
        }
        out.push('\n');
    }
    if work.is_empty() {
        out.push_str("Every translation is current.\n");
    } else {
        out.push_str("Needs work:\n");
        for w in work {
            out.push_str(&w);
            out.push('\n');
        }
    }
    out
}

/// A file named on the command line: relative to the current folder when it
/// exists there, else to the project root (so `-C DIR` works with project paths).
pub fn resolve_arg(root: &Path, file: &Path) -> Result<PathBuf> {
    if file.is_absolute() {
        return Ok(file.to_path_buf());
    }
    let here = std::env::current_dir()
        .map_err(|e| Error::io("find", ".", e))?
        .join(file);
    Ok(if here.exists() { here } else { root.join(file) })
}

/// What changed in the source of translation `file` since the version the
/// translation records, as a unified diff from git.
pub fn diff(project: &Project, file: &Path) -> Result<String> {
    let root = &project.paths.root;
    let abs = resolve_arg(root, file)?;
    let abs = abs.canonicalize().map_err(|e| Error::io("open", &abs, e))?;
    let rel = abs.strip_prefix(root).unwrap_or(&abs).to_path_buf();
    let fail = |msg: String| Error::Usage(format!("{}: {msg}", rel.display()));
    let Some((chapter, tr)) = translation_at(project, &abs) else {
        return Err(fail("not a translated chapter of this project".into()));
    };
    let source = &chapter.sources[project.source_lang()];
    let Some(recorded) = &tr.recorded else {
        return Err(fail(format!(
            "records no source version (`{}`); nothing to compare with",
            provenance::KEY
        )));
    };
    if *recorded == source.hash() {
        return Ok(format!(
            "{} is current: the source has not changed since it was translated.\n",
            rel.display()
        ));
    }
    changes_since(root, rel, source, recorded)
}

/// The chapter and the translation (not the source) whose file is `abs`.
fn translation_at<'p>(project: &'p Project, abs: &Path) -> Option<(&'p Chapter, &'p Source)> {
    project
        .manuals
        .iter()
        .flat_map(|m| m.chapters.iter())
        .find_map(|ch| {
            ch.sources
                .iter()
                .find(|(l, s)| *l != project.source_lang() && s.abs == abs)
                .map(|(_, s)| (ch, s))
        })
}

/// What changed in `source` since the commit of its version `recorded`, from git.
///
/// `rel` is the translation's file, for messages.
fn changes_since(root: &Path, rel: PathBuf, source: &Source, recorded: &str) -> Result<String> {
    if !git(root, &["rev-parse", "--is-inside-work-tree"])?
        .status
        .success()
    {
        return Err(Error::Git {
            file: rel,
            reason:
                "the project is not a git repository, so older versions of the source are not known"
                    .into(),
        });
    }
    let src_rel = source.rel.to_string_lossy().replace('\\', "/");
    let log = git(root, &["log", "--format=%H", "--", &src_rel])?;
    for commit in String::from_utf8_lossy(&log.stdout).lines() {
        let show = git(root, &["show", &format!("{commit}:./{src_rel}")])?;
        if !show.status.success() {
            continue;
        }
        if provenance::content_hash(&String::from_utf8_lossy(&show.stdout)) == recorded {
            let d = git(root, &["diff", "--no-color", commit, "--", &src_rel])?;
            let short = &commit[..commit.len().min(10)];
            return Ok(format!(
                "{} was translated from {src_rel} as of commit {short}. Changes since then:\n\n{}",
                rel.display(),
                String::from_utf8_lossy(&d.stdout)
            ));
        }
    }
    Err(Error::Git {
        file: rel,
        reason: format!(
            "no commit of {src_rel} has the recorded version `{recorded}`; was it stamped from an uncommitted source?"
        ),
    })
}

/// Runs git in the project folder `root` with `args`.
fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| Error::io("run git in", root, e))
}
