#!/usr/bin/env python3
"""Generates a large multilingual polybook project for benchmarks.

    python3 bench/gen_corpus.py --langs 16 --chapters 100 --out DIR

DIR becomes a polybook project (polybook.toml, manuals/bench/) with one manual of
CHAPTERS chapters in LANGS languages. Text is pseudo-words in each language's own
script (Latin, Arabic, Persian, Cyrillic, Han, Ethiopic, Myanmar, Tibetan...), so
sizes and scripts are realistic, and every chapter uses what real manuals use:
headings with ids, lists, a table, a code block, an alert, a footnote, an image,
and links to other chapters with fragments. Same arguments, same files.
Standard library only.
"""
import argparse
import os
import random

# (code, letters, word separator, syllables per word)
SCRIPTS = [
    ("en", "abcdefghijklmnoprstuvwy", " ", (1, 3)),
    ("es", "abcdefgilmnoprstuvñáéíóú", " ", (1, 3)),
    ("fr", "abcdefgilmnoprstuvçéèêàô", " ", (1, 3)),
    ("ar", "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", " ", (1, 2)),
    ("fa", "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی", " ", (1, 2)),
    ("ru", "абвгдежзиклмнопрстуфхцчшыэюя", " ", (1, 3)),
    ("zh", "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长", "", (2, 4)),
    ("am", "ሀለሐመሠረሰሸቀበተቸኀነኘአከኸወዐዘዠየደጀገጠጨጰጸፀፈፐ", " ", (1, 3)),
    ("my", "ကခဂဃငစဆဇဈညဋဌဍဎဏတထဒဓနပဖဗဘမယရလဝသဟဠအ", "", (2, 4)),
    ("bo", "ཀཁགངཅཆཇཉཏཐདནཔཕབམཙཚཛཝཞཟའཡརལཤསཧཨ", "་", (1, 2)),
    ("pt", "abcdefgilmnoprstuvçãõáéó", " ", (1, 3)),
    ("tr", "abcdefgilmnoprstuvçğşıöü", " ", (1, 3)),
    ("vi", "abcdeghiklmnopqrstuvxyăâêôơưđàáảãạ", " ", (1, 2)),
    ("de", "abcdefghiklmnoprstuvwzäöüß", " ", (1, 3)),
    ("id", "abcdefghijklmnoprstuwy", " ", (1, 3)),
    ("sw", "abcdefghijklmnoprstuwyz", " ", (1, 3)),
]
VOWEL_SIGNS = {"my": "ါာိီုူေဲ", "am": "", "bo": "ིེོུ"}


VOCABULARY_SIZE = 6000
_vocabularies = {}


def vocabulary(code, letters, syl):
    """A fixed vocabulary per language with Zipf-like weights: short words are
    frequent, long ones rare, as in real text."""
    if code not in _vocabularies:
        rng = random.Random(f"vocabulary-{code}")
        seen = set()
        while len(seen) < VOCABULARY_SIZE:
            w = "".join(rng.choice(letters) for _ in range(rng.randint(2, 3) * rng.randint(*syl)))
            if code in VOWEL_SIGNS and VOWEL_SIGNS[code]:
                w = w[0] + rng.choice(VOWEL_SIGNS[code]) + w[1:]
            seen.add(w)
        ranked = sorted(seen, key=lambda w: (len(w), w))
        weights = [1.0 / (rank + 2) for rank in range(len(ranked))]
        _vocabularies[code] = (ranked, weights)
    return _vocabularies[code]


def words(rng, code, letters, sep, syl, n):
    ranked, weights = vocabulary(code, letters, syl)
    out = rng.choices(ranked, weights=weights, k=n)
    return sep.join(out) if sep else "".join(out)


def chapter(rng, lang, idx, total):
    code, letters, sep, syl = lang
    w = lambda n: words(rng, code, letters, sep, syl, n)
    cid = f"c{idx:03d}"
    lines = ["+++", f'description = "{w(8)}"', "+++", f"# {w(3)} {{#{cid}}}", ""]
    sections = rng.randint(4, 6)
    for s in range(1, sections + 1):
        lines += [f"## {w(3)} {{#{cid}-s{s}}}", ""]
        for _ in range(rng.randint(2, 4)):
            lines += [f"{w(40)} *{w(2)}* **{w(2)}** `{w(1)}` {w(30)}.", ""]
        if s == 1:
            lines += [f"- {w(6)}" for _ in range(4)] + [""]
            lines += ["| " + " | ".join(w(1) for _ in range(3)) + " |", "| --- | --- | --- |"]
            lines += ["| " + " | ".join(w(2) for _ in range(3)) + " |" for _ in range(4)] + [""]
        if s == 2:
            lines += ["```bash", "sha256sum download.iso", "gpg --verify download.iso.sig download.iso", "```", ""]
            lines += ["> [!WARNING]", f"> {w(20)}", ""]
            lines += [f"![{w(4)}](../media/fig{idx % 4 + 1}.svg)", ""]
        if s == 3:
            for _ in range(3):
                t = rng.randint(1, total)
                frag = f"#c{t:03d}-s{rng.randint(1, 4)}" if rng.random() < 0.5 else ""
                lines += [f"{w(10)} [{w(2)}](ch{t:03d}.md{frag}) {w(10)}.", ""]
            lines += [f"{w(15)}.[^{cid}-1]", ""]
        lines += [f"### {w(2)}", "", f"1. {w(8)}", f"2. {w(8)}", ""]
    lines += [f"[^{cid}-1]: {w(12)}", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--langs", type=int, default=16)
    ap.add_argument("--chapters", type=int, default=100)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    langs = SCRIPTS[: a.langs]
    root = a.out
    manual = os.path.join(root, "manuals", "bench")
    os.makedirs(os.path.join(manual, "media"), exist_ok=True)
    codes = ", ".join(f'"{l[0]}"' for l in langs)
    with open(os.path.join(root, "polybook.toml"), "w", encoding="utf-8") as f:
        f.write(f'title = "Benchmark"\nsource_language = "en"\nlanguages = [{codes}]\n')
    ids = [f"ch{i:03d}" for i in range(1, a.chapters + 1)]
    with open(os.path.join(manual, "manual.toml"), "w", encoding="utf-8") as f:
        f.write('title = "Benchmark manual"\n')
        for p in range(0, len(ids), 20):
            chunk = ", ".join(f'"{c}"' for c in ids[p : p + 20])
            f.write(f'\n[[parts]]\ntitle = "Part {p // 20 + 1}"\nchapters = [{chunk}]\n')
    for k in range(1, 5):
        with open(os.path.join(manual, "media", f"fig{k}.svg"), "w") as f:
            f.write(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" role="img"><title>Figure {k}</title>'
                    f'<rect width="{10 * k}" height="20" fill="#357"/></svg>\n')
    for lang in langs:
        d = os.path.join(manual, lang[0])
        os.makedirs(d, exist_ok=True)
        for i in range(1, a.chapters + 1):
            rng = random.Random(f"{a.seed}-{lang[0]}-{i}")
            with open(os.path.join(d, f"ch{i:03d}.md"), "w", encoding="utf-8") as f:
                f.write(chapter(rng, lang, i, a.chapters))
    print(f"{root}: {len(langs)} languages x {a.chapters} chapters")


if __name__ == "__main__":
    main()
