//! Diagnostics: problems found in a project, each tied to a file and line.
//!
//! The build never stops at the first problem in content: every stage returns the
//! diagnostics it found, and the orchestrator reports them all at the end, sorted so
//! that the report is the same on every run.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a problem is. Errors make `build` exit with status 1.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A line of source with the part at fault.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Excerpt {
    pub text: String,
    /// Characters before the part at fault.
    pub start: usize,
    /// Characters at fault (at least 1).
    pub width: usize,
}

/// One problem, with where it is and what to do about it.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the project root (or absolute when outside it).
    pub file: PathBuf,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column (in characters), 0 when unknown.
    pub column: usize,
    /// The offending line's text, to show with the part at fault underlined.
    pub excerpt: Option<Excerpt>,
    /// Language of the page in which the problem shows, when it depends on it.
    pub lang: Option<String>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line,
            column: 0,
            excerpt: None,
            lang: None,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Points at characters `start..start + width` of `text`, the line's text.
    pub fn at(mut self, text: &str, start: usize, width: usize) -> Self {
        self.column = start + 1;
        self.excerpt = Some(Excerpt {
            text: text.to_string(),
            start,
            width: width.max(1),
        });
        self
    }

    pub fn with_lang(mut self, lang: &str) -> Self {
        self.lang = Some(lang.to_string());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{kind}: {}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        if let Some(lang) = &self.lang {
            write!(f, " [{lang}]")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(ex) = &self.excerpt {
            let no = self.line.to_string();
            let pad = " ".repeat(no.len());
            let text = ex.text.replace('\t', " ");
            // The caret goes under the characters at fault as a terminal
            // shows them: a Chinese or Japanese character takes two
            // columns, a combining mark none.
            let columns = |c: char| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            let before: usize = text.chars().take(ex.start).map(columns).sum();
            let at: usize = (text.chars().skip(ex.start).take(ex.width))
                .map(columns)
                .sum();
            write!(
                f,
                "\n {pad} |\n {no} | {text}\n {pad} | {}{}",
                " ".repeat(before),
                "^".repeat(at.max(1))
            )?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Sorts and de-duplicates diagnostics so that reports are stable.
pub fn normalise(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        // With the column, the same problem found by the render of each
        // language that shows a chapter is always next to its twins.
        (&a.file, a.line, a.column, &a.lang, &a.message, a.severity)
            .cmp(&(&b.file, b.line, b.column, &b.lang, &b.message, b.severity))
    });
    diags.dedup();
}

/// Line numbers of byte offsets asked for mostly in increasing order,
/// counted on the way: no table of line starts is built.
pub struct LineCounter<'a> {
    text: &'a [u8],
    pos: usize,
    line: usize,
    offset: usize,
}

impl<'a> LineCounter<'a> {
    /// `offset` lines precede `text` in its file, as for [`LineIndex::new`].
    pub fn new(text: &'a str, offset: usize) -> Self {
        LineCounter {
            text: text.as_bytes(),
            pos: 0,
            line: 1 + offset,
            offset,
        }
    }

    /// The line of byte `pos`, as [`LineIndex::line`] gives it.
    pub fn line(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        if pos < self.pos {
            (self.pos, self.line) = (0, 1 + self.offset);
        }
        self.line += memchr::memchr_iter(b'\n', &self.text[self.pos..pos]).count();
        self.pos = pos;
        self.line
    }
}

/// Maps byte offsets of a text to 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Number of lines that precede the text in its file (front matter).
    offset: usize,
    /// The last position located and its column, so that positions asked
    /// for in order along one long line cost only the characters between
    /// them.
    last: std::cell::Cell<(usize, usize)>,
}

/// Characters of a long line shown before the part at fault.
const EXCERPT_BEFORE: usize = 60;
/// Characters of a long line shown from the part at fault on.
const EXCERPT_FROM: usize = 100;

/// Where a part of a text is, and the excerpt that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The line's text: all of it, or on a long line the part around the
    /// position, with `…` where it is cut.
    pub text: String,
    /// Characters of `text` before the part.
    pub start: usize,
    /// Characters of the part shown on the line (at least 1).
    pub width: usize,
}

impl LineIndex {
    /// Line, column and excerpt for byte `pos` of `text` (the part at fault
    /// being `pos..end`). The cost does not depend on the line's length.
    pub fn locate(&self, text: &str, pos: usize, end: usize) -> Located {
        let pos = floor_char(text, pos.min(text.len()));
        let idx = match self.starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[idx];
        let (last_pos, last_col) = self.last.get();
        let column = if (start..=pos).contains(&last_pos) && last_pos > start {
            last_col + text[last_pos..pos].chars().count()
        } else {
            text[start..pos].chars().count()
        };
        self.last.set((pos, column));
        let line_end = self.starts.get(idx + 1).map_or(text.len(), |next| next - 1);
        let line_end = line_end.min(text.len());
        let line_end = if text[..line_end].ends_with('\r') {
            line_end - 1
        } else {
            line_end
        }
        .max(pos);
        let before: Vec<(usize, char)> = text[start..pos]
            .char_indices()
            .rev()
            .take(EXCERPT_BEFORE + 1)
            .collect();
        let cut_before = before.len() > EXCERPT_BEFORE;
        let from = if cut_before {
            start + before[EXCERPT_BEFORE - 1].0
        } else {
            start
        };
        let mut after = text[pos..line_end].char_indices().skip(EXCERPT_FROM);
        let (to, cut_after) = match after.next() {
            Some((i, _)) => (pos + i, true),
            None => (line_end, false),
        };
        let mut excerpt = String::with_capacity(to - from + 6);
        if cut_before {
            excerpt.push('…');
        }
        excerpt.push_str(&text[from..to]);
        if cut_after {
            excerpt.push('…');
        }
        let shown_before = text[from..pos].chars().count() + usize::from(cut_before);
        let width = text[pos..floor_char(text, end.clamp(pos, to))]
            .chars()
            .count();
        Located {
            line: idx + 1 + self.offset,
            column: column + 1,
            text: excerpt,
            start: shown_before,
            width: width.max(1),
        }
    }

    pub fn new(text: &str, offset: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            starts,
            offset,
            last: std::cell::Cell::new((0, 0)),
        }
    }

    /// The 1-based line in the file of byte `pos` of the text.
    pub fn line(&self, pos: usize) -> usize {
        let idx = match self.starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        idx + 1 + self.offset
    }
}

/// The start of the character at or before byte `pos`.
fn floor_char(text: &str, mut pos: usize) -> usize {
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// Turns an absolute path into one relative to `root` for messages.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Remembers which problems were shown, so that each rebuild of `serve` and
/// `build --watch` shows only new ones.
#[derive(Debug, Default, Clone)]
pub struct Shown(HashSet<String>);

impl Shown {
    /// The problems of `all` not shown before; `all` becomes what was shown
    /// (a problem that went away and comes back is new again).
    pub fn update<'a>(&mut self, all: &'a [Diagnostic]) -> Vec<&'a Diagnostic> {
        let texts: Vec<String> = all.iter().map(ToString::to_string).collect();
        let new = all
            .iter()
            .zip(&texts)
            .filter(|(_, t)| !self.0.contains(*t))
            .map(|(d, _)| d)
            .collect();
        self.0 = texts.into_iter().collect();
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_counter_agrees_with_line_index() {
        let text = "a\nbb\n\nccc\nd";
        let index = LineIndex::new(text, 3);
        let mut counter = LineCounter::new(text, 3);
        // In order, then back to the start, then past the end.
        for pos in (0..=text.len()).chain([0, 5, 2, 100]) {
            assert_eq!(counter.line(pos), index.line(pos.min(text.len())), "{pos}");
        }
    }

    #[test]
    fn line_index_counts_from_offset() {
        let idx = LineIndex::new("a\nbc\n\nd", 3);
        assert_eq!(idx.line(0), 4);
        assert_eq!(idx.line(2), 5);
        assert_eq!(idx.line(3), 5);
        assert_eq!(idx.line(5), 6);
        assert_eq!(idx.line(6), 7);
    }

    #[test]
    fn shown_problems_are_not_shown_again_until_they_come_back() {
        let a = Diagnostic::warning("a.md", 1, "one");
        let b = Diagnostic::error("b.md", 2, "two");
        let mut shown = Shown::default();
        assert_eq!(shown.update(std::slice::from_ref(&a)), [&a]);
        assert_eq!(shown.update(&[a.clone(), b.clone()]), [&b]);
        assert!(shown.update(std::slice::from_ref(&b)).is_empty());
        assert_eq!(shown.update(&[a.clone(), b.clone()]), [&a]);
    }

    #[test]
    fn locate_gives_column_excerpt_and_width() {
        let text = "first\nsee [x](y.md) now\n";
        let idx = LineIndex::new(text, 2);
        assert_eq!(
            idx.locate(text, 10, 19),
            Located {
                line: 4,
                column: 5,
                text: "see [x](y.md) now".to_string(),
                start: 4,
                width: 9
            }
        );
        let d = Diagnostic::error("a.md", 4, "broken").at("see [x](y.md) now", 4, 9);
        assert_eq!(
            d.to_string(),
            "error: a.md:4:5: broken\n   |\n 4 | see [x](y.md) now\n   |     ^^^^^^^^^"
        );
    }

    #[test]
    fn the_caret_stands_under_wide_and_combining_characters_as_shown() {
        // Two wide characters and a space before the link; a combining
        // acute accent inside it takes no column.
        let d = Diagnostic::error("zh.md", 2, "broken").at("安全 [é](y.md)", 3, 10);
        assert_eq!(
            d.to_string(),
            "error: zh.md:2:4: broken\n   |\n 2 | 安全 [é](y.md)\n   |      ^^^^^^^^^"
        );
        let d = Diagnostic::error("zh.md", 1, "broken").at("见[链接](y.md)", 1, 4);
        assert_eq!(
            d.to_string(),
            "error: zh.md:1:2: broken\n   |\n 1 | 见[链接](y.md)\n   |   ^^^^^^"
        );
    }

    #[test]
    fn excerpts_of_long_lines_show_the_part_around_the_position() {
        let line = format!("{}[x](y.md){}", "é".repeat(5000), "b".repeat(5000));
        let text = format!("first\n{line}\nlast");
        let idx = LineIndex::new(&text, 0);
        let pos = text.find('[').unwrap();
        let at = idx.locate(&text, pos, pos + 9);
        assert_eq!((at.line, at.column, at.width), (2, 5001, 9));
        let shown: String = at.text.chars().skip(at.start).take(at.width).collect();
        assert_eq!(shown, "[x](y.md)");
        assert!(at.text.starts_with('…') && at.text.ends_with('…'));
        assert_eq!(at.text.chars().count(), EXCERPT_BEFORE + EXCERPT_FROM + 2);
        // Positions along the line, in order and not, give the same columns.
        let later = idx.locate(&text, pos + 9, pos + 10);
        assert_eq!(later.column, 5010);
        assert_eq!(idx.locate(&text, pos, pos + 1).column, 5001);
        // A part running past the end of the line is shown to its end.
        let long = idx.locate(&text, pos, text.len());
        assert_eq!(long.width, EXCERPT_FROM);
    }

    #[test]
    fn display_names_file_line_language_and_hint() {
        let d = Diagnostic::error("manuals/a/es/x.md", 12, "broken link")
            .with_lang("es")
            .with_hint("did you mean `y.md`?");
        assert_eq!(
            d.to_string(),
            "error: manuals/a/es/x.md:12 [es]: broken link\n  hint: did you mean `y.md`?"
        );
    }
}
