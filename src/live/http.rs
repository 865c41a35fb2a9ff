//! The HTTP/1.1 server under `serve`: one thread holds every connection and
//! waits on all of them at once (mio), a fixed pool of workers turns each
//! complete request into a response.
//!
//! Nothing a client does can take a thread or much memory: request heads
//! are read without blocking, with a size limit and deadlines; workers only
//! ever see complete requests; responses are written without blocking, with
//! a deadline on progress. When too many connections are open, the one that
//! has waited longest for a request is closed to make room for a new one.
//!
//! A connection goes through these states: waiting for a request head
//! (until an idle deadline, then a head deadline once its first byte came)
//! -> handled by a worker -> writing the response -> waiting again
//! (keep-alive), or closing. Only requests without a body are expected: one
//! that declares a body is answered, then its connection is closed.

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token, Waker};

/// How much a server lets its clients take.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Worker threads, which make responses.
    pub workers: usize,
    /// Open connections at most; beyond, the one waiting longest is closed.
    pub connections: usize,
    /// Bytes of a request head at most (request line and header fields).
    pub head_bytes: usize,
    /// How long a connection may wait before sending a request: a new one,
    /// or one kept alive after a response.
    pub idle: Duration,
    /// How long a request head may take from its first byte.
    pub head: Duration,
    /// How long writing a response may go on without progress.
    pub write: Duration,
    /// How long a closing connection is read from, so that the client gets
    /// the last response before the connection is torn down.
    pub linger: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            workers: 4,
            connections: 512,
            // Browsers send every cookie of `localhost` to every port, and
            // other local servers can set many.
            head_bytes: 32 * 1024,
            idle: Duration::from_secs(10),
            head: Duration::from_secs(10),
            write: Duration::from_secs(10),
            linger: Duration::from_secs(2),
        }
    }
}

/// A complete request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path and query, as sent (percent-encoded); always starts with `/`.
    pub target: String,
    /// The authority of an absolute target, else the Host header field.
    pub host: Option<String>,
    /// The address of this machine that the connection came to.
    pub local: SocketAddr,
}

/// A response to write; its length, date and connection fields are added
/// when it is written.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_string())],
            body: body.into(),
        }
    }

    /// A short plain-text response.
    pub fn text(status: u16, body: impl Into<String>) -> Self {
        Response::new(status, "text/plain; charset=utf-8", body.into())
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// What makes responses; called from the worker threads.
pub type Handler<'a> = dyn Fn(&Request) -> Response + Sync + 'a;

const LISTENER: Token = Token(0);
const WAKER: Token = Token(1);
/// The longest the server waits before it checks deadlines and `stop`.
const TICK: Duration = Duration::from_millis(200);
/// More header fields than browsers ever send.
const MAX_FIELDS: usize = 64;
/// Bytes read from a closing connection at most each time it is ready.
const DRAIN_BYTES: usize = 64 * 1024;

/// Serves connections of `listener` with `handler` until `stop` returns true.
pub fn run(
    listener: std::net::TcpListener,
    limits: &Limits,
    handler: &Handler<'_>,
    stop: &dyn Fn() -> bool,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut listener = TcpListener::from_std(listener);
    let poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let waker = Waker::new(poll.registry(), WAKER)?;
    let (jobs, queue) = channel::<Job>();
    let queue = Mutex::new(queue);
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for n in 0..limits.workers.max(1) {
            let (queue, done, waker) = (&queue, &done, &waker);
            std::thread::Builder::new()
                .name(format!("serve-{n}"))
                .spawn_scoped(scope, move || work(queue, done, waker, handler))?;
        }
        let mut reactor = Reactor {
            poll,
            listener,
            conns: HashMap::new(),
            next: WAKER.0 + 1,
            jobs,
            done: &done,
            limits,
            accept_paused: false,
        };
        // Dropping the reactor drops the sender of jobs, which ends the
        // workers; the scope waits for them.
        reactor.run(stop)
    })
}

/// A request handed to a worker.
struct Job {
    token: Token,
    request: Request,
    head_only: bool,
    keep_alive: bool,
}

/// A response made by a worker, ready to write.
struct Done {
    token: Token,
    bytes: Vec<u8>,
    keep_alive: bool,
}

fn work(queue: &Mutex<Receiver<Job>>, done: &Mutex<Vec<Done>>, waker: &Waker, handler: &Handler) {
    loop {
        // One worker at a time waits on the queue; the others on the lock.
        let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
        let Ok(job) = job else {
            return;
        };
        let response = std::panic::catch_unwind(AssertUnwindSafe(|| handler(&job.request)))
            .unwrap_or_else(|_| Response::text(500, "The server failed to make this page.\n"));
        let bytes = serialise(&response, job.head_only, job.keep_alive);
        done.lock().unwrap_or_else(|e| e.into_inner()).push(Done {
            token: job.token,
            bytes,
            keep_alive: job.keep_alive,
        });
        // The reactor also looks for finished responses at every tick.
        let _ = waker.wake();
    }
}

/// The bytes of a response: status line, fields, and the body unless the
/// request was `HEAD`.
fn serialise(response: &Response, head_only: bool, keep_alive: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + response.body.len());
    let date = jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&jiff::Timestamp::now())
        .unwrap_or_default();
    // Writing to a vector cannot fail.
    let _ = write!(
        out,
        "HTTP/1.1 {} {}\r\nDate: {date}\r\nContent-Length: {}\r\n",
        response.status,
        reason(response.status),
        response.body.len()
    );
    for (name, value) in &response.headers {
        let _ = write!(out, "{name}: {value}\r\n");
    }
    if !keep_alive {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !head_only {
        out.extend_from_slice(&response.body);
    }
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// What the bytes received so far hold.
#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    /// Not a whole head yet.
    Partial,
    /// A request whose head takes the first `len` bytes.
    Complete {
        request: Request,
        len: usize,
        head_only: bool,
        keep_alive: bool,
    },
    /// Not a request that can be answered: the status and why.
    Bad(u16, &'static str),
}

/// Reads a request head from the start of `input`.
fn parse(input: &[u8], local: SocketAddr) -> Parsed {
    let mut fields = [httparse::EMPTY_HEADER; MAX_FIELDS];
    let mut head = httparse::Request::new(&mut fields);
    let len = match head.parse(input) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Parsed::Partial,
        Err(httparse::Error::TooManyHeaders) => {
            return Parsed::Bad(431, "The request has too many header fields.\n");
        }
        Err(httparse::Error::Version) => {
            return Parsed::Bad(505, "Only HTTP/1.0 and HTTP/1.1 are spoken here.\n");
        }
        Err(_) => return Parsed::Bad(400, "The request is malformed.\n"),
    };
    let (Some(method), Some(target), Some(version)) = (head.method, head.path, head.version) else {
        return Parsed::Bad(400, "The request is malformed.\n");
    };
    let mut host = None;
    let mut close = version == 0;
    let mut body = false;
    for field in head.headers.iter() {
        let name = field.name;
        if name.eq_ignore_ascii_case("host") {
            let Ok(value) = std::str::from_utf8(field.value) else {
                return Parsed::Bad(400, "The Host header field is not text.\n");
            };
            if host.is_some() {
                return Parsed::Bad(400, "The request has more than one Host header field.\n");
            }
            host = Some(value.trim().to_string());
        } else if name.eq_ignore_ascii_case("connection") {
            close |= field
                .value
                .split(|&b| b == b',')
                .any(|t| t.trim_ascii().eq_ignore_ascii_case(b"close"));
        } else if name.eq_ignore_ascii_case("content-length") {
            body |= field.value.trim_ascii() != b"0";
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            body = true;
        }
    }
    // The absolute form names the host in the target, and that name is
    // the one that counts (RFC 9112, section 3.2.2).
    let (target, host) = if target.starts_with('/') {
        (target.to_string(), host)
    } else if let Some((authority, path)) = absolute_form(target) {
        (path, Some(authority.to_string()))
    } else {
        return Parsed::Bad(400, "The request target must be a path.\n");
    };
    Parsed::Complete {
        request: Request {
            method: method.to_string(),
            target,
            host,
            local,
        },
        len,
        head_only: method == "HEAD",
        // The connection cannot be reused after a body this server does
        // not read.
        keep_alive: !close && !body,
    }
}

/// The authority and the path (with its query) of an absolute target such
/// as `http://localhost:8000/en/?q`.
fn absolute_form(target: &str) -> Option<(&str, String)> {
    let (scheme, rest) = target.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    Some((authority, path))
}

/// One client connection.
struct Conn {
    stream: TcpStream,
    local: SocketAddr,
    /// Bytes received and not parsed yet: the start of the next request.
    input: Vec<u8>,
    /// The response being written, and how much of it went out.
    output: Vec<u8>,
    sent: usize,
    state: State,
    /// When the connection entered its state; when too many are open, the
    /// one that has waited longest is closed.
    since: Instant,
    /// When the connection is closed unless it moved on.
    deadline: Instant,
    /// The client will send nothing more.
    peer_closed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for a request head, or the rest of one.
    Reading,
    /// A worker is making the response.
    Handling,
    /// Writing a response; then waiting for the next request or closing.
    Writing { keep_alive: bool },
    /// The last response is out and the connection shut for writing; what
    /// the client still sends is read and dropped, because closing with
    /// unread bytes would reset the connection, and the client could lose
    /// the response.
    Closing,
}

/// What reading a connection gave.
enum Head {
    Incomplete,
    Complete(Job),
    Bad(u16, &'static str),
    Gone,
}

/// What writing a connection gave.
enum Progress {
    Blocked,
    Done,
    Failed,
}

impl Conn {
    fn read_head(&mut self, token: Token, limits: &Limits, now: Instant) -> Head {
        loop {
            // A request may have come with the previous one.
            match parse(&self.input, self.local) {
                Parsed::Complete {
                    request,
                    len,
                    head_only,
                    keep_alive,
                } => {
                    self.input.drain(..len);
                    return Head::Complete(Job {
                        token,
                        request,
                        head_only,
                        keep_alive: keep_alive && !self.peer_closed,
                    });
                }
                Parsed::Bad(status, why) => return Head::Bad(status, why),
                Parsed::Partial => {}
            }
            if self.input.len() >= limits.head_bytes {
                return Head::Bad(431, "The request head is too large.\n");
            }
            if self.peer_closed {
                return Head::Gone;
            }
            let mut chunk = [0u8; 4096];
            let room = (limits.head_bytes - self.input.len()).min(chunk.len());
            match self.stream.read(&mut chunk[..room]) {
                Ok(0) => self.peer_closed = true,
                Ok(n) => {
                    if self.input.is_empty() {
                        self.deadline = now + limits.head;
                    }
                    self.input.extend_from_slice(&chunk[..n]);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Head::Incomplete,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Head::Gone,
            }
        }
    }

    fn write(&mut self, limits: &Limits, now: Instant) -> Progress {
        while self.sent < self.output.len() {
            match self.stream.write(&self.output[self.sent..]) {
                Ok(0) => return Progress::Failed,
                Ok(n) => {
                    self.sent += n;
                    self.deadline = now + limits.write;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Progress::Blocked,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Progress::Failed,
            }
        }
        self.output = Vec::new();
        self.sent = 0;
        Progress::Done
    }

    /// Reads and drops what a closing connection receives; false once the
    /// client closed too.
    fn drain(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        let mut read = 0;
        while read < DRAIN_BYTES {
            match self.stream.read(&mut chunk) {
                Ok(0) => return false,
                Ok(n) => read += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        true
    }

    fn start_writing(&mut self, bytes: Vec<u8>, keep_alive: bool, limits: &Limits, now: Instant) {
        self.output = bytes;
        self.sent = 0;
        self.state = State::Writing {
            keep_alive: keep_alive && !self.peer_closed,
        };
        self.deadline = now + limits.write;
    }

    fn wait_for_request(&mut self, limits: &Limits, now: Instant) {
        self.state = State::Reading;
        self.since = now;
        self.deadline = now
            + if self.input.is_empty() {
                limits.idle
            } else {
                limits.head
            };
    }

    fn start_closing(&mut self, limits: &Limits, now: Instant) {
        let _ = self.stream.shutdown(Shutdown::Write);
        self.state = State::Closing;
        self.since = now;
        self.deadline = now + limits.linger;
    }
}

struct Reactor<'a> {
    poll: Poll,
    listener: TcpListener,
    conns: HashMap<Token, Conn>,
    /// The token of the next connection. Tokens are never reused, so that a
    /// response finished for a connection that is gone cannot reach another.
    next: usize,
    jobs: Sender<Job>,
    done: &'a Mutex<Vec<Done>>,
    limits: &'a Limits,
    /// Connections wait in the listen queue until one can be taken.
    accept_paused: bool,
}

impl Reactor<'_> {
    fn run(&mut self, stop: &dyn Fn() -> bool) -> std::io::Result<()> {
        let mut events = Events::with_capacity(256);
        while !stop() {
            match self.poll.poll(&mut events, Some(TICK)) {
                Ok(()) => {}
                // A signal, such as Ctrl-C: `stop` says what to do.
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
            let now = Instant::now();
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept(now),
                    // Finished responses are taken below in any case.
                    WAKER => {}
                    token => self.drive(token, now),
                }
            }
            self.take_responses(now);
            if self.accept_paused {
                self.accept(now);
            }
            self.expire(Instant::now());
        }
        Ok(())
    }

    fn accept(&mut self, now: Instant) {
        self.accept_paused = false;
        loop {
            if self.conns.len() >= self.limits.connections && !self.evict() {
                self.accept_paused = true;
                return;
            }
            match self.listener.accept() {
                Ok((mut stream, _)) => {
                    let token = Token(self.next);
                    self.next += 1;
                    let Ok(local) = stream.local_addr() else {
                        continue;
                    };
                    // Registered for both at once: readiness is reported
                    // on changes only, and each state reads or writes
                    // until the socket would block.
                    if self
                        .poll
                        .registry()
                        .register(&mut stream, token, Interest::READABLE | Interest::WRITABLE)
                        .is_err()
                    {
                        continue;
                    }
                    let _ = stream.set_nodelay(true);
                    self.conns.insert(
                        token,
                        Conn {
                            stream,
                            local,
                            input: Vec::new(),
                            output: Vec::new(),
                            sent: 0,
                            state: State::Reading,
                            since: now,
                            deadline: now + self.limits.idle,
                            peer_closed: false,
                        },
                    );
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return,
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::Interrupted | ErrorKind::ConnectionAborted
                    ) => {}
                // Out of file descriptors, most likely: make room, and try
                // again at the next tick.
                Err(_) => {
                    self.evict();
                    self.accept_paused = true;
                    return;
                }
            }
        }
    }

    /// Closes the connection that has waited longest for a request (or to
    /// close); false when every connection is busy with a response.
    fn evict(&mut self) -> bool {
        let oldest = self
            .conns
            .iter()
            .filter(|(_, c)| matches!(c.state, State::Reading | State::Closing))
            .min_by_key(|(_, c)| c.since)
            .map(|(t, _)| *t);
        match oldest {
            Some(token) => {
                self.close(token);
                true
            }
            None => false,
        }
    }

    /// Moves a connection on as far as it goes without blocking.
    fn drive(&mut self, token: Token, now: Instant) {
        let limits = self.limits;
        let Some(conn) = self.conns.get_mut(&token) else {
            return;
        };
        let keep = loop {
            match conn.state {
                State::Reading => match conn.read_head(token, limits, now) {
                    Head::Incomplete => break true,
                    Head::Gone => break false,
                    Head::Complete(job) => {
                        conn.state = State::Handling;
                        break self.jobs.send(job).is_ok();
                    }
                    Head::Bad(status, why) => {
                        let bytes = serialise(&Response::text(status, why), false, false);
                        conn.start_writing(bytes, false, limits, now);
                    }
                },
                State::Handling => break true,
                State::Writing { keep_alive } => match conn.write(limits, now) {
                    Progress::Blocked => break true,
                    Progress::Failed => break false,
                    Progress::Done if keep_alive => conn.wait_for_request(limits, now),
                    Progress::Done => conn.start_closing(limits, now),
                },
                State::Closing => break conn.drain(),
            }
        };
        if !keep {
            self.close(token);
        }
    }

    fn take_responses(&mut self, now: Instant) {
        let done = std::mem::take(&mut *self.done.lock().unwrap_or_else(|e| e.into_inner()));
        for response in done {
            if let Some(conn) = self.conns.get_mut(&response.token) {
                conn.start_writing(response.bytes, response.keep_alive, self.limits, now);
                self.drive(response.token, now);
            }
        }
    }

    /// Closes the connections past their deadline.
    fn expire(&mut self, now: Instant) {
        let late: Vec<Token> = self
            .conns
            .iter()
            .filter(|(_, c)| c.state != State::Handling && c.deadline <= now)
            .map(|(t, _)| *t)
            .collect();
        for token in late {
            self.close(token);
        }
    }

    fn close(&mut self, token: Token) {
        if let Some(mut conn) = self.conns.remove(&token) {
            let _ = self.poll.registry().deregister(&mut conn.stream);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local() -> SocketAddr {
        "127.0.0.1:8000".parse().unwrap()
    }

    fn complete(raw: &str) -> (Request, usize, bool, bool) {
        match parse(raw.as_bytes(), local()) {
            Parsed::Complete {
                request,
                len,
                head_only,
                keep_alive,
            } => (request, len, head_only, keep_alive),
            other => panic!("{raw:?}: {other:?}"),
        }
    }

    #[test]
    fn heads_are_read_with_their_host_and_connection() {
        let raw = "GET /en/?q=1 HTTP/1.1\r\nHost: localhost:8000\r\n\r\nGET /";
        let (r, len, head_only, keep_alive) = complete(raw);
        assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/en/?q=1"));
        assert_eq!(r.host.as_deref(), Some("localhost:8000"));
        assert_eq!(&raw[len..], "GET /");
        assert!(!head_only && keep_alive);
        let (_, _, head_only, keep_alive) =
            complete("HEAD / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n");
        assert!(head_only && !keep_alive);
        // HTTP/1.0 connections close; so do those of requests with a body.
        assert!(!complete("GET / HTTP/1.0\r\n\r\n").3);
        assert!(!complete("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc").3);
        assert!(complete("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").3);
        assert!(!complete("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n").3);
    }

    #[test]
    fn an_absolute_target_names_the_host() {
        let (r, ..) = complete("GET http://evil.example HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert_eq!(
            (r.target.as_str(), r.host.as_deref()),
            ("/", Some("evil.example"))
        );
        let (r, ..) = complete("GET HTTP://a:1?x HTTP/1.1\r\n\r\n");
        assert_eq!((r.target.as_str(), r.host.as_deref()), ("/?x", Some("a:1")));
        for target in ["*", "en/", "ftp://a/", "http:///x", "http://u@a/"] {
            let raw = format!("GET {target} HTTP/1.1\r\nHost: a\r\n\r\n");
            assert!(
                matches!(parse(raw.as_bytes(), local()), Parsed::Bad(400, _)),
                "{target}"
            );
        }
    }

    #[test]
    fn partial_and_bad_heads() {
        assert_eq!(parse(b"", local()), Parsed::Partial);
        assert_eq!(parse(b"GET /en/ HT", local()), Parsed::Partial);
        assert_eq!(
            parse(b"GET / HTTP/1.1\r\nHost: a\r\n", local()),
            Parsed::Partial
        );
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", local()),
            Parsed::Bad(400, _)
        ));
        assert!(matches!(
            parse(b"GET\0/ HTTP/1.1\r\n\r\n", local()),
            Parsed::Bad(400, _)
        ));
        let many: String = (0..100).map(|n| format!("X-{n}: y\r\n")).collect();
        let raw = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert!(matches!(
            parse(raw.as_bytes(), local()),
            Parsed::Bad(431, _)
        ));
    }

    #[test]
    fn responses_carry_their_length_and_a_head_has_no_body() {
        let r = Response::text(404, "gone").header("Allow", "GET, HEAD");
        let full = String::from_utf8(serialise(&r, false, true)).unwrap();
        assert!(
            full.starts_with("HTTP/1.1 404 Not Found\r\nDate: "),
            "{full}"
        );
        assert!(
            full.contains("\r\nContent-Length: 4\r\n") && full.contains("\r\nAllow: GET, HEAD\r\n")
        );
        assert!(full.ends_with("\r\n\r\ngone") && !full.contains("Connection: close"));
        let head = String::from_utf8(serialise(&r, true, false)).unwrap();
        assert!(head.contains("\r\nContent-Length: 4\r\n"));
        assert!(head.ends_with("Connection: close\r\n\r\n"), "{head}");
    }
}
