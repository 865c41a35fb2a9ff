//! Site pages: what pages there are, and each page's HTML as a pure function of
//! the model, the theme and the UI strings.
//!
//! Templates get borrowed view structs built here; domain types stay private.
//! Every URL handed to a template is relative to the page, so the output works
//! under any web path and from `file://`.

pub mod i18n;
pub mod theme;

use std::collections::HashMap;
use std::path::PathBuf;

use minijinja::value::Serde;
use serde::Serialize;

use self::theme::Theme;
use crate::diag::Diagnostic;
use crate::load::lang::Lang;
use crate::model::{ChapterRef, Project, urls};
use crate::render::markdown::{
    self, PrintLinks, RenderInput, Rendered, RenderedHeading, SiteLinks, print_id,
};
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
    /// Each language's UI strings as a template value (`page.t`), made once
    /// and shared by its pages.
    strings: Vec<minijinja::Value>,
    /// The translation status of the whole project, made by the first
    /// status page that needs it and shared by the others.
    status: std::sync::OnceLock<std::sync::Arc<crate::translate::status::Report>>,
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

/// Renders the body of chapter `r` for the `lang` site (pure).
pub fn render_body(
    project: &Project,
    ui: &HashMap<String, Ui>,
    highlighted: &crate::render::highlight::Highlighted,
    lang: usize,
    r: ChapterRef,
    search_sections: bool,
) -> Rendered {
    let l = &project.langs()[lang];
    let (src, _) = project.content(r, &l.code);
    let content_lang = project.config.lang(&src.lang).unwrap_or(l);
    markdown::render(&RenderInput {
        project,
        chapter: r,
        page_lang: &l.code,
        source: src,
        dir: content_lang.dir,
        ui: &ui[&l.code],
        highlighted,
        search_sections,
    })
}

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
const PAGE_FRAME_BYTES: usize = 16 * 1024;

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

/// Page data that templates read as a map, field by field: the names of
/// its fields and each one's value. Fields that many pages share hold
/// values made once, so reading them copies nothing.
trait Fields: std::fmt::Debug + Send + Sync + Sized + 'static {
    const KEYS: &[&str];

    fn field(&self, key: &str) -> Option<minijinja::Value>;

    /// The template value.
    fn into_value(self) -> minijinja::Value {
        minijinja::Value::from_object(FieldMap(self))
    }
}

/// A [`Fields`] as a template object.
#[derive(Debug)]
struct FieldMap<T>(T);

impl<T: Fields> minijinja::value::Object for FieldMap<T> {
    fn get_value(self: &std::sync::Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.0.field(key.as_str()?)
    }

    fn get_value_by_str(self: &std::sync::Arc<Self>, key: &str) -> Option<minijinja::Value> {
        self.0.field(key)
    }

    fn enumerate(self: &std::sync::Arc<Self>) -> minijinja::value::Enumerator {
        minijinja::value::Enumerator::Str(T::KEYS)
    }
}

/// A language as a page links to it (`code`, `dir`, `name`, `url`,
/// `current`, `fallback`): the language's own values are made once per
/// build and shared by every page.
#[derive(Debug)]
struct LangView {
    /// `code`, `dir` and `name`.
    own: [minijinja::Value; 3],
    url: minijinja::Value,
    current: bool,
    /// The page this link leads to shows untranslated text.
    fallback: bool,
}

impl Fields for LangView {
    const KEYS: &[&str] = &["code", "dir", "name", "url", "current", "fallback"];

    fn field(&self, key: &str) -> Option<minijinja::Value> {
        Some(match key {
            "code" => self.own[0].clone(),
            "dir" => self.own[1].clone(),
            "name" => self.own[2].clone(),
            "url" => self.url.clone(),
            "current" => minijinja::Value::from(self.current),
            "fallback" => minijinja::Value::from(self.fallback),
            _ => return None,
        })
    }
}

#[derive(Serialize)]
struct Link {
    title: String,
    title_lang: Option<String>,
    url: String,
}

/// A chapter in the navigation (`title`, `title_lang`, `url`, `current`,
/// `fallback`).
#[derive(Debug)]
struct NavChapter {
    title: minijinja::Value,
    /// Language of the title when it is not the page's (untranslated chapter).
    title_lang: minijinja::Value,
    url: minijinja::Value,
    current: bool,
    fallback: bool,
}

impl Fields for NavChapter {
    const KEYS: &[&str] = &["title", "title_lang", "url", "current", "fallback"];

    fn field(&self, key: &str) -> Option<minijinja::Value> {
        Some(match key {
            "title" => self.title.clone(),
            "title_lang" => self.title_lang.clone(),
            "url" => self.url.clone(),
            "current" => minijinja::Value::from(self.current),
            "fallback" => minijinja::Value::from(self.fallback),
            _ => return None,
        })
    }
}

/// A part in the navigation (`title`, `chapters`, `start`, `collapsed`).
#[derive(Debug)]
struct NavPart {
    /// The title, or none.
    title: minijinja::Value,
    /// The [`NavChapter`]s listed, as one template value.
    chapters: minijinja::Value,
    /// Number of the first chapter listed, within the part (1-based).
    start: usize,
    /// Only the title is shown, linking to the part's first chapter (the
    /// URL), or none.
    collapsed: minijinja::Value,
}

impl Fields for NavPart {
    const KEYS: &[&str] = &["title", "chapters", "start", "collapsed"];

    fn field(&self, key: &str) -> Option<minijinja::Value> {
        Some(match key {
            "title" => self.title.clone(),
            "chapters" => self.chapters.clone(),
            "start" => minijinja::Value::from(self.start),
            "collapsed" => self.collapsed.clone(),
            _ => return None,
        })
    }
}

/// Chapter pages of a manual with at most this many chapters list them all.
pub const NAV_FULL: usize = 60;
/// Otherwise they list the chapters of the current part, or at most this
/// many on either side of the current chapter when the part is longer, so
/// that a page's size does not grow with the length of the manual.
pub const NAV_SIDE: usize = 25;

#[derive(Serialize)]
struct ManualView<'a> {
    id: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    /// Language of the description when it is not in the page's language.
    description_lang: Option<&'a str>,
    url: String,
    print_url: String,
    epub_url: Option<String>,
    /// [`NavPart`]s.
    parts: Vec<minijinja::Value>,
    chapter_count: usize,
    /// The navigation lists only some chapters (see [`NAV_FULL`]).
    partial: bool,
}

#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    href: String,
}

/// What every page gets as `page`: the values shared by the pages of
/// one folder in one language, and the page's own.
#[derive(Debug)]
struct Common {
    shared: std::sync::Arc<FolderValues>,
    page_title: minijinja::Value,
    description: minijinja::Value,
    /// [`LangView`]s.
    languages: minijinja::Value,
    canonical: minijinja::Value,
    alternates: minijinja::Value,
}

/// The part of [`Common`] that depends only on the language and the
/// page's folder.
#[derive(Debug)]
struct FolderValues {
    /// A [`LangView`] of the page's language, linking to its home.
    lang: minijinja::Value,
    /// Search box: the index's URL and the prefix of result URLs (none: no search).
    search_index_url: minijinja::Value,
    search_js_url: minijinja::Value,
    root_prefix: minijinja::Value,
    source_lang: minijinja::Value,
    status_url: minijinja::Value,
    t: minijinja::Value,
    site_title: minijinja::Value,
    css_url: minijinja::Value,
    home_url: minijinja::Value,
    root_url: minijinja::Value,
}

impl Fields for Common {
    const KEYS: &[&str] = &[
        "lang",
        "search_index_url",
        "search_js_url",
        "root_prefix",
        "source_lang",
        "status_url",
        "t",
        "site_title",
        "page_title",
        "description",
        "css_url",
        "home_url",
        "root_url",
        "languages",
        "canonical",
        "alternates",
    ];

    fn field(&self, key: &str) -> Option<minijinja::Value> {
        let f = &self.shared;
        Some(
            match key {
                "lang" => &f.lang,
                "search_index_url" => &f.search_index_url,
                "search_js_url" => &f.search_js_url,
                "root_prefix" => &f.root_prefix,
                "source_lang" => &f.source_lang,
                "status_url" => &f.status_url,
                "t" => &f.t,
                "site_title" => &f.site_title,
                "page_title" => &self.page_title,
                "description" => &self.description,
                "css_url" => &f.css_url,
                "home_url" => &f.home_url,
                "root_url" => &f.root_url,
                "languages" => &self.languages,
                "canonical" => &self.canonical,
                "alternates" => &self.alternates,
                _ => return None,
            }
            .clone(),
        )
    }
}

#[derive(Serialize)]
struct ChapterView<'a> {
    title: &'a str,
    /// The rendered chapter, marked safe (it is sanitised HTML).
    body: minijinja::Value,
    needs_h1: bool,
    fallback: bool,
    /// When the translation is outdated (and notices are on): the source chapter's URL.
    outdated_source_url: Option<String>,
    content_lang: &'a str,
    content_dir: &'a str,
    headings: Vec<RenderedHeading>,
    previous: Option<Link>,
    next: Option<Link>,
    extra: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
struct PrintChapter<'a> {
    anchor: String,
    title: &'a str,
    body: minijinja::Value,
    needs_h1: bool,
    fallback: bool,
    content_lang: &'a str,
    content_dir: &'a str,
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
            strings,
            status: std::sync::OnceLock::new(),
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

    fn lang(&self, i: usize) -> &Lang {
        &self.project.langs()[i]
    }

    fn ui(&self, code: &str) -> &Ui {
        &self.ui[code]
    }

    /// A language's name in itself.
    pub fn lang_name(&self, l: &'a Lang) -> &'a str {
        lang_name(self.ui, l)
    }

    /// Renders one page.
    pub fn render(&self, kind: PageKind) -> PageOutput {
        let path = page_path(self.project, kind);
        let mut out = PageOutput {
            path: path.clone(),
            ..PageOutput::default()
        };
        // The bytes of chapter bodies the page holds.
        let mut bodies = 0;
        let (template, ctx) = match kind {
            PageKind::Root => ("root.html", self.root_context(&path)),
            PageKind::Home { lang } => ("home.html", self.home_context(lang, &path)),
            PageKind::Contents { lang, manual } => {
                ("contents.html", self.contents_context(lang, manual, &path))
            }
            PageKind::Print { lang, manual } => {
                let (ctx, len) = self.print_context(lang, manual, &path);
                bodies = len;
                ("print.html", ctx)
            }
            PageKind::Chapter { lang, chapter } => {
                let (ctx, len) = self.chapter_context(lang, chapter, &path);
                bodies = len;
                ("chapter.html", ctx)
            }
            PageKind::Status { lang } => ("status.html", self.status_context(lang, &path)),
            PageKind::About { lang } => ("about.html", self.about_context(lang, &path)),
        };
        // Written into a buffer sized for the page's chapters and what a
        // template adds around them: grown from the template's size, a
        // page was copied into fresh memory several times (a print page a
        // dozen times).
        let mut html = Vec::with_capacity(bodies + bodies / 8 + PAGE_FRAME_BYTES);
        let rendered = self
            .theme
            .templates
            .get_template(template)
            .and_then(|t| t.render_captured_to(ctx, &mut html));
        match rendered {
            Ok(_) => out.html = Some(html),
            Err(e) => {
                let (name, line, message) = theme::render_error(&e, template);
                out.diagnostics.push(
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
        }
        out
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
        let l = self.lang(lang);
        let base = self.project.config.base_url.as_deref();
        let view = |i: usize, url: String, current: bool, fallback: bool| {
            LangView {
                own: self.lang_values[i].clone(),
                url: minijinja::Value::from(url),
                current,
                fallback,
            }
            .into_value()
        };
        let languages: Vec<minijinja::Value> = (0..self.project.langs().len())
            .map(|i| {
                let (to, fallback) = target(i);
                view(i, urls::relative(path, &to), i == lang, fallback)
            })
            .collect();
        let (canonical, alternates) = match base {
            Some(base) => {
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
                (Some(format!("{base}{}", urls::encode_path(path))), alts)
            }
            None => (None, Vec::new()),
        };
        // Pages at the same depth in the language's folder link alike to
        // the files outside it and to the language's own pages.
        let depth = path.bytes().filter(|&b| b == b'/').count();
        let make = || {
            let home = urls::relative(path, &urls::home(&l.code));
            std::sync::Arc::new(FolderValues {
                lang: view(lang, home.clone(), true, false),
                search_index_url: minijinja::Value::from(
                    self.project
                        .config
                        .search_in(&l.code)
                        .then(|| urls::relative(path, &crate::search::index_path(&l.code))),
                ),
                search_js_url: urls::relative(path, &urls::static_file("search.js")).into(),
                root_prefix: urls::to_root(path).into(),
                source_lang: self.project.source_lang().into(),
                status_url: urls::relative(path, &urls::status(&l.code)).into(),
                t: self.strings[lang].clone(),
                site_title: self.project.config.title_in(&l.code).into(),
                css_url: urls::relative(path, &urls::static_file("style.css")).into(),
                home_url: home.into(),
                root_url: urls::relative(path, &urls::root_index()).into(),
            })
        };
        let shared = match self.folders[lang].get(depth) {
            Some(cell)
                if path
                    .strip_prefix(l.code.as_str())
                    .is_some_and(|p| p.starts_with('/')) =>
            {
                cell.get_or_init(make).clone()
            }
            _ => make(),
        };
        Common {
            shared,
            page_title: page_title.into(),
            description: description.into(),
            languages: minijinja::Value::from(languages),
            canonical: canonical.into(),
            alternates: minijinja::Value::from(Serde(alternates)),
        }
        .into_value()
    }

    fn manual_view(
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

    fn root_context(&self, path: &str) -> minijinja::Value {
        let source = self
            .project
            .langs()
            .iter()
            .position(|l| l.code == self.project.source_lang())
            .unwrap_or(0);
        let common = self.common(
            source,
            path,
            self.project.config.title.clone(),
            None,
            &|i| (urls::home(&self.lang(i).code), false),
        );
        #[derive(Serialize)]
        struct Choice<'a> {
            code: &'a str,
            dir: &'a str,
            name: String,
            site_title: &'a str,
            choose: &'a str,
            url: String,
        }
        let choices: Vec<Choice> = self
            .project
            .langs()
            .iter()
            .map(|l| Choice {
                code: &l.code,
                dir: l.dir.as_str(),
                name: self.lang_name(l).to_string(),
                site_title: self.project.config.title_in(&l.code),
                choose: self.ui(&l.code).get("choose-language"),
                url: urls::relative(path, &urls::home(&l.code)),
            })
            .collect();
        minijinja::context! { page => common, choices => Serde(choices) }
    }

    fn home_context(&self, lang: usize, path: &str) -> minijinja::Value {
        let code = &self.lang(lang).code;
        let title = self.project.config.title_in(code).to_string();
        let common = self.common(lang, path, title, None, &|i| {
            (urls::home(&self.lang(i).code), false)
        });
        let manuals: Vec<ManualView> = (0..self.project.manuals.len())
            .map(|m| self.manual_view(lang, m, path, None))
            .collect();
        let about_url = self
            .project
            .config
            .bundle_key_line
            .is_some()
            .then(|| urls::relative(path, &about_path(code)));
        minijinja::context! { page => common, manuals => Serde(manuals), about_url => about_url }
    }

    fn contents_context(&self, lang: usize, manual: usize, path: &str) -> minijinja::Value {
        let m = &self.project.manuals[manual];
        let view = self.manual_view(lang, manual, path, None);
        let common = self.common(
            lang,
            path,
            view.title.to_string(),
            m.config.description.clone(),
            &|i| (urls::contents(&self.lang(i).code, &m.id), false),
        );
        minijinja::context! { page => common, manual => Serde(view) }
    }

    fn body(&self, lang: usize, r: ChapterRef) -> &Rendered {
        &self.bodies[lang][self.project.flat_index(r)]
    }

    /// A chapter page's data, and the length of its body's HTML.
    fn chapter_context(&self, lang: usize, r: ChapterRef, path: &str) -> (minijinja::Value, usize) {
        let l = self.lang(lang);
        let m = &self.project.manuals[r.manual];
        let ch = &m.chapters[r.chapter];
        let (src, fallback) = self.project.content(r, &l.code);
        let content_lang = self.project.config.lang(&src.lang).unwrap_or(l);
        let rendered = self.body(lang, r);
        let html = rendered.filled(&SiteLinks {
            project: self.project,
            page_lang: &l.code,
            page_path: path,
        });
        let link_to = |ci: usize| {
            let other = ChapterRef {
                manual: r.manual,
                chapter: ci,
            };
            let (shown, fallback) = self.project.content(other, &l.code);
            Link {
                title: shown.title.clone(),
                title_lang: fallback.then(|| shown.lang.clone()),
                url: urls::relative(path, &urls::chapter(&l.code, &m.id, &m.chapters[ci].id)),
            }
        };
        let len = html.len();
        let view = ChapterView {
            title: &src.title,
            body: crate::site::theme::Html::value(html),
            needs_h1: !rendered.starts_with_h1,
            fallback,
            outdated_source_url: (self.project.config.outdated_notice
                && !fallback
                && l.code != self.project.source_lang()
                && crate::translate::provenance::state(self.project, r, &l.code)
                    == crate::translate::provenance::State::Outdated)
                .then(|| {
                    urls::relative(
                        path,
                        &urls::chapter(self.project.source_lang(), &m.id, &ch.id),
                    )
                }),
            content_lang: &content_lang.code,
            content_dir: content_lang.dir.as_str(),
            headings: rendered.headings.clone(),
            previous: r.chapter.checked_sub(1).map(link_to),
            next: (r.chapter + 1 < m.chapters.len()).then(|| link_to(r.chapter + 1)),
            extra: &src.front.extra,
        };
        let common = self.common(
            lang,
            path,
            src.title.clone(),
            src.front.description.clone(),
            &|i| {
                let code = &self.lang(i).code;
                (
                    urls::chapter(code, &m.id, &ch.id),
                    !ch.sources.contains_key(code),
                )
            },
        );
        let manual = self.manual_view(lang, r.manual, path, Some(r));
        let ctx =
            minijinja::context! { page => common, manual => Serde(manual), chapter => Serde(view) };
        (ctx, len)
    }

    /// The print page's data, and the length of its chapters' HTML.
    fn print_context(&self, lang: usize, manual: usize, path: &str) -> (minijinja::Value, usize) {
        let l = self.lang(lang);
        let m = &self.project.manuals[manual];
        let mut chapters = Vec::new();
        let mut len = 0;
        for (ci, ch) in m.chapters.iter().enumerate() {
            let r = ChapterRef {
                manual,
                chapter: ci,
            };
            let (src, fallback) = self.project.content(r, &l.code);
            let content_lang = self.project.config.lang(&src.lang).unwrap_or(l);
            let rendered = self.body(lang, r);
            let html = rendered.filled(&PrintLinks::new(
                SiteLinks {
                    project: self.project,
                    page_lang: &l.code,
                    page_path: path,
                },
                r,
            ));
            len += html.len();
            chapters.push(PrintChapter {
                anchor: print_id(&ch.id, None),
                title: &src.title,
                body: crate::site::theme::Html::value(html),
                needs_h1: !rendered.starts_with_h1,
                fallback,
                content_lang: &content_lang.code,
                content_dir: content_lang.dir.as_str(),
            });
        }
        let view = self.manual_view(lang, manual, path, None);
        let common = self.common(lang, path, view.title.to_string(), None, &|i| {
            (urls::print(&self.lang(i).code, &m.id), false)
        });
        let ctx = minijinja::context! { page => common, manual => Serde(view), chapters => Serde(chapters) };
        (ctx, len)
    }
}

#[derive(Serialize)]
struct StatusRow {
    code: String,
    name: String,
    url: String,
    current: bool,
    counts: [usize; 5],
    /// A whole number when it is one (`50`, not `50.0`).
    percent: minijinja::Value,
}

#[derive(Serialize)]
struct StatusEntry {
    title: String,
    /// Language of the title when it is the source's.
    title_lang: Option<String>,
    state: &'static str,
    state_label: String,
    source_url: String,
    page_url: String,
    file: String,
}

#[derive(Serialize)]
struct StatusManual<'a> {
    title: &'a str,
    chapters: usize,
    rows: Vec<StatusRow>,
    entries: Vec<StatusEntry>,
}

impl SiteContext<'_> {
    /// The translation status page of a language: progress of every language,
    /// and this language's chapters that need work.
    fn status_context(&self, lang: usize, path: &str) -> minijinja::Value {
        let l = self.lang(lang);
        let report = self.status.get_or_init(|| {
            std::sync::Arc::new(crate::translate::status::report(
                self.project,
                &crate::translate::status::Filter::default(),
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
                    }
                })
                .collect();
            manuals.push(StatusManual {
                title: m.config.title_in(&l.code),
                chapters: ms.chapters,
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

/// The page that tells how to check an offline copy of the site.
pub fn about_path(lang: &str) -> String {
    format!("{lang}/about-this-copy.html")
}

impl SiteContext<'_> {
    /// How to check a bundle of the language: the public key and the
    /// commands, with the bundle's file names.
    fn about_context(&self, lang: usize, path: &str) -> minijinja::Value {
        let l = self.lang(lang);
        let title = self.ui(&l.code).get("about-copy").to_string();
        let common = self.common(lang, path, title, None, &|i| {
            (about_path(&self.lang(i).code), false)
        });
        let bundle = format!("{}.zip", l.code);
        let key = self
            .project
            .config
            .bundle_key_line
            .clone()
            .unwrap_or_default();
        let bundle_url = urls::relative(path, &format!("bundles/{bundle}"));
        let minisign = format!("minisign -Vm {bundle} -P {key}");
        let polybook = format!("polybook verify {bundle} --key polybook.pub");
        minijinja::context! {
            page => common,
            key => key,
            bundle => bundle,
            bundle_url => bundle_url,
            minisign => minisign,
            polybook => polybook,
        }
    }
}

/// The sitemap, listing every page with its alternates in other languages.
/// Locations are absolute when `base_url` is set, else relative to the site root.
pub fn sitemap(project: &Project) -> String {
    let base = project.config.base_url.as_deref().unwrap_or("");
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let esc = crate::render::html::escape;
    let by_lang = |f: &dyn Fn(&str) -> String| -> Vec<(String, String)> {
        project
            .langs()
            .iter()
            .map(|l| (l.code.clone(), f(&l.code)))
            .collect()
    };
    let mut groups: Vec<Vec<(String, String)>> = vec![by_lang(&|c| urls::home(c))];
    for m in &project.manuals {
        groups.push(by_lang(&|c| urls::contents(c, &m.id)));
        for ch in &m.chapters {
            groups.push(by_lang(&|c| urls::chapter(c, &m.id, &ch.id)));
        }
    }
    for group in groups {
        for (_, loc) in &group {
            xml.push_str(&format!(
                "  <url>\n    <loc>{}</loc>\n",
                esc(&format!("{base}{}", urls::encode_path(loc)))
            ));
            for (code, alt) in &group {
                xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                    esc(code),
                    esc(&format!("{base}{}", urls::encode_path(alt)))
                ));
            }
            xml.push_str("  </url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}
