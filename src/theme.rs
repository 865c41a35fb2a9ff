//! Themes: Tera templates and static files. The default theme is built into the
//! binary; a project's `themes/<name>/templates/*.html` and `themes/<name>/static/*`
//! replace built-in files of the same name and add new ones.

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

use crate::error::{Error, Result};

const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../themes/default/templates/base.html"),
    ),
    (
        "chapter.html",
        include_str!("../themes/default/templates/chapter.html"),
    ),
    (
        "contents.html",
        include_str!("../themes/default/templates/contents.html"),
    ),
    (
        "home.html",
        include_str!("../themes/default/templates/home.html"),
    ),
    (
        "root.html",
        include_str!("../themes/default/templates/root.html"),
    ),
    (
        "print.html",
        include_str!("../themes/default/templates/print.html"),
    ),
    (
        "manual-nav.html",
        include_str!("../themes/default/templates/manual-nav.html"),
    ),
    (
        "status.html",
        include_str!("../themes/default/templates/status.html"),
    ),
];

const BUILTIN_STATIC: &[(&str, &[u8])] = &[
    (
        "search.js",
        include_bytes!("../themes/default/static/search.js"),
    ),
    (
        "style.css",
        include_bytes!("../themes/default/static/style.css"),
    ),
];

const BUILTIN_EPUB_CSS: &str = include_str!("../themes/default/epub/style.css");

/// A loaded theme.
pub struct Theme {
    pub tera: tera::Tera,
    /// Static files by path relative to `static/`.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// The stylesheet of EPUB books (`epub/style.css`).
    pub epub_css: String,
}

/// Loads the theme `name` from `themes_dir`, over the built-in default.
pub fn load(themes_dir: &Path, name: &str) -> Result<Theme> {
    let mut templates: BTreeMap<String, String> = BUILTIN_TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let mut statics: BTreeMap<String, Vec<u8>> = BUILTIN_STATIC
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    let dir = themes_dir.join(name);
    if !dir.is_dir() && name != "default" {
        return Err(Error::Theme(format!(
            "theme `{name}` not found: there is no folder `themes/{name}` (set `theme` in polybook.toml to an existing theme, or remove it to use the default)"
        )));
    }
    read_files(&dir.join("templates"), |rel, bytes| {
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::Theme(format!("template `{rel}` is not UTF-8 text")))?;
        templates.insert(rel, text);
        Ok(())
    })?;
    read_files(&dir.join("static"), |rel, bytes| {
        statics.insert(rel, bytes);
        Ok(())
    })?;
    let epub_css_path = dir.join("epub/style.css");
    let epub_css = if epub_css_path.is_file() {
        std::fs::read_to_string(&epub_css_path).map_err(|e| Error::io("read", &epub_css_path, e))?
    } else {
        BUILTIN_EPUB_CSS.to_string()
    };
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html"]);
    // Tera's default also escapes `/`, which makes every URL unreadable.
    tera.set_escape_fn(crate::html::escape);
    tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| Error::Theme(error_chain(&e)))?;
    Ok(Theme {
        tera,
        statics,
        epub_css,
    })
}

fn read_files(dir: &Path, mut f: impl FnMut(String, Vec<u8>) -> Result<()>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry =
            entry.map_err(|e| Error::Theme(format!("cannot read {}: {e}", dir.display())))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walked below dir")
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(entry.path()).map_err(|e| Error::io("read", entry.path(), e))?;
        f(rel, bytes)?;
    }
    Ok(())
}

/// Tera's errors nest their cause; show the whole chain on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of `themes/default` is built in: a project without a
    /// `themes/` folder gets the whole default theme.
    #[test]
    fn builtin_theme_has_every_file_of_the_default_theme() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let mut built_in: Vec<String> = BUILTIN_TEMPLATES
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        built_in.sort();
        assert_eq!(on_disk, built_in);
        let mut statics: Vec<String> =
            std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        statics.sort();
        assert_eq!(
            statics,
            BUILTIN_STATIC
                .iter()
                .map(|(n, _)| n.to_string())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn builtin_theme_loads_without_a_themes_folder() {
        let theme = load(Path::new("/nonexistent"), "default").unwrap();
        assert!(theme.tera.get_template_names().any(|n| n == "status.html"));
    }
}
