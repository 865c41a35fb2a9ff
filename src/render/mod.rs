//! One chapter's Markdown to the HTML body of one page: links, code
//! highlighting, bidirectional isolation, URL judgement and sanitising; and
//! what a book of any format is made from.

pub(crate) mod bidi;
pub mod book;
pub(crate) mod chars;
pub(crate) mod highlight;
pub(crate) mod html;
pub mod links;
pub mod markdown;
pub(crate) mod nesting;
pub(crate) mod raw_html;
pub(crate) mod safe_url;
pub(crate) mod sanitize;
