//! The translation status page of a language.

use minijinja::value::Serde;
use serde::Serialize;

use crate::model::urls;

use super::*;

#[derive(Serialize)]
pub(super) struct StatusRow {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) url: String,
    pub(super) current: bool,
    pub(super) counts: [usize; 5],
    /// Chapters made from PO catalogues that are partly translated.
    pub(super) partial: usize,
    /// Translations whose file could not be read.
    pub(super) broken: usize,
    /// A whole number when it is one (`50`, not `50.0`).
    pub(super) percent: minijinja::Value,
}

#[derive(Serialize)]
pub(super) struct StatusEntry {
    pub(super) title: String,
    /// Language of the title when it is the source's.
    pub(super) title_lang: Option<String>,
    pub(super) state: &'static str,
    pub(super) state_label: String,
    pub(super) source_url: String,
    pub(super) page_url: String,
    pub(super) file: String,
    /// For a chapter made from a PO catalogue: its whole percentages of
    /// translated and fuzzy messages.
    pub(super) po: Option<[u64; 2]>,
    /// For a translation that could not be read: why, with its line.
    pub(super) problem: Option<String>,
}

#[derive(Serialize)]
pub(super) struct StatusManual<'a> {
    pub(super) title: &'a str,
    pub(super) chapters: usize,
    pub(super) rows: Vec<StatusRow>,
    /// Whether some language has partly translated chapters (a column).
    pub(super) partial: bool,
    /// Whether some language has translations that could not be read (a column).
    pub(super) broken: bool,
    pub(super) entries: Vec<StatusEntry>,
}

impl SiteContext<'_> {
    /// The translation status page of a language: progress of every language,
    /// and this language's chapters that need work.
    pub(super) fn status_context(&self, lang: usize, path: &str) -> minijinja::Value {
        let l = self.lang(lang);
        let report = self.status.get_or_init(|| {
            std::sync::Arc::new(crate::translate::status::report_with(
                self.project,
                &crate::translate::status::Filter::default(),
                self.load_problems.iter().copied(),
                &self.kept_unreadable,
            ))
        });
        let source = self.project.source_lang();
        let mut manuals = Vec::new();
        for (mi, ms) in report.manuals.iter().enumerate() {
            let m = &self.project.manuals[mi];
            let rows = ms
                .languages
                .iter()
                .map(|ls| {
                    let other = self.project.config.lang(&ls.lang).expect("published");
                    StatusRow {
                        code: ls.lang.clone(),
                        name: self.lang_name(other).to_string(),
                        url: urls::relative(path, &urls::status(&ls.lang)),
                        current: ls.lang == l.code,
                        counts: [ls.current, ls.outdated, ls.unknown, ls.missing, ls.orphaned],
                        partial: ls.partial,
                        broken: ls.broken,
                        percent: if ls.percent_current.fract() == 0.0 {
                            minijinja::Value::from(ls.percent_current as u64)
                        } else {
                            minijinja::Value::from(ls.percent_current)
                        },
                    }
                })
                .collect();
            let entries = ms
                .languages
                .iter()
                .filter(|ls| ls.lang == l.code)
                .flat_map(|ls| ls.needs_work.iter())
                .filter(|c| c.state != crate::translate::provenance::State::Orphaned)
                .map(|c| {
                    let r = self
                        .project
                        .find_chapter(&m.id, &c.chapter)
                        .expect("listed chapter");
                    let (shown, fallback) = self.project.content(r, &l.code);
                    StatusEntry {
                        title: shown.title.clone(),
                        title_lang: fallback.then(|| shown.lang.clone()),
                        state: c.state.as_str(),
                        state_label: self
                            .ui(&l.code)
                            .get(&format!("state-{}", c.state.as_str()))
                            .to_string(),
                        source_url: urls::relative(path, &urls::chapter(source, &m.id, &c.chapter)),
                        page_url: urls::relative(path, &urls::chapter(&l.code, &m.id, &c.chapter)),
                        file: c.file.to_string_lossy().replace('\\', "/"),
                        po: c.po.as_ref().map(|p| {
                            [
                                p.percent_translated.round() as u64,
                                p.percent_fuzzy.round() as u64,
                            ]
                        }),
                        problem: c.problem.clone(),
                    }
                })
                .collect();
            manuals.push(StatusManual {
                title: m.config.title_in(&l.code),
                chapters: ms.chapters,
                partial: ms.languages.iter().any(|ls| ls.partial > 0),
                broken: ms.languages.iter().any(|ls| ls.broken > 0),
                rows,
                entries,
            });
        }
        let title = self.ui(&l.code).get("translation-status").to_string();
        let common = self.common(lang, path, title, None, &|i| {
            (urls::status(&self.lang(i).code), false)
        });
        minijinja::context! { page => common, manuals => Serde(manuals), is_source => l.code == source }
    }
}
