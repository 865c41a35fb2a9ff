//! `polybook serve`: builds the project, serves the output over HTTP on
//! loopback, rebuilds after every burst of changes and reloads open pages.
//!
//! The live-reload script and the error overlay are added to HTML responses
//! by the server only; files written by a build never contain them. When a
//! rebuild fails outright (a broken configuration), the last good pages stay
//! served and the overlay shows why.
//!
//! The server answers only to its own host names (`host.rs`), never serves
//! hidden files, and holds no thread for a connection that has not sent a
//! whole request (`http.rs`).

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::rebuild::Round;
use crate::build::BuildOptions;
use crate::error::{Error, Result};
use crate::render::html::escape;

use super::host::AllowedHosts;
use super::http::{Request, Response};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: String,
    pub port: u16,
    /// Host names to answer to besides the loopback ones and the bound
    /// address (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// Open the site in the default browser once the server listens.
    pub open: bool,
}

/// What the browser learns about the latest build.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct BuildState {
    /// Increases with every rebuild that changed something.
    pub build: u64,
    /// Errors of the latest build, as printed.
    pub errors: Vec<String>,
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

/// How many ports after the asked one are tried when it is taken.
const PORTS_TRIED: u16 = 20;

/// Listens on `bind:port`, or on the next free port when that one is
/// taken; returns the listener and the address it is bound to.
pub fn listen(bind: &str, port: u16) -> Result<(TcpListener, SocketAddr)> {
    let ips: Vec<IpAddr> = (bind, port)
        .to_socket_addrs()
        .map_err(|e| Error::Listen {
            address: bind.to_string(),
            reason: e.to_string(),
        })?
        .map(|a| a.ip())
        .collect();
    let mut last = None;
    for candidate in port..=port.saturating_add(PORTS_TRIED) {
        for ip in &ips {
            match TcpListener::bind((*ip, candidate)) {
                Ok(listener) => {
                    let addr = listener.local_addr().map_err(|e| Error::Listen {
                        address: bind.to_string(),
                        reason: e.to_string(),
                    })?;
                    if candidate != port {
                        eprintln!("port {port} is busy; using {} instead", addr.port());
                    }
                    return Ok((listener, addr));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
                    last = Some(e);
                }
                Err(e) => {
                    return Err(Error::Listen {
                        address: format!("{bind} port {candidate}"),
                        reason: e.to_string(),
                    });
                }
            }
        }
    }
    Err(Error::Listen {
        address: format!("{bind} port {port} or the {PORTS_TRIED} after it"),
        reason: last.map_or_else(|| "no address".to_string(), |e| e.to_string()),
    })
}

/// The address of the site for a browser on this machine: a server bound
/// to every address is reached on loopback, which it always answers to.
pub fn local_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, addr.port()))
}

/// The names given with `--allow-host`, checked.
fn allowed_names(names: &[String]) -> Result<Vec<super::host::Host>> {
    names
        .iter()
        .map(|n| {
            super::host::parse(n.trim()).ok_or_else(|| {
                Error::Usage(format!(
                    "`--allow-host {n}` is not a host name (such as `preview.lan`) or address"
                ))
            })
        })
        .collect()
}

/// Says, for a server that listens beyond loopback, who can read it and
/// how it can be reached.
fn warn_beyond_loopback(addr: SocketAddr, hosts: &AllowedHosts) {
    eprintln!(
        "warning: listening on {} port {}, beyond this machine: anyone on the network who can \
         reach it can read the drafts being previewed and the errors of the build, with \
         excerpts of the sources. Use --bind 127.0.0.1 to keep the preview to this machine.",
        addr.ip(),
        addr.port()
    );
    eprintln!(
        "note: answering to {} and this machine's addresses; add other names with --allow-host NAME",
        hosts.describe()
    );
}

/// Records one round of the rebuild loop in the state the browser reads,
/// and prints its problems.
fn record(round: Round<'_>, state: &Mutex<BuildState>, quiet: bool) {
    let mut s = state.lock().expect("state lock");
    match round {
        Round::Built { report, new, .. } => {
            let errors: Vec<String> = report
                .diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| d.to_string())
                .collect();
            for d in new {
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
        Round::Failed(e) => {
            let mut lines = vec![format!("error: {e}; the last good pages are still served")];
            if let Error::Config(diags) | Error::Options(diags) = e {
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
        Round::Finished(0) => {}
        Round::Finished(_) => s.build += 1,
        Round::FinishFailed(e) => eprintln!("error: {e}"),
    }
}

/// Serves until interrupted.
pub fn serve(opts: &ServeOptions, quiet: bool) -> Result<()> {
    let allowed = allowed_names(&opts.allow_hosts)?;
    let target = opts.build.resolve_existing()?;
    let out = target.out.clone();
    let state = Arc::new(Mutex::new(BuildState::default()));
    let stop = Arc::new(AtomicBool::new(false));
    crate::build::on_interrupt(Some(stop.clone()));
    // The loop makes the first build once it watches, so that no change is
    // missed; the server starts when that build and its books are done.
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let watcher = {
        let (state, stop) = (state.clone(), stop.clone());
        std::thread::spawn(move || {
            let result = super::rebuild::run(target, &|| stop.load(Ordering::SeqCst), |round| {
                let done = matches!(round, Round::Finished(_) | Round::FinishFailed(_));
                record(round, &state, quiet);
                if done {
                    let _ = ready_tx.send(());
                }
            });
            if let Err(e) = &result {
                eprintln!("error: {e}");
            }
            result
        })
    };
    if ready_rx.recv().is_err() {
        // The watcher could not start: its error says why.
        return match watcher.join() {
            Ok(Err(e)) => Err(e),
            _ => Err(Error::Usage(
                "the file watcher stopped before the first build".into(),
            )),
        };
    }
    let served = listen(&opts.bind, opts.port).and_then(|(listener, addr)| {
        let machine = gethostname::gethostname();
        let hosts = AllowedHosts::new(&opts.bind, addr.ip(), machine.to_str(), &allowed);
        if !addr.ip().is_loopback() {
            warn_beyond_loopback(addr, &hosts);
        }
        let url = local_url(addr);
        println!("Serving {} at {url} (Ctrl-C to stop)", out.display());
        // The listener queues connections already: the browser's waits
        // until the server below takes it.
        if opts.open && open::that_detached(&url).is_err() {
            eprintln!("could not start a browser; open {url}");
        }
        let site = Site {
            out: &out,
            state: &state,
            hosts: &hosts,
        };
        super::http::run(
            listener,
            &super::http::Limits::default(),
            &|request| respond(request, &site),
            &|| stop.load(Ordering::SeqCst),
        )
        .map_err(|e| Error::io("serve", &out, e))
    });
    stop.store(true, Ordering::SeqCst);
    let _ = watcher.join();
    served?;
    println!("Stopped.");
    Ok(())
}

/// What a request target names inside the output folder.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder with an index, asked for without the final slash.
    Folder,
    Missing,
}

/// The file that a request target names inside `out`: never outside it,
/// and never a hidden file or anything in a hidden folder.
pub fn resolve(out: &Path, target: &str) -> Resolved {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Resolved::Missing;
    };
    let mut file = out.to_path_buf();
    for part in decoded.split('/').filter(|p| !p.is_empty()) {
        // `.` and `..` included.
        if part.starts_with('.') || part.contains('\\') || part.contains('\0') {
            return Resolved::Missing;
        }
        file.push(part);
    }
    let folder = file.is_dir();
    if folder {
        file.push("index.html");
    }
    let (Ok(real), Ok(out_real)) = (file.canonicalize(), out.canonicalize()) else {
        return Resolved::Missing;
    };
    // A link inside the output may point into a hidden folder.
    let hidden = |p: &Path| {
        p.components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    };
    match real.strip_prefix(&out_real) {
        Ok(rel) if !hidden(rel) && real.is_file() => {
            if folder && !path.ends_with('/') {
                Resolved::Folder
            } else {
                Resolved::File(real)
            }
        }
        _ => Resolved::Missing,
    }
}

/// What responses are made from.
struct Site<'a> {
    out: &'a Path,
    state: &'a Mutex<BuildState>,
    hosts: &'a AllowedHosts,
}

/// Responds to one request; every response forbids other sites to use it.
fn respond(request: &Request, site: &Site) -> Response {
    respond_to(request, site)
        .header("X-Content-Type-Options", "nosniff")
        .header("Cross-Origin-Resource-Policy", "same-origin")
}

fn respond_to(request: &Request, site: &Site) -> Response {
    let Some(host) = request.host.as_deref().filter(|h| !h.is_empty()) else {
        return Response::text(400, "A request needs a Host header field.\n");
    };
    if !site.hosts.allows(host, request.local.ip()) {
        let name =
            super::host::parse(host).map_or_else(|| "this name".to_string(), |h| format!("`{h}`"));
        return Response::text(
            403,
            format!(
                "This polybook preview answers only to its own names ({}), not to {name}, so \
                 that pages of other sites cannot read it through a name of theirs (DNS \
                 rebinding). To use this name, start polybook serve with --allow-host {}.\n",
                site.hosts.describe(),
                super::host::parse(host).map_or_else(|| "NAME".to_string(), |h| h.to_string()),
            ),
        );
    }
    if request.method != "GET" && request.method != "HEAD" {
        return Response::text(
            405,
            format!(
                "The preview only gives pages (GET and HEAD), not {}.\n",
                request.method
            ),
        )
        .header("Allow", "GET, HEAD");
    }
    let path = request.target.split(['?', '#']).next().unwrap_or("/");
    match path {
        "/__polybook/state" => {
            let body = serde_json::to_string(&*site.state.lock().expect("state lock"))
                .expect("serialisable");
            return Response::new(200, "application/json", body)
                .header("Cache-Control", "no-store");
        }
        "/__polybook/live.js" => {
            return Response::new(200, "text/javascript; charset=utf-8", LIVE_JS);
        }
        _ => {}
    }
    // Taken before the file is read: a build that ends in between makes
    // the page reload once more, never miss a change.
    let (build, errors) = {
        let s = site.state.lock().expect("state lock");
        (s.build, s.errors.clone())
    };
    let file = match resolve(site.out, &request.target) {
        Resolved::File(file) => file,
        Resolved::Folder => {
            return Response::text(301, "This folder's address ends with a slash.\n")
                .header("Location", with_slash(&request.target))
                .header("Cache-Control", "no-store");
        }
        Resolved::Missing => {
            let body = inject(
                &format!(
                    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1><p>There is no page at <code>{}</code>.</p><p><a href=\"/\">Start page</a></p></body></html>",
                    escape(&request.target)
                ),
                build,
                &errors,
            );
            return Response::new(404, "text/html; charset=utf-8", body);
        }
    };
    let mut bytes = Vec::new();
    if std::fs::File::open(&file)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .is_err()
    {
        return Response::text(500, "The file could not be read.\n");
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
    Response::new(200, &content_type, body).header("Cache-Control", "no-store")
}

/// `target` with a slash after its path, the query kept. The path starts
/// with a single slash, so the address never names another host.
fn with_slash(target: &str) -> String {
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let mut to = format!("/{}/", path.trim_start_matches('/'));
    if let Some(query) = query {
        to.push('?');
        to.push_str(query);
    }
    to
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
        let file = |target: &str| match resolve(dir.path(), target) {
            Resolved::File(f) => Some(f),
            _ => None,
        };
        assert!(file("/en/").unwrap().ends_with("en/index.html"));
        assert!(file("/a%20b.html?x=1").is_some());
        assert!(file("/../etc/passwd").is_none());
        assert!(file("/en/%2e%2e/%2e%2e/etc/passwd").is_none());
        assert!(file("/en/..%2f..%2fetc/passwd").is_none());
        assert!(file("/en/%5c..%5c..%5cetc/passwd").is_none());
        assert!(file("/missing.html").is_none());
        assert_eq!(resolve(dir.path(), "/en"), Resolved::Folder);
        assert_eq!(resolve(dir.path(), "/en?q"), Resolved::Folder);
    }

    #[test]
    fn hidden_files_are_never_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join(".cache")).unwrap();
        std::fs::write(out.join(".cache/index.html"), "x").unwrap();
        std::fs::write(out.join(".polybook-files"), "x").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(out.join(".cache"), out.join("visible")).unwrap();
            assert_eq!(resolve(&out, "/visible/index.html"), Resolved::Missing);
        }
        for target in [
            "/.cache/",
            "/.cache",
            "/%2Ecache/index.html",
            "/.polybook-files",
        ] {
            assert_eq!(resolve(&out, target), Resolved::Missing, "{target}");
        }
        // An output folder that is itself hidden is served.
        let hidden = dir.path().join(".site");
        std::fs::create_dir_all(&hidden).unwrap();
        std::fs::write(hidden.join("index.html"), "x").unwrap();
        assert!(matches!(resolve(&hidden, "/"), Resolved::File(_)));
    }

    #[test]
    fn a_slash_is_added_after_the_path_and_never_names_a_host() {
        assert_eq!(with_slash("/en/guide"), "/en/guide/");
        assert_eq!(with_slash("/en/guide?a=1&b"), "/en/guide/?a=1&b");
        assert_eq!(with_slash("//evil.example"), "/evil.example/");
        assert_eq!(with_slash("///x?//y"), "/x/?//y");
    }

    #[test]
    fn the_url_to_open_has_the_port_actually_bound() {
        let busy = TcpListener::bind("127.0.0.1:0").unwrap();
        let asked = busy.local_addr().unwrap().port();
        let (_listener, addr) = listen("127.0.0.1", asked).unwrap();
        assert_ne!(addr.port(), asked);
        assert_eq!(
            local_url(addr),
            format!("http://127.0.0.1:{}/", addr.port())
        );
        assert_eq!(
            local_url("0.0.0.0:8000".parse().unwrap()),
            "http://127.0.0.1:8000/"
        );
        assert_eq!(
            local_url("[::]:8000".parse().unwrap()),
            "http://[::1]:8000/"
        );
        assert_eq!(
            local_url("192.168.1.5:8000".parse().unwrap()),
            "http://192.168.1.5:8000/"
        );
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
