//! polybook: turns Markdown manuals in many languages into one cross-linked,
//! self-contained static website, EPUB books and PDF books.
//!
//! The binary is a thin layer over [`build::build`]; see `ARCHITECTURE.md` for
//! the pipeline and the invariants. The folders follow the pipeline:
//! [`load`] reads the project, [`model`] holds it, [`render`] turns a chapter
//! into a page body, [`site`], [`epub`] and [`search`] make the outputs,
//! [`build`] runs the stages and writes them, [`live`] watches and serves,
//! [`translate`] tracks translations, [`po`] exports gettext PO files.

pub mod build;
pub mod bundle;
pub mod diag;
pub mod epub;
pub mod error;
pub mod fonts;
pub mod live;
pub mod load;
pub mod model;
pub mod pdf;
pub mod po;
pub mod render;
pub mod search;
pub mod site;
pub mod start;
pub mod translate;

pub use build::{BuildOptions, BuildReport, build};
pub use diag::{Diagnostic, Severity};
pub use error::{Error, Result};
