//! Site pages: what pages there are, and each page's HTML as a pure function of
//! the model, the theme and the UI strings.
//!
//! Templates get borrowed view structs built here; domain types stay private.
//! Every URL handed to a template is relative to the page, so the output works
//! under any web path and from `file://`.

mod about;
mod contexts;
pub mod i18n;
mod nav;
mod pages;
mod sitemap;
mod status_page;
pub mod theme;
mod values;

pub use self::pages::*;
pub use self::sitemap::*;
use self::values::*;

use std::collections::HashMap;
use std::path::PathBuf;

use minijinja::value::Serde;

use self::theme::Theme;
use crate::diag::Diagnostic;
use crate::load::lang::Lang;
use crate::model::{ChapterRef, Project, urls};
use crate::render::markdown::{self, RenderInput, Rendered};
use crate::site::i18n::Ui;

/// Everything page rendering reads; shared by all threads, never changed.
pub struct SiteContext<'a> {
    pub project: &'a Project,
    pub theme: &'a Theme,
    pub ui: &'a HashMap<String, Ui>,
    /// Chapter bodies by language index, then [`Project::flat_index`].
    pub bodies: &'a [std::sync::Arc<Vec<Rendered>>],
    /// Whether EPUB books are built (and offered on contents pages).
    pub epub: bool,
    /// Whether PDF books are built (and offered on contents pages).
    pub pdf: bool,
    /// Each language's UI strings as a template value (`page.t`), made once
    /// and shared by its pages.
    strings: Vec<minijinja::Value>,
    /// The translation status of the whole project, made by the first
    /// status page that needs it and shared by the others.
    status: std::sync::OnceLock<std::sync::Arc<crate::translate::status::Report>>,
    /// The problems loading the project found, from which the status says
    /// which translations could not be read (else they count as missing).
    load_problems: Vec<&'a crate::diag::Diagnostic>,
    /// The files of the problems among `load_problems` that say a file
    /// could not be read: broken even when a live session keeps their last
    /// good version in the model.
    kept_unreadable: Vec<&'a std::path::Path>,
    /// By language, then manual: each chapter's navigation entry (not the
    /// current one) as a page in the manual's folder shows it, made by the
    /// first such page and shared by the others.
    nav: Vec<Vec<std::sync::OnceLock<Vec<minijinja::Value>>>>,
    /// By language, then manual: each part shown collapsed (its title,
    /// linking to its first chapter) as a page in the manual's folder shows
    /// it, or none for a part without a title; shared likewise.
    collapsed_parts: Vec<Vec<std::sync::OnceLock<Vec<Option<minijinja::Value>>>>>,
    /// Each language's code, direction and name, as template values.
    lang_values: Vec<[minijinja::Value; 3]>,
    /// By language, then depth of the page's folder within the language's
    /// folder: the values of `page` that only these decide.
    folders: Vec<[std::sync::OnceLock<std::sync::Arc<FolderValues>>; SHARED_DEPTHS]>,
    /// By language: whether its pages link a stylesheet of bundled fonts.
    fonts: Vec<bool>,
}

/// Pages less deep than this share the values of `page` that their
/// language and depth decide; deeper ones (rare) make their own.
const SHARED_DEPTHS: usize = 6;

/// A language's name in itself: from its UI strings, else as Unicode
/// data gives it, else its code.
pub fn lang_name<'a>(ui: &'a HashMap<String, Ui>, l: &'a Lang) -> &'a str {
    ui.get(&l.code)
        .and_then(|u| u.strings.get("language-name"))
        .map(String::as_str)
        .or(l.autonym)
        .unwrap_or(&l.code)
}

/// Renders the body of chapter `r` for the `lang` site (pure). `text` is
/// the whole text of the chapter file shown, when the model let go of it
/// ([`Project::release_texts`]).
#[allow(clippy::too_many_arguments)]
pub fn render_body(
    project: &Project,
    ui: &HashMap<String, Ui>,
    highlighted: &crate::render::highlight::Highlighted,
    lang: usize,
    r: ChapterRef,
    search_sections: bool,
    text: Option<&str>,
) -> Rendered {
    let l = &project.langs()[lang];
    let (src, _) = project.content(r, &l.code);
    let content_lang = project.config.lang(&src.lang).unwrap_or(l);
    let body = match text {
        Some(text) => text.get(src.body_start..).unwrap_or_default(),
        None => src.body(),
    };
    markdown::render(&RenderInput {
        project,
        chapter: r,
        page_lang: &l.code,
        source: src,
        body,
        dir: content_lang.dir,
        ui: &ui[&l.code],
        highlighted,
        search_sections,
    })
}

impl<'a> SiteContext<'a> {
    pub fn new(
        project: &'a Project,
        theme: &'a Theme,
        ui: &'a HashMap<String, Ui>,
        bodies: &'a [std::sync::Arc<Vec<Rendered>>],
        epub: bool,
    ) -> Self {
        let strings = project
            .langs()
            .iter()
            .map(|l| minijinja::Value::from(Serde(&ui[&l.code].strings)))
            .collect();
        SiteContext {
            project,
            theme,
            ui,
            bodies,
            epub,
            pdf: false,
            strings,
            status: std::sync::OnceLock::new(),
            load_problems: Vec::new(),
            kept_unreadable: Vec::new(),
            lang_values: project
                .langs()
                .iter()
                .map(|l| {
                    [
                        minijinja::Value::from(l.code.as_str()),
                        minijinja::Value::from(l.dir.as_str()),
                        minijinja::Value::from(lang_name(ui, l)),
                    ]
                })
                .collect(),
            folders: project.langs().iter().map(|_| Default::default()).collect(),
            fonts: Vec::new(),
            nav: project
                .langs()
                .iter()
                .map(|_| project.manuals.iter().map(|_| Default::default()).collect())
                .collect(),
            collapsed_parts: project
                .langs()
                .iter()
                .map(|_| project.manuals.iter().map(|_| Default::default()).collect())
                .collect(),
        }
    }

    /// Shares a translation report of the project made elsewhere, so that
    /// the contexts of several languages make it once.
    pub fn with_status(self, report: std::sync::Arc<crate::translate::status::Report>) -> Self {
        let _ = self.status.set(report);
        self
    }

    /// The problems loading the project found, for the status pages when
    /// they make the report themselves: those of planning, and the files
    /// that could not be read (of which a live session keeps the last good
    /// version, broken all the same).
    pub fn with_load_problems(
        mut self,
        planned: impl IntoIterator<Item = &'a crate::diag::Diagnostic>,
        unreadable: impl IntoIterator<Item = &'a crate::diag::Diagnostic> + Clone,
    ) -> Self {
        self.kept_unreadable = unreadable
            .clone()
            .into_iter()
            .map(|d| d.file.as_path())
            .collect();
        self.load_problems = planned.into_iter().chain(unreadable).collect();
        self
    }

    fn lang(&self, i: usize) -> &Lang {
        &self.project.langs()[i]
    }

    fn ui(&self, code: &str) -> &Ui {
        &self.ui[code]
    }

    /// Which languages' pages link a stylesheet of bundled fonts.
    /// Offers PDF books on contents pages.
    pub fn with_pdf(mut self, pdf: bool) -> Self {
        self.pdf = pdf;
        self
    }

    pub fn with_fonts(mut self, fonts: Vec<bool>) -> Self {
        self.fonts = fonts;
        self
    }

    /// A language's name in itself.
    pub fn lang_name(&self, l: &'a Lang) -> &'a str {
        lang_name(self.ui, l)
    }

    /// Renders one page into memory.
    pub fn render(&self, kind: PageKind) -> PageOutput {
        let (path, template, ctx, bodies) = self.page(kind);
        // Written into a buffer sized for the page's chapters and what a
        // template adds around them: grown from the template's size, a
        // page was copied into fresh memory several times.
        let mut html = Vec::with_capacity(bodies + bodies / 8 + PAGE_FRAME_BYTES);
        let failed = self.write_page(template, ctx, &mut html);
        PageOutput {
            path,
            html: failed.is_none().then_some(html),
            diagnostics: failed.into_iter().collect(),
        }
    }

    /// Renders one page into `out` as the template goes (a print page, which
    /// holds a whole manual, is never held in memory): gives the template's
    /// error, after which what `out` received is to be thrown away.
    pub fn render_to(&self, kind: PageKind, out: &mut dyn std::io::Write) -> Option<Diagnostic> {
        let (_, template, ctx, _) = self.page(kind);
        self.write_page(template, ctx, out)
    }

    /// A page's output path, its template, its values and the bytes of
    /// chapter bodies it holds.
    fn page(&self, kind: PageKind) -> (String, &'static str, minijinja::Value, usize) {
        let path = page_path(self.project, kind);
        let (template, ctx, bodies) = match kind {
            PageKind::Root => ("root.html", self.root_context(&path), 0),
            PageKind::Home { lang } => ("home.html", self.home_context(lang, &path), 0),
            PageKind::Contents { lang, manual } => (
                "contents.html",
                self.contents_context(lang, manual, &path),
                0,
            ),
            PageKind::Print { lang, manual } => {
                let (ctx, len) = self.print_context(lang, manual, &path);
                ("print.html", ctx, len)
            }
            PageKind::Chapter { lang, chapter } => {
                let (ctx, len) = self.chapter_context(lang, chapter, &path);
                ("chapter.html", ctx, len)
            }
            PageKind::Status { lang } => ("status.html", self.status_context(lang, &path), 0),
            PageKind::About { lang } => ("about.html", self.about_context(lang, &path), 0),
        };
        (path, template, ctx, bodies)
    }

    /// Writes `template` with `ctx` into `out`; gives the template's error.
    fn write_page(
        &self,
        template: &str,
        ctx: minijinja::Value,
        out: &mut dyn std::io::Write,
    ) -> Option<Diagnostic> {
        let rendered = self
            .theme
            .templates
            .get_template(template)
            .and_then(|t| t.render_captured_to(ctx, out));
        let e = rendered.err()?;
        let (name, line, message) = theme::render_error(&e, template);
        Some(
            Diagnostic::error(
                PathBuf::from("themes")
                    .join(&self.project.config.theme)
                    .join("templates")
                    .join(name),
                line,
                format!("template error: {message}"),
            )
            .with_hint("fix the template; pages that use it were not written"),
        )
    }

    /// Which languages a page exists in and where; `target(lang)` gives the
    /// output path of the same page in `lang` and whether it is a fallback.
    fn common(
        &self,
        lang: usize,
        path: &str,
        page_title: String,
        description: Option<String>,
        target: &dyn Fn(usize) -> (String, bool),
    ) -> minijinja::Value {
        let languages: Vec<minijinja::Value> = (0..self.project.langs().len())
            .map(|i| {
                let (to, fallback) = target(i);
                self.lang_view(i, urls::relative(path, &to), i == lang, fallback)
            })
            .collect();
        let (canonical, alternates) = match self.project.config.base_url.as_deref() {
            Some(base) => (
                Some(format!("{base}{}", urls::encode_path(path))),
                self.alternates(base, target),
            ),
            None => (None, Vec::new()),
        };
        Common {
            shared: self.folder_values(lang, path),
            page_title: page_title.into(),
            description: description.into(),
            languages: minijinja::Value::from(languages),
            canonical: canonical.into(),
            alternates: minijinja::Value::from(Serde(alternates)),
        }
        .into_value()
    }

    /// A link to the page in language `i`, at `url`.
    fn lang_view(&self, i: usize, url: String, current: bool, fallback: bool) -> minijinja::Value {
        LangView {
            own: self.lang_values[i].clone(),
            url: minijinja::Value::from(url),
            current,
            fallback,
        }
        .into_value()
    }

    /// The page's address under `base` in every language, then the default (the source's).
    fn alternates(&self, base: &str, target: &dyn Fn(usize) -> (String, bool)) -> Vec<Alternate> {
        let mut alts: Vec<Alternate> = (0..self.project.langs().len())
            .map(|i| Alternate {
                hreflang: self.lang(i).code.clone(),
                href: format!("{base}{}", urls::encode_path(&target(i).0)),
            })
            .collect();
        let source = self
            .project
            .langs()
            .iter()
            .position(|x| x.code == self.project.source_lang())
            .unwrap_or(0);
        alts.push(Alternate {
            hreflang: "x-default".into(),
            href: format!("{base}{}", urls::encode_path(&target(source).0)),
        });
        alts
    }

    /// The values of `page` that the page's language and folder decide.
    ///
    /// Pages at the same depth in the language's folder link alike to the
    /// files outside it and to the language's own pages: they share them.
    fn folder_values(&self, lang: usize, path: &str) -> std::sync::Arc<FolderValues> {
        let depth = path.bytes().filter(|&b| b == b'/').count();
        let in_lang_folder = path
            .strip_prefix(self.lang(lang).code.as_str())
            .is_some_and(|p| p.starts_with('/'));
        match self.folders[lang].get(depth) {
            Some(cell) if in_lang_folder => cell
                .get_or_init(|| self.make_folder_values(lang, path))
                .clone(),
            _ => self.make_folder_values(lang, path),
        }
    }

    /// Makes the values of `page` that the language and folder of page `path` decide.
    fn make_folder_values(&self, lang: usize, path: &str) -> std::sync::Arc<FolderValues> {
        let code = &self.lang(lang).code;
        let home = urls::relative(path, &urls::home(code));
        std::sync::Arc::new(FolderValues {
            lang: self.lang_view(lang, home.clone(), true, false),
            search_index_url: minijinja::Value::from(
                self.project
                    .config
                    .search_in(code)
                    .then(|| urls::relative(path, &crate::search::index_path(code))),
            ),
            search_js_url: urls::relative(path, &urls::static_file("search.js")).into(),
            root_prefix: urls::to_root(path).into(),
            source_lang: self.project.source_lang().into(),
            status_url: urls::relative(path, &urls::status(code)).into(),
            t: self.strings[lang].clone(),
            site_title: self.project.config.title_in(code).into(),
            css_url: urls::relative(path, &urls::static_file("style.css")).into(),
            font_css_url: minijinja::Value::from(
                self.fonts
                    .get(lang)
                    .is_some_and(|&f| f)
                    .then(|| urls::relative(path, &crate::fonts::css_path(code))),
            ),
            home_url: home.into(),
            root_url: urls::relative(path, &urls::root_index()).into(),
        })
    }
}
