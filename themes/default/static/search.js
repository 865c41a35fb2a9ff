// Offline search for polybook sites. Progressive enhancement: without this
// script the search box stays hidden and every page reads as before. The index
// is a script file (<lang>/search-index.js, with its parts and chunks beside
// it), so it loads from file:// as well as over HTTP, and nothing is sent
// anywhere.
(function () {
  "use strict";
  var box = document.querySelector(".search[data-index]");
  if (!box) return;
  var input = box.querySelector("input");
  var list = box.querySelector(".search-results");
  var status = box.querySelector(".search-status");
  var root = box.getAttribute("data-root") || "";
  var index = null;
  var loading = false;
  var pending = null;
  box.hidden = false;

  // --- Normalisation and terms: the same rules as src/search/. ---
  function mapChar(c) {
    var n = c.codePointAt(0);
    if (n >= 0x300 && n <= 0x36f) return "";
    if ((n >= 0x64b && n <= 0x65f) || n === 0x670 || (n >= 0x6d6 && n <= 0x6ed) || n === 0x640) return "";
    if ((n >= 0x200b && n <= 0x200f) || n === 0xad || n === 0xfeff || n === 0x2060) return "";
    if (n === 0x622 || n === 0x623 || n === 0x625 || n === 0x671) return "\u0627";
    if (n === 0x649 || n === 0x6cc || n === 0x6d2 || n === 0x626) return "\u064a";
    if (n === 0x6a9) return "\u0643";
    if (n === 0x629) return "\u0647";
    if (n === 0x624) return "\u0648";
    if (n >= 0x660 && n <= 0x669) return String.fromCharCode(48 + n - 0x660);
    if (n >= 0x6f0 && n <= 0x6f9) return String.fromCharCode(48 + n - 0x6f0);
    return c.toLowerCase();
  }
  function normalise(text) {
    var out = "";
    for (var c of text.normalize("NFKD")) out += mapChar(c);
    return out.normalize("NFC");
  }
  function spaceless(c) {
    var n = c.codePointAt(0);
    return (n >= 0xe00 && n <= 0xeff) || (n >= 0xf00 && n <= 0xfff) || (n >= 0x1000 && n <= 0x109f) ||
      (n >= 0x1780 && n <= 0x17ff) || (n >= 0x3040 && n <= 0x30ff) || (n >= 0x3400 && n <= 0x4dbf) ||
      (n >= 0x4e00 && n <= 0x9fff) || (n >= 0xf900 && n <= 0xfaff) || (n >= 0x20000 && n <= 0x2ffff) ||
      (n >= 0xaa60 && n <= 0xaa7f) || (n >= 0xa9e0 && n <= 0xa9ff);
  }
  function separator(c) {
    var n = c.codePointAt(0);
    return n === 0xf0b || (n >= 0xf0d && n <= 0xf12) || n === 0x104a || n === 0x104b || n === 0xe2f || n === 0xe5a || n === 0xe5b;
  }
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;
  function words(text) {
    if (segmenter) {
      var out = [];
      for (var s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
      return out;
    }
    return text.split(/[^\p{L}\p{N}\p{M}_]+/u).filter(Boolean);
  }
  function terms(norm) {
    var out = [];
    words(norm).forEach(function (w) {
      if (!Array.from(w).some(spaceless)) out.push(w);
    });
    var chars = Array.from(norm);
    for (var i = 0; i < chars.length; ) {
      if (!spaceless(chars[i])) { i++; continue; }
      var start = i;
      while (i < chars.length && spaceless(chars[i]) && !separator(chars[i])) i++;
      var run = chars.slice(start, i);
      if (run.length === 0) i++;
      else if (run.length === 1) out.push(run[0]);
      else for (var j = 0; j + 1 < run.length; j++) out.push(run[j] + run[j + 1]);
    }
    return out;
  }

  // --- Ranking: BM25 over sections; title and heading words weigh more. ---
  // Postings come as text (src/search/codec.rs): self-delimiting numbers whose
  // last digit is a letter (A-Z, a-z: 0 to 51) and whose digits before it
  // are base 36, lowest first. First the gaps between sections, then, after
  // "~", pairs of (gap between weighted postings, weight less 2).
  var LAST = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  var MORE = "0123456789!#$%&()*+-./:;<=>?@[]^_{|}";
  var digit = {};
  for (var i = 0; i < LAST.length; i++) digit[LAST[i]] = [i, true];
  for (i = 0; i < MORE.length; i++) digit[MORE[i]] = [i, false];
  function numbers(text) {
    var out = [], n = 0, place = 1;
    for (var k = 0; k < text.length; k++) {
      var d = digit[text[k]];
      n += d[0] * place;
      if (d[1]) { out.push(n); n = 0; place = 1; } else place *= 36;
    }
    return out;
  }
  function decode(text) {
    var cut = text.indexOf("~");
    var out = [], doc = -1, at = -1;
    numbers(cut < 0 ? text : text.slice(0, cut)).forEach(function (gap) {
      doc += gap + 1;
      out.push(doc, 1);
    });
    var weights = cut < 0 ? [] : numbers(text.slice(cut + 1));
    for (var k = 0; k + 1 < weights.length; k += 2) {
      at += weights[k] + 1;
      out[2 * at + 1] = weights[k + 1] + 2;
    }
    return out;
  }
  // A term table: sorted, front-coded terms (a base-36 digit for the UTF-16
  // units shared with the term before, then the rest) and their postings.
  // A large index comes in parts, a term in the part a hash of its first two
  // code units names (src/search/index.rs, part_of); a part is loaded when a query
  // needs one of its terms. A small index holds its table itself.
  var tables = {}, requested = {};
  function table(data) {
    var where = new Map(), vocabulary = [], previous = "";
    data.terms.forEach(function (entry, k) {
      var term = previous.slice(0, parseInt(entry[0], 36)) + entry.slice(1);
      where.set(term, k);
      vocabulary.push(term);
      previous = term;
    });
    return { where: where, vocabulary: vocabulary, postings: data.postings, decoded: new Map() };
  }
  function partOf(term) {
    if (!index.parts) return 0;
    var a = term.charCodeAt(0), b = term.length > 1 ? term.charCodeAt(1) : 0;
    var h = Math.imul(a ^ Math.imul(b, 0x85EBCA6B), 0x9E3779B1) >>> 0;
    return (h >>> 16) % index.parts;
  }
  window.polybookSearchPart = function (data) {
    if (index && data.lang === index.lang) tables[data.part] = table(data);
  };
  // Loads the parts `query` needs that are not there yet; calls `then` when
  // one arrives. Returns whether any is still to come.
  function fetchParts(query, then) {
    var waiting = false;
    terms(normalise(query)).forEach(function (t) {
      var k = partOf(t);
      if (tables[k]) return;
      waiting = true;
      if (requested[k]) return;
      requested[k] = true;
      var s = document.createElement("script");
      s.src = box.getAttribute("data-index").replace(/\.js$/, "-" + k + ".js");
      // A part that cannot be loaded, or that does not register itself,
      // counts as empty, so that the search ends.
      var done = function () {
        if (!tables[k]) tables[k] = table({ terms: [], postings: [] });
        then();
      };
      s.onerror = done;
      s.onload = done;
      document.head.appendChild(s);
    });
    return waiting;
  }
  function lookup(term) {
    var t = tables[partOf(term)];
    if (!t) return null;
    if (!t.decoded.has(term)) t.decoded.set(term, t.where.has(term) ? decode(t.postings[t.where.get(term)]) : null);
    return t.decoded.get(term);
  }
  function postingsFor(term) {
    var p = lookup(term);
    if (p) return p;
    // The word being typed: complete it from the vocabulary.
    if (Array.from(term).length < 3 || Array.from(term).some(spaceless)) return null;
    var merged = {};
    var found = false;
    var vocabulary = tables[partOf(term)].vocabulary;
    for (var v = 0; v < vocabulary.length; v++) {
      var t = vocabulary[v];
      if (t.lastIndexOf(term, 0) === 0) {
        found = true;
        var q = lookup(t);
        for (var k = 0; k < q.length; k += 2) merged[q[k]] = (merged[q[k]] || 0) + q[k + 1];
      }
    }
    if (!found) return null;
    var flat = [];
    Object.keys(merged).forEach(function (d) { flat.push(+d, merged[d]); });
    return flat;
  }
  function search(query) {
    var qterms = terms(normalise(query));
    if (!qterms.length) return [];
    var n = index.lengths.length;
    var avg = index.lengths.reduce(function (a, b) { return a + b; }, 0) / Math.max(n, 1);
    var scores = {};
    var hits = {};
    // Character pairs found almost everywhere do not narrow the search.
    var stop = new Set(index.stop || []);
    var unique = Array.from(new Set(qterms)).filter(function (t) { return !stop.has(t); });
    if (!unique.length) return [];
    unique.forEach(function (t) {
      var p = postingsFor(t);
      if (!p) return;
      var df = p.length / 2;
      var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (var k = 0; k < p.length; k += 2) {
        var d = p[k], tf = p[k + 1], len = index.lengths[d] || 1;
        scores[d] = (scores[d] || 0) + idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len / avg));
        hits[d] = (hits[d] || 0) + 1;
      }
    });
    var docs = Object.keys(scores).map(Number);
    // Every term must match; fall back to any term when none matches all.
    var all = docs.filter(function (d) { return hits[d] === unique.length; });
    if (all.length) docs = all;
    docs.sort(function (a, b) { return scores[b] - scores[a] || a - b; });
    return docs.slice(0, 10);
  }

  // --- Display. ---
  function snippet(text, query) {
    // Map every character of the excerpt to its normalised form, find the
    // query's words there, and mark them in the original text.
    var orig = Array.from(text);
    var norm = "", starts = [];
    orig.forEach(function (c, i) { var m = normalise(c); for (var k = 0; k < m.length; k++) starts.push(i); norm += m; });
    var marks = [];
    words(normalise(query)).concat(Array.from(normalise(query)).some(spaceless) ? [normalise(query).replace(/\s+/g, "")] : [])
      .forEach(function (w) {
        if (!w) return;
        var at = norm.indexOf(w);
        if (at >= 0) marks.push([starts[at], starts[at + w.length - 1] + 1]);
      });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var frag = document.createDocumentFragment();
    var from = marks.length ? Math.max(0, marks[0][0] - 60) : 0;
    if (from > 0) frag.appendChild(document.createTextNode("… "));
    var pos = from;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      frag.appendChild(document.createTextNode(orig.slice(pos, m[0]).join("")));
      var mark = document.createElement("mark");
      mark.textContent = orig.slice(m[0], m[1]).join("");
      frag.appendChild(mark);
      pos = m[1];
    });
    var end = Math.min(orig.length, Math.max(pos + 120, from + 160));
    frag.appendChild(document.createTextNode(orig.slice(pos, end).join("") + (end < orig.length ? " …" : "")));
    return frag;
  }
  // What a result shows: its chapter (address, title, 1 for a fallback)
  // from the first file, and its heading id, heading and excerpt from the
  // text, which a large index holds in chunks of `index.chunk` consecutive
  // sections (<lang>/search-text-<n>.js), each loaded when one of its
  // sections is shown. Until its chunk is in, a result shows its chapter's
  // title and links to the chapter; its snippet is filled in place.
  var chunks = {}, chunkRequested = {}, chapterOf = null;
  function textOf(d) {
    if (!index.chunk) return index.text[d];
    var c = chunks[Math.floor(d / index.chunk)];
    return c ? c[d % index.chunk] || ["", "", ""] : null;
  }
  window.polybookSearchText = function (data) {
    if (index && data.lang === index.lang) chunks[data.chunk] = data.text;
  };
  function fetchChunk(d) {
    var k = Math.floor(d / index.chunk);
    if (chunks[k] || chunkRequested[k]) return;
    chunkRequested[k] = true;
    var s = document.createElement("script");
    s.src = box.getAttribute("data-index").replace(/search-index\.js$/, "search-text-" + k + ".js");
    // A chunk that cannot be loaded counts as empty: its results keep
    // their chapter's title and lose their snippet.
    var done = function () {
      if (!chunks[k]) chunks[k] = [];
      fill();
    };
    s.onerror = done;
    s.onload = done;
    document.head.appendChild(s);
  }
  var shown = [], chunkTimer = null;
  function fill() {
    shown.forEach(function (r) {
      if (r.filled) return;
      var text = textOf(r.doc);
      if (!text) return;
      r.filled = true;
      var chapter = index.chapters[chapterOf[r.doc]];
      if (text[0]) r.a.href = root + chapter[0] + "#" + text[0];
      if (text[1]) r.title.textContent = chapter[1] + " › " + text[1];
      r.snip.classList.remove("pending");
      r.snip.appendChild(snippet(text[2], r.query));
    });
  }
  function show(query) {
    clearTimeout(chunkTimer);
    if (query.trim() && fetchParts(query, function () { show(input.value); })) {
      // Until the parts this query needs are in, show nothing rather than
      // the results of what was typed before.
      list.textContent = "";
      status.textContent = "";
      shown = [];
      return;
    }
    list.textContent = "";
    shown = [];
    if (!query.trim()) { status.textContent = ""; return; }
    var found = search(query);
    status.textContent = found.length ? box.getAttribute("data-results") + " " + found.length
      : box.getAttribute("data-none") + " “" + query + "”";
    found.forEach(function (d) {
      var chapter = index.chapters[chapterOf[d]];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + chapter[0];
      if (chapter[2]) a.lang = index.source;
      var title = document.createElement("span");
      title.className = "search-title";
      title.textContent = chapter[1];
      a.appendChild(title);
      if (chapter[2]) {
        var badge = document.createElement("span");
        badge.className = "badge";
        badge.lang = document.documentElement.lang;
        badge.textContent = box.getAttribute("data-fallback");
        a.appendChild(badge);
      }
      var snip = document.createElement("span");
      snip.className = "search-snippet pending";
      a.appendChild(snip);
      li.appendChild(a);
      list.appendChild(li);
      shown.push({ doc: d, a: a, title: title, snip: snip, query: query, filled: false });
    });
    fill();
    // Chunks are asked for once typing pauses, so that the results of a
    // word half typed cost nothing.
    if (index.chunk) chunkTimer = setTimeout(function () { found.forEach(fetchChunk); }, 150);
  }
  function load(then) {
    if (index) return then();
    pending = then;
    if (loading) return;
    loading = true;
    var s = document.createElement("script");
    s.src = box.getAttribute("data-index");
    s.onload = function () {
      var data = window.polybookSearchIndex;
      data.lengths = numbers(data.lengths);
      // Each section's chapter: the chapters list how many sections each has.
      chapterOf = new Uint32Array(data.lengths.length);
      var d = 0;
      data.chapters.forEach(function (c, k) {
        for (var j = 0; j < c[3]; j++) chapterOf[d++] = k;
      });
      index = data;
      if (!index.parts) tables[0] = table(index);
      if (pending) pending();
    };
    document.head.appendChild(s);
  }
  input.addEventListener("focus", function () { load(function () {}); });
  input.addEventListener("input", function () { load(function () { show(input.value); }); });
  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
  box.addEventListener("keydown", function (e) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && all.length) {
      e.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (e.key === "ArrowUp" && at >= 0) {
      e.preventDefault();
      if (at === 0) input.focus(); else all[at - 1].focus();
    } else if (e.key === "Escape") {
      input.value = "";
      show("");
      input.focus();
    }
  });
})();
