//! What a change to the sources asks of a live session: the one place that
//! classifies a burst of changed paths, as edits of chapter files the last
//! build read (re-rendered incrementally, see [`super::stale`]), changes of
//! theme files and UI strings only (pages rendered again from the kept
//! model), or anything else (a full build, which still writes only the files
//! whose bytes changed).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::model::{ChapterRef, Project};

/// What a burst of changes calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// Only existing chapter files of the last build were edited.
    Edits(Vec<Edit>),
    /// Only theme files or Fluent files changed.
    Resources(Resources),
    /// Anything else: a new, renamed or deleted file, `manual.toml`,
    /// `polybook.toml`, images, a PO catalogue (or a source chapter that
    /// one translates), or no last build to start from.
    Full,
}

impl Change {
    /// Classifies `changed` paths against the last build's model; `is_file`
    /// tells whether a path is a file now.
    pub fn of(project: &Project, changed: &[PathBuf], is_file: &dyn Fn(&Path) -> bool) -> Change {
        if let Some(edits) = edits(project, changed, is_file) {
            Change::Edits(edits)
        } else if let Some(what) = resources(project, changed) {
            Change::Resources(what)
        } else {
            Change::Full
        }
    }
}

/// An edit of one existing chapter file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub chapter: ChapterRef,
    pub lang: String,
    pub path: PathBuf,
}

/// Maps changed paths to edits of existing chapter files, or `None` when a
/// change needs a full build.
fn edits(
    project: &Project,
    changed: &[PathBuf],
    is_file: &dyn Fn(&Path) -> bool,
) -> Option<Vec<Edit>> {
    if changed.is_empty() {
        return None;
    }
    let mut by_path: HashMap<&Path, (ChapterRef, &str)> = HashMap::new();
    for r in project.chapter_refs() {
        for (lang, src) in &project.chapter(r).sources {
            by_path.insert(src.abs.as_path(), (r, lang.as_str()));
        }
    }
    let mut out = Vec::new();
    for path in changed {
        let &(chapter, lang) = by_path.get(path.as_path())?;
        if !is_file(path) {
            return None;
        }
        // Translations made from PO catalogues are made from the source too.
        if lang == project.source_lang()
            && project
                .chapter(chapter)
                .sources
                .values()
                .any(|s| s.po.is_some())
        {
            return None;
        }
        out.push(Edit {
            chapter,
            lang: lang.to_string(),
            path: path.clone(),
        });
    }
    Some(out)
}

/// What changed when only theme files and UI strings changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resources {
    pub theme: bool,
    pub strings: bool,
}

/// Whether all `changed` paths are theme files or Fluent files (which
/// change pages, not the model), and which of the two.
fn resources(project: &Project, changed: &[PathBuf]) -> Option<Resources> {
    let (themes, i18n) = (&project.paths.themes, &project.paths.i18n);
    // A font named in `[fonts]` may sit among the theme's files; the fonts
    // are chosen again by a full build only.
    let font_folders: Vec<PathBuf> = (project.config.fonts)
        .named_folders(&project.paths.root)
        .collect();
    if changed.is_empty()
        || !changed
            .iter()
            .all(|p| p.starts_with(themes) || p.starts_with(i18n))
        || changed.iter().any(|p| {
            p.parent()
                .is_some_and(|d| font_folders.iter().any(|f| f == d))
        })
    {
        return None;
    }
    Some(Resources {
        theme: changed.iter().any(|p| p.starts_with(themes)),
        strings: changed.iter().any(|p| p.starts_with(i18n)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_is_classified() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let (project, _) = crate::build::load(&root).unwrap();
        let root = project.paths.root.clone();
        let guide = root.join("manuals/guide");
        let edit = |lang: &str, file: &str| {
            let path = guide.join(lang).join(file);
            let r = project
                .chapter_refs()
                .find(|&r| {
                    project
                        .chapter(r)
                        .sources
                        .get(lang)
                        .is_some_and(|s| s.abs == path)
                })
                .expect("a chapter file of the fixture");
            Edit {
                chapter: r,
                lang: lang.to_string(),
                path,
            }
        };
        let intro_en = edit("en", "intro.md");
        let intro_es = edit("es", "intro.md");
        let theme = root.join("themes/default/templates/chapter.html");
        let strings = root.join("i18n/es.ftl");
        let res = |theme, strings| Change::Resources(Resources { theme, strings });
        let exists = |_: &Path| true;
        let gone = |_: &Path| false;
        type IsFile<'a> = &'a dyn Fn(&Path) -> bool;
        let table: Vec<(Vec<PathBuf>, IsFile, Change)> = vec![
            (vec![], &exists, Change::Full),
            (
                vec![intro_en.path.clone()],
                &exists,
                Change::Edits(vec![intro_en.clone()]),
            ),
            (
                vec![intro_en.path.clone(), intro_es.path.clone()],
                &exists,
                Change::Edits(vec![intro_en.clone(), intro_es.clone()]),
            ),
            // A chapter file deleted, or one the last build did not read.
            (vec![intro_en.path.clone()], &gone, Change::Full),
            (vec![guide.join("en/new.md")], &exists, Change::Full),
            (
                vec![intro_en.path.clone(), guide.join("en/new.md")],
                &exists,
                Change::Full,
            ),
            (vec![guide.join("manual.toml")], &exists, Change::Full),
            (vec![root.join("polybook.toml")], &exists, Change::Full),
            (vec![guide.join("media/shield.svg")], &exists, Change::Full),
            (
                vec![root.join("po/es/guide/intro.po")],
                &exists,
                Change::Full,
            ),
            (vec![theme.clone()], &exists, res(true, false)),
            (vec![strings.clone()], &exists, res(false, true)),
            (
                vec![theme.clone(), strings.clone()],
                &exists,
                res(true, true),
            ),
            (
                vec![theme.clone(), intro_en.path.clone()],
                &exists,
                Change::Full,
            ),
        ];
        for (changed, is_file, expected) in table {
            assert_eq!(
                Change::of(&project, &changed, is_file),
                expected,
                "{changed:?}"
            );
        }
    }

    #[test]
    fn a_named_font_among_the_theme_files_calls_for_a_full_build() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let (mut project, _) = crate::build::load(&root).unwrap();
        let root = project.paths.root.clone();
        let fonts = root.join("themes/default/fonts");
        (project.config.fonts.for_lang)
            .insert("zh".into(), ("themes/default/fonts/zh.ttf".into(), 9));
        let template = root.join("themes/default/templates/chapter.html");
        let exists = |_: &Path| true;
        assert_eq!(
            Change::of(&project, std::slice::from_ref(&template), &exists),
            Change::Resources(Resources {
                theme: true,
                strings: false
            })
        );
        // The named file, or the bold face beside it.
        for font in ["zh.ttf", "zh-Bold.ttf"] {
            assert_eq!(
                Change::of(&project, &[template.clone(), fonts.join(font)], &exists),
                Change::Full,
                "{font}"
            );
        }
    }
}
