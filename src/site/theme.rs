//! Themes: templates (Jinja syntax, rendered by MiniJinja) and static files. The default theme is built into the
//! binary; a project's `themes/<name>/templates/*.html` and `themes/<name>/static/*`
//! replace built-in files of the same name and add new ones.

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

use crate::error::{Error, Result};
use crate::render::markdown::Filled;

const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "chapter.html",
        include_str!("../../themes/default/templates/chapter.html"),
    ),
    (
        "contents.html",
        include_str!("../../themes/default/templates/contents.html"),
    ),
    (
        "home.html",
        include_str!("../../themes/default/templates/home.html"),
    ),
    (
        "root.html",
        include_str!("../../themes/default/templates/root.html"),
    ),
    (
        "print.html",
        include_str!("../../themes/default/templates/print.html"),
    ),
    (
        "manual-nav.html",
        include_str!("../../themes/default/templates/manual-nav.html"),
    ),
    (
        "status.html",
        include_str!("../../themes/default/templates/status.html"),
    ),
    (
        "about.html",
        include_str!("../../themes/default/templates/about.html"),
    ),
];

const BUILTIN_STATIC: &[(&str, &[u8])] = &[
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
];

const BUILTIN_EPUB_CSS: &str = include_str!("../../themes/default/epub/style.css");

/// A loaded theme.
pub struct Theme {
    /// The templates, with polybook's escaping (see [`environment`]).
    pub templates: minijinja::Environment<'static>,
    /// Static files by path relative to `static/`.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// The stylesheet of EPUB books (`epub/style.css`).
    pub epub_css: String,
    /// Symbolic links found among the theme's files, which are not followed
    /// and so are left out of the theme.
    pub links: Vec<std::path::PathBuf>,
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
    let mut links = Vec::new();
    read_files(&dir.join("templates"), &mut links, |rel, bytes| {
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::Theme(format!("template `{rel}` is not UTF-8 text")))?;
        templates.insert(rel, text);
        Ok(())
    })?;
    read_files(&dir.join("static"), &mut links, |rel, bytes| {
        statics.insert(rel, bytes);
        Ok(())
    })?;
    let epub_css_path = dir.join("epub/style.css");
    let epub_css = if epub_css_path.exists() {
        crate::load::project::read_regular_to_string(&epub_css_path)
            .map_err(|e| Error::io("read", &epub_css_path, e))?
    } else {
        BUILTIN_EPUB_CSS.to_string()
    };
    let mut env = environment();
    let mut problems = Vec::new();
    for (name, text) in templates {
        if let Err(e) = env.add_template_owned(name, text) {
            problems.push(describe(&e));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Theme(problems.join("; ")));
    }
    Ok(Theme {
        templates: env,
        statics,
        epub_css,
        links,
    })
}

/// An environment without templates, configured as themes expect: `.html`
/// templates escape what they print (with [`crate::render::html::escape`], which
/// leaves `/` alone so that URLs stay readable), printing an undefined value
/// is an error while testing one with `if` is not, and the file's last
/// newline is kept.
pub fn environment() -> minijinja::Environment<'static> {
    use minijinja::{AutoEscape, UndefinedBehavior};
    let mut env = minijinja::Environment::new();
    // Errors name the expression that was undefined in release builds too,
    // not only in debug builds (MiniJinja's default).
    env.set_debug(true);
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    env.add_filter("safe", safe);
    env.set_formatter(|out, state, value| {
        if let Some(html) = value.downcast_object_ref::<Html>() {
            html.0.write_to(out)?;
            return Ok(());
        }
        if *state.auto_escape() == AutoEscape::Html && !value.is_safe() && !value.is_undefined() {
            match value.as_str() {
                Some(s) => crate::render::html::escape_into(out, s)?,
                None => crate::render::html::escape_into(out, &value.to_string())?,
            }
            return Ok(());
        }
        minijinja::escape_formatter(out, state, value)
    });
    env
}

/// A page's HTML from Markdown (a chapter body), ready to print as it is.
/// Templates print it, with or without `| safe`, straight from its pieces
/// into the page: a string made first, or a safe string value, would copy
/// the body once or twice more.
#[derive(Debug)]
pub struct Html(pub Filled);

impl minijinja::value::Object for Html {
    fn repr(self: &std::sync::Arc<Self>) -> minijinja::value::ObjectRepr {
        minijinja::value::ObjectRepr::Plain
    }

    fn is_true(self: &std::sync::Arc<Self>) -> bool {
        !self.0.is_empty()
    }

    fn render(self: &std::sync::Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.write_to(f)
    }
}

impl Html {
    /// The value a template sees.
    pub fn value(html: Filled) -> minijinja::Value {
        minijinja::Value::from_object(Html(html))
    }
}

/// The `safe` filter: [`Html`] stays as it is; anything else becomes a
/// safe string, as the built-in filter makes it.
fn safe(
    state: &minijinja::State,
    value: minijinja::Value,
) -> std::result::Result<minijinja::Value, minijinja::Error> {
    use minijinja::value::ArgType;
    if value.downcast_object_ref::<Html>().is_some() {
        return Ok(value);
    }
    let (text, _) = String::from_state_and_value(Some(state), Some(&value))?;
    Ok(minijinja::Value::from_safe_string(text))
}

/// What went wrong, without where: the kind of error and its detail.
fn what(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(detail) => format!("{}: {detail}", e.kind()),
        None => e.kind().to_string(),
    }
}

/// A template error as one line: the template, the line and what is wrong.
pub fn describe(e: &minijinja::Error) -> String {
    let place = match (e.name(), e.line()) {
        (Some(name), Some(line)) => format!("templates/{name}, line {line}: "),
        (Some(name), None) => format!("templates/{name}: "),
        _ => String::new(),
    };
    let mut msg = format!("{place}{}", what(e));
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Reads every regular file below `dir` in name order; the symbolic links
/// met are put in `links`, not followed.
fn read_files(
    dir: &Path,
    links: &mut Vec<std::path::PathBuf>,
    mut f: impl FnMut(String, Vec<u8>) -> Result<()>,
) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry =
            entry.map_err(|e| Error::Theme(format!("cannot read {}: {e}", dir.display())))?;
        // Links are not followed; anything else that is not a regular
        // file is refused below, without being opened.
        if entry.file_type().is_symlink() {
            links.push(entry.path().to_path_buf());
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walked below dir")
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = crate::load::project::read_regular(entry.path())
            .map_err(|e| Error::io("read", entry.path(), e))?;
        f(rel, bytes)?;
    }
    Ok(())
}

/// Where a page's template failed, as (template, line, message): the
/// innermost template of the error (an included or parent template rather
/// than the page's), with the templates that led to it.
pub fn render_error(e: &minijinja::Error, page_template: &str) -> (String, usize, String) {
    let mut chain = vec![e];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(inner) = s.downcast_ref::<minijinja::Error>() {
            chain.push(inner);
        }
        source = s.source();
    }
    let at = chain
        .iter()
        .rev()
        .find(|x| x.name().is_some())
        .copied()
        .unwrap_or(e);
    let innermost = chain.last().copied().unwrap_or(e);
    let mut message = what(innermost);
    for outer in chain
        .iter()
        .rev()
        .skip_while(|x| !std::ptr::eq(**x, at))
        .skip(1)
    {
        if let (Some(name), Some(line)) = (outer.name(), outer.line()) {
            message.push_str(&format!(" (from {name}, line {line})"));
        }
    }
    (
        at.name().unwrap_or(page_template).to_string(),
        at.line().unwrap_or(0),
        message,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_html_prints_as_it_is_and_other_values_as_before() {
        let mut env = environment();
        env.add_template(
            "t.html",
            "{{ b }}|{{ b | safe }}|{% if b %}yes{% endif %}{% if e %}no{% endif %}|{{ b | upper }}|{{ s | safe }}|{{ s }}",
        )
        .unwrap();
        let ctx = minijinja::context! {
            b => Html::value(String::from("<p>a &amp; b</p>").into()),
            e => Html::value(String::new().into()),
            s => "<i>",
        };
        assert_eq!(
            env.get_template("t.html").unwrap().render(ctx).unwrap(),
            "<p>a &amp; b</p>|<p>a &amp; b</p>|yes|&lt;P&gt;A &amp;AMP; B&lt;/P&gt;|<i>|&lt;i&gt;"
        );
        env.add_template("u.html", "{{ missing | safe }}").unwrap();
        assert!(
            env.get_template("u.html")
                .unwrap()
                .render(minijinja::context! {})
                .is_err(),
            "printing an undefined value stays an error"
        );
    }

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
        assert!(theme.templates.get_template("status.html").is_ok());
    }
}
