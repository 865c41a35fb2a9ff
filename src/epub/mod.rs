//! EPUB 3 books: one per manual and language, from the same rendered chapters
//! as the site (render once, write twice).
//!
//! Steps: fill each chapter's slots for the book (links inside the manual
//! become links inside the book; other links go to the published site when
//! `base_url` is set, else become plain text) -> convert to XHTML (`xhtml.rs`)
//! -> write the package document with accessibility metadata, the navigation
//! document, a cover page and a generated cover image -> zip deterministically
//! (`mimetype` first and stored, fixed times and order).

pub(crate) mod xhtml;

use std::collections::BTreeMap;
use std::io::Write;

use unicode_segmentation::UnicodeSegmentation;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use self::xhtml::UNLINK;
use crate::diag::Diagnostic;
use crate::load::lang::Lang;
use crate::model::{ChapterRef, Manual, Project, urls};
use crate::render::book::BookSource;
use crate::render::html::escape;
use crate::render::links;
use crate::render::markdown::{LinkRef, LinkWriter, Rendered};
use crate::site::i18n::Ui;

/// What one book is made of: the manual in its language (its `modified` is
/// `dcterms:modified`), and what only an EPUB has.
pub struct BookInput<'a> {
    pub source: BookSource<'a>,
    /// The book's stylesheet.
    pub css: &'a str,
    /// The fonts the book embeds, if any.
    pub fonts: Option<&'a crate::fonts::BookFonts>,
}

impl<'a> std::ops::Deref for BookInput<'a> {
    type Target = BookSource<'a>;
    fn deref(&self) -> &BookSource<'a> {
        &self.source
    }
}

/// Media types EPUB readers must support; other files are not put in books.
fn core_media_type(rel: &str) -> Option<&'static str> {
    let ext = rel.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    })
}

/// The file name of chapter `index` (0-based) inside the book.
fn chapter_file(index: usize) -> String {
    format!("chapter-{}.xhtml", index + 1)
}

/// The identifier of a book: a UUID derived from the manual and the language
/// (and the site's address when it has one), stable across builds.
pub fn identifier(project: &Project, manual: &str, lang: &str) -> String {
    let name = format!(
        "{}polybook/{manual}/{lang}",
        project.config.base_url.as_deref().unwrap_or("urn:")
    );
    format!(
        "urn:uuid:{}",
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, name.as_bytes())
    )
}

/// Where a book is published on the site.
pub fn book_path(lang: &str, manual: &str) -> String {
    format!("{lang}/{manual}/{manual}-{lang}.epub")
}

struct BookLinks<'a> {
    project: &'a Project,
    lang: &'a str,
    manual: usize,
    media: &'a BTreeMap<String, String>,
}

impl LinkWriter for BookLinks<'_> {
    fn href(&self, link: &LinkRef) -> String {
        let base = self.project.config.base_url.as_deref();
        match link {
            LinkRef::Keep(href) if links::is_external(href) => href.clone(),
            // A broken link (already reported) leads nowhere in a book.
            LinkRef::Keep(_) => UNLINK.to_string(),
            LinkRef::SamePage(frag) => format!("#{frag}"),
            LinkRef::Chapter { target, fragment } => {
                let frag = fragment
                    .as_ref()
                    .map(|f| format!("#{f}"))
                    .unwrap_or_default();
                if target.manual == self.manual {
                    return format!("{}{frag}", chapter_file(target.chapter));
                }
                let m = &self.project.manuals[target.manual];
                let chapter = &m.chapters[target.chapter];
                match base {
                    Some(base) => format!(
                        "{base}{}{frag}",
                        urls::encode_path(&urls::chapter(self.lang, &m.id, &chapter.id))
                    ),
                    None => {
                        let title = &self.project.content(*target, self.lang).0.title;
                        format!("{UNLINK}{title}, {}", m.config.title_in(self.lang))
                    }
                }
            }
            LinkRef::File { rel, suffix } => match (self.media.get(rel), base) {
                (Some(href), _) => href.clone(),
                (None, Some(base)) => {
                    format!("{base}{}{suffix}", urls::encode_path(&urls::file(rel)))
                }
                (None, None) => UNLINK.to_string(),
            },
        }
    }
}

/// A book's bytes and the problems met while making it.
#[derive(Debug)]
pub struct Book {
    pub bytes: Vec<u8>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Builds the EPUB file of one manual in one language.
pub fn build(input: &BookInput<'_>) -> zip::result::ZipResult<Book> {
    let mut book = Making::new(input);
    let (media, diagnostics) = book.media();
    let writer = BookLinks {
        project: input.project,
        lang: book.code,
        manual: input.manual,
        media: &media.names,
    };
    book.cover();
    let has_images = book.chapters(&writer);
    book.navigation();
    book.stylesheet();
    book.add_media(media);
    let package = package(input, book.title, has_images, &book.manifest, &book.spine);
    Ok(Book {
        bytes: write_zip(&package, &book.files)?,
        diagnostics,
    })
}

/// The notices above a chapter in a book of language `code`: not
/// translated, or translated from an earlier version of the original
/// (linked when the site has an address), or partly translated. HTML, for
/// the EPUB and PDF books alike.
pub(crate) fn notices(
    project: &Project,
    ui: &Ui,
    r: ChapterRef,
    code: &str,
    fallback: bool,
) -> String {
    let manual = &project.manuals[r.manual];
    let t = |key: &str| ui.get(key).to_string();
    let mut inner = String::new();
    if fallback {
        inner.push_str(&format!(
            "<p class=\"notice\" role=\"note\">{}</p>\n",
            escape(&t("not-translated-notice"))
        ));
    }
    let state = (!fallback && code != project.source_lang())
        .then(|| crate::translate::provenance::state(project, r, code));
    if project.config.outdated_notice
        && state == Some(crate::translate::provenance::State::Outdated)
    {
        let original = match project.config.base_url.as_deref() {
            Some(base) => format!(
                " <a href=\"{base}{}\">{}</a>",
                escape(&urls::encode_path(&urls::chapter(
                    project.source_lang(),
                    &manual.id,
                    &manual.chapters[r.chapter].id
                ))),
                escape(&t("read-original"))
            ),
            None => String::new(),
        };
        inner.push_str(&format!(
            "<p class=\"notice outdated\" role=\"note\">{}{original}</p>\n",
            escape(&t("outdated-notice"))
        ));
    }
    if state == Some(crate::translate::provenance::State::Partial) {
        inner.push_str(&format!(
            "<p class=\"notice partial\" role=\"note\">{}</p>\n",
            escape(&t("notice-partial"))
        ));
    }
    inner
}

/// The manifest items every book starts with: the cover, the navigation
/// document and the stylesheet.
const FIRST_ITEMS: &str = concat!(
    "<item id=\"cover-image\" href=\"cover.svg\" media-type=\"image/svg+xml\" properties=\"cover-image\"/>\n",
    "<item id=\"cover\" href=\"cover.xhtml\" media-type=\"application/xhtml+xml\"/>\n",
    "<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n",
    "<item id=\"style\" href=\"style.css\" media-type=\"text/css\"/>\n",
);

/// The spine before the chapters: the cover (outside the reading order) and
/// the navigation document.
const FIRST_SPINE: &str = "<itemref idref=\"cover\" linear=\"no\"/>\n<itemref idref=\"nav\"/>\n";

/// The images of a book: for each project file, its name in the book; and
/// the bytes stored under each name, in the same order.
struct Media {
    names: BTreeMap<String, String>,
    bytes: Vec<(String, Vec<u8>)>,
}

/// One book being made: what it is made of, and the files, manifest items
/// and spine so far.
struct Making<'a> {
    input: &'a BookInput<'a>,
    project: &'a Project,
    lang: &'a Lang,
    code: &'a str,
    dir: &'a str,
    manual: &'a Manual,
    title: &'a str,
    /// The manual's chapters, in order.
    refs: Vec<ChapterRef>,
    /// The files after the package document, in the order of the zip.
    files: Vec<(String, Vec<u8>)>,
    manifest: String,
    spine: String,
}

impl<'a> Making<'a> {
    fn new(input: &'a BookInput<'a>) -> Self {
        let project = input.project;
        let lang: &Lang = &project.langs()[input.lang];
        let manual = &project.manuals[input.manual];
        Making {
            input,
            project,
            lang,
            code: lang.code.as_str(),
            dir: lang.dir.as_str(),
            manual,
            title: manual.config.title_in(&lang.code),
            refs: (0..manual.chapters.len())
                .map(|chapter| ChapterRef {
                    manual: input.manual,
                    chapter,
                })
                .collect(),
            files: Vec::new(),
            manifest: FIRST_ITEMS.to_string(),
            spine: FIRST_SPINE.to_string(),
        }
    }

    fn t(&self, key: &str) -> String {
        self.input.ui.get(key).to_string()
    }

    fn body(&self, r: ChapterRef) -> &'a Rendered {
        &self.input.bodies[self.project.flat_index(r)]
    }

    /// Images the chapters use, each stored once. Each is read before the
    /// chapters are written: one that cannot be read (gone since the project
    /// was read, not readable, or no longer a regular file) is left out, and
    /// the chapters show its text alternative instead.
    fn media(&self) -> (Media, Vec<Diagnostic>) {
        let (mut names, used_by) = self.media_names();
        let mut diagnostics = Vec::new();
        let mut bytes: Vec<(String, Vec<u8>)> = Vec::with_capacity(names.len());
        names.retain(|rel, href| {
            let path = self.project.paths.root.join(rel.as_str());
            match crate::load::project::read_regular(&path) {
                Ok(read) => {
                    bytes.push((href.clone(), read));
                    true
                }
                Err(e) => {
                    let chapter = used_by.get(rel.as_str()).copied();
                    diagnostics.push(self.unreadable(rel, chapter, &e));
                    false
                }
            }
        });
        (Media { names, bytes }, diagnostics)
    }

    /// The name in the book of each image the chapters use, and the first
    /// chapter that uses it, to name in a problem.
    fn media_names(&self) -> (BTreeMap<String, String>, BTreeMap<&'a str, ChapterRef>) {
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let mut used_by: BTreeMap<&str, ChapterRef> = BTreeMap::new();
        for &r in &self.refs {
            for rel in &self.body(r).files {
                if core_media_type(rel).is_some() {
                    let n = names.len() + 1;
                    let ext = rel.rsplit('.').next().unwrap_or("bin").to_ascii_lowercase();
                    names
                        .entry(rel.clone())
                        .or_insert_with(|| format!("media/image-{n}.{ext}"));
                    used_by.entry(rel).or_insert(r);
                }
            }
        }
        (names, used_by)
    }

    /// The error for an image that could not be read, on the chapter that
    /// first uses it.
    fn unreadable(&self, rel: &str, chapter: Option<ChapterRef>, e: &std::io::Error) -> Diagnostic {
        let chapter = chapter.map(|r| self.project.content(r, self.code).0);
        let file = chapter.map_or_else(|| std::path::PathBuf::from(rel), |c| c.rel.clone());
        Diagnostic::error(
            file,
            0,
            format!(
                "the EPUB book `{}` leaves out the image `{rel}`, which could not be read: {e}",
                book_path(self.code, &self.manual.id)
            ),
        )
        .with_lang(self.code)
        .with_hint("check that the file exists and can be read, then build again")
    }

    /// The generated cover image and the cover page that shows it.
    fn cover(&mut self) {
        let site = self.project.config.title_in(self.code);
        let svg = cover_svg(self.title, site, self.input.lang_name, self.lang);
        self.files.push(("EPUB/cover.svg".into(), svg.into_bytes()));
        let page = document(
            self.code,
            self.dir,
            &self.t("epub-cover"),
            " epub:type=\"cover\"",
            &format!(
                "<div class=\"cover\"><img src=\"cover.svg\" alt=\"{}\" role=\"doc-cover\"/></div>",
                escape(self.title)
            ),
        );
        self.files
            .push(("EPUB/cover.xhtml".into(), page.into_bytes()));
    }

    /// One content document per chapter, in the manifest and the spine;
    /// says whether any of them shows an image.
    fn chapters(&mut self, writer: &BookLinks<'_>) -> bool {
        let mut has_images = false;
        for (i, &r) in self.refs.iter().enumerate() {
            let html = xhtml::from_fragment(&self.body(r).write(writer));
            has_images |= html.contains("<img");
            let (src, _) = self.project.content(r, self.code);
            let inner = self.chapter_body(r, &html);
            let name = chapter_file(i);
            self.files.push((
                format!("EPUB/{name}"),
                document(self.code, self.dir, &src.title, "", &inner).into_bytes(),
            ));
            self.manifest.push_str(&format!(
                "<item id=\"c{}\" href=\"{name}\" media-type=\"application/xhtml+xml\"/>\n",
                i + 1
            ));
            self.spine
                .push_str(&format!("<itemref idref=\"c{}\"/>\n", i + 1));
        }
        has_images
    }

    /// What a chapter's document holds: its notices, then the chapter (in
    /// its own language when it is the untranslated original), with a
    /// title when it has no level-1 heading of its own.
    fn chapter_body(&self, r: ChapterRef, html: &str) -> String {
        let (src, fallback) = self.project.content(r, self.code);
        let content_lang = self.project.config.lang(&src.lang).unwrap_or(self.lang);
        let mut inner = self.notices(r, fallback);
        let lang_attrs = if fallback {
            format!(
                " lang=\"{0}\" xml:lang=\"{0}\" dir=\"{1}\"",
                escape(&content_lang.code),
                content_lang.dir.as_str()
            )
        } else {
            String::new()
        };
        inner.push_str(&format!(
            "<section epub:type=\"chapter\" role=\"doc-chapter\"{lang_attrs}>\n"
        ));
        if !self.body(r).starts_with_h1 {
            inner.push_str(&format!("<h1>{}</h1>\n", escape(&src.title)));
        }
        inner.push_str(html);
        inner.push_str("\n</section>");
        inner
    }

    /// The notices above a chapter (see [`notices`]).
    fn notices(&self, r: ChapterRef, fallback: bool) -> String {
        notices(self.project, self.input.ui, r, self.code, fallback)
    }

    /// The navigation document: the contents by part, and landmarks.
    fn navigation(&mut self) {
        let first = (self.refs.first())
            .map(|_| chapter_file(0))
            .unwrap_or_else(|| "nav.xhtml".into());
        let nav = format!(
            "<nav epub:type=\"toc\" id=\"toc\" role=\"doc-toc\">\n<h1>{contents}</h1>\n<ol>\n{toc}</ol>\n</nav>\n\
             <nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n<h2>{landmarks}</h2>\n<ol>\n\
             <li><a epub:type=\"cover\" href=\"cover.xhtml\">{cover}</a></li>\n\
             <li><a epub:type=\"toc\" href=\"nav.xhtml#toc\">{contents}</a></li>\n\
             <li><a epub:type=\"bodymatter\" href=\"{first}\">{start}</a></li>\n</ol>\n</nav>",
            toc = self.toc(),
            contents = escape(&self.t("contents")),
            landmarks = escape(&self.t("epub-landmarks")),
            cover = escape(&self.t("epub-cover")),
            start = escape(&self.t("epub-start")),
        );
        let page = document(self.code, self.dir, &self.t("contents"), "", &nav);
        self.files
            .push(("EPUB/nav.xhtml".into(), page.into_bytes()));
    }

    /// The table of contents: the chapters of each part, under the part's
    /// title when it has one in this language.
    fn toc(&self) -> String {
        let mut toc = String::new();
        for (pi, part) in self.manual.config.parts.iter().enumerate() {
            let items = self.toc_items(pi);
            if items.is_empty() {
                continue;
            }
            match part.title_in(self.code) {
                Some(pt) => toc.push_str(&format!(
                    "<li><span>{}</span>\n<ol>\n{items}</ol></li>\n",
                    escape(pt)
                )),
                None => toc.push_str(&items),
            }
        }
        toc
    }

    /// The contents' entries for the chapters of part `part`.
    fn toc_items(&self, part: usize) -> String {
        let mut items = String::new();
        for (i, &r) in
            (self.refs.iter().enumerate()).filter(|(i, _)| self.manual.chapters[*i].part == part)
        {
            let (src, fallback) = self.project.content(r, self.code);
            let attrs = if fallback {
                format!(" lang=\"{0}\" xml:lang=\"{0}\"", escape(&src.lang))
            } else {
                String::new()
            };
            items.push_str(&format!(
                "<li><a href=\"{}\"{attrs}>{}</a></li>\n",
                chapter_file(i),
                escape(&src.title)
            ));
        }
        items
    }

    /// The fonts the book embeds, with their licences, then the stylesheet:
    /// the fonts' rules before the theme's.
    fn stylesheet(&mut self) {
        let fonts = self.input.fonts;
        for (i, (href, bytes, media_type)) in fonts.iter().flat_map(|f| &f.files).enumerate() {
            self.manifest.push_str(&format!(
                "<item id=\"font-{}\" href=\"{href}\" media-type=\"{media_type}\"/>\n",
                i + 1
            ));
            self.files.push((format!("EPUB/{href}"), bytes.clone()));
        }
        let mut css = fonts.map(|f| f.css.clone()).unwrap_or_default();
        css.push_str(self.input.css);
        self.files.push(("EPUB/style.css".into(), css.into_bytes()));
    }

    /// The images, after the other files, in the manifest.
    fn add_media(&mut self, media: Media) {
        for ((rel, href), (_, bytes)) in media.names.iter().zip(media.bytes) {
            let id = href.trim_start_matches("media/").replace('.', "-");
            self.manifest.push_str(&format!(
                "<item id=\"{id}\" href=\"{href}\" media-type=\"{}\"/>\n",
                core_media_type(rel).unwrap_or("application/octet-stream")
            ));
            self.files.push((format!("EPUB/{href}"), bytes));
        }
    }
}

/// The container document, which names the package document.
const CONTAINER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n<rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n";

/// The book's zip, deterministic: `mimetype` first and stored, then the
/// container, the package document and the other files, deflated, all with
/// a fixed time and permissions.
fn write_zip(package: &str, files: &[(String, Vec<u8>)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    zip.start_file("META-INF/container.xml", deflated)?;
    zip.write_all(CONTAINER.as_bytes())?;
    zip.start_file("EPUB/package.opf", deflated)?;
    zip.write_all(package.as_bytes())?;
    for (name, bytes) in files {
        zip.start_file(name.as_str(), deflated)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// An XHTML content document.
fn document(lang: &str, dir: &str, title: &str, body_attrs: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{l}\" xml:lang=\"{l}\" dir=\"{dir}\">\n\
         <head>\n<meta charset=\"utf-8\"/>\n<title>{title}</title>\n<link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\"/>\n</head>\n\
         <body{body_attrs}>\n{body}\n</body>\n</html>\n",
        l = escape(lang),
        title = escape(title),
    )
}

/// The package document: metadata (with EPUB Accessibility 1.1), manifest, spine.
fn package(
    input: &BookInput<'_>,
    title: &str,
    has_images: bool,
    manifest: &str,
    spine: &str,
) -> String {
    let lang = &input.project.langs()[input.lang];
    let mut meta = String::new();
    let mut add = |s: String| {
        meta.push_str(&s);
        meta.push('\n');
    };
    dc_metadata(input, title, &mut add);
    accessibility_metadata(input, has_images, &mut add);
    let progression = if lang.dir == crate::load::lang::Direction::Rtl {
        " page-progression-direction=\"rtl\""
    } else {
        ""
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"uid\" xml:lang=\"{l}\" dir=\"{dir}\">\n\
         <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n{meta}</metadata>\n\
         <manifest>\n{manifest}</manifest>\n<spine{progression}>\n{spine}</spine>\n</package>\n",
        l = escape(&lang.code),
        dir = lang.dir.as_str(),
    )
}

/// The book's Dublin Core metadata and its modification time, one element a
/// line through `add`.
fn dc_metadata(input: &BookInput<'_>, title: &str, add: &mut impl FnMut(String)) {
    let project = input.project;
    let lang = &project.langs()[input.lang];
    let manual = &project.manuals[input.manual];
    add(format!(
        "<dc:identifier id=\"uid\">{}</dc:identifier>",
        identifier(project, &manual.id, &lang.code)
    ));
    add(format!("<dc:title>{}</dc:title>", escape(title)));
    add(format!("<dc:language>{}</dc:language>", escape(&lang.code)));
    for author in &manual.config.authors {
        add(format!("<dc:creator>{}</dc:creator>", escape(author)));
    }
    if let Some(p) = &manual.config.publisher {
        add(format!("<dc:publisher>{}</dc:publisher>", escape(p)));
    }
    if let Some(r) = &manual.config.rights {
        add(format!("<dc:rights>{}</dc:rights>", escape(r)));
    }
    match manual.config.description_in(&lang.code) {
        Some((d, true)) => add(format!("<dc:description>{}</dc:description>", escape(d))),
        Some((d, false)) => add(format!(
            "<dc:description xml:lang=\"{}\">{}</dc:description>",
            escape(project.source_lang()),
            escape(d)
        )),
        None => {}
    }
    let modified =
        jiff::Timestamp::from_second(input.modified).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    add(format!(
        "<meta property=\"dcterms:modified\">{}</meta>",
        modified.strftime("%Y-%m-%dT%H:%M:%SZ")
    ));
}

/// The book's accessibility metadata (EPUB Accessibility 1.1), one element
/// a line through `add`.
fn accessibility_metadata(input: &BookInput<'_>, has_images: bool, add: &mut impl FnMut(String)) {
    add("<meta property=\"schema:accessMode\">textual</meta>".into());
    if has_images {
        add("<meta property=\"schema:accessMode\">visual</meta>".into());
    }
    add("<meta property=\"schema:accessModeSufficient\">textual</meta>".into());
    for feature in [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "alternativeText",
        "displayTransformability",
    ] {
        add(format!(
            "<meta property=\"schema:accessibilityFeature\">{feature}</meta>"
        ));
    }
    add("<meta property=\"schema:accessibilityHazard\">none</meta>".into());
    add(format!(
        "<meta property=\"schema:accessibilitySummary\">{}</meta>",
        escape(input.ui.get("epub-accessibility-summary"))
    ));
    add(
        "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>"
            .into(),
    );
}

/// A plain generated cover: the manual's title, the site's title and the
/// language, in the book's language and direction.
fn cover_svg(title: &str, site: &str, lang_name: &str, lang: &Lang) -> String {
    let rtl = lang.dir == crate::load::lang::Direction::Rtl;
    let mut text = String::new();
    let mut y = 300;
    for line in wrap(title, 16) {
        text.push_str(&format!(
            "<text x=\"300\" y=\"{y}\" font-size=\"52\" font-weight=\"bold\">{}</text>\n",
            escape(&line)
        ));
        y += 68;
    }
    text.push_str(&format!(
        "<text x=\"300\" y=\"{}\" font-size=\"28\">{}</text>\n",
        y + 40,
        escape(site)
    ));
    text.push_str(&format!(
        "<text x=\"300\" y=\"720\" font-size=\"30\">{}</text>\n",
        escape(lang_name)
    ));
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 600 800\" width=\"600\" height=\"800\" role=\"img\">\n\
         <title>{}</title>\n<rect width=\"600\" height=\"800\" fill=\"#123d5c\"/>\n<rect x=\"30\" y=\"30\" width=\"540\" height=\"740\" fill=\"none\" stroke=\"#f2c14e\" stroke-width=\"4\"/>\n\
         <g fill=\"#ffffff\" font-family=\"sans-serif\" text-anchor=\"middle\"{}>\n{text}</g>\n</svg>\n",
        escape(title),
        if rtl { " direction=\"rtl\"" } else { "" },
    )
}

/// Breaks text into lines of about `width` characters at word boundaries
/// (any boundary for scripts written without spaces).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_word_bounds() {
        let current = lines.last_mut().expect("never empty");
        if current.chars().count() + word.chars().count() > width && !current.trim().is_empty() {
            lines.push(word.trim_start().to_string());
        } else {
            current.push_str(word);
        }
    }
    lines
        .into_iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_titles_at_word_boundaries() {
        assert_eq!(
            wrap("Digital Security Guide for everyone", 16),
            ["Digital Security", "Guide for", "everyone"]
        );
        assert_eq!(wrap("数字安全指南数字安全指南数字安全指南", 8).len(), 3);
    }

    #[test]
    fn media_types() {
        assert_eq!(core_media_type("a/b.SVG"), Some("image/svg+xml"));
        assert_eq!(core_media_type("x.pdf"), None);
    }
}
