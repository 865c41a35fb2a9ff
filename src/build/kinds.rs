//! The outputs a build makes for each language, from that language's chapter
//! bodies: site pages, search indexes and EPUB books. Each is one
//! [`OutputKind`], registered in [`KINDS`]; a new output (a PDF book, a
//! catalogue) is one more implementation and one more entry there.
//!
//! A kind says when it runs (before the next language, beside it, or one
//! language at a time) and makes its files through the [`Emitter`], which
//! writes each as soon as it is made, so that no kind holds a language's
//! output in memory.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use indicatif::ProgressBar;
use rayon::prelude::*;

use super::emit::{Emitted, Emitter, Made};
use super::scope::Scope;
use crate::diag::Diagnostic;
use crate::epub;
use crate::load::dates::Dates;
use crate::model::{ChapterRef, Project};
use crate::pdf;
use crate::render::book::BookSource;
use crate::render::markdown::Rendered;
use crate::search::IndexSize;
use crate::site::i18n::Ui;
use crate::site::theme::Theme;
use crate::site::{self, PageKind, SiteContext};
use crate::translate::status;

/// One language's chapter bodies, by [`Project::flat_index`], shared by the
/// kinds that read them and freed when the last of them is done.
pub(crate) type Bodies = Arc<Vec<Rendered>>;

/// What a kind is given of one language: its bodies and, for a one-off
/// build, their search sections apart (by flat index), so that the bodies
/// are freed while the index is still being made. A kind that does not
/// read the bodies ([`OutputKind::reads_bodies`]) gets none in a one-off
/// build; a live session keeps the sections in the bodies.
#[derive(Clone, Default)]
pub(crate) struct Language {
    pub bodies: Bodies,
    pub sections: Arc<Vec<Vec<crate::search::Section>>>,
}

/// What every kind reads: the model, the resources and this build's choices.
pub(crate) struct Inputs<'a> {
    pub project: &'a Project,
    pub ui: &'a HashMap<String, Ui>,
    pub theme: &'a Theme,
    pub scope: &'a Scope,
    /// The books' dates.
    pub dates: &'a Dates,
    /// Whether books are made (and offered on contents pages).
    pub epub: bool,
    /// Whether PDF books are made (and offered on contents pages).
    pub pdf: bool,
    /// A live session: books wait for [`super::Session::finish_later`].
    pub session: bool,
    /// Which pages the site pages kind makes.
    pub pages: Pages,
    /// The translation report every status page shows.
    pub status: Option<Arc<status::Report>>,
    pub progress: &'a ProgressBar,
    /// The fonts each language's pages and books bundle.
    pub fonts: &'a super::fonts::Fonts,
}

/// Which pages of a language the site pages kind makes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pages {
    /// Every page in the build's scope.
    All,
    /// Only the print pages (what a live session refreshes after the reload).
    Print,
}

/// When a kind's work for a language runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runs {
    /// At once, before the next language's bodies are made.
    Now,
    /// As a task of its own beside the next languages' work.
    Beside,
    /// Beside, but one language at a time, so that no more than two
    /// languages' bodies are held.
    OneLanguageAtATime,
}

/// What a kind made for one language.
#[derive(Default)]
pub(crate) struct Product {
    pub files: Vec<Emitted>,
    /// The size of the language's search index, for the summary.
    pub index: Option<IndexSize>,
}

/// An output made per language.
pub(crate) trait OutputKind: Sync {
    fn runs(&self) -> Runs;
    /// Whether this build makes it for language `lang`.
    fn wanted(&self, cx: &Inputs<'_>, lang: usize) -> bool;
    /// Whether it reads the chapter bodies (or only their search sections).
    fn reads_bodies(&self) -> bool {
        true
    }
    /// Makes and emits its files for language `lang` and manuals `manuals`
    /// (those in scope, in order), from what it is given of the language.
    fn make(
        &self,
        cx: &Inputs<'_>,
        lang: usize,
        manuals: &[usize],
        language: &Language,
        emit: Emitter<'_>,
    ) -> Product;
}

/// Every output kind, in the order their work starts for a language: the
/// index first, so that its task runs beside the language's pages, then the
/// pages, then the books (which may wait for the last language's).
pub(crate) static KINDS: [&dyn OutputKind; 5] =
    [&SearchIndex, &SitePages, &FontFiles, &Books, &PdfBooks];

/// The site's pages of a language: home, contents, status, print and
/// chapter pages.
pub(crate) struct SitePages;

impl OutputKind for SitePages {
    fn runs(&self) -> Runs {
        Runs::Now
    }
    fn wanted(&self, _: &Inputs<'_>, _: usize) -> bool {
        true
    }
    fn make(
        &self,
        cx: &Inputs<'_>,
        lang: usize,
        manuals: &[usize],
        language: &Language,
        emit: Emitter<'_>,
    ) -> Product {
        let bodies = &language.bodies;
        let kinds: Vec<PageKind> = site::pages(cx.project)
            .into_iter()
            .filter(|&k| k.lang() == Some(lang) && cx.scope.has_page(k))
            .filter(|&k| match cx.pages {
                Pages::All => true,
                Pages::Print => {
                    matches!(k, PageKind::Print { manual, .. } if manuals.contains(&manual))
                }
            })
            .collect();
        let all = one_language(cx.project, lang, bodies);
        let fonts = cx.fonts.linked(cx.project.langs().len());
        let mut ctx = SiteContext::new(cx.project, cx.theme, cx.ui, &all, cx.epub)
            .with_pdf(cx.pdf)
            .with_fonts(fonts);
        if let Some(status) = &cx.status {
            ctx = ctx.with_status(status.clone());
        }
        let files = kinds
            .par_iter()
            .map(|&kind| {
                let page = emit.page(&ctx, kind);
                cx.progress.inc(1);
                page
            })
            .collect();
        Product { files, index: None }
    }
}

/// A language's bundled fonts: the subsets the fonts stage made, their
/// licences and the stylesheet its pages link.
pub(crate) struct FontFiles;

impl OutputKind for FontFiles {
    fn runs(&self) -> Runs {
        Runs::Now
    }
    fn wanted(&self, cx: &Inputs<'_>, lang: usize) -> bool {
        cx.fonts.has_site_fonts(lang)
    }
    fn reads_bodies(&self) -> bool {
        false
    }
    fn make(
        &self,
        cx: &Inputs<'_>,
        lang: usize,
        _: &[usize],
        _: &Language,
        emit: Emitter<'_>,
    ) -> Product {
        let files = (cx.fonts.site[lang].files.iter())
            .map(|(path, bytes)| emit.bytes(path.clone(), bytes.clone()))
            .collect();
        Product { files, index: None }
    }
}

/// `bodies` as the bodies of language `lang` among all languages (the
/// others empty: a language's pages read only its own).
fn one_language(project: &Project, lang: usize, bodies: &Bodies) -> Vec<Bodies> {
    (0..project.langs().len())
        .map(|l| {
            if l == lang {
                bodies.clone()
            } else {
                Bodies::default()
            }
        })
        .collect()
}

/// A language's search index, from the sections its bodies collected.
pub(crate) struct SearchIndex;

impl OutputKind for SearchIndex {
    fn runs(&self) -> Runs {
        Runs::Beside
    }
    fn wanted(&self, cx: &Inputs<'_>, lang: usize) -> bool {
        cx.project.config.search_in(&cx.project.langs()[lang].code)
    }
    fn reads_bodies(&self) -> bool {
        false
    }
    fn make(
        &self,
        cx: &Inputs<'_>,
        lang: usize,
        _: &[usize],
        language: &Language,
        emit: Emitter<'_>,
    ) -> Product {
        let (project, scope) = (cx.project, cx.scope);
        let code = project.langs()[lang].code.as_str();
        let index = crate::search::index_script_from(project, code, &mut |r, src| {
            let i = project.flat_index(r);
            // Chapters of manuals out of this build's scope were not rendered.
            if !scope.manuals[r.manual] {
                Cow::Owned(crate::search::sections(src.body(), &src.anchors.ids))
            } else if let Some(sections) = language.sections.get(i) {
                Cow::Borrowed(sections)
            } else {
                Cow::Borrowed(&language.bodies[i].sections)
            }
        });
        let size = index.size(code);
        let files = (index.into_files(code).into_iter())
            .map(|(path, text)| emit.bytes(path, text.into_bytes()))
            .collect();
        Product {
            files,
            index: Some(size),
        }
    }
}

/// A language's EPUB books, one per manual.
pub(crate) struct Books;

impl OutputKind for Books {
    fn runs(&self) -> Runs {
        Runs::OneLanguageAtATime
    }
    fn wanted(&self, cx: &Inputs<'_>, _: usize) -> bool {
        cx.epub && !cx.session
    }
    fn make(
        &self,
        cx: &Inputs<'_>,
        lang: usize,
        manuals: &[usize],
        language: &Language,
        emit: Emitter<'_>,
    ) -> Product {
        let files = manuals
            .par_iter()
            .map(|&m| emit.emit(book(cx, &language.bodies, lang, m)))
            .collect();
        Product { files, index: None }
    }
}

/// A book's date: the manual's, else its newest chapter file's.
fn book_date(cx: &Inputs<'_>, lang: usize, manual: usize) -> i64 {
    let project = cx.project;
    let code = &project.langs()[lang].code;
    let m = &project.manuals[manual];
    cx.dates.of(&m.id).unwrap_or_else(|| {
        (0..m.chapters.len())
            .map(|chapter| {
                project
                    .content(ChapterRef { manual, chapter }, code)
                    .0
                    .modified
            })
            .max()
            .unwrap_or(0)
    })
}

/// One manual in one language, as its books are made from it.
fn book_source<'a>(
    cx: &Inputs<'a>,
    bodies: &'a [Rendered],
    lang: usize,
    manual: usize,
) -> BookSource<'a> {
    let project = cx.project;
    let code = &project.langs()[lang].code;
    BookSource {
        project,
        ui: &cx.ui[code],
        lang,
        manual,
        bodies,
        modified: book_date(cx, lang, manual),
        lang_name: site::lang_name(cx.ui, &project.langs()[lang]),
    }
}

/// The EPUB book of one manual in one language, from that language's
/// chapter bodies.
fn book(cx: &Inputs<'_>, bodies: &[Rendered], lang: usize, manual: usize) -> Made {
    let project = cx.project;
    let path = epub::book_path(&project.langs()[lang].code, &project.manuals[manual].id);
    let book = epub::build(&epub::BookInput {
        source: book_source(cx, bodies, lang, manual),
        css: &cx.theme.epub_css,
        fonts: cx.fonts.books.get(&(lang, manual)),
    });
    match book {
        Ok(b) => Made {
            path,
            bytes: Some(b.bytes),
            diagnostics: b.diagnostics,
        },
        Err(e) => Made {
            diagnostics: vec![Diagnostic::error(
                &path,
                0,
                format!("could not write the EPUB: {e}"),
            )],
            path,
            bytes: None,
        },
    }
}

/// A language's PDF books, one per manual.
pub(crate) struct PdfBooks;

impl OutputKind for PdfBooks {
    fn runs(&self) -> Runs {
        Runs::OneLanguageAtATime
    }
    fn wanted(&self, cx: &Inputs<'_>, _: usize) -> bool {
        cx.pdf && !cx.session
    }
    fn make(
        &self,
        cx: &Inputs<'_>,
        lang: usize,
        manuals: &[usize],
        language: &Language,
        emit: Emitter<'_>,
    ) -> Product {
        let files = manuals
            .par_iter()
            .map(|&m| emit.emit(pdf_book(cx, &language.bodies, lang, m)))
            .collect();
        // Typst keeps what it laid out for the next document; the next
        // language's books share little of it.
        pdf::forget();
        Product { files, index: None }
    }
}

/// The PDF book of one manual in one language.
fn pdf_book(cx: &Inputs<'_>, bodies: &[Rendered], lang: usize, manual: usize) -> Made {
    let project = cx.project;
    let code = &project.langs()[lang].code;
    let made = pdf::build(&pdf::PdfInput {
        source: book_source(cx, bodies, lang, manual),
        faces: &cx.fonts.chosen.faces,
    });
    Made {
        path: pdf::book_path(code, &project.manuals[manual].id),
        bytes: made.bytes,
        diagnostics: made.diagnostics,
    }
}
