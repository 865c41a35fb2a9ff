//! Reading a project: `polybook.toml` and `manual.toml`, the files on disk,
//! front matter, language tags and the books' dates.

pub(crate) mod config;
pub(crate) mod dates;
pub(crate) mod frontmatter;
pub(crate) mod lang;
pub(crate) mod project;

pub use project::reread;
