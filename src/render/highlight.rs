//! Code highlighting at build time with syntect: spans with CSS classes, no
//! JavaScript and no inline colours (the theme's stylesheet colours them).
//!
//! A build highlights through a [`LineCache`]: translations of a code block
//! often differ only in their comments, so each line is highlighted once
//! for every block, in every language, that reaches it in the same parser
//! state.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use syntect::html::{ClassStyle, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::render::html::escape;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// Class prefix of highlighted tokens, e.g. `hl-comment`.
pub const CLASS_PREFIX: &str = "hl-";

/// Renders a code block. `info` is the fence's info string (`sh`, `rust title=x`).
pub fn code_block(code: &str, info: &str) -> String {
    code_block_with(code, info, None)
}

fn code_block_with(code: &str, info: &str, cache: Option<&mut LineCache>) -> String {
    let body = highlight(code, fence_token(info), cache).unwrap_or_else(|| escape(code));
    wrap(&body, info)
}

/// The language token of a fence's info string.
fn fence_token(info: &str) -> &str {
    info.split([' ', ',', '{']).next().unwrap_or("").trim()
}

/// A block's `<pre>` around its body.
fn wrap(body: &str, info: &str) -> String {
    let token = fence_token(info);
    let lang_class = if token.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{}\"", escape(token))
    };
    format!(
        "<pre class=\"code\" dir=\"ltr\" tabindex=\"0\"><code{lang_class}>{body}</code></pre>\n"
    )
}

/// Code blocks highlighted before the bodies are rendered: translations
/// keep the source's code, so each distinct block is highlighted once
/// instead of once per language. A block not listed is highlighted when it
/// is rendered.
///
/// Blocks are kept as the numbers of their highlighted lines, each line's
/// HTML once: translations of a block differ mostly in their comments, so
/// the table holds little more than the distinct lines, where whole blocks'
/// HTML for every language would stay in memory for the whole build.
#[derive(Debug, Default)]
pub struct Highlighted {
    /// The HTML of every distinct highlighted line, by number.
    lines: Vec<Box<str>>,
    /// By code: each info string it was written with, and its block.
    blocks: FxHashMap<Box<str>, Vec<(Box<str>, Block)>>,
}

/// A listed block: the numbers of its lines in [`Highlighted::lines`] and
/// the spans still open after the last one, or `None` when it is shown as
/// plain text (no known syntax, or the parser failed on a line).
type Block = Option<Lines>;

/// A highlighted block's lines, by number, and the spans left open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lines {
    ids: Box<[u32]>,
    open: usize,
}

impl Highlighted {
    /// An empty table, to which [`Highlighted::add`] adds what each
    /// thread's cache highlighted.
    pub fn new() -> Highlighted {
        Highlighted::default()
    }

    /// Adds the blocks one [`LineCache`] highlighted, with their codes and
    /// info strings, and that cache's lines ([`LineCache::into_lines`]).
    pub fn add(
        &mut self,
        lines: Vec<Box<str>>,
        blocks: impl IntoIterator<Item = (String, String, Block)>,
    ) {
        let base = u32::try_from(self.lines.len()).expect("fewer than 2^32 lines");
        self.lines.extend(lines);
        for (code, info, block) in blocks {
            let block = block.map(|l| Lines {
                ids: l.ids.iter().map(|&id| base + id).collect(),
                open: l.open,
            });
            self.blocks
                .entry(code.into())
                .or_default()
                .push((info.into(), block));
        }
    }

    /// The HTML of a code block: from the table, or highlighted now.
    pub fn code_block(&self, code: &str, info: &str) -> String {
        let Some(block) = self
            .blocks
            .get(code)
            .and_then(|v| v.iter().find(|(i, _)| &**i == info))
            .map(|(_, block)| block)
        else {
            return code_block(code, info);
        };
        let body = match block {
            Some(l) => join(&self.lines, l, code.len()),
            None => escape(code),
        };
        wrap(&body, info)
    }
}

/// The HTML of a block's lines, with the spans left open closed.
fn join(htmls: &[Box<str>], lines: &Lines, len: usize) -> String {
    let mut html = String::with_capacity(len * 2);
    for &id in &lines.ids {
        html.push_str(&htmls[id as usize]);
    }
    for _ in 0..lines.open {
        html.push_str("</span>");
    }
    html
}

/// The syntax a fence's language token names.
fn syntax_for(token: &str) -> Option<&'static SyntaxReference> {
    if token.is_empty() {
        return None;
    }
    let token = match token.to_ascii_lowercase().as_str() {
        "shell" | "console" | "zsh" | "sh" => "bash".to_string(),
        other => other.to_string(),
    };
    SYNTAXES.find_syntax_by_token(&token)
}

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed {
    prefix: CLASS_PREFIX,
};

/// The highlighted body of a block, or `None` when the token names no known
/// syntax or the parser fails on a line. The same bytes as syntect's
/// `ClassedHTMLGenerator`: each line's spans after the parser and scope
/// states the lines before left, then the spans still open are closed.
fn highlight(code: &str, token: &str, cache: Option<&mut LineCache>) -> Option<String> {
    let syntax = syntax_for(token)?;
    let mut html = String::with_capacity(code.len() * 2);
    let mut open_spans: isize = 0;
    match cache {
        None => {
            let mut state = State::new(syntax);
            for line in LinesWithEndings::from(code) {
                let (line_html, delta) = state.advance(line)?;
                open_spans += delta;
                html.push_str(&line_html);
            }
        }
        Some(cache) => {
            let lines = cache.lines_of(syntax, code)?;
            return Some(join(&cache.htmls, &lines, code.len()));
        }
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Some(html)
}

/// Where the highlighter stands between two lines: the parser's state and
/// the scopes open. A line's HTML, and the state after it, depend on nothing
/// else.
#[derive(Clone, PartialEq, Eq)]
struct State {
    parse: ParseState,
    scopes: ScopeStack,
}

impl State {
    fn new(syntax: &SyntaxReference) -> State {
        State {
            parse: ParseState::new(syntax),
            scopes: ScopeStack::new(),
        }
    }

    /// Highlights one line (with its line ending): its HTML and the number
    /// of spans it leaves open (negative when it closes earlier ones).
    fn advance(&mut self, line: &str) -> Option<(String, isize)> {
        let ops = self.parse.parse_line(line, &SYNTAXES).ok()?;
        line_tokens_to_classed_spans(line, &ops, STYLE, &mut self.scopes).ok()
    }
}

/// Highlighted lines, by their text and the state before them. The same
/// input always gives the same HTML as highlighting without the cache: a
/// line is served from it only after the very same state (compared whole,
/// never by a hash alone). One cache serves one thread: syntect's parser
/// states hold regex regions that may not cross threads.
#[derive(Default)]
pub struct LineCache {
    /// Every state met, by number.
    states: Vec<State>,
    /// The numbers of the states, by their open scopes (which a state's
    /// hash can be made from: syntect's states have none).
    by_scopes: FxHashMap<Vec<Scope>, Vec<u32>>,
    /// By line text: the states it was highlighted after, with the result
    /// (`None`: the parser failed on it).
    lines: FxHashMap<Box<str>, Vec<(u32, Option<Done>)>>,
    /// The HTML of each highlighted line, by number.
    htmls: Vec<Box<str>>,
    /// Lines given to the parser, for the tests.
    parsed: usize,
}

/// A highlighted line: the number of its HTML, the spans it leaves open and
/// the number of the state after it.
struct Done {
    html: u32,
    delta: isize,
    next: u32,
}

impl LineCache {
    /// Renders a code block, as [`code_block`] does, through the cache.
    #[cfg(test)]
    pub fn code_block(&mut self, code: &str, info: &str) -> String {
        code_block_with(code, info, Some(self))
    }

    /// Highlights a code block through the cache and gives it as the
    /// numbers of its lines, for [`Highlighted::add`]; `None` for a block
    /// shown as plain text.
    pub fn block(&mut self, code: &str, info: &str) -> Block {
        self.lines_of(syntax_for(fence_token(info))?, code)
    }

    /// The HTML of the lines this cache highlighted, by the numbers its
    /// blocks give them, for [`Highlighted::add`].
    pub fn into_lines(self) -> Vec<Box<str>> {
        self.htmls
    }

    /// The lines of a block in `syntax`, or `None` when the parser fails on
    /// one of them.
    fn lines_of(&mut self, syntax: &SyntaxReference, code: &str) -> Option<Lines> {
        let mut id = self.intern(State::new(syntax));
        let mut ids = Vec::new();
        let mut open: isize = 0;
        for line in LinesWithEndings::from(code) {
            let (html, delta, next) = self.line(id, line)?;
            ids.push(html);
            open += delta;
            id = next;
        }
        Some(Lines {
            ids: ids.into(),
            open: usize::try_from(open).unwrap_or(0),
        })
    }

    /// The number of a state, added when new.
    fn intern(&mut self, state: State) -> u32 {
        let bucket = self
            .by_scopes
            .entry(state.scopes.scopes.clone())
            .or_default();
        if let Some(&id) = bucket.iter().find(|&&id| self.states[id as usize] == state) {
            return id;
        }
        let id = u32::try_from(self.states.len()).expect("fewer than 2^32 states");
        bucket.push(id);
        self.states.push(state);
        id
    }

    /// Highlights `line` after state `id`: the number of its HTML, the
    /// spans it leaves open and the number of the state after it, or `None`
    /// when the parser fails on it.
    fn line(&mut self, id: u32, line: &str) -> Option<(u32, isize, u32)> {
        if let Some((_, done)) = self
            .lines
            .get(line)
            .and_then(|seen| seen.iter().find(|(from, _)| *from == id))
        {
            let done = done.as_ref()?;
            return Some((done.html, done.delta, done.next));
        }
        let mut state = self.states[id as usize].clone();
        self.parsed += 1;
        let done = state.advance(line).map(|(line_html, delta)| {
            let html = u32::try_from(self.htmls.len()).expect("fewer than 2^32 lines");
            self.htmls.push(line_html.into());
            Done {
                html,
                delta,
                next: self.intern(state),
            }
        });
        let step = done.as_ref().map(|d| (d.html, d.delta, d.next));
        self.lines.entry(line.into()).or_default().push((id, done));
        step
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block highlighted by syntect's own HTML generator, as the build
    /// did before lines were cached.
    fn reference(code: &str, info: &str) -> String {
        let token = info.split([' ', ',', '{']).next().unwrap_or("").trim();
        let lang_class = if token.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{}\"", escape(token))
        };
        let body = syntax_for(token)
            .and_then(|syntax| {
                let mut generator = syntect::html::ClassedHTMLGenerator::new_with_class_style(
                    syntax, &SYNTAXES, STYLE,
                );
                for line in LinesWithEndings::from(code) {
                    generator
                        .parse_html_for_line_which_includes_newline(line)
                        .ok()?;
                }
                Some(generator.finalize())
            })
            .unwrap_or_else(|| escape(code));
        format!(
            "<pre class=\"code\" dir=\"ltr\" tabindex=\"0\"><code{lang_class}>{body}</code></pre>\n"
        )
    }

    /// The HTML of the last line of a highlighted block.
    fn last_line(html: &str) -> &str {
        let body = html.trim_end_matches("</code></pre>\n");
        let body = body.strip_suffix('\n').unwrap_or(body);
        body.rsplit_once('\n').map_or(body, |(_, last)| last)
    }

    #[test]
    fn cached_lines_follow_the_state_earlier_lines_leave() {
        // Each pair: the same last line, after an earlier line that leaves
        // the parser in its usual state, then after one that opens a
        // comment, a string or a here-document.
        let pairs = [
            ("c", "int a;\nint b = 2;\n", "/* int a;\nint b = 2;\n"),
            (
                "rust",
                "let a = 1;\nlet b = 2;\n",
                "let a = \"1;\nlet b = 2;\n",
            ),
            ("python", "a = 1\nb = 2\n", "a = \"\"\"1\nb = 2\n"),
            ("sh", "echo one\nls -l ~/x\n", "echo \"one\nls -l ~/x\n"),
            ("sh", "echo one\nls -l ~/x\n", "cat <<EOF\nls -l ~/x\n"),
            ("html", "<p>a</p>\n<b>x</b>\n", "<!-- <p>a</p>\n<b>x</b>\n"),
        ];
        for (info, plain, opened) in pairs {
            let mut cache = LineCache::default();
            // The plain block first, so its last line is in the cache.
            let first = cache.code_block(plain, info);
            let second = cache.code_block(opened, info);
            assert_eq!(first, reference(plain, info));
            assert_eq!(second, reference(opened, info));
            assert_ne!(last_line(&first), last_line(&second), "{info}: {second}");
            // And again, each served from the cache alone.
            assert_eq!(cache.code_block(plain, info), first);
            assert_eq!(cache.code_block(opened, info), second);
        }
    }

    #[test]
    fn translations_of_a_block_parse_only_their_own_lines() {
        let code = "find . -name '*.jpg' -exec exiftool -all= {} +\nwg-quick up wg0\n";
        let mut cache = LineCache::default();
        for comment in ["# Check first.\n", "# Vérifiez d'abord.\n", "# 先检查。\n"] {
            let block = format!("{comment}{code}");
            assert_eq!(cache.code_block(&block, "sh"), reference(&block, "sh"));
        }
        // Three comments, and the two lines of code once.
        assert_eq!(cache.parsed, 5);
    }

    #[test]
    fn cached_highlighting_equals_syntect_on_mixed_blocks() {
        // Blocks made of lines drawn from pools with openers and closers of
        // comments, strings and here-documents, all through one cache.
        let pools: [(&str, &[&str]); 5] = [
            (
                "sh",
                &[
                    "# a comment\n",
                    "echo \"open\n",
                    "close\" done\n",
                    "cat <<EOF\n",
                    "EOF\n",
                    "ls -l ~/notes\n",
                    "x=$(date) # now\n",
                    "if [ -f a ]; then\n",
                    "fi\n",
                    "'\n",
                ],
            ),
            (
                "c",
                &[
                    "/* open\n",
                    "close */\n",
                    "int a = 1;\n",
                    "char *s = \"x\\\n",
                    "#define X 1\n",
                    "// line\n",
                    "}\n",
                    "int f(void) {\n",
                ],
            ),
            (
                "python",
                &[
                    "\"\"\"\n",
                    "def f(x):\n",
                    "    return x  # c\n",
                    "s = '''\n",
                    "'''\n",
                    "a = [1,\n",
                    "]\n",
                ],
            ),
            (
                "html",
                &[
                    "<!--\n",
                    "-->\n",
                    "<script>\n",
                    "</script>\n",
                    "var a = '<b>';\n",
                    "<p class=\"x\">t</p>\n",
                    "<style>\n",
                    "</style>\n",
                ],
            ),
            ("nosuchlang", &["a < b\n", "c & d\n"]),
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut cache = LineCache::default();
        for round in 0..600 {
            let (info, pool) = pools[round % pools.len()];
            let mut code: String = (0..1 + next(8)).map(|_| pool[next(pool.len())]).collect();
            if next(4) == 0 {
                // A last line without its line ending.
                code.pop();
            }
            let expected = reference(&code, info);
            assert_eq!(cache.code_block(&code, info), expected, "{code}");
            assert_eq!(code_block(&code, info), expected, "{code}");
        }
    }

    #[test]
    fn highlights_known_languages_with_classes() {
        let html = code_block("# check it\nsha256sum file.iso\n", "sh");
        assert!(html.contains("class=\"language-sh\""));
        assert!(html.contains("hl-comment"), "{html}");
        assert!(!html.contains("style="));
    }

    #[test]
    fn the_table_gives_what_highlighting_gives() {
        let blocks = [
            ("ls -l\n", "sh"),
            ("# a\nls -l\n", "sh"),
            ("ls -l\n", "text"),
            ("x = 1\n", "python"),
            ("s = \"\"\"open\nx = 1\n", "python"),
            ("a < b\n", "nosuchlang"),
        ];
        // Two caches, as two threads make them, in one table.
        let mut table = Highlighted::new();
        for half in blocks.chunks(3) {
            let mut cache = LineCache::default();
            let done: Vec<_> = half
                .iter()
                .map(|&(code, info)| (code.to_string(), info.to_string(), cache.block(code, info)))
                .collect();
            table.add(cache.into_lines(), done);
        }
        for (code, info) in blocks.into_iter().chain([("not listed\n", "sh")]) {
            assert_eq!(
                table.code_block(code, info),
                reference(code, info),
                "{code}"
            );
        }
        // Listed lines are used as they are, without the parser.
        let mut cache = LineCache::default();
        let block = cache.block("a\n", "sh");
        cache.htmls[0] = "A\n".into();
        let mut table = Highlighted::new();
        table.add(cache.into_lines(), [("a\n".into(), "sh".into(), block)]);
        let html = table.code_block("a\n", "sh");
        assert!(html.contains(">A\n") && !html.contains("a\n"), "{html}");
        assert!(!table.code_block("a\n", "bash").contains("A\n"));
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = code_block("a < b && c\n", "nosuchlang");
        assert!(html.contains("a &lt; b &amp;&amp; c"));
    }
}
