//! The values templates get: borrowed views of the model, written out as
//! template objects without copying the chapter bodies.

use serde::Serialize;

use crate::render::markdown::RenderedHeading;

/// Page data that templates read as a map, field by field: the names of
/// its fields and each one's value. Fields that many pages share hold
/// values made once, so reading them copies nothing.
pub(super) trait Fields: std::fmt::Debug + Send + Sync + Sized + 'static {
    const KEYS: &[&str];

    fn field(&self, key: &str) -> Option<minijinja::Value>;

    /// The template value.
    fn into_value(self) -> minijinja::Value {
        minijinja::Value::from_object(FieldMap(self))
    }
}

/// A [`Fields`] as a template object.
#[derive(Debug)]
pub(super) struct FieldMap<T>(T);

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
pub(super) struct LangView {
    /// `code`, `dir` and `name`.
    pub(super) own: [minijinja::Value; 3],
    pub(super) url: minijinja::Value,
    pub(super) current: bool,
    /// The page this link leads to shows untranslated text.
    pub(super) fallback: bool,
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
pub(super) struct Link {
    pub(super) title: String,
    pub(super) title_lang: Option<String>,
    pub(super) url: String,
}

/// A chapter in the navigation (`title`, `title_lang`, `url`, `current`,
/// `fallback`).
#[derive(Debug)]
pub(super) struct NavChapter {
    pub(super) title: minijinja::Value,
    /// Language of the title when it is not the page's (untranslated chapter).
    pub(super) title_lang: minijinja::Value,
    pub(super) url: minijinja::Value,
    pub(super) current: bool,
    pub(super) fallback: bool,
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
pub(super) struct NavPart {
    /// The title, or none.
    pub(super) title: minijinja::Value,
    /// The [`NavChapter`]s listed, as one template value.
    pub(super) chapters: minijinja::Value,
    /// Number of the first chapter listed, within the part (1-based).
    pub(super) start: usize,
    /// Only the title is shown, linking to the part's first chapter (the
    /// URL), or none.
    pub(super) collapsed: minijinja::Value,
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
pub(super) struct ManualView<'a> {
    pub(super) id: &'a str,
    pub(super) title: &'a str,
    pub(super) description: Option<&'a str>,
    /// Language of the description when it is not in the page's language.
    pub(super) description_lang: Option<&'a str>,
    pub(super) url: String,
    pub(super) print_url: String,
    pub(super) epub_url: Option<String>,
    pub(super) pdf_url: Option<String>,
    /// [`NavPart`]s.
    pub(super) parts: Vec<minijinja::Value>,
    pub(super) chapter_count: usize,
    /// The navigation lists only some chapters (see [`NAV_FULL`]).
    pub(super) partial: bool,
}

#[derive(Serialize)]
pub(super) struct Alternate {
    pub(super) hreflang: String,
    pub(super) href: String,
}

/// What every page gets as `page`: the values shared by the pages of
/// one folder in one language, and the page's own.
#[derive(Debug)]
pub(super) struct Common {
    pub(super) shared: std::sync::Arc<FolderValues>,
    pub(super) page_title: minijinja::Value,
    pub(super) description: minijinja::Value,
    /// [`LangView`]s.
    pub(super) languages: minijinja::Value,
    pub(super) canonical: minijinja::Value,
    pub(super) alternates: minijinja::Value,
}

/// The part of [`Common`] that depends only on the language and the
/// page's folder.
#[derive(Debug)]
pub(super) struct FolderValues {
    /// A [`LangView`] of the page's language, linking to its home.
    pub(super) lang: minijinja::Value,
    /// Search box: the index's URL and the prefix of result URLs (none: no search).
    pub(super) search_index_url: minijinja::Value,
    pub(super) search_js_url: minijinja::Value,
    pub(super) root_prefix: minijinja::Value,
    pub(super) source_lang: minijinja::Value,
    pub(super) status_url: minijinja::Value,
    pub(super) t: minijinja::Value,
    pub(super) site_title: minijinja::Value,
    pub(super) css_url: minijinja::Value,
    /// The language's stylesheet of bundled fonts, if it has one.
    pub(super) font_css_url: minijinja::Value,
    pub(super) home_url: minijinja::Value,
    pub(super) root_url: minijinja::Value,
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
        "font_css_url",
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
                "font_css_url" => &f.font_css_url,
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
pub(super) struct ChapterView<'a> {
    pub(super) title: &'a str,
    /// The rendered chapter, marked safe (it is sanitised HTML).
    pub(super) body: minijinja::Value,
    pub(super) needs_h1: bool,
    pub(super) fallback: bool,
    /// When the translation is outdated (and notices are on): the source chapter's URL.
    pub(super) outdated_source_url: Option<String>,
    /// For a chapter made from a PO catalogue that is partly translated, the
    /// URL of the source's page.
    pub(super) partial_source_url: Option<String>,
    pub(super) content_lang: &'a str,
    pub(super) content_dir: &'a str,
    pub(super) headings: Vec<RenderedHeading>,
    pub(super) previous: Option<Link>,
    pub(super) next: Option<Link>,
    pub(super) extra: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
pub(super) struct PrintChapter<'a> {
    pub(super) anchor: String,
    pub(super) title: &'a str,
    pub(super) body: minijinja::Value,
    pub(super) needs_h1: bool,
    pub(super) fallback: bool,
    pub(super) content_lang: &'a str,
    pub(super) content_dir: &'a str,
}
