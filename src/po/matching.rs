//! Which entry of a catalogue translates a message (pure), for catalogues
//! polybook made and for those other tools made from the same source
//! (mdpo's `md2po`, mdbook-i18n-helpers' `mdbook-xgettext`, po4a).
//!
//! An entry with the message's context and text is its own. Otherwise an
//! entry whose `msgid` says the same in Markdown as the message does: the
//! two are compared by [`key`], made from their Markdown events, so that
//! line breaks and wrapping, runs of white space, the emphasis markers
//! chosen (`*x*` or `_x_`, `**x**` or `__x__`), backslash escapes and the
//! way a link is written do not count, while the words, the marks and the
//! link targets do. What those tools put into a msgid that polybook keeps
//! out of its messages is set aside on both sides of the entry: an alert's
//! `[!NOTE]` marker, a heading's `{#id}`, and the `![...](...)` around an
//! image's alt text. An entry of the same context is preferred; an entry
//! holding another message's context is never taken for this one, and an
//! entry without a context (mdbook-i18n-helpers and mdpo write none)
//! translates every message with its text.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Tag, TagEnd};

use super::catalog::{Catalog, Entry};
use super::extract::Message;

/// The alert markers GitHub and the build know.
const ALERTS: &[&str] = &["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"];

/// The key of some inline Markdown: its text with white space runs as one
/// space, emphasis as `*`, strong as `**`, strikethrough as `~~`, code as
/// `` ` ``, links and images as `[text](target)`, footnote references as
/// `[^label]`, inline HTML as written.
pub(crate) fn key(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    // The targets of the links and images open.
    let mut targets: Vec<String> = Vec::new();
    for (event, _) in crate::render::nesting::Events::new(markdown) {
        match event {
            Event::Text(t) => out.push_str(&t),
            Event::Code(c) => {
                out.push('`');
                out.push_str(&c);
                out.push('`');
            }
            Event::InlineMath(m) | Event::DisplayMath(m) => {
                out.push('$');
                out.push_str(&m);
                out.push('$');
            }
            Event::InlineHtml(h) | Event::Html(h) => out.push_str(&h),
            Event::FootnoteReference(l) => {
                out.push_str("[^");
                out.push_str(&l);
                out.push(']');
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => out.push('*'),
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => out.push_str("**"),
            Event::Start(Tag::Strikethrough) | Event::End(TagEnd::Strikethrough) => {
                out.push_str("~~")
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                out.push('[');
                targets.push(dest_url.to_string());
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                out.push_str("![");
                targets.push(dest_url.to_string());
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                out.push_str("](");
                out.push_str(&targets.pop().unwrap_or_default());
                out.push(')');
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The link reference definitions of a chapter body as written, each
/// ending a line. Another tool's msgid may keep a reference link as written
/// (`[text][ref]`, `[text][]`, `[ref]`) where polybook's message writes
/// it out: with these after it, its key resolves the reference to the
/// target the chapter gives it.
pub(crate) fn definitions(body: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(body, crate::model::outline::options());
    let mut out = String::new();
    for (_, def) in parser.reference_definitions().iter() {
        if let Some(text) = body.get(def.span.clone()) {
            out.push_str(text.trim());
            out.push('\n');
        }
    }
    out
}

/// The key of another tool's msgid: [`key`] with the chapter's reference
/// `definitions` after it, when it may use them.
fn entry_key(msgid: &str, definitions: &str) -> String {
    if definitions.is_empty() || !msgid.contains(']') {
        key(msgid)
    } else {
        key(&format!("{msgid}\n\n{definitions}"))
    }
}

/// What another tool puts around a message that polybook's message leaves
/// out, found in a msgid (or msgstr), and the text without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wrapper {
    None,
    /// `[!NOTE] ` before a quote's text.
    Alert,
    /// ` {#id}` after a heading's text.
    HeadingId,
    /// `![` and `](target)` around an image's alt text.
    Image,
    /// The whole TOML front matter around its `title` (or `description`),
    /// as mdpo reads it: one paragraph, its lines joined.
    FrontTitle,
    FrontDescription,
    /// Footnote definitions in a row, joined into one msgid (mdpo's way):
    /// the text of the one at this position.
    Footnote(u16),
}

/// The texts of footnote definitions in a row that another tool joined
/// into one msgid (`[^a]: First note. [^b]: Second note.`), each without
/// its `[^label]: `; `None` unless the text is two or more of them.
pub(crate) fn joined_footnotes(text: &str) -> Option<Vec<&str>> {
    let t = text.trim();
    // Where each definition's marker starts and where its text starts.
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(found) = t[from..].find("[^") {
        let at = from + found;
        from = at + 2;
        if at > 0 && !t[..at].ends_with(char::is_whitespace) {
            continue;
        }
        let rest = &t[at + 2..];
        let Some(end) = rest.find("]:") else { break };
        let label = &rest[..end];
        if label.is_empty() || label.contains(char::is_whitespace) || label.contains(['[', ']']) {
            continue;
        }
        marks.push((at, at + 2 + end + 2));
    }
    if marks.len() < 2 || marks[0].0 != 0 {
        return None;
    }
    let ends = marks.iter().skip(1).map(|&(at, _)| at).chain([t.len()]);
    Some(
        marks
            .iter()
            .zip(ends)
            .map(|(&(_, text), end)| t[text..end].trim())
            .collect(),
    )
}

/// The `title` and `description` of front matter that another tool read
/// as a block, or `None` for any other text. mdpo reads TOML front matter
/// as a paragraph, its lines joined with spaces (`+++ title = "…"
/// description = "…" +++`): each `key =` outside a string and a bracket
/// starts a line again, and the lines are read as TOML. It reads YAML front
/// matter as a heading whose lines it keeps (`title: …` and `description:
/// …`): a YAML mapping with one of those keys.
pub(crate) fn joined_front_matter(text: &str) -> Option<(Option<String>, Option<String>)> {
    let Some(inner) = text
        .trim()
        .strip_prefix("+++")
        .and_then(|t| t.strip_suffix("+++"))
    else {
        let value: serde_json::Value = serde_yaml_ng::from_str(text.trim()).ok()?;
        let text_of = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let (title, description) = (text_of("title"), text_of("description"));
        return (title.is_some() || description.is_some()).then_some((title, description));
    };
    let mut lines = String::with_capacity(inner.len() + 16);
    let (mut quote, mut escaped, mut depth) = (None::<char>, false, 0usize);
    for (i, c) in inner.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                lines.push(c);
                continue;
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '[' || c == '{' => depth += 1,
            None if c == ']' || c == '}' => depth = depth.saturating_sub(1),
            None => {}
        }
        let starts_key = c == ' ' && depth == 0 && {
            let rest = inner[i..].trim_start();
            let name = rest
                .trim_start_matches(|k: char| k.is_ascii_alphanumeric() || k == '_' || k == '-');
            name.len() < rest.len() && name.trim_start().starts_with('=')
        };
        lines.push(if starts_key { '\n' } else { c });
    }
    let table: toml::Table = toml::from_str(&lines).ok()?;
    let text_of = |k: &str| table.get(k).and_then(|v| v.as_str()).map(str::to_string);
    Some((text_of("title"), text_of("description")))
}

/// `text` without an alert marker before it or an attribute block
/// (`{#id .class}`) after it, and which was removed.
pub(crate) fn unwrap(text: &str) -> (&str, Wrapper) {
    let t = text.trim();
    if let Some(r) = t.strip_prefix("[!")
        && let Some((word, after)) = r.split_once(']')
        && ALERTS.contains(&word.to_ascii_uppercase().as_str())
    {
        return (after.trim_start(), Wrapper::Alert);
    }
    if t.ends_with('}')
        && let Some(at) = t.rfind('{')
        && t[at + 1..].trim_start().starts_with(['#', '.'])
        && !t[at..].contains('`')
    {
        return (t[..at].trim_end(), Wrapper::HeadingId);
    }
    (t, Wrapper::None)
}

/// The alt text of `text` when it is one image and nothing else.
pub(crate) fn image_alt(text: &str) -> Option<&str> {
    let t = text.trim();
    let inner = t.strip_prefix("![")?;
    let end = inner.rfind("](")?;
    t.ends_with(')').then(|| &inner[..end])
}

/// The entries of a catalogue that may translate messages: not the header,
/// not obsolete.
pub(crate) struct Index<'a> {
    entries: Vec<(usize, &'a Entry)>,
    exact: HashMap<(Option<&'a str>, &'a str), usize>,
    /// By key (of the msgid without its wrapper): positions in `entries`.
    loose: HashMap<String, Vec<usize>>,
    /// Contexts of the chapter's messages.
    contexts: HashSet<&'a str>,
    /// Entries that translated some message.
    pub used: Vec<bool>,
}

/// An entry found for a message: its position among the catalogue's
/// entries, and what its msgstr must lose to fit the message's place.
pub(crate) struct Found<'a> {
    pub index: usize,
    pub entry: &'a Entry,
    pub wrapper: Wrapper,
}

impl<'a> Index<'a> {
    /// The entries of `catalog` for `messages`, extracted from a chapter
    /// whose link reference [`definitions`] are `definitions`.
    pub fn new(catalog: &'a Catalog, messages: &'a [Message], definitions: &str) -> Self {
        let entries: Vec<(usize, &Entry)> = (catalog.entries.iter().enumerate())
            .filter(|(_, e)| !e.obsolete && !e.is_header())
            .collect();
        let mut exact = HashMap::new();
        let mut loose: HashMap<String, Vec<usize>> = HashMap::new();
        for (at, (_, e)) in entries.iter().enumerate() {
            exact.insert((e.msgctxt.as_deref(), e.msgid.as_str()), at);
            if let Some((title, description)) = joined_front_matter(&e.msgid) {
                for (name, value) in [("title", title), ("description", description)] {
                    if let Some(v) = value {
                        loose
                            .entry(format!("front/{name}:{}", key(&v)))
                            .or_default()
                            .push(at);
                    }
                }
                // YAML front matter read as a heading may be a heading
                // after all (`Title: …`); TOML's `+++` never is.
                if e.msgid.trim_start().starts_with("+++") {
                    continue;
                }
            }
            if let Some(notes) = joined_footnotes(&e.msgid) {
                for note in notes {
                    loose.entry(key(note)).or_default().push(at);
                }
                continue;
            }
            let (text, wrapper) = unwrap(&e.msgid);
            let k = match (wrapper, image_alt(text)) {
                (Wrapper::None, Some(_)) => format!("img:{}", entry_key(text, definitions)),
                _ => entry_key(text, definitions),
            };
            loose.entry(k).or_default().push(at);
        }
        Index {
            used: vec![false; entries.len()],
            entries,
            exact,
            loose,
            contexts: messages.iter().map(|m| m.context.as_str()).collect(),
        }
    }

    /// The entry that translates `m`, if any.
    pub fn find(&mut self, m: &Message) -> Option<Found<'a>> {
        let at = match self.exact.get(&(Some(m.context.as_str()), m.text.as_str())) {
            Some(&at) => Some((at, Wrapper::None)),
            None => self.find_loose(m),
        }?;
        self.used[at.0] = true;
        let (index, entry) = self.entries[at.0];
        Some(Found {
            index,
            entry,
            wrapper: at.1,
        })
    }

    fn find_loose(&self, m: &Message) -> Option<(usize, Wrapper)> {
        let k = if m.kind == "front" {
            format!("{}:{}", m.context, key(&m.text))
        } else if m.kind == "img" {
            let dest = (m.note.as_deref())
                .and_then(|n| n.strip_prefix("image: "))
                .unwrap_or("");
            format!("img:{}", key(&format!("![{}](<{dest}>)", m.text)))
        } else {
            key(&m.text)
        };
        let list = self.loose.get(&k)?;
        let own = |at: &usize| self.entries[*at].1.msgctxt.as_deref() == Some(m.context.as_str());
        let free = |at: &usize| match self.entries[*at].1.msgctxt.as_deref() {
            None => true,
            Some(c) => !self.contexts.contains(c),
        };
        let at = *list
            .iter()
            .find(|a| own(a))
            .or_else(|| list.iter().find(|a| free(a)))?;
        let msgid = &self.entries[at].1.msgid;
        let note = || {
            let notes = joined_footnotes(msgid)?;
            let i = notes.iter().position(|n| key(n) == k)?;
            u16::try_from(i).ok()
        };
        if let Some(i) = note() {
            return Some((at, Wrapper::Footnote(i)));
        }
        let wrapper = match unwrap(msgid) {
            _ if m.context == "front/title" => Wrapper::FrontTitle,
            _ if m.context == "front/description" => Wrapper::FrontDescription,
            (_, w @ (Wrapper::Alert | Wrapper::HeadingId)) => w,
            (t, Wrapper::None) if m.kind == "img" && image_alt(t).is_some() => Wrapper::Image,
            _ => Wrapper::None,
        };
        Some((at, wrapper))
    }

    /// The entries that translated no message (translated and not fuzzy
    /// ones only: the others show nothing anyway), by their position in
    /// the catalogue.
    pub fn unused(&self) -> impl Iterator<Item = (usize, &'a Entry)> + '_ {
        (self.entries.iter().zip(&self.used))
            .filter(|((_, e), used)| !**used && e.is_translated() && !e.is_fuzzy())
            .map(|(x, _)| *x)
    }
}

/// Whether a translation has the part its entry's wrapper picks: one of
/// joined footnotes translated as fewer of them has not.
pub(crate) fn fits(text: &str, wrapper: Wrapper) -> bool {
    match wrapper {
        Wrapper::Footnote(i) => joined_footnotes(text).is_some_and(|n| usize::from(i) < n.len()),
        _ => true,
    }
}

/// A translation without what its entry's wrapper adds around the message.
pub(crate) fn fit_translation(text: &str, wrapper: Wrapper) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match wrapper {
        Wrapper::None => Cow::Borrowed(text),
        Wrapper::Alert | Wrapper::HeadingId => Cow::Borrowed(match unwrap(text) {
            (t, w) if w == wrapper => t,
            _ => text,
        }),
        Wrapper::Image => Cow::Borrowed(image_alt(text).unwrap_or(text)),
        Wrapper::Footnote(i) => Cow::Borrowed(
            joined_footnotes(text)
                .and_then(|notes| notes.get(usize::from(i)).copied())
                .unwrap_or(text),
        ),
        Wrapper::FrontTitle | Wrapper::FrontDescription => {
            let (title, description) = joined_front_matter(text).unwrap_or_default();
            let value = if wrapper == Wrapper::FrontTitle {
                title
            } else {
                description
            };
            value.map_or(Cow::Borrowed(text), Cow::Owned)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_leave_out_what_does_not_change_the_meaning() {
        assert_eq!(
            key("A *long*\nline  with __strong__ and \\* a [link](a.md#x \"T\")."),
            key("A _long_ line with **strong** and * a [link](<a.md#x>)."),
        );
        assert_eq!(key("See [a](x.md)"), "See [a](x.md)");
        assert_eq!(key("`code`  here[^1]"), "`code` here[^1]");
        assert_ne!(key("See [a](x.md)"), key("See [a](y.md)"));
        assert_ne!(key("*a*"), key("**a**"));
        assert_ne!(key("one"), key("two"));
        assert_eq!(key("[![i](a.png) b](c.md)"), "[![i](a.png) b](c.md)");
    }

    #[test]
    fn reference_links_resolve_through_the_chapters_definitions() {
        let body = "Text.\n\n[Plan]: plan.md#steps \"The plan\"\n  [list]:\n    <plan.md#list>\n";
        let defs = definitions(body);
        assert!(
            defs.contains("[Plan]: plan.md#steps") && defs.contains("[list]:"),
            "{defs}"
        );
        let written_out =
            key("See [the plan](plan.md#steps \"The plan\") and [list](plan.md#list).");
        for kept in [
            "See [the plan][plan] and [list][].",
            "See [the plan][PLAN] and [list].",
            "See [the plan][Plan] and [list][LIST].",
        ] {
            assert_eq!(entry_key(kept, &defs), written_out, "{kept}");
        }
        // An undefined label stays text; without definitions nothing changes.
        assert_ne!(
            entry_key("See [the plan][other].", &defs),
            key("See [the plan](plan.md#steps).")
        );
        assert_eq!(entry_key("See [x][y].", ""), key("See [x][y]."));
    }

    #[test]
    fn front_matter_read_as_one_paragraph() {
        let joined = |t: &str, d: &str| Some((Some(t.to_string()), Some(d.to_string())));
        assert_eq!(
            joined_front_matter(
                "+++ title = \"Risk = threat\" description = 'Weigh it.' translated_from = \"ab\" +++"
            ),
            joined("Risk = threat", "Weigh it.")
        );
        assert_eq!(
            joined_front_matter(
                "+++ tags = [\"a b\", \"c = d\"] title = \"Say \\\"no\\\" = x\" description = \"D\" weight = 3 +++"
            ),
            joined("Say \"no\" = x", "D")
        );
        assert_eq!(
            joined_front_matter("+++ weight = 3 +++"),
            Some((None, None))
        );
        assert_eq!(
            joined_front_matter("title: Risk\ndescription: \"Weigh: it.\"\ntranslated_from: ab"),
            joined("Risk", "Weigh: it.")
        );
        assert_eq!(joined_front_matter("Note: a heading"), None);
        assert_eq!(joined_front_matter("A paragraph."), None);
        assert_eq!(joined_front_matter("+++ not toml at all +++"), None);
        assert_eq!(
            fit_translation("+++ title = \"Riesgo\" +++", Wrapper::FrontTitle),
            "Riesgo"
        );
        assert_eq!(fit_translation("Riesgo", Wrapper::FrontTitle), "Riesgo");
    }

    #[test]
    fn footnotes_joined_into_one_msgid() {
        assert_eq!(
            joined_footnotes("[^a]: First *note*. [^long-2]: Second, see [^a]. [^c]: Third."),
            Some(vec!["First *note*.", "Second, see [^a].", "Third."])
        );
        assert_eq!(joined_footnotes("[^a]: Only one."), None);
        assert_eq!(joined_footnotes("Text[^a] and [^b]: not a note."), None);
        assert_eq!(
            fit_translation("[^a]: Primera. [^b]: Segunda.", Wrapper::Footnote(1)),
            "Segunda."
        );
        assert!(fits("[^a]: Primera. [^b]: Segunda.", Wrapper::Footnote(1)));
        assert!(!fits("[^a]: Primera y segunda.", Wrapper::Footnote(1)));
    }

    #[test]
    fn wrappers_other_tools_keep() {
        assert_eq!(unwrap("[!NOTE] Keep it."), ("Keep it.", Wrapper::Alert));
        assert_eq!(unwrap("Title {#top}"), ("Title", Wrapper::HeadingId));
        assert_eq!(unwrap("Code `{#x}`"), ("Code `{#x}`", Wrapper::None));
        assert_eq!(unwrap("[!NOPE] x"), ("[!NOPE] x", Wrapper::None));
        assert_eq!(image_alt("![A map](m.svg)"), Some("A map"));
        assert_eq!(image_alt("An ![inline](m.svg) one"), None);
        assert_eq!(
            fit_translation("[!NOTE] Guárdalo.", Wrapper::Alert),
            "Guárdalo."
        );
        assert_eq!(
            fit_translation("Título {#top}", Wrapper::HeadingId),
            "Título"
        );
        assert_eq!(
            fit_translation("![Un mapa](m.svg)", Wrapper::Image),
            "Un mapa"
        );
    }
}
