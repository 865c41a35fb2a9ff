//! What one build makes: the languages and manuals of `--lang` and
//! `--manual`, or only the shared files (`--shared-only`), and which files
//! of earlier builds lie outside them.

use super::BuildOptions;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::model::Project;
use crate::site;

/// Which languages and manuals a build produces (`--lang`, `--manual`).
pub(crate) struct Scope {
    pub langs: Vec<bool>,
    pub manuals: Vec<bool>,
    pub filtered: bool,
    /// Only the files no language owns (`--shared-only`): no language is
    /// in scope, the root page and the sitemap are.
    pub shared_only: bool,
}

impl Scope {
    pub fn new(project: &Project, opts: &BuildOptions) -> Result<Scope> {
        let mut problems = Vec::new();
        for code in &opts.languages {
            if project.config.lang(code).is_none() {
                let known: Vec<&str> = project.langs().iter().map(|l| l.code.as_str()).collect();
                problems.push(
                    Diagnostic::error("--lang", 0, format!("the project has no language `{code}`"))
                        .with_hint(format!("the languages are: {}", known.join(", "))),
                );
            }
        }
        for id in &opts.manuals {
            if !project.manuals.iter().any(|m| &m.id == id) {
                let known: Vec<&str> = project.manuals.iter().map(|m| m.id.as_str()).collect();
                problems.push(
                    Diagnostic::error("--manual", 0, format!("the project has no manual `{id}`"))
                        .with_hint(format!("the manuals are: {}", known.join(", "))),
                );
            }
        }
        if opts.shared_only && (!opts.languages.is_empty() || !opts.manuals.is_empty()) {
            let given = if opts.languages.is_empty() {
                "--manual"
            } else {
                "--lang"
            };
            problems.push(
                Diagnostic::error(
                    given,
                    0,
                    format!("`--shared-only` makes no language's or manual's pages, so `{given}` has nothing to choose"),
                )
                .with_hint("build the shards with `--lang`, then the shared files with `--shared-only` alone"),
            );
        }
        if !problems.is_empty() {
            return Err(Error::Options(problems));
        }
        Ok(Scope {
            langs: project
                .langs()
                .iter()
                .map(|l| {
                    !opts.shared_only
                        && (opts.languages.is_empty() || opts.languages.contains(&l.code))
                })
                .collect(),
            manuals: project
                .manuals
                .iter()
                .map(|m| opts.manuals.is_empty() || opts.manuals.contains(&m.id))
                .collect(),
            filtered: !opts.languages.is_empty() || !opts.manuals.is_empty() || opts.shared_only,
            shared_only: opts.shared_only,
        })
    }

    /// How many languages this build makes pages of.
    pub fn language_count(&self) -> usize {
        self.langs.iter().filter(|&&l| l).count()
    }

    /// How many manuals this build makes pages of (none for the shared
    /// files alone).
    pub fn manual_count(&self) -> usize {
        if self.shared_only {
            return 0;
        }
        self.manuals.iter().filter(|&&m| m).count()
    }

    /// Whether this build writes the root page and the sitemap, which list
    /// every language: a build of all of them, or of the shared files only.
    pub fn writes_shared_pages(&self) -> bool {
        !self.filtered || self.shared_only
    }

    pub fn has_page(&self, kind: site::PageKind) -> bool {
        use site::PageKind::*;
        match kind {
            Root => self.writes_shared_pages(),
            Home { lang } | Status { lang } | About { lang } => self.langs[lang],
            Contents { lang, manual } | Print { lang, manual } => {
                self.langs[lang] && self.manuals[manual]
            }
            Chapter { lang, chapter } => self.langs[lang] && self.manuals[chapter.manual],
        }
    }

    /// Whether an output file of an earlier build lies outside this build's
    /// scope, so that it is kept even though this build did not write it.
    pub fn keeps(&self, project: &Project, rel: &str) -> bool {
        if !self.filtered {
            return false;
        }
        let mut parts = rel.split('/');
        let first = parts.next().unwrap_or("");
        let Some(lang) = project.langs().iter().position(|l| l.code == first) else {
            // Shared files (root page, sitemap, copied files) stay.
            return true;
        };
        if !self.langs[lang] {
            return true;
        }
        let second = parts.next().unwrap_or("");
        let second = second.strip_suffix(".epub").unwrap_or(second);
        project
            .manuals
            .iter()
            .position(|m| m.id == second)
            .is_some_and(|m| !self.manuals[m])
    }
}
