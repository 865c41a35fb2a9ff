//! Front matter: splits a chapter into its metadata (TOML between `+++` lines or
//! YAML between `---` lines) and its Markdown body.

use std::collections::BTreeMap;

/// Metadata of a chapter. Keys other than `title` and `description` are kept
/// for templates (as `page.extra`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A chapter file split in two.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
    /// Lines before the body (front matter and its delimiters).
    pub body_line_offset: usize,
}

/// A problem in the front matter: a message and the 1-based line in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatterError {
    pub line: usize,
    pub message: String,
}

/// Splits `text`. A file without front matter is all body.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let delim = text[..first_line_end].trim_end();
    let kind = match delim {
        "+++" => Kind::Toml,
        "---" => Kind::Yaml,
        _ => {
            return Ok(Split {
                front: FrontMatter::default(),
                body: text,
                body_line_offset: 0,
            });
        }
    };
    // Find the closing delimiter on a line of its own.
    let mut pos = first_line_end;
    let mut line_no = 1;
    loop {
        if pos >= text.len() {
            return Err(FrontMatterError {
                line: 1,
                message: format!("front matter opened with `{delim}` is never closed"),
            });
        }
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text.len());
        line_no += 1;
        if text[pos..end].trim_end() == delim {
            let meta = &text[first_line_end..pos];
            let front = match kind {
                Kind::Toml => parse_toml(meta)?,
                Kind::Yaml => parse_yaml(meta)?,
            };
            return Ok(Split {
                front,
                body: &text[end..],
                body_line_offset: line_no,
            });
        }
        pos = end;
    }
}

enum Kind {
    Toml,
    Yaml,
}

fn parse_toml(meta: &str) -> Result<FrontMatter, FrontMatterError> {
    let table: toml::Table = meta
        .parse()
        .map_err(|e: toml::de::Error| FrontMatterError {
            line: 1 + e
                .span()
                .map(|s| meta[..s.start.min(meta.len())].matches('\n').count() + 1)
                .unwrap_or(1),
            message: format!("invalid TOML front matter: {}", e.message().trim()),
        })?;
    let value = serde_json::to_value(table).map_err(|e| FrontMatterError {
        line: 2,
        message: format!("invalid TOML front matter: {e}"),
    })?;
    from_map(value, meta)
}

fn parse_yaml(meta: &str) -> Result<FrontMatter, FrontMatterError> {
    if meta.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    let value: serde_json::Value = serde_yaml_ng::from_str(meta).map_err(|e| FrontMatterError {
        line: 1 + e.location().map(|l| l.line()).unwrap_or(1),
        message: format!("invalid YAML front matter: {e}"),
    })?;
    from_map(value, meta)
}

fn from_map(value: serde_json::Value, meta: &str) -> Result<FrontMatter, FrontMatterError> {
    let serde_json::Value::Object(map) = value else {
        return Err(FrontMatterError {
            line: 2,
            message: "front matter must be a table of `key = value` pairs".into(),
        });
    };
    let mut front = FrontMatter::default();
    for (key, value) in map {
        match (key.as_str(), value) {
            ("title", serde_json::Value::String(s)) => front.title = Some(s),
            ("description", serde_json::Value::String(s)) => front.description = Some(s),
            ("title" | "description", _) => {
                let line = meta
                    .lines()
                    .position(|l| l.trim_start().starts_with(key.as_str()))
                    .map(|i| i + 2)
                    .unwrap_or(2);
                return Err(FrontMatterError {
                    line,
                    message: format!("`{key}` in front matter must be text"),
                });
            }
            (_, value) => {
                front.extra.insert(key, value);
            }
        }
    }
    Ok(front)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_front_matter() {
        let s = split("+++\ntitle = \"Hi\"\nweight = 3\n+++\n# Body\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("Hi"));
        assert_eq!(s.front.extra["weight"], 3);
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_line_offset, 4);
    }

    #[test]
    fn yaml_front_matter_with_crlf() {
        let s = split("---\r\ndescription: d\r\n---\r\nbody").unwrap();
        assert_eq!(s.front.description.as_deref(), Some("d"));
        assert_eq!(s.body, "body");
        assert_eq!(s.body_line_offset, 3);
    }

    #[test]
    fn no_front_matter() {
        let s = split("# T\n---\n").unwrap();
        assert_eq!(s.body, "# T\n---\n");
        assert_eq!(s.body_line_offset, 0);
    }

    #[test]
    fn errors_have_lines() {
        assert_eq!(split("+++\ntitle = \"x\"\n").unwrap_err().line, 1);
        let e = split("+++\ntitle = \"x\"\nbad =\n+++\n").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        let e = split("---\ntitle: [\n---\n").unwrap_err();
        assert!(e.message.contains("YAML"));
        let e = split("+++\ntitle = 3\n+++\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
