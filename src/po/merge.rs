//! Bringing a catalogue up to date with its template, as `msgmerge` does
//! (pure): translations are kept; a message whose source changed keeps its
//! translation, marked fuzzy, with the previous source in `#| msgid` (and
//! `#| msgctxt`); messages no longer in the source become obsolete when they
//! were translated and are dropped when not; new messages are added
//! untranslated. No translator's msgstr is ever lost.

use crate::po::catalog::{Catalog, Entry, header_text};

/// The catalogue `old` (none for a new one) merged with `template`, whose
/// entries are the source's messages in order (without a header). `header`
/// gives the fields polybook sets; the old header's other fields and
/// comments are kept.
pub(crate) fn merge(
    old: Option<&Catalog>,
    template: &[Entry],
    header: &[(String, String)],
) -> Catalog {
    let empty = Catalog::default();
    let old = old.unwrap_or(&empty);
    let mut out = Catalog {
        entries: vec![merge_header(old, header)],
    };
    // Old messages, each used at most once.
    let olds: Vec<&Entry> = old.entries.iter().filter(|e| !e.is_header()).collect();
    let mut used = vec![false; olds.len()];
    let mut matched: Vec<Option<(usize, Match)>> = vec![None; template.len()];
    // The same context and message first (an obsolete entry comes back),
    // then the same context with a changed message, then the same message
    // in another context.
    for pass in [Match::Same, Match::Context, Match::Text] {
        for (t, new) in template.iter().enumerate() {
            if matched[t].is_some() {
                continue;
            }
            let found = (0..olds.len()).find(|&o| {
                let e = olds[o];
                !used[o]
                    && match pass {
                        Match::Same => e.msgctxt == new.msgctxt && e.msgid == new.msgid,
                        Match::Context => {
                            !e.obsolete && e.is_translated() && e.msgctxt == new.msgctxt
                        }
                        Match::Text => !e.obsolete && e.is_translated() && e.msgid == new.msgid,
                    }
            });
            if let Some(o) = found {
                used[o] = true;
                matched[t] = Some((o, pass));
            }
        }
    }
    for (t, new) in template.iter().enumerate() {
        let entry = match matched[t] {
            None => new.clone(),
            Some((o, pass)) => updated(olds[o], new, pass),
        };
        out.entries.push(entry);
    }
    for (o, e) in olds.iter().enumerate() {
        if used[o] || !e.is_translated() {
            continue;
        }
        let mut gone = (*e).clone();
        gone.obsolete = true;
        gone.references.clear();
        gone.extracted.clear();
        out.entries.push(gone);
    }
    out
}

/// How a template entry found its old entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Same,
    Context,
    Text,
}

/// The old entry `old` for template entry `new`: the template's message,
/// context, comments and references, the old translation, translator
/// comments and flags; fuzzy, with the previous message, when the message
/// or its context changed.
fn updated(old: &Entry, new: &Entry, how: Match) -> Entry {
    let mut e = Entry {
        translator: old.translator.clone(),
        extracted: new.extracted.clone(),
        references: new.references.clone(),
        flags: old.flags.clone(),
        previous_msgctxt: old.previous_msgctxt.clone(),
        previous_msgid: old.previous_msgid.clone(),
        msgctxt: new.msgctxt.clone(),
        msgid: new.msgid.clone(),
        msgid_plural: new.msgid_plural.clone(),
        msgstr: old.msgstr.clone(),
        obsolete: false,
    };
    if how != Match::Same {
        // A message already fuzzy keeps the source its translation was made for.
        if !(old.is_fuzzy() && old.previous_msgid.is_some()) {
            e.previous_msgid = Some(old.msgid.clone());
            e.previous_msgctxt = old.msgctxt.clone();
        }
        e.set_fuzzy();
    }
    if e.msgstr.is_empty() {
        e.msgstr.push(String::new());
    }
    e
}

/// The header: the old one's comments and fields, with `fields` set (a
/// field the old header has and `fields` does not, such as
/// `Last-Translator`, is kept; `Plural-Forms` a translator set is kept).
fn merge_header(old: &Catalog, fields: &[(String, String)]) -> Entry {
    let mut header = old
        .header()
        .cloned()
        .unwrap_or_else(|| Entry::new(None, String::new()));
    let mut have = old.header_fields();
    for (k, v) in fields {
        match have.iter_mut().find(|(hk, _)| hk.eq_ignore_ascii_case(k)) {
            Some((_, hv)) if k == "Plural-Forms" && !hv.is_empty() => {}
            Some((_, hv)) => *hv = v.clone(),
            None => have.push((k.clone(), v.clone())),
        }
    }
    header.msgstr = vec![header_text(&have)];
    header.references.clear();
    header.extracted.clear();
    header.previous_msgid = None;
    header.previous_msgctxt = None;
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ctx: &str, id: &str, str_: &str) -> Entry {
        let mut e = Entry::new(Some(ctx.into()), id.into());
        e.msgstr = vec![str_.into()];
        e
    }

    fn catalog(entries: Vec<Entry>) -> Catalog {
        Catalog { entries }
    }

    fn fields() -> Vec<(String, String)> {
        vec![("Language".into(), "es".into())]
    }

    #[test]
    fn a_new_catalogue_has_every_message_untranslated() {
        let t = vec![entry("a/p1", "One", ""), entry("a/p2", "Two", "")];
        let c = merge(None, &t, &fields());
        assert!(c.entries[0].is_header());
        assert_eq!(c.entries[0].msgstr, ["Language: es\n"]);
        assert_eq!(&c.entries[1..], &t[..]);
    }

    #[test]
    fn translations_are_kept_and_changes_become_fuzzy() {
        let mut kept = entry("a/p1", "One", "Uno");
        kept.translator = vec!["checked".into()];
        let old = catalog(vec![
            kept,
            entry("a/p2", "Two", "Dos"),
            entry("a/p3", "Three", "Tres"),
            entry("a/p4", "Four", ""),
        ]);
        let mut t1 = entry("a/p1", "One", "");
        t1.references = vec!["a.md:3".into()];
        let t = vec![
            t1,
            entry("a/p2", "Two, edited", ""),
            entry("a/p5", "New", ""),
        ];
        let c = merge(Some(&old), &t, &fields());
        let e = &c.entries;
        assert_eq!(e.len(), 5);
        assert_eq!((e[1].msgstr[0].as_str(), e[1].is_fuzzy()), ("Uno", false));
        assert_eq!(e[1].references, ["a.md:3"]);
        assert_eq!(e[1].translator, ["checked"]);
        assert!(e[2].is_fuzzy());
        assert_eq!(e[2].msgid, "Two, edited");
        assert_eq!(e[2].msgstr, ["Dos"]);
        assert_eq!(e[2].previous_msgid.as_deref(), Some("Two"));
        assert_eq!(e[2].previous_msgctxt.as_deref(), Some("a/p2"));
        assert_eq!((e[3].msgid.as_str(), e[3].is_translated()), ("New", false));
        // Translated and gone: obsolete; untranslated and gone: dropped.
        assert!(e[4].obsolete);
        assert_eq!(
            (e[4].msgid.as_str(), e[4].msgstr[0].as_str()),
            ("Three", "Tres")
        );
    }

    #[test]
    fn a_moved_message_keeps_its_translation_fuzzy() {
        let old = catalog(vec![entry("a/p1", "Same words", "Mismas palabras")]);
        let t = vec![entry("b/p1", "Same words", "")];
        let c = merge(Some(&old), &t, &fields());
        let e = &c.entries[1];
        assert!(e.is_fuzzy());
        assert_eq!(e.msgstr, ["Mismas palabras"]);
        assert_eq!(e.previous_msgctxt.as_deref(), Some("a/p1"));
        assert_eq!(c.entries.len(), 2);
    }

    #[test]
    fn merging_twice_changes_nothing_and_obsolete_entries_come_back() {
        let old = catalog(vec![
            entry("a/p1", "One", "Uno"),
            entry("a/p2", "Two", "Dos"),
        ]);
        let t = vec![entry("a/p1", "One, edited", "")];
        let once = merge(Some(&old), &t, &fields());
        assert_eq!(merge(Some(&once), &t, &fields()), once);
        // A fuzzy message edited again keeps the source it was translated from.
        let t2 = vec![entry("a/p1", "One, edited twice", "")];
        let twice = merge(Some(&once), &t2, &fields());
        assert_eq!(twice.entries[1].previous_msgid.as_deref(), Some("One"));
        // The paragraph put back: its obsolete entry is current again.
        let t3 = vec![
            entry("a/p1", "One, edited twice", ""),
            entry("a/p2", "Two", ""),
        ];
        let back = merge(Some(&twice), &t3, &fields());
        assert_eq!(back.entries.len(), 3);
        assert!(!back.entries[2].obsolete);
        assert_eq!(back.entries[2].msgstr, ["Dos"]);
    }

    #[test]
    fn the_old_header_keeps_its_other_fields() {
        let mut h = Entry::new(None, String::new());
        h.translator = vec!["Team".into()];
        h.msgstr = vec![
            "Language: xx\nLast-Translator: A <a@b>\nPlural-Forms: nplurals=2; plural=(n > 1);\n"
                .into(),
        ];
        let old = catalog(vec![h]);
        let f = vec![
            ("Language".into(), "es".into()),
            ("Plural-Forms".into(), "nplurals=2; plural=(n != 1);".into()),
        ];
        let c = merge(Some(&old), &[], &f);
        assert_eq!(c.entries[0].translator, ["Team"]);
        assert_eq!(
            c.entries[0].msgstr,
            ["Language: es\nLast-Translator: A <a@b>\nPlural-Forms: nplurals=2; plural=(n > 1);\n"]
        );
    }
}
