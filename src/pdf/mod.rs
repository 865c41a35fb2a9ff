//! PDF books: one manual in one language, typeset by Typst (used as a
//! library, with a world of its own that holds only the book's markup, its
//! images and bundled fonts, and never reads the network or the disk).
//!
//! A book is made from the chapter bodies the site uses: each body is
//! written with book-internal links and ids ([`BookLinks`]), turned into
//! Typst markup by [`markup`], and put after the page design
//! (`themes/default/pdf/book.typ`) and the book's values. Typst lays it out
//! (contents with page numbers, running heads, footnotes, bookmarks from the
//! headings) and writes a tagged PDF, PDF/UA-1 where the book allows it.
//! The book's date is its EPUB's, so the same sources give the same bytes.

pub mod markup;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use self::markup::{UNLINKED, string};
use crate::diag::Diagnostic;
use crate::fonts::{Face, Script};
use crate::load::lang::Direction;
use crate::model::{ChapterRef, Project, urls};
use crate::render::book::BookSource;
use crate::render::html::escape;
use crate::render::links;
use crate::render::markdown::{LinkRef, LinkWriter};

/// The page design every book starts with.
const DESIGN: &str = include_str!("../../themes/default/pdf/book.typ");

/// Where a manual's PDF book is published.
pub fn book_path(lang: &str, manual: &str) -> String {
    format!("{lang}/{manual}/{manual}-{lang}.pdf")
}

/// What one PDF book is made from: the manual in its language, and the fonts.
pub struct PdfInput<'a> {
    pub source: BookSource<'a>,
    /// The fonts the build chose for this language's scripts.
    pub faces: &'a BTreeMap<(String, Script), Arc<Face>>,
}

impl<'a> std::ops::Deref for PdfInput<'a> {
    type Target = BookSource<'a>;
    fn deref(&self) -> &BookSource<'a> {
        &self.source
    }
}

/// A book's bytes (none when it could not be made) and the problems met.
#[derive(Debug)]
pub struct Pdf {
    pub bytes: Option<Vec<u8>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Links and ids of one chapter as the book writes them: ids as
/// `chapter:id`, links inside the book as `#chapter:id`.
struct BookLinks<'a> {
    project: &'a Project,
    lang: &'a str,
    manual: usize,
    chapter: usize,
}

impl LinkWriter for BookLinks<'_> {
    fn href(&self, link: &LinkRef) -> String {
        let base = self.project.config.base_url.as_deref();
        match link {
            LinkRef::Keep(href) if links::is_external(href) => href.clone(),
            LinkRef::Keep(_) => UNLINKED.to_string(),
            LinkRef::SamePage(frag) => format!("#{}:{frag}", self.chapter),
            LinkRef::Chapter { target, fragment } => {
                let frag = fragment.as_deref().unwrap_or("");
                if target.manual == self.manual {
                    return format!("#{}:{frag}", target.chapter);
                }
                let m = &self.project.manuals[target.manual];
                let chapter = &m.chapters[target.chapter];
                match base {
                    Some(base) => {
                        let frag = fragment
                            .as_ref()
                            .map(|f| format!("#{f}"))
                            .unwrap_or_default();
                        format!(
                            "{base}{}{frag}",
                            urls::encode_path(&urls::chapter(self.lang, &m.id, &chapter.id))
                        )
                    }
                    None => {
                        let title = &self.project.content(*target, self.lang).0.title;
                        format!("{UNLINKED}{title}, {}", m.config.title_in(self.lang))
                    }
                }
            }
            LinkRef::File { rel, suffix } => match base {
                Some(base) if !is_image(rel) => {
                    format!("{base}{}{suffix}", urls::encode_path(&urls::file(rel)))
                }
                _ => format!("file:{rel}"),
            },
        }
    }

    fn id(&self, id: &str) -> String {
        format!("{}:{id}", self.chapter)
    }
}

/// The image formats a book shows.
fn image_format(rel: &str) -> Option<&'static str> {
    let ext = rel.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "svg" => "svg",
        "png" => "png",
        "jpg" | "jpeg" => "jpg",
        "gif" => "gif",
        "webp" => "webp",
        _ => return None,
    })
}

fn is_image(rel: &str) -> bool {
    image_format(rel).is_some()
}

/// Makes the PDF book of one manual in one language.
pub fn build(input: &PdfInput<'_>) -> Pdf {
    let project = input.project;
    let lang = &project.langs()[input.lang];
    let code = lang.code.as_str();
    let manual = &project.manuals[input.manual];
    let path = book_path(code, &manual.id);
    let mut diagnostics = Vec::new();
    let refs: Vec<ChapterRef> = (0..manual.chapters.len())
        .map(|chapter| ChapterRef {
            manual: input.manual,
            chapter,
        })
        .collect();
    let body = |r: ChapterRef| &input.bodies[project.flat_index(r)];

    // Images: read and checked before the book is laid out, so that one
    // that cannot be shown is its text alternative, not a failed book.
    let mut images: BTreeMap<String, String> = BTreeMap::new();
    let mut files: BTreeMap<String, Bytes> = BTreeMap::new();
    for &r in &refs {
        for rel in &body(r).files {
            let Some(format) = image_format(rel) else {
                continue;
            };
            if images.contains_key(rel) || files.len() > 10_000 {
                continue;
            }
            let name = format!("img/{}.{format}", images.len() + 1);
            let read = crate::load::project::read_regular(&project.paths.root.join(rel))
                .map_err(|e| e.to_string())
                .and_then(|bytes| {
                    let bytes = Bytes::new(bytes);
                    check_image(&bytes, format).map(|()| bytes)
                });
            match read {
                Ok(bytes) => {
                    images.insert(rel.clone(), name.clone());
                    files.insert(name, bytes);
                }
                Err(e) => {
                    let (src, _) = project.content(r, code);
                    diagnostics.push(
                        Diagnostic::warning(
                            &src.rel,
                            0,
                            format!(
                                "the PDF book `{path}` shows the text of the image `{rel}` instead: {e}"
                            ),
                        )
                        .with_lang(code)
                        .with_hint("check that the file exists and is a PNG, JPEG, GIF, WebP or SVG image, then build again"),
                    );
                }
            }
        }
    }

    let chapters: Vec<String> = refs
        .iter()
        .map(|&r| {
            let writer = BookLinks {
                project,
                lang: code,
                manual: input.manual,
                chapter: r.chapter,
            };
            chapter_html(input, r, &body(r).write(&writer))
        })
        .collect();
    let (chapters_markup, needs) = markup::Book::new(&chapters, images).markup();
    let files: BTreeMap<String, Bytes> = files
        .into_iter()
        .filter(|(name, _)| needs.images.iter().any(|(_, n)| n == name))
        .collect();

    let title = manual.config.title_in(code);
    let site = project.config.title_in(code);
    let contents = input.ui.get("contents");
    let mut scripts = needs.scripts.clone();
    for s in [title, site, contents, input.lang_name] {
        scripts.extend(s.chars().filter_map(Script::of));
    }
    let (fonts, families, missing) = book_fonts(input, &scripts);
    for script in missing {
        diagnostics.push(
            Diagnostic::warning(
                &path,
                0,
                format!(
                    "the PDF book has {} text but no font for it was found; that text shows as empty boxes",
                    script.name()
                ),
            )
            .with_lang(code)
            .with_hint(format!(
                "install a font for it (Debian: {}) or name one in [fonts] of polybook.toml",
                script.packages()
            )),
        );
    }

    let date = jiff::tz::Offset::UTC.to_datetime(
        jiff::Timestamp::from_second(input.modified).unwrap_or(jiff::Timestamp::UNIX_EPOCH),
    );
    let datetime = Datetime::from_ymd_hms(
        date.year() as i32,
        date.month() as u8,
        date.day() as u8,
        date.hour() as u8,
        date.minute() as u8,
        date.second() as u8,
    );
    let values = values(&Values {
        title,
        site,
        contents,
        lang_name: input.lang_name,
        code,
        dir: lang.dir,
        families: &families,
        date: &date,
        authors: &manual.config.authors,
    });
    let source = format!("{values}\n{DESIGN}\n{chapters_markup}");
    let world = BookWorld::new(source, files, fonts, datetime);
    let document = typst::compile::<PagedDocument>(&world).output;
    let document = match document {
        Ok(d) => d,
        Err(errors) => {
            diagnostics.push(failed(&path, code, &world, &errors));
            return Pdf {
                bytes: None,
                diagnostics,
            };
        }
    };
    let options = |standards: PdfStandards| PdfOptions {
        ident: Smart::Custom(format!("{code}/{}", manual.id)),
        creator: Smart::Custom(Some(format!("polybook {}", env!("CARGO_PKG_VERSION")))),
        timestamp: datetime.map(Timestamp::new_utc),
        standards,
        ..PdfOptions::default()
    };
    let ua = PdfStandards::new(&[PdfStandard::Ua_1]).ok();
    // PDF/UA-1 where the book meets it, else a tagged PDF all the same, with
    // a warning on each chapter that stands in the way.
    let bytes = match ua.map(|ua| typst_pdf::pdf(&document, &options(ua))) {
        Some(Ok(bytes)) => Ok(bytes),
        claimed => {
            if let Some(Err(errors)) = claimed {
                let files: Vec<&std::path::Path> = refs
                    .iter()
                    .map(|&r| project.content(r, code).0.rel.as_path())
                    .collect();
                diagnostics.extend(not_accessible(&path, code, &world, &errors, &files));
            }
            typst_pdf::pdf(&document, &options(PdfStandards::default()))
        }
    };
    match bytes {
        Ok(b) => Pdf {
            bytes: Some(b),
            diagnostics,
        },
        Err(errors) => {
            diagnostics.push(failed(&path, code, &world, &errors));
            Pdf {
                bytes: None,
                diagnostics,
            }
        }
    }
}

/// Warnings for what keeps a book from claiming PDF/UA-1, one per chapter and
/// problem, on the chapter file (`files`, in book order) whose markup holds it.
fn not_accessible(
    path: &str,
    code: &str,
    world: &BookWorld,
    errors: &[SourceDiagnostic],
    files: &[&std::path::Path],
) -> Vec<Diagnostic> {
    use typst::WorldExt;
    let text = world.source.text();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for e in errors {
        // The chapter is the one whose `#pbchapter()` comes last before the span.
        let chapter = world
            .range(e.span)
            .and_then(|range| text.get(..range.start))
            .map(|before| before.matches("#pbchapter()\n").count());
        let file = chapter
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| files.get(i))
            .copied()
            .unwrap_or(std::path::Path::new(path));
        // Typst's messages start "PDF/UA-1 error: ", which the warning says itself.
        let message = (e.message.split_once(" error: ")).map_or(e.message.as_str(), |(_, m)| m);
        if !seen.insert((file, message)) {
            continue;
        }
        let hint = if e.hints.is_empty() {
            "fix what the message names, so that readers with screen readers get an accessible book"
                .to_string()
        } else {
            e.hints
                .iter()
                .map(|h| h.v.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        out.push(
            Diagnostic::warning(
                file,
                0,
                format!(
                    "the PDF book `{path}` cannot claim PDF/UA-1 (accessible PDF): {message}; it is written as a tagged PDF without that claim"
                ),
            )
            .with_lang(code)
            .with_hint(hint),
        );
    }
    out
}

/// The error for a book Typst could not make.
fn failed(path: &str, code: &str, world: &BookWorld, errors: &[SourceDiagnostic]) -> Diagnostic {
    use typst::WorldExt;
    let text = world.source.text();
    let messages: Vec<String> = errors
        .iter()
        .map(|e| {
            let at = world.range(e.span).and_then(|range| {
                let line = text.get(..range.start)?.matches('\n').count() + 1;
                let snippet: String = text.get(range)?.chars().take(80).collect();
                Some(format!(
                    " (line {line} of the book's Typst source, at `{snippet}`)"
                ))
            });
            format!("{}{}", e.message, at.unwrap_or_default())
        })
        .collect();
    Diagnostic::error(
        path,
        0,
        format!("could not write the PDF book: {}", messages.join("; ")),
    )
    .with_lang(code)
    .with_hint("build with --no-pdf to skip PDF books, and report this problem with the chapter that causes it")
}

/// An image Typst can decode, or why not.
fn check_image(bytes: &Bytes, format: &str) -> Result<(), String> {
    use typst::visualize::{ImageFormat, RasterFormat, RasterImage, SvgImage, VectorFormat};
    let format = match format {
        "svg" => ImageFormat::Vector(VectorFormat::Svg),
        "png" => ImageFormat::Raster(RasterFormat::Exchange(
            typst::visualize::ExchangeFormat::Png,
        )),
        "jpg" => ImageFormat::Raster(RasterFormat::Exchange(
            typst::visualize::ExchangeFormat::Jpg,
        )),
        "gif" => ImageFormat::Raster(RasterFormat::Exchange(
            typst::visualize::ExchangeFormat::Gif,
        )),
        _ => ImageFormat::Raster(RasterFormat::Exchange(
            typst::visualize::ExchangeFormat::Webp,
        )),
    };
    match format {
        ImageFormat::Vector(_) => SvgImage::new(bytes.clone())
            .map(|_| ())
            .map_err(|e| format!("{e:?}")),
        ImageFormat::Raster(f) => RasterImage::new(bytes.clone(), f, Smart::Auto)
            .map(|_| ())
            .map_err(|e| e.to_string()),
    }
}

/// One chapter's HTML as the book shows it: its notices, then the chapter
/// (in its own language when it is the untranslated original), with a
/// title when it has no level-1 heading of its own.
fn chapter_html(input: &PdfInput<'_>, r: ChapterRef, html: &str) -> String {
    let project = input.project;
    let lang = &project.langs()[input.lang];
    let (src, fallback) = project.content(r, &lang.code);
    let mut out = String::with_capacity(html.len() + 256);
    if !input.bodies[project.flat_index(r)].starts_with_h1 {
        out.push_str(&format!(
            "<h1 id=\"{}:\">{}</h1>\n",
            r.chapter,
            escape(&src.title)
        ));
    }
    out.push_str(&crate::epub::notices(
        project, input.ui, r, &lang.code, fallback,
    ));
    if fallback {
        let content = project.config.lang(&src.lang).unwrap_or(lang);
        out.push_str(&format!(
            "<section lang=\"{}\" dir=\"{}\">\n{html}\n</section>",
            escape(&content.code),
            content.dir.as_str()
        ));
    } else {
        out.push_str(html);
    }
    out
}

/// The values the page design reads.
struct Values<'a> {
    title: &'a str,
    site: &'a str,
    contents: &'a str,
    lang_name: &'a str,
    code: &'a str,
    dir: Direction,
    families: &'a [String],
    date: &'a jiff::civil::DateTime,
    authors: &'a [String],
}

/// The digits page numbers are written in, by language.
fn digits(code: &str) -> [char; 10] {
    let base = code.split(['-', '_']).next().unwrap_or(code);
    let zero = match base {
        "ar" => '\u{0660}',
        "fa" | "ps" | "ur" => '\u{06F0}',
        "my" => '\u{1040}',
        "bo" | "dz" => '\u{0F20}',
        "km" => '\u{17E0}',
        "hi" | "mr" | "ne" => '\u{0966}',
        "bn" => '\u{09E6}',
        _ => '0',
    };
    std::array::from_fn(|i| char::from_u32(zero as u32 + i as u32).unwrap_or('0'))
}

fn values(v: &Values<'_>) -> String {
    let (lang, region) = markup::typst_lang(v.code);
    let list = |items: &[String]| {
        let inner: Vec<String> = items.iter().map(|f| string(f)).collect();
        format!("({},)", inner.join(", "))
    };
    let digits: Vec<String> = digits(v.code).iter().map(|d| d.to_string()).collect();
    let mono: Vec<String> = std::iter::once("DejaVu Sans Mono".to_string())
        .chain(v.families.iter().skip(1).cloned())
        .collect();
    let d = v.date;
    format!(
        "#let pb-title = {title}\n#let pb-site = {site}\n#let pb-contents = {contents}\n\
         #let pb-lang-name = {name}\n#let pb-lang = {lang}\n#let pb-region = {region}\n\
         #let pb-dir = {dir}\n#let pb-fonts = {fonts}\n#let pb-mono = {mono}\n\
         #let pb-digits = {digits}\n#let pb-authors = {authors}\n#let pb-width = 112mm\n\
         #let pb-date = datetime(year: {y}, month: {mo}, day: {da}, hour: {h}, minute: {mi}, second: {s})\n",
        title = string(v.title),
        site = string(v.site),
        contents = string(v.contents),
        name = string(v.lang_name),
        lang = string(lang.as_deref().unwrap_or("und")),
        region = region.map_or("none".to_string(), |r| string(&r)),
        dir = if v.dir == Direction::Rtl {
            "rtl"
        } else {
            "ltr"
        },
        fonts = list(v.families),
        mono = list(&mono),
        digits = list(&digits),
        authors = if v.authors.is_empty() {
            "()".to_string()
        } else {
            list(v.authors)
        },
        y = d.year(),
        mo = d.month(),
        da = d.day(),
        h = d.hour(),
        mi = d.minute(),
        s = d.second(),
    )
}

/// The fonts bundled with polybook (Latin, Greek, Cyrillic, and a
/// monospaced face for code), parsed once.
static BUNDLED: LazyLock<Vec<Font>> = LazyLock::new(|| {
    typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect()
});

/// Typst's standard library, made once.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Fonts installed on this machine for the scripts the build did not
/// choose a font for (PDF books always embed theirs), under a licence that
/// lets a document embed them, found once.
static INSTALLED: LazyLock<BTreeMap<Script, Arc<Face>>> = LazyLock::new(|| {
    let installed = crate::fonts::find::Installed::list();
    Script::ALL
        .iter()
        .filter_map(|&s| {
            installed
                .find_with(s, &BTreeSet::new(), crate::fonts::FontFile::embeddable)
                .map(|f| (s, Arc::new(f)))
        })
        .collect()
});

/// A font file's bytes, shared with the face that holds them.
struct FaceBytes(Arc<Face>, bool);

impl AsRef<[u8]> for FaceBytes {
    fn as_ref(&self) -> &[u8] {
        match (self.1, &self.0.bold) {
            (true, Some(bold)) => &bold.bytes,
            _ => &self.0.regular.bytes,
        }
    }
}

/// The fonts of one book: the bundled ones and one face (regular and bold)
/// per script its text uses; their family names in the order text falls
/// back through them; and the scripts no font was found for.
fn book_fonts(
    input: &PdfInput<'_>,
    scripts: &BTreeSet<Script>,
) -> (Vec<Font>, Vec<String>, Vec<Script>) {
    let code = &input.project.langs()[input.lang].code;
    let mut fonts: Vec<Font> = BUNDLED.clone();
    let mut families = vec!["Libertinus Serif".to_string()];
    let mut missing = Vec::new();
    for &script in scripts {
        let face = (input.faces.get(&(code.clone(), script)))
            .or_else(|| INSTALLED.get(&script))
            .cloned();
        let Some(face) = face else {
            missing.push(script);
            continue;
        };
        for bold in [false, true] {
            if bold && face.bold.is_none() {
                continue;
            }
            let file = if bold {
                face.bold.as_ref().unwrap_or(&face.regular)
            } else {
                &face.regular
            };
            let data = Bytes::new(FaceBytes(face.clone(), bold));
            if let Some(font) = Font::new(data, file.index) {
                let family = font.info().family.clone();
                if !families.iter().any(|f| f.eq_ignore_ascii_case(&family)) {
                    families.push(family);
                }
                fonts.push(font);
            }
        }
    }
    (fonts, families, missing)
}

/// The world a book is laid out in: its one source file, its images and
/// its fonts, and nothing else.
struct BookWorld {
    main: FileId,
    source: Source,
    files: std::collections::HashMap<FileId, Bytes>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    today: Option<Datetime>,
}

fn file_id(path: &str) -> Option<FileId> {
    Some(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).ok()?).intern())
}

impl BookWorld {
    fn new(
        text: String,
        files: BTreeMap<String, Bytes>,
        fonts: Vec<Font>,
        today: Option<Datetime>,
    ) -> BookWorld {
        let main = file_id("/book.typ").expect("a fixed path is valid");
        BookWorld {
            main,
            source: Source::new(main, text),
            files: files
                .into_iter()
                .filter_map(|(name, bytes)| Some((file_id(&format!("/{name}"))?, bytes)))
                .collect(),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            today,
        }
    }
}

impl World for BookWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

/// Lets Typst forget what it kept between books (its caches hold layouts
/// of every book made so far).
pub fn forget() {
    typst::comemo::evict(0);
}
