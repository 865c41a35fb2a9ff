//! `polybook add-language CODE`: publishes one more language. The code goes
//! into `languages` in `polybook.toml` (every other byte of the file kept,
//! comments and layout included), each manual gets its folder for the
//! language, and a language polybook has no UI strings for gets
//! `i18n/CODE.ftl`, copied from the source language and marked untranslated.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Adds `code` to the project at `root`; returns what was done and what to
/// do next.
pub fn add_language(root: &Path, code: &str) -> Result<String> {
    let lang = super::check_code(code)?;
    let plan = crate::load::project::plan(root)?;
    let config = &plan.config;
    if config.lang(code).is_some() {
        return Err(Error::Usage(format!(
            "`{code}` is already in `languages` in polybook.toml; nothing was changed"
        )));
    }
    let root = &plan.paths.root;
    let toml_path = &plan.paths.config;
    let src = std::fs::read_to_string(toml_path).map_err(|e| Error::io("read", toml_path, e))?;
    let edited = with_item_added(&src, "languages", code)?;

    let mut folders: Vec<PathBuf> = Vec::new();
    for m in &plan.manuals {
        let dir = m.dir.join(code);
        if !dir.exists() {
            folders.push(dir);
        }
    }
    let ftl = plan.paths.i18n.join(format!("{code}.ftl"));
    let mut files = Vec::new();
    let write_strings = !super::has_builtin_strings(code) && !ftl.exists();
    if write_strings {
        files.push((ftl.clone(), source_strings(&plan, code)?.into_bytes()));
    }
    super::create_all(&files, root)?;
    for dir in &folders {
        if let Err(e) = std::fs::create_dir(dir) {
            if write_strings {
                let _ = std::fs::remove_file(&ftl);
            }
            return Err(Error::io("create the folder", dir, e));
        }
    }
    crate::build::output::replace_file(toml_path, edited.as_bytes())?;

    let mut msg = format!("Added `{code}` to `languages` in polybook.toml.\n");
    for dir in &folders {
        msg.push_str(&format!("Created {}/\n", super::shown(root, dir)));
    }
    let source = &config.source_language;
    if write_strings {
        msg.push_str(&format!(
            "Wrote {} from the `{source}` UI strings: translate each value and remove the `# untranslated` line above it (the build warns until then).\n",
            super::shown(root, &ftl)
        ));
    }
    let first = plan.manuals.first().map_or("MANUAL", |m| m.id.as_str());
    msg.push_str(&format!(
        "Next: translate chapters one at a time by copying them from manuals/{first}/{source}/ to manuals/{first}/{code}/ \
         (untranslated ones show the original meanwhile), add `{code} = \"...\"` under [titles] in polybook.toml and each manual.toml, \
         and follow the progress with `polybook status --lang {code}`.\n"
    ));
    if lang.dir == crate::load::lang::Direction::Rtl {
        msg.push_str(&format!(
            "`{code}` is written right to left: its pages get a mirrored layout.\n"
        ));
    }
    Ok(msg)
}

/// `src` with `value` appended to the array `key` at the top level; every
/// other byte stays as it was.
pub(super) fn with_item_added(src: &str, key: &str, value: &str) -> Result<String> {
    let mut doc: toml_edit::DocumentMut = src
        .parse()
        .map_err(|e| Error::Usage(format!("polybook.toml cannot be read as TOML: {e}")))?;
    let array = doc
        .get_mut(key)
        .and_then(|item| item.as_array_mut())
        .ok_or_else(|| Error::Usage(format!("`{key}` in polybook.toml is not a list")))?;
    // A list written one item a line gets its new item on a line of its own,
    // indented as the last one (whose prefix also holds the comments of
    // the lines before it).
    let multiline = array
        .iter()
        .last()
        .and_then(|v| v.decor().prefix())
        .and_then(|p| p.as_str())
        .is_some_and(|p| p.contains('\n'));
    let mut item = toml_edit::Value::from(value);
    if multiline {
        let indent = array
            .iter()
            .last()
            .and_then(|v| v.decor().prefix())
            .and_then(|p| p.as_str())
            .and_then(|p| p.rfind('\n').map(|i| p[i..].to_string()))
            .unwrap_or_else(|| "\n".into());
        item.decor_mut().set_prefix(indent);
        array.push_formatted(item);
    } else {
        array.push(value);
    }
    Ok(doc.to_string())
}

/// The source language's UI strings (the project's own over the built-in
/// ones), each marked untranslated, as the Fluent file of `code`.
fn source_strings(plan: &crate::load::project::Plan, code: &str) -> Result<String> {
    let source = plan.config.source_language.as_str();
    let source_lang =
        plan.config.lang(source).cloned().ok_or_else(|| {
            Error::Usage(format!("the source language `{source}` is not published"))
        })?;
    let (ui, _) =
        crate::site::i18n::load(&plan.paths.i18n, &plan.paths.root, &[source_lang], source)?;
    let strings = &ui[source].strings;
    // In the order of the built-in English file, then any others by name.
    let en = crate::site::i18n::BUILTIN
        .iter()
        .find(|(c, _)| *c == "en")
        .map_or("", |(_, t)| t);
    let mut ordered: Vec<(String, String)> = super::init::message_values(en)
        .into_iter()
        .filter_map(|(id, _)| strings.get(&id).map(|v| (id, v.clone())))
        .collect();
    for (id, v) in strings {
        if !ordered.iter().any(|(i, _)| i == id) {
            ordered.push((id.clone(), v.clone()));
        }
    }
    // The language's name in itself is the one string a copy would get wrong.
    if let Some(name) = crate::load::lang::parse(code).ok().and_then(|l| l.autonym) {
        for (id, v) in ordered.iter_mut() {
            if id == "language-name" {
                *v = name.to_string();
            }
        }
    }
    Ok(super::untranslated_ftl(code, source, &ordered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_is_added_and_nothing_else_changes() {
        let src = "# Site\ntitle = \"T\"   # the title\nlanguages = [\"en\", \"es\"] # menu order\n\n[titles]\nes = \"T\"\n";
        let out = with_item_added(src, "languages", "fr").unwrap();
        assert_eq!(
            out,
            "# Site\ntitle = \"T\"   # the title\nlanguages = [\"en\", \"es\", \"fr\"] # menu order\n\n[titles]\nes = \"T\"\n"
        );
        let multi = "languages = [\n  \"en\",  # source\n  \"es\",\n]\n";
        let out = with_item_added(multi, "languages", "fr").unwrap();
        assert_eq!(
            out,
            "languages = [\n  \"en\",  # source\n  \"es\",\n  \"fr\",\n]\n"
        );
    }
}
