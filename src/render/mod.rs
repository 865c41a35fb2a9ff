//! One chapter's Markdown to the HTML body of one page: links, code
//! highlighting, bidirectional isolation, URL judgement and sanitising.

pub mod bidi;
pub mod chars;
pub mod highlight;
pub mod html;
pub mod links;
pub mod markdown;
pub mod nesting;
pub mod safe_url;
pub mod sanitize;
