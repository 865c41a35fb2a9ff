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
use crate::model::{ChapterRef, Project, urls};
use crate::render::html::escape;
use crate::render::links;
use crate::render::markdown::{LinkRef, LinkWriter, Rendered};
use crate::site::i18n::Ui;

/// What one book is made of.
pub struct BookInput<'a> {
    pub project: &'a Project,
    pub ui: &'a Ui,
    /// Index of the book's language in the published languages.
    pub lang: usize,
    pub manual: usize,
    /// This language's rendered chapters, by [`Project::flat_index`].
    pub bodies: &'a [Rendered],
    /// `dcterms:modified`, in seconds since 1970.
    pub modified: i64,
    /// The book's stylesheet.
    pub css: &'a str,
    /// The book's language name in itself.
    pub lang_name: &'a str,
    /// The fonts the book embeds, if any.
    pub fonts: Option<&'a crate::fonts::BookFonts>,
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

/// The book's stylesheet, after the rules of the fonts it embeds, and those
/// fonts with their licences.
fn add_fonts(input: &BookInput<'_>, manifest: &mut String, files: &mut Vec<(String, Vec<u8>)>) {
    let mut css = String::new();
    for (i, (href, bytes, media_type)) in input.fonts.iter().flat_map(|f| &f.files).enumerate() {
        manifest.push_str(&format!(
            "<item id=\"font-{}\" href=\"{href}\" media-type=\"{media_type}\"/>\n",
            i + 1
        ));
        files.push((format!("EPUB/{href}"), bytes.clone()));
    }
    if let Some(fonts) = input.fonts {
        css.push_str(&fonts.css);
    }
    css.push_str(input.css);
    files.push(("EPUB/style.css".into(), css.into_bytes()));
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
    let project = input.project;
    let lang: &Lang = &project.langs()[input.lang];
    let code = lang.code.as_str();
    let dir = lang.dir.as_str();
    let manual = &project.manuals[input.manual];
    let title = manual.config.title_in(code);
    let t = |key: &str| input.ui.get(key).to_string();

    // Images the chapters use, each stored once.
    let refs: Vec<ChapterRef> = (0..manual.chapters.len())
        .map(|chapter| ChapterRef {
            manual: input.manual,
            chapter,
        })
        .collect();
    let bodies: Vec<&Rendered> = refs
        .iter()
        .map(|&r| &input.bodies[project.flat_index(r)])
        .collect();
    let mut media: BTreeMap<String, String> = BTreeMap::new();
    // The first chapter that uses each image, to name in a problem.
    let mut used_by: BTreeMap<&str, ChapterRef> = BTreeMap::new();
    for (body, &r) in bodies.iter().zip(&refs) {
        for rel in &body.files {
            if let Some(_mt) = core_media_type(rel) {
                let n = media.len() + 1;
                let ext = rel.rsplit('.').next().unwrap_or("bin").to_ascii_lowercase();
                media
                    .entry(rel.clone())
                    .or_insert_with(|| format!("media/image-{n}.{ext}"));
                used_by.entry(rel).or_insert(r);
            }
        }
    }
    // Each image is read before the chapters are written: one that cannot
    // be read (gone since the project was read, not readable, or no longer
    // a regular file) is left out, and the chapters show its text
    // alternative instead.
    let mut diagnostics = Vec::new();
    let mut media_bytes: Vec<(String, Vec<u8>)> = Vec::with_capacity(media.len());
    media.retain(|rel, href| {
        let path = project.paths.root.join(rel.as_str());
        match crate::load::project::read_regular(&path) {
            Ok(bytes) => {
                media_bytes.push((href.clone(), bytes));
                true
            }
            Err(e) => {
                let chapter = used_by.get(rel.as_str()).map(|&r| project.content(r, code).0);
                let file = chapter.map_or_else(|| std::path::PathBuf::from(rel.as_str()), |c| c.rel.clone());
                diagnostics.push(
                    Diagnostic::error(
                        file,
                        0,
                        format!(
                            "the EPUB book `{}` leaves out the image `{rel}`, which could not be read: {e}",
                            book_path(code, &manual.id)
                        ),
                    )
                    .with_lang(code)
                    .with_hint("check that the file exists and can be read, then build again"),
                );
                false
            }
        }
    });
    let writer = BookLinks {
        project,
        lang: code,
        manual: input.manual,
        media: &media,
    };

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut manifest = String::new();
    let mut spine = String::new();

    // Cover.
    files.push((
        "EPUB/cover.svg".into(),
        cover_svg(title, project.config.title_in(code), input.lang_name, lang).into_bytes(),
    ));
    files.push((
        "EPUB/cover.xhtml".into(),
        document(
            code,
            dir,
            &t("epub-cover"),
            " epub:type=\"cover\"",
            &format!(
                "<div class=\"cover\"><img src=\"cover.svg\" alt=\"{}\" role=\"doc-cover\"/></div>",
                escape(title)
            ),
        )
        .into_bytes(),
    ));
    manifest.push_str("<item id=\"cover-image\" href=\"cover.svg\" media-type=\"image/svg+xml\" properties=\"cover-image\"/>\n");
    manifest.push_str(
        "<item id=\"cover\" href=\"cover.xhtml\" media-type=\"application/xhtml+xml\"/>\n",
    );
    manifest.push_str("<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n");
    manifest.push_str("<item id=\"style\" href=\"style.css\" media-type=\"text/css\"/>\n");
    spine.push_str("<itemref idref=\"cover\" linear=\"no\"/>\n<itemref idref=\"nav\"/>\n");

    // Chapters.
    let mut has_images = false;
    for (i, (&r, body)) in refs.iter().zip(&bodies).enumerate() {
        let (src, fallback) = project.content(r, code);
        let content_lang = project.config.lang(&src.lang).unwrap_or(lang);
        let html = xhtml::from_fragment(&body.write(&writer));
        has_images |= html.contains("<img");
        let mut inner = String::new();
        if fallback {
            inner.push_str(&format!(
                "<p class=\"notice\" role=\"note\">{}</p>\n",
                escape(&t("not-translated-notice"))
            ));
        }
        if project.config.outdated_notice
            && !fallback
            && code != project.source_lang()
            && crate::translate::provenance::state(project, r, code)
                == crate::translate::provenance::State::Outdated
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
        if !body.starts_with_h1 {
            inner.push_str(&format!("<h1>{}</h1>\n", escape(&src.title)));
        }
        inner.push_str(&html);
        inner.push_str("\n</section>");
        let name = chapter_file(i);
        files.push((
            format!("EPUB/{name}"),
            document(code, dir, &src.title, "", &inner).into_bytes(),
        ));
        manifest.push_str(&format!(
            "<item id=\"c{}\" href=\"{name}\" media-type=\"application/xhtml+xml\"/>\n",
            i + 1
        ));
        spine.push_str(&format!("<itemref idref=\"c{}\"/>\n", i + 1));
    }

    // Navigation: the contents by part, and landmarks.
    let mut toc = String::new();
    for (pi, part) in manual.config.parts.iter().enumerate() {
        let mut items = String::new();
        for (i, &r) in refs
            .iter()
            .enumerate()
            .filter(|(i, _)| manual.chapters[*i].part == pi)
        {
            let (src, fallback) = project.content(r, code);
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
        if items.is_empty() {
            continue;
        }
        match part.title_in(code) {
            Some(pt) => toc.push_str(&format!(
                "<li><span>{}</span>\n<ol>\n{items}</ol></li>\n",
                escape(pt)
            )),
            None => toc.push_str(&items),
        }
    }
    let first = refs
        .first()
        .map(|_| chapter_file(0))
        .unwrap_or_else(|| "nav.xhtml".into());
    let nav = format!(
        "<nav epub:type=\"toc\" id=\"toc\" role=\"doc-toc\">\n<h1>{contents}</h1>\n<ol>\n{toc}</ol>\n</nav>\n\
         <nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n<h2>{landmarks}</h2>\n<ol>\n\
         <li><a epub:type=\"cover\" href=\"cover.xhtml\">{cover}</a></li>\n\
         <li><a epub:type=\"toc\" href=\"nav.xhtml#toc\">{contents}</a></li>\n\
         <li><a epub:type=\"bodymatter\" href=\"{first}\">{start}</a></li>\n</ol>\n</nav>",
        contents = escape(&t("contents")),
        landmarks = escape(&t("epub-landmarks")),
        cover = escape(&t("epub-cover")),
        start = escape(&t("epub-start")),
    );
    files.push((
        "EPUB/nav.xhtml".into(),
        document(code, dir, &t("contents"), "", &nav).into_bytes(),
    ));
    add_fonts(input, &mut manifest, &mut files);

    for ((rel, href), (_, bytes)) in media.iter().zip(media_bytes) {
        let id = href.trim_start_matches("media/").replace('.', "-");
        manifest.push_str(&format!(
            "<item id=\"{id}\" href=\"{href}\" media-type=\"{}\"/>\n",
            core_media_type(rel).unwrap_or("application/octet-stream")
        ));
        files.push((format!("EPUB/{href}"), bytes));
    }

    let package = package(input, title, has_images, &manifest, &spine);
    let container = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">\n<rootfiles>\n<rootfile full-path=\"EPUB/package.opf\" media-type=\"application/oebps-package+xml\"/>\n</rootfiles>\n</container>\n";

    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    zip.start_file("META-INF/container.xml", deflated)?;
    zip.write_all(container.as_bytes())?;
    zip.start_file("EPUB/package.opf", deflated)?;
    zip.write_all(package.as_bytes())?;
    for (name, bytes) in &files {
        zip.start_file(name.as_str(), deflated)?;
        zip.write_all(bytes)?;
    }
    Ok(Book {
        bytes: zip.finish()?.into_inner(),
        diagnostics,
    })
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
    let project = input.project;
    let lang = &project.langs()[input.lang];
    let manual = &project.manuals[input.manual];
    let mut meta = String::new();
    let mut add = |s: String| {
        meta.push_str(&s);
        meta.push('\n');
    };
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
