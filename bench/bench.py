#!/usr/bin/env python3
"""Times polybook and its peers (Hugo, Zola, mdBook, Pandoc) on one generated corpus.

    python3 bench/bench.py --langs 16 --chapters 100 --runs 5 \\
        [--tools polybook,hugo,zola,mdbook,pandoc] [--sizes 100,400] [--polybook PATH] \\
        [--hugo PATH] [--zola PATH] [--mdbook PATH] [--pandoc PATH] [--jobs 2] [--max-busy 0.3]
    python3 bench/bench.py --corpus DIR [--corpus DIR2 ...] [same options]

Builds the release binary unless --polybook is given. For each size (chapters per
language: --sizes, or --chapters alone) it generates the corpus with gen_corpus.py
under $TMPDIR/polybook-bench/<langs>x<chapters> (reused when present). With --corpus
it uses given corpora instead, each a folder as the shared benchmark kit lays one out
(gen_corpus.py --out DIR: DIR/corpus/manifest.json, DIR/corpus/<lang>/chNNN.md,
DIR/corpus/images/; its polybook project DIR/polybook/ is used when adapters.py made
it, and written otherwise), or a polybook project folder. Then it lays the corpus out
for every peer that is installed under <corpus>-peers/ (a missing peer is skipped with
a note). A peer is the executable given by --hugo/--zola/--mdbook/--pandoc, else the
one named by $HUGO, $ZOLA, $MDBOOK or $PANDOC, else the one on PATH; Zola, which has no
package, is also looked for where the README says to build it,
bench/peers/zola/target/release/zola:

  hugo/    one multilingual site, a content language per corpus language, a page per
           chapter; its own minimal layout lists every chapter of the page's language
           on each page (a book sidebar) with previous/next links; footnotes, tables,
           heading ids and Chroma highlighting on (Hugo's defaults, set explicitly).
  zola/    the same site for Zola: multilingual config, one section per language; the
           sidebar comes from a per-language JSON file read with load_data (cached), not
           from get_section(), whose per-page cost grows with the section; highlighting on.
  mdbook/  one book per language (SUMMARY.md lists every chapter, by part), timed twice:
           with mdBook's defaults (search index and print page on, as polybook writes
           both) and with both turned off (through MDBOOK_OUTPUT__HTML__* variables).
  pandoc/  one EPUB per language, chapters as files, links turned into in-book anchors;
           with --pdf also one PDF per language through LaTeX (xelatex, when installed),
           the main font of each language's script set (PANDOC_FONTS), the books two at a time.

Links between chapters (chNNN.md#anchor) and images (../media/...) are rewritten for each
tool. A first, untimed build of every tool checks its exit status and counts its chapter
pages (a warning is printed when a tool writes fewer than expected; a tool that fails is
left out of that size, with the end of its output printed).

Then rounds: each round runs every build once, in an order rotated by one each round
(round r starts with build r mod n), so drift on a noisy machine hits every tool alike:
  clean       output removed before the run (untimed): polybook (HTML + EPUB), polybook
              --no-epub, Hugo, Zola, mdBook twice (the books two at a time, as a publisher
              would on two cores) and Pandoc (the EPUBs two at a time); with --pdf also
              polybook HTML + PDF (--no-epub) and Pandoc's PDFs through LaTeX, compared
              with polybook's PDF stage (that build minus the --no-epub one);
  no change   run again over the existing output: polybook, Hugo, Zola, mdBook with its
              defaults (the peers render everything again; Pandoc has no such mode).
Every process is timed with os.wait4: wall time from its start to its reaping, user +
system CPU, peak resident memory. For the two-at-a-time runs the wall time covers all
processes, CPU is their sum and peak RSS is that of the largest single process. Runs
that start while other processes keep more than a quarter of the cores busy are counted
in a note; with --max-busy F each run first waits (up to two minutes) until they use at
most F of them.

Prints, per size, a Markdown table of the medians (wall, CPU, peak RSS as the largest over
runs, chapter pages per second, ratio to polybook as the median of the per-round ratios),
then polybook's own figures (clean with EPUB, clean --no-epub, no change, EPUB stage, book
sizes). polybook's EPUB time is its clean build minus its --no-epub build of the same round
(it makes each language's books while rendering that language), as a median. With
several sizes it ends with growth lines: time per page at the larger size divided by time
per page at the smaller one.

Standard library only (Python 3.9+); Linux (os.wait4, /proc/stat). Figures, not assertions.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
PEERS = ("hugo", "zola", "mdbook", "pandoc")
RTL = {"ar", "fa", "he", "ur", "ps", "yi", "dv", "ckb", "syr"}
BUSY = 0.25  # share of all cores used by others above which a run is flagged

FRONT_MATTER = re.compile(r"\A\+\+\+\n(.*?)\n\+\+\+\n", re.S)
TITLE = re.compile(r"^# (.+?)(?:\s+\{#([\w-]+)\})?[ \t]*$", re.M)
CHAPTER_LINK = re.compile(r"\]\((ch\d+)\.md(#[\w-]+)?\)")
# Images: ../media/ (bench/gen_corpus.py) or images/ beside the chapters (the shared kit).
MEDIA_LINK = re.compile(r"\]\((?:\.\./media/|images/)")


# ---------------------------------------------------------------- corpus

def read_toml(path):
    """Parses a TOML file; falls back to the few keys this script needs without tomllib."""
    with open(path, "rb") as f:
        data = f.read().decode("utf-8")
    if tomllib:
        return tomllib.loads(data)
    out = {}
    for key in ("title", "source_language"):
        m = re.search(rf'^{key}\s*=\s*"([^"]*)"', data, re.M)
        if m:
            out[key] = m.group(1)
    m = re.search(r"^languages\s*=\s*\[(.*?)\]", data, re.M | re.S)
    if m:
        out["languages"] = re.findall(r'"([^"]+)"', m.group(1))
    parts = re.findall(r'\[\[parts\]\]\s*title\s*=\s*"([^"]*)"\s*chapters\s*=\s*\[(.*?)\]', data, re.S)
    if parts:
        out["parts"] = [{"title": t, "chapters": re.findall(r'"([^"]+)"', c)} for t, c in parts]
    m = re.search(r"^chapters\s*=\s*\[(.*?)\]", data, re.M | re.S)
    if m and not parts:
        out["chapters"] = re.findall(r'"([^"]+)"', m.group(1))
    return out


class Corpus:
    """The generated polybook project, read back: languages, parts and chapters."""

    def __init__(self, root):
        self.root = root
        cfg = read_toml(os.path.join(root, "polybook.toml"))
        self.title = cfg.get("title", "Benchmark")
        self.langs = cfg["languages"]
        self.source = cfg.get("source_language", self.langs[0])
        manuals = sorted(d for d in os.listdir(os.path.join(root, "manuals"))
                         if os.path.isdir(os.path.join(root, "manuals", d)))
        if len(manuals) != 1:
            sys.exit(f"{root}: expected one manual, found {manuals}")
        self.manual = manuals[0]
        self.manual_dir = os.path.join(root, "manuals", self.manual)
        mcfg = read_toml(os.path.join(self.manual_dir, "manual.toml"))
        self.manual_title = mcfg.get("title", self.manual)
        self.parts = [(p.get("title", ""), p["chapters"]) for p in mcfg.get("parts", [])]
        if not self.parts:
            self.parts = [("", mcfg["chapters"])]
        self.slugs = [c for _, cs in self.parts for c in cs]
        self.media = os.path.join(self.manual_dir, "media")
        if not os.path.isdir(self.media):
            # The shared kit's layout: images beside the source language's chapters.
            self.media = os.path.join(self.manual_dir, self.source, "images")
        self._chapters = {}

    def chapters(self, lang):
        """The chapters of one language in book order: dicts with slug, title, id,
        description and body (the Markdown without front matter)."""
        if lang not in self._chapters:
            out = []
            for slug in self.slugs:
                with open(os.path.join(self.manual_dir, lang, slug + ".md"), encoding="utf-8") as f:
                    text = f.read()
                description = ""
                m = FRONT_MATTER.match(text)
                if m:
                    d = re.search(r'^description\s*=\s*"(.*)"\s*$', m.group(1), re.M)
                    description = d.group(1) if d else ""
                    text = text[m.end():]
                t = TITLE.search(text)
                out.append({"slug": slug, "title": t.group(1) if t else slug,
                            "id": (t.group(2) if t and t.group(2) else slug),
                            "description": description, "body": text})
            self._chapters[lang] = out
        return self._chapters[lang]

    def markdown_bytes(self):
        """Total size of the chapter sources."""
        return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(self.manual_dir)
                   for f in fs if f.endswith(".md"))


def kit_project(folder):
    """The polybook project of a corpus folder: the folder itself when it is one, else
    the shared kit's DIR/polybook/, written from DIR/corpus/ (as the kit's adapters.py
    writes it) when it is not there yet."""
    folder = os.path.abspath(folder)
    if os.path.isfile(os.path.join(folder, "polybook.toml")):
        return folder
    project = os.path.join(folder, "polybook")
    if os.path.isfile(os.path.join(project, "polybook.toml")):
        return project
    manifest = os.path.join(folder, "corpus", "manifest.json")
    if not os.path.isfile(manifest):
        sys.exit(f"{folder}: neither a polybook project nor a corpus of the benchmark kit "
                 "(no polybook.toml, no corpus/manifest.json)")
    with open(manifest, encoding="utf-8") as f:
        m = json.load(f)
    src = m["langs"][0]
    langs = ", ".join(q(lang) for lang in m["langs"])
    slugs = [f"ch{i:03d}" for i in range(1, m["chapters"] + 1)]
    titles = "".join(f"{lang} = {q(m['site_title'][lang])}\n" for lang in m["langs"][1:])
    tmp = project + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    write(os.path.join(tmp, "polybook.toml"),
          f"title = {q(m['site_title'][src])}\nsource_language = {q(src)}\nlanguages = [{langs}]\n")
    write(os.path.join(tmp, "manuals", "bench", "manual.toml"),
          f"title = {q(m['site_title'][src])}\nchapters = [{', '.join(q(c) for c in slugs)}]\n\n"
          f"[titles]\n{titles}")
    for lang in m["langs"]:
        for slug in slugs:
            dst = os.path.join(tmp, "manuals", "bench", lang, slug + ".md")
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(os.path.join(folder, "corpus", lang, slug + ".md"), dst)
    shutil.copytree(os.path.join(folder, "corpus", "images"),
                    os.path.join(tmp, "manuals", "bench", src, "images"))
    os.rename(tmp, project)
    return project


def ensure_corpus(base, langs, chapters, seed):
    """Generates the corpus once; returns its folder."""
    root = os.path.join(base, f"{langs}x{chapters}")
    if not os.path.exists(os.path.join(root, "polybook.toml")):
        cmd = [sys.executable, os.path.join(HERE, "gen_corpus.py"), "--langs", str(langs),
               "--chapters", str(chapters), "--out", root]
        if seed is not None:
            cmd += ["--seed", str(seed)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return root


# ---------------------------------------------------------------- peer layouts

def q(s):
    """A TOML/YAML double-quoted string."""
    return json.dumps(s, ensure_ascii=False)


def write(path, text):
    """Writes a UTF-8 file, creating its folder."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def copy_media(corpus, dst):
    """Copies the manual's media folder to dst."""
    if os.path.isdir(corpus.media):
        shutil.copytree(corpus.media, dst, dirs_exist_ok=True)


HUGO_BASEOF = """<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}"{{ with .Site.Language.LanguageDirection }} dir="{{ . }}"{{ end }}>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
{{- with .Description }}<meta name="description" content="{{ . }}">{{ end }}
</head>
<body>
<header><a href="{{ "" | relLangURL }}">{{ .Site.Title }}</a></header>
{{ block "main" . }}{{ end }}
</body>
</html>
"""
HUGO_SINGLE = """{{ define "main" }}
{{- $pages := .Site.RegularPages.ByWeight }}
{{- $here := .RelPermalink }}
<nav class="book-nav"><ol>
{{- range $pages }}
<li><a href="{{ .RelPermalink }}"{{ if eq .RelPermalink $here }} aria-current="page"{{ end }}>{{ .Title }}</a></li>
{{- end }}
</ol></nav>
<main><article>
{{ .Content }}
</article>
<nav class="pager">
{{- /* Pages.Next steps towards the start of the list, Pages.Prev towards its end */}}
{{- with $pages.Next . }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{- with $pages.Prev . }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav></main>
{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<main><h1>{{ .Title }}</h1><ol>
{{- range .Site.RegularPages.ByWeight }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ol></main>{{ end }}
"""


def layout_hugo(corpus, site, version):
    """One multilingual Hugo site: content/chNNN.<lang>.md, every language in its own
    /<lang>/ subfolder; links to ../chNNN/#anchor, images from static/media."""
    cfg = ['baseURL = "https://example.org/"', f"title = {q(corpus.title)}",
           f"defaultContentLanguage = {q(corpus.source)}", "defaultContentLanguageInSubdir = true",
           'disableKinds = ["taxonomy", "term", "RSS"]', "enableRobotsTXT = false", "",
           "[markup.goldmark.extensions]", "footnote = true", "table = true", "",
           "[markup.goldmark.parser.attribute]", "title = true", "",
           "[markup.highlight]", "codeFences = true", "noClasses = true", ""]
    for weight, lang in enumerate(corpus.langs, 1):
        cfg += [f"[languages.{lang}]", f"weight = {weight}", f"languageName = {q(lang)}",
                f"title = {q(corpus.title)}"]
        if lang in RTL:
            cfg.append('languageDirection = "rtl"')
        cfg.append("")
    write(os.path.join(site, "config.toml"), "\n".join(cfg))
    layouts = os.path.join(site, "layouts", "_default")
    write(os.path.join(layouts, "baseof.html"), HUGO_BASEOF)
    write(os.path.join(layouts, "single.html"), HUGO_SINGLE)
    write(os.path.join(layouts, "list.html"), HUGO_LIST)
    copy_media(corpus, os.path.join(site, "static", "media"))
    for lang in corpus.langs:
        write(os.path.join(site, "content", f"_index.{lang}.md"),
              f"+++\ntitle = {q(corpus.manual_title)}\n+++\n")
        for weight, ch in enumerate(corpus.chapters(lang), 1):
            body = CHAPTER_LINK.sub(lambda m: f"](../{m.group(1)}/{m.group(2) or ''})", ch["body"])
            body = MEDIA_LINK.sub("](/media/", body)
            write(os.path.join(site, "content", f"{ch['slug']}.{lang}.md"),
                  f"+++\ntitle = {q(ch['title'])}\ndescription = {q(ch['description'])}\n"
                  f"weight = {weight}\n+++\n{body}")


ZOLA_BASE = """<!DOCTYPE html>
<html lang="{{ lang }}"{% if RTL_TEST %} dir="rtl"{% endif %}>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
</head>
<body>
{% block body %}{% endblock body %}
</body>
</html>
"""
ZOLA_PAGE = """{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock title %}
{% block body %}
<header><a href="../">{{ config.title }}</a></header>
{%- set nav = load_data(path="data/nav." ~ lang ~ ".json") %}
<nav class="book-nav"><ol>
{%- for p in nav %}
<li><a href="../{{ p.s }}/"{% if p.s == page.slug %} aria-current="page"{% endif %}>{{ p.t }}</a></li>
{%- endfor %}
</ol></nav>
<main><article>
{{ page.content | safe }}
</article>
<nav class="pager">
{%- if page.extra.prev %}<a rel="prev" href="../{{ page.extra.prev }}/">{{ page.extra.prev_title }}</a>{% endif %}
{%- if page.extra.next %}<a rel="next" href="../{{ page.extra.next }}/">{{ page.extra.next_title }}</a>{% endif %}
</nav></main>
{% endblock body %}
"""
ZOLA_SECTION = """{% extends "base.html" %}
{% block body %}<header>{{ config.title }}</header>
<main><h1>{{ section.title }}</h1><ol>
{%- for p in section.pages %}<li><a href="{{ p.permalink | safe }}">{{ p.title }}</a></li>{% endfor %}
</ol></main>{% endblock body %}
"""


def version_tuple(text):
    """The first dotted version number in text, as a tuple of ints."""
    m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text or "")
    return tuple(int(x or 0) for x in m.groups()) if m else (0, 0, 0)


def layout_zola(corpus, site, version):
    """One multilingual Zola site: content/chNNN.md for the default language and
    chNNN.<lang>.md for the others, one section per language (sorted by weight); the
    sidebar comes from data/nav.<lang>.json through load_data, previous/next from each
    page's [extra] (empty when there is none); links become @/chNNN.<lang>.md#anchor,
    which Zola checks. Written for Zola 0.17 or later."""
    cfg = ['base_url = "https://example.org"', f"title = {q(corpus.title)}",
           f"default_language = {q(corpus.source)}", ""]
    if version_tuple(version) >= (0, 22, 0):
        cfg += ["[markdown.highlighting]", 'theme = "github-light"', ""]
    else:
        cfg += ["[markdown]", "highlight_code = true", 'highlight_theme = "base16-ocean-dark"', ""]
    for lang in corpus.langs:
        if lang != corpus.source:
            cfg += [f"[languages.{lang}]", f"title = {q(corpus.title)}", ""]
    write(os.path.join(site, "config.toml"), "\n".join(cfg))
    rtl_test = " or ".join(f'lang == "{lang}"' for lang in corpus.langs if lang in RTL) or "false"
    write(os.path.join(site, "templates", "base.html"), ZOLA_BASE.replace("RTL_TEST", rtl_test))
    write(os.path.join(site, "templates", "page.html"), ZOLA_PAGE)
    write(os.path.join(site, "templates", "section.html"), ZOLA_SECTION)
    write(os.path.join(site, "templates", "index.html"), ZOLA_SECTION)
    copy_media(corpus, os.path.join(site, "static", "media"))
    for lang in corpus.langs:
        sfx = "" if lang == corpus.source else "." + lang
        chapters = corpus.chapters(lang)
        write(os.path.join(site, "content", f"_index{sfx}.md"),
              f'+++\ntitle = {q(corpus.manual_title)}\nsort_by = "weight"\n+++\n')
        write(os.path.join(site, "data", f"nav.{lang}.json"),
              json.dumps([{"s": c["slug"], "t": c["title"]} for c in chapters], ensure_ascii=False))
        for i, ch in enumerate(chapters):
            body = CHAPTER_LINK.sub(lambda m: f"](@/{m.group(1)}{sfx}.md{m.group(2) or ''})", ch["body"])
            body = MEDIA_LINK.sub("](/media/", body)
            prev = chapters[i - 1] if i > 0 else {"slug": "", "title": ""}
            nxt = chapters[i + 1] if i + 1 < len(chapters) else {"slug": "", "title": ""}
            extra = [f"prev = {q(prev['slug'])}", f"prev_title = {q(prev['title'])}",
                     f"next = {q(nxt['slug'])}", f"next_title = {q(nxt['title'])}"]
            write(os.path.join(site, "content", f"{ch['slug']}{sfx}.md"),
                  f"+++\ntitle = {q(ch['title'])}\ndescription = {q(ch['description'])}\n"
                  f"weight = {i + 1}\n\n[extra]\n" + "\n".join(extra) + f"\n+++\n{body}")


def layout_mdbook(corpus, root, version):
    """One mdBook per language: book.toml, src/SUMMARY.md (parts and chapters),
    src/chNNN.md (links stay chNNN.md, mdBook maps them to .html), src/media/."""
    for lang in corpus.langs:
        book = os.path.join(root, lang)
        write(os.path.join(book, "book.toml"),
              f'[book]\ntitle = {q(corpus.manual_title)}\nlanguage = {q(lang)}\nsrc = "src"\n\n'
              "[output.html]\n")
        chapters = {c["slug"]: c for c in corpus.chapters(lang)}
        summary = ["# Summary", ""]
        for title, slugs in corpus.parts:
            if title:
                summary += [f"# {title}", ""]
            summary += [f"- [{chapters[s]['title']}]({s}.md)" for s in slugs] + [""]
            for s in slugs:
                write(os.path.join(book, "src", s + ".md"),
                      MEDIA_LINK.sub("](media/", chapters[s]["body"]))
        write(os.path.join(book, "src", "SUMMARY.md"), "\n".join(summary))
        copy_media(corpus, os.path.join(book, "src", "media"))


def layout_pandoc(corpus, root, version):
    """One folder of chapters per language for one EPUB each: meta.yaml (title,
    language, direction of text and pages), chNNN.md with links turned into in-book anchors (#anchor,
    or the chapter's title id); images stay ../media/ (media/ sits beside the folders)."""
    for lang in corpus.langs:
        d = os.path.join(root, lang)
        chapters = corpus.chapters(lang)
        ids = {c["slug"]: c["id"] for c in chapters}
        meta = ["---", f"title: {q(corpus.manual_title)}", f"lang: {lang}"]
        if lang in RTL:
            meta += ["dir: rtl", "page-progression-direction: rtl"]
        write(os.path.join(d, "meta.yaml"), "\n".join(meta + ["..."]) + "\n")
        for ch in chapters:
            body = CHAPTER_LINK.sub(lambda m: f"]({m.group(2) or '#' + ids.get(m.group(1), m.group(1))})",
                                    ch["body"])
            write(os.path.join(d, ch["slug"] + ".md"), MEDIA_LINK.sub("](../media/", body))
    copy_media(corpus, os.path.join(root, "media"))


LAYOUTS = {"hugo": layout_hugo, "zola": layout_zola, "mdbook": layout_mdbook, "pandoc": layout_pandoc}


# ---------------------------------------------------------------- running and timing

class Run:
    """One timed build: wall and CPU seconds, peak RSS in MB, exit codes, output."""

    def __init__(self, wall, cpu, rss, codes, output, busy):
        self.wall, self.cpu, self.rss, self.codes, self.output, self.busy = wall, cpu, rss, codes, output, busy
        self.ok = True


def cpu_busy(seconds=0.2):
    """Share of all cores busy during a short sample of /proc/stat (nothing of ours runs)."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]
    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except OSError:
        return 0.0
    return 1.0 - (i1 - i0) / max(1, t1 - t0)


def wait_until_quiet(max_busy, limit=120.0):
    """Samples the machine's load; with max_busy, waits (up to limit seconds) until the
    share of cores used by others is at most max_busy. Returns the last sample."""
    busy = cpu_busy()
    deadline = time.monotonic() + limit
    while max_busy is not None and busy > max_busy and time.monotonic() < deadline:
        time.sleep(1.0)
        busy = cpu_busy()
    return busy


def run_jobs(jobs, parallel=1, env=None, busy=0.0):
    """Runs jobs ((argv, cwd) pairs), `parallel` at a time, reaping each with os.wait4;
    env adds environment variables. Wall time spans all of them; CPU is summed; RSS is
    the largest single process."""
    env = dict(os.environ, **env) if env else None
    pending = list(jobs)
    running = {}
    cpu, rss, codes, outputs = 0.0, 0.0, [], []
    start = time.perf_counter()
    while pending or running:
        while pending and len(running) < parallel:
            argv, cwd = pending.pop(0)
            log = tempfile.TemporaryFile()
            try:
                proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                        stdout=log, stderr=subprocess.STDOUT)
            except OSError as e:
                log.close()
                codes.append(127)
                outputs.append(f"{argv[0]}: {e}")
                continue
            running[proc.pid] = (proc, log)
        if not running:
            break
        info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOWAIT)
        pid = info.si_pid
        _, status, usage = os.wait4(pid, 0)
        if pid not in running:
            continue
        proc, log = running.pop(pid)
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
        rss = max(rss, usage.ru_maxrss / 1024)
        codes.append(proc.returncode)
        log.seek(0)
        outputs.append(log.read().decode("utf-8", "replace"))
        log.close()
    wall = time.perf_counter() - start
    return Run(wall, cpu, rss, codes, "\n".join(outputs), busy)


def tail(text, lines=15):
    """The last lines of a tool's output, indented."""
    kept = text.rstrip().splitlines()[-lines:] or ["(no output)"]
    return "\n".join("    " + line for line in kept)


def built_pages(output):
    """The page count from polybook's "Built N pages" line."""
    m = re.search(r"Built ([\d,]+) pages", output)
    return int(m.group(1).replace(",", "")) if m else 0


def count_files(folder, pattern):
    """Files under folder whose path relative to it matches pattern."""
    rx = re.compile(pattern)
    n = 0
    for d, _, fs in os.walk(folder):
        rel = os.path.relpath(d, folder)
        for f in fs:
            if rx.search(f if rel == "." else f"{rel}/{f}"):
                n += 1
    return n


def count_epub_chapters(folder):
    """Books under folder and the chapter documents they hold (chNNN.xhtml or similar)."""
    books = chapters = 0
    for d, _, fs in os.walk(folder):
        for f in fs:
            if f.endswith(".epub"):
                books += 1
                try:
                    with zipfile.ZipFile(os.path.join(d, f)) as z:
                        chapters += sum(1 for n in z.namelist()
                                        if re.search(r"(^|/)ch[^/]*\d+\.x?html$", n))
                except zipfile.BadZipFile:
                    pass
    return books, chapters


class Build:
    """One build to time: the tool, what it builds, its jobs and output folder."""

    def __init__(self, key, tool, label, jobs, out, parallel=1, ok_codes=(0,), count=None, make_out=False,
                 env=None, partial=False):
        self.key, self.tool, self.label, self.jobs, self.out = key, tool, label, jobs, out
        self.partial = partial  # a run counts when some of its jobs succeed
        self.make_out = make_out  # the tool expects its output folder to exist
        self.parallel, self.ok_codes, self.count, self.env = parallel, ok_codes, count, env
        self.clean = []
        self.nochange = []

    def run(self, clean, max_busy):
        """Runs the build once (output removed first when clean) and returns the Run."""
        if clean:
            shutil.rmtree(self.out, ignore_errors=True)
        os.makedirs(self.out if self.make_out else os.path.dirname(self.out), exist_ok=True)
        os.sync()
        busy = wait_until_quiet(max_busy)
        r = run_jobs(self.jobs, self.parallel, self.env, busy)
        good = sum(1 for c in r.codes if c in self.ok_codes)
        r.ok = good > 0 if self.partial else good == len(self.jobs) == len(r.codes)
        return r


# Where the README says to build Zola from source (git-ignored).
ZOLA_BUILT = os.path.join(HERE, "peers", "zola", "target", "release", "zola")


def find_tool(name, given):
    """The path of a peer executable, or None: the one given, else the one named by the
    tool's variable ($ZOLA...), else the one on PATH (for Zola, else ZOLA_BUILT)."""
    given = given or os.environ.get(name.upper())
    if given:
        return given if os.path.isfile(given) and os.access(given, os.X_OK) else None
    found = shutil.which(name)
    if not found and name == "zola" and os.access(ZOLA_BUILT, os.X_OK):
        found = ZOLA_BUILT
    return found


def tool_version(name, exe):
    """A short version string of a tool."""
    args = {"hugo": ["version"]}.get(name, ["--version"])
    try:
        out = subprocess.run([exe] + args, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    first = out.strip().splitlines()[0] if out.strip() else "?"
    m = re.search(r"v?(\d+\.\d+[\w.+-]*)", first)
    return m.group(1) if m else first


# Whether polybook's PDF books are timed too (--pdf).
PDF = False

# Fonts for Pandoc's LaTeX route (xelatex), from Debian packages (fonts-noto-core,
# fonts-wqy-microhei, fonts-dejavu-core): the main font of each script, the Chinese one
# through xeCJK (texlive-lang-chinese). Pandoc has no fallback of its own, so each book
# gets the font of its language's script.
PANDOC_FONTS = {"ar": "Noto Naskh Arabic", "fa": "Noto Naskh Arabic", "ur": "Noto Naskh Arabic",
                "he": "Noto Serif Hebrew", "am": "Noto Serif Ethiopic", "ti": "Noto Serif Ethiopic",
                "my": "Noto Serif Myanmar", "bo": "Noto Serif Tibetan", "th": "Noto Serif Thai",
                "hi": "Noto Serif Devanagari", "km": "Noto Serif Khmer"}
PANDOC_CJK = {"zh", "ja", "ko"}


def pandoc_pdf_args(lang):
    """The font variables of one language's book for Pandoc's LaTeX route."""
    base = lang.split("-")[0]
    args = ["--pdf-engine=xelatex", "-V", "monofont=DejaVu Sans Mono"]
    if base in PANDOC_CJK:
        return args + ["-V", "mainfont=Noto Serif", "-V", "CJKmainfont=WenQuanYi Micro Hei"]
    return args + ["-V", f"mainfont={PANDOC_FONTS.get(base, 'Noto Serif')}"]


def make_builds(corpus, tools, exes, peers_dir, out_dir, jobs):
    """The builds to time for one corpus, polybook's first."""
    pb = exes["polybook"]
    n = len(corpus.langs)
    builds = [
        Build("polybook", "polybook", "clean, HTML + EPUB",
              [([pb, "-C", corpus.root, "build", "--no-pdf", "--out", os.path.join(out_dir, "polybook")], None)],
              os.path.join(out_dir, "polybook"), ok_codes=(0, 1), count=r"(^|/)ch\d+\.html$"),
        Build("polybook-html", "polybook", "clean, HTML only (--no-epub)",
              [([pb, "-C", corpus.root, "build", "--no-epub", "--no-pdf", "--out",
                 os.path.join(out_dir, "polybook-html")], None)],
              os.path.join(out_dir, "polybook-html"), ok_codes=(0, 1), count=r"(^|/)ch\d+\.html$"),
    ]
    if PDF:
        # PDF books beside the HTML; the PDF stage is this minus polybook-html.
        builds.append(Build("polybook-pdf", "polybook", "clean, HTML + PDF (--no-epub)",
                            [([pb, "-C", corpus.root, "build", "--no-epub", "--out",
                               os.path.join(out_dir, "polybook-pdf")], None)],
                            os.path.join(out_dir, "polybook-pdf"), ok_codes=(0, 1),
                            count=r"(^|/)ch\d+\.html$"))
    if "hugo" in tools:
        site, out = os.path.join(peers_dir, "hugo"), os.path.join(out_dir, "hugo")
        builds.append(Build("hugo", "hugo", "clean, HTML",
                            [([exes["hugo"], "--quiet", "--source", site, "--destination", out], None)],
                            out, count=r"(^|/)ch\d+/index\.html$"))
    if "zola" in tools:
        site, out = os.path.join(peers_dir, "zola"), os.path.join(out_dir, "zola")
        builds.append(Build("zola", "zola", "clean, HTML",
                            [([exes["zola"], "--root", site, "build", "--output-dir", out, "--force"], None)],
                            out, count=r"(^|/)ch\d+/index\.html$"))
    if "mdbook" in tools:
        out = os.path.join(out_dir, "mdbook")
        cmds = [([exes["mdbook"], "build", os.path.join(peers_dir, "mdbook", lang), "-d",
                  os.path.join(out, lang)], None) for lang in corpus.langs]
        builds.append(Build("mdbook", "mdbook", f"clean, HTML, {n} books {jobs} at a time",
                            cmds, out, parallel=jobs, count=r"(^|/)ch\d+\.html$"))
        out = os.path.join(out_dir, "mdbook-lean")
        cmds = [([exes["mdbook"], "build", os.path.join(peers_dir, "mdbook", lang), "-d",
                  os.path.join(out, lang)], None) for lang in corpus.langs]
        builds.append(Build("mdbook-lean", "mdbook",
                            f"clean, HTML, no search index or print page, {n} books {jobs} at a time",
                            cmds, out, parallel=jobs, count=r"(^|/)ch\d+\.html$",
                            env={"MDBOOK_OUTPUT__HTML__SEARCH__ENABLE": "false",
                                 "MDBOOK_OUTPUT__HTML__PRINT__ENABLE": "false"}))
    if "pandoc" in tools:
        out = os.path.join(out_dir, "pandoc")
        cmds = []
        for lang in corpus.langs:
            src = os.path.join(peers_dir, "pandoc", lang)
            cmds.append(([exes["pandoc"], "--metadata-file=meta.yaml", "--toc", "-o",
                          os.path.join(out, f"{lang}.epub")] + [s + ".md" for s in corpus.slugs], src))
        builds.append(Build("pandoc", "pandoc", f"clean, EPUB only, {n} books {jobs} at a time",
                            cmds, out, parallel=jobs, count="epub", make_out=True))
    if PDF and "pandoc" in tools and shutil.which("xelatex"):
        # Pandoc's LaTeX route; a book LaTeX cannot make is counted, not fatal.
        out = os.path.join(out_dir, "pandoc-pdf")
        cmds = []
        for lang in corpus.langs:
            src = os.path.join(peers_dir, "pandoc", lang)
            cmds.append(([exes["pandoc"], "--metadata-file=meta.yaml", "--toc"] + pandoc_pdf_args(lang)
                         + ["-o", os.path.join(out, f"{lang}.pdf")] + [s + ".md" for s in corpus.slugs],
                         src))
        builds.append(Build("pandoc-pdf", "pandoc", f"clean, PDF through LaTeX (xelatex), {n} books "
                            f"{jobs} at a time", cmds, out, parallel=jobs, count="pdf", make_out=True,
                            partial=True))
    return builds


def count_pages(build):
    """Chapter pages (or EPUB chapters) a build wrote, and for EPUB the number of books."""
    if build.count == "epub":
        return count_epub_chapters(build.out)
    if build.count == "pdf":
        return count_files(build.out, r"\.pdf$"), None
    return None, count_files(build.out, build.count)


# ---------------------------------------------------------------- one size

def median(values):
    """The median of the values that are not None, or None."""
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_s(v):
    """Seconds, or a dash."""
    return "—" if v is None else (f"{v:.2f} s" if v < 100 else f"{v:.0f} s")


def paired_ratios(runs, base_runs, base_value=lambda r: r.wall):
    """Per-round ratios of a build's wall time to a baseline value from the same round."""
    out = []
    for r, b in zip(runs, base_runs):
        v = base_value(b) if b is not None and b.ok else None
        if r is not None and r.ok and v:
            out.append(r.wall / v)
    return out


def bench_size(a, exes, versions, tools, skipped, root):
    """Lays out one corpus (a polybook project), runs the rounds and prints its tables;
    returns the page count and each clean build's median seconds per page, for the growth
    lines."""
    corpus = Corpus(root)
    chapters = len(corpus.slugs)
    peers_dir, out_dir = root + "-peers", root + "-out"
    if a.out_dir:
        out_dir = os.path.join(a.out_dir, os.path.basename(root) + "-out")
    expected = len(corpus.langs) * len(corpus.slugs)
    notes = []
    for t in tools:
        d = os.path.join(peers_dir, t)
        shutil.rmtree(d, ignore_errors=True)
        LAYOUTS[t](corpus, d, versions.get(t))
    builds = make_builds(corpus, tools, exes, peers_dir, out_dir, a.jobs)

    # untimed first build of everything: exit status and page counts
    pages = {}
    for b in list(builds):
        r = b.run(clean=True, max_busy=None)
        if not r.ok:
            print(f"warning: {b.tool} ({b.label}) failed (exit {r.codes}); left out of this size:\n"
                  f"{tail(r.output)}", file=sys.stderr)
            notes.append(f"{b.tool} ({b.label}) failed its first build (exit {r.codes}); not timed")
            builds.remove(b)
            continue
        nbooks, n = count_pages(b)
        if b.count == "pdf":
            # chapters in the books written; the languages whose book failed are named
            n = nbooks * len(corpus.slugs)
            missing = [l for l in corpus.langs if not os.path.exists(os.path.join(b.out, f"{l}.pdf"))]
            if missing:
                msg = f"{b.tool} ({b.label}) made no book for {', '.join(missing)}"
                print(f"warning: {msg}:\n{tail(r.output, 40)}", file=sys.stderr)
                notes.append(msg)
        pages[b.key] = n
        if n < expected:
            msg = f"{b.tool} ({b.label}) wrote {n} chapter pages, fewer than the {expected} expected"
            print(f"warning: {msg}", file=sys.stderr)
            notes.append(msg)
        if nbooks is not None and nbooks < len(corpus.langs):
            msg = f"{b.tool} wrote {nbooks} books, fewer than the {len(corpus.langs)} expected"
            print(f"warning: {msg}", file=sys.stderr)
            notes.append(msg)
    if not builds or builds[0].key != "polybook":
        sys.exit("polybook failed its first build; nothing to compare with")

    # interleaved rounds: clean builds, then no-change rebuilds
    nochange = [b for b in builds if b.key not in ("polybook-html", "mdbook-lean", "pandoc", "pandoc-pdf")]
    for phase, group in (("clean", builds), ("no change", nochange)):
        for rnd in range(a.runs):
            k = rnd % len(group)
            for b in group[k:] + group[:k]:
                r = b.run(clean=(phase == "clean"), max_busy=a.max_busy)
                if not r.ok:
                    print(f"warning: {b.tool} ({b.label if phase == 'clean' else 'no change'}) failed "
                          f"in round {rnd + 1} (exit {r.codes}):\n{tail(r.output)}", file=sys.stderr)
                    notes.append(f"{b.tool} ({phase}) failed in round {rnd + 1}; run not counted")
                (b.clean if phase == "clean" else b.nochange).append(r)
                print(f"  {chapters} ch/lang, {phase} round {rnd + 1}/{a.runs}: {b.key} {r.wall:.2f} s",
                      file=sys.stderr)

    by_key = {b.key: b for b in builds}
    pb = by_key["polybook"]
    html_runs = by_key["polybook-html"].clean if "polybook-html" in by_key else []
    # The time EPUBs add: polybook makes its books while it renders each
    # language, so the figure is the clean build minus the --no-epub build
    # of the same round.
    books_stage = [r.wall - h.wall if r.ok and h.ok else None
                   for r, h in zip(pb.clean, html_runs)]

    def row(b, label, runs, ratio, note=""):
        """One table row from a build's successful runs."""
        ok = [r for r in runs if r.ok]
        if not ok:
            return f"| {name_of(b)} | {label} | failed | | | | |"
        wall = statistics.median(r.wall for r in ok)
        cpu = statistics.median(r.cpu for r in ok)
        rss = max(r.rss for r in ok)
        n = pages.get(b.key) or expected
        r_txt = "—" if ratio is None else f"{ratio:.2f}"
        return (f"| {name_of(b)} | {label} | {fmt_s(wall)} | {fmt_s(cpu)} | {rss:,.0f} MB{note} | "
                f"{n / wall:,.0f} | {r_txt} |")

    def name_of(b):
        """Tool name and version."""
        return f"{DISPLAY[b.tool]} {versions.get(b.tool, '')}".strip()

    md_bytes = corpus.markdown_bytes()
    print()
    print(f"## {len(corpus.langs)} languages × {len(corpus.slugs)} chapters = {expected:,} chapter pages "
          f"({md_bytes / 1e6:.1f} MB of Markdown)")
    print()
    print(f"{os.cpu_count()} cores; {a.runs} interleaved round{'s' if a.runs != 1 else ''} "
          "(order rotated each round); medians. "
          f"Corpus: {root}")
    print()
    print("| tool | build | wall | CPU | peak RSS | pages/s | × polybook |")
    print("|---|---|---:|---:|---:|---:|---:|")
    growth = {}
    for b in builds:
        if b.tool == "pandoc":
            continue
        par = " (largest process)" if b.parallel > 1 else ""
        ratio = 1.0 if b.key == "polybook-html" else median(paired_ratios(b.clean, html_runs))
        print(row(b, b.label, b.clean, ratio, par))
        growth[(b.key, "clean")] = per_page(b.clean, pages.get(b.key) or expected)
    def stage_rows(label, stage, peer):
        """polybook's row for one stage (a list of per-round seconds), then the peer's
        build of the same books against it."""
        value = median(stage)
        if value is not None:
            print(f"| {name_of(pb)} | {label} | {fmt_s(value)} "
                  f"| — | — | {expected / value:,.0f} | 1.00 |")
        if peer in by_key:
            b = by_key[peer]
            ratio = median(paired_ratios(b.clean, [_StageRun(s) for s in stage]))
            print(row(b, b.label, b.clean, ratio, " (largest process)"))
            growth[(b.key, "clean")] = per_page(b.clean, pages.get(b.key) or expected)

    stage_rows("EPUBs (clean build minus --no-epub)", books_stage, "pandoc")
    if "polybook-pdf" in by_key:
        pdf_stage = [p.wall - h.wall if p.ok and h.ok else None
                     for p, h in zip(by_key["polybook-pdf"].clean, html_runs)]
        stage_rows("PDF books (HTML + PDF minus --no-epub)", pdf_stage, "pandoc-pdf")
    for b in nochange:
        label = ({"polybook": "no change", "polybook-pdf": "no change, HTML + PDF"}.get(b.key)
                 or "no change (renders everything again)")
        par = " (largest process)" if b.parallel > 1 else ""
        print(row(b, label, b.nochange, median(paired_ratios(b.nochange, pb.nochange)), par))
    print()
    print("pages/s: chapter pages written (Pandoc: chapters in the books) per second of wall time. "
          "× polybook: median over rounds of the tool's wall time divided by polybook's in the same "
          "round — clean HTML builds against polybook --no-epub (which still writes its search "
          "indexes and print pages), polybook HTML + EPUB against --no-epub, "
          "Pandoc against polybook's EPUB stage, no-change builds against polybook's no-change build. "
          f"Parallel runs ({a.jobs} processes at a time): CPU summed over processes, peak RSS of the "
          "largest single process.")
    busy = sum(1 for b in builds for r in b.clean + b.nochange if r.busy > BUSY)
    total = sum(len(b.clean) + len(b.nochange) for b in builds)
    if busy:
        notes.append(f"{busy} of {total} timed runs started while other processes used more than "
                     f"{BUSY:.0%} of the cores")
    for t in skipped:
        notes.append(f"{DISPLAY[t]}: not installed, skipped")
    if notes:
        print()
        for n in notes:
            print(f"- note: {n}")

    # polybook on its own, as the figures were always printed
    pb_pages = built_pages(next((r.output for r in pb.clean if r.ok), ""))
    print()
    print(f"polybook alone ({pb_pages:,} pages as polybook counts them, with index, print and status pages):")
    print()
    print("| build | wall | CPU | peak RSS | pages/s |")
    print("|---|---:|---:|---:|---:|")
    for label, runs in (("clean, HTML + EPUB", pb.clean), ("clean, HTML only (--no-epub)", html_runs),
                        ("no change", pb.nochange)):
        ok = [r for r in runs if r.ok]
        if ok:
            wall = statistics.median(r.wall for r in ok)
            print(f"| {label} | {wall:.2f} s | {statistics.median(r.cpu for r in ok):.2f} s | "
                  f"{max(r.rss for r in ok):.0f} MB | {pb_pages / wall:,.0f} |")
    diffs = [r.wall - h.wall for r, h in zip(pb.clean, html_runs) if r.ok and h.ok]
    epubs = [os.path.join(d, f) for d, _, fs in os.walk(pb.out) for f in fs if f.endswith(".epub")]
    size = sum(os.path.getsize(p) for p in epubs)
    print()
    print(f"EPUB: {len(epubs)} books, adding {fmt_s(median(diffs))} to a clean build (median of "
          f"per-round differences with --no-epub; the figure compared with Pandoc); "
          f"{size / 1e6:.1f} MB in all, {size / max(len(epubs), 1) / 1e3:.0f} KB per book")
    sys.stdout.flush()
    return {"pages": expected, "per_page": growth}


class _StageRun:
    """A stand-in Run whose wall time is polybook's EPUB stage, for paired ratios."""

    def __init__(self, seconds):
        self.wall = seconds
        self.ok = seconds is not None


def per_page(runs, pages):
    """Median wall seconds per page of the successful runs, or None."""
    walls = [r.wall for r in runs if r.ok]
    return statistics.median(walls) / pages if walls and pages else None


DISPLAY = {"polybook": "polybook", "hugo": "Hugo", "zola": "Zola", "mdbook": "mdBook", "pandoc": "Pandoc"}


def print_growth(results):
    """Growth lines: time per page at each larger size over the one before it."""
    results = sorted(results, key=lambda r: r["pages"])
    for s, l in zip(results, results[1:]):
        if s["pages"] == l["pages"]:
            continue
        print()
        print(f"growth {s['pages']:,} → {l['pages']:,} pages, "
              "time per page at the larger size / at the smaller (clean builds, median wall):")
        parts = []
        for key, label in (("polybook", "polybook HTML + EPUB"), ("polybook-html", "polybook HTML only"),
                           ("hugo", "Hugo"), ("zola", "Zola"), ("mdbook", "mdBook"),
                           ("mdbook-lean", "mdBook without search and print"), ("pandoc", "Pandoc EPUB")):
            a, b = s["per_page"].get((key, "clean")), l["per_page"].get((key, "clean"))
            if a and b:
                parts.append(f"{label} ×{b / a:.2f}")
        print("; ".join(parts))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--langs", type=int, default=16, help="languages (default 16)")
    ap.add_argument("--chapters", type=int, default=100, help="chapters per language (default 100)")
    ap.add_argument("--sizes", help="several chapter counts per language, e.g. 100,400 (overrides --chapters)")
    ap.add_argument("--runs", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--tools", default="polybook," + ",".join(PEERS),
                    help="comma-separated; polybook always runs (it is the baseline)")
    ap.add_argument("--polybook", help="polybook binary (default: cargo build --release)")
    for t in PEERS:
        ap.add_argument(f"--{t}", help=f"{DISPLAY[t]} executable (default: ${t.upper()}, then {t} on PATH"
                        + (", then bench/peers/zola/target/release/zola)" if t == "zola" else ")"))
    ap.add_argument("--pdf", action="store_true",
                    help="also time polybook with its PDF books (HTML + PDF, --no-epub) and, with "
                         "Pandoc and xelatex installed, Pandoc's PDFs through LaTeX")
    ap.add_argument("--jobs", type=int, default=2, help="mdBook and Pandoc processes at a time (default 2)")
    ap.add_argument("--max-busy", type=float,
                    help="before each run, wait (up to 2 min) until other processes use at most this "
                         "share of the cores")
    ap.add_argument("--seed", type=int, help="gen_corpus.py seed")
    ap.add_argument("--corpus", action="append", metavar="DIR",
                    help="time this corpus instead of generating one (repeatable): a folder made by "
                         "the shared benchmark kit (gen_corpus.py --out DIR) or a polybook project")
    ap.add_argument("--out-dir", help="where the tools write their output (default: beside the corpus); "
                    "e.g. /dev/shm, to leave the file system's own costs out of the comparison")
    a = ap.parse_args()
    global PDF
    PDF = a.pdf

    wanted = [t.strip() for t in a.tools.split(",") if t.strip()]
    unknown = [t for t in wanted if t not in PEERS and t != "polybook"]
    if unknown:
        sys.exit(f"unknown tools: {', '.join(unknown)} (known: polybook, {', '.join(PEERS)})")
    exe = a.polybook
    if not exe:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
        exe = os.path.join(REPO, "target", "release", "polybook")
    exes = {"polybook": os.path.abspath(exe)}
    versions = {"polybook": tool_version("polybook", exes["polybook"])}
    tools = []
    for t in PEERS:
        if t not in wanted:
            continue
        path = find_tool(t, getattr(a, t))
        if not path:
            where = getattr(a, t) or os.environ.get(t.upper())
            print(f"note: {DISPLAY[t]} not found{' at ' + where if where else ' on PATH'}"
                  f"{' or at ' + ZOLA_BUILT if t == 'zola' and not where else ''}; skipped",
                  file=sys.stderr)
            continue
        exes[t] = os.path.abspath(path)
        versions[t] = tool_version(t, path)
        tools.append(t)
    skipped = [t for t in PEERS if t in wanted and t not in tools]
    if PDF and "pandoc" in tools and not shutil.which("xelatex"):
        print("note: xelatex not found on PATH; Pandoc's PDF route is not timed (Debian: apt-get "
              "install texlive-xetex texlive-lang-arabic texlive-lang-chinese)", file=sys.stderr)
    if a.corpus:
        roots = [kit_project(c) for c in a.corpus]
    else:
        base = os.path.join(tempfile.gettempdir(), "polybook-bench")
        sizes = [int(s) for s in a.sizes.split(",")] if a.sizes else [a.chapters]
        roots = [ensure_corpus(base, a.langs, chapters, a.seed) for chapters in sizes]

    print("# polybook and its peers")
    print()
    print("; ".join(f"{DISPLAY[t]} {versions[t]}" for t in ["polybook"] + tools)
          + "".join(f"; {DISPLAY[t]} not installed" for t in skipped))
    results = [bench_size(a, exes, versions, tools, skipped, root) for root in roots]
    print_growth(results)


if __name__ == "__main__":
    main()
