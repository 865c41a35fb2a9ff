//! The fonts stage: which font each language's scripts get, then every
//! distinct subset (one per face and set of characters) made in parallel,
//! then each language's site fonts and each book's embedded fonts.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::scope::Scope;
use crate::diag::Diagnostic;
use crate::fonts::{self, BookFonts, Chosen, Cut, FontFile, SiteFonts};
use crate::model::Project;
use crate::site::{self, i18n::Ui};

/// What the fonts stage made for a build.
#[derive(Default)]
pub(crate) struct Fonts {
    pub chosen: Chosen,
    /// By language index.
    pub site: Vec<SiteFonts>,
    /// By (language, manual).
    pub books: BTreeMap<(usize, usize), BookFonts>,
    /// Subsets that could not be made.
    pub problems: Vec<Diagnostic>,
}

impl Fonts {
    /// Whether language `l`'s pages link a font stylesheet.
    pub fn has_site_fonts(&self, l: usize) -> bool {
        self.site.get(l).is_some_and(|s| !s.files.is_empty())
    }

    /// For each of `langs` languages, whether its pages link font stylesheets.
    pub fn linked(&self, langs: usize) -> Vec<bool> {
        (0..langs).map(|l| self.has_site_fonts(l)).collect()
    }

    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.chosen.diagnostics.iter().chain(&self.problems)
    }
}

/// Chooses the fonts (once per build; a live session keeps them) and makes
/// the subsets for the languages and manuals in scope; books' fonts only
/// when books are made.
pub(crate) fn make(
    project: &Project,
    ui: &std::collections::HashMap<String, Ui>,
    scope: &Scope,
    books: bool,
    chosen: Option<Chosen>,
) -> Fonts {
    match collect(project, ui, scope, books) {
        Some(texts) => finish(project, texts, chosen),
        None => Fonts::default(),
    }
}

/// The first half of [`make`], the only one that reads the chapters'
/// text: what each language's pages and each book show (`None` without
/// bundled fonts).
pub(crate) fn collect(
    project: &Project,
    ui: &std::collections::HashMap<String, Ui>,
    scope: &Scope,
    books: bool,
) -> Option<Texts> {
    project
        .config
        .fonts
        .bundle
        .then(|| Texts::collect(project, ui, scope, books))
}

/// The second half of [`make`]: the fonts chosen and the subsets made for
/// what `texts` holds.
pub(crate) fn finish(project: &Project, texts: Texts, chosen: Option<Chosen>) -> Fonts {
    let chosen = chosen
        .filter(|c| texts.still_served(project, c))
        .unwrap_or_else(|| texts.choose(project));
    let code = |l: usize| project.langs()[l].code.as_str();
    let site_cuts: Vec<_> = (texts.site.par_iter())
        .map(|(l, text)| (*l, fonts::cuts(&chosen, code(*l), text)))
        .collect();
    let book_cuts: Vec<_> = (texts.books.par_iter())
        .map(|((l, m), text)| ((*l, *m), fonts::cuts(&chosen, code(*l), text)))
        .collect();
    let made = make_subsets(&site_cuts, &book_cuts);
    let mut site = vec![SiteFonts::default(); project.langs().len()];
    for (l, cuts) in &site_cuts {
        site[*l] = fonts::site_fonts(code(*l), cuts, &made);
    }
    let books = (book_cuts.iter())
        .map(|(k, cuts)| (*k, fonts::book_fonts(cuts, &made)))
        .collect();
    Fonts {
        chosen,
        site,
        books,
        problems: subset_problems(&made),
    }
}

/// What the pages of each language in scope, and each book, show.
pub(crate) struct Texts {
    /// By language index.
    site: Vec<(usize, fonts::Text)>,
    /// By (language, manual); empty when no books are made.
    books: Vec<((usize, usize), fonts::Text)>,
}

impl Texts {
    /// Each manual's text once, for its language's pages and for its book.
    fn collect(
        project: &Project,
        ui: &std::collections::HashMap<String, Ui>,
        scope: &Scope,
        books: bool,
    ) -> Texts {
        let langs = project.langs();
        let manuals: Vec<usize> = (0..project.manuals.len())
            .filter(|&m| scope.manuals[m])
            .collect();
        // The root page, which a build of the shared files alone writes,
        // links the source language's fonts: they are chosen as a full
        // build chooses them (the source language's shard writes them).
        let in_scope: Vec<usize> = (0..langs.len())
            .filter(|&l| {
                scope.langs[l] || (scope.shared_only && langs[l].code == project.source_lang())
            })
            .collect();
        let books = books && !scope.shared_only;
        let names: Vec<&str> = langs.iter().map(|l| site::lang_name(ui, l)).collect();
        let pairs: Vec<(usize, usize)> = (in_scope.iter())
            .flat_map(|&l| manuals.iter().map(move |&m| (l, m)))
            .collect();
        let manual_text: BTreeMap<(usize, usize), fonts::Collecting> = (pairs.par_iter())
            .map(|&(l, m)| ((l, m), fonts::manual_text(project, &langs[l].code, m)))
            .collect();
        let site = (in_scope.par_iter())
            .map(|&l| {
                let code = &langs[l].code;
                let of_lang: Vec<_> = manuals.iter().map(|&m| &manual_text[&(l, m)]).collect();
                (
                    l,
                    fonts::site_text(project, &ui[code], code, &of_lang, &names),
                )
            })
            .collect();
        let books = (manual_text.par_iter())
            .filter(|_| books)
            .map(|(&(l, m), text)| {
                let code = &langs[l].code;
                let text = fonts::book_text(project, &ui[code], code, text, names[l]);
                ((l, m), text)
            })
            .collect();
        Texts { site, books }
    }

    /// Whether fonts chosen earlier still serve: every wanted script in use
    /// has its font, or is known to have none.
    fn still_served(&self, project: &Project, chosen: &Chosen) -> bool {
        self.site.iter().all(|(l, text)| {
            let code = &project.langs()[*l].code;
            fonts::script::scripts_in(&text.chars)
                .into_iter()
                .filter(|&s| project.config.fonts.wanted(s))
                .all(|s| {
                    chosen.faces.contains_key(&(code.clone(), s)) || chosen.missing.contains(&s)
                })
        })
    }

    /// Chooses the fonts for the characters of each language's pages.
    fn choose(&self, project: &Project) -> Chosen {
        let by_code = (self.site.iter())
            .map(|(l, t)| (project.langs()[*l].code.clone(), &t.chars))
            .collect();
        fonts::choose(project, &by_code)
    }
}

/// Each distinct cut made once, in parallel; WOFF2 only for those the site
/// uses.
fn make_subsets(
    site_cuts: &[(usize, Vec<CutOf<'_>>)],
    book_cuts: &[((usize, usize), Vec<CutOf<'_>>)],
) -> fonts::Made {
    let mut jobs: BTreeMap<&Cut, (&FontFile, bool)> = BTreeMap::new();
    for (_, cuts) in site_cuts {
        for (_, file, cut) in cuts {
            jobs.insert(cut, (file, true));
        }
    }
    for (_, cuts) in book_cuts {
        for (_, file, cut) in cuts {
            jobs.entry(cut).or_insert((file, false));
        }
    }
    jobs.into_par_iter()
        .map(|(cut, (file, woff2))| (cut.clone(), fonts::make(file, cut, woff2)))
        .collect()
}

/// One face's cut for a language or a book, as `fonts::cuts` gives it.
type CutOf<'a> = (&'a std::sync::Arc<fonts::Face>, &'a FontFile, Cut);

/// A warning for each subset that could not be made.
fn subset_problems(made: &fonts::Made) -> Vec<Diagnostic> {
    let mut problems: Vec<Diagnostic> = (made.iter())
        .filter_map(|(cut, r)| r.as_ref().err().map(|e| (cut, e)))
        .map(|(cut, e)| {
            Diagnostic::warning(&cut.font, 0, e.clone())
                .with_hint("name another font for this script under `[fonts]` in polybook.toml")
        })
        .collect();
    problems.dedup_by(|a, b| a.message == b.message);
    problems
}
