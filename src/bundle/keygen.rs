//! `polybook keygen`: a minisign key pair for signing bundles, the secret
//! key protected by a password and kept outside the project, so that it is
//! never committed or published with the sources.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct KeygenOptions {
    /// The project, inside which no key may be written.
    pub root: PathBuf,
    /// The folder of the keys; [`super::default_key_folder`] when `None`.
    pub out: Option<PathBuf>,
}

/// Writes `polybook.key` and `polybook.pub`; returns what to do next.
pub fn keygen(opts: &KeygenOptions) -> Result<String> {
    let dir = match &opts.out {
        Some(d) => d.clone(),
        None => super::default_key_folder().ok_or_else(|| {
            Error::Usage("there is no home folder: name the folder of the keys with --out".into())
        })?,
    };
    if let Ok(root) = opts.root.canonicalize()
        && root.join("polybook.toml").exists()
        && resolved(&dir).starts_with(&root)
    {
        return Err(Error::Usage(format!(
            "`{}` is inside the project `{}`: a secret key there could be committed or published with the sources; write it elsewhere (--out DIR)",
            dir.display(),
            root.display()
        )));
    }
    let secret = dir.join(super::SECRET_KEY_FILE);
    let public = dir.join(super::PUBLIC_KEY_FILE);
    for p in [&secret, &public] {
        if p.symlink_metadata().is_ok() {
            return Err(Error::Usage(format!(
                "`{}` exists already; nothing was written (a new key would make every bundle signed with the old one unverifiable with the new public key)",
                p.display()
            )));
        }
    }
    let password = super::password(true)?;
    let pair = minisign::KeyPair::generate_encrypted_keypair(Some(password))
        .map_err(|e| Error::Usage(format!("cannot make a key pair: {e}")))?;
    let sk = pair
        .sk
        .to_box(Some("polybook secret key for signing bundles"))
        .map_err(|e| Error::Usage(format!("cannot write the secret key: {e}")))?;
    let pk = pair
        .pk
        .to_box()
        .map_err(|e| Error::Usage(format!("cannot write the public key: {e}")))?;
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create the folder", &dir, e))?;
    write_new(&secret, sk.to_string().as_bytes(), true)?;
    if let Err(e) = write_new(&public, pk.to_string().as_bytes(), false) {
        let _ = std::fs::remove_file(&secret);
        return Err(e);
    }
    Ok(format!(
        "Wrote the secret key to {} (keep it, and its password, private: whoever has both can sign bundles in your name)\n\
         and the public key to {}.\n\
         Next: copy the public key into the project (e.g. keys/polybook.pub), set `bundle_public_key = \"keys/polybook.pub\"`\n\
         in polybook.toml so that the site publishes it, then run `polybook bundle`.\n",
        secret.display(),
        public.display()
    ))
}

/// `path` with links and `..` resolved as far as it exists.
fn resolved(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(real) = cur.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (cur.parent(), cur.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

/// Creates a file that must not exist yet; readable by its owner alone when
/// `private`.
fn write_new(path: &Path, bytes: &[u8], private: bool) -> Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut f = o.open(path).map_err(|e| Error::io("create", path, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io("write", path, e))
}
