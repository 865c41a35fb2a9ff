//! `polybook add-manual NAME`: a new manual folder with its `manual.toml`
//! and a first chapter in the source language, listed in `manuals` of
//! `polybook.toml` when the project lists its manuals there (otherwise
//! every folder under `manuals/` is published, and the folder is enough).

use std::path::Path;

use crate::error::{Error, Result};

/// Adds the manual `name` to the project at `root`; returns what was done
/// and what to do next.
pub fn add_manual(root: &Path, name: &str) -> Result<String> {
    check_name(name)?;
    let plan = crate::load::project::plan(root)?;
    let root = &plan.paths.root;
    let dir = plan.paths.manuals.join(name);
    let folded = crate::load::config::fold_case(name);
    let taken = std::fs::read_dir(&plan.paths.manuals)
        .map_err(|e| Error::io("list", &plan.paths.manuals, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| crate::load::config::fold_case(n) == folded);
    if let Some(other) = taken {
        return Err(Error::Usage(format!(
            "there is a manual folder `manuals/{other}` already{}; nothing was changed",
            if other == name {
                String::new()
            } else {
                format!(
                    " (its name differs only in case, and {})",
                    crate::load::config::CASE_BLIND
                )
            }
        )));
    }
    let toml_path = &plan.paths.config;
    let edited = match &plan.config.manuals {
        Some(list) if list.iter().any(|m| m == name) => None,
        Some(_) => {
            let src =
                std::fs::read_to_string(toml_path).map_err(|e| Error::io("read", toml_path, e))?;
            Some(super::add_language::with_item_added(&src, "manuals", name)?)
        }
        None => None,
    };
    let source = plan.config.source_language.as_str();
    let title = title_of(name);
    let files = vec![
        (
            dir.join("manual.toml"),
            format!(
                "# The manual's title and contents, the same for every language.\n\
                 title = \"{title}\"\n\
                 chapters = [\"introduction\"]\n"
            )
            .into_bytes(),
        ),
        (
            dir.join(source).join("introduction.md"),
            format!(
                "# Introduction\n\nWhat this manual is for, and who it is for.\n\n\
                 Add chapters as files beside this one, and list them in `chapters` in\n\
                 `manuals/{name}/manual.toml`.\n"
            )
            .into_bytes(),
        ),
    ];
    super::create_all(&files, root)?;
    if let Some(edited) = &edited
        && let Err(e) = crate::build::output::replace_file(toml_path, edited.as_bytes())
    {
        {
            for (p, _) in &files {
                let _ = std::fs::remove_file(p);
            }
            let _ = std::fs::remove_dir(dir.join(source));
            let _ = std::fs::remove_dir(&dir);
            return Err(e);
        }
    }
    let mut msg = format!(
        "Created manuals/{name}/ with manual.toml and manuals/{name}/{source}/introduction.md.\n"
    );
    if edited.is_some() {
        msg.push_str(&format!("Added `{name}` to `manuals` in polybook.toml.\n"));
    }
    msg.push_str(&format!(
        "Next: set its title in manuals/{name}/manual.toml (and its translations under [titles]), write its chapters in manuals/{name}/{source}/, \
         and link to them from other manuals with paths like `../../{name}/{source}/introduction.md`.\n"
    ));
    Ok(msg)
}

/// A manual's name names a folder and a part of every URL of its pages.
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "`{name}` cannot name a manual: use small letters, digits, `-` and `_`, starting with a letter or digit (it names the folder and appears in every URL of the manual), like `field-guide`"
        )))
    }
}

/// `field-guide` as `Field guide`.
fn title_of(name: &str) -> String {
    let words = name.replace(['-', '_'], " ");
    let mut c = words.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
