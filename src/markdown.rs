//! Markdown to HTML for one page: a pure function from a chapter's source and
//! the page it appears on to the page body and the facts other stages need.
//!
//! Steps, on pulldown-cmark events: resolve links and images for the page's
//! language (and check them and their fragments), give headings their ids,
//! highlight code, turn GitHub-style alerts into callouts, collect footnotes,
//! isolate left-to-right runs in right-to-left text, rewrite links in raw HTML,
//! then sanitise when the chapter contains raw HTML.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd};

use crate::bidi;
use crate::config::{RemotePolicy, closest};
use crate::diag::{Diagnostic, LineIndex};
use crate::highlight;
use crate::html::escape;
use crate::i18n::Ui;
use crate::lang::Direction;
use crate::links::{self, Target};
use crate::model::{ChapterRef, Project, Source, urls};
use crate::outline::{self, footnote_id};
use crate::sanitize;
use crate::slug::slugify;

/// Where and how a chapter is rendered.
pub struct RenderInput<'a> {
    pub project: &'a Project,
    pub chapter: ChapterRef,
    /// Language of the page (and of the links it makes).
    pub page_lang: &'a str,
    /// The text shown: the translation, or the fallback source.
    pub source: &'a Source,
    /// Direction of the text shown.
    pub dir: Direction,
    /// Output path of the page, for relative links.
    pub page_path: &'a str,
    /// On the print page all chapters of the manual share one page: ids are
    /// prefixed and links between them become fragments.
    pub print: bool,
    pub ui: &'a Ui,
}

/// A heading as it appears in the page.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RenderedHeading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// The result of rendering one chapter on one page.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<RenderedHeading>,
    /// Whether the body starts with a level-1 heading (the page title).
    pub starts_with_h1: bool,
    /// Project files (`/`-separated, relative to the root) the page uses.
    pub files: BTreeSet<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The id that an anchor of chapter `chapter_id` gets on the print page.
pub fn print_id(chapter_id: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("ch-{}--{id}", slugify(chapter_id)),
        None => format!("ch-{}", slugify(chapter_id)),
    }
}

/// Result of resolving one URL.
struct Resolved {
    href: String,
    file: Option<String>,
    diag: Option<Diagnostic>,
}

impl RenderInput<'_> {
    fn chapter_id(&self) -> &str {
        &self.project.chapter(self.chapter).id
    }

    fn local_id(&self, id: &str) -> String {
        if self.print {
            print_id(self.chapter_id(), Some(id))
        } else {
            id.to_string()
        }
    }

    fn diag(&self, line: usize, error: bool, message: String, hint: Option<String>) -> Diagnostic {
        let d = if error {
            Diagnostic::error(&self.source.rel, line, message)
        } else {
            Diagnostic::warning(&self.source.rel, line, message)
        };
        let d = d.with_lang(&self.source.lang);
        match hint {
            Some(h) => d.with_hint(h),
            None => d,
        }
    }

    /// Resolves a link or image URL written in the source.
    fn resolve(&self, href: &str, line: usize, image: bool) -> Resolved {
        let keep = |diag: Option<Diagnostic>| Resolved {
            href: href.to_string(),
            file: None,
            diag,
        };
        match links::resolve(self.project, self.source, self.page_lang, href) {
            Err(e) => keep(Some(self.diag(
                line,
                true,
                format!(
                    "broken {}: {}",
                    if image { "image" } else { "link" },
                    e.message
                ),
                e.hint,
            ))),
            Ok(Target::External) => {
                let remote = href.starts_with("http:")
                    || href.starts_with("https:")
                    || href.starts_with("//");
                let diag = match (image && remote, self.project.config.remote_images) {
                    (true, RemotePolicy::Allow) | (false, _) => None,
                    (true, policy) => Some(self.diag(
                        line,
                        policy == RemotePolicy::Error,
                        format!("image `{href}` is loaded from another host: every reader's browser would contact it"),
                        Some("copy the image into the manual's `media/` folder, or set `remote_images = \"allow\"` in polybook.toml".into()),
                    )),
                };
                keep(diag)
            }
            Ok(Target::SamePage(frag)) => {
                let diag = self.check_fragment(self.source, &frag, line, "this chapter");
                Resolved {
                    href: format!("#{}", self.local_id(&frag)),
                    file: None,
                    diag,
                }
            }
            Ok(Target::Chapter { target, fragment }) => {
                let (target_src, _) = self.project.content(target, self.page_lang);
                let manual = &self.project.manuals[target.manual];
                let chapter = &manual.chapters[target.chapter];
                let diag = fragment.as_deref().and_then(|f| {
                    self.check_fragment(target_src, f, line, &format!("chapter `{}`", chapter.id))
                });
                let href = if self.print && target.manual == self.chapter.manual {
                    format!("#{}", print_id(&chapter.id, fragment.as_deref()))
                } else {
                    let mut url = urls::relative(
                        self.page_path,
                        &urls::chapter(self.page_lang, &manual.id, &chapter.id),
                    );
                    if let Some(f) = &fragment {
                        url.push('#');
                        url.push_str(f);
                    }
                    url
                };
                Resolved {
                    href,
                    file: None,
                    diag,
                }
            }
            Ok(Target::File { rel, suffix }) => Resolved {
                href: format!(
                    "{}{suffix}",
                    urls::relative(self.page_path, &urls::file(&rel))
                ),
                file: Some(rel),
                diag: None,
            },
        }
    }

    fn check_fragment(
        &self,
        target: &Source,
        frag: &str,
        line: usize,
        what: &str,
    ) -> Option<Diagnostic> {
        if target.anchors.all.contains(frag) {
            return None;
        }
        let hint = closest(frag, target.anchors.ids.iter().map(String::as_str))
            .map(|c| format!("did you mean `#{c}`?"))
            .or_else(|| {
                Some(format!(
                    "the headings of {what} have the ids: {}",
                    target.anchors.ids.join(", ")
                ))
            });
        Some(self.diag(
            line,
            true,
            format!("{what} has no heading or anchor `#{frag}`"),
            hint,
        ))
    }

    fn alert_label(&self, kind: BlockQuoteKind) -> (&'static str, &str) {
        let (key, id) = match kind {
            BlockQuoteKind::Note => ("note", "alert-note"),
            BlockQuoteKind::Tip => ("tip", "alert-tip"),
            BlockQuoteKind::Important => ("important", "alert-important"),
            BlockQuoteKind::Warning => ("warning", "alert-warning"),
            BlockQuoteKind::Caution => ("caution", "alert-caution"),
        };
        (key, self.ui.get(id))
    }
}

/// Renders a chapter for a page.
pub fn render(input: &RenderInput<'_>) -> Rendered {
    let body = input.source.body();
    let lines = LineIndex::new(body, input.source.body_line_offset);
    let rtl = input.dir == Direction::Rtl;
    let mut out = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();

    // Heading being collected: (level, classes, start index in `events`).
    let mut heading: Option<(u8, Vec<CowStr<'_>>, usize)> = None;
    let mut heading_no = 0usize;
    let mut code: Option<(String, String)> = None;
    let mut html_block: Option<(String, usize)> = None;
    let mut image_depth = 0usize;
    let mut has_raw_html = false;
    // Footnotes: label -> number (by first reference), references seen, and
    // the definitions' events.
    let mut fn_numbers: HashMap<String, usize> = HashMap::new();
    let mut fn_refs: HashMap<String, usize> = HashMap::new();
    let mut fn_defs: Vec<(String, Vec<Event<'_>>)> = Vec::new();
    let mut in_def: Option<(String, Vec<Event<'_>>)> = None;

    for (event, range) in Parser::new_ext(body, outline::options()).into_offset_iter() {
        let line = lines.line(range.start);
        let mut emitted: Vec<Event<'_>> = Vec::with_capacity(1);
        match event {
            Event::Start(Tag::Heading { level, classes, .. }) => {
                heading = Some((outline::level_number(level), classes, events.len()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, classes, start)) = heading.take() {
                    let inner_events: Vec<Event<'_>> = events.drain(start..).collect();
                    let mut inner = String::new();
                    pulldown_cmark::html::push_html(&mut inner, inner_events.into_iter());
                    let anchors = &input.source.anchors;
                    let raw_id = anchors
                        .ids
                        .get(heading_no)
                        .cloned()
                        .unwrap_or_else(|| format!("h-{heading_no}"));
                    let id = input.local_id(&raw_id);
                    // On the print page chapters sit below the manual's title.
                    let shown = if input.print {
                        (level + 1).min(6)
                    } else {
                        level
                    };
                    let mut html = format!("<h{shown} id=\"{}\"", escape(&id));
                    if !classes.is_empty() {
                        let classes: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
                        html.push_str(&format!(" class=\"{}\"", escape(&classes.join(" "))));
                    }
                    html.push('>');
                    if let Some(Some(alias)) = anchors.aliases.get(heading_no) {
                        html.push_str(&format!(
                            "<span id=\"{}\" class=\"anchor-alias\"></span>",
                            escape(&input.local_id(alias))
                        ));
                    }
                    html.push_str(&inner);
                    html.push_str(&format!("</h{shown}>\n"));
                    if heading_no == 0 {
                        out.starts_with_h1 = level == 1;
                    }
                    let text = input
                        .source
                        .outline
                        .headings
                        .get(heading_no)
                        .map(|h| h.text.clone())
                        .unwrap_or_default();
                    out.headings.push(RenderedHeading { level, id, text });
                    heading_no += 1;
                    emitted.push(Event::Html(html.into()));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((info, text)) = code.take() {
                    emitted.push(Event::Html(highlight::code_block(&text, &info).into()));
                }
            }
            Event::Text(text) if code.is_some() => {
                code.as_mut().expect("checked").1.push_str(&text);
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let r = input.resolve(&dest_url, line, false);
                out.diagnostics.extend(r.diag);
                out.files.extend(r.file);
                emitted.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: r.href.into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                image_depth += 1;
                let r = input.resolve(&dest_url, line, true);
                out.diagnostics.extend(r.diag);
                out.files.extend(r.file);
                emitted.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: r.href.into(),
                    title,
                    id,
                }));
            }
            Event::End(TagEnd::Image) => {
                image_depth = image_depth.saturating_sub(1);
                emitted.push(Event::End(TagEnd::Image));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (key, label) = input.alert_label(kind);
                emitted.push(Event::Html(
                    format!("<div class=\"alert alert-{key}\" role=\"note\">\n<p class=\"alert-title\">{}</p>\n", escape(label)).into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => emitted.push(Event::Html("</div>\n".into())),
            Event::Start(Tag::Table(align)) => {
                emitted.push(Event::Html(
                    "<div class=\"table-wrap\" tabindex=\"0\">".into(),
                ));
                emitted.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                emitted.push(Event::End(TagEnd::Table));
                emitted.push(Event::Html("</div>\n".into()));
            }
            Event::FootnoteReference(label) => {
                let next = fn_numbers.len() + 1;
                let n = *fn_numbers.entry(label.to_string()).or_insert(next);
                let count = fn_refs.entry(label.to_string()).or_insert(0);
                *count += 1;
                let (def_id, ref_id) = footnote_id(&label);
                let ref_id = if *count == 1 {
                    ref_id
                } else {
                    format!("{ref_id}-{count}")
                };
                emitted.push(Event::Html(
                    format!(
                        "<sup class=\"footnote-ref\"><a id=\"{}\" href=\"#{}\">{n}</a></sup>",
                        escape(&input.local_id(&ref_id)),
                        escape(&input.local_id(&def_id))
                    )
                    .into(),
                ));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                in_def = Some((label.to_string(), Vec::new()));
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some(def) = in_def.take() {
                    fn_defs.push(def);
                }
                continue;
            }
            Event::Start(Tag::HtmlBlock) => {
                has_raw_html = true;
                html_block = Some((String::new(), line));
            }
            Event::End(TagEnd::HtmlBlock) => {
                if let Some((html, start_line)) = html_block.take() {
                    emitted.push(Event::Html(
                        rewrite_raw(input, &html, start_line, &mut out).into(),
                    ));
                }
            }
            Event::Html(html) if html_block.is_some() => {
                html_block.as_mut().expect("checked").0.push_str(&html);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                has_raw_html = true;
                emitted.push(Event::InlineHtml(
                    rewrite_raw(input, &html, line, &mut out).into(),
                ));
            }
            Event::Code(text) if rtl => {
                emitted.push(Event::InlineHtml(
                    format!("<code dir=\"ltr\">{}</code>", escape(&text)).into(),
                ));
            }
            Event::Text(text) if rtl && image_depth == 0 => match bidi::isolate_ltr(&text) {
                Some(html) => emitted.push(Event::InlineHtml(html.into())),
                None => emitted.push(Event::Text(text)),
            },
            other => emitted.push(other),
        }
        match in_def.as_mut() {
            Some((_, def_events)) => def_events.extend(emitted),
            None => events.extend(emitted),
        }
    }

    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if !fn_defs.is_empty() {
        html.push_str(&footnotes(input, fn_defs, &fn_numbers));
    }
    out.html = if has_raw_html && input.project.config.sanitize_html {
        sanitize::clean(&html)
    } else {
        html
    };
    out
}

/// Renders footnote definitions as an ordered list with back-links, numbered
/// in the order of their first reference.
fn footnotes(
    input: &RenderInput<'_>,
    mut defs: Vec<(String, Vec<Event<'_>>)>,
    numbers: &HashMap<String, usize>,
) -> String {
    defs.sort_by_key(|(label, _)| numbers.get(label).copied().unwrap_or(usize::MAX));
    let back = input.ui.get("back-to-reference");
    let mut html = format!(
        "<section class=\"footnotes\" aria-label=\"{}\">\n<ol>\n",
        escape(input.ui.get("footnotes"))
    );
    for (label, mut events) in defs {
        let (def_id, ref_id) = footnote_id(&label);
        if numbers.contains_key(&label) {
            let link = Event::Html(
                format!(
                    " <a href=\"#{}\" class=\"footnote-back\" aria-label=\"{}\">↩</a>",
                    escape(&input.local_id(&ref_id)),
                    escape(back)
                )
                .into(),
            );
            match events
                .iter()
                .rposition(|e| matches!(e, Event::End(TagEnd::Paragraph)))
            {
                Some(pos) => events.insert(pos, link),
                None => events.push(link),
            }
        }
        html.push_str(&format!("<li id=\"{}\">", escape(&input.local_id(&def_id))));
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        html.push_str("</li>\n");
    }
    html.push_str("</ol>\n</section>\n");
    html
}

/// Resolves and checks the links and images of a piece of raw HTML.
fn rewrite_raw(input: &RenderInput<'_>, html: &str, line: usize, out: &mut Rendered) -> String {
    let found: RefCell<Vec<Resolved>> = RefCell::new(Vec::new());
    let handler = |attr: &'static str, image: bool| {
        let found = &found;
        move |el: &mut lol_html::html_content::Element<'_, '_>| {
            if let Some(value) = el.get_attribute(attr) {
                let r = input.resolve(&value, line, image);
                el.set_attribute(attr, &r.href)?;
                found.borrow_mut().push(r);
            }
            Ok(())
        }
    };
    let rewritten = lol_html::rewrite_str(
        html,
        lol_html::RewriteStrSettings::new()
            .append_element_content_handler(lol_html::element!(
                "a[href], area[href]",
                handler("href", false)
            ))
            .append_element_content_handler(lol_html::element!(
                "img[src], source[src], video[src], audio[src]",
                handler("src", true)
            )),
    );
    for r in found.into_inner() {
        out.diagnostics.extend(r.diag);
        out.files.extend(r.file);
    }
    rewritten.unwrap_or_else(|_| html.to_string())
}
