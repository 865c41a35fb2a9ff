//! Starting and growing a project: `polybook init`, `add-language` and
//! `add-manual`, and the shell completions and man page made from the
//! command-line definition.
//!
//! These commands write into the project, so they follow one rule: every
//! file they would create is checked first, and when any already exists
//! nothing at all is written. Files are created with `create_new`, so a file
//! that appears meanwhile is never overwritten either, and a command that
//! fails half-way removes what it had created.

mod add_language;
mod add_manual;
mod cli;
mod init;

use std::path::{Path, PathBuf};

pub use add_language::add_language;
pub use add_manual::add_manual;
pub use cli::{completions, man};
pub use init::{InitOptions, init};

use crate::error::{Error, Result};

/// Creates every file of `files` (paths with their bytes), or none: when
/// one of them exists already, the error names every one that does.
fn create_all(files: &[(PathBuf, Vec<u8>)], root: &Path) -> Result<()> {
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.symlink_metadata().is_ok())
        .map(|(p, _)| shown(root, p))
        .collect();
    if !existing.is_empty() {
        return Err(Error::Usage(format!(
            "these files exist already and would be overwritten: {}; nothing was written (move them away, or choose another folder)",
            existing.join(", ")
        )));
    }
    let mut made: Vec<&Path> = Vec::new();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for (path, bytes) in files {
        if let Err(e) = create_one(path, bytes, &mut dirs) {
            for p in made.iter().rev() {
                let _ = std::fs::remove_file(p);
            }
            for d in dirs.iter().rev() {
                // Only folders this command made, and only when empty.
                let _ = std::fs::remove_dir(d);
            }
            return Err(e);
        }
        made.push(path);
    }
    Ok(())
}

/// Creates one new file, and the folders it needs (recorded in `dirs`).
fn create_one(path: &Path, bytes: &[u8], dirs: &mut Vec<PathBuf>) -> Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        let mut missing: Vec<&Path> = parent.ancestors().take_while(|a| !a.exists()).collect();
        missing.reverse();
        for d in missing {
            if d.as_os_str().is_empty() {
                continue;
            }
            std::fs::create_dir(d).map_err(|e| Error::io("create the folder", d, e))?;
            dirs.push(d.to_path_buf());
        }
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io("create", path, e))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io("write", path, e))
}

/// A path as messages show it: relative to the project when inside it.
fn shown(root: &Path, path: &Path) -> String {
    crate::diag::display_path(root, path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// A language code checked by the rules of `languages` in `polybook.toml`.
fn check_code(code: &str) -> Result<crate::load::lang::Lang> {
    crate::load::lang::parse(code).map_err(|msg| {
        let hint = crate::load::lang::spelling_hint(code)
            .unwrap_or_else(|| "use ISO 639 codes such as `en`, `ar`, `zh`, `pt-BR`".into());
        Error::Usage(format!("{msg}: {hint}"))
    })
}

/// Whether polybook has UI strings of its own for exactly `code`.
fn has_builtin_strings(code: &str) -> bool {
    crate::site::i18n::BUILTIN.iter().any(|(c, _)| *c == code)
}

/// The marker that `add-language` and `init` put above each UI string they
/// copied from another language; the build warns while any is left.
pub const UNTRANSLATED: &str = "untranslated";

/// The messages of a Fluent file that carry the [`UNTRANSLATED`] comment,
/// with the line of each.
pub fn untranslated_messages(text: &str) -> Vec<(String, usize)> {
    let resource = match fluent_syntax::parser::parse(text) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let mut out = Vec::new();
    for entry in resource.body {
        if let fluent_syntax::ast::Entry::Message(m) = entry {
            let marked = m
                .comment
                .as_ref()
                .is_some_and(|c| c.content.iter().any(|l| l.trim() == UNTRANSLATED));
            if marked {
                let needle = format!("\n{} =", m.id.name);
                let line = if text.starts_with(&needle[1..]) {
                    1
                } else {
                    text.find(&needle)
                        .map_or(0, |pos| text[..pos].matches('\n').count() + 2)
                };
                out.push((m.id.name.to_string(), line));
            }
        }
    }
    out
}

/// A Fluent file for `code` holding `strings` (message id to text), each
/// marked [`UNTRANSLATED`], for a translator to translate one by one.
fn untranslated_ftl(code: &str, from: &str, strings: &[(String, String)]) -> String {
    let mut out = format!(
        "# UI strings in `{code}`, copied from `{from}`: translate each value, then remove the\n\
         # `# {UNTRANSLATED}` line above it. The build warns while any such line is left.\n\
         # `language-name` is the name of the language in itself.\n\n"
    );
    for (id, value) in strings {
        out.push_str(&format!(
            "# {UNTRANSLATED}\n{id} = {}\n\n",
            ftl_value(value)
        ));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// A text as a Fluent value: braces as literals, lines after the first
/// indented, and a first character Fluent would read as syntax quoted.
fn ftl_value(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("\n    ");
        }
        for c in line.chars() {
            match c {
                '{' => out.push_str("{\"{\"}"),
                '}' => out.push_str("{\"}\"}"),
                _ => out.push(c),
            }
        }
    }
    if out.starts_with(['[', '*', '.']) || out.starts_with(' ') {
        let first = out.chars().next().unwrap_or(' ');
        out = format!("{{\"{first}\"}}{}", &out[first.len_utf8()..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_strings_read_back_as_written_and_marked() {
        let strings = vec![
            ("a".to_string(), "Plain text".to_string()),
            ("b".to_string(), "With {braces} and [brackets]".to_string()),
            ("c".to_string(), "[starts with a bracket".to_string()),
        ];
        let text = untranslated_ftl("tr", "en", &strings);
        let marked = untranslated_messages(&text);
        assert_eq!(
            marked.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        for (id, line) in &marked {
            assert!(
                text.lines()
                    .nth(line - 1)
                    .unwrap()
                    .starts_with(&format!("{id} =")),
                "{id} at {line}:\n{text}"
            );
        }
        let resource = fluent_bundle::FluentResource::try_new(text).unwrap();
        let mut bundle = fluent_bundle::FluentBundle::new(vec!["tr".parse().unwrap()]);
        bundle.set_use_isolating(false);
        bundle.add_resource(resource).unwrap();
        for (id, want) in &strings {
            let msg = bundle.get_message(id).unwrap();
            let got = bundle.format_pattern(msg.value().unwrap(), None, &mut Vec::new());
            assert_eq!(&got, want);
        }
    }

    #[test]
    fn a_message_without_the_marker_is_not_listed() {
        let text = "# untranslated\na = A\n\n# Translated now.\nb = B\nc = C\n";
        assert_eq!(untranslated_messages(text), [("a".to_string(), 2)]);
    }
}
