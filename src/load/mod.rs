//! Reading a project: `polybook.toml` and `manual.toml`, the files on disk,
//! front matter, language tags and the books' dates.

pub mod config;
pub mod dates;
pub mod frontmatter;
pub mod lang;
pub mod project;
