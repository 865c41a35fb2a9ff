//! What one build makes: the languages and manuals of `--lang` and
//! `--manual`, or only the shared files (`--shared-only`), which files of
//! earlier builds lie outside them, and which problems it reports.

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
    /// The languages whose files' problems this build reports: those it
    /// makes and those whose text their pages show (the source's, the
    /// fallbacks'); every language without `--lang` or `--shared-only`.
    pub reported_langs: Vec<bool>,
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
        let langs: Vec<bool> = project
            .langs()
            .iter()
            .map(|l| {
                !opts.shared_only && (opts.languages.is_empty() || opts.languages.contains(&l.code))
            })
            .collect();
        let made = (project.langs().iter().zip(&langs))
            .filter(|&(_, &made)| made)
            .map(|(l, _)| l.code.clone());
        let shown = Project::texts_shown(&project.config, made);
        let reported_langs = project
            .langs()
            .iter()
            .map(|l| shown.contains(&l.code))
            .collect();
        Ok(Scope {
            langs,
            reported_langs,
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

    /// Whether this build reports problem `d`: one in a file of a language
    /// or manual it leaves out (a chapter, a PO catalogue, a language's UI
    /// strings), or on the pages of a language it does not make, is left to
    /// the build that makes them; problems of the files no language or
    /// manual owns (`polybook.toml`, themes) are always reported.
    pub fn reports(&self, project: &Project, d: &Diagnostic) -> bool {
        if !self.filtered {
            return true;
        }
        let lang_left_out = |code: &str| {
            (project.langs().iter().position(|l| l.code == code))
                .is_some_and(|l| !self.reported_langs[l])
        };
        let manual_left_out = |id: &str| {
            (project.manuals.iter().position(|m| m.id == id)).is_some_and(|m| !self.manuals[m])
        };
        if d.lang.as_deref().is_some_and(lang_left_out) {
            return false;
        }
        let parts: Vec<&str> = d.file.iter().filter_map(|c| c.to_str()).collect();
        match parts.as_slice() {
            // A manual's files, and a language's chapters and images in it.
            ["manuals", manual, rest @ ..] => {
                !manual_left_out(manual) && !matches!(rest, [lang, _, ..] if lang_left_out(lang))
            }
            // A language's catalogues (`po/<lang>/<manual>/`), or a manual's
            // templates (`po/<manual>/`).
            [crate::po::FOLDER, first, rest @ ..] => {
                !lang_left_out(first)
                    && !manual_left_out(first)
                    && !matches!(rest, [manual, _, ..] if manual_left_out(manual))
            }
            ["i18n", file] => !file.strip_suffix(".ftl").is_some_and(lang_left_out),
            _ => true,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_build_of_some_languages_reports_the_problems_of_their_files_and_the_shared_ones() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let (project, _) = crate::build::load(&root).unwrap();
        let scope = |languages: &[&str], shared_only| {
            let opts = BuildOptions {
                languages: languages.iter().map(|l| l.to_string()).collect(),
                shared_only,
                ..Default::default()
            };
            Scope::new(&project, &opts).unwrap()
        };
        let at = |file: &str| Diagnostic::warning(file, 3, "a problem");
        let es = scope(&["es"], false);
        let reported = [
            "manuals/guide/es/intro.md",
            // The source's files: its text shows where a translation is missing.
            "manuals/guide/en/intro.md",
            "manuals/guide/media/shield.svg",
            "manuals/guide/manual.toml",
            "po/es/guide/intro.po",
            "po/guide/intro.pot",
            "i18n/es.ftl",
            "polybook.toml",
            "themes/default/templates/chapter.html",
            "/elsewhere/fonts/zh.ttf",
        ];
        for file in reported {
            assert!(es.reports(&project, &at(file)), "{file}");
        }
        for file in [
            "manuals/guide/zh/intro.md",
            "manuals/guide/ar/media/map.png",
            "po/zh/guide/intro.po",
            "i18n/ar.ftl",
        ] {
            assert!(!es.reports(&project, &at(file)), "{file}");
        }
        // A problem on the pages of a language left out.
        assert!(!es.reports(&project, &at("polybook.toml").with_lang("zh")));
        assert!(es.reports(&project, &at("polybook.toml").with_lang("es")));
        // Every problem without a choice of languages.
        let all = scope(&[], false);
        assert!(all.reports(&project, &at("manuals/guide/zh/intro.md")));
        // The shared files alone: the source's and the shared files' problems.
        let shared = scope(&[], true);
        assert!(shared.reports(&project, &at("manuals/guide/en/intro.md")));
        assert!(shared.reports(&project, &at("polybook.toml")));
        assert!(!shared.reports(&project, &at("manuals/guide/es/intro.md")));
        // A manual left out: its files in every language.
        let mut other_manual = scope(&[], false);
        other_manual.manuals = vec![false];
        other_manual.filtered = true;
        for file in [
            "manuals/guide/es/intro.md",
            "manuals/guide/manual.toml",
            "po/es/guide/intro.po",
            "po/guide/intro.pot",
        ] {
            assert!(!other_manual.reports(&project, &at(file)), "{file}");
        }
        assert!(other_manual.reports(&project, &at("i18n/es.ftl")));
    }
}
