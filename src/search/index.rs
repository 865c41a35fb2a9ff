//! One language's index: the vocabulary, the postings of every section, the
//! stop terms and the split of a large term table into parts.

use super::*;
use crate::model::{ChapterRef, Project, Source, urls};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use unicode_normalization::char::{canonical_combining_class, compose, decompose_compatible};
use unicode_width::UnicodeWidthChar;

/// Columns of a section's text kept for snippets.
pub(super) const EXCERPT_COLUMNS: usize = 160;

/// A term table (terms and postings) larger than this is split into
/// parts, so that a reader on a slow connection loads only the parts the
/// query needs.
pub(super) const PART_SPLIT_BYTES: usize = 256 * 1024;

/// The size aimed at for each part of a split term table: about 50 KB
/// gzipped for Chinese, whose tables are the largest.
pub(super) const PART_BYTES: usize = 128 * 1024;

/// Text shown for results (the sections' heading ids, headings and
/// excerpts) larger than this is moved out of the first file into chunks,
/// each loaded when one of its sections is shown as a result: what ranks
/// the sections (their lengths, and the chapters' titles and addresses)
/// stays in the first file.
pub(super) const TEXT_SPLIT_BYTES: usize = 128 * 1024;

/// The size aimed at for each chunk of shown text: about 3 KB gzipped for
/// Latin text, 5 KB for Chinese.
pub(super) const CHUNK_BYTES: usize = 8 * 1024;

/// A character pair found in more than this share of sections says nothing
/// about where to look; it is listed as a stop term instead of indexed.
pub(super) const STOP_SHARE: f64 = 0.5;

/// The terms of a language, each with a number, and the terms of every
/// short whitespace-separated chunk of text seen so far: normalising and
/// segmenting each distinct word once instead of at every occurrence.
/// Splitting at whitespace does not change the terms (whitespace separates
/// words and ends runs of spaceless scripts), only their order, which
/// counting ignores.
#[derive(Default)]
pub(super) struct Vocabulary {
    pub(super) ids: FxHashMap<Box<str>, u32>,
    /// Ids of terms of one or two characters (most of them the character
    /// pairs of spaceless scripts), by the characters themselves.
    pub(super) short: ShortTable,
    pub(super) terms: Terms,
    pub(super) chunks: ChunkTable,
    pub(super) scratch: Vec<u32>,
}

/// The terms of a language by id, one after another in one string: a
/// string of its own for each of the hundreds of thousands of Chinese
/// character pairs took an allocation and twice the memory.
#[derive(Default)]
pub(super) struct Terms {
    text: String,
    /// Where each term ends in `text`.
    ends: Vec<usize>,
}

impl Terms {
    /// Adds term `t`; gives its id.
    pub(super) fn push(&mut self, t: &str) -> u32 {
        self.text.push_str(t);
        self.ends.push(self.text.len());
        self.ends.len() as u32 - 1
    }

    /// The term of id `id`.
    pub(super) fn get(&self, id: u32) -> &str {
        let id = id as usize;
        let start = if id == 0 { 0 } else { self.ends[id - 1] };
        &self.text[start..self.ends[id]]
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }
}

/// The terms of each short chunk seen so far, packed so that a lookup
/// touches two places in memory: a slot of 8 bytes (part of the chunk's
/// hash, and where its entry starts) and the entry, which holds the
/// chunk's bytes and its terms' ids side by side. A language's tens of
/// thousands of distinct words then fit in a core's second-level cache,
/// where a map of boxed strings to ranges of a separate list of ids took
/// three times the room and three cache misses a lookup.
#[derive(Default)]
pub(super) struct ChunkTable {
    /// Open addressing with linear probing: 0 is empty, else the upper
    /// half is the hash's upper half (never 0) and the lower half the
    /// entry's offset in `entries`.
    slots: Vec<u64>,
    len: usize,
    /// Each entry: the chunk's length, its number of terms, its bytes, and
    /// each term's id as four little-endian bytes.
    entries: Vec<u8>,
}

impl ChunkTable {
    fn hash(chunk: &[u8]) -> u64 {
        use std::hash::Hasher;
        let mut h = rustc_hash::FxHasher::default();
        h.write(chunk);
        h.finish()
    }

    /// The tag kept in a slot for a chunk of hash `h`: never 0.
    fn tag(h: u64) -> u64 {
        (h | 1 << 63) & !0xFFFF_FFFF
    }

    /// The terms of `chunk`, if it was inserted.
    #[inline]
    pub(super) fn get(&self, chunk: &[u8]) -> Option<impl Iterator<Item = u32> + '_> {
        if self.slots.is_empty() {
            return None;
        }
        let h = Self::hash(chunk);
        let (tag, mask) = (Self::tag(h), self.slots.len() - 1);
        let mut i = h as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            if slot & !0xFFFF_FFFF == tag {
                let at = (slot & 0xFFFF_FFFF) as usize;
                let (len, n) = (self.entries[at] as usize, self.entries[at + 1] as usize);
                let key = &self.entries[at + 2..at + 2 + len];
                if key == chunk {
                    let ids = &self.entries[at + 2 + len..at + 2 + len + 4 * n];
                    return Some(
                        ids.chunks_exact(4)
                            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
                    );
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Remembers the terms of `chunk`, which is not in the table yet, unless
    /// it or its terms are too many to describe in an entry.
    pub(super) fn insert(&mut self, chunk: &[u8], ids: &[u32]) {
        let (Ok(len), Ok(n)) = (u8::try_from(chunk.len()), u8::try_from(ids.len())) else {
            return;
        };
        let Ok(at) = u32::try_from(self.entries.len()) else {
            return;
        };
        if (self.len + 1) * 10 > self.slots.len() * 7 {
            self.grow();
        }
        self.entries.extend_from_slice(&[len, n]);
        self.entries.extend_from_slice(chunk);
        for id in ids {
            self.entries.extend_from_slice(&id.to_le_bytes());
        }
        self.place(Self::hash(chunk), at);
        self.len += 1;
    }

    fn place(&mut self, h: u64, at: u32) {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = Self::tag(h) | u64::from(at);
    }

    /// Twice the slots (at least 4,096), the entries placed again.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(4096);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        for slot in old.into_iter().filter(|&s| s != 0) {
            let at = (slot & 0xFFFF_FFFF) as usize;
            let len = self.entries[at] as usize;
            let h = Self::hash(&self.entries[at + 2..at + 2 + len]);
            self.place(h, at as u32);
        }
    }
}

/// The ids of terms of one or two characters by their key
/// ([`Vocabulary::short_key`], 42 bits): open addressing with linear
/// probing over slots that each hold the key plus one and the id (22
/// bits), or 0, so that a lookup reads one place in memory. The Chinese
/// text of a large manual has hundreds of thousands of distinct character
/// pairs, met millions of times; a map of keys to ids read two places
/// (its control bytes and its bucket). Ids from 2^22 on, which do not fit
/// beside the key, are kept in `overflow`.
#[derive(Default)]
pub(super) struct ShortTable {
    slots: Vec<u64>,
    len: usize,
    overflow: FxHashMap<u64, u32>,
}

impl ShortTable {
    /// The id of the term of key `key`, made by `new` when it has none yet.
    #[inline(always)]
    pub(super) fn id_or_insert(&mut self, key: u64, new: impl FnOnce() -> u32) -> u32 {
        if self.slots.is_empty() {
            self.slots = vec![0; SHORT_SLOTS_FIRST];
        }
        let mask = self.slots.len() - 1;
        let kept = (key + 1) << 22;
        let mut i = Self::place(key, self.slots.len());
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                break;
            }
            if slot & !0x3F_FFFF == kept {
                return (slot & 0x3F_FFFF) as u32;
            }
            i = (i + 1) & mask;
        }
        if let Some(&id) = self.overflow.get(&key) {
            return id;
        }
        let id = new();
        if id >= 1 << 22 {
            self.overflow.insert(key, id);
            return id;
        }
        self.slots[i] = kept | u64::from(id);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.grow();
        }
        id
    }

    /// The slot a key is looked for first in, among `size` (a power of two).
    #[inline(always)]
    fn place(key: u64, size: usize) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - size.trailing_zeros())) as usize
    }

    /// Twice the slots, the kept ones placed again.
    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        for slot in old.into_iter().filter(|&s| s != 0) {
            let mut i = Self::place((slot >> 22) - 1, size);
            while self.slots[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            self.slots[i] = slot;
        }
    }

    /// How many terms the table holds.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len + self.overflow.len()
    }
}

/// The slots of a [`ShortTable`] when its first term comes (32 KB).
const SHORT_SLOTS_FIRST: usize = 4096;

/// Punctuation that ends a run of a spaceless script and that
/// normalisation turns into punctuation again (a unit test checks each):
/// ASCII, general and CJK punctuation, and fullwidth forms of ASCII
/// punctuation.
pub(super) fn is_run_break(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0x2010..=0x2027 | 0x2030..=0x205E | 0x3001..=0x3003 | 0x3008..=0x3011
            | 0x3014..=0x301F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40
            | 0xFF5B..=0xFF64)
}

/// Chunks longer than this (runs of spaceless scripts) are not remembered.
pub(super) const CHUNK_CACHE_BYTES: usize = 48;

impl Vocabulary {
    /// The id of a term of one or two characters, `a` and `b`; `t` gives
    /// the term's text, only when it is new.
    #[inline(always)]
    pub(super) fn short_id<'t>(
        short: &mut ShortTable,
        terms: &mut Terms,
        a: char,
        b: Option<char>,
        t: impl FnOnce() -> &'t str,
    ) -> u32 {
        short.id_or_insert(Self::short_key(a, b), || terms.push(t()))
    }

    /// The key of a term of one or two characters in [`Vocabulary::short`],
    /// below 2^42. A character is below 2^21; the second place is 2^21 - 1
    /// for a term of one character.
    #[inline(always)]
    fn short_key(a: char, b: Option<char>) -> u64 {
        (u64::from(a) << 21) | b.map_or(0x1F_FFFF, u64::from)
    }

    pub(super) fn id(
        ids: &mut FxHashMap<Box<str>, u32>,
        short: &mut ShortTable,
        terms: &mut Terms,
        t: &str,
    ) -> u32 {
        let mut chars = t.chars();
        if let (Some(a), b, None) = (chars.next(), chars.next(), chars.next()) {
            return Self::short_id(short, terms, a, b, || t);
        }
        if let Some(&id) = ids.get(t) {
            return id;
        }
        let id = terms.push(t);
        ids.insert(t.into(), id);
        id
    }

    pub(super) fn chunk_terms(&mut self, chunk: &str) -> &[u32] {
        self.scratch.clear();
        if let Some(ids) = self.chunks.get(chunk.as_bytes()) {
            self.scratch.extend(ids);
            return &self.scratch;
        }
        if self.spaceless_run(chunk) {
            return &self.scratch;
        }
        let normalised = normalise(chunk);
        let (ids, short, terms) = (&mut self.ids, &mut self.short, &mut self.terms);
        let scratch = &mut self.scratch;
        for_each_term(&normalised, |t| {
            scratch.push(Self::id(ids, short, terms, t));
        });
        if chunk.len() <= CHUNK_CACHE_BYTES {
            self.chunks.insert(chunk.as_bytes(), &self.scratch);
        }
        &self.scratch
    }

    /// The common case of Chinese, Burmese or Tibetan text: a chunk made
    /// of characters of the scripts written without spaces, which
    /// normalisation leaves as they are, and punctuation. Its terms are the
    /// character pairs of its runs between separators and punctuation (or
    /// a run's one character), as [`for_each_term`] gives them, found in
    /// one pass over the chunk, without copying it.
    ///
    /// Those scripts have no case and nothing that [`normalise`] folds or
    /// removes, so their text is unchanged when it is already in NFKD and
    /// NFC: none of its characters decomposes, its combining marks are in
    /// canonical order, and none of them composes with the character it
    /// follows. Han and most Burmese and Tibetan letters pass at once
    /// ([`is_stable`]); the others are checked against the Unicode data,
    /// erring on the side of "no" (Japanese kana and compatibility
    /// ideographs are left to `normalise`).
    ///
    /// Returns false, with nothing in `scratch`, for any other chunk. The
    /// vocabulary may have gained pairs from before the character that
    /// failed: terms without postings, left out of the index.
    pub(super) fn spaceless_run(&mut self, chunk: &str) -> bool {
        // The previous character of the current run and where it starts,
        // and whether the run has given a pair. A full stop after the end
        // closes the last run.
        let mut last: Option<(char, usize)> = None;
        let mut paired = false;
        let mut run_start = 0;
        // For the check of characters that are not stable: the last
        // starter and the combining class of the character before.
        let mut starter: Option<char> = None;
        let mut previous_class = 0;
        for (i, c) in chunk.char_indices().chain([(chunk.len(), '.')]) {
            let fast = match c as u32 {
                // Han, by far the most common, first.
                0x4E00..=0x9FFF | 0x3400..=0x4DBF => Some(false),
                _ if !c.is_ascii() && is_stable(c) && is_spaceless(c) => Some(is_separator(c)),
                _ if is_run_break(c) => Some(true),
                _ => None,
            };
            let breaks = match (fast, c as u32) {
                (Some(breaks), _) => {
                    starter = Some(c);
                    previous_class = 0;
                    breaks
                }
                (None, 0x0E00..=0x109F | 0x1780..=0x17FF) => {
                    let mut decomposes = false;
                    decompose_compatible(c, |d| decomposes |= d != c);
                    let class = canonical_combining_class(c);
                    if decomposes
                        || (class != 0 && class < previous_class)
                        || starter.is_some_and(|s| compose(s, c).is_some())
                    {
                        self.scratch.clear();
                        return false;
                    }
                    if class == 0 {
                        starter = Some(c);
                    }
                    previous_class = class;
                    is_separator(c)
                }
                _ => {
                    self.scratch.clear();
                    return false;
                }
            };
            if breaks {
                if let Some((a, _)) = last.take()
                    && !paired
                {
                    let id = Self::short_id(&mut self.short, &mut self.terms, a, None, || {
                        &chunk[run_start..i]
                    });
                    self.scratch.push(id);
                }
                continue;
            }
            match last {
                None => {
                    run_start = i;
                    paired = false;
                }
                Some((a, at)) => {
                    let end = i + c.len_utf8();
                    let id = Self::short_id(&mut self.short, &mut self.terms, a, Some(c), || {
                        &chunk[at..end]
                    });
                    self.scratch.push(id);
                    paired = true;
                }
            }
            last = Some((c, i));
        }
        true
    }
}

/// The start of a section's text, with runs of whitespace as one space, up to
/// [`EXCERPT_COLUMNS`]: wide characters (Chinese, Japanese, Korean) count
/// as two, as they take twice the room of a Latin letter in a snippet.
pub(super) fn excerpt(text: &str) -> String {
    // A character takes at most 4 bytes and at least one column.
    let mut out = String::with_capacity(text.len().min(4 * EXCERPT_COLUMNS + 1));
    let mut columns = 0;
    for word in text.split_whitespace() {
        if columns >= EXCERPT_COLUMNS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            columns += 1;
        }
        for c in word.chars() {
            if columns >= EXCERPT_COLUMNS {
                break;
            }
            out.push(c);
            columns += c.width().unwrap_or(0).max(1);
        }
    }
    out
}

/// The search index of one language.
pub fn index_script(project: &Project, lang: &str) -> Index {
    index_script_from(project, lang, &mut |_, src| {
        Cow::Owned(sections(src.body(), &src.anchors.ids))
    })
}

/// [`index_script`], given each chapter's sections: `sections` is called
/// once per chapter, in reading order, with the chapter and the text shown
/// for it in `lang` (its translation or the fallback source); it may lend
/// sections made earlier (by the body render) or make them.
pub fn index_script_from<'s>(
    project: &Project,
    lang: &str,
    sections: &mut dyn FnMut(ChapterRef, &Source) -> Cow<'s, [Section]>,
) -> Index {
    let Gathered {
        chapters,
        text,
        mut vocab,
        mut pairs,
        ends,
        lengths,
        ..
    } = Gathered::read(project, lang, sections);
    // The shown text is written into its files first, so that its entries
    // are not held beside the term table and its parts (near the build's
    // peak of memory while the Chinese index, the largest, is made).
    let per_chunk = sections_per_chunk(&text);
    let sections = text.len();
    let (end, chunks) = shown_text(lang, text, per_chunk);
    // Only the terms are needed from here on; the maps that found them
    // (the Chinese pairs' alone is 8 MB) are let go before they are sorted.
    let terms = std::mem::take(&mut vocab.terms);
    drop(vocab);
    let arena = in_order(&terms, &mut pairs);
    drop(terms);
    let sorted = arena.terms();
    let postings = Postings::sort(pairs, &ends, sorted.len());
    let table = TermTable::encode(&sorted, &postings, sections);
    drop(postings);
    let parts = table.parts();
    let tables = table.split(parts);
    let stop = serde_json::to_string(&table.stop).expect("strings serialise");
    drop(table);
    let mut head = String::from("{\"chapters\":[");
    for (k, (url, title, fallback, count)) in chapters.iter().enumerate() {
        if k > 0 {
            head.push(',');
        }
        head.push('[');
        push_json_str(&mut head, url);
        head.push(',');
        push_json_str(&mut head, title);
        head.push_str(&format!(",{fallback},{count}]"));
    }
    head.push_str("],");
    if let Some(n) = per_chunk {
        head.push_str(&format!("\"chunk\":{n},"));
    }
    head.push_str(&format!("\"lang\":{},\"lengths\":\"", json_str(lang)));
    for &len in &lengths {
        push_number(&mut head, u64::from(len));
    }
    head.push_str("\",");
    let tail = format!(
        "\"source\":{},\"stop\":{stop}",
        json_str(project.source_lang()),
    );
    let mut index = scripts(lang, &head, &tail, &end, tables);
    index.chunks = chunks;
    index
}

/// The sections' shown text, `text`, as what ends the main file and as the
/// chunk files: all in the main file without `per_chunk`, else none there
/// and `per_chunk` sections in each chunk. Each entry is copied once, into
/// the file that holds it, and let go.
fn shown_text(lang: &str, text: Vec<String>, per_chunk: Option<usize>) -> (String, Vec<String>) {
    let joined = |entries: &mut dyn Iterator<Item = String>, out: &mut String| {
        for (i, e) in entries.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&e);
        }
    };
    let Some(n) = per_chunk else {
        let mut end = String::with_capacity(text.iter().map(|e| e.len() + 1).sum::<usize>() + 10);
        end.push_str(",\"text\":[");
        joined(&mut text.into_iter(), &mut end);
        end.push(']');
        return (end, Vec::new());
    };
    let (lang, n) = (json_str(lang), n.max(1));
    let mut chunks = Vec::with_capacity(text.len().div_ceil(n));
    let mut entries = text.into_iter().peekable();
    while entries.peek().is_some() {
        let k = chunks.len();
        let mut chunk =
            format!("window.polybookSearchText({{\"chunk\":{k},\"lang\":{lang},\"text\":[");
        joined(&mut entries.by_ref().take(n), &mut chunk);
        chunk.push_str("]});\n");
        chunks.push(chunk);
    }
    (String::new(), chunks)
}

/// How many sections each chunk of shown text holds, or `None` when the
/// text stays in the first file: it does while it is at most
/// [`TEXT_SPLIT_BYTES`]. Chunks are runs of consecutive sections of about
/// [`CHUNK_BYTES`] on average, all of the same number of sections, so that
/// the script finds a section's chunk by dividing its number.
pub(super) fn sections_per_chunk(text: &[String]) -> Option<usize> {
    let bytes: usize = text.iter().map(|t| t.len() + 1).sum();
    (bytes > TEXT_SPLIT_BYTES).then(|| (CHUNK_BYTES * text.len() / bytes).max(1))
}

/// The chunk of shown text that holds section `section`, when each holds
/// `per_chunk` sections.
pub fn chunk_of(section: usize, per_chunk: usize) -> usize {
    section / per_chunk.max(1)
}

/// A chapter's entry in the index's `chapters`: its address, its title,
/// 1 when its text is a fallback, and how many sections it has.
type Chapter<'p> = (String, &'p str, u8, usize);

/// What indexing gathers from a language's sections, section after section.
struct Gathered<'p> {
    /// Each chapter's entry in `chapters`.
    chapters: Vec<Chapter<'p>>,
    /// Each section's entry in `text`, as JSON: its heading id (empty for
    /// a chapter's first section, whose address is the chapter's), its
    /// heading (empty when it is the chapter's title) and its excerpt.
    text: Vec<String>,
    vocab: Vocabulary,
    /// Each section's (term, weight) pairs, section after section, and where
    /// each section's pairs end: appended in order, then sorted by term once
    /// (a vector per term cost a cache miss and many small allocations per pair).
    pairs: Vec<(u32, u32)>,
    ends: Vec<usize>,
    /// Each section's length in terms.
    lengths: Vec<u32>,
    /// Each term's weight in the current section, by term id, and the terms
    /// the section has touched: cheaper than a map, and reset term by term.
    counts: Vec<u32>,
    touched: Vec<u32>,
}

impl<'p> Gathered<'p> {
    /// Reads the sections of every chapter as `lang` shows it, in reading order.
    fn read<'s>(
        project: &'p Project,
        lang: &str,
        sections: &mut dyn FnMut(ChapterRef, &Source) -> Cow<'s, [Section]>,
    ) -> Self {
        let mut gathered = Gathered::with_room(project, lang);
        for (mi, m) in project.manuals.iter().enumerate() {
            for (ci, ch) in m.chapters.iter().enumerate() {
                let r = ChapterRef {
                    manual: mi,
                    chapter: ci,
                };
                let (src, fallback) = project.content(r, lang);
                let page = urls::chapter(lang, &m.id, &ch.id);
                let sections = sections(r, src);
                for (si, section) in sections.iter().enumerate() {
                    let anchor = section.id.as_deref().filter(|_| si > 0);
                    gathered.add(anchor, &src.title, si == 0, section);
                }
                gathered.chapters.push((
                    urls::encode_path(&page),
                    &src.title,
                    u8::from(fallback),
                    sections.len(),
                ));
            }
        }
        gathered
    }

    /// Nothing gathered yet, with room for the pairs of all of `lang`'s text.
    fn with_room(project: &Project, lang: &str) -> Self {
        // About one pair per 8 bytes of text, or per 4 in spaceless scripts:
        // reserved once, as growing it copied megabytes into fresh memory.
        let text_bytes: usize = (project.manuals.iter().enumerate())
            .flat_map(|(mi, m)| (0..m.chapters.len()).map(move |ci| (mi, ci)))
            .map(|(manual, chapter)| {
                let r = ChapterRef { manual, chapter };
                project.content(r, lang).0.body_len()
            })
            .sum();
        Gathered {
            chapters: Vec::new(),
            text: Vec::new(),
            vocab: Vocabulary::default(),
            pairs: Vec::with_capacity(text_bytes / 4),
            ends: Vec::new(),
            lengths: Vec::new(),
            counts: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// Adds one section of the chapter titled `title`: its entry, length
    /// and pairs. `anchor` is its heading id when its address has one.
    ///
    /// The title's terms count in the chapter's `first` section.
    fn add(&mut self, anchor: Option<&str>, title: &str, first: bool, section: &Section) {
        // Title and heading words weigh more than body words.
        let title_terms = if first { title } else { "" };
        let mut len = 0u32;
        for (text, weight) in [
            (title_terms, 3u32),
            (section.heading.as_str(), 5),
            (section.text.as_str(), 1),
        ] {
            len += self.count(text, weight);
        }
        self.lengths.push(len);
        let counts = &mut self.counts;
        self.pairs.extend(
            self.touched
                .drain(..)
                .map(|t| (t, std::mem::take(&mut counts[t as usize]))),
        );
        self.ends.push(self.pairs.len());
        let heading = section.heading.trim();
        let heading = if heading == title.trim() { "" } else { heading };
        let (anchor, excerpt) = (anchor.unwrap_or(""), excerpt(&section.text));
        // Room for the three strings and their quotes: most need no escape.
        let mut entry = String::with_capacity(anchor.len() + heading.len() + excerpt.len() + 10);
        entry.push('[');
        push_json_str(&mut entry, anchor);
        entry.push(',');
        push_json_str(&mut entry, heading);
        entry.push(',');
        push_json_str(&mut entry, &excerpt);
        entry.push(']');
        self.text.push(entry);
    }

    /// Adds `weight` to each term of `text` in the current section; gives the number of terms.
    fn count(&mut self, text: &str, weight: u32) -> u32 {
        let (vocab, counts, touched) = (&mut self.vocab, &mut self.counts, &mut self.touched);
        let mut len = 0u32;
        let mut add = |piece: &str| {
            for &t in vocab.chunk_terms(piece) {
                if t as usize >= counts.len() {
                    counts.resize(t as usize + 1024, 0);
                }
                let c = &mut counts[t as usize];
                if *c == 0 {
                    touched.push(t);
                }
                *c += weight;
                len += 1;
            }
        };
        for_each_chunk(text, |chunk| {
            // A chunk too long to be remembered is looked up piece by piece.
            if chunk.len() > CHUNK_CACHE_BYTES {
                for_each_piece(chunk, &mut add);
            } else {
                add(chunk);
            }
        });
        len
    }
}

/// Each term's (section, weight) postings, in section order, as one slice of `flat`.
///
/// Those of term `t` are `flat[start[t]..start[t + 1]]`.
struct Postings {
    start: Vec<usize>,
    flat: Vec<(u32, u32)>,
}

impl Postings {
    /// Sorts the sections' pairs by term, keeping the sections' order (a counting sort).
    ///
    /// `ends` tells where each section's pairs end, and `terms` how many
    /// terms there are.
    fn sort(pairs: Vec<(u32, u32)>, ends: &[usize], terms: usize) -> Self {
        let mut start = vec![0usize; terms + 1];
        for &(t, _) in &pairs {
            start[t as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut next = start.clone();
        let mut flat = vec![(0u32, 0u32); pairs.len()];
        let mut from = 0;
        for (doc, &end) in ends.iter().enumerate() {
            for &(t, n) in &pairs[from..end] {
                let slot = &mut next[t as usize];
                flat[*slot] = (doc as u32, n);
                *slot += 1;
            }
            from = end;
        }
        Postings { start, flat }
    }

    /// The postings of term `t`.
    fn of(&self, t: u32) -> &[(u32, u32)] {
        let t = t as usize;
        &self.flat[self.start[t]..self.start[t + 1]]
    }
}

/// Terms, one after another in one string.
struct Arena {
    text: String,
    ends: Vec<usize>,
}

impl Arena {
    fn terms(&self) -> Vec<&str> {
        let mut start = 0;
        (self.ends.iter())
            .map(|&end| {
                let t = &self.text[start..end];
                start = end;
                t
            })
            .collect()
    }
}

/// The terms that have postings (those met only in a chunk that the
/// spaceless fast path gave up on have none), in the order of their text
/// and copied in that order, with each of `pairs` renumbered to its term's
/// place in it: the postings are then sorted, encoded and split walking
/// memory in order, where going by the first-seen ids jumped about hundreds
/// of thousands of Chinese pairs.
fn in_order(terms: &Terms, pairs: &mut [(u32, u32)]) -> Arena {
    let mut rank = vec![u32::MAX; terms.len()];
    for &(t, _) in pairs.iter() {
        rank[t as usize] = 0;
    }
    // Sorted by the first eight bytes as a number (the order of UTF-8
    // bytes is the order of the characters), with a radix sort, then the
    // runs that share them by the rest: a character pair of Chinese is six
    // bytes, so only longer words are compared. A term of at most eight
    // bytes is copied from its number, without reading it again from
    // where the vocabulary keeps it (in this order, a cache miss for each
    // of hundreds of thousands of Chinese pairs).
    let prefix = |t: &str| {
        let mut bytes = [0u8; 8];
        let n = t.len().min(8);
        bytes[..n].copy_from_slice(&t.as_bytes()[..n]);
        u64::from_be_bytes(bytes)
    };
    let mut order: Vec<(u64, u32, u32)> = (0..terms.len() as u32)
        .filter(|&t| rank[t as usize] == 0)
        .map(|t| {
            let term = terms.get(t);
            (prefix(term), t, term.len() as u32)
        })
        .collect();
    radsort::sort_by_key(&mut order, |&(p, _, _)| p);
    for run in order.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() > 1 {
            run.sort_unstable_by(|a, b| terms.get(a.1).cmp(terms.get(b.1)));
        }
    }
    for (r, &(_, t, _)) in order.iter().enumerate() {
        rank[t as usize] = r as u32;
    }
    for pair in pairs.iter_mut() {
        pair.0 = rank[pair.0 as usize];
    }
    let bytes = order.iter().map(|&(_, _, len)| len as usize).sum();
    let mut text = Vec::with_capacity(bytes);
    let mut ends = Vec::with_capacity(order.len());
    for &(p, t, len) in &order {
        let len = len as usize;
        if len <= 8 {
            text.extend_from_slice(&p.to_be_bytes()[..len]);
        } else {
            text.extend_from_slice(terms.get(t).as_bytes());
        }
        ends.push(text.len());
    }
    Arena {
        text: String::from_utf8(text).expect("terms are whole characters"),
        ends,
    }
}

/// The term table, encoded: each kept term's postings, and the stop terms kept out.
struct TermTable<'v> {
    /// Each kept term's postings, encoded: two digits or so for each.
    table: String,
    /// Each kept term, in order, with where its postings start and end in
    /// `table`.
    kept: Vec<(&'v str, usize, usize)>,
    stop: Vec<&'v str>,
}

impl<'v> TermTable<'v> {
    /// Encodes the postings of the terms in order, leaving out the stop terms.
    ///
    /// Stop terms are the character pairs found in too many of the
    /// `sections` to say where to look.
    fn encode(terms: &[&'v str], postings: &Postings, sections: usize) -> Self {
        let n = sections as f64;
        let mut table = TermTable {
            table: String::with_capacity(postings.flat.len() * 2),
            kept: Vec::new(),
            stop: Vec::new(),
        };
        for (id, &t) in terms.iter().enumerate() {
            let p = postings.of(id as u32);
            if t.chars().any(is_spaceless) && p.len() as f64 > STOP_SHARE * n && n >= 20.0 {
                table.stop.push(t);
                continue;
            }
            let start = table.table.len();
            push_postings(&mut table.table, p);
            table.kept.push((t, start, table.table.len()));
        }
        table
    }

    /// How many parts the table is written in: one unless it exceeds
    /// [`PART_SPLIT_BYTES`]; else the fewest, from one per [`PART_BYTES`],
    /// whose largest part is at most [`PART_BYTES`] (words of Latin
    /// letters share few first pairs, some of them frequent words, and fill
    /// parts unevenly), or, when no count up to four times that one gives
    /// such parts, the count whose largest part is the smallest.
    fn parts(&self) -> usize {
        let bytes = |&(t, start, end): &(&str, usize, usize)| end - start + t.len() + 8;
        let size: usize = self.kept.iter().map(bytes).sum();
        if size <= PART_SPLIT_BYTES {
            return 1;
        }
        // The bytes of the terms by the hash that `part_of` divides.
        let mut by_hash = vec![0usize; 1 << 16];
        for k in &self.kept {
            by_hash[part_hash(k.0)] += bytes(k);
        }
        let largest = |parts: usize| {
            let mut sizes = vec![0usize; parts];
            for (h, &b) in by_hash.iter().enumerate() {
                sizes[h % parts] += b;
            }
            sizes.into_iter().max().unwrap_or(0)
        };
        let least = size.div_ceil(PART_BYTES);
        let mut best = (usize::MAX, least);
        for parts in least..=least * 4 {
            let most = largest(parts);
            if most <= PART_BYTES {
                return parts;
            }
            best = best.min((most, parts));
        }
        best.1
    }

    /// Each part's terms (sorted, front-coded) and postings, as items of JSON lists.
    fn split(&self, parts: usize) -> Vec<(String, String)> {
        // Sized for an even share of the terms and postings, with their
        // quotes and commas.
        let term_bytes: usize = self.kept.iter().map(|k| k.0.len() + 4).sum();
        let list_bytes = self.table.len() + self.kept.len() * 3;
        let mut tables: Vec<(String, String)> = (0..parts)
            .map(|_| {
                (
                    String::with_capacity(term_bytes / parts * 9 / 8),
                    String::with_capacity(list_bytes / parts * 9 / 8),
                )
            })
            .collect();
        // Each part's last term, which the next one is front-coded against.
        let mut previous: Vec<&str> = vec![""; parts];
        let mut entry = String::new();
        for &(t, start, end) in &self.kept {
            let part = part_of(t, parts);
            let (terms, lists) = &mut tables[part];
            if !terms.is_empty() {
                terms.push(',');
                lists.push(',');
            }
            entry.clear();
            push_front_coded(&mut entry, previous[part], t);
            push_json_str(terms, &entry);
            previous[part] = t;
            lists.push('"');
            lists.push_str(&self.table[start..end]);
            lists.push('"');
        }
        tables
    }
}

/// The script files of an index, around the parts of its term table, `tables`.
///
/// `head` and `tail` are the members of the main file before and after
/// the term table, and `end` what follows its last member.
fn scripts(lang: &str, head: &str, tail: &str, end: &str, tables: Vec<(String, String)>) -> Index {
    if let [(terms, lists)] = &tables[..] {
        return Index {
            main: format!(
                "window.polybookSearchIndex = {head}\"postings\":[{lists}],{tail},\"terms\":[{terms}]{end}}};\n"
            ),
            parts: Vec::new(),
            chunks: Vec::new(),
        };
    }
    let parts = tables.len();
    let lang = json_str(lang);
    Index {
        main: format!("window.polybookSearchIndex = {head}\"parts\":{parts},{tail}{end}}};\n"),
        // Each part's terms and postings let go as soon as its file is made.
        parts: (tables.into_iter().enumerate())
            .map(|(k, (terms, lists))| {
                let mut part = format!(
                    "window.polybookSearchPart({{\"lang\":{lang},\"part\":{k},\"postings\":["
                );
                part.reserve(terms.len() + lists.len() + 16);
                part.push_str(&lists);
                drop(lists);
                part.push_str("],\"terms\":[");
                part.push_str(&terms);
                part.push_str("]});\n");
                part
            })
            .collect(),
        chunks: Vec::new(),
    }
}

/// A string as JSON text.
///
/// The index's JSON is written by hand around serde_json's string
/// escaping, so that the term table needs no intermediate map.
fn json_str(v: &str) -> String {
    serde_json::to_string(v).expect("strings serialise")
}

/// The part of a split index that holds `term`: a hash of its first two
/// UTF-16 code units (the second is 0 for a term of one), modulo the number
/// of parts, as the script computes it. Two units spread character pairs and
/// words evenly; a word being typed is completed once it has three
/// characters, and its completions share its first two.
pub fn part_of(term: &str, parts: usize) -> usize {
    part_hash(term) % parts.max(1)
}

/// The hash of [`part_of`], below 2^16.
fn part_hash(term: &str) -> usize {
    let mut units = term.encode_utf16();
    let a = units.next().map_or(0, u32::from);
    let b = units.next().map_or(0, u32::from);
    let h = (a ^ b.wrapping_mul(0x85EB_CA6B)).wrapping_mul(0x9E37_79B1);
    (h >> 16) as usize
}

/// Where the index of a language is written.
pub fn index_path(lang: &str) -> String {
    format!("{lang}/search-index.js")
}

/// Where part `part` of a split index is written.
pub fn part_path(lang: &str, part: usize) -> String {
    format!("{lang}/search-index-{part}.js")
}

/// Where chunk `chunk` of an index's shown text is written.
pub fn chunk_path(lang: &str, chunk: usize) -> String {
    format!("{lang}/search-text-{chunk}.js")
}

/// A language's search index, as the text of script files: the one loaded
/// when a reader starts to search; when the term table is large, the parts
/// of that table, each loaded when a query needs one of its terms; and when
/// the text shown for results is large, its chunks, each loaded when a
/// result it holds is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// The chapters (address, title, fallback, number of sections), the
    /// sections' lengths, the stop terms and, when they are not split, the
    /// term table and the sections' shown text.
    pub main: String,
    /// The parts of a split table; empty when it is not split.
    pub parts: Vec<String>,
    /// The chunks of the shown text; empty when it is in the main file.
    pub chunks: Vec<String>,
}

impl Index {
    /// Each file's path in the output and its text, given up to be written.
    pub fn into_files(self, lang: &str) -> Vec<(String, String)> {
        let mut out = vec![(index_path(lang), self.main)];
        out.extend((self.parts.into_iter().enumerate()).map(|(k, t)| (part_path(lang, k), t)));
        out.extend((self.chunks.into_iter().enumerate()).map(|(k, t)| (chunk_path(lang, k), t)));
        out
    }

    /// How large the index is, in all.
    pub fn size(&self, lang: &str) -> IndexSize {
        let bytes = |files: &[String]| files.iter().map(String::len).sum::<usize>();
        IndexSize {
            lang: lang.to_string(),
            bytes: self.main.len() + bytes(&self.parts) + bytes(&self.chunks),
            parts: self.parts.len(),
            chunks: self.chunks.len(),
        }
    }
}

/// A language's search index as the build summary reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexSize {
    pub lang: String,
    /// Bytes of all its files.
    pub bytes: usize,
    /// Parts of its term table, 0 when the table is in the main file.
    pub parts: usize,
    /// Chunks of its shown text, 0 when the text is in the main file.
    pub chunks: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_have_their_own_ids_in_a_table_grown_many_times() {
        // Far more distinct pairs than the table's first slots, met twice:
        // each id must name the pair's own text, whichever pairs were
        // first looked for in the same slot.
        let mut next = crate::search::tests::random_below(0x9E37_79B9);
        let text: String = (0..40_000)
            .map(|_| char::from_u32(0x4E00 + next(300) as u32).expect("Han"))
            .collect();
        let chars: Vec<char> = text.chars().collect();
        let mut vocab = Vocabulary::default();
        for _ in 0..2 {
            vocab.scratch.clear();
            assert!(vocab.spaceless_run(&text));
            assert_eq!(vocab.scratch.len(), chars.len() - 1);
            for (k, &id) in vocab.scratch.iter().enumerate() {
                let pair: String = chars[k..k + 2].iter().collect();
                assert_eq!(vocab.terms.get(id), pair.as_str());
            }
        }
        assert!(vocab.short.len() > 4 * SHORT_SLOTS_FIRST);
    }

    #[test]
    fn the_short_table_keeps_every_id_it_was_given_large_ones_too() {
        // Keys spread over the whole range (0 and the largest among them),
        // each given an id once; every third id too large to sit in a slot.
        let mut table = ShortTable::default();
        let largest = Vocabulary::short_key(char::MAX, None);
        let keys: Vec<u64> = (0..50_000u64)
            .map(|k| (k * 0x2545_F491_4F6C) % (largest + 1))
            .chain([0, largest])
            .collect();
        let id_of = |k: usize| {
            if k.is_multiple_of(3) {
                (1 << 22) + k as u32
            } else {
                k as u32
            }
        };
        let mut given = FxHashMap::default();
        for (k, &key) in keys.iter().enumerate() {
            let id = table.id_or_insert(key, || id_of(k));
            assert_eq!(*given.entry(key).or_insert(id), id, "key {key:#x}");
        }
        assert_eq!(table.len(), given.len());
        for (&key, &id) in &given {
            assert_eq!(table.id_or_insert(key, || panic!("{key:#x} is new")), id);
        }
    }

    #[test]
    fn the_chunk_table_gives_back_every_chunk_it_kept_and_no_other() {
        let mut table = ChunkTable::default();
        assert!(table.get(b"word").is_none());
        // Enough chunks to grow the table several times, sharing prefixes
        // and lengths; chunks or id lists too long for an entry are not kept.
        let chunk = |k: u32| format!("w{k}").repeat(1 + k as usize % 3);
        let ids = |k: u32| (0..k % 4).map(|i| k * 7 + i).collect::<Vec<u32>>();
        for k in 0..50_000 {
            table.insert(chunk(k).as_bytes(), &ids(k));
        }
        table.insert(&[b'x'; 300], &[1]);
        table.insert(b"many", &[7; 300]);
        for k in 0..50_000 {
            let got: Vec<u32> = table.get(chunk(k).as_bytes()).expect("kept").collect();
            assert_eq!(got, ids(k), "{}", chunk(k));
        }
        for absent in ["w50000", "w1w1w", "", "many"] {
            assert!(table.get(absent.as_bytes()).is_none(), "{absent}");
        }
        assert!(table.get(&[b'x'; 300]).is_none());
        assert_eq!(table.len, 50_000);
    }

    #[test]
    fn terms_come_in_the_order_of_their_text() {
        let terms: Vec<Box<str>> = [
            "zebra",
            "abcdefgh2",
            "abcdefgh10",
            "abcdefgh",
            "a",
            "ab",
            "ab\u{0}",
            "安全",
            "安",
            "é",
            "e",
            "abcdefgh\u{0}",
            "abcdefg",
            "数字",
            "ق",
            "",
        ]
        .into_iter()
        .map(Box::from)
        .collect();
        // One posting for each term but the last.
        let n = terms.len() as u32 - 1;
        let mut pairs: Vec<(u32, u32)> = (0..n).map(|t| (t, 1)).collect();
        let arena = in_order(&terms_of(&terms), &mut pairs);
        let got = arena.terms();
        let mut want: Vec<&str> = terms[..n as usize].iter().map(|t| &**t).collect();
        want.sort();
        assert_eq!(got, want);
        // Each pair now names its term by its place in that order.
        for (t, &(rank, _)) in pairs.iter().enumerate() {
            assert_eq!(got[rank as usize], &*terms[t]);
        }
    }

    fn terms_of(terms: &[Box<str>]) -> Terms {
        let mut all = Terms::default();
        for t in terms {
            all.push(t);
        }
        all
    }

    #[test]
    fn many_terms_come_in_the_order_of_their_text() {
        // Terms of one to twelve characters from a few letters of several
        // widths, so that many share their first eight bytes.
        let letters = ['a', 'b', 'é', 'ж', '安', 'ق', '\u{0}'];
        let mut random = crate::search::tests::random_below(7);
        let mut seen = std::collections::HashSet::new();
        let terms: Vec<Box<str>> = (0..20_000)
            .map(|_| {
                let n = 1 + random(12);
                (0..n)
                    .map(|_| letters[random(letters.len())])
                    .collect::<String>()
            })
            .filter(|t| seen.insert(t.clone()))
            .map(Box::from)
            .collect();
        let mut pairs: Vec<(u32, u32)> = (0..terms.len() as u32).map(|t| (t, 1)).collect();
        let arena = in_order(&terms_of(&terms), &mut pairs);
        let got = arena.terms();
        let mut want: Vec<&str> = terms.iter().map(|t| &**t).collect();
        want.sort();
        assert_eq!(got, want);
        for (t, &(rank, _)) in pairs.iter().enumerate() {
            assert_eq!(got[rank as usize], &*terms[t]);
        }
    }

    /// A term table of `terms`, each with postings of the bytes given.
    fn table<'t>(terms: &[(&'t str, usize)]) -> TermTable<'t> {
        let mut table = TermTable {
            table: String::new(),
            kept: Vec::new(),
            stop: Vec::new(),
        };
        for &(t, bytes) in terms {
            let start = table.table.len();
            table.table.push_str(&"A".repeat(bytes));
            table.kept.push((t, start, table.table.len()));
        }
        table
    }

    /// The bytes of each part of `table` in `parts` parts, as `parts` counts them.
    fn part_sizes(table: &TermTable<'_>, parts: usize) -> Vec<usize> {
        let mut sizes = vec![0; parts];
        for &(t, start, end) in &table.kept {
            sizes[part_of(t, parts)] += end - start + t.len() + 8;
        }
        sizes
    }

    #[test]
    fn uneven_terms_get_more_parts_until_none_is_too_large() {
        // Words of Latin letters, by their first two letters: a few
        // frequent words with long postings, many rare ones.
        let words: Vec<String> = (b'a'..=b'z')
            .flat_map(|a| (b'a'..=b'z').map(move |b| format!("{}{}o", a as char, b as char)))
            .collect();
        let terms: Vec<(&str, usize)> = (words.iter().enumerate())
            .map(|(i, w)| (w.as_str(), 40_000 / (i + 1) + 200))
            .collect();
        let table = table(&terms);
        let size: usize = part_sizes(&table, 1)[0];
        let even = size.div_ceil(PART_BYTES);
        assert!(size > PART_SPLIT_BYTES && even >= 3, "{size}");
        // An even share of the bytes per part leaves one too large.
        assert!(part_sizes(&table, even).into_iter().max().unwrap() > PART_BYTES);
        let parts = table.parts();
        assert!(parts > even && parts <= even * 4, "{parts}");
        assert!(part_sizes(&table, parts).into_iter().max().unwrap() <= PART_BYTES);
        for fewer in even..parts {
            assert!(part_sizes(&table, fewer).into_iter().max().unwrap() > PART_BYTES);
        }
    }

    #[test]
    fn a_table_that_cannot_be_evened_takes_the_count_with_the_smallest_largest_part() {
        // One term alone is larger than a part.
        let terms = [
            ("huge", PART_BYTES * 2),
            ("small", 1000),
            ("other", PART_BYTES),
        ];
        let table = table(&terms);
        let parts = table.parts();
        let largest = |n| part_sizes(&table, n).into_iter().max().unwrap();
        let even = part_sizes(&table, 1)[0].div_ceil(PART_BYTES);
        assert!((even..=even * 4).all(|n| largest(parts) <= largest(n)));
        // A small table is one part.
        assert_eq!(self::table(&[("a", 1000), ("b", 2000)]).parts(), 1);
    }
}
