//! gettext PO files for translation platforms (Weblate, Transifex,
//! Crowdin): `polybook po export` writes one template per source chapter,
//! `po/<manual>/<chapter>.pot` (and `po/<manual>/manual.pot` for
//! `manual.toml`), and one catalogue per chapter and published language,
//! `po/<lang>/<manual>/<chapter>.po`, merged with the one already there.
//!
//! `extract.rs` finds the messages, `catalog.rs` reads and writes PO files,
//! `merge.rs` updates a catalogue as `msgmerge` does, `import.rs` makes a
//! catalogue from a Markdown translation (`polybook po import`); this file
//! chooses the
//! files and is the only one that touches the disk. Output is
//! deterministic: no dates, the same sources give the same bytes, and a file
//! is written (atomically) only when its bytes change.

mod apply;
mod catalog;
mod extract;
mod import;
mod matching;
mod merge;

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::model::Project;

use catalog::{Catalog, Entry, header_text};
use extract::Message;

/// The folder of PO files, in the project.
pub const FOLDER: &str = "po";

/// A chapter made from its source and a catalogue: the body, front
/// matter values and figures, and the warnings about its translations.
#[derive(Debug)]
pub(crate) struct Translated {
    pub body: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub figures: crate::model::PoFigures,
    pub warnings: Vec<Diagnostic>,
}

/// The chapter `source` (whose anchors are set) translated by the catalogue
/// `text` of the file `rel`; a syntax error of the catalogue is the error.
/// `lang_dir` is the source language's code and direction, which mark the
/// source's text left untranslated.
pub(crate) fn translate(
    source: &crate::model::Source,
    text: &str,
    rel: &Path,
    lang_dir: (&str, &str),
) -> std::result::Result<Translated, Box<Diagnostic>> {
    let (catalog, lines) = catalog::parse_with_lines(text, rel)?;
    let messages = extract::chapter(source);
    let a = apply::apply(&messages, source.body(), &catalog, &lines, rel, lang_dir);
    Ok(Translated {
        body: a.body,
        title: a.title,
        description: a.description,
        figures: a.figures,
        warnings: a.warnings,
    })
}

/// Puts the translations into `lang` of a manual's title, description and
/// parts' titles that the catalogue `text` of `rel` holds into `mc`, where
/// `manual.toml` has none in that language. Only translations not fuzzy
/// and not empty, whose message is still the one of `manual.toml`, count.
pub(crate) fn apply_manual(
    mc: &mut crate::load::config::ManualConfig,
    lang: &str,
    text: &str,
    rel: &Path,
) -> std::result::Result<(), Box<Diagnostic>> {
    let catalog = catalog::parse(text, rel)?;
    let find = |ctx: &str, id: &str| {
        (catalog.entries.iter())
            .find(|e| {
                !e.obsolete
                    && e.msgctxt.as_deref() == Some(ctx)
                    && e.msgid == id
                    && !e.is_fuzzy()
                    && e.is_translated()
            })
            .map(|e| e.msgstr[0].trim().to_string())
            .filter(|t| !t.is_empty())
    };
    if let Some(t) = find("title", &mc.title) {
        mc.titles.entry(lang.to_string()).or_insert(t);
    }
    if let Some(d) = mc
        .description
        .as_deref()
        .and_then(|d| find("description", d))
    {
        mc.descriptions.entry(lang.to_string()).or_insert(d);
    }
    for (i, p) in mc.parts.iter_mut().enumerate() {
        if let Some(t) = p
            .title
            .as_deref()
            .and_then(|t| find(&format!("part{}", i + 1), t))
        {
            p.titles.entry(lang.to_string()).or_insert(t);
        }
    }
    Ok(())
}

/// Which manuals and languages to export; empty means all.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub manuals: Vec<String>,
    pub langs: Vec<String>,
}

impl Selection {
    /// A usage error listing every manual or language that the project does
    /// not have (or, for a language, does not translate into), with the
    /// valid ones.
    pub fn check(&self, project: &Project) -> Result<()> {
        let mut problems = Vec::new();
        let manuals: Vec<&str> = project.manuals.iter().map(|m| m.id.as_str()).collect();
        let unknown: Vec<&str> = (self.manuals.iter())
            .map(String::as_str)
            .filter(|m| !manuals.contains(m))
            .collect();
        if !unknown.is_empty() {
            problems.push(format!(
                "no manual {} (the manuals: {})",
                quoted(&unknown),
                manuals.join(", ")
            ));
        }
        let langs = target_langs(project);
        let unknown: Vec<&str> = (self.langs.iter())
            .map(String::as_str)
            .filter(|l| !langs.contains(l))
            .collect();
        if !unknown.is_empty() {
            let source = if unknown.contains(&project.source_lang()) {
                format!(
                    "; `{}` is the source language, whose text the templates hold",
                    project.source_lang()
                )
            } else {
                String::new()
            };
            problems.push(format!(
                "no published translation language {} (the languages: {}){source}",
                quoted(&unknown),
                langs.join(", ")
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Usage(problems.join("\n")))
        }
    }
}

fn quoted(list: &[&str]) -> String {
    list.iter()
        .map(|x| format!("`{x}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The published languages but the source language, in order.
fn target_langs(project: &Project) -> Vec<&str> {
    (project.langs().iter())
        .map(|l| l.code.as_str())
        .filter(|l| *l != project.source_lang())
        .collect()
}

impl Selection {
    /// The languages other than the source's that the selection takes
    /// (all of them when `--lang` was not given), in the project's order.
    fn target_langs<'p>(&self, project: &'p Project) -> Vec<&'p str> {
        target_langs(project)
            .into_iter()
            .filter(|l| self.langs.is_empty() || self.langs.iter().any(|x| x == l))
            .collect()
    }

    /// Whether the selection takes manual `id` (every manual when `--manual`
    /// was not given).
    fn has_manual(&self, id: &str) -> bool {
        self.manuals.is_empty() || self.manuals.iter().any(|m| m == id)
    }
}

/// What an export did.
#[derive(Debug, Default)]
pub struct ExportReport {
    /// Files written, relative to the project.
    pub written: Vec<PathBuf>,
    /// Files that already held what they would have been given.
    pub unchanged: usize,
    /// Catalogues that could not be read (and were left as they are).
    pub diagnostics: Vec<Diagnostic>,
    /// Markdown translations of chapters that have no catalogue yet, for
    /// which none was made (a chapter is translated one way).
    pub kept_markdown: Vec<PathBuf>,
    /// Why source chapters could not be read (their templates and
    /// catalogues were left as they are).
    pub unread_sources: Vec<Diagnostic>,
}

/// `polybook po export`: writes the templates of the selected manuals and
/// their catalogues in the selected languages.
/// `problems` are those loading the project reported: a source chapter that
/// could not be read is told with its own.
pub fn export(project: &Project, problems: &[Diagnostic], sel: &Selection) -> Result<ExportReport> {
    sel.check(project)?;
    let root = &project.paths.root;
    let mut report = ExportReport::default();
    let langs = sel.target_langs(project);
    for m in project.manuals.iter().filter(|m| sel.has_manual(&m.id)) {
        // A source chapter that could not be read is left out of the model.
        let sources = Path::new("manuals").join(&m.id).join(project.source_lang());
        report.unread_sources.extend(
            (problems.iter())
                .filter(|d| d.is_error() && d.file.starts_with(&sources))
                .cloned(),
        );
        let mut files: Vec<(String, Vec<Message>)> =
            vec![("manual".to_string(), extract::manual(m))];
        for ch in &m.chapters {
            if let Some(source) = ch.sources.get(project.source_lang()) {
                files.push((ch.id.clone(), extract::chapter(source)));
            }
        }
        for (name, messages) in &files {
            let project_id = format!("{}/{name}", m.id);
            let template = entries(messages);
            let pot = Catalog {
                entries: std::iter::once(pot_header(&project_id))
                    .chain(template.iter().cloned())
                    .collect(),
            };
            let rel = PathBuf::from(format!("{FOLDER}/{}/{name}.pot", m.id));
            write_if_changed(root, &rel, &catalog::write(&pot), &mut report)?;
            for lang in &langs {
                let rel = PathBuf::from(format!("{FOLDER}/{lang}/{}/{name}.po", m.id));
                let abs = root.join(&rel);
                // A chapter translated in Markdown gets no catalogue: the
                // build would refuse the pair.
                let markdown = PathBuf::from(format!("manuals/{}/{lang}/{name}.md", m.id));
                if name != "manual" && !abs.exists() && root.join(&markdown).exists() {
                    report.kept_markdown.push(markdown);
                    continue;
                }
                let old = match read_existing(&abs)? {
                    None => None,
                    Some(text) => match catalog::parse(&text, &rel) {
                        Ok(c) => Some(c),
                        Err(d) => {
                            report.diagnostics.push(*d);
                            continue;
                        }
                    },
                };
                let merged = merge::merge(old.as_ref(), &template, &po_fields(&project_id, lang));
                write_if_changed(root, &rel, &catalog::write(&merged), &mut report)?;
            }
        }
    }
    Ok(report)
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Catalogues written, relative to the project.
    pub written: Vec<PathBuf>,
    /// Catalogues that already held what they would have been given.
    pub unchanged: usize,
    /// Entries given a translation from a Markdown file.
    pub filled: usize,
    /// Blocks that could not be aligned and translations kept, each at its
    /// file and line; catalogues that could not be read (left as they are).
    pub diagnostics: Vec<Diagnostic>,
    /// The Markdown translations read, which the user removes once the
    /// catalogues are checked.
    pub imported: Vec<PathBuf>,
}

/// `polybook po import`: makes `po/<lang>/<manual>/<chapter>.po` from each
/// Markdown translation of the selected manuals and languages. The Markdown
/// files are only read. A catalogue already there keeps its translations:
/// only its entries without one are filled.
pub fn import(project: &Project, sel: &Selection) -> Result<ImportReport> {
    sel.check(project)?;
    let root = &project.paths.root;
    let mut report = ImportReport::default();
    let mut writes = ExportReport::default();
    let langs = sel.target_langs(project);
    for m in project.manuals.iter().filter(|m| sel.has_manual(&m.id)) {
        for ch in &m.chapters {
            let Some(source) = ch.sources.get(project.source_lang()) else {
                continue;
            };
            for lang in &langs {
                // Only Markdown translations: a chapter made from its
                // catalogue has nothing to import.
                let Some(tr) = ch.sources.get(*lang).filter(|t| t.po.is_none()) else {
                    continue;
                };
                let rel = PathBuf::from(format!("{FOLDER}/{lang}/{}/{}.po", m.id, ch.id));
                let old = match read_existing(&root.join(&rel))? {
                    None => None,
                    Some(text) => match catalog::parse(&text, &rel) {
                        Ok(c) => Some(c),
                        Err(d) => {
                            report.diagnostics.push((*d).with_lang(lang));
                            continue;
                        }
                    },
                };
                let fields = po_fields(&format!("{}/{}", m.id, ch.id), lang);
                let done = import::import(source, tr, old.as_ref(), &fields);
                report.filled += done.filled;
                (report.diagnostics).extend(done.warnings.into_iter().map(|d| d.with_lang(lang)));
                write_if_changed(root, &rel, &catalog::write(&done.catalog), &mut writes)?;
                report.imported.push(tr.rel.clone());
            }
        }
    }
    report.written = writes.written;
    report.unchanged = writes.unchanged;
    Ok(report)
}

/// The template entries of `messages`.
fn entries(messages: &[Message]) -> Vec<Entry> {
    messages
        .iter()
        .map(|m| {
            let mut e = Entry::new(Some(m.context.clone()), m.text.clone());
            e.references = vec![m.reference.clone()];
            e.extracted = m.note.iter().cloned().collect();
            e
        })
        .collect()
}

/// The header fields of every PO file polybook writes.
fn common_fields(project_id: &str, lang: &str) -> Vec<(String, String)> {
    [
        ("Project-Id-Version", project_id),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Language", lang),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// A catalogue's header fields in `lang`.
fn po_fields(project_id: &str, lang: &str) -> Vec<(String, String)> {
    let mut f = common_fields(project_id, lang);
    f.push(("Plural-Forms".into(), plural_forms(lang).into()));
    f.push(("X-Generator".into(), "polybook".into()));
    f
}

/// A template's header: no language, marked fuzzy as templates are.
fn pot_header(project_id: &str) -> Entry {
    let mut f = common_fields(project_id, "");
    f.push(("X-Generator".into(), "polybook".into()));
    let mut h = Entry::new(None, String::new());
    h.translator = vec![format!(
        "Template of {project_id}, made by `polybook po export` from the source; do not edit."
    )];
    h.flags = vec!["fuzzy".into()];
    h.msgstr = vec![header_text(&f)];
    h
}

/// The `Plural-Forms` header of a language (by its primary subtag; CLDR's
/// integer rules, as gettext writes them).
pub(crate) fn plural_forms(lang: &str) -> &'static str {
    let lower = lang.to_ascii_lowercase();
    let primary = lower.split(['-', '_']).next().unwrap_or("");
    match primary {
        "zh" | "my" | "bo" | "vi" | "ja" | "ko" | "th" | "id" | "ms" | "lo" | "km" => {
            "nplurals=1; plural=0;"
        }
        "fr" | "fa" | "am" | "hi" | "bn" | "ti" => "nplurals=2; plural=(n > 1);",
        "pt" if lower == "pt-br" || lower == "pt_br" => "nplurals=2; plural=(n > 1);",
        "ar" => {
            "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"
        }
        "ru" | "uk" | "be" => {
            "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
        }
        _ => "nplurals=2; plural=(n != 1);",
    }
}

/// The text of the catalogue at `abs`, if there is one.
fn read_existing(abs: &Path) -> Result<Option<String>> {
    match crate::load::project::read_regular_to_string(abs) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", abs, e)),
    }
}

/// Writes `text` to `rel` (atomically) unless it already holds it.
fn write_if_changed(root: &Path, rel: &Path, text: &str, report: &mut ExportReport) -> Result<()> {
    let abs = root.join(rel);
    if read_existing(&abs)?.as_deref() == Some(text) {
        report.unchanged += 1;
        return Ok(());
    }
    let dir = abs.parent().unwrap_or(root);
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    crate::build::output::replace_file(&abs, text.as_bytes())?;
    report.written.push(rel.to_path_buf());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_forms_of_the_bundled_languages() {
        assert_eq!(plural_forms("zh"), "nplurals=1; plural=0;");
        assert_eq!(plural_forms("bo"), plural_forms("my"));
        assert!(plural_forms("ar").starts_with("nplurals=6;"));
        assert!(plural_forms("ru").starts_with("nplurals=3;"));
        assert_eq!(plural_forms("fr"), "nplurals=2; plural=(n > 1);");
        assert_eq!(plural_forms("pt"), "nplurals=2; plural=(n != 1);");
        assert_eq!(plural_forms("pt-BR"), "nplurals=2; plural=(n > 1);");
        assert_eq!(plural_forms("xx"), "nplurals=2; plural=(n != 1);");
    }
}
