//! polybook: turns Markdown manuals in many languages into one cross-linked,
//! self-contained static website.
//!
//! The binary is a thin layer over [`build::build`]; see `ARCHITECTURE.md` for
//! the pipeline and the invariants.

pub mod bidi;
pub mod build;
pub mod bundle;
pub mod cache;
pub mod chars;
pub mod config;
pub mod dates;
pub mod diag;
pub mod epub;
pub mod error;
pub mod frontmatter;
pub mod highlight;
pub mod html;
pub mod i18n;
pub mod incremental;
pub mod lang;
pub mod links;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod nesting;
pub mod outline;
pub mod output;
pub mod project;
pub mod safe_url;
pub mod sanitize;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod stamp;
pub mod start;
pub mod status;
pub mod theme;
pub mod translation;
pub mod watch;
pub mod xhtml;

pub use build::{BuildOptions, BuildReport, build};
pub use diag::{Diagnostic, Severity};
pub use error::{Error, Result};
