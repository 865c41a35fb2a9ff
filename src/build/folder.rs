//! Where a build writes: the output folder as a real path, refused when a
//! build there would overwrite what the user wrote.

use std::path::{Path, PathBuf};

use super::cache;
use crate::diag::Diagnostic;
use crate::error::{Error, Result};

/// The output folder of a build: `--out` (relative to the working folder) or
/// `<root>/output`, as a real path (every link resolved; for a folder that
/// does not exist yet, those of its nearest existing parent). It may not be
/// the project folder (`root`, a real path) or contain it, nor lie among the
/// sources (`manuals/`, `themes/`, `i18n/`) or in the build state (the
/// project's or the one in the user's cache): a build there would overwrite
/// what the user wrote, or what the next build reads.
pub(crate) fn output_dir(root: &Path, out: Option<&Path>) -> Result<PathBuf> {
    let given = match out {
        Some(o) if o.is_absolute() => o.to_path_buf(),
        Some(o) => std::env::current_dir()
            .map_err(|e| Error::io("find", ".", e))?
            .join(o),
        None => root.join("output"),
    };
    let real = real_path(&given)?;
    let refuse = |what: String| {
        let shown = out.unwrap_or(Path::new("output"));
        let named = if shown == real {
            format!("`{}`", shown.display())
        } else {
            format!("`{}` (`{}`)", shown.display(), real.display())
        };
        Error::Options(vec![
            Diagnostic::error("--out", 0, format!("the output folder {named} {what}"))
                .with_hint("a build replaces files in its output folder: choose a folder of its own, such as `output` in the project (the default) or a folder outside the project"),
        ])
    };
    if root.starts_with(&real) {
        return Err(refuse("is the project folder or contains it".to_string()));
    }
    for dir in ["manuals", "themes", "i18n", cache::FOLDER] {
        let sources = root.join(dir);
        let inside =
            real.starts_with(&sources) || sources.canonicalize().is_ok_and(|d| real.starts_with(d));
        if inside {
            let what = if dir == cache::FOLDER {
                "build state"
            } else {
                "sources"
            };
            return Err(refuse(format!(
                "is inside `{dir}/` of the project, which holds its {what}"
            )));
        }
    }
    if let Some(state) = cache::users_state_folder() {
        let within = |p: &Path| {
            p.starts_with(&state) || state.canonicalize().is_ok_and(|d| p.starts_with(d))
        };
        if within(&real) && !within(root) {
            return Err(refuse(format!(
                "is inside `{}`, which holds the build state of projects whose own folder refuses it",
                state.display()
            )));
        }
    }
    Ok(real)
}

/// `path` with every link resolved: the real path of its nearest existing
/// parent, followed by the rest.
fn real_path(path: &Path) -> Result<PathBuf> {
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    let mut existing = path.to_path_buf();
    loop {
        match existing.canonicalize() {
            Ok(mut real) => {
                for part in rest.iter().rev() {
                    if part == ".." {
                        real.pop();
                    } else if part != "." {
                        real.push(part);
                    }
                }
                return Ok(real);
            }
            // A link to nothing is not a folder that does not exist yet.
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && std::fs::symlink_metadata(&existing).is_err() =>
            {
                let Some(last) = existing.components().next_back() else {
                    return Err(Error::io("find", path, e));
                };
                rest.push(last.as_os_str().to_owned());
                if !existing.pop() {
                    return Err(Error::io("find", path, e));
                }
            }
            Err(e) => {
                let link = std::fs::symlink_metadata(&existing).is_ok_and(|m| m.is_symlink());
                let action = if link { "follow the link" } else { "find" };
                return Err(Error::io(action, &existing, e));
            }
        }
    }
}
