//! Which pages a site has, and where each is written.

use crate::diag::Diagnostic;
use crate::model::{ChapterRef, Project, urls};

/// One page to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// The root `index.html` that lets a reader choose a language.
    Root,
    Home {
        lang: usize,
    },
    Contents {
        lang: usize,
        manual: usize,
    },
    /// The translation status of a language.
    Status {
        lang: usize,
    },
    Print {
        lang: usize,
        manual: usize,
    },
    Chapter {
        lang: usize,
        chapter: ChapterRef,
    },
    /// How to check an offline copy (when `bundle_public_key` is set).
    About {
        lang: usize,
    },
}

impl PageKind {
    /// The language of the page; `None` for the root page.
    pub fn lang(self) -> Option<usize> {
        match self {
            PageKind::Root => None,
            PageKind::Home { lang }
            | PageKind::Contents { lang, .. }
            | PageKind::Status { lang }
            | PageKind::About { lang }
            | PageKind::Print { lang, .. }
            | PageKind::Chapter { lang, .. } => Some(lang),
        }
    }
}

/// A rendered page.
#[derive(Debug, Default)]
pub struct PageOutput {
    pub path: String,
    /// `None` when the template failed (the failure is in `diagnostics`).
    pub html: Option<Vec<u8>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Room for what a template writes around a page's chapter bodies: the
/// head, the language switcher and the navigation of a long manual.
pub(super) const PAGE_FRAME_BYTES: usize = 16 * 1024;

/// Every page of the site, in a fixed order.
pub fn pages(project: &Project) -> Vec<PageKind> {
    let mut out = vec![PageKind::Root];
    for lang in 0..project.langs().len() {
        out.push(PageKind::Home { lang });
        for manual in 0..project.manuals.len() {
            out.push(PageKind::Contents { lang, manual });
            out.push(PageKind::Print { lang, manual });
        }
        out.extend(
            project
                .chapter_refs()
                .map(|chapter| PageKind::Chapter { lang, chapter }),
        );
        out.push(PageKind::Status { lang });
        if project.config.bundle_key_line.is_some() {
            out.push(PageKind::About { lang });
        }
    }
    out
}

/// The output path of a page.
pub fn page_path(project: &Project, kind: PageKind) -> String {
    let code = |l: usize| project.langs()[l].code.as_str();
    match kind {
        PageKind::Root => urls::root_index(),
        PageKind::Home { lang } => urls::home(code(lang)),
        PageKind::Contents { lang, manual } => {
            urls::contents(code(lang), &project.manuals[manual].id)
        }
        PageKind::Print { lang, manual } => urls::print(code(lang), &project.manuals[manual].id),
        PageKind::Chapter { lang, chapter } => {
            let m = &project.manuals[chapter.manual];
            urls::chapter(code(lang), &m.id, &m.chapters[chapter.chapter].id)
        }
        PageKind::Status { lang } => urls::status(code(lang)),
        PageKind::About { lang } => about_path(code(lang)),
    }
}

/// The page that tells how to check an offline copy of the site.
pub fn about_path(lang: &str) -> String {
    format!("{lang}/about-this-copy.html")
}
