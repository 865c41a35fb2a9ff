//! `polybook verify`: is a bundle what its publisher signed, and is it
//! still meant to be used?

use std::path::{Path, PathBuf};

use crate::error::Result;

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Signed with the key, and before its date.
    Current(super::Claims),
    /// Signed with the key, but its date is past.
    Expired(super::Claims),
    /// Not signed with the key, changed since, or no bundle signature.
    NotAuthentic(String),
}

impl Verdict {
    /// The exit status: 0 current, 1 expired, 2 not authentic.
    pub fn code(&self) -> u8 {
        match self {
            Verdict::Current(_) => 0,
            Verdict::Expired(_) => 1,
            Verdict::NotAuthentic(_) => 2,
        }
    }

    /// What to tell the reader.
    pub fn message(&self, bundle: &Path) -> String {
        let name = bundle.display();
        match self {
            Verdict::Current(c) => format!(
                "{name}: authentic and current. It was signed with the publisher's key, has not changed since, \
                 was built on {} and is meant to be used until {}.",
                c.built, c.valid_until
            ),
            Verdict::Expired(c) => format!(
                "{name}: authentic, but expired since {}. It was signed with the publisher's key and has not \
                 changed since it was built on {}, but its content may be outdated: get a new copy from the \
                 publisher's site (its \"About this copy\" page) or from whoever gave you this one, and check it too.",
                c.valid_until, c.built
            ),
            Verdict::NotAuthentic(why) => format!(
                "{name}: NOT authentic ({why}). Do not trust it: do not open it and do not pass it on; \
                 get a copy from the publisher instead."
            ),
        }
    }
}

/// Checks `bundle` against its signature (`BUNDLE.minisig` unless given)
/// with the public key `key`, and its date against `today`.
pub fn verify(
    bundle: &Path,
    signature: Option<&Path>,
    key: &Path,
    today: jiff::civil::Date,
) -> Result<Verdict> {
    let pk = super::read_public_key(key)?;
    let sig_path: PathBuf = signature.map(Path::to_path_buf).unwrap_or_else(|| {
        let mut p = bundle.as_os_str().to_owned();
        p.push(".minisig");
        PathBuf::from(p)
    });
    let bytes = crate::load::project::read_regular(bundle)
        .map_err(|e| crate::Error::io("read the bundle", bundle, e))?;
    let sig_text = match crate::load::project::read_regular_to_string(&sig_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Verdict::NotAuthentic(format!(
                "there is no signature `{}` beside it",
                sig_path.display()
            )));
        }
        Err(e) => return Err(crate::Error::io("read the signature", &sig_path, e)),
    };
    let Ok(sig) = minisign::SignatureBox::from_string(&sig_text) else {
        return Ok(Verdict::NotAuthentic(format!(
            "`{}` is not a minisign signature",
            sig_path.display()
        )));
    };
    if let Err(e) = minisign::verify(&pk, &sig, std::io::Cursor::new(&bytes), true, false, false) {
        return Ok(Verdict::NotAuthentic(format!(
            "its signature does not match this public key: {e}"
        )));
    }
    let Some(claims) = sig
        .trusted_comment()
        .ok()
        .and_then(|c| super::Claims::parse(&c))
    else {
        return Ok(Verdict::NotAuthentic(
            "the signature is not that of a polybook bundle".into(),
        ));
    };
    if claims.sha256 != super::sha256_hex(&bytes) {
        return Ok(Verdict::NotAuthentic(
            "its SHA-256 differs from the signed one".into(),
        ));
    }
    Ok(if today > claims.valid_until {
        Verdict::Expired(claims)
    } else {
        Verdict::Current(claims)
    })
}

/// Today's date (UTC).
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}
