//! A fuzzing target over chapters made of hostile pieces of Markdown, raw
//! HTML and front matter, in the source language and a right-to-left
//! translation. Whatever the input, a build must not panic or abort, write
//! nothing outside its output folder and the project's `.polybook/`, leave
//! no `javascript:`, `vbscript:` or `data:` URL in any page or book, and
//! make books whose documents are well-formed XML.
//!
//! The number of cases is `POLYBOOK_FUZZ_CASES` (200 by default, which is
//! what CI runs); proptest prints the smallest failing input it finds.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use proptest::prelude::*;

use crate::common::*;

/// Pieces a chapter is made of: each is hostile in its own way.
const PIECES: &[&str] = &[
    "# Heading\n",
    "## Heading\n",
    "## Heading {#plan}\n",
    "## Don't panic! {#x-1}\n",
    "### Heading-1\n",
    "Some text with *emphasis*, **strong**, `code` and a [link](intro.md).\n",
    "[back](#threats) [deep](sub/deep.md#nowhere) [out](../../../../etc/passwd)\n",
    "[up](../../es/risk.md) [abs](/etc/passwd) [mail](mailto:a@example.org)\n",
    "![shield](../media/shield.svg) ![none](../media/none.png)\n",
    "<a href=\" javascript:alert(1)\">a</a>\n",
    "<a href=\"jav&#9;ascript:alert(2)\">b</a>\n",
    "<a href=\"java\tscript:alert(3)\">c</a>\n",
    "[d](< javascript:alert(4)>) [e](<java\tscript:alert(5)>)\n",
    "[f](jav&#x09;ascript:alert(6)) [g](JAVASCRIPT:alert(7))\n",
    "<a href=\"&#1;JavaScript:alert(8)\">h</a> <a href=\"javascript&colon;alert(9)\">i</a>\n",
    "<a href=\"&#x6A;avascript:alert(10)\">j</a> <a href=\"VBScript:alert(11)\">k</a>\n",
    "<img src=\" vbscript:alert(12)\" alt=\"l\"> <img srcset=\" javascript:alert(13) 2x, ../media/shield.svg 1x\" alt=\"m\">\n",
    "<img src=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=\" alt=\"n\">\n",
    "<a href=\"DATA:text/html,alert(14)\">o</a> <object data=\"javascript:alert(15)\"></object>\n",
    "<form action=\"javascript:alert(16)\"><button formaction=\"javascript:alert(17)\">p</button></form>\n",
    "<video poster=\"javascript:alert(18)\"></video> <blockquote cite=\" javascript:alert(19)\">q</blockquote>\n",
    "<table background=\"javascript:alert(20)\"><tr><td>r</td></tr></table>\n",
    "<p style=\"background:url(javascript:alert(21))\">s</p>\n",
    "<svg><a xlink:href=\"javascript:alert(22)\"><text>t</text></a></svg>\n",
    "<math><mi href=\"javascript:alert(23)\">u</mi></math>\n",
    "<a name=\"anchor\"></a><span id=\"raw-id\">v</span> [to](#anchor) [to](#raw-id)\n",
    "<a href=\"?a=1&amp;b=2\">w</a> <a href=\"https://example.org/?a=1&b=2\">x</a>\n",
    "<div><div><p>open <b>bold <i>italic</div>\n",
    "</div></span></a></p>\n",
    "<script>alert(24)</script><style>body{}</style><iframe src=\"x\"></iframe>\n",
    "<base href=\"https://example.org/\"><meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(25)\">\n",
    "<!-- comment --> <![CDATA[ x ]]> <?php echo 1; ?>\n",
    "Control \u{0}\u{1}\u{b}\u{c}\u{1b} characters, noncharacter \u{fffe}\u{ffff} \u{fdd0}.\n",
    "Entities &#0; &#xD800; &#x1; &#xFFFE; &#1114112; &nosuch; &amp;amp;\n",
    "Private use \u{e000}\u{e001}\u{e002} marks.\n",
    "Right-to-left \u{202e}text\u{202c} and عربي with English.\n",
    "> quote\n> > nested quote\n",
    "- a\n  - b\n    - c\n      - d\n",
    "1. one\n2. two\n\n   ```\n   code\n   ```\n",
    "```rust {.x #y}\nfn main() { \"<a href=javascript:x>\" }\n```\n",
    "```\u{0}weird info\n<script>alert(26)</script>\n```\n",
    "~~~html\n<img src=x onerror=alert(27)>\n~~~\n",
    "| a | b |\n|---|---|\n| <a href=\"javascript:alert(28)\">c</a> | d |\n",
    "Footnote[^1] and [^missing].\n\n[^1]: The note with [a link](javascript:alert(29)).\n",
    "[ref][r]\n\n[r]: javascript:alert(30) \"title\"\n",
    "<https://example.org> <javascript:alert(31)> <mailto:a@b.c>\n",
    "* * *\n",
    "{#not-an-id}\n",
    "\\\n",
    "<details><summary>s</summary>hidden</details>\n",
];

/// Front matters, valid and broken.
const FRONT: &[&str] = &[
    "",
    "---\ntitle: Risk\n---\n",
    "---\ntitle: [unclosed\n---\n",
    "---\ntitle: <script>alert(40)</script>\ndescription: \"javascript:alert(41)\"\n---\n",
    "+++\ntitle = \"Risk\"\nweight = 3\n+++\n",
    "+++\ntitle = \n+++\n",
    "+++\n[odd]\nkey = { a = 1 }\n+++\n",
    "---\n&a [*a, *a]\n---\n",
    "---\ntitle: \"\u{0}\"\n---\n",
];

/// A chapter: a front matter and some pieces, each possibly cut short.
fn chapter() -> impl Strategy<Value = String> {
    let piece = (0..PIECES.len(), any::<bool>(), 0usize..40).prop_map(|(i, cut, at)| {
        let p = PIECES[i];
        if cut {
            let at = (0..=at.min(p.len())).rev().find(|&n| p.is_char_boundary(n));
            p[..at.unwrap_or(0)].to_string()
        } else {
            p.to_string()
        }
    });
    (
        0..FRONT.len(),
        proptest::collection::vec(piece, 1..14),
        proptest::collection::vec(0u8..4, 0..6),
    )
        .prop_map(|(front, pieces, glue)| {
            let mut text = FRONT[front].to_string();
            for (n, piece) in pieces.iter().enumerate() {
                text.push_str(piece);
                text.push_str(
                    ["\n", "", "  ", "\n\n"][usize::from(glue.get(n).copied().unwrap_or(0))],
                );
            }
            text
        })
}

/// Every file below `dir` with its bytes, by path relative to `dir`.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .to_string();
            (rel, std::fs::read(e.path()).unwrap_or_default())
        })
        .collect()
}

/// Attributes whose value a browser reads as one or more URLs.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "xlink:href",
    "action",
    "formaction",
    "poster",
    "cite",
    "background",
    "data",
    "codebase",
    "longdesc",
    "usemap",
    "ping",
    "manifest",
];

/// Whether a URL, read as browsers read it, has a refused scheme.
fn refused(url: &str) -> bool {
    let read: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| read.starts_with(s))
}

/// The refused URLs of one attribute value.
fn refused_in(name: &str, value: &str) -> bool {
    match name {
        "srcset" => value
            .split(',')
            .any(|c| refused(c.split_whitespace().next().unwrap_or(""))),
        "style" => value
            .to_ascii_lowercase()
            .split("url(")
            .skip(1)
            .any(|u| refused(u.trim_start_matches(['"', '\'', ' ']))),
        _ => URL_ATTRIBUTES.contains(&name) && refused(value),
    }
}

/// The refused URLs of an HTML document, as `<element attribute=value>`.
fn refused_urls_in_html(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let mut found = Vec::new();
    for node in doc.tree.nodes() {
        if let Some(el) = node.value().as_element() {
            let refresh = el.name() == "meta"
                && el
                    .attr("http-equiv")
                    .is_some_and(|v| v.eq_ignore_ascii_case("refresh"));
            for (name, value) in el.attrs() {
                // A refresh's `content` is a delay and a URL.
                let url = |v: &str| v.to_ascii_lowercase().split("url=").skip(1).any(refused);
                if refused_in(name, value) || (refresh && name == "content" && url(value)) {
                    found.push(format!("<{} {name}={value:?}>", el.name()));
                }
            }
        }
    }
    found
}

/// Problems of one book: documents that are not well-formed XML, and
/// refused URLs.
fn book_problems(book: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if !(name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx")) {
            continue;
        }
        let mut text = String::new();
        if entry.read_to_string(&mut text).is_err() {
            problems.push(format!("{name}: not UTF-8"));
            continue;
        }
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        };
        match roxmltree::Document::parse_with_options(&text, options) {
            Err(e) => problems.push(format!("{name}: not well-formed XML: {e}")),
            Ok(doc) => {
                for node in doc.descendants().filter(|n| n.is_element()) {
                    for a in node.attributes() {
                        let qualified = match a.namespace() {
                            Some("http://www.w3.org/1999/xlink") => format!("xlink:{}", a.name()),
                            _ => a.name().to_string(),
                        };
                        if refused_in(&qualified, a.value()) {
                            problems.push(format!(
                                "{name}: <{} {qualified}={:?}>",
                                node.tag_name().name(),
                                a.value()
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}

/// Builds a project whose English and Arabic `risk` chapters are `en` and
/// `ar`, and checks what the module's doc promises.
fn check_one(en: &str, ar: &str) -> Result<(), TestCaseError> {
    let root = tempfile::tempdir().unwrap();
    let project = root.path().join("project");
    std::fs::create_dir(&project).unwrap();
    copy_dir(&fixture("basic"), &project);
    let guide = project.join("manuals/guide");
    std::fs::write(guide.join("en/risk.md"), en).unwrap();
    std::fs::write(guide.join("ar/risk.md"), ar).unwrap();
    let out = root.path().join("out");
    let before = snapshot(root.path());
    // A panic fails the case (proptest catches it); an abort fails the run.
    let report = polybook::build(&polybook::BuildOptions {
        root: project.clone(),
        out: Some(out.clone()),
        ..polybook::BuildOptions::default()
    });
    prop_assert!(report.is_ok(), "the build failed: {:?}", report.err());
    let after = snapshot(root.path());
    for (path, bytes) in &after {
        let ours = path.starts_with("out/") || path.starts_with("project/.polybook/");
        if !ours {
            prop_assert_eq!(before.get(path), Some(bytes), "{} was written", path);
        }
    }
    for path in before.keys() {
        prop_assert!(after.contains_key(path), "{} was removed", path);
    }
    let mut problems = Vec::new();
    for (path, bytes) in after.iter().filter(|(p, _)| p.starts_with("out/")) {
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            problems.extend(
                refused_urls_in_html(&html)
                    .into_iter()
                    .map(|p| format!("{path}: {p}")),
            );
        } else if path.ends_with(".epub") {
            problems.extend(book_problems(&root.path().join(path)));
        }
    }
    prop_assert!(problems.is_empty(), "{:#?}", problems);
    for lang in ["en", "ar"] {
        let book = out.join(format!("{lang}/guide/guide-{lang}.epub"));
        prop_assert!(book.is_file(), "no book for {}", lang);
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("POLYBOOK_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn hostile_chapters_build_safely(en in chapter(), ar in chapter()) {
        check_one(&en, &ar)?;
    }
}

/// The checks themselves find what they look for.
#[test]
fn the_fuzz_checks_see_refused_urls_and_broken_xml() {
    assert!(refused(" \u{1}JavaScript:x"));
    assert!(refused("jav\tascript:x"));
    assert!(refused("data:text/html,x"));
    assert!(!refused("intro.html#javascript:x"));
    assert!(refused_in("srcset", "a.png 1x, vbscript:x 2x"));
    assert!(refused_in("style", "background: url( 'javascript:x')"));
    assert!(!refused_in("alt", "javascript:x"));
    assert_eq!(
        refused_urls_in_html("<a href=\"&#9;javascript:x\">a</a>").len(),
        1
    );
    assert!(roxmltree::Document::parse("<a><b></a>").is_err());
}
