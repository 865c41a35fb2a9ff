//! Languages: validating codes, writing direction, names and fallback chains.

use unic_langid::LanguageIdentifier;

/// Writing direction of a language's script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }
}

/// A published language, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lang {
    /// The code as the user wrote it in `polybook.toml`, e.g. `pt-BR`.
    pub code: String,
    /// The primary language subtag, e.g. `pt`.
    pub base: String,
    pub dir: Direction,
    /// The language's name in itself when known (`Español`), else `None`.
    pub autonym: Option<&'static str>,
}

/// Languages written right to left, by primary subtag.
const RTL_LANGUAGES: &[&str] = &[
    "ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku-Arab", "pa-Arab", "ps", "sd", "syr", "ug",
    "ur", "yi",
];
/// Scripts written right to left, by script subtag.
const RTL_SCRIPTS: &[&str] = &["Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg"];

/// Names we prefer over the ISO 639 autonym table (which gives several or
/// unusual forms for a few languages).
const NAMES: &[(&str, &str)] = &[
    ("ar", "العربية"),
    ("fa", "فارسی"),
    ("zh", "中文"),
    ("my", "မြန်မာ"),
    ("bo", "བོད་ཡིག"),
    ("am", "አማርኛ"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("tr", "Türkçe"),
    ("vi", "Tiếng Việt"),
    ("en", "English"),
    ("ur", "اردو"),
    ("he", "עברית"),
    ("ps", "پښتو"),
];

/// The spelling BCP 47 gives a language code (`en_US` and `EN-us` are
/// `en-US`), when it is one.
pub fn canonical(code: &str) -> Option<String> {
    code.parse::<LanguageIdentifier>()
        .ok()
        .map(|id| id.to_string())
        .filter(|c| !c.is_empty())
}

/// How to write a code that is not spelt as BCP 47 spells it: codes name
/// folders and files, and output folders must have one spelling.
pub fn spelling_hint(code: &str) -> Option<String> {
    canonical(code).filter(|c| c != code).map(|c| {
        format!(
            "write `{c}`: subtags are joined by `-`, the language in small letters, a script \
             capitalised and a region in capitals; folders and files of the language take the same name"
        )
    })
}

/// Parses and checks a language code; `Err` says what is wrong with it. A
/// code must be spelt as BCP 47 spells it (see [`canonical`]).
pub fn parse(code: &str) -> Result<Lang, String> {
    let id: LanguageIdentifier = code.parse().map_err(|_| {
        format!("`{code}` is not a valid language code (BCP 47, like `es` or `pt-BR`)")
    })?;
    if id != code {
        return Err(format!(
            "`{code}` is not spelt as a language code (BCP 47) is"
        ));
    }
    let base = id.language.as_str().to_string();
    let known = match base.len() {
        2 => isolang::Language::from_639_1(&base).is_some(),
        3 => isolang::Language::from_639_3(&base).is_some(),
        _ => false,
    };
    if !known || id.language.is_empty() {
        return Err(format!(
            "`{code}` is not a known language code (ISO 639, like `fa` or `my`)"
        ));
    }
    let rtl = match id.script {
        Some(script) => RTL_SCRIPTS.contains(&script.as_str()),
        None => RTL_LANGUAGES.contains(&base.as_str()),
    };
    let autonym = NAMES
        .iter()
        .find(|(c, _)| *c == base)
        .map(|(_, n)| *n)
        .or_else(|| {
            let l = match base.len() {
                2 => isolang::Language::from_639_1(&base),
                _ => isolang::Language::from_639_3(&base),
            };
            l.and_then(|l| l.to_autonym())
        });
    Ok(Lang {
        code: code.to_string(),
        base,
        dir: if rtl { Direction::Rtl } else { Direction::Ltr },
        autonym,
    })
}

/// Codes to try, in order, for content and UI strings of `code`: the code itself,
/// its shorter forms (`pt-BR` then `pt`), then the source language.
pub fn fallback_chain(code: &str, source: &str) -> Vec<String> {
    let mut chain = vec![code.to_string()];
    let mut current = code;
    while let Some(pos) = current.rfind('-') {
        current = &current[..pos];
        chain.push(current.to_string());
    }
    if !chain.iter().any(|c| c == source) {
        chain.push(source.to_string());
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions() {
        assert_eq!(parse("ar").unwrap().dir, Direction::Rtl);
        assert_eq!(parse("fa").unwrap().dir, Direction::Rtl);
        assert_eq!(parse("my").unwrap().dir, Direction::Ltr);
        assert_eq!(parse("az-Arab").unwrap().dir, Direction::Rtl);
        assert_eq!(parse("pt-BR").unwrap().base, "pt");
    }

    #[test]
    fn rejects_unknown_and_malformed_codes() {
        assert!(parse("xx").is_err());
        assert!(parse("english").is_err());
        assert!(parse("e n").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn codes_must_be_spelt_as_bcp_47_spells_them() {
        for (written, canonical) in [
            ("en_US", "en-US"),
            ("EN", "en"),
            ("pt-br", "pt-BR"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("Fa", "fa"),
        ] {
            assert!(parse(written).is_err(), "{written}");
            assert_eq!(super::canonical(written).as_deref(), Some(canonical));
            assert!(
                spelling_hint(written)
                    .unwrap()
                    .starts_with(&format!("write `{canonical}`"))
            );
            assert!(parse(canonical).is_ok(), "{canonical}");
            assert_eq!(spelling_hint(canonical), None);
        }
    }

    #[test]
    fn names() {
        assert_eq!(parse("fa").unwrap().autonym, Some("فارسی"));
        assert!(parse("de").unwrap().autonym.is_some());
    }

    #[test]
    fn chain_goes_from_specific_to_source() {
        assert_eq!(fallback_chain("pt-BR", "en"), ["pt-BR", "pt", "en"]);
        assert_eq!(fallback_chain("en", "en"), ["en"]);
        assert_eq!(
            fallback_chain("zh-Hant-TW", "en"),
            ["zh-Hant-TW", "zh-Hant", "zh", "en"]
        );
    }
}
