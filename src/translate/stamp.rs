//! `polybook stamp`: records in a translation which version of its source it
//! was translated from. The only code that writes into `manuals/`: it changes
//! the one front matter line it owns and keeps every other byte as it was.
//! A translation it cannot read or a read-only file is an error, never
//! skipped in silence; a hard-linked file is written in place.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, display_path};
use crate::error::{Error, Result};
use crate::model::Project;
use crate::translate::provenance::{self, KEY};

/// Returns `text` with its `translated_from` line set to `hash`: replaced
/// where it exists, else added as the first line of the front matter (which
/// is created, as TOML, when the file has none). Line endings follow the file's.
pub fn stamp_text(text: &str, hash: &str) -> String {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let first_end = body.find('\n').map_or(body.len(), |i| i + 1);
    let first = &body[..first_end];
    let eol = if first.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let (line_for, delim) = match first.trim_end() {
        "+++" => (format!("{KEY} = \"{hash}\""), "+++"),
        "---" => (format!("{KEY}: \"{hash}\""), "---"),
        _ => return format!("{bom}+++{eol}{KEY} = \"{hash}\"{eol}+++{eol}{body}"),
    };
    // Look for our line inside the front matter.
    let mut pos = first_end;
    while pos < body.len() {
        let end = body[pos..].find('\n').map_or(body.len(), |i| pos + i + 1);
        let line = &body[pos..end];
        let trimmed = line.trim_end();
        if trimmed == delim {
            break;
        }
        let key = trimmed.split(['=', ':']).next().unwrap_or("").trim();
        if key == KEY || key == format!("\"{KEY}\"") {
            let ending = &line[trimmed.len()..];
            return format!("{bom}{}{line_for}{ending}{}", &body[..pos], &body[end..]);
        }
        pos = end;
    }
    format!("{bom}{first}{line_for}{eol}{}", &body[first_end..])
}

/// Which translations to stamp.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub files: Vec<PathBuf>,
    pub manual: Option<String>,
    pub lang: Option<String>,
}

/// What stamping did: files changed, files already current, and problems.
#[derive(Debug, Default)]
pub struct StampReport {
    pub stamped: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Stamps the selected translations with their source's current hash.
/// `problems` are those loading the project reported: a selected
/// translation that could not be read is reported with its problem, never
/// skipped.
pub fn stamp(project: &Project, problems: &[Diagnostic], sel: &Selection) -> Result<StampReport> {
    let root = &project.paths.root;
    let mut report = StampReport::default();
    let broken = provenance::broken(project, problems, &[]);
    let mut targets: Vec<(PathBuf, String)> = Vec::new();
    for file in &sel.files {
        let abs = crate::translate::status::resolve_arg(root, file)?;
        let abs = abs.canonicalize().unwrap_or(abs);
        let rel = display_path(root, &abs);
        match find_source(project, &rel) {
            Ok(hash) => targets.push((abs, hash)),
            Err((msg, hint)) => match broken.iter().find(|b| b.problem.file == rel) {
                Some(b) => report.diagnostics.push(cannot_stamp(b.problem)),
                None => report
                    .diagnostics
                    .push(Diagnostic::error(&rel, 0, msg).with_hint(hint)),
            },
        }
    }
    if sel.files.is_empty() {
        for m in &project.manuals {
            if sel.manual.as_ref().is_some_and(|x| *x != m.id) {
                continue;
            }
            for ch in &m.chapters {
                let source = &ch.sources[project.source_lang()];
                for (lang, s) in &ch.sources {
                    // A chapter made from a PO catalogue has no file to stamp.
                    if lang == project.source_lang()
                        || sel.lang.as_ref().is_some_and(|x| x != lang)
                        || s.po.is_some()
                    {
                        continue;
                    }
                    let abs = s.abs.canonicalize().unwrap_or_else(|_| s.abs.clone());
                    targets.push((abs, source.hash().to_string()));
                }
            }
        }
        for b in &broken {
            let manual = &project.manuals[b.chapter.manual].id;
            if sel.manual.as_ref().is_none_or(|x| x == manual)
                && sel.lang.as_ref().is_none_or(|x| *x == b.lang)
            {
                report.diagnostics.push(cannot_stamp(b.problem));
            }
        }
    }
    for (abs, hash) in targets {
        let rel = display_path(root, &abs);
        let text = crate::load::project::read_regular_to_string(&abs)
            .map_err(|e| Error::io("read", &abs, e))?;
        let new = stamp_text(&text, &hash);
        if new == text {
            report.unchanged.push(rel);
            continue;
        }
        match write_stamped(&abs, &text, &new)? {
            Written::Yes => report.stamped.push(rel),
            Written::ReadOnly => report.diagnostics.push(
                Diagnostic::error(&rel, 0, "this file is read-only: stamp leaves it as it is")
                    .with_hint("make it writable (`chmod u+w`) to stamp it, or leave it out"),
            ),
        }
    }
    Ok(report)
}

/// The problem of a translation that could not be read, as a reason it was
/// not stamped.
fn cannot_stamp(problem: &Diagnostic) -> Diagnostic {
    let mut d = problem.clone();
    d.severity = crate::diag::Severity::Error;
    d.message = format!("cannot stamp this translation: {}", problem.message);
    if d.hint.is_none() {
        d.hint = Some("fix the file, then stamp it again".into());
    }
    d
}

/// Whether a stamped file was written.
enum Written {
    Yes,
    /// The file is read-only, and is left so.
    ReadOnly,
}

/// Writes the stamped text `new` of the file at `abs`, which held `old`.
///
/// A file with one name is replaced durably, through a temporary file and a
/// rename. A file with several names (hard links) is written in place, so
/// that every name keeps showing it: the new bytes are complete before the
/// file is opened, and the file must still hold what was read (an editor
/// may have saved it since).
fn write_stamped(abs: &Path, old: &str, new: &str) -> Result<Written> {
    let meta = std::fs::metadata(abs).map_err(|e| Error::io("read", abs, e))?;
    if meta.permissions().readonly() {
        return Ok(Written::ReadOnly);
    }
    #[cfg(unix)]
    let links = std::os::unix::fs::MetadataExt::nlink(&meta);
    #[cfg(not(unix))]
    let links = 1;
    if links <= 1 {
        crate::build::output::replace_file(abs, new.as_bytes())?;
        return Ok(Written::Yes);
    }
    use std::io::{Read, Seek, Write};
    let io = |e| Error::io("write", abs, e);
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(abs)
        .map_err(io)?;
    let mut current = Vec::with_capacity(old.len());
    file.read_to_end(&mut current).map_err(io)?;
    if current != old.as_bytes() {
        return Err(Error::Usage(format!(
            "{} changed while it was being stamped; run stamp again",
            abs.display()
        )));
    }
    file.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    file.write_all(new.as_bytes()).map_err(io)?;
    file.set_len(new.len() as u64).map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(Written::Yes)
}

/// The current source hash for translation file `rel` (relative to the root).
fn find_source(project: &Project, rel: &Path) -> Result<String, (String, String)> {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let usage = || "name a translated chapter: manuals/<manual>/<lang>/<chapter>.md".to_string();
    if parts.len() < 4 || parts[0] != "manuals" || !parts[parts.len() - 1].ends_with(".md") {
        return Err(("this is not a chapter file".into(), usage()));
    }
    let (manual, lang) = (&parts[1], &parts[2]);
    if lang == project.source_lang() {
        return Err((
            "this is a source-language chapter; only translations are stamped".into(),
            usage(),
        ));
    }
    let chapter = parts[3..].join("/");
    let chapter = chapter.trim_end_matches(".md");
    let r = project.find_chapter(manual, chapter).ok_or_else(|| {
        (
            format!("manual `{manual}` has no chapter `{chapter}`"),
            usage(),
        )
    })?;
    let source = &project.chapter(r).sources[project.source_lang()];
    match project.chapter(r).sources.get(lang) {
        None => return Err(("this translation does not exist".into(), usage())),
        Some(t) if t.po.is_some() => {
            return Err((
                format!(
                    "this chapter is made from the PO catalogue `{}`, which has no `{}` to stamp",
                    t.rel.display(),
                    provenance::KEY
                ),
                "catalogues follow their source by `polybook po export`, not by stamping".into(),
            ));
        }
        Some(_) => {}
    }
    Ok(provenance::content_hash(&source.text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_a_line_to_toml_front_matter_and_keeps_the_rest() {
        let text = "+++\r\ndescription = \"x\"  \r\n+++\r\n# T\r\n\r\nBody  with  spaces \r\n";
        let out = stamp_text(text, "abc123");
        assert_eq!(
            out,
            "+++\r\ntranslated_from = \"abc123\"\r\ndescription = \"x\"  \r\n+++\r\n# T\r\n\r\nBody  with  spaces \r\n"
        );
        // Stamping again replaces only the value.
        assert_eq!(stamp_text(&out, "def456"), out.replace("abc123", "def456"));
        assert_eq!(stamp_text(&out, "abc123"), out);
    }

    #[test]
    fn yaml_front_matter_and_none() {
        assert_eq!(
            stamp_text("---\ntitle: T\ntranslated_from: old\n---\nx", "new"),
            "---\ntitle: T\ntranslated_from: \"new\"\n---\nx"
        );
        assert_eq!(
            stamp_text("# T\n", "h"),
            "+++\ntranslated_from = \"h\"\n+++\n# T\n"
        );
        assert_eq!(
            stamp_text("\u{feff}# T", "h"),
            "\u{feff}+++\ntranslated_from = \"h\"\n+++\n# T"
        );
    }

    #[test]
    fn a_key_in_the_body_is_not_touched() {
        let text = "+++\ntitle = \"T\"\n+++\ntranslated_from = \"not front matter\"\n";
        assert_eq!(
            stamp_text(text, "h"),
            "+++\ntranslated_from = \"h\"\ntitle = \"T\"\n+++\ntranslated_from = \"not front matter\"\n"
        );
    }
}
