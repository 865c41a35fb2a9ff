//! `polybook serve`: a real HTTP server that rebuilds on change, shows errors,
//! and keeps serving.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

struct Server {
    child: Child,
    port: u16,
    /// The lines the server printed on standard error so far.
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// The number of threads of the server process.
    fn threads(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/task", self.child.id()))
            .unwrap()
            .count()
    }

    /// Waits until the server printed a line for which `pred` holds (at most 20 s).
    fn wait_stderr(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            if let Some(l) = self.stderr.lock().unwrap().iter().find(|l| pred(l)) {
                return l.clone();
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}; printed:\n{:?}",
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `polybook serve` on `root` and waits for its "Serving" line.
fn start(root: &std::path::Path, port: u16) -> Server {
    start_with(root, port, &[], &[])
}

/// Starts `polybook serve` with more arguments and environment variables.
fn start_with(
    root: &std::path::Path,
    port: u16,
    args: &[&str],
    env: &[(&str, std::ffi::OsString)],
) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(root)
        .args(["serve", "--no-epub", "--port", &port.to_string()])
        .args(args)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = Arc::new(Mutex::new(Vec::new()));
    {
        let (lines, pipe) = (stderr.clone(), child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
    }
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("Serving "),
        "{line}; printed: {:?}",
        stderr.lock().unwrap()
    );
    let port = line
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    Server {
        child,
        port,
        stderr,
    }
}

/// A response read off a connection.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

/// Reads one response from `stream`: its head, then as many bytes as it
/// says (none for a `HEAD` request).
fn read_reply(stream: &mut TcpStream, head_request: bool) -> Reply {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).unwrap();
        assert_eq!(n, 1, "connection closed inside a response head: {raw:?}");
        raw.push(byte[0]);
    }
    let head = String::from_utf8(raw).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    let len: usize = reply
        .header("Content-Length")
        .expect("every response has a length")
        .parse()
        .unwrap();
    if !head_request {
        reply.body = vec![0; len];
        stream.read_exact(&mut reply.body).unwrap();
    }
    reply
}

/// Sends `raw` on a new connection and reads the response.
fn send(port: u16, raw: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    read_reply(&mut stream, raw.starts_with("HEAD "))
}

/// A GET of `path` with `host` as its Host header.
fn get_as(port: u16, host: &str, path: &str) -> Reply {
    send(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

/// A plain HTTP/1.1 GET; returns the status code and the body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let status = text
        .split_whitespace()
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Polls `path` until `pred` holds for its body (at most 20 s).
fn wait_for(port: u16, path: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let (_, body) = get(port, path);
        if pred(&body) {
            return body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}; last body:\n{body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_rebuilds_on_edit_shows_errors_and_recovers() {
    let project = copy_fixture("basic");
    let server = start(project.path(), free_port());
    let port = server.port;
    let (status, page) = get(port, "/en/guide/intro.html");
    assert_eq!(status, 200);
    assert!(page.contains("Read about") && page.contains("/__polybook/live.js"));
    // Folders serve their index; unknown paths get a 404 page; nothing escapes the output.
    assert!(get(port, "/en/").1.contains("Safety guide"));
    assert_eq!(get(port, "/en/nothing.html").0, 404);
    assert_eq!(get(port, "/../../etc/passwd").0, 404);
    assert_eq!(get(port, "/en/%2e%2e/%2e%2e/polybook.toml").0, 404);

    // Edit a chapter: the new text is served.
    let file = project.path().join("manuals/guide/en/intro.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Read about", "Now read about")).unwrap();
    wait_for(port, "/en/guide/intro.html", "the edit", |b| {
        b.contains("Now read about")
    });

    // Break the front matter: the error shows in the page.
    std::fs::write(&file, format!("+++\ntitle = \n+++\n{text}")).unwrap();
    let broken = wait_for(port, "/en/guide/risk.html", "the error overlay", |b| {
        b.contains("<pre id=\"polybook-errors\">")
    });
    assert!(broken.contains("invalid TOML front matter"), "{broken}");
    // The last good version of the broken chapter is still served.
    let (status, last_good) = get(port, "/en/guide/intro.html");
    assert_eq!(status, 200);
    assert!(last_good.contains("Now read about"), "{last_good}");

    // Fix it: the page is back and the overlay gone.
    std::fs::write(&file, text.replace("Read about", "Fixed, read about")).unwrap();
    wait_for(port, "/en/guide/intro.html", "the fixed page", |b| {
        b.contains("Fixed, read about") && !b.contains("id=\"polybook-errors\"")
    });
    // Files written by the build never contain the live-reload script.
    assert!(
        !std::fs::read_to_string(project.path().join("output/en/guide/intro.html"))
            .unwrap()
            .contains("__polybook")
    );
}

#[test]
fn a_busy_port_moves_to_the_next_free_one() {
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let project = copy_fixture("basic");
    let server = start(project.path(), port);
    assert_ne!(server.port, port);
    assert_eq!(get(server.port, "/index.html").0, 200);
}

#[test]
fn an_open_page_reloads_by_itself_after_an_edit() {
    let project = copy_fixture("basic");
    let server = start(project.path(), free_port());
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/reload.mjs");
    let mut node = Command::new("node")
        .arg(script)
        .arg(format!(
            "http://127.0.0.1:{}/en/guide/intro.html",
            server.port
        ))
        .arg("Freshly edited text")
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (install the browser tools with `bash .ci/run`)");
    let mut out = BufReader::new(node.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    let file = project.path().join("manuals/guide/en/intro.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace("Keep copies of everything.", "Freshly edited text."),
    )
    .unwrap();
    let mut result = String::new();
    out.read_line(&mut result).unwrap();
    assert!(node.wait().unwrap().success());
    assert_eq!(result.trim(), "{\"reloaded\":true}");
}

/// A page of another site whose name an attacker makes resolve to 127.0.0.1
/// (DNS rebinding) sends that name as Host: it must not read drafts or the
/// error excerpts of the build.
#[test]
fn serve_answers_only_to_its_own_host_names() {
    let project = copy_fixture("basic");
    let server = start_with(
        project.path(),
        free_port(),
        &["--allow-host", "manuals.test"],
        &[],
    );
    let port = server.port;
    let machine = gethostname::gethostname().to_string_lossy().to_lowercase();
    let refused = [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        "localhost.evil.example".into(),
        "127.0.0.1.evil.example".into(),
        "evil.example.".into(),
        // Bound to loopback, the machine's own name is not one of the server's.
        machine.clone(),
    ];
    for host in &refused {
        for path in ["/__polybook/state", "/en/guide/intro.html", "/"] {
            let r = get_as(port, host, path);
            assert_eq!(r.status, 403, "{host} {path}: {}", r.text());
            assert!(
                r.header("Content-Type").unwrap().starts_with("text/plain"),
                "{host}"
            );
            assert!(r.text().contains("--allow-host"), "{}", r.text());
            assert!(!r.text().contains("\"errors\""), "{}", r.text());
        }
    }
    // The target's own authority counts, not a Host header sent beside it.
    let r = send(
        port,
        "GET http://evil.example/__polybook/state HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 403);
    let accepted = [
        "127.0.0.1".to_string(),
        format!("127.0.0.1:{port}"),
        "localhost".into(),
        format!("LocalHost:{port}"),
        format!("localhost.:{port}"),
        format!("[::1]:{port}"),
        format!("preview.localhost:{port}"),
        "manuals.test".into(),
        format!("manuals.test:{port}"),
    ];
    for host in &accepted {
        let r = get_as(port, host, "/__polybook/state");
        assert_eq!(r.status, 200, "{host}: {}", r.text());
        assert!(r.text().contains("\"errors\""), "{host}");
    }
    let r = send(
        port,
        "GET http://localhost/en/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 200);
    // HTTP/1.1 requires a Host.
    let r = send(port, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(r.status, 400);
    // A loopback server does not warn about the network.
    assert_eq!(get(port, "/").0, 200);
    assert!(
        !server
            .stderr
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("network")),
        "{:?}",
        server.stderr.lock().unwrap()
    );
}

#[test]
fn a_server_bound_beyond_loopback_warns_and_knows_the_machine_name() {
    let project = copy_fixture("basic");
    let server = start_with(
        project.path(),
        free_port(),
        &["--bind", "0.0.0.0", "--allow-host", "Preview.LAN"],
        &[],
    );
    let port = server.port;
    let warning = server.wait_stderr("the warning", |l| {
        l.starts_with("warning:") && l.contains("network")
    });
    assert!(
        warning.contains("0.0.0.0") && warning.contains("drafts") && warning.contains("errors"),
        "{warning}"
    );
    let machine = gethostname::gethostname().to_string_lossy().to_lowercase();
    for host in [
        "127.0.0.1".to_string(),
        format!("localhost:{port}"),
        machine.clone(),
        format!("{machine}:{port}"),
        "preview.lan".into(),
        format!("preview.lan:{port}"),
    ] {
        assert_eq!(get_as(port, &host, "/en/").status, 200, "{host}");
    }
    for host in ["evil.example", "lan", "preview.lan.evil.example"] {
        assert_eq!(get_as(port, host, "/en/").status, 403, "{host}");
    }
}

/// Files and folders whose names start with a dot are never served: the
/// build's own records, or anything else put into the output folder.
#[test]
fn dot_files_and_dot_folders_are_not_served() {
    let project = copy_fixture("basic");
    let server = start(project.path(), free_port());
    let port = server.port;
    let out = project.path().join("output");
    let mut paths: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .map(|n| format!("/{n}"))
        .collect();
    std::fs::create_dir_all(out.join(".hidden")).unwrap();
    std::fs::write(out.join(".hidden/index.html"), "secret").unwrap();
    std::fs::create_dir_all(out.join("en/.cache")).unwrap();
    std::fs::write(out.join("en/.cache/notes.txt"), "secret").unwrap();
    std::fs::write(out.join(".env"), "secret").unwrap();
    paths.extend(
        [
            "/.env",
            "/%2eenv",
            "/.hidden/",
            "/.hidden",
            "/.hidden/index.html",
            "/en/.cache/notes.txt",
            "/en/%2Ecache/notes.txt",
            "/en/./.cache/notes.txt",
        ]
        .map(String::from),
    );
    for path in &paths {
        let r = get_as(port, "127.0.0.1", path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("secret"), "{path}");
    }
    assert_eq!(get(port, "/en/guide/intro.html").0, 200);
}

#[test]
fn only_get_and_head_are_answered_and_folders_get_their_slash() {
    let project = copy_fixture("basic");
    let server = start(project.path(), free_port());
    let port = server.port;
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW"] {
        let r = send(
            port,
            &format!(
                "{method} /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            ),
        );
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("Allow"), Some("GET, HEAD"), "{method}");
    }
    let get = get_as(port, "127.0.0.1", "/en/guide/intro.html");
    let head = send(
        port,
        "HEAD /en/guide/intro.html HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!((get.status, head.status), (200, 200));
    assert_eq!(head.header("Content-Type"), get.header("Content-Type"));
    assert_eq!(
        head.header("Content-Length"),
        Some(get.body.len().to_string().as_str())
    );
    // Nothing follows the head of a HEAD response.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"HEAD /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    assert!(
        raw.ends_with(b"\r\n\r\n"),
        "{}",
        String::from_utf8_lossy(&raw)
    );

    // A folder without its slash: relative links in its index would
    // resolve against the parent folder.
    for (path, to) in [
        ("/en/guide", "/en/guide/"),
        ("/en/guide?lang=x&y=%20", "/en/guide/?lang=x&y=%20"),
        ("/en", "/en/"),
        ("/en/sub%20folder", "/en/sub%20folder/"),
        // Never a link to another host.
        ("//en", "/en/"),
    ] {
        if path.contains("sub%20folder") {
            std::fs::create_dir_all(project.path().join("output/en/sub folder")).unwrap();
            std::fs::write(project.path().join("output/en/sub folder/index.html"), "x").unwrap();
        }
        let r = get_as(port, "127.0.0.1", path);
        assert!(matches!(r.status, 301 | 308), "{path}: {}", r.status);
        assert_eq!(r.header("Location"), Some(to), "{path}");
    }
    assert_eq!(get_as(port, "127.0.0.1", "/en/guide/").status, 200);
    assert_eq!(get_as(port, "127.0.0.1", "/en/nothing").status, 404);
    // A folder without an index is not found, with or without the slash.
    assert_eq!(get_as(port, "127.0.0.1", "/files").status, 404);

    // Keep-alive: the live-reload poll asks again on the same connection.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    for _ in 0..3 {
        stream
            .write_all(b"GET /__polybook/state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
        let r = read_reply(&mut stream, false);
        assert_eq!(r.status, 200);
        assert!(r.text().starts_with("{\"build\":"), "{}", r.text());
    }
    // Two requests sent at once get two responses, in order.
    stream
        .write_all(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    assert_eq!(read_reply(&mut stream, false).status, 200);
    assert_eq!(read_reply(&mut stream, false).status, 404);
}

/// Hundreds of connections that send nothing, or half a request line, hold
/// no thread and do not delay other requests; the server closes them
/// itself after a while.
#[test]
fn half_open_connections_neither_block_requests_nor_keep_threads() {
    let project = copy_fixture("basic");
    let server = start(project.path(), free_port());
    let port = server.port;
    assert_eq!(get(port, "/en/").0, 200);
    let before = server.threads();
    let mut idle: Vec<TcpStream> = (0..300)
        .map(|i| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            if i % 2 == 1 {
                s.write_all(b"GET /en/guide/intro.html HT").unwrap();
            }
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let asked = Instant::now();
    assert_eq!(get(port, "/en/guide/intro.html").0, 200);
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "a request took {:?} beside 300 idle connections",
        asked.elapsed()
    );
    let during = server.threads();
    assert!(
        during <= before + 2,
        "{before} threads before, {during} with 300 idle connections"
    );
    for (i, s) in idle.iter_mut().enumerate() {
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut rest = Vec::new();
        match s.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!("connection {i} was not closed by the server: {e}"),
        }
    }
    drop(idle);
    // A connection kept alive after a response is closed once idle too.
    let mut kept = TcpStream::connect(("127.0.0.1", port)).unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    kept.write_all(b"GET /en/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    assert_eq!(read_reply(&mut kept, false).status, 200);
    let mut rest = Vec::new();
    assert!(kept.read_to_end(&mut rest).is_ok_and(|n| n == 0));
    let after = server.threads();
    assert!(after <= before, "{before} threads before, {after} after");
    assert_eq!(get(port, "/en/").0, 200);
}

/// `--open` opens the address the server listens on, which is not the one
/// asked for when that port is busy.
#[test]
fn open_starts_the_browser_on_the_port_actually_bound() {
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let asked = busy.local_addr().unwrap().port();
    let project = copy_fixture("basic");
    // A stand-in for the desktop's opener, which records what it is given.
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened");
    let opener = bin.path().join("xdg-open");
    std::fs::write(
        &opener,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > '{0}.part' && mv '{0}.part' '{0}'\n",
            opened.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut path = std::ffi::OsString::from(bin.path());
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let server = start_with(project.path(), asked, &["--open"], &[("PATH", path)]);
    assert_ne!(server.port, asked);
    let start = Instant::now();
    while !opened.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "nothing was opened; printed: {:?}",
            server.stderr.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let url = std::fs::read_to_string(&opened).unwrap();
    assert_eq!(url, format!("http://127.0.0.1:{}/", server.port));
    assert_eq!(get(server.port, "/").0, 200);
}

/// Applies one scripted change to the project; `n` picks which.
fn change(root: &std::path::Path, n: u64) {
    let m = root.join("manuals/guide");
    match n % 8 {
        0 => {
            let f = m.join("en/intro.md");
            let t = std::fs::read_to_string(&f).unwrap();
            std::fs::write(&f, format!("{t}\nEdit number {n}.\n")).unwrap();
        }
        1 => {
            // Translate a chapter, then remove the translation again later.
            let f = m.join("ar/risk.md");
            if f.exists() {
                std::fs::remove_file(f).unwrap();
            } else {
                std::fs::write(f, "# خطر\n\n## تهديدات\n\n## خطة\n").unwrap();
            }
        }
        2 => {
            // Rename: a chapter moves to a new id in the contents.
            let toml = m.join("manual.toml");
            let t = std::fs::read_to_string(&toml).unwrap();
            if t.contains("\"sub/deep\"") {
                std::fs::write(&toml, t.replace("\"sub/deep\"", "\"sub/deeper\"")).unwrap();
                std::fs::rename(m.join("en/sub/deep.md"), m.join("en/sub/deeper.md")).unwrap();
            } else {
                std::fs::write(&toml, t.replace("\"sub/deeper\"", "\"sub/deep\"")).unwrap();
                std::fs::rename(m.join("en/sub/deeper.md"), m.join("en/sub/deep.md")).unwrap();
            }
        }
        3 => {
            let f = root.join("i18n/es.ftl");
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, format!("next = Siguiente {n}\n")).unwrap();
        }
        4 => {
            let f = root.join("polybook.toml");
            let t = std::fs::read_to_string(&f).unwrap();
            let t = if t.contains("\"zh\", \"fr\"") {
                t.replace("\"zh\", \"fr\"", "\"zh\"")
            } else {
                t.replace("\"zh\"]", "\"zh\", \"fr\"]")
            };
            std::fs::write(f, t).unwrap();
        }
        5 => override_template(
            root,
            "base.html",
            "<footer class=\"site-footer\">",
            &format!("<footer class=\"site-footer\" data-edit=\"{n}\">"),
        ),
        6 => {
            let f = m.join("media/shield.svg");
            let t = std::fs::read_to_string(&f).unwrap();
            std::fs::write(&f, t.replace("</svg>", &format!("<desc>{n}</desc></svg>"))).unwrap();
        }
        _ => {
            // A broken link, later fixed by the next edit of the same kind.
            let f = m.join("es/risk.md");
            let t = std::fs::read_to_string(&f).unwrap();
            let t = if t.contains("(nowhere.md)") {
                t.replace(" [x](nowhere.md)", "")
            } else {
                format!("{t} [x](nowhere.md)")
            };
            std::fs::write(f, t).unwrap();
        }
    }
}

#[test]
fn output_after_any_sequence_of_edits_equals_a_clean_build() {
    let project = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    build(project.path(), out.path());
    // Every kind of change once, then a pseudo-random sequence.
    let mut seq: Vec<u64> = (0..8).collect();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..24 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        seq.push(x % 1000);
    }
    for (step, n) in seq.into_iter().enumerate() {
        change(project.path(), n);
        build(project.path(), out.path());
        let clean = tempfile::tempdir().unwrap();
        build(project.path(), clean.path());
        let (a, b) = (files(out.path()), files(clean.path()));
        assert_eq!(a, b, "after step {step} (change {n})");
        for f in a {
            assert_eq!(
                std::fs::read(out.path().join(&f)).unwrap(),
                std::fs::read(clean.path().join(&f)).unwrap(),
                "{f} after step {step} (change {n})"
            );
        }
    }
}

/// `polybook build --watch` of `project` into `out` with `args`, and the
/// lines it prints, as they come.
fn watching(
    project: &std::path::Path,
    args: &[&str],
    out: &std::path::Path,
) -> (Child, std::sync::mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(project)
        .args(["build", "--watch"])
        .args(args)
        .arg("--out")
        .arg(out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

#[test]
fn watching_rebuilds_once_per_change_and_never_by_itself() {
    let project = copy_fixture("basic");
    let out = tempfile::tempdir().unwrap();
    let (mut child, rx) = watching(project.path(), &["--no-epub"], out.path());
    let lines = |wait: Duration| -> Vec<String> {
        let until = Instant::now() + wait;
        let mut got = Vec::new();
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(l) => got.push(l),
                Err(_) => break,
            }
        }
        got
    };
    let start = lines(Duration::from_secs(3));
    assert!(start.iter().any(|l| l.starts_with("Watching")), "{start:?}");
    // Building reads every source; reading must not count as a change.
    let idle = lines(Duration::from_secs(3));
    assert!(!idle.iter().any(|l| l.contains("rebuilt")), "{idle:?}");
    let f = project.path().join("manuals/guide/en/intro.md");
    let t = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("{t}\nOne more line.\n")).unwrap();
    let after = lines(Duration::from_secs(4));
    let _ = child.kill();
    let _ = child.wait();
    let rebuilds = after.iter().filter(|l| l.contains("rebuilt")).count();
    assert_eq!(rebuilds, 1, "{after:?}");
    let page = std::fs::read_to_string(out.path().join("en/guide/intro.html")).unwrap();
    assert!(page.contains("One more line."));
}

/// Edits of existing chapter files, the changes live preview redoes in part.
fn edit_chapter(root: &std::path::Path, n: u64) {
    let m = root.join("manuals/guide");
    let rewrite = |rel: &str, f: &dyn Fn(String) -> String| {
        let p = m.join(rel);
        // A full-build change may have renamed the chapter.
        if let Ok(t) = std::fs::read_to_string(&p) {
            std::fs::write(&p, f(t)).unwrap();
        }
    };
    match n % 8 {
        0 => rewrite("en/intro.md", &|t| format!("{t}\nParagraph {n}.\n")),
        // Headings move: links into the chapter are checked again.
        1 => rewrite("en/risk.md", &|t| {
            if t.contains("## Threats\n") {
                t.replace("## Threats\n", "## Threat signs\n")
            } else {
                t.replace("## Threat signs\n", "## Threats\n")
            }
        }),
        // A title set in front matter: navigation in Spanish changes, no
        // anchor does.
        2 => rewrite("es/intro.md", &|t| {
            if t.contains("title = ") {
                t.replace("title = \"Primeros pasos\"\n", "")
            } else {
                t.replacen("+++\n", "+++\ntitle = \"Primeros pasos\"\n", 1)
            }
        }),
        // A link to a missing fragment, then fixed.
        3 => rewrite("es/risk.md", &|t| {
            if t.contains("(intro.md#nowhere)") {
                t.replace(" [y](intro.md#nowhere)", "")
            } else {
                format!("{t} [y](intro.md#nowhere)")
            }
        }),
        4 => rewrite("ar/intro.md", &|t| format!("{t}\nفقرة {n}.\n")),
        // UI strings: Arabic pages change, no Markdown is read again.
        6 => {
            let f = root.join("i18n/ar.ftl");
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, format!("next = التالي {n}\nprevious = السابق\n")).unwrap();
        }
        // A template: every page changes.
        7 => override_template(
            root,
            "chapter.html",
            "<main id=\"main\"",
            &format!("<main data-n=\"{n}\" id=\"main\""),
        ),
        // A new image in a chapter, later removed again.
        _ => rewrite("en/sub/deep.md", &|t| {
            if t.contains("![x](../../media/shield.svg)") {
                t.replace("\n![x](../../media/shield.svg)\n", "")
            } else {
                format!("{t}\n![x](../../media/shield.svg)\n")
            }
        }),
    }
}

/// Every file of a project with its bytes.
fn project_files(
    root: &std::path::Path,
) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// A copy of the basic fixture (kept alive by the first value), its
/// canonical root, an output folder, and build options for the two.
fn session_project() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    tempfile::TempDir,
    polybook::BuildOptions,
) {
    let project = copy_fixture("basic");
    let root = project.path().canonicalize().unwrap();
    let out = tempfile::tempdir().unwrap();
    let opts = polybook::BuildOptions {
        root: root.clone(),
        out: Some(out.path().to_path_buf()),
        ..polybook::BuildOptions::default()
    };
    (project, root, out, opts)
}

/// Every language's status page shows the states of all of them: after an
/// edit that breaks a translation (whose last good version stays served),
/// one that mends it and one that changes its state, each counts what a
/// clean build of the same files counts.
#[test]
fn every_status_page_follows_a_translation_that_breaks_mends_or_changes_state() {
    let (_project, root, out, opts) = session_project();
    let opts = polybook::BuildOptions {
        no_epub: true,
        no_pdf: true,
        ..opts
    };
    let mut session = polybook::build::Session::with_options(&opts).unwrap();
    session.rebuild(&[]).unwrap();
    let langs = ["en", "es", "ar", "zh"];
    let status_pages = |dir: &std::path::Path| -> Vec<String> {
        langs
            .iter()
            .map(|l| read(dir, &format!("{l}/status.html")))
            .collect()
    };
    let clean = || {
        let dir = tempfile::tempdir().unwrap();
        polybook::build(&polybook::BuildOptions {
            out: Some(dir.path().to_path_buf()),
            ..opts.clone()
        })
        .unwrap();
        status_pages(dir.path())
    };
    let first = status_pages(out.path());
    let risk = root.join("manuals/guide/es/risk.md");
    let good = std::fs::read_to_string(&risk).unwrap();
    let page = read(out.path(), "es/guide/risk.html");
    // Broken: front matter that does not parse.
    std::fs::write(&risk, format!("+++\ntitle = \n+++\n{good}")).unwrap();
    session.rebuild(std::slice::from_ref(&risk)).unwrap();
    // The counts are a clean build's; the list of what needs work names
    // the chapter by the title of the version still served.
    let rows = |pages: &[String]| -> Vec<String> {
        pages
            .iter()
            .map(|p| {
                p.split("<tbody>")
                    .nth(1)
                    .unwrap()
                    .split("</tbody>")
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let broken = status_pages(out.path());
    assert!(broken[0].contains("Cannot be read"), "{}", broken[0]);
    assert_eq!(rows(&broken), rows(&clean()));
    assert!(
        broken[1].contains(
            "state-broken\">No se puede leer</span> <a href=\"guide/risk.html\">Riesgo</a>"
        ),
        "{}",
        broken[1]
    );
    assert_eq!(
        read(out.path(), "es/guide/risk.html"),
        page,
        "the last good version stays"
    );
    // Mended.
    std::fs::write(&risk, &good).unwrap();
    session.rebuild(std::slice::from_ref(&risk)).unwrap();
    assert_eq!(status_pages(out.path()), first);
    // Stamped: its state changes from unknown to current.
    let stamped = std::process::Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(&root)
        .args(["stamp", "manuals/guide/es/risk.md"])
        .output()
        .unwrap();
    assert!(stamped.status.success(), "{stamped:?}");
    session.rebuild(std::slice::from_ref(&risk)).unwrap();
    let now = status_pages(out.path());
    assert_ne!(now[0], first[0]);
    assert_eq!(now, clean());
}

#[test]
fn incremental_rebuilds_equal_a_clean_build() {
    let (_project, root, out, opts) = session_project();
    let mut session = polybook::build::Session::with_options(&opts).unwrap();
    session.rebuild(&[]).unwrap();
    // Chapter edits, with now and then a change that needs a full build.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for step in 0..48u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let before = project_files(&root);
        let full_change = step % 9 == 8;
        // Fluent files and templates (kinds 3 and 5 of `change`) take the
        // incremental path too.
        let full = full_change && !matches!((x % 1000) % 8, 3 | 5);
        if full_change {
            change(&root, x % 1000);
        } else {
            edit_chapter(&root, x % 1000);
        }
        let after = project_files(&root);
        let changed: Vec<std::path::PathBuf> = before
            .keys()
            .chain(after.keys())
            .filter(|p| before.get(*p) != after.get(*p))
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let report = session.rebuild(&changed).unwrap();
        session.finish_later().unwrap();
        assert_eq!(
            report.incremental,
            !full && !changed.is_empty(),
            "step {step}: {changed:?}"
        );
        let clean = tempfile::tempdir().unwrap();
        let clean_report = build(&root, clean.path());
        assert_eq!(
            report.diagnostics, clean_report.diagnostics,
            "problems after step {step}"
        );
        let (a, b) = (files(out.path()), files(clean.path()));
        assert_eq!(a, b, "after step {step}");
        for f in a {
            assert!(
                std::fs::read(out.path().join(&f)).unwrap()
                    == std::fs::read(clean.path().join(&f)).unwrap(),
                "{f} differs from a clean build after step {step} (full: {full})"
            );
        }
    }
}

#[test]
fn books_are_made_after_the_pages_are_served() {
    let (_project, root, out, opts) = session_project();
    let book = out.path().join("en/guide/guide-en.epub");
    let pdf = out.path().join("en/guide/guide-en.pdf");
    let mut session = polybook::build::Session::with_options(&opts).unwrap();
    session.rebuild(&[]).unwrap();
    assert!(out.path().join("en/guide/intro.html").exists());
    assert!(
        !book.exists() && !pdf.exists(),
        "a book was made before the pages were served"
    );
    assert!(session.finish_later().unwrap() > 0);
    let first = std::fs::read(&book).unwrap();
    let first_pdf = std::fs::read(&pdf).unwrap();
    // An edit: the page changes at once, the book afterwards.
    let f = root.join("manuals/guide/en/intro.md");
    let t = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("{t}\nLater in the book.\n")).unwrap();
    let report = session.rebuild(&[f]).unwrap();
    assert!(report.incremental);
    let page = std::fs::read_to_string(out.path().join("en/guide/intro.html")).unwrap();
    assert!(page.contains("Later in the book."));
    assert_eq!(
        std::fs::read(&book).unwrap(),
        first,
        "the book changed with the page"
    );
    assert_eq!(std::fs::read(&pdf).unwrap(), first_pdf);
    session.finish_later().unwrap();
    assert_ne!(std::fs::read(&book).unwrap(), first);
    assert_ne!(std::fs::read(&pdf).unwrap(), first_pdf);
}

#[test]
fn serve_rebuilds_on_an_edit_of_a_po_catalogue() {
    let project = copy_fixture("basic");
    let root = project.path();
    // Spanish `intro` comes from its catalogue only.
    std::fs::remove_file(root.join("manuals/guide/es/intro.md")).unwrap();
    let export = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(root)
        .args(["po", "export", "--lang", "es"])
        .output()
        .unwrap();
    assert!(export.status.success());
    for rel in files(&root.join("po")) {
        if rel.ends_with(".po") && rel != "es/guide/intro.po" {
            std::fs::remove_file(root.join("po").join(rel)).unwrap();
        }
    }
    let po = root.join("po/es/guide/intro.po");
    let text = std::fs::read_to_string(&po).unwrap();
    std::fs::write(&po, crate::po::fill(&text, "PO ", &[])).unwrap();
    let server = start(root, free_port());
    let port = server.port;
    wait_for(
        port,
        "/es/guide/intro.html",
        "the page from the catalogue",
        |b| b.contains("PO Read about"),
    );
    let text = std::fs::read_to_string(&po).unwrap();
    std::fs::write(&po, text.replace("msgstr \"PO \"", "msgstr \"Editado \"")).unwrap();
    wait_for(
        port,
        "/es/guide/intro.html",
        "the edit of the catalogue",
        |b| b.contains("Editado Read about") && !b.contains("PO Read about"),
    );
    // An edit of the source remakes the chapter: the changed message is no
    // longer the one translated, so its source text is shown.
    let source = root.join("manuals/guide/en/intro.md");
    let text = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, text.replace("Read about", "Now read about")).unwrap();
    let page = wait_for(port, "/es/guide/intro.html", "the source's edit", |b| {
        b.contains("Now read about")
    });
    assert!(!page.contains("Editado Now read about"), "{page}");
    assert!(page.contains("Editado Keep copies"), "{page}");
    assert!(page.contains("notice partial"), "{page}");
}

/// The highlighted lines of a page's C code block: each line's HTML, as
/// the page holds it.
fn code_lines(out: &std::path::Path, rel: &str) -> Vec<String> {
    let page = std::fs::read_to_string(out.join(rel)).unwrap();
    let start = page.find("<code class=\"language-c\">").expect("a C block");
    let end = start + page[start..].find("</pre>").unwrap();
    page[start..end].lines().map(str::to_string).collect()
}

/// The line of `lines` that shows `text`.
fn line_with<'a>(lines: &'a [String], text: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line shows {text}: {lines:?}"))
}

#[test]
fn highlighted_lines_follow_an_edit_that_changes_the_parser_state_before_them() {
    // Three translations of a C block that share their code lines: lines
    // highlighted once are reused by the other languages. An edit of the
    // Spanish comment that opens a block comment puts the same lines inside
    // the comment in Spanish only; undoing it brings the first HTML back.
    // The builds run in one thread, so that one line cache highlights the
    // blocks of every language (a build gives each thread a share of them).
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    pool.install(highlighted_lines_after_edits);
}

fn highlighted_lines_after_edits() {
    let (_project, root, out, opts) = session_project();
    let guide = root.join("manuals/guide");
    let code = "int count = 1;\nchar *key = \"k\";\n```\n";
    let with_block = |path: &str, comment: &str| {
        let file = guide.join(path);
        let text = std::fs::read_to_string(&file).unwrap();
        let text = match text.find("\n```c\n") {
            Some(at) => text[..at].to_string(),
            None => text.trim_end().to_string(),
        };
        std::fs::write(&file, format!("{text}\n\n```c\n{comment}\n{code}")).unwrap();
        file
    };
    with_block("en/intro.md", "// Check the key first.");
    with_block("ar/intro.md", "// تحقق من المفتاح أولا.");
    let es = with_block("es/intro.md", "// Compruebe la clave primero.");
    let mut session = polybook::build::Session::with_options(&opts).unwrap();
    session.rebuild(&[]).unwrap();
    session.finish_later().unwrap();
    let en_before = code_lines(out.path(), "en/guide/intro.html");
    let es_before = code_lines(out.path(), "es/guide/intro.html");
    let ar_before = code_lines(out.path(), "ar/guide/intro.html");
    for lines in [&en_before, &es_before, &ar_before] {
        assert!(
            line_with(lines, "count").contains("hl-storage"),
            "{lines:?}"
        );
        assert!(
            !line_with(lines, "count").contains("hl-comment"),
            "{lines:?}"
        );
    }
    // The code lines are the same HTML in both languages.
    assert_eq!(
        line_with(&en_before, "count"),
        line_with(&es_before, "count")
    );

    let assert_clean = |what: &str| {
        let clean = tempfile::tempdir().unwrap();
        build(&root, clean.path());
        for page in [
            "en/guide/intro.html",
            "es/guide/intro.html",
            "ar/guide/intro.html",
        ] {
            assert!(
                std::fs::read(out.path().join(page)).unwrap()
                    == std::fs::read(clean.path().join(page)).unwrap(),
                "{what}: {page} differs from a clean build"
            );
        }
    };
    with_block("es/intro.md", "/* Compruebe la clave primero.");
    let report = session.rebuild(std::slice::from_ref(&es)).unwrap();
    session.finish_later().unwrap();
    assert!(report.incremental);
    let es_open = code_lines(out.path(), "es/guide/intro.html");
    for text in ["count", "key"] {
        let line = line_with(&es_open, text);
        assert!(!line.contains("hl-storage"), "{line}");
        assert_ne!(line, line_with(&es_before, text));
    }
    assert!(
        es_open.concat().contains("hl-comment hl-block"),
        "{es_open:?}"
    );
    assert_eq!(code_lines(out.path(), "en/guide/intro.html"), en_before);
    assert_clean("after the comment was opened");

    with_block("es/intro.md", "// Compruebe la clave primero.");
    session.rebuild(std::slice::from_ref(&es)).unwrap();
    session.finish_later().unwrap();
    assert_eq!(code_lines(out.path(), "es/guide/intro.html"), es_before);
    assert_clean("after the edit was undone");

    // A one-off build after the same edit, with the previous build's
    // output and state in place, follows it too.
    with_block("es/intro.md", "/* Compruebe la clave primero.");
    let again = build(&root, out.path());
    assert!(!again.unchanged);
    assert_eq!(code_lines(out.path(), "es/guide/intro.html"), es_open);
    assert_eq!(code_lines(out.path(), "en/guide/intro.html"), en_before);
    assert_eq!(code_lines(out.path(), "ar/guide/intro.html"), ar_before);
    assert_clean("after a one-off build");
}

/// Source folders made while watching (here `po/`, the first catalogue of
/// a project) are watched from then on: a catalogue written into the new
/// folder is built, and so is its next edit.
#[test]
fn watching_sees_a_source_folder_made_after_it_began() {
    // A filled catalogue of one chapter, exported from another copy.
    let other = copy_fixture("basic");
    let exported = Command::new(env!("CARGO_BIN_EXE_polybook"))
        .arg("-C")
        .arg(other.path())
        .args(["po", "export", "--lang", "zh"])
        .output()
        .unwrap();
    assert!(exported.status.success(), "{exported:?}");
    let template = std::fs::read_to_string(other.path().join("po/zh/guide/intro.po")).unwrap();
    let project = copy_fixture("basic");
    assert!(!project.path().join("po").exists());
    let out = tempfile::tempdir().unwrap();
    let (mut child, rx) = watching(
        project.path(),
        &["--no-epub", "--no-pdf", "--lang", "en,zh"],
        out.path(),
    );
    // Waits until a line has `what` in it, for at most 10 s.
    let wait_for = |what: &str| -> Vec<String> {
        lines_until(&rx, what, Duration::from_secs(10))
            .unwrap_or_else(|got| panic!("no line with `{what}` in {got:?}"))
    };
    wait_for("Built ");
    let page = out.path().join("zh/guide/intro.html");
    let shows = |text: &str| std::fs::read_to_string(&page).unwrap().contains(text);
    assert!(!shows("ZH1 Introduction"));
    let po = project.path().join("po/zh/guide");
    std::fs::create_dir_all(&po).unwrap();
    wait_for("rebuilt");
    for n in 1..=2 {
        let filled = crate::po::fill(&template, &format!("ZH{n} "), &[]);
        std::fs::write(po.join("intro.po"), filled).unwrap();
        let lines = wait_for("rebuilt");
        assert!(shows(&format!("ZH{n} Introduction")), "edit {n}: {lines:?}");
    }
    let _ = child.kill();
    let _ = child.wait();
}
