//! The gettext PO model, its reader and its writer.
//!
//! A catalogue is a list of entries; the header is the entry whose msgid is
//! empty and which has no msgctxt. The reader keeps everything a translator
//! or a tool may have put in an entry: translator comments (`# `),
//! extracted comments (`#.`), references (`#:`), flags (`#,`), the previous
//! msgctxt and msgid of a fuzzy entry (`#|`), plural forms and obsolete
//! entries (`#~`). A syntax error is a [`Diagnostic`] with the file and the
//! line, never a panic. The writer is deterministic: the same catalogue
//! gives the same bytes.

use std::path::Path;

use crate::diag::Diagnostic;

/// One PO entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    /// `# ` lines, without the `#` and one space.
    pub translator: Vec<String>,
    /// `#.` lines.
    pub extracted: Vec<String>,
    /// Each reference of `#:` lines (`file:line`).
    pub references: Vec<String>,
    /// Each flag of `#,` lines (`fuzzy`, `no-wrap`...).
    pub flags: Vec<String>,
    /// `#| msgctxt`: the context of the message this fuzzy entry was made for.
    pub previous_msgctxt: Option<String>,
    /// `#| msgid`: the message this fuzzy entry was made for.
    pub previous_msgid: Option<String>,
    pub msgctxt: Option<String>,
    pub msgid: String,
    pub msgid_plural: Option<String>,
    /// One string for a singular message; `msgstr[n]` in order for a plural one.
    pub msgstr: Vec<String>,
    /// Written with `#~`: the message is no longer in the source.
    pub obsolete: bool,
}

impl Entry {
    /// A new message of the source, not translated yet.
    pub fn new(msgctxt: Option<String>, msgid: String) -> Self {
        Entry {
            msgctxt,
            msgid,
            msgstr: vec![String::new()],
            ..Entry::default()
        }
    }

    pub fn is_header(&self) -> bool {
        self.msgid.is_empty() && self.msgctxt.is_none() && !self.obsolete
    }

    pub fn is_fuzzy(&self) -> bool {
        self.flags.iter().any(|f| f == "fuzzy")
    }

    /// Whether any msgstr holds a translation.
    pub fn is_translated(&self) -> bool {
        self.msgstr.iter().any(|s| !s.is_empty())
    }

    /// Marks the entry fuzzy (once).
    pub fn set_fuzzy(&mut self) {
        if !self.is_fuzzy() {
            self.flags.insert(0, "fuzzy".into());
        }
    }
}

/// A PO file: the header (when it has one) and its messages, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Catalog {
    pub entries: Vec<Entry>,
}

impl Catalog {
    pub fn header(&self) -> Option<&Entry> {
        self.entries.iter().find(|e| e.is_header())
    }

    /// The header's fields, in order (`Name: value` lines of its msgstr).
    pub fn header_fields(&self) -> Vec<(String, String)> {
        self.header()
            .and_then(|h| h.msgstr.first())
            .map(|s| parse_header(s))
            .unwrap_or_default()
    }
}

/// The `Name: value` lines of a header's msgstr.
pub(crate) fn parse_header(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// A header's msgstr from its fields.
pub(crate) fn header_text(fields: &[(String, String)]) -> String {
    fields.iter().map(|(k, v)| format!("{k}: {v}\n")).collect()
}

/// Which string a continuation line (`"..."`) adds to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    PrevCtxt,
    PrevId,
    Ctxt,
    Id,
    Plural,
    Str(usize),
}

/// The entry being read and where it stands.
#[derive(Default)]
struct Reading {
    entry: Entry,
    /// Some keyword or comment was read into it.
    started: bool,
    /// A `msgid` line was read.
    has_id: bool,
    /// The line of its first line.
    line: usize,
    /// The line of its (first) `msgstr`.
    str_line: usize,
    field: Option<Field>,
}

/// Reads the PO text of `file` (named in diagnostics as given).
pub(crate) fn parse(text: &str, file: &Path) -> Result<Catalog, Box<Diagnostic>> {
    parse_with_lines(text, file).map(|(c, _)| c)
}

/// [`parse`], with the line of each entry's (first) `msgstr`, in order.
pub(crate) fn parse_with_lines(
    text: &str,
    file: &Path,
) -> Result<(Catalog, Vec<usize>), Box<Diagnostic>> {
    let err = |line: usize, msg: String| {
        Box::new(Diagnostic::error(file, line, format!("invalid PO file: {msg}")).with_hint("fix the line (see the gettext manual, \"The Format of PO Files\") and export again; the file was left as it is"))
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Catalog::default();
    let mut lines = Vec::new();
    let mut cur = Reading::default();
    for (i, raw) in text.lines().enumerate() {
        let no = i + 1;
        let line = raw.trim_end_matches('\r').trim();
        if line.is_empty() {
            continue;
        }
        // `#~` lines are the lines of an obsolete entry, as they would be
        // written without the mark.
        let owned;
        let (obsolete, line) = match line.strip_prefix("#~") {
            Some(rest) if rest.starts_with('|') => {
                owned = format!("#{rest}");
                (true, owned.as_str())
            }
            Some(rest) => (true, rest.trim_start()),
            None => (false, line),
        };
        if obsolete && line.is_empty() {
            continue;
        }
        // A comment or a new entry's first keyword after a msgstr ends the entry.
        let ends = matches!(cur.field, Some(Field::Str(_)))
            && (line.starts_with('#')
                || line.starts_with("msgctxt")
                || line.starts_with("msgid")
                || obsolete != cur.entry.obsolete);
        if ends {
            finish(&mut out, &mut lines, &mut cur, file)?;
        }
        if cur.started && obsolete != cur.entry.obsolete && cur.has_id {
            return Err(err(
                no,
                "an entry mixes obsolete (`#~`) and current lines".into(),
            ));
        }
        if !cur.started {
            cur.line = no;
            cur.entry.obsolete = obsolete;
        }
        cur.started = true;
        cur.entry.obsolete = obsolete;
        if let Some(rest) = line.strip_prefix("#|") {
            let rest = rest.trim_start();
            let (field, value) = if let Some(v) = rest.strip_prefix("msgctxt") {
                (Some(Field::PrevCtxt), v)
            } else if let Some(v) = rest.strip_prefix("msgid_plural") {
                // The previous plural is not kept: nothing here uses it.
                (None, v)
            } else if let Some(v) = rest.strip_prefix("msgid") {
                (Some(Field::PrevId), v)
            } else if rest.starts_with('"') {
                match cur.field {
                    Some(f @ (Field::PrevCtxt | Field::PrevId)) => (Some(f), rest),
                    _ => (None, rest),
                }
            } else {
                return Err(err(no, format!("unknown `#|` line `{line}`")));
            };
            let s = unquote(value.trim()).map_err(|m| err(no, m))?;
            match field {
                Some(Field::PrevCtxt) => push_to(&mut cur.entry.previous_msgctxt, &s, rest),
                Some(Field::PrevId) => push_to(&mut cur.entry.previous_msgid, &s, rest),
                _ => {}
            }
            cur.field = field;
            continue;
        }
        if let Some(rest) = line.strip_prefix('#') {
            if cur.has_id {
                return Err(err(
                    no,
                    "a comment inside an entry, before its msgstr".into(),
                ));
            }
            cur.field = None;
            match rest.chars().next() {
                Some('.') => cur.entry.extracted.push(rest[1..].trim().to_string()),
                Some(':') => cur
                    .entry
                    .references
                    .extend(rest[1..].split_whitespace().map(str::to_string)),
                Some(',') => cur.entry.flags.extend(
                    rest[1..]
                        .split(',')
                        .map(str::trim)
                        .filter(|f| !f.is_empty())
                        .map(str::to_string),
                ),
                _ => {
                    let c = rest.strip_prefix(' ').unwrap_or(rest);
                    cur.entry.translator.push(c.to_string());
                }
            }
            continue;
        }
        if line.starts_with('"') {
            let s = unquote(line).map_err(|m| err(no, m))?;
            let e = &mut cur.entry;
            match cur.field {
                Some(Field::Ctxt) => e.msgctxt.get_or_insert_default().push_str(&s),
                Some(Field::Id) => e.msgid.push_str(&s),
                Some(Field::Plural) => e.msgid_plural.get_or_insert_default().push_str(&s),
                Some(Field::Str(n)) => e.msgstr[n].push_str(&s),
                Some(Field::PrevCtxt | Field::PrevId) | None => {
                    return Err(err(no, "a string that continues no keyword".into()));
                }
            }
            continue;
        }
        let (word, value) = line
            .split_once(|c: char| c.is_whitespace() || c == '"')
            .map(|(w, _)| (w, line[w.len()..].trim()))
            .unwrap_or((line, ""));
        let s = unquote(value).map_err(|m| err(no, format!("{m} after `{word}`")))?;
        let e = &mut cur.entry;
        match word {
            "msgctxt" if !cur.has_id && e.msgctxt.is_none() => {
                e.msgctxt = Some(s);
                cur.field = Some(Field::Ctxt);
            }
            "msgid" if !cur.has_id => {
                e.msgid = s;
                cur.has_id = true;
                cur.field = Some(Field::Id);
            }
            "msgid_plural" if cur.field == Some(Field::Id) => {
                e.msgid_plural = Some(s);
                cur.field = Some(Field::Plural);
            }
            "msgstr" if cur.has_id && e.msgstr.is_empty() && e.msgid_plural.is_none() => {
                e.msgstr.push(s);
                cur.str_line = no;
                cur.field = Some(Field::Str(0));
            }
            w if w.starts_with("msgstr[") && cur.has_id && e.msgid_plural.is_some() => {
                let n: usize = w["msgstr[".len()..]
                    .strip_suffix(']')
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| err(no, format!("`{w}` is not `msgstr[N]`")))?;
                if n != e.msgstr.len() {
                    return Err(err(no, format!("`{w}` out of order")));
                }
                if n == 0 {
                    cur.str_line = no;
                }
                e.msgstr.push(s);
                cur.field = Some(Field::Str(n));
            }
            "msgctxt" | "msgid" | "msgid_plural" | "msgstr" => {
                return Err(err(no, format!("`{word}` is not expected here")));
            }
            w if w.starts_with("msgstr[") => {
                return Err(err(no, format!("`{w}` in an entry without msgid_plural")));
            }
            _ => return Err(err(no, format!("unknown keyword `{word}`"))),
        }
    }
    if cur.started {
        finish(&mut out, &mut lines, &mut cur, file)?;
    }
    Ok((out, lines))
}

/// Adds continuation `s` to a previous string (`rest` says whether the
/// line was a keyword line, which starts it).
fn push_to(target: &mut Option<String>, s: &str, rest: &str) {
    if rest.starts_with('"') {
        target.get_or_insert_default().push_str(s);
    } else {
        *target = Some(s.to_string());
    }
}

/// Ends the entry being read: adds it to `out`, or reports what it lacks.
fn finish(
    out: &mut Catalog,
    lines: &mut Vec<usize>,
    cur: &mut Reading,
    file: &Path,
) -> Result<(), Box<Diagnostic>> {
    let r = std::mem::take(cur);
    if !r.has_id {
        // Comments alone (at the end of the file, say) are kept nowhere.
        if r.entry.msgctxt.is_some() {
            return Err(Box::new(Diagnostic::error(
                file,
                r.line,
                "invalid PO file: an entry without msgid",
            )));
        }
        return Ok(());
    }
    if r.entry.msgstr.is_empty() {
        return Err(Box::new(Diagnostic::error(
            file,
            r.line,
            "invalid PO file: an entry without msgstr",
        )));
    }
    let key = (&r.entry.msgctxt, &r.entry.msgid, r.entry.obsolete);
    if !r.entry.obsolete
        && out
            .entries
            .iter()
            .any(|e| (&e.msgctxt, &e.msgid, e.obsolete) == key)
    {
        return Err(Box::new(Diagnostic::error(
            file,
            r.line,
            "invalid PO file: a second entry with the same msgctxt and msgid",
        )));
    }
    out.entries.push(r.entry);
    lines.push(r.str_line);
    Ok(())
}

/// The value of a quoted PO string (`"..."`), unescaped.
fn unquote(s: &str) -> Result<String, String> {
    let inner = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .filter(|_| s.len() >= 2)
        .ok_or_else(|| "expected a string in double quotes".to_string())?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('\\') => out.push('\\'),
                Some('"') => out.push('"'),
                Some('a') => out.push('\u{7}'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('v') => out.push('\u{b}'),
                Some(other) => return Err(format!("unknown escape `\\{other}`")),
                None => return Err("a string ending in `\\`".into()),
            },
            '"' => return Err("an unescaped `\"` inside a string".into()),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `s` as the inside of a PO string: `\\`, `\"`, `\n`, `\t` (and `\r`)
/// escaped.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// Writes `keyword "value"`: on one line, or, when the value holds line
/// breaks before its end, as `keyword ""` and one line per piece.
fn write_string(out: &mut String, prefix: &str, keyword: &str, value: &str) {
    let inner = value.strip_suffix('\n').unwrap_or(value);
    if !inner.contains('\n') {
        out.push_str(&format!("{prefix}{keyword} \"{}\"\n", escape(value)));
        return;
    }
    out.push_str(&format!("{prefix}{keyword} \"\"\n"));
    for piece in value.split_inclusive('\n') {
        out.push_str(&format!("{prefix}\"{}\"\n", escape(piece)));
    }
}

/// The PO text of `catalog`.
pub(crate) fn write(catalog: &Catalog) -> String {
    let mut out = String::new();
    for (i, e) in catalog.entries.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for c in &e.translator {
            if c.is_empty() {
                out.push_str("#\n");
            } else {
                out.push_str(&format!("# {c}\n"));
            }
        }
        for c in &e.extracted {
            out.push_str(&format!("#. {c}\n"));
        }
        for r in &e.references {
            out.push_str(&format!("#: {r}\n"));
        }
        if !e.flags.is_empty() {
            out.push_str(&format!("#, {}\n", e.flags.join(", ")));
        }
        let p = if e.obsolete { "#~ " } else { "" };
        let prev = if e.obsolete { "#~| " } else { "#| " };
        if let Some(c) = &e.previous_msgctxt {
            write_string(&mut out, prev, "msgctxt", c);
        }
        if let Some(c) = &e.previous_msgid {
            write_string(&mut out, prev, "msgid", c);
        }
        if let Some(c) = &e.msgctxt {
            write_string(&mut out, p, "msgctxt", c);
        }
        write_string(&mut out, p, "msgid", &e.msgid);
        match &e.msgid_plural {
            Some(plural) => {
                write_string(&mut out, p, "msgid_plural", plural);
                for (n, s) in e.msgstr.iter().enumerate() {
                    write_string(&mut out, p, &format!("msgstr[{n}]"), s);
                }
            }
            None => {
                let s = e.msgstr.first().map_or("", String::as_str);
                write_string(&mut out, p, "msgstr", s);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# Spanish translation.
msgid ""
msgstr ""
"Project-Id-Version: protection\n"
"Language: es\n"

# A note from the translator
#. heading
#: manuals/protection/en/a.md:3
#, fuzzy
#| msgctxt "old"
#| msgid "Old "
#| "text"
msgctxt "intro/p1"
msgid "New text with \"quotes\" and a \\ and\ta tab"
msgstr "Texto"

msgid ""
"first line\n"
"second"
msgstr ""
"primera\n"
"segunda"

msgid "One file"
msgid_plural "%d files"
msgstr[0] "Un archivo"
msgstr[1] "%d archivos"

#, fuzzy
#~| msgid "Gone before"
#~ msgctxt "gone/p2"
#~ msgid "Gone"
#~ msgstr "Ido"
"#;

    #[test]
    fn reads_every_kind_of_line() {
        let c = parse(SAMPLE, Path::new("x.po")).unwrap();
        assert_eq!(c.entries.len(), 5);
        let h = c.header().unwrap();
        assert_eq!(h.translator, ["Spanish translation."]);
        assert_eq!(
            c.header_fields(),
            [
                ("Project-Id-Version".to_string(), "protection".to_string()),
                ("Language".to_string(), "es".to_string())
            ]
        );
        let e = &c.entries[1];
        assert_eq!(e.translator, ["A note from the translator"]);
        assert_eq!(e.extracted, ["heading"]);
        assert_eq!(e.references, ["manuals/protection/en/a.md:3"]);
        assert!(e.is_fuzzy());
        assert_eq!(e.previous_msgctxt.as_deref(), Some("old"));
        assert_eq!(e.previous_msgid.as_deref(), Some("Old text"));
        assert_eq!(e.msgctxt.as_deref(), Some("intro/p1"));
        assert_eq!(e.msgid, "New text with \"quotes\" and a \\ and\ta tab");
        assert_eq!(e.msgstr, ["Texto"]);
        assert_eq!(c.entries[2].msgid, "first line\nsecond");
        assert_eq!(c.entries[2].msgstr, ["primera\nsegunda"]);
        assert_eq!(c.entries[3].msgid_plural.as_deref(), Some("%d files"));
        assert_eq!(c.entries[3].msgstr.len(), 2);
        let gone = &c.entries[4];
        assert!(gone.obsolete && gone.is_fuzzy());
        assert_eq!(gone.previous_msgid.as_deref(), Some("Gone before"));
        assert_eq!(gone.msgctxt.as_deref(), Some("gone/p2"));
        assert_eq!(gone.msgstr, ["Ido"]);
    }

    #[test]
    fn writing_and_reading_again_gives_the_same_catalogue() {
        let c = parse(SAMPLE, Path::new("x.po")).unwrap();
        let text = write(&c);
        let again = parse(&text, Path::new("x.po")).unwrap();
        assert_eq!(again, c);
        assert_eq!(write(&again), text);
        assert!(text.contains("#| msgctxt \"old\"\n#| msgid \"Old text\"\n"));
        assert!(text.contains("#~| msgid \"Gone before\"\n#~ msgctxt \"gone/p2\"\n"));
        assert!(text.contains("msgid \"\"\n\"first line\\n\"\n\"second\"\n"));
    }

    #[test]
    fn escapes() {
        assert_eq!(escape("a\\b\"c\nd\te"), "a\\\\b\\\"c\\nd\\te");
        assert_eq!(unquote(r#""a\\b\"c\nd\te""#).unwrap(), "a\\b\"c\nd\te");
        assert!(unquote(r#""bad \q""#).is_err());
        assert!(unquote("no quotes").is_err());
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let cases = [
            ("msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"c\nmsgstr \"\"\n", 4),
            ("msgid \"a\"\nmsgstr \"b\"\nmsgfoo \"x\"\n", 3),
            ("msgid \"a\"\n\"x\" y\nmsgstr \"\"\n", 2),
            ("\"orphan\"\n", 1),
            ("msgid \"a\"\nmsgstr \"\"\nmsgstr \"again\"\n", 3),
            ("msgid \"a\"\nmsgstr \"\"\n\nmsgid \"a\"\nmsgstr \"\"\n", 4),
            ("msgid \"a\"\n", 1),
        ];
        for (text, line) in cases {
            let d = parse(text, Path::new("po/es/m/a.po")).unwrap_err();
            assert_eq!(
                (d.file.to_str(), d.line),
                (Some("po/es/m/a.po"), line),
                "{text}"
            );
            assert!(d.is_error() && d.message.starts_with("invalid PO file"));
        }
    }
}
