//! Which URLs a page may carry: one judgement, made the way browsers read a
//! URL (the WHATWG URL standard), for every link and image in Markdown and
//! every URL attribute in raw HTML, before any output is written.
//!
//! A browser strips leading and trailing C0 controls and spaces, removes
//! every tab and newline, and compares the scheme without regard to case; so
//! ` javascript:`, `jav<TAB>ascript:` and `JavaScript:` are all `javascript:`.
//! A URL is judged after the same cleaning, and only the schemes of
//! [`SCHEMES`] are allowed besides paths and fragments.

use std::borrow::Cow;

/// The schemes a URL may have; any other (`javascript:`, `data:`, `file:`,
/// `vbscript:`...) is refused.
pub const SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// What a URL is, once read as a browser reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judged<'a> {
    /// No scheme and no host: a path, a query or a fragment of this site,
    /// cleaned as a browser cleans it.
    Local(Cow<'a, str>),
    /// A URL of another host or application with an allowed scheme, or a
    /// host without a scheme (`//example.org`), cleaned.
    External(Cow<'a, str>),
    /// A scheme that is not allowed, in lower case.
    Refused(String),
}

impl Judged<'_> {
    /// True for a URL a browser would fetch from another host: `http:`,
    /// `https:` or `//host`.
    pub fn is_remote(&self) -> bool {
        match self {
            Judged::External(url) => {
                matches!(scheme(url).as_deref(), None | Some("http" | "https"))
            }
            _ => false,
        }
    }
}

/// Judges `url` as written in an attribute or a Markdown link destination
/// (entities already decoded).
pub fn judge(url: &str) -> Judged<'_> {
    let url = clean(url);
    match scheme(&url) {
        Some(s) if SCHEMES.contains(&s.as_str()) => Judged::External(url),
        Some(s) => Judged::Refused(s),
        None if network_path(&url) => Judged::External(url),
        None => Judged::Local(url),
    }
}

/// True unless the URL has a scheme that is not allowed.
pub fn allowed(url: &str) -> bool {
    !matches!(judge(url), Judged::Refused(_))
}

/// Removes what a browser ignores: leading and trailing C0 controls and
/// spaces, and every tab, line feed and carriage return.
fn clean(url: &str) -> Cow<'_, str> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    if trimmed.contains(['\t', '\n', '\r']) {
        Cow::Owned(trimmed.replace(['\t', '\n', '\r'], ""))
    } else {
        Cow::Borrowed(trimmed)
    }
}

/// The scheme of a cleaned URL, in lower case: an ASCII letter, then
/// letters, digits, `+`, `-` or `.`, up to the first `:`.
fn scheme(url: &str) -> Option<String> {
    let end = url.find(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))?;
    (url.as_bytes()[end] == b':' && url.as_bytes()[0].is_ascii_alphabetic())
        .then(|| url[..end].to_ascii_lowercase())
}

/// True for `//host/...`: the page's own scheme with another host. Pages
/// are read over `http:`, `https:` or `file:`, where a backslash counts as a
/// slash.
fn network_path(url: &str) -> bool {
    let b = url.as_bytes();
    b.len() >= 2 && matches!(b[0], b'/' | b'\\') && matches!(b[1], b'/' | b'\\')
}

/// One image candidate of a `srcset` attribute: its URL and its descriptor
/// (`2x`, `640w`, or empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub url: &'a str,
    pub descriptor: &'a str,
}

impl Candidate<'_> {
    /// The width or pixel density the descriptor gives (1 when it gives
    /// none), to choose the largest candidate.
    pub fn size(&self) -> f64 {
        let d = self.descriptor.split_ascii_whitespace().find_map(|d| {
            d.strip_suffix(['w', 'x'])
                .and_then(|n| n.parse::<f64>().ok())
        });
        d.unwrap_or(1.0)
    }
}

/// The candidates of a `srcset` value (entities decoded), read as the HTML
/// standard reads them: a URL runs to the next white space, a comma right
/// after it ends the candidate, else the descriptors run to the next comma
/// outside parentheses.
pub fn srcset(value: &str) -> Vec<Candidate<'_>> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\u{c}' | '\r');
    let mut out = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c| is_space(c) || c == ',');
        if rest.is_empty() {
            return out;
        }
        let end = rest.find(is_space).unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        if url.ends_with(',') {
            out.push(Candidate {
                url: url.trim_end_matches(','),
                descriptor: "",
            });
            rest = after;
            continue;
        }
        let mut depth = 0usize;
        let end = after
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    ',' if depth == 0 => return true,
                    _ => {}
                }
                false
            })
            .map_or(after.len(), |(i, _)| i);
        out.push(Candidate {
            url,
            descriptor: after[..end].trim_matches(is_space),
        });
        rest = &after[end..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile URLs, each refused with the scheme a browser would see.
    const HOSTILE: &[(&str, &str)] = &[
        ("javascript:alert(1)", "javascript"),
        (" javascript:alert(1)", "javascript"),
        ("JaVaScRiPt:alert(1)", "javascript"),
        ("jav\tascript:alert(1)", "javascript"),
        ("java\nscript:alert(1)", "javascript"),
        ("java\rscript:alert(1)", "javascript"),
        ("\u{1}javascript:alert(1)", "javascript"),
        ("\u{0}\u{1f} \tjavascript:alert(1)\u{0}", "javascript"),
        ("javascript\t:alert(1)", "javascript"),
        ("\u{b}\u{c}javascript:alert(1)", "javascript"),
        ("vbscript:msgbox(1)", "vbscript"),
        ("data:text/html,<script>alert(1)</script>", "data"),
        ("data:image/svg+xml;base64,PHN2Zz4=", "data"),
        ("DATA:image/png;base64,AAAA", "data"),
        ("file:///etc/passwd", "file"),
        ("c:\\Users\\me\\x.png", "c"),
        ("blob:https://example.org/1", "blob"),
        ("x-other+app.1:thing", "x-other+app.1"),
    ];

    /// Allowed URLs and what they are.
    const BENIGN: &[(&str, &str)] = &[
        ("https://example.org/a?b=1&c=2#d", "external"),
        ("HTTP://example.org/", "external"),
        (" https://example.org/ ", "external"),
        ("mailto:someone@example.org", "external"),
        ("tel:+1-555-0100", "external"),
        ("//example.org/x.png", "external"),
        ("\\\\example.org/x.png", "external"),
        ("/\\example.org/x.png", "external"),
        ("/\t/example.org/x.png", "external"),
        ("other.md", "local"),
        ("../media/x.svg", "local"),
        ("sub/page.md#part", "local"),
        ("#fragment", "local"),
        ("?query=1", "local"),
        ("a/b:c.md", "local"),
        ("../x.md#a:b", "local"),
        ("java%73cript:alert(1)", "local"),
        ("\u{200b}javascript:alert(1)", "local"),
        ("1javascript:alert(1)", "local"),
        (":no-scheme", "local"),
        ("", "local"),
    ];

    #[test]
    fn hostile_urls_are_refused_with_the_scheme_a_browser_sees() {
        for (url, scheme) in HOSTILE {
            assert_eq!(judge(url), Judged::Refused(scheme.to_string()), "{url:?}");
            assert!(!allowed(url), "{url:?}");
        }
    }

    #[test]
    fn benign_urls_are_allowed_and_cleaned() {
        for (url, kind) in BENIGN {
            let got = match judge(url) {
                Judged::Local(_) => "local",
                Judged::External(_) => "external",
                Judged::Refused(s) => panic!("{url:?} refused as {s}"),
            };
            assert_eq!(got, *kind, "{url:?}");
        }
        assert_eq!(
            judge(" ../a\tb.md \n"),
            Judged::Local(Cow::Borrowed("../ab.md"))
        );
        assert!(judge("//cdn.example.org/x").is_remote());
        assert!(judge("HTTPS://example.org/x").is_remote());
        assert!(!judge("mailto:a@example.org").is_remote());
        assert!(!judge("x.png").is_remote());
    }

    #[test]
    fn srcset_candidates_are_read_as_browsers_read_them() {
        let c = |url, descriptor| Candidate { url, descriptor };
        assert_eq!(
            srcset(" a.png 1x,b.png 2x , c,d.png,, e.png (x, y) 3x\n"),
            [
                c("a.png", "1x"),
                c("b.png", "2x"),
                c("c,d.png", ""),
                c("e.png", "(x, y) 3x")
            ]
        );
        assert_eq!(srcset("x.png?a=1,2 640w"), [c("x.png?a=1,2", "640w")]);
        assert_eq!(srcset(" , "), []);
        assert_eq!(c("x", "640w").size(), 640.0);
        assert_eq!(c("x", "1.5x").size(), 1.5);
        assert_eq!(c("x", "").size(), 1.0);
    }

    /// The same verdicts as the `url` crate, an implementation of the WHATWG
    /// URL standard, for every C0 control or space before the URL and a tab
    /// or newline at every place inside it.
    #[test]
    fn schemes_agree_with_the_whatwg_parser() {
        let base = url::Url::parse("https://polybook.invalid/en/guide/page.html").unwrap();
        let mut cases: Vec<String> = HOSTILE
            .iter()
            .map(|(u, _)| u.to_string())
            .chain(BENIGN.iter().map(|(u, _)| u.to_string()))
            .collect();
        for c in (0u8..=0x20).map(char::from) {
            cases.push(format!("{c}javascript:alert(1){c}"));
        }
        let word = "javascript:x";
        for i in 0..word.len() {
            for c in ['\t', '\n', '\r'] {
                cases.push(format!("{}{c}{}", &word[..i], &word[i..]));
            }
        }
        for case in cases {
            let parsed = base.join(&case).unwrap_or_else(|e| panic!("{case:?}: {e}"));
            let whatwg_local =
                parsed.scheme() == "https" && parsed.host_str() == Some("polybook.invalid");
            match judge(&case) {
                Judged::Refused(s) => assert_eq!(parsed.scheme(), s, "{case:?}"),
                Judged::Local(_) => assert!(whatwg_local, "{case:?} -> {parsed}"),
                Judged::External(_) => assert!(!whatwg_local, "{case:?} -> {parsed}"),
            }
        }
    }
}
