//! `polybook bundle`: one zip per language of what a reader needs offline,
//! from the output of the build that runs just before, and its signature.
//!
//! A bundle of language `L` holds the pages, books and search index of `L`
//! and of the languages its untranslated chapters show (its fallback
//! chain), the shared `static/` and `files/`, a root `index.html` that opens
//! `L`'s home page, and `static/bundle-date.js`. Its files are the ones the
//! build listed in its state (never `bundles/` itself, never files the
//! build did not write), in sorted order, with one fixed time: the same
//! sources give the same bytes. Links to pages the bundle does not hold
//! (other languages, in the language menu) keep their text and lose their
//! link, so that nothing in a bundle leads to a missing file. The home page
//! of `L` says when the bundle was built and until when it is meant to be
//! used; a small script of the bundle shows a notice after that date.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{ChapterRef, Project, urls};

/// What to bundle.
#[derive(Debug, Clone, Default)]
pub struct BundleOptions {
    pub root: PathBuf,
    /// The output folder of the build (default `output/`).
    pub out: Option<PathBuf>,
    /// Languages to bundle; all when empty.
    pub langs: Vec<String>,
    /// The secret key; else [`super::SECRET_KEY_VAR`], else the default
    /// key folder.
    pub secret_key: Option<PathBuf>,
    pub source_date_epoch: Option<i64>,
}

/// The script that shows the notice of an outdated bundle.
const DATE_SCRIPT: &str = include_str!("bundle-date.js");

/// Writes `bundles/L.zip` and `bundles/L.zip.minisig` into the output
/// folder for each language; returns their paths. The output must be that
/// of a build of the same sources, just made.
pub fn bundle(opts: &BundleOptions) -> Result<Vec<PathBuf>> {
    let (project, _) = crate::build::load(&opts.root)?;
    let build_opts = crate::BuildOptions {
        root: opts.root.clone(),
        out: opts.out.clone(),
        ..Default::default()
    };
    let out = crate::build::output_folder(&build_opts)?;
    let root = &project.paths.root;
    let codes: Vec<String> = if opts.langs.is_empty() {
        project.langs().iter().map(|l| l.code.clone()).collect()
    } else {
        for code in &opts.langs {
            if project.config.lang(code).is_none() {
                return Err(Error::Usage(format!(
                    "`{code}` is not a published language; bundle one of: {}",
                    project
                        .langs()
                        .iter()
                        .map(|l| l.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        opts.langs.clone()
    };
    let list_path = crate::build::cache::folder(root, &out).join(crate::build::cache::FILES);
    let listed = std::fs::read_to_string(&list_path).map_err(|e| {
        Error::io(
            "read the list of files of the last build (run `polybook build` first)",
            &list_path,
            e,
        )
    })?;
    let listed: BTreeSet<&str> = listed.lines().filter(|l| !l.is_empty()).collect();
    let key = secret_key(opts)?;
    let public = match &project.config.bundle_public_key {
        Some(rel) => Some(super::read_public_key(&root.join(rel))?),
        None => None,
    };
    let (ui, _) = crate::site::i18n::load(
        &project.paths.i18n,
        root,
        project.langs(),
        project.source_lang(),
    )?;
    let dates = crate::load::dates::Dates::find(root, opts.source_date_epoch);
    let dir = out.join(super::FOLDER);
    let mut written = Vec::new();
    for code in &codes {
        let built = build_date(&project, &dates, code);
        let valid_until = built
            .checked_add(jiff::Span::new().days(i64::from(project.config.bundle_valid_days)))
            .map_err(|e| Error::Usage(format!("the bundle's dates are out of range: {e}")))?;
        let zip = make_zip(&project, &ui, &out, &listed, code, built, valid_until)?;
        let claims = super::Claims {
            lang: code.clone(),
            built,
            valid_until,
            sha256: super::sha256_hex(&zip),
        };
        let name = format!("{code}.zip");
        let sig = minisign::sign(
            public.as_ref(),
            &key,
            std::io::Cursor::new(&zip),
            Some(&claims.to_comment()),
            Some(&format!("signature of {name}, a bundle made by polybook")),
        )
        .map_err(|e| {
            Error::Usage(format!(
                "cannot sign {name}: {e}{}",
                if public.is_some() {
                    " (is the secret key the one of `bundle_public_key`?)"
                } else {
                    ""
                }
            ))
        })?;
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("create the folder", &dir, e))?;
        let zip_path = dir.join(&name);
        let sig_path = dir.join(format!("{name}.minisig"));
        crate::build::output::replace_file(&zip_path, &zip)?;
        crate::build::output::replace_file(&sig_path, sig.to_string().as_bytes())?;
        written.push(zip_path);
        written.push(sig_path);
    }
    Ok(written)
}

/// The secret key, decrypted with its password.
fn secret_key(opts: &BundleOptions) -> Result<minisign::SecretKey> {
    let path = opts
        .secret_key
        .clone()
        .or_else(|| {
            std::env::var_os(super::SECRET_KEY_VAR)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        })
        .or_else(|| super::default_key_folder().map(|d| d.join(super::SECRET_KEY_FILE)))
        .ok_or_else(|| Error::Usage("name the secret key with --secret-key".into()))?;
    let text = crate::load::project::read_regular_to_string(&path).map_err(|e| {
        Error::io(
            "read the secret key (make one with `polybook keygen`, or name it with --secret-key)",
            &path,
            e,
        )
    })?;
    let boxed = minisign::SecretKeyBox::from_string(&text).map_err(|e| {
        Error::Usage(format!(
            "`{}` is not a minisign secret key: {e}",
            path.display()
        ))
    })?;
    let password = super::password(false)?;
    boxed.into_secret_key(Some(password)).map_err(|e| {
        Error::Usage(format!(
            "cannot open the secret key `{}` (wrong password?): {e}",
            path.display()
        ))
    })
}

/// The date of a language's bundle: that of its newest book, by the rule of
/// books (`SOURCE_DATE_EPOCH`, then git, then the chapter files' times).
fn build_date(
    project: &Project,
    dates: &crate::load::dates::Dates,
    code: &str,
) -> jiff::civil::Date {
    let newest = project
        .manuals
        .iter()
        .enumerate()
        .map(|(mi, m)| {
            dates.of(&m.id).unwrap_or_else(|| {
                (0..m.chapters.len())
                    .map(|chapter| {
                        project
                            .content(
                                ChapterRef {
                                    manual: mi,
                                    chapter,
                                },
                                code,
                            )
                            .0
                            .modified
                    })
                    .max()
                    .unwrap_or(0)
            })
        })
        .max()
        .unwrap_or(0);
    jiff::Timestamp::from_second(newest)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

/// The zip of `code`'s bundle.
fn make_zip(
    project: &Project,
    ui: &std::collections::HashMap<String, crate::site::i18n::Ui>,
    out: &Path,
    listed: &BTreeSet<&str>,
    code: &str,
    built: jiff::civil::Date,
    valid_until: jiff::civil::Date,
) -> Result<Vec<u8>> {
    let chain: Vec<String> = project
        .chains
        .get(code)
        .cloned()
        .unwrap_or_else(|| vec![code.to_string()]);
    let mut langs: Vec<&str> = vec![code];
    langs.extend(chain.iter().map(String::as_str).filter(|c| *c != code));
    let inside = |rel: &str| {
        let first = rel.split('/').next().unwrap_or("");
        (langs.contains(&first) && rel.contains('/')) || first == "static" || first == "files"
    };
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for rel in listed.iter().filter(|r| inside(r)) {
        let path = out.join(rel);
        let bytes = crate::load::project::read_regular(&path).map_err(|e| {
            Error::io(
                "read (run `polybook build` again: the output changed since)",
                &path,
                e,
            )
        })?;
        files.insert(rel.to_string(), bytes);
    }
    files.insert(
        urls::static_file("bundle-date.js"),
        DATE_SCRIPT.as_bytes().to_vec(),
    );
    let home = urls::home(code);
    let l = project.config.lang(code).expect("published");
    let strings = &ui[code];
    files.insert(
        urls::root_index(),
        root_page(project, strings, l, &home).into_bytes(),
    );
    let names: BTreeSet<String> = files.keys().cloned().collect();
    for (rel, bytes) in files.iter_mut() {
        if !rel.ends_with(".html") || rel == &urls::root_index() {
            continue;
        }
        let notice = (*rel == home).then(|| date_notice(strings, rel, built, valid_until));
        *bytes = rewrite(bytes, rel, &names, notice.as_ref())?;
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip_time(built))
        .unix_permissions(0o644);
    for (rel, bytes) in &files {
        let stored = rel.ends_with(".epub") || rel.ends_with(".png") || rel.ends_with(".jpg");
        let o = if stored {
            options.compression_method(zip::CompressionMethod::Stored)
        } else {
            options
        };
        zip.start_file(rel.as_str(), o)
            .and_then(|_| zip.write_all(bytes).map_err(Into::into))
            .map_err(|e| Error::Usage(format!("cannot make the bundle of `{code}`: {e}")))?;
    }
    let cursor = zip
        .finish()
        .map_err(|e| Error::Usage(format!("cannot make the bundle of `{code}`: {e}")))?;
    Ok(cursor.into_inner())
}

/// The zip's one time for every file: midnight of the build date (zip
/// times start in 1980).
fn zip_time(date: jiff::civil::Date) -> zip::DateTime {
    let year = date.year().clamp(1980, 2107) as u16;
    zip::DateTime::from_date_and_time(year, date.month() as u8, date.day() as u8, 0, 0, 0)
        .unwrap_or_default()
}

/// The bundle's `index.html`: it opens the language's home page.
fn root_page(
    project: &Project,
    ui: &crate::site::i18n::Ui,
    l: &crate::load::lang::Lang,
    home: &str,
) -> String {
    let esc = crate::render::html::escape;
    let title = project.config.title_in(&l.code);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={home}\">\n<title>{title}</title>\n\
         <link rel=\"stylesheet\" href=\"{css}\">\n</head>\n<body>\n<main id=\"main\">\n\
         <h1><a href=\"{home}\">{title}</a></h1>\n<p><a href=\"{home}\">{enter}</a></p>\n</main>\n</body>\n</html>\n",
        code = esc(&l.code),
        dir = l.dir.as_str(),
        home = esc(home),
        title = esc(title),
        css = esc(&urls::static_file("style.css")),
        enter = esc(ui.get("home")),
    )
}

/// What the home page of a bundle says about its dates: its build date,
/// the date until which it is meant to be used, and a notice, hidden until
/// the script finds that date past.
fn date_notice(
    ui: &crate::site::i18n::Ui,
    page: &str,
    built: jiff::civil::Date,
    until: jiff::civil::Date,
) -> (String, String) {
    let esc = crate::render::html::escape;
    let body = format!(
        "<section class=\"bundle-dates\" data-valid-until=\"{until}\">\n\
         <p>{built_label} <time datetime=\"{built}\">{built}</time>. {until_label} <time datetime=\"{until}\">{until}</time>.</p>\n\
         <p class=\"bundle-expired\" role=\"alert\" hidden>{expired}</p>\n</section>\n",
        built_label = esc(ui.get("bundle-built")),
        until_label = esc(ui.get("bundle-valid-until")),
        expired = esc(ui.get("bundle-expired")),
    );
    let script = format!(
        "<script src=\"{}\" defer></script>\n",
        esc(&urls::relative(page, &urls::static_file("bundle-date.js")))
    );
    (body, script)
}

/// A page of the bundle: links to files the bundle does not hold lose
/// their link (their text stays); the home page gets the date notice after
/// its first heading and the script in its head.
fn rewrite(
    html: &[u8],
    page: &str,
    names: &BTreeSet<String>,
    notice: Option<&(String, String)>,
) -> Result<Vec<u8>> {
    use lol_html::html_content::ContentType;
    use lol_html::{RewriteStrSettings, element, rewrite_str};
    let text = std::str::from_utf8(html)
        .map_err(|_| Error::Usage(format!("the page `{page}` is not UTF-8")))?;
    let mut settings =
        RewriteStrSettings::new().append_element_content_handler(element!("a[href]", |el| {
            if let Some(href) = el.get_attribute("href")
                && let Some(target) = local_target(page, &href)
                && !names.contains(&target)
            {
                el.remove_and_keep_content();
            }
            Ok(())
        }));
    let mut first_h1 = true;
    if let Some((body, script)) = notice {
        settings = settings
            .append_element_content_handler(element!("main h1", move |el| {
                if first_h1 {
                    el.after(body, ContentType::Html);
                    first_h1 = false;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("head", move |el| {
                el.append(script, ContentType::Html);
                Ok(())
            }));
    }
    rewrite_str(text, settings)
        .map(String::into_bytes)
        .map_err(|e| {
            Error::Usage(format!(
                "cannot rewrite the page `{page}` for the bundle: {e}"
            ))
        })
}

/// The output path a relative link of `page` leads to; `None` for a link
/// elsewhere (another host, `mailto:`, a fragment of the page itself).
fn local_target(page: &str, href: &str) -> Option<String> {
    let path = href.split(['#', '?']).next().unwrap_or("");
    if path.is_empty() || path.starts_with('/') || path.contains(':') {
        return None;
    }
    let path = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?
        .into_owned();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut target = parts.join("/");
    if path.ends_with('/') || target.is_empty() {
        if !target.is_empty() {
            target.push('/');
        }
        target.push_str("index.html");
    }
    Some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_to_output_paths() {
        assert_eq!(
            local_target("en/m/a.html", "b.html#x").as_deref(),
            Some("en/m/b.html")
        );
        assert_eq!(
            local_target("en/m/a.html", "../../es/m/a.html").as_deref(),
            Some("es/m/a.html")
        );
        assert_eq!(
            local_target("en/index.html", "../").as_deref(),
            Some("index.html")
        );
        assert_eq!(
            local_target("en/m/a.html", "%C3%A9t%C3%A9.html").as_deref(),
            Some("en/m/été.html")
        );
        assert_eq!(local_target("en/m/a.html", "#top"), None);
        assert_eq!(local_target("en/m/a.html", "https://example.org/"), None);
        assert_eq!(local_target("en/a.html", "../../x.html"), None);
    }
}
