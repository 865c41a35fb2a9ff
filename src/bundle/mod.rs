//! Offline bundles that readers can check: one zip of each language's site
//! (`pack.rs`), signed with a minisign key (`keygen.rs`), and checked for
//! its signature and its date (`verify.rs`).
//!
//! The signature's trusted comment (signed with the zip) holds the build
//! date, the date until which the bundle is meant to be used and the
//! bundle's SHA-256, so that the standard `minisign` tool shows them too:
//!
//! ```text
//! polybook-bundle lang=es built=2025-03-01 valid-until=2025-08-28 sha256=…
//! ```

mod keygen;
mod pack;
mod verify;

use std::path::{Path, PathBuf};

pub use keygen::{KeygenOptions, keygen};
pub use pack::{BundleOptions, bundle};
pub use verify::{Verdict, today, verify};

use crate::error::{Error, Result};

/// The folder of the output that holds the bundles.
pub const FOLDER: &str = "bundles";

/// The environment variable holding the secret key's password, for CI.
pub const PASSWORD_VAR: &str = "POLYBOOK_KEY_PASSWORD";

/// The environment variable naming the secret key file.
pub const SECRET_KEY_VAR: &str = "POLYBOOK_SECRET_KEY";

/// Where `keygen` writes keys and `bundle` looks for the secret key when
/// told nothing: `$XDG_CONFIG_HOME/polybook`, else `~/.config/polybook`.
pub fn default_key_folder() -> Option<PathBuf> {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })
        .map(|d| d.join("polybook"))
}

/// The names of the key files `keygen` writes.
pub const SECRET_KEY_FILE: &str = "polybook.key";
pub const PUBLIC_KEY_FILE: &str = "polybook.pub";

/// What a bundle's signature vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub lang: String,
    /// `YYYY-MM-DD`.
    pub built: jiff::civil::Date,
    pub valid_until: jiff::civil::Date,
    /// Lower-case hex.
    pub sha256: String,
}

impl Claims {
    /// The trusted comment of the signature.
    pub fn to_comment(&self) -> String {
        format!(
            "polybook-bundle lang={} built={} valid-until={} sha256={}",
            self.lang, self.built, self.valid_until, self.sha256
        )
    }

    /// Reads a trusted comment written by [`Claims::to_comment`].
    pub fn parse(comment: &str) -> Option<Claims> {
        let mut words = comment.split_whitespace();
        if words.next()? != "polybook-bundle" {
            return None;
        }
        let (mut lang, mut built, mut until, mut sha) = (None, None, None, None);
        for w in words {
            let (k, v) = w.split_once('=')?;
            match k {
                "lang" => lang = Some(v.to_string()),
                "built" => built = v.parse().ok(),
                "valid-until" => until = v.parse().ok(),
                "sha256" => sha = Some(v.to_string()),
                _ => {}
            }
        }
        Some(Claims {
            lang: lang?,
            built: built?,
            valid_until: until?,
            sha256: sha?,
        })
    }
}

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads a public key file (minisign's format).
pub fn read_public_key(path: &Path) -> Result<minisign::PublicKey> {
    let text = crate::load::project::read_regular_to_string(path)
        .map_err(|e| Error::io("read the public key", path, e))?;
    minisign::PublicKeyBox::from_string(&text)
        .and_then(|b| b.into_public_key())
        .map_err(|e| {
            Error::Usage(format!(
                "`{}` is not a minisign public key: {e}",
                path.display()
            ))
        })
}

/// The public key's text as the site shows it: the key line alone.
pub fn public_key_line(path: &Path) -> Result<String> {
    let key = read_public_key(path)?;
    Ok(key.to_base64())
}

/// The password of the secret key: from [`PASSWORD_VAR`], else asked on the
/// terminal (twice when `confirm`).
fn password(confirm: bool) -> Result<String> {
    if let Ok(p) = std::env::var(PASSWORD_VAR)
        && !p.is_empty()
    {
        return Ok(p);
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt).map_err(|e| {
            Error::Usage(format!(
                "cannot ask for the key's password ({e}): set {PASSWORD_VAR} when there is no terminal"
            ))
        })
    };
    let first = ask("Password of the secret key: ")?;
    if first.is_empty() {
        return Err(Error::Usage(
            "the password is empty: the secret key must be protected by a password".into(),
        ));
    }
    if confirm && ask("The same password again: ")? != first {
        return Err(Error::Usage("the two passwords differ".into()));
    }
    Ok(first)
}

/// The public key of the project at `root` (`bundle_public_key`), for
/// `verify` without `--key`.
pub fn project_key(root: &Path) -> Result<PathBuf> {
    let none = || {
        Error::Usage(
            "name the publisher's public key with --key (a project's own key is taken from `bundle_public_key` in its polybook.toml)".into(),
        )
    };
    let path = root.join("polybook.toml");
    let src = crate::load::project::read_regular_to_string(&path).map_err(|_| none())?;
    let config =
        crate::load::config::parse_site(&src, Path::new("polybook.toml")).map_err(Error::Config)?;
    config
        .bundle_public_key
        .map(|k| root.join(k))
        .ok_or_else(none)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_read_back_as_written() {
        let c = Claims {
            lang: "pt-BR".into(),
            built: jiff::civil::date(2025, 3, 1),
            valid_until: jiff::civil::date(2025, 8, 28),
            sha256: sha256_hex(b"x"),
        };
        assert_eq!(Claims::parse(&c.to_comment()), Some(c));
        assert_eq!(Claims::parse("timestamp:1234"), None);
    }
}
