//! A manual's navigation for one page: its parts and chapters, collapsed
//! and windowed for long manuals.

use crate::model::{ChapterRef, urls};

use super::*;

impl<'a> SiteContext<'a> {
    pub(super) fn manual_view(
        &self,
        lang: usize,
        manual: usize,
        path: &str,
        current: Option<ChapterRef>,
    ) -> ManualView<'_> {
        let code = &self.lang(lang).code;
        let m = &self.project.manuals[manual];
        let part_count = m.config.parts.len();
        // Which chapters a chapter page lists: all of them in a short manual;
        // otherwise a window in the current chapter's part.
        // A part's chapters are contiguous (the contents list them part after
        // part), so a part's first chapter is found by binary search and a
        // page's work does not grow with the length of the manual.
        let part_start = |part: usize| m.chapters.partition_point(|c| c.part < part);
        let window = match current {
            Some(r) if m.chapters.len() > NAV_FULL => {
                let part = m.chapters[r.chapter].part;
                let first = part_start(part);
                let len = part_start(part + 1) - first;
                let pos = r.chapter - first;
                let (lo, hi) = if len <= NAV_FULL {
                    (0, len)
                } else {
                    (pos.saturating_sub(NAV_SIDE), (pos + NAV_SIDE + 1).min(len))
                };
                Some((part, first + lo, first + hi - 1, lo + 1))
            }
            _ => None,
        };
        let chapter_url =
            |ch: &crate::model::Chapter| urls::relative(path, &urls::chapter(code, &m.id, &ch.id));
        let title = |p: usize| minijinja::Value::from(m.config.parts[p].title_in(code));
        // With a window, the other parts show only their title, linking to
        // their first chapter.
        let collapsed = |p: usize| {
            let t = m.config.parts[p].title_in(code)?;
            let ch = m.chapters.get(part_start(p)).filter(|c| c.part == p)?;
            Some(
                NavPart {
                    title: t.into(),
                    chapters: minijinja::Value::UNDEFINED,
                    start: 1,
                    collapsed: chapter_url(ch).into(),
                }
                .into_value(),
            )
        };
        let listed = match window {
            Some((_, first, last, _)) => first..last + 1,
            None => 0..m.chapters.len(),
        };
        let entry = |ci: usize, url: String, current: bool| {
            let r = ChapterRef {
                manual,
                chapter: ci,
            };
            let (src, fallback) = self.project.content(r, code);
            NavChapter {
                title: src.title.as_str().into(),
                title_lang: fallback.then_some(src.lang.as_str()).into(),
                url: url.into(),
                current,
                fallback,
            }
            .into_value()
        };
        // Pages in the manual's own folder (its contents, print page and
        // most chapters) link to the chapters alike: their entries are made
        // once.
        let folder = urls::contents(code, &m.id);
        let folder = &folder[..folder.len() - "index.html".len()];
        let in_folder = path
            .strip_prefix(folder)
            .is_some_and(|name| !name.contains('/'));
        let shared = in_folder.then(|| {
            self.nav[lang][manual].get_or_init(|| {
                (0..m.chapters.len())
                    .map(|ci| entry(ci, chapter_url(&m.chapters[ci]), false))
                    .collect()
            })
        });
        let mut lists: Vec<Vec<minijinja::Value>> = vec![Vec::new(); part_count];
        for ci in listed {
            let is_current = current.is_some_and(|r| r.chapter == ci);
            lists[m.chapters[ci].part].push(match shared {
                Some(entries) if !is_current => entries[ci].clone(),
                _ => entry(ci, chapter_url(&m.chapters[ci]), is_current),
            });
        }
        // Parts listing no chapter show collapsed, or not at all.
        let parts = lists
            .into_iter()
            .enumerate()
            .filter_map(|(p, list)| {
                if !list.is_empty() {
                    let start = match window {
                        Some((part, _, _, start)) if part == p => start,
                        _ => 1,
                    };
                    return Some(
                        NavPart {
                            title: title(p),
                            chapters: minijinja::Value::from(list),
                            start,
                            collapsed: minijinja::Value::from(()),
                        }
                        .into_value(),
                    );
                }
                match window {
                    Some((part, ..)) if part != p && in_folder => self.collapsed_parts[lang]
                        [manual]
                        .get_or_init(|| (0..part_count).map(collapsed).collect())[p]
                        .clone(),
                    Some((part, ..)) if part != p => collapsed(p),
                    _ => None,
                }
            })
            .collect();
        ManualView {
            id: &m.id,
            title: m.config.title_in(code),
            description: m.config.description_in(code).map(|(d, _)| d),
            description_lang: match m.config.description_in(code) {
                Some((_, false)) if code != self.project.source_lang() => {
                    Some(self.project.source_lang())
                }
                _ => None,
            },
            url: urls::relative(path, &urls::contents(code, &m.id)),
            print_url: urls::relative(path, &urls::print(code, &m.id)),
            epub_url: self
                .epub
                .then(|| urls::relative(path, &crate::epub::book_path(code, &m.id))),
            parts,
            chapter_count: m.chapters.len(),
            partial: window.is_some(),
        }
    }
}
