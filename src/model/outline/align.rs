//! Alignment of a translation's headings with its source's, so that each
//! translated heading can take the id of the source heading it translates.
//!
//! 1. Fixed points: a translated heading whose `{#id}` is the id of a source
//!    heading, or whose section keeps an `id` of the source heading's raw
//!    HTML, is that heading. The longest chain of such pairs in order on both
//!    sides is kept; the others cross it and are ignored.
//! 2. Between two fixed points, a global alignment (Needleman-Wunsch) of the
//!    two runs of headings: a pair of headings scores by their levels and by
//!    what their sections share (link and image targets, code; see
//!    [`Heading::marks`]), and a heading left without a partner costs one
//!    point. So one heading added or left out in the middle of a chapter
//!    only shifts the headings after it, instead of cutting them off.
//! 3. Bounds: a run whose table of scores would pass [`MAX_CELLS`] is aligned
//!    within a band around its diagonal, as wide as that budget allows; runs
//!    too long for any useful band fall back to matching levels from the
//!    start and from the end. Time and memory stay linear in the chapter.
//!
//! Ties are broken the same way every time (a pair first, then a translated
//! heading left alone, then a source heading), from the start of the run.

use std::collections::HashMap;

use super::Heading;

/// The most cells of one table of scores (4 bytes each).
const MAX_CELLS: usize = 1 << 22;

/// The narrowest useful band, on either side of the diagonal.
const MIN_BAND: usize = 16;

/// Score of a pair of headings of the same level, and of different levels.
const SAME_LEVEL: i32 = 2;
const OTHER_LEVEL: i32 = 0;
/// Cost of a heading left without a partner.
const GAP: i32 = -1;
/// Bonus of a pair whose sections share marks: more than two lone headings
/// and a pair cost, so that a shared link wins over shifting by position.
const SHARED: i32 = 4;
const SHARED_EACH: i32 = 2;
/// Penalty of a pair whose sections both have marks but share none.
const DISJOINT: i32 = 2;

/// For each translated heading, the index of its source heading.
/// `source_ids` are the ids of the source headings.
pub fn align(
    source: &[Heading],
    source_ids: &[String],
    translated: &[Heading],
) -> Vec<Option<usize>> {
    align_within(source, source_ids, translated, MAX_CELLS)
}

fn align_within(
    source: &[Heading],
    source_ids: &[String],
    translated: &[Heading],
    max_cells: usize,
) -> Vec<Option<usize>> {
    let mut out = vec![None; translated.len()];
    let (mut s0, mut t0) = (0, 0);
    for (s, t) in fixed_points(source, source_ids, translated) {
        align_run(source, translated, (s0, s), (t0, t), max_cells, &mut out);
        out[t] = Some(s);
        (s0, t0) = (s + 1, t + 1);
    }
    let ends = (source.len(), translated.len());
    align_run(
        source,
        translated,
        (s0, ends.0),
        (t0, ends.1),
        max_cells,
        &mut out,
    );
    out
}

/// The pairs the ids prove, as the longest chain increasing on both sides
/// (the earliest such chain), in order.
fn fixed_points(
    source: &[Heading],
    source_ids: &[String],
    translated: &[Heading],
) -> Vec<(usize, usize)> {
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, id) in source_ids.iter().enumerate().rev() {
        by_id.insert(id, i);
    }
    let mut by_html_id: HashMap<&str, usize> = HashMap::new();
    for (i, h) in source.iter().enumerate().rev() {
        for id in &h.html_ids {
            by_html_id.insert(id, i);
        }
    }
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (t, h) in translated.iter().enumerate() {
        let mut found: Vec<usize> = h
            .explicit_id
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .chain(
                h.html_ids
                    .iter()
                    .filter_map(|id| by_html_id.get(id.as_str()).copied()),
            )
            .collect();
        found.sort_unstable();
        found.dedup();
        // Each translated heading has one source heading at most: listed
        // from the last, the chain below takes one of them.
        pairs.extend(found.into_iter().rev().map(|s| (s, t)));
    }
    longest_chain(&pairs)
}

/// The longest subsequence of `pairs` (ordered by their second element, each
/// second element's pairs by decreasing first) whose first elements strictly
/// increase; among the longest, the one that ends earliest at every length.
fn longest_chain(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    // `tails[k]`: the pair ending the best chain of length k + 1 so far.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; pairs.len()];
    for (i, &(s, _)) in pairs.iter().enumerate() {
        let k = tails.partition_point(|&j| pairs[j].0 < s);
        previous[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut chain = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        chain.push(pairs[i]);
        at = previous[i];
    }
    chain.reverse();
    chain
}

/// How well a translated heading fits a source heading.
fn pair_score(s: &Heading, t: &Heading) -> i32 {
    let mut score = if s.level == t.level {
        SAME_LEVEL
    } else {
        OTHER_LEVEL
    };
    let shared = shared_marks(&s.marks, &t.marks);
    if shared > 0 {
        score += SHARED + SHARED_EACH * shared.min(4) as i32;
    } else if !s.marks.is_empty() && !t.marks.is_empty() {
        score -= DISJOINT;
    }
    score
}

/// How many values two sorted lists without repeats have in common.
fn shared_marks(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Aligns source headings `s.0..s.1` with translated headings `t.0..t.1`
/// and records the pairs in `out`.
fn align_run(
    source: &[Heading],
    translated: &[Heading],
    s: (usize, usize),
    t: (usize, usize),
    max_cells: usize,
    out: &mut [Option<usize>],
) {
    let (src, tr) = (&source[s.0..s.1], &translated[t.0..t.1]);
    if src.is_empty() || tr.is_empty() {
        return;
    }
    let (n, m) = (src.len(), tr.len());
    // The band, on either side of the line from the start to the end of the
    // run, must let a path step from each row to the next.
    let min_band = m.div_ceil(n) + MIN_BAND;
    let band = match (n + 1).checked_mul(m + 1) {
        // Room for the whole table: a band that covers it.
        Some(cells) if cells <= max_cells => m + min_band,
        _ => (max_cells / (n + 1)).saturating_sub(1) / 2,
    };
    if band < min_band {
        for (i, j) in ends_by_level(src, tr) {
            out[t.0 + j] = Some(s.0 + i);
        }
        return;
    }
    for (i, j) in Table::fill(src, tr, band).path() {
        out[t.0 + j] = Some(s.0 + i);
    }
}

/// The best scores of aligning the rest of both runs from each cell, within
/// a band of columns around the diagonal.
struct Table<'a> {
    src: &'a [Heading],
    tr: &'a [Heading],
    /// First column of each row's band, and its width.
    starts: Vec<usize>,
    widths: Vec<usize>,
    /// Where each row's cells begin in `best`.
    offsets: Vec<usize>,
    best: Vec<i32>,
}

impl<'a> Table<'a> {
    fn fill(src: &'a [Heading], tr: &'a [Heading], band: usize) -> Table<'a> {
        let (n, m) = (src.len(), tr.len());
        let mut starts = Vec::with_capacity(n + 1);
        let mut widths = Vec::with_capacity(n + 1);
        let mut offsets = Vec::with_capacity(n + 1);
        let mut total = 0;
        for i in 0..=n {
            let centre = i * m / n;
            let start = centre.saturating_sub(band);
            let end = (centre + band).min(m);
            starts.push(start);
            widths.push(end - start + 1);
            offsets.push(total);
            total += end - start + 1;
        }
        let mut table = Table {
            src,
            tr,
            starts,
            widths,
            offsets,
            best: vec![i32::MIN; total],
        };
        for i in (0..=n).rev() {
            for j in (table.starts[i]..table.starts[i] + table.widths[i]).rev() {
                let score = table.moves(i, j).map(|(_, _, v)| v).max();
                // The last cell scores 0; a cell that cannot reach it (none,
                // the band being wide enough) is left out.
                let v = if (i, j) == (n, m) {
                    0
                } else {
                    score.unwrap_or(i32::MIN)
                };
                let at = table.offsets[i] + j - table.starts[i];
                table.best[at] = v;
            }
        }
        table
    }

    /// The best score from cell `(i, j)`, `None` outside the band.
    fn get(&self, i: usize, j: usize) -> Option<i32> {
        let start = *self.starts.get(i)?;
        (j >= start && j < start + self.widths[i])
            .then(|| self.best[self.offsets[i] + j - start])
            .filter(|&v| v != i32::MIN)
    }

    /// The moves from `(i, j)` inside the band, in the order ties are
    /// broken: a pair, a translated heading alone, a source heading alone.
    fn moves(&self, i: usize, j: usize) -> impl Iterator<Item = (usize, usize, i32)> + '_ {
        let (n, m) = (self.src.len(), self.tr.len());
        let pair = (i < n && j < m)
            .then(|| Some((i + 1, j + 1, pair_score(&self.src[i], &self.tr[j]))))
            .flatten();
        let lone_tr = (j < m).then_some((i, j + 1, GAP));
        let lone_src = (i < n).then_some((i + 1, j, GAP));
        [pair, lone_tr, lone_src]
            .into_iter()
            .flatten()
            .filter_map(move |(ni, nj, v)| self.get(ni, nj).map(|rest| (ni, nj, v + rest)))
    }

    /// The pairs of the best alignment, from the start.
    fn path(&self) -> Vec<(usize, usize)> {
        let (n, m) = (self.src.len(), self.tr.len());
        let mut pairs = Vec::new();
        let (mut i, mut j) = (0, 0);
        while (i, j) != (n, m) {
            let here = self.get(i, j).expect("the path stays in the band");
            let (ni, nj, _) = self
                .moves(i, j)
                .find(|&(_, _, v)| v == here)
                .expect("the best score comes from a move");
            if ni == i + 1 && nj == j + 1 {
                pairs.push((i, j));
            }
            (i, j) = (ni, nj);
        }
        pairs
    }
}

/// Pairs by position where the levels agree, from the start and from the
/// end: for runs too long to align.
fn ends_by_level(src: &[Heading], tr: &[Heading]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut front = 0;
    while front < src.len().min(tr.len()) && src[front].level == tr[front].level {
        pairs.push((front, front));
        front += 1;
    }
    let (mut s, mut t) = (src.len(), tr.len());
    while s > front && t > front && src[s - 1].level == tr[t - 1].level {
        pairs.push((s - 1, t - 1));
        s -= 1;
        t -= 1;
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::LineCounter;
    use crate::model::outline::{Outline, anchors, scan};

    fn outline(md: &str) -> Outline {
        scan(md, LineCounter::new(md, 0))
    }

    /// Ids of `tr` when translated from `src`.
    fn inherited(src: &str, tr: &str) -> Vec<String> {
        let src = outline(src);
        let sa = anchors(&src, None, None);
        anchors(&outline(tr), Some(&sa), Some(&src)).ids
    }

    /// A chapter of `## <name>` sections, each with a link of its own; a
    /// name starting with `+` has no link, one starting with `#` is a level 3
    /// heading.
    fn chapter(names: &[&str]) -> String {
        let mut md = String::from("# Title\n\n");
        for name in names {
            let (level, name) = match name.strip_prefix('#') {
                Some(rest) => ("###", rest),
                None => ("##", *name),
            };
            match name.strip_prefix('+') {
                Some(name) => md.push_str(&format!("{level} {name}\n\ntext\n\n")),
                None => md.push_str(&format!(
                    "{level} {name}\n\nSee [this]({}.md).\n\n",
                    name.to_lowercase().trim_end_matches("-es")
                )),
            }
        }
        md
    }

    #[test]
    fn an_extra_heading_in_the_middle_only_shifts_the_rest() {
        let ids = inherited(
            &chapter(&["A", "B", "C", "D", "E"]),
            &chapter(&["A-es", "B-es", "+Extra", "C-es", "D-es", "E-es"]),
        );
        assert_eq!(ids, ["title", "a", "b", "extra", "c", "d", "e"]);
    }

    #[test]
    fn a_missing_heading_in_the_middle_only_shifts_the_rest() {
        let ids = inherited(
            &chapter(&["A", "B", "C", "D", "E"]),
            &chapter(&["A-es", "B-es", "D-es", "E-es"]),
        );
        assert_eq!(ids, ["title", "a", "b", "d", "e"]);
    }

    #[test]
    fn one_heading_added_and_another_left_out_in_a_long_chapter() {
        let names: Vec<String> = (0..40).map(|i| format!("S{i}")).collect();
        let src: Vec<&str> = names.iter().map(String::as_str).collect();
        let es_names: Vec<String> = names.iter().map(|n| format!("{n}-es")).collect();
        let mut tr: Vec<&str> = es_names.iter().map(String::as_str).collect();
        tr.remove(30);
        tr.insert(10, "+Nuevo");
        let ids = inherited(&chapter(&src), &chapter(&tr));
        let mut expected: Vec<String> = std::iter::once("title".to_string())
            .chain(names.iter().map(|n| n.to_lowercase()))
            .collect();
        expected.remove(31);
        expected.insert(11, "nuevo".into());
        assert_eq!(ids, expected);
    }

    #[test]
    fn headings_without_marks_align_by_their_levels() {
        // An extra level 3 heading and a missing one, no links anywhere.
        let ids = inherited(
            "# T\n\n## A\n\n## B\n\n### B1\n\n## C\n\n### C1\n\n## D\n",
            "# T\n\n## A2\n\n### Extra\n\n## B2\n\n### B12\n\n## C2\n\n## D2\n",
        );
        assert_eq!(ids, ["t", "a", "extra", "b", "b1", "c", "d"]);
    }

    #[test]
    fn a_heading_whose_level_changed_keeps_its_source_id() {
        let ids = inherited(
            &chapter(&["A", "#B", "C", "D"]),
            &chapter(&["A-es", "B-es", "C-es", "D-es"]),
        );
        assert_eq!(ids, ["title", "a", "b", "c", "d"]);
        // Also next to an added heading, without marks.
        let ids = inherited(
            "# T\n\n## A\n\n### B\n\n## C\n\n## D\n",
            "# T\n\n## A2\n\n## B2\n\n## C2\n\n### New\n\n## D2\n",
        );
        assert_eq!(ids, ["t", "a", "b", "c", "new", "d"]);
    }

    #[test]
    fn explicit_ids_and_raw_html_anchors_are_fixed_points() {
        // By levels alone, the extra heading would take `b`'s place.
        let src = "# T\n\n## A\n\n## B {#plan}\n\n## C\n\n<a id=\"keep\"></a>\n\n## D\n";
        let tr = "# T\n\n## A2\n\n## Extra\n\n## B2 {#plan}\n\n## C2\n\n<a id=\"keep\"></a>\n\n\
                  ### Extra 2\n\n## D2\n";
        assert_eq!(
            inherited(src, tr),
            ["t", "a", "extra", "plan", "c", "extra-2", "d"]
        );
    }

    #[test]
    fn crossing_fixed_points_keep_the_longest_chain() {
        let pairs = [(0, 0), (3, 1), (1, 2), (2, 3), (4, 4)];
        assert_eq!(longest_chain(&pairs), [(0, 0), (1, 2), (2, 3), (4, 4)]);
    }

    #[test]
    fn long_runs_align_within_a_band_or_by_their_ends() {
        let names: Vec<String> = (0..300).map(|i| format!("S{i}")).collect();
        let src: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut tr = src.clone();
        tr.insert(150, "+New");
        let (src, tr) = (outline(&chapter(&src)), outline(&chapter(&tr)));
        let ids = anchors(&src, None, None).ids;
        let expected: Vec<Option<usize>> = (0..=150)
            .map(Some)
            .chain([None])
            .chain((151..=300).map(Some))
            .collect();
        // The whole table, and a band of 65 columns.
        for cells in [MAX_CELLS, 20_000] {
            let got = align_within(&src.headings, &ids, &tr.headings, cells);
            assert_eq!(got, expected, "{cells} cells");
        }
        // No room for a band: the levels, which are all the same, from the
        // start.
        let got = align_within(&src.headings, &ids, &tr.headings, 2_000);
        let by_position: Vec<Option<usize>> = (0..=300).map(Some).chain([None]).collect();
        assert_eq!(got, by_position);
        // A band lets each row reach the next, however much longer the
        // translation is than its source (3 rows of 249 of its 303 columns).
        let short = outline(&chapter(&["A", "B"]));
        let short_ids = anchors(&short, None, None).ids;
        let got = align_within(&short.headings, &short_ids, &tr.headings, 1_000);
        assert_eq!(got.iter().flatten().count(), 3);
    }
}
