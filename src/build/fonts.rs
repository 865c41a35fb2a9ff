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
    let langs = project.langs();
    let manuals: Vec<usize> = (0..project.manuals.len())
        .filter(|&m| scope.manuals[m])
        .collect();
    let in_scope: Vec<usize> = (0..langs.len()).filter(|&l| scope.langs[l]).collect();
    if !project.config.fonts.bundle {
        return Fonts::default();
    }
    let names: Vec<&str> = langs.iter().map(|l| site::lang_name(ui, l)).collect();
    // Each manual's text once, for its language's pages and for its book.
    let pairs: Vec<(usize, usize)> = (in_scope.iter())
        .flat_map(|&l| manuals.iter().map(move |&m| (l, m)))
        .collect();
    let manual_text: BTreeMap<(usize, usize), fonts::Collecting> = pairs
        .par_iter()
        .map(|&(l, m)| ((l, m), fonts::manual_text(project, &langs[l].code, m)))
        .collect();
    let site_text: Vec<_> = in_scope
        .par_iter()
        .map(|&l| {
            let code = &langs[l].code;
            let of_lang: Vec<_> = manuals.iter().map(|&m| &manual_text[&(l, m)]).collect();
            let text = fonts::site_text(project, &ui[code], code, &of_lang, &names);
            (l, text)
        })
        .collect();
    // Kept fonts serve while every script in use has its font.
    let chosen = chosen.filter(|c| {
        site_text.iter().all(|(l, text)| {
            let code = &langs[*l].code;
            fonts::script::scripts_in(&text.chars)
                .into_iter()
                .filter(|&s| project.config.fonts.wanted(s))
                .all(|s| c.faces.contains_key(&(code.clone(), s)) || c.missing.contains(&s))
        })
    });
    let chosen = chosen.unwrap_or_else(|| {
        let by_code = site_text
            .iter()
            .map(|(l, t)| (langs[*l].code.clone(), &t.chars))
            .collect();
        fonts::choose(project, &by_code)
    });
    let book_text: Vec<_> = if books {
        (manual_text.par_iter())
            .map(|(&(l, m), text)| {
                let code = &langs[l].code;
                let text = fonts::book_text(project, &ui[code], code, text, names[l]);
                ((l, m), text)
            })
            .collect()
    } else {
        Vec::new()
    };
    let site_cuts: Vec<_> = (site_text.par_iter())
        .map(|(l, text)| (*l, fonts::cuts(&chosen, &langs[*l].code, text)))
        .collect();
    let book_cuts: Vec<_> = (book_text.par_iter())
        .map(|((l, m), text)| ((*l, *m), fonts::cuts(&chosen, &langs[*l].code, text)))
        .collect();
    // Each distinct cut once; WOFF2 only for those the site uses.
    let mut jobs: BTreeMap<&Cut, (&FontFile, bool)> = BTreeMap::new();
    for (_, cuts) in &site_cuts {
        for (_, file, cut) in cuts {
            jobs.insert(cut, (file, true));
        }
    }
    for (_, cuts) in &book_cuts {
        for (_, file, cut) in cuts {
            jobs.entry(cut).or_insert((file, false));
        }
    }
    let made: fonts::Made = jobs
        .into_par_iter()
        .map(|(cut, (file, woff2))| (cut.clone(), fonts::make(file, cut, woff2)))
        .collect();
    let mut problems: Vec<Diagnostic> = made
        .iter()
        .filter_map(|(cut, r)| r.as_ref().err().map(|e| (cut, e)))
        .map(|(cut, e)| {
            Diagnostic::warning(&cut.font, 0, e.clone())
                .with_hint("name another font for this script under `[fonts]` in polybook.toml")
        })
        .collect();
    problems.dedup_by(|a, b| a.message == b.message);
    let mut site = vec![SiteFonts::default(); langs.len()];
    for (l, cuts) in &site_cuts {
        site[*l] = fonts::site_fonts(&langs[*l].code, cuts, &made);
    }
    let books = (book_cuts.iter())
        .map(|(k, cuts)| (*k, fonts::book_fonts(cuts, &made)))
        .collect();
    Fonts {
        chosen,
        site,
        books,
        problems,
    }
}
