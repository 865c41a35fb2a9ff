//! The library's error type: what stops a build before any page is written.
//!
//! Problems in content are not errors but [`Diagnostic`]s, collected while the
//! build goes on; an `Error` is what makes going on pointless (an unreadable
//! project, a broken configuration or theme).

use std::path::PathBuf;

use crate::diag::Diagnostic;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The configuration is unusable; every problem found is listed.
    #[error("the project configuration has {} problem(s)", .0.len())]
    Config(Vec<Diagnostic>),
    /// Options on the command line that cannot be followed (an output
    /// folder that is refused, an unknown `--lang` or `--manual`); every
    /// problem found is listed.
    #[error("{} of the options given cannot be followed", .0.len())]
    Options(Vec<Diagnostic>),
    #[error("theme: {0}")]
    Theme(String),
    /// A command was asked for something it cannot do.
    #[error("{0}")]
    Usage(String),
    /// A symbolic link where a build would write or remove a file: builds
    /// never write or remove through links in the output folder.
    #[error(
        "`{}` is a symbolic link, and polybook never writes or removes files through links in the output folder: remove the link, or build into another folder",
        .0.display()
    )]
    Link(PathBuf),
    /// The file watcher of `serve` or `build --watch` could not start or
    /// watch a folder.
    #[error("cannot watch `{}` for changes: {source}", path.display())]
    Watch {
        path: PathBuf,
        #[source]
        source: notify::Error,
    },
    /// `serve` could not listen on the address asked for.
    #[error("cannot listen on `{address}`: {reason}")]
    Listen { address: String, reason: String },
    /// git could not answer what a command needs from the history.
    #[error("{}: {reason}", file.display())]
    Git { file: PathBuf, reason: String },
}

impl Error {
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
