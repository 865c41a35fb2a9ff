//! UI strings: Fluent files per language, with a fallback chain (`pt-BR`, then
//! `pt`, then the source language, then the built-in English).
//!
//! Files in the project's `i18n/` folder override the built-in ones message by
//! message. All messages are resolved once per language into a plain map that
//! templates and the renderer read; a missing message is a warning, never a crash.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use fluent_bundle::{FluentBundle, FluentResource};

use crate::diag::Diagnostic;
use crate::error::{Error, Result};
use crate::load::lang::{self, Lang};

/// Built-in UI strings, by language code.
pub const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("../../i18n/en.ftl")),
    ("es", include_str!("../../i18n/es.ftl")),
    ("fr", include_str!("../../i18n/fr.ftl")),
    ("ar", include_str!("../../i18n/ar.ftl")),
    ("fa", include_str!("../../i18n/fa.ftl")),
    ("ru", include_str!("../../i18n/ru.ftl")),
    ("zh", include_str!("../../i18n/zh.ftl")),
    ("pt", include_str!("../../i18n/pt.ftl")),
    ("my", include_str!("../../i18n/my.ftl")),
    ("am", include_str!("../../i18n/am.ftl")),
    ("bo", include_str!("../../i18n/bo.ftl")),
];

/// The resolved UI strings of one language.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Ui {
    pub lang: String,
    pub strings: BTreeMap<String, String>,
}

impl Ui {
    /// The string for `key`; the key itself if no language defines it.
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.strings.get(key).map(String::as_str).unwrap_or(key)
    }
}

/// One parsed Fluent file.
struct Resource {
    /// Messages with their resolved text.
    messages: BTreeMap<String, String>,
}

/// Parses a Fluent file; syntax errors become diagnostics with their line.
fn parse(code: &str, text: &str, file: &Path, diags: &mut Vec<Diagnostic>) -> Resource {
    let resource = match FluentResource::try_new(text.to_string()) {
        Ok(r) => r,
        Err((r, errors)) => {
            for e in errors {
                let line = text[..e.pos.start.min(text.len())].matches('\n').count() + 1;
                diags.push(
                    Diagnostic::error(file, line, format!("Fluent syntax error: {}", e.kind))
                        .with_hint("each message is `id = text` on its own line; see https://projectfluent.org"),
                );
            }
            r
        }
    };
    let langid = code.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new(vec![langid]);
    bundle.set_use_isolating(false);
    let ids: Vec<String> = resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect();
    if let Err(errors) = bundle.add_resource(resource) {
        for e in errors {
            diags.push(Diagnostic::warning(file, 0, format!("Fluent: {e}")));
        }
    }
    let mut messages = BTreeMap::new();
    for id in ids {
        let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
            continue;
        };
        let mut errors = Vec::new();
        let value = bundle.format_pattern(pattern, None, &mut errors);
        if !errors.is_empty() {
            diags.push(Diagnostic::warning(
                file,
                0,
                format!("Fluent message `{id}` could not be formatted: {errors:?}"),
            ));
        }
        messages.insert(id, value.into_owned());
    }
    Resource { messages }
}

/// Loads the UI strings of every published language.
pub fn load(
    i18n_dir: &Path,
    root: &Path,
    languages: &[Lang],
    source: &str,
) -> Result<(HashMap<String, Ui>, Vec<Diagnostic>)> {
    let mut diags = Vec::new();
    let project = project_resources(i18n_dir, root, &mut diags)?;
    let builtin: HashMap<&str, Resource> = BUILTIN
        .iter()
        .map(|(code, text)| {
            (
                *code,
                parse(code, text, Path::new("(built-in)"), &mut Vec::new()),
            )
        })
        .collect();
    let layers = Layers {
        project: &project,
        builtin: &builtin,
        keys: reference_keys(&project, &builtin, source),
        source,
    };
    let mut out = HashMap::new();
    for l in languages {
        out.insert(l.code.clone(), layers.resolve(l, &mut diags));
    }
    Ok((out, diags))
}

/// Reads the project's own Fluent files (`i18n/*.ftl`), by language code.
fn project_resources(
    i18n_dir: &Path,
    root: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Result<HashMap<String, Resource>> {
    let mut project = HashMap::new();
    if !i18n_dir.is_dir() {
        return Ok(project);
    }
    let mut entries: Vec<_> = std::fs::read_dir(i18n_dir)
        .map_err(|e| Error::io("list", i18n_dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .collect();
    entries.sort();
    for path in entries {
        let code = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        if lang::parse(&code).is_err() {
            diags.push(not_a_language(&code, &rel));
            continue;
        }
        let text = match crate::load::project::read_regular_to_string(&path) {
            Ok(text) => text,
            Err(e) if crate::load::project::is_not_regular(&e) => {
                diags.push(Diagnostic::error(
                    &rel,
                    0,
                    format!("cannot read this file: {e}"),
                ));
                continue;
            }
            Err(e) => return Err(Error::io("read", &path, e)),
        };
        diags.extend(untranslated(&text, &rel));
        project.insert(code.clone(), parse(&code, &text, &rel, diags));
    }
    Ok(project)
}

/// The warning for UI string file `rel`, whose name `code` is not a language code.
fn not_a_language(code: &str, rel: &Path) -> Diagnostic {
    let hint = match lang::canonical(code).filter(|c| lang::parse(c).is_ok()) {
        Some(c) => format!("rename it to `{c}.ftl`, the code as BCP 47 spells it"),
        None => "name UI string files after their language, like `i18n/fa.ftl`".into(),
    };
    Diagnostic::warning(
        rel,
        0,
        format!("`{code}` is not a language code; this file is not used"),
    )
    .with_hint(hint)
}

/// The warning for the messages of UI string file `rel` marked untranslated, if any.
fn untranslated(text: &str, rel: &Path) -> Option<Diagnostic> {
    let marked = crate::start::untranslated_messages(text);
    let (first, line) = marked.first()?;
    let n = marked.len();
    Some(
        Diagnostic::warning(
            rel,
            *line,
            format!("{n} UI string(s) are marked untranslated, from `{first}` on: readers see the text they were copied from"),
        )
        .with_hint("translate each value and remove the `# untranslated` line above it"),
    )
}

/// The reference set of message ids: built-in English plus the project's source language.
fn reference_keys(
    project: &HashMap<String, Resource>,
    builtin: &HashMap<&str, Resource>,
    source: &str,
) -> Vec<String> {
    let mut keys: Vec<String> = builtin["en"].messages.keys().cloned().collect();
    if let Some(r) = project.get(source) {
        keys.extend(r.messages.keys().cloned());
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Every file of UI strings, the project's and the built-in ones, and the ids expected.
struct Layers<'a> {
    project: &'a HashMap<String, Resource>,
    builtin: &'a HashMap<&'a str, Resource>,
    keys: Vec<String>,
    source: &'a str,
}

impl Layers<'_> {
    /// The files of language `code`: the project's, then the built-in one.
    fn of(&self, code: &str) -> impl Iterator<Item = &Resource> {
        [self.project.get(code), self.builtin.get(code)]
            .into_iter()
            .flatten()
    }

    /// Resolves the UI strings of language `l`, warning of what its own files lack.
    ///
    /// Each string comes from the first file of `l`'s fallback chain that
    /// has it.
    fn resolve(&self, l: &Lang, diags: &mut Vec<Diagnostic>) -> Ui {
        let mut chain = lang::fallback_chain(&l.code, self.source);
        if !chain.iter().any(|c| c == "en") {
            chain.push("en".to_string());
        }
        let layers: Vec<&Resource> = chain.iter().flat_map(|code| self.of(code)).collect();
        let own: Vec<&Resource> = self.of(&l.code).collect();
        let file = Path::new("i18n").join(format!("{}.ftl", l.code));
        if own.is_empty() && l.code != "en" {
            diags.push(self.no_strings(&l.code, &chain, &file));
        }
        let mut strings = BTreeMap::new();
        for key in &self.keys {
            if !own.is_empty() && !own.iter().any(|r| r.messages.contains_key(key)) {
                diags.push(
                    Diagnostic::warning(
                        &file,
                        0,
                        format!("message `{key}` is missing; the fallback language's text is used"),
                    )
                    .with_hint(format!("add `{key} = ...` to {}", file.display())),
                );
            }
            // A language's name in itself never falls back to another language's.
            let from = if key == "language-name" {
                &own
            } else {
                &layers
            };
            if let Some(v) = from.iter().find_map(|r| r.messages.get(key)) {
                strings.insert(key.clone(), v.clone());
            }
        }
        Ui {
            lang: l.code.clone(),
            strings,
        }
    }

    /// The warning for language `code`, which has no UI strings of its own.
    ///
    /// Its menus fall back along `chain`; `file` is where its own would be.
    fn no_strings(&self, code: &str, chain: &[String], file: &Path) -> Diagnostic {
        Diagnostic::warning(
            file,
            0,
            format!(
                "no UI strings for `{code}`; the menus fall back to {}",
                chain[1..].join(", then ")
            ),
        )
        .with_hint(format!(
            "copy i18n/{}.ftl (or the built-in en.ftl) to {} and translate it",
            self.source,
            file.display()
        ))
    }
}
