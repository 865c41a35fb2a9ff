//! Link resolution: what an author's link or image path points to, for a page
//! in a given language.
//!
//! Authors write ordinary relative links to `.md` files as they resolve on disk.
//! A link to a chapter goes to that chapter in the language of the page that
//! links, whichever language folder the path names. A link to another file (an
//! image, a download) prefers the page language's own copy when there is one.
//! Nothing may point outside the project root, symbolic links included.

use std::path::{Component, Path, PathBuf};

use percent_encoding::percent_decode_str;

use crate::load::config::closest;
use crate::model::{ChapterRef, Known, Project, Source};
use crate::render::safe_url::{self, Judged};

/// What a link points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A URL with a scheme (`https:`, `mailto:`...) or a host (`//example.org`).
    External,
    /// A fragment of the same page (decoded, without `#`).
    SamePage(String),
    /// A chapter, with an optional fragment (decoded).
    Chapter {
        target: ChapterRef,
        fragment: Option<String>,
    },
    /// A file of the project, by its `/`-separated path relative to the root,
    /// and the original fragment or query to keep.
    File { rel: String, suffix: String },
}

/// Why a link cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    pub message: String,
    pub hint: Option<String>,
}

fn err(message: impl Into<String>, hint: Option<String>) -> LinkError {
    LinkError {
        message: message.into(),
        hint,
    }
}

/// True for `https://x`, `mailto:x`, `//host/x`: a URL of another host or
/// application with an allowed scheme (see [`safe_url`]).
pub fn is_external(href: &str) -> bool {
    matches!(safe_url::judge(href), Judged::External(_))
}

/// The error for a URL whose scheme is not allowed.
pub fn refused(scheme: &str) -> LinkError {
    if scheme == "file" {
        return err(
            "`file:` links point at the author's own disk",
            Some("link to a file inside the project with a relative path".into()),
        );
    }
    err(
        format!("`{scheme}:` links are not allowed"),
        Some(format!(
            "links and images may use {}, or a path inside the project; the page shows the text without the link",
            safe_url::SCHEMES.join(", ")
        )),
    )
}

/// Resolves `href`, written in `from`, for the page in `page_lang`.
pub fn resolve(
    project: &Project,
    from: &Source,
    page_lang: &str,
    href: &str,
) -> Result<Target, LinkError> {
    let local = match safe_url::judge(href) {
        Judged::Refused(scheme) => return Err(refused(&scheme)),
        Judged::External(_) => return Ok(Target::External),
        Judged::Local(href) => href,
    };
    let href: &str = &local;
    if href.is_empty() {
        return Err(err(
            "empty link target",
            Some("write the path of a chapter (`other.md`) or a URL".into()),
        ));
    }
    if let Some(frag) = href.strip_prefix('#') {
        return Ok(Target::SamePage(decode(frag)));
    }
    let (path_part, suffix) = match href.find(['#', '?']) {
        Some(i) => (&href[..i], &href[i..]),
        None => (href, ""),
    };
    let fragment = suffix
        .find('#')
        .map(|i| decode(&suffix[i + 1..]))
        .filter(|f| !f.is_empty());
    let path = decode(path_part);
    if path.starts_with('/') || path.starts_with('\\') {
        return Err(err(
            format!("`{path}` is an absolute path"),
            Some("write links relative to the file that contains them, e.g. `../other.md`".into()),
        ));
    }
    let root = &project.paths.root;
    let base = from.abs.parent().unwrap_or(root);
    let Some(joined) = normalise(&base.join(&path)) else {
        return Err(outside(&path));
    };
    if !joined.starts_with(root) {
        return Err(outside(&path));
    }
    let rel = joined.strip_prefix(root).expect("checked above");
    if path.ends_with(".md") {
        return chapter_target(project, rel, &path)
            .map(|target| Target::Chapter { target, fragment });
    }
    file_target(project, rel, page_lang, &path).map(|rel| Target::File {
        rel,
        suffix: suffix.to_string(),
    })
}

fn outside(path: &str) -> LinkError {
    err(
        format!("`{path}` points outside the project folder"),
        Some("only files inside the project can be linked or shown".into()),
    )
}

fn chapter_target(project: &Project, rel: &Path, written: &str) -> Result<ChapterRef, LinkError> {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.len() < 4 || parts[0] != "manuals" {
        return Err(err(
            format!("`{written}` is not a chapter of any manual"),
            Some("chapters are files `manuals/<manual>/<lang>/<chapter>.md`".into()),
        ));
    }
    let manual = &parts[1];
    let Some(mi) = project.manual_by_id(manual) else {
        let names = project.manuals.iter().map(|m| m.id.as_str());
        return Err(err(
            format!("`{written}` points into `manuals/{manual}`, which is not a manual"),
            closest(manual, names).map(|c| format!("did you mean the manual `{c}`?")),
        ));
    };
    let chapter = parts[3..].join("/");
    let chapter = chapter.strip_suffix(".md").unwrap_or(&chapter);
    project.find_chapter(manual, chapter).ok_or_else(|| {
        let ids = project.manuals[mi].chapters.iter().map(|c| c.id.as_str());
        err(
            format!("`{written}`: manual `{manual}` has no chapter `{chapter}`"),
            Some(match closest(chapter, ids) {
                Some(c) => format!("did you mean `{c}.md`?"),
                None => format!("the chapters are listed in manuals/{manual}/manual.toml"),
            }),
        )
    })
}

/// Finds the file to use for `rel` on a `page_lang` page: the page language's
/// own copy when there is one, else the file as written.
fn file_target(
    project: &Project,
    rel: &Path,
    page_lang: &str,
    written: &str,
) -> Result<String, LinkError> {
    let root = &project.paths.root;
    let candidates = file_candidates(project, rel, page_lang);
    for candidate in &candidates {
        match project.media.lookup(candidate) {
            Known::Inside => return Ok(candidate.to_string_lossy().replace('\\', "/")),
            Known::Absent => continue,
            Known::Unknown => {}
        }
        let abs = root.join(candidate);
        if let Ok(meta) = std::fs::metadata(&abs)
            && !meta.is_file()
            && !meta.is_dir()
        {
            return Err(err(
                format!(
                    "`{written}` is {}, not a regular file",
                    crate::load::project::special_kind(&meta.file_type())
                ),
                Some("replace it with a regular file".into()),
            ));
        }
        if abs.is_file() {
            // Symbolic links must not lead out of the project.
            return match abs.canonicalize() {
                Ok(real) if real.starts_with(root) => {
                    Ok(candidate.to_string_lossy().replace('\\', "/"))
                }
                _ => Err(outside(written)),
            };
        }
    }
    if root.join(rel).is_dir() {
        return Err(err(
            format!("`{written}` is a folder"),
            Some("link to a file inside it".into()),
        ));
    }
    // A name that differs only in case works on a translator's Windows or
    // macOS disk and breaks on the web server: say which file it meant.
    let hint = (candidates.iter())
        .find_map(|c| case_variant(root, c))
        .map_or_else(
            || "check the path: it is relative to the file that contains the link".into(),
            |found| {
                format!(
                    "the project has `{}`, whose name differs only in case; write it as it is \
                     spelled, as web servers and most systems tell the two apart",
                    found.to_string_lossy().replace('\\', "/")
                )
            },
        );
    Err(err(format!("`{written}` does not exist"), Some(hint)))
}

/// The project's file whose path is `rel` but for the case of its letters,
/// when `rel` itself is not a file: each folder on the way is listed only
/// when the name as written is not in it.
fn case_variant(root: &Path, rel: &Path) -> Option<PathBuf> {
    let mut found = PathBuf::new();
    for part in rel.components() {
        let Component::Normal(name) = part else {
            return None;
        };
        if root.join(&found).join(name).exists() {
            found.push(name);
            continue;
        }
        let want = name.to_string_lossy().to_lowercase();
        let entry = std::fs::read_dir(root.join(&found))
            .ok()?
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().to_lowercase() == want)?;
        found.push(entry.file_name());
    }
    (found != rel && root.join(&found).is_file()).then_some(found)
}

/// The files `rel` may stand for on a `page_lang` page, in the order they
/// are looked for: the page language's own copies (then those of its
/// fallback languages) first, the file as written last.
fn file_candidates(project: &Project, rel: &Path, page_lang: &str) -> Vec<PathBuf> {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut candidates: Vec<PathBuf> = Vec::new();
    let chain = project.chains.get(page_lang).cloned().unwrap_or_default();
    if parts.len() >= 4 && parts[0] == "manuals" {
        let (manual, folder, rest) = (&parts[1], &parts[2], parts[3..].join("/"));
        if folder == "media" {
            for code in &chain {
                candidates.push(
                    Path::new("manuals")
                        .join(manual)
                        .join("media")
                        .join(code)
                        .join(&rest),
                );
            }
        } else if project.config.lang(folder).is_some() {
            for code in &chain {
                candidates.push(Path::new("manuals").join(manual).join(code).join(&rest));
            }
        }
    }
    candidates.push(rel.to_path_buf());
    candidates
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Removes `.` and `..` without touching the disk; `None` when `..` climbs
/// above the filesystem root.
fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_detection() {
        assert!(is_external("https://example.org"));
        assert!(is_external("mailto:a@b.c"));
        assert!(is_external("//cdn.example.org/x.png"));
        assert!(!is_external("x.md"));
        assert!(!is_external("../a/b.md#x:y"));
        assert!(!is_external("#frag"));
        // Read as browsers read them: refused schemes are not external links.
        assert!(is_external(" HTTPS://example.org"));
        assert!(is_external("\\\\example.org/x.png"));
        assert!(!is_external(" javascript:alert(1)"));
        assert!(!is_external("jav\tascript:alert(1)"));
        assert!(!is_external("sms:+1555"));
    }

    #[test]
    fn normalise_paths() {
        assert_eq!(
            normalise(Path::new("/a/b/../c/./d")).unwrap(),
            Path::new("/a/c/d")
        );
        assert!(normalise(Path::new("/a/../../b")).is_none());
    }
}
