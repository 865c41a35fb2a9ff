//! A manual's navigation for one page: its parts and chapters, collapsed
//! and windowed for long manuals.

use crate::model::{Chapter, ChapterRef, Manual, urls};

use super::*;

impl<'a> SiteContext<'a> {
    /// A manual's titles, links and navigation as page `path` in language `lang` shows them.
    ///
    /// `current` is the chapter the page shows, if it shows one.
    pub(super) fn manual_view(
        &self,
        lang: usize,
        manual: usize,
        path: &str,
        current: Option<ChapterRef>,
    ) -> ManualView<'_> {
        let code = &self.lang(lang).code;
        let m = &self.project.manuals[manual];
        let nav = Nav {
            site: self,
            lang,
            manual,
            code,
            m,
            path,
        };
        let window = current.and_then(|r| nav.window(r));
        let parts = nav.parts(current, window);
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
            pdf_url: self
                .pdf
                .then(|| urls::relative(path, &crate::pdf::book_path(code, &m.id))),
            parts,
            chapter_count: m.chapters.len(),
            partial: window.is_some(),
        }
    }
}

/// The chapters that a page of a long manual lists: a window around the current one.
#[derive(Clone, Copy)]
struct Window {
    /// The current chapter's part.
    part: usize,
    /// The first and the last chapter listed, in the manual's chapters.
    first: usize,
    last: usize,
    /// Number of the first chapter listed, within the part (1-based).
    start: usize,
}

/// The navigation of one manual on one page, in the page's language.
struct Nav<'s, 'a> {
    site: &'s SiteContext<'a>,
    lang: usize,
    manual: usize,
    code: &'s str,
    m: &'s Manual,
    path: &'s str,
}

impl<'s> Nav<'s, '_> {
    /// Where the chapters of `part` start in the manual's chapters.
    ///
    /// A part's chapters are contiguous (the contents list them part after
    /// part), so a part's first chapter is found by binary search and a
    /// page's work does not grow with the length of the manual.
    fn part_start(&self, part: usize) -> usize {
        self.m.chapters.partition_point(|c| c.part < part)
    }

    /// Which chapters the page of chapter `r` lists: none means all of them.
    ///
    /// A short manual lists all its chapters; a long one, a window in the
    /// current chapter's part.
    fn window(&self, r: ChapterRef) -> Option<Window> {
        if self.m.chapters.len() <= NAV_FULL {
            return None;
        }
        let part = self.m.chapters[r.chapter].part;
        let first = self.part_start(part);
        let len = self.part_start(part + 1) - first;
        let pos = r.chapter - first;
        let (lo, hi) = if len <= NAV_FULL {
            (0, len)
        } else {
            (pos.saturating_sub(NAV_SIDE), (pos + NAV_SIDE + 1).min(len))
        };
        Some(Window {
            part,
            first: first + lo,
            last: first + hi - 1,
            start: lo + 1,
        })
    }

    /// The address of a chapter's page, relative to the page.
    fn chapter_url(&self, ch: &Chapter) -> String {
        urls::relative(self.path, &urls::chapter(self.code, &self.m.id, &ch.id))
    }

    /// Whether the page is in the manual's folder (contents, print page, most chapters).
    fn in_folder(&self) -> bool {
        let folder = urls::contents(self.code, &self.m.id);
        let folder = &folder[..folder.len() - "index.html".len()];
        self.path
            .strip_prefix(folder)
            .is_some_and(|name| !name.contains('/'))
    }

    /// The entry of chapter `ci`, linking to `url`, titled as the page's language shows it.
    fn entry(&self, ci: usize, url: String, current: bool) -> minijinja::Value {
        let r = ChapterRef {
            manual: self.manual,
            chapter: ci,
        };
        let (src, fallback) = self.site.project.content(r, self.code);
        NavChapter {
            title: src.title.as_str().into(),
            title_lang: fallback.then_some(src.lang.as_str()).into(),
            url: url.into(),
            current,
            fallback,
        }
        .into_value()
    }

    /// The parts, each listing its chapters, or collapsed to its title, or left out.
    ///
    /// With a window, the other parts show only their title, linking to
    /// their first chapter.
    fn parts(&self, current: Option<ChapterRef>, window: Option<Window>) -> Vec<minijinja::Value> {
        let in_folder = self.in_folder();
        // Parts listing no chapter show collapsed, or not at all.
        (self
            .lists(current, window, in_folder)
            .into_iter()
            .enumerate())
        .filter_map(|(p, list)| {
            if !list.is_empty() {
                let start = match window {
                    Some(w) if w.part == p => w.start,
                    _ => 1,
                };
                return Some(self.listing(p, list, start));
            }
            match window {
                Some(w) if w.part != p && in_folder => self.shared_collapsed(p),
                Some(w) if w.part != p => self.collapsed(p),
                _ => None,
            }
        })
        .collect()
    }

    /// The entries of the chapters listed, by part.
    fn lists(
        &self,
        current: Option<ChapterRef>,
        window: Option<Window>,
        in_folder: bool,
    ) -> Vec<Vec<minijinja::Value>> {
        let chapters = &self.m.chapters;
        let listed = match window {
            Some(w) => w.first..w.last + 1,
            None => 0..chapters.len(),
        };
        // Pages in the manual's own folder link to the chapters alike: their
        // entries are made once.
        let shared = in_folder.then(|| {
            self.site.nav[self.lang][self.manual].get_or_init(|| {
                (0..chapters.len())
                    .map(|ci| self.entry(ci, self.chapter_url(&chapters[ci]), false))
                    .collect()
            })
        });
        let mut lists: Vec<Vec<minijinja::Value>> = vec![Vec::new(); self.m.config.parts.len()];
        for ci in listed {
            let is_current = current.is_some_and(|r| r.chapter == ci);
            lists[chapters[ci].part].push(match shared {
                Some(entries) if !is_current => entries[ci].clone(),
                _ => self.entry(ci, self.chapter_url(&chapters[ci]), is_current),
            });
        }
        lists
    }

    /// Part `p` listing the chapter entries `list`, the first of them numbered `start`.
    fn listing(&self, p: usize, list: Vec<minijinja::Value>, start: usize) -> minijinja::Value {
        NavPart {
            title: minijinja::Value::from(self.m.config.parts[p].title_in(self.code)),
            chapters: minijinja::Value::from(list),
            start,
            collapsed: minijinja::Value::from(()),
        }
        .into_value()
    }

    /// Part `p` collapsed to its title, linking to its first chapter, if it has both.
    fn collapsed(&self, p: usize) -> Option<minijinja::Value> {
        let t = self.m.config.parts[p].title_in(self.code)?;
        let ch = self
            .m
            .chapters
            .get(self.part_start(p))
            .filter(|c| c.part == p)?;
        Some(
            NavPart {
                title: t.into(),
                chapters: minijinja::Value::UNDEFINED,
                start: 1,
                collapsed: self.chapter_url(ch).into(),
            }
            .into_value(),
        )
    }

    /// [`Self::collapsed`], made once for all the pages in the manual's folder.
    fn shared_collapsed(&self, p: usize) -> Option<minijinja::Value> {
        self.site.collapsed_parts[self.lang][self.manual].get_or_init(|| {
            (0..self.m.config.parts.len())
                .map(|p| self.collapsed(p))
                .collect()
        })[p]
            .clone()
    }
}
