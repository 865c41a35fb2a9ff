//! `polybook serve`: builds the project, serves the output over HTTP on
//! loopback, rebuilds after every burst of changes and reloads open pages.
//!
//! The live-reload script and the error overlay are added to HTML responses
//! by the server only; files written by a build never contain them. When a
//! rebuild fails outright (a broken configuration), the last good pages stay
//! served and the overlay shows why.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::build::{BuildOptions, Session};
use crate::error::{Error, Result};
use crate::html::escape;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: String,
    pub port: u16,
}

/// What the browser learns about the latest build.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct BuildState {
    /// Increases with every rebuild that changed something.
    pub build: u64,
    /// Errors of the latest build, as printed.
    pub errors: Vec<String>,
    /// Problems already printed, so that each rebuild prints only new ones.
    #[serde(skip)]
    pub shown: crate::diag::Shown,
}

const LIVE_JS: &str = r#"(function () {
  // The build the page was served from, so that a build made while the
  // page loads is not missed.
  var own = document.currentScript;
  var seen = own && own.dataset.build ? Number(own.dataset.build) : null;
  function overlay(errors) {
    var box = document.getElementById("polybook-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) { box = document.createElement("pre"); box.id = "polybook-errors"; document.body.prepend(box); }
    box.textContent = errors.join("\n\n");
  }
  function poll() {
    fetch("/__polybook/state", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.build !== seen) { location.reload(); return; }
      seen = s.build;
      overlay(s.errors);
    }).catch(function () {}).then(function () { setTimeout(poll, 500); });
  }
  poll();
})();
"#;

const OVERLAY_CSS: &str = "#polybook-errors{position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;margin:0;padding:1rem;background:#2b0b0b;color:#ffe4e4;font:14px/1.4 monospace;white-space:pre-wrap;z-index:9999;direction:ltr;text-align:left}";

/// Binds to `bind:port`, or the next free port when it is taken.
fn bind(bind: &str, port: u16) -> Result<(tiny_http::Server, u16)> {
    let mut last = String::new();
    for candidate in port..port.saturating_add(20).max(port) {
        match tiny_http::Server::http((bind, candidate)) {
            Ok(server) => {
                let actual = server.server_addr().to_ip().map_or(candidate, |a| a.port());
                if candidate != port {
                    eprintln!("port {port} is busy; using {actual} instead");
                }
                return Ok((server, actual));
            }
            Err(e) => last = e.to_string(),
        }
        if port == 0 {
            break;
        }
    }
    Err(Error::Usage(format!(
        "cannot listen on {bind}:{port} or the next ports: {last}"
    )))
}

/// Runs one build after `changed` paths changed and records its outcome;
/// then, once open pages can reload, refreshes print pages, books and search
/// indexes.
fn rebuild(
    session: &mut Session,
    opts: &BuildOptions,
    changed: &[PathBuf],
    state: &Mutex<BuildState>,
    quiet: bool,
) {
    record(session.rebuild(opts, changed), state, quiet);
    match session.finish_later(opts) {
        Ok(0) => {}
        Ok(_) => state.lock().expect("state lock").build += 1,
        Err(e) => eprintln!("error: {e}"),
    }
}

fn record(outcome: Result<crate::BuildReport>, state: &Mutex<BuildState>, quiet: bool) {
    let mut s = state.lock().expect("state lock");
    match outcome {
        Ok(report) => {
            let errors: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.to_string())
                .collect();
            for d in s.shown.update(&report.diagnostics) {
                if d.is_error() || !quiet {
                    eprintln!("{d}");
                }
            }
            if report.written + report.removed > 0 || errors != s.errors {
                s.build += 1;
            }
            s.errors = errors;
            if !quiet {
                eprintln!("{}", report.rebuilt_line());
            }
        }
        Err(e) => {
            let mut lines = vec![format!("error: {e}; the last good pages are still served")];
            if let Error::Config(diags) = &e {
                lines.extend(diags.iter().map(|d| d.to_string()));
            }
            for l in &lines {
                eprintln!("{l}");
            }
            if lines != s.errors {
                s.errors = lines;
                s.build += 1;
            }
        }
    }
}

/// Serves until interrupted.
pub fn serve(opts: &ServeOptions, quiet: bool) -> Result<()> {
    let root = opts
        .build
        .root
        .canonicalize()
        .map_err(|e| Error::io("open the project folder", &opts.build.root, e))?;
    let out = crate::build::output_folder(&opts.build)?;
    let build_opts = BuildOptions {
        root: root.clone(),
        out: Some(out.clone()),
        ..opts.build.clone()
    };
    let state = Arc::new(Mutex::new(BuildState::default()));
    let stop = Arc::new(AtomicBool::new(false));
    crate::output::on_interrupt(Some(stop.clone()));
    // The watcher thread makes the first build once it watches, so that no
    // change is missed; the server starts when that build is done.
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let watcher = {
        let (state, stop, out, build_opts) =
            (state.clone(), stop.clone(), out.clone(), build_opts.clone());
        let mut session = Session::default();
        std::thread::spawn(move || {
            let result = crate::watch::watch_loop(
                &root,
                &out,
                |changed| {
                    rebuild(&mut session, &build_opts, changed, &state, quiet);
                    let _ = ready_tx.send(());
                },
                || stop.load(Ordering::SeqCst),
            );
            if let Err(e) = result {
                eprintln!("error: {e}");
            }
        })
    };
    if ready_rx.recv().is_err() {
        // The watcher could not start; it said why.
        let _ = watcher.join();
        return Err(Error::Usage("cannot watch the project".into()));
    }
    let (server, port) = bind(&opts.bind, opts.port)?;
    let url = format!(
        "http://{}:{port}/",
        if opts.bind.contains(':') {
            format!("[{}]", opts.bind)
        } else {
            opts.bind.clone()
        }
    );
    println!("Serving {} at {url} (Ctrl-C to stop)", out.display());
    while !stop.load(Ordering::SeqCst) {
        let Ok(Some(request)) = server.recv_timeout(std::time::Duration::from_millis(200)) else {
            continue;
        };
        respond(request, &out, &state);
    }
    let _ = watcher.join();
    println!("Stopped.");
    Ok(())
}

/// The file that a request path names inside `out`, if any: never outside it.
pub fn resolve_path(out: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let mut file = out.to_path_buf();
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        if part == "." || part == ".." || part.contains('\\') || part.contains('\0') {
            return None;
        }
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let real = file.canonicalize().ok()?;
    let out_real = out.canonicalize().ok()?;
    (real.starts_with(&out_real) && real.is_file()).then_some(real)
}

fn respond(request: tiny_http::Request, out: &Path, state: &Mutex<BuildState>) {
    let header = |k: &str, v: &str| {
        tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
    };
    let url = request.url().to_string();
    if url.starts_with("/__polybook/state") {
        let body =
            serde_json::to_string(&*state.lock().expect("state lock")).expect("serialisable");
        let _ = request.respond(
            tiny_http::Response::from_string(body)
                .with_header(header("Content-Type", "application/json"))
                .with_header(header("Cache-Control", "no-store")),
        );
        return;
    }
    if url.starts_with("/__polybook/live.js") {
        let _ = request.respond(
            tiny_http::Response::from_string(LIVE_JS)
                .with_header(header("Content-Type", "text/javascript; charset=utf-8")),
        );
        return;
    }
    // Taken before the file is read: a build that ends in between makes
    // the page reload once more, never miss a change.
    let (build, errors) = {
        let s = state.lock().expect("state lock");
        (s.build, s.errors.clone())
    };
    let Some(file) = resolve_path(out, &url) else {
        let body = inject(
            &format!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1><p>There is no page at <code>{}</code>.</p><p><a href=\"/\">Start page</a></p></body></html>",
                escape(&url)
            ),
            build,
            &errors,
        );
        let _ = request.respond(
            tiny_http::Response::from_string(body)
                .with_status_code(404)
                .with_header(header("Content-Type", "text/html; charset=utf-8")),
        );
        return;
    };
    let mut bytes = Vec::new();
    if std::fs::File::open(&file)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .is_err()
    {
        let _ = request.respond(
            tiny_http::Response::from_string("could not read the file").with_status_code(500),
        );
        return;
    }
    let mime = mime_guess::from_path(&file).first_or_octet_stream();
    let content_type = if mime.type_() == "text"
        || mime.essence_str() == "application/javascript"
        || mime.essence_str() == "image/svg+xml"
    {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let body = if mime.essence_str() == "text/html" {
        inject(&String::from_utf8_lossy(&bytes), build, &errors).into_bytes()
    } else {
        bytes
    };
    let _ = request.respond(
        tiny_http::Response::from_data(body)
            .with_header(header("Content-Type", &content_type))
            .with_header(header("Cache-Control", "no-store")),
    );
}

/// Adds the live-reload script, which is told the number of the build the
/// page comes from, and the errors of the latest build, to a page.
fn inject(html: &str, build: u64, errors: &[String]) -> String {
    let mut extra = format!(
        "<style>{OVERLAY_CSS}</style><script src=\"/__polybook/live.js\" data-build=\"{build}\"></script>"
    );
    if !errors.is_empty() {
        extra.push_str(&format!(
            "<pre id=\"polybook-errors\">{}</pre>",
            escape(&errors.join("\n\n"))
        ));
    }
    match html.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &html[..i], &html[i..]),
        None => format!("{html}{extra}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_never_leave_the_output() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("en")).unwrap();
        std::fs::write(dir.path().join("en/index.html"), "x").unwrap();
        std::fs::write(dir.path().join("a b.html"), "x").unwrap();
        assert!(
            resolve_path(dir.path(), "/en/")
                .unwrap()
                .ends_with("en/index.html")
        );
        assert!(resolve_path(dir.path(), "/a%20b.html?x=1").is_some());
        assert!(resolve_path(dir.path(), "/../etc/passwd").is_none());
        assert!(resolve_path(dir.path(), "/en/%2e%2e/%2e%2e/etc/passwd").is_none());
        assert!(resolve_path(dir.path(), "/missing.html").is_none());
    }

    #[test]
    fn injection_adds_the_script_and_errors_before_body_end() {
        let page = inject(
            "<html><body><p>x</p></body></html>",
            7,
            &["error: a.md:1: <bad>".into()],
        );
        assert!(page.contains("<script src=\"/__polybook/live.js\" data-build=\"7\"></script><pre id=\"polybook-errors\">error: a.md:1: &lt;bad&gt;</pre></body>"));
    }
}
