#!/usr/bin/env python3
"""Times polybook on a generated corpus and prints the figures.

    python3 bench/bench.py [--langs 16] [--chapters 100] [--runs 3] [--polybook PATH]

Builds the release binary unless --polybook is given, generates the corpus with
gen_corpus.py (once, under $TMPDIR/polybook-bench), then for each run does a clean
build (output removed) with EPUB books, one with --no-epub, and a rebuild with
nothing changed. Prints the median wall time, CPU time and peak resident memory of
each, pages per second, the time of the EPUB stage and the size of the books.
Standard library only; figures, not assertions.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def run(cmd):
    """Runs cmd; returns wall seconds, CPU seconds, peak RSS in MB and stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err


def stage(err, name):
    m = re.search(rf"^\s+{re.escape(name)}: ([0-9.]+) ms$", err, re.M)
    return float(m.group(1)) / 1000 if m else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--langs", type=int, default=16)
    ap.add_argument("--chapters", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--polybook")
    a = ap.parse_args()
    exe = a.polybook
    if not exe:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        exe = os.path.join(REPO, "target", "release", "polybook")
    corpus = os.path.join(tempfile.gettempdir(), "polybook-bench", f"{a.langs}x{a.chapters}")
    if not os.path.exists(os.path.join(corpus, "polybook.toml")):
        subprocess.run([sys.executable, os.path.join(HERE, "gen_corpus.py"), "--langs", str(a.langs),
                        "--chapters", str(a.chapters), "--out", corpus], check=True)
    out = os.path.join(corpus, "output")
    md_bytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(corpus, "manuals"))
                   for f in fs if f.endswith(".md"))
    results = {"clean, HTML + EPUB": [], "clean, HTML only (--no-epub)": [], "no change": []}
    epub_stage = []
    pages = 0
    for _ in range(a.runs):
        shutil.rmtree(out, ignore_errors=True)
        r = run([exe, "build", "-v", "-C", corpus])
        results["clean, HTML + EPUB"].append(r)
        epub_stage.append(stage(r[3], "books"))
        m = re.search(r"Built (\d+) pages", r[3])
        pages = int(m.group(1)) if m else 0
        results["no change"].append(run([exe, "build", "-v", "-C", corpus]))
        shutil.rmtree(out, ignore_errors=True)
        results["clean, HTML only (--no-epub)"].append(run([exe, "build", "-v", "--no-epub", "-C", corpus]))
    shutil.rmtree(out, ignore_errors=True)
    run([exe, "build", "-C", corpus])
    books = [os.path.join(d, f) for d, _, fs in os.walk(out) for f in fs if f.endswith(".epub")]
    size = sum(os.path.getsize(b) for b in books)

    print(f"corpus: {a.langs} languages x {a.chapters} chapters = {a.langs * a.chapters} chapters, "
          f"{md_bytes / 1e6:.1f} MB of Markdown; {pages} pages; {os.cpu_count()} cores; median of {a.runs} runs")
    print()
    print("| build | wall | CPU | peak RSS | pages/s |")
    print("|---|---:|---:|---:|---:|")
    for name, rs in results.items():
        wall = statistics.median(r[0] for r in rs)
        cpu = statistics.median(r[1] for r in rs)
        rss = max(r[2] for r in rs)
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s | {rss:.0f} MB | {pages / wall:,.0f} |")
    print()
    print(f"EPUB: {len(books)} books, stage time {statistics.median(epub_stage):.2f} s (median), "
          f"{size / 1e6:.1f} MB in all, {size / max(len(books), 1) / 1e3:.0f} KB per book")


if __name__ == "__main__":
    main()
