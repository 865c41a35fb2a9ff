//! What edits of chapter files make stale in the last build: which chapter
//! bodies, pages and later outputs (print pages, books, search indexes).
//! Pure decisions over the model; [`super::session`] does the work, after
//! [`super::change`] classified the change as edits.

use std::collections::{BTreeMap, BTreeSet};

use super::change::Edit;
use super::kinds::Bodies;
use crate::model::outline::Anchors;
use crate::model::{ChapterRef, Project, Source};
use crate::render::markdown::{LinkRef, Rendered, Slot};
use crate::site::PageKind;

/// What a set of edits makes stale.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Chapter bodies to render again: (language index, chapter).
    pub bodies: BTreeSet<(usize, usize, usize)>,
    /// Pages to render again, before the browser reloads.
    pub pages: Vec<PageKind>,
    /// Languages whose print pages, books and search index are refreshed
    /// after the reload, by manual: (language index, manual index).
    pub later: BTreeSet<(usize, usize)>,
}

impl Stale {
    fn body(&mut self, lang: usize, r: ChapterRef) {
        self.bodies.insert((lang, r.manual, r.chapter));
    }
}

/// The state of an edited chapter before the edit: the edited file's source,
/// and the anchors of the chapter in every language (translations inherit
/// the source's).
pub struct Before {
    pub source: Source,
    pub anchors: BTreeMap<String, Anchors>,
}

/// What the `edits` (each with the chapter as it was [`Before`]) make
/// stale, given the model after them and the bodies rendered before, by
/// language and then flat index.
pub fn stale(project: &Project, edits: &[(Edit, Before)], bodies: &[Bodies]) -> Stale {
    let mut out = Stale::default();
    let mut pages: BTreeSet<PageKindKey> = BTreeSet::new();
    let langs = project.langs();
    let source_lang = project.source_lang();
    let mut any_source = false;
    for (edit, before) in edits {
        let r = edit.chapter;
        let chapter = project.chapter(r);
        let Some(new) = chapter.sources.get(&edit.lang) else {
            continue;
        };
        let moved =
            |code: &str| chapter.sources.get(code).map(|s| &s.anchors) != before.anchors.get(code);
        let renamed = before.source.title != new.title;
        let source_changed = edit.lang == source_lang && before.source.hash() != new.hash();
        any_source |= edit.lang == source_lang;
        let mut link_checks = Vec::new();
        for (l, lang) in langs.iter().enumerate() {
            let shown = project.content(r, &lang.code).0.lang.as_str();
            let text = shown == edit.lang;
            let anchors = moved(shown);
            if text || anchors {
                out.body(l, r);
                pages.insert(PageKindKey::Chapter(l, r.manual, r.chapter));
                out.later.insert((l, r.manual));
            }
            if anchors {
                link_checks.push(l);
            }
            if text && renamed {
                // Navigation and previous/next links show the title.
                for c in 0..project.manuals[r.manual].chapters.len() {
                    pages.insert(PageKindKey::Chapter(l, r.manual, c));
                }
                out.later.insert((l, r.manual));
            }
            if source_changed {
                // The outdated notice of each translation.
                pages.insert(PageKindKey::Chapter(l, r.manual, r.chapter));
            }
        }
        // Links into the chapter are checked against its anchors.
        for l in link_checks {
            for other in project.chapter_refs() {
                if other != r && links_to(&bodies[l][project.flat_index(other)], r) {
                    out.body(l, other);
                    pages.insert(PageKindKey::Chapter(l, other.manual, other.chapter));
                    out.later.insert((l, other.manual));
                }
            }
        }
    }
    // Lists of chapters, in every language touched.
    let touched: BTreeSet<usize> = out.later.iter().map(|&(l, _)| l).collect();
    for l in 0..langs.len() {
        if any_source || touched.contains(&l) {
            pages.insert(PageKindKey::Home(l));
            for m in 0..project.manuals.len() {
                pages.insert(PageKindKey::Contents(l, m));
            }
        }
    }
    // Every language's status page shows the states of all of them.
    if !edits.is_empty() {
        pages.extend((0..langs.len()).map(PageKindKey::Status));
    }
    out.pages = pages.into_iter().map(PageKindKey::kind).collect();
    out
}

/// Whether a rendered body links to chapter `target`.
fn links_to(body: &Rendered, target: ChapterRef) -> bool {
    body.slots
        .iter()
        .any(|s| matches!(s, Slot::Href(LinkRef::Chapter { target: t, .. }) if *t == target))
}

/// A page kind in a sortable form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PageKindKey {
    Home(usize),
    Status(usize),
    Contents(usize, usize),
    Chapter(usize, usize, usize),
}

impl PageKindKey {
    fn kind(self) -> PageKind {
        match self {
            PageKindKey::Home(lang) => PageKind::Home { lang },
            PageKindKey::Status(lang) => PageKind::Status { lang },
            PageKindKey::Contents(lang, manual) => PageKind::Contents { lang, manual },
            PageKindKey::Chapter(lang, manual, chapter) => PageKind::Chapter {
                lang,
                chapter: ChapterRef { manual, chapter },
            },
        }
    }
}
