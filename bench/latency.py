#!/usr/bin/env python3
"""Edit-to-updated-output latency of live preview.

    python3 bench/latency.py [--langs 16] [--chapters 400] [--edits 10] [--mode serve|watch]
                             [--polybook PATH] [--hugo] [--zola]

Generates the corpus once with gen_corpus.py under $TMPDIR/polybook-bench/LANGSxCHAPTERS
(or reuses it), then for each tool:

1. starts it in a process group of its own: `polybook serve --no-epub` (--mode serve,
   the page is read over HTTP) or `polybook build --watch --no-epub` (--mode watch, the
   output file is read), writing to a private output folder;
2. waits until the middle chapter of a non-source language is served (startup time);
3. for each edit (--warmup, default 1, not counted, then --edits): rewrites that
   chapter's Markdown in place, as an editor saving, with one more paragraph holding a
   token never used before, polls the page every --poll seconds until the token is
   in it, and records the time from the start of the write to the token seen; then
   waits --settle seconds (at least as long as the edit took) so trailing rebuilds and
   debounce windows close before the next edit;
4. stops the process group and restores the file (content and times), also after an
   error or Ctrl-C.

Prints each edit, then min/median/max per tool and each peer's median over
polybook's. The latency includes each tool's file-watcher debounce. Hugo and Zola
(--hugo, --zola; when installed) are measured the same way on the same corpus laid
out for them by the adapters in bench/bench.py, when it has them.
Standard library only; figures, not assertions.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class Stop(Exception):
    """Raised by SIGTERM so that cleanup runs as for Ctrl-C."""


def on_sigterm(*_):
    raise Stop("terminated")


# ------------------------------------------------------------------ corpus

def corpus_dir(a):
    if a.corpus:
        return os.path.abspath(a.corpus)
    return os.path.join(tempfile.gettempdir(), "polybook-bench", f"{a.langs}x{a.chapters}")


def ensure_corpus(a):
    root = corpus_dir(a)
    if not os.path.exists(os.path.join(root, "polybook.toml")):
        print(f"generating {root} ...", flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--langs", str(a.langs),
                        "--chapters", str(a.chapters), "--out", root], check=True)
    return root


def project_languages(root):
    """(source language, published languages) from polybook.toml."""
    with open(os.path.join(root, "polybook.toml"), encoding="utf-8") as f:
        text = f.read()
    try:
        import tomllib
        conf = tomllib.loads(text)
        source = conf.get("source_language", "en")
        langs = [l if isinstance(l, str) else l.get("code") for l in conf.get("languages", [])]
    except ImportError:  # Python < 3.11: the generated file is simple enough
        m = re.search(r'^source_language\s*=\s*"([^"]+)"', text, re.M)
        source = m.group(1) if m else "en"
        m = re.search(r"^languages\s*=\s*\[([^\]]*)\]", text, re.M)
        langs = re.findall(r'"([^"]+)"', m.group(1)) if m else []
    return source, langs


def pick_target(root, a):
    """The manual, language and chapter to edit: the middle chapter of the first
    manual in a non-source language (or the ones asked for)."""
    source, langs = project_languages(root)
    lang = a.lang or next((l for l in langs if l != source), source)
    manuals = sorted(d for d in os.listdir(os.path.join(root, "manuals"))
                     if os.path.isdir(os.path.join(root, "manuals", d)))
    if not manuals:
        sys.exit(f"{root}: no manuals")
    manual = a.manual or manuals[0]
    folder = os.path.join(root, "manuals", manual, lang)
    chapters = sorted(f[:-3] for f in os.listdir(folder) if f.endswith(".md"))
    if not chapters:
        sys.exit(f"{folder}: no chapters")
    chapter = a.chapter or chapters[(len(chapters) - 1) // 2]
    return {"source": source, "lang": lang, "manual": manual, "chapter": chapter,
            "file": os.path.join(folder, chapter + ".md")}


# ------------------------------------------------------------------ polling

def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError, ValueError):
        return None


def read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ one tool

class Tool:
    """How to run one live-preview command and where to see the edited page.

    `url` may contain {port}: the port is then read from the log with `port_re`
    when the tool chose another one than asked for."""

    def __init__(self, name, cmd, cwd, edit, url=None, file=None, port_re=None, env=None):
        self.name, self.cmd, self.cwd, self.edit = name, cmd, cwd, edit
        self.url, self.file, self.port_re, self.env = url, file, port_re, env


def stop_group(proc):
    """Stops the process group of proc: SIGINT (as Ctrl-C), then SIGTERM, then SIGKILL."""
    for sig, wait in ((signal.SIGINT, 5), (signal.SIGTERM, 3), (signal.SIGKILL, 3)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            pass
    # Children that outlived the leader.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def measure(tool, a, log_path):
    """Runs tool, edits its file, returns a result dict (partial on error)."""
    res = {"name": tool.name, "cmd": tool.cmd, "startup_s": None, "latencies_s": [], "error": None}
    with open(tool.edit, "rb") as f:
        original = f.read()
    st = os.stat(tool.edit)
    text = original.decode("utf-8")
    log = open(log_path, "wb")
    print(f"{tool.name}: {shlex.join(tool.cmd)}  (log: {log_path})", flush=True)
    t_start = time.perf_counter()
    proc = subprocess.Popen(tool.cmd, cwd=tool.cwd, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, **(tool.env or {})})
    url = tool.url

    def get():
        return fetch(url) if url else read_text(tool.file)

    try:
        # Startup: until the page is there and complete.
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"exited with status {proc.returncode} before serving; see {log_path}")
            if tool.port_re and "{port}" in (tool.url or ""):
                m = re.search(tool.port_re, read_text(log_path) or "")
                url = tool.url.format(port=m.group(1)) if m else None
            body = get() if url or tool.file else None
            if body and "</html>" in body:
                res["startup_s"] = time.perf_counter() - t_start
                break
            if time.perf_counter() - t_start > a.ready_timeout:
                raise RuntimeError(f"not ready after {a.ready_timeout:.0f} s; see {log_path}")
            time.sleep(0.05)
        res["url"], res["file"] = url, tool.file
        print(f"{tool.name}: ready after {res['startup_s']:.2f} s", flush=True)
        time.sleep(a.settle)
        for i in range(a.warmup + a.edits):
            token = f"pbedit{i}q{os.getpid()}q{os.urandom(4).hex()}"
            new = text.rstrip("\n") + f"\n\nEdit marker {token}.\n"
            t0 = time.perf_counter()
            with open(tool.edit, "w", encoding="utf-8") as f:  # in place, like an editor saving
                f.write(new)
            while True:
                body = get()
                if body and token in body:
                    dt = time.perf_counter() - t0
                    break
                if proc.poll() is not None:
                    raise RuntimeError(f"exited with status {proc.returncode} during edit {i}; see {log_path}")
                if time.perf_counter() - t0 > a.edit_timeout:
                    raise RuntimeError(f"edit {i} not seen after {a.edit_timeout:.0f} s")
                time.sleep(a.poll)
            warm = i < a.warmup
            print(f"{tool.name}: {'warm-up' if warm else 'edit'} {i}: {dt * 1000:.0f} ms", flush=True)
            if not warm:
                res["latencies_s"].append(dt)
            time.sleep(max(a.settle, dt))
    except (KeyboardInterrupt, Stop):
        res["error"] = "interrupted"
        res["interrupted"] = True
    except Exception as e:  # report what there is
        res["error"] = str(e)
    finally:
        # No second Ctrl-C may leave the server running or the file edited.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            stop_group(proc)
            log.close()
            with open(tool.edit, "wb") as f:
                f.write(original)
            os.utime(tool.edit, ns=(st.st_atime_ns, st.st_mtime_ns))
        finally:
            signal.signal(signal.SIGINT, previous)
    lat = res["latencies_s"]
    if lat:
        res.update(min_s=min(lat), median_s=statistics.median(lat), max_s=max(lat))
    if res["error"]:
        print(f"{tool.name}: ERROR {res['error']}", flush=True)
    return res


# ------------------------------------------------------------------ tools

def polybook_tool(a, corpus, target, workdir):
    exe = a.polybook or os.path.join(REPO, "target", "release", "polybook")
    if not os.path.exists(exe):
        print("building target/release/polybook ...", flush=True)
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    out = os.path.join(workdir, f"polybook-{a.mode}")
    shutil.rmtree(out, ignore_errors=True)  # readiness then means this run's first build
    page = f"{target['lang']}/{target['manual']}/{target['chapter']}.html"
    extra = shlex.split(a.polybook_args)
    if a.mode == "serve":
        port = a.port or free_port()
        cmd = [exe, "-C", corpus, "serve", "--port", str(port), "--no-epub", "--out", out] + extra
        return Tool("polybook serve", cmd, corpus, target["file"],
                    url=f"http://127.0.0.1:{{port}}/{page}", port_re=r"http://127\.0\.0\.1:(\d+)/")
    cmd = [exe, "-C", corpus, "build", "--watch", "--no-epub", "--out", out] + extra
    return Tool("polybook build --watch", cmd, corpus, target["file"], file=os.path.join(out, page))


def load_adapters():
    """bench/bench.py, whose layout_hugo / layout_zola lay the corpus out for the peers."""
    sys.path.insert(0, HERE)
    sys.dont_write_bytecode = True  # no __pycache__ in the repository
    try:
        import bench  # bench/bench.py
    except Exception as e:  # an old or broken bench.py: run polybook alone
        print(f"bench/bench.py cannot be imported ({e}); no peer layouts", flush=True)
        return None
    finally:
        sys.path.pop(0)
    return bench


def peer_tool(name, corpus, target, workdir):
    """A Tool for hugo or zola, or None with a message when it cannot be measured."""
    exe = shutil.which(name)
    if not exe:
        print(f"--{name}: `{name}` is not installed (not on PATH); skipped", flush=True)
        return None
    bench = load_adapters()
    layout = getattr(bench, f"layout_{name}", None) if bench else None
    if layout is None or not hasattr(bench, "Corpus"):
        print(f"--{name}: not supported: bench/bench.py has no `layout_{name}` adapter "
              f"to lay the corpus out for {name}; skipped", flush=True)
        return None
    version = bench.tool_version(name, exe) if hasattr(bench, "tool_version") else ""
    site = os.path.join(workdir, name)
    shutil.rmtree(site, ignore_errors=True)
    print(f"--{name}: laying the corpus out under {site} ...", flush=True)
    try:
        layout(bench.Corpus(corpus), site, version)
    except Exception as e:  # the adapters changed under us
        print(f"--{name}: bench.py's layout_{name} failed ({type(e).__name__}: {e}); skipped", flush=True)
        return None
    # Where the adapters put a chapter and where the tool serves it: Hugo has
    # content/CHAPTER.LANG.md for every language, Zola no suffix for its default
    # language; both serve a language's pages under /LANG/CHAPTER/.
    lang, chapter = target["lang"], target["chapter"]
    suffix = "" if name == "zola" and lang == target["source"] else "." + lang
    edit = os.path.join(site, "content", f"{chapter}{suffix}.md")
    if not os.path.exists(edit):
        print(f"--{name}: the layout did not put the chapter at {edit}; skipped", flush=True)
        return None
    path = f"{chapter}/" if name == "zola" and lang == target["source"] else f"{lang}/{chapter}/"
    port = free_port()
    if name == "hugo":
        cmd = [exe, "server", "--source", site, "--port", str(port), "--bind", "127.0.0.1"]
        port_re = r"available at http://[^:/]+:(\d+)/"
    else:
        cmd = [exe, "--root", site, "serve", "--port", str(port), "--interface", "127.0.0.1"]
        port_re = r"http://127\.0\.0\.1:(\d+)"
    return Tool(f"{name} serve ({version})" if version else f"{name} serve", cmd, site, edit,
                url=f"http://127.0.0.1:{{port}}/{path}", port_re=port_re)


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--langs", type=int, default=16)
    ap.add_argument("--chapters", type=int, default=400)
    ap.add_argument("--corpus", help="an existing polybook project instead of the generated one")
    ap.add_argument("--mode", choices=["serve", "watch"], default="serve",
                    help="serve: poll the page over HTTP; watch: `build --watch`, poll the output file")
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1, help="edits before the measured ones")
    ap.add_argument("--poll", type=float, default=0.005, help="seconds between polls")
    ap.add_argument("--settle", type=float, default=1.0,
                    help="seconds to wait after each edit is seen (at least the edit's latency)")
    ap.add_argument("--ready-timeout", type=float, default=900)
    ap.add_argument("--edit-timeout", type=float, default=300)
    ap.add_argument("--lang", help="language to edit (default: the first non-source one)")
    ap.add_argument("--manual", help="manual to edit (default: the first)")
    ap.add_argument("--chapter", help="chapter id to edit (default: the middle one)")
    ap.add_argument("--polybook", help="polybook binary (default: target/release/polybook, built if missing)")
    ap.add_argument("--polybook-args", default="", help="more arguments for polybook serve / build --watch")
    ap.add_argument("--port", type=int, help="port for polybook serve (default: a free one)")
    ap.add_argument("--hugo", action="store_true", help="also measure `hugo server`")
    ap.add_argument("--zola", action="store_true", help="also measure `zola serve`")
    ap.add_argument("--json", help="write the results to this file")
    a = ap.parse_args()
    if a.edits < 1 or a.warmup < 0:
        ap.error("--edits must be at least 1 and --warmup at least 0")
    signal.signal(signal.SIGTERM, on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started with SIGINT ignored

    corpus = ensure_corpus(a)
    target = pick_target(corpus, a)
    workdir = os.path.join(os.path.dirname(corpus), f"latency-{os.path.basename(corpus)}")
    os.makedirs(workdir, exist_ok=True)
    md_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(corpus, "manuals"))
                   for f in fs if f.endswith(".md"))
    print(f"corpus {corpus}: {md_bytes / 1e6:.1f} MB of Markdown; editing "
          f"{os.path.relpath(target['file'], corpus)} ({target['lang']}, source {target['source']}); "
          f"{a.warmup} warm-up + {a.edits} edits; {os.cpu_count()} cores", flush=True)

    results = []
    interrupted = False
    try:
        tools = [polybook_tool(a, corpus, target, workdir)]
        for name in ("hugo", "zola"):
            if getattr(a, name):
                t = peer_tool(name, corpus, target, workdir)
                if t:
                    tools.append(t)
        for tool in tools:
            log = os.path.join(workdir, re.sub(r"[^a-z0-9]+", "-", tool.name.split(" (")[0]).strip("-") + ".log")
            r = measure(tool, a, log)
            results.append(r)
            if r.get("interrupted"):
                interrupted = True
                break
    except (KeyboardInterrupt, Stop):
        interrupted = True

    base = next((r.get("median_s") for r in results if r["name"].startswith("polybook")), None)
    print()
    print("| tool | startup | edits | min | median | max | median / polybook |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        ms = lambda k: f"{r[k] * 1000:.0f} ms" if r.get(k) is not None else "-"
        start = f"{r['startup_s']:.2f} s" if r["startup_s"] is not None else "-"
        ratio = f"{r['median_s'] / base:.2f}" if base and r.get("median_s") else "-"
        print(f"| {r['name']} | {start} | {len(r['latencies_s'])} | {ms('min_s')} | {ms('median_s')} "
              f"| {ms('max_s')} | {ratio} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"corpus": corpus, "markdown_bytes": md_bytes, "target": target, "mode": a.mode,
                       "results": results}, f, indent=1)
    if interrupted:
        sys.exit(130)
    if any(r["error"] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
