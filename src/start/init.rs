//! `polybook init`: a new project that builds as it is, with one manual of
//! two short chapters in the source language.

use std::path::{Path, PathBuf};

use crate::error::Result;

/// What `init` makes.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The project folder (made when missing).
    pub dir: PathBuf,
    /// The source language (BCP 47).
    pub language: String,
}

/// The manual a new project starts with.
const MANUAL: &str = "handbook";

const CHAPTERS: &[(&str, &str)] = &[
    ("assessing-risk", include_str!("starter/assessing-risk.md")),
    ("security-plan", include_str!("starter/security-plan.md")),
];

/// Makes a new project in `opts.dir`; returns what to do next. When any of
/// its files exists already, nothing is written and the error names them.
pub fn init(opts: &InitOptions) -> Result<String> {
    let lang = super::check_code(&opts.language)?;
    let code = lang.code.as_str();
    let dir = &opts.dir;
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (dir.join("polybook.toml"), site_toml(code).into_bytes()),
        (
            dir.join(".gitignore"),
            b"# What polybook writes: the site, and the build state beside it.\n/output/\n/.polybook/\n"
                .to_vec(),
        ),
        (
            dir.join("manuals").join(MANUAL).join("manual.toml"),
            manual_toml().into_bytes(),
        ),
    ];
    for (id, text) in CHAPTERS {
        files.push((
            dir.join("manuals")
                .join(MANUAL)
                .join(code)
                .join(format!("{id}.md")),
            text.as_bytes().to_vec(),
        ));
    }
    if !super::has_builtin_strings(code) {
        files.push((
            dir.join("i18n").join(format!("{code}.ftl")),
            english_strings(code).into_bytes(),
        ));
    }
    super::create_all(&files, dir)?;
    Ok(next_steps(dir, code))
}

fn site_toml(code: &str) -> String {
    format!(
        "# The site's settings; the README lists every key.\n\
         title = \"Protection manuals\"\n\
         source_language = \"{code}\"\n\
         # Published languages, in menu order (`polybook add-language CODE` adds one).\n\
         languages = [\"{code}\"]\n\
         # Manuals, in home-page order (`polybook add-manual NAME` adds one).\n\
         manuals = [\"{MANUAL}\"]\n"
    )
}

fn manual_toml() -> String {
    let ids: Vec<String> = CHAPTERS.iter().map(|(id, _)| format!("\"{id}\"")).collect();
    format!(
        "# The manual's title and contents, the same for every language.\n\
         title = \"Protection handbook\"\n\
         description = \"First steps to assess risk and agree on a security plan.\"\n\n\
         [[parts]]\n\
         title = \"Planning for safety\"\n\
         chapters = [{}]\n",
        ids.join(", ")
    )
}

/// The built-in English strings, marked untranslated, for a language
/// polybook has none of its own for.
fn english_strings(code: &str) -> String {
    let en = crate::site::i18n::BUILTIN
        .iter()
        .find(|(c, _)| *c == "en")
        .map_or("", |(_, t)| t);
    let strings = message_values(en);
    super::untranslated_ftl(code, "en", &strings)
}

/// The messages of a Fluent file and their text, in the file's order.
pub(super) fn message_values(text: &str) -> Vec<(String, String)> {
    let resource =
        fluent_bundle::FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, _)| r);
    let mut bundle =
        fluent_bundle::FluentBundle::new(vec![unic_langid::LanguageIdentifier::default()]);
    bundle.set_use_isolating(false);
    let ids: Vec<String> = resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect();
    let _ = bundle.add_resource(resource);
    ids.into_iter()
        .filter_map(|id| {
            let pattern = bundle.get_message(&id)?.value()?;
            let value = bundle.format_pattern(pattern, None, &mut Vec::new());
            Some((id, value.into_owned()))
        })
        .collect()
}

fn next_steps(dir: &Path, code: &str) -> String {
    let cd = if dir == Path::new(".") {
        String::new()
    } else {
        format!("  cd {}\n", dir.display())
    };
    format!(
        "Created a project in {} with the manual `{MANUAL}` in `{code}`.\n\
         Next:\n\
         {cd}  polybook serve --open        # preview it, rebuilt on every change\n\
         \x20 polybook build               # write the site into output/\n\
         \x20 polybook add-language es     # publish another language\n\
         \x20 polybook add-manual field-guide\n\
         Edit the chapters in manuals/{MANUAL}/{code}/ and the contents in manuals/{MANUAL}/manual.toml.\n",
        dir.display()
    )
}
