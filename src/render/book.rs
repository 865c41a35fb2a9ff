//! What every book of one manual in one language is made from, whatever its
//! format: the EPUB (`epub/`) and the PDF (`pdf/`) add only what is their own.

use crate::model::Project;
use crate::render::markdown::Rendered;
use crate::site::i18n::Ui;

/// One manual in one language, as a book of any format is made from it.
pub struct BookSource<'a> {
    pub project: &'a Project,
    /// The interface strings of the book's language.
    pub ui: &'a Ui,
    /// Index of the book's language in the published languages.
    pub lang: usize,
    pub manual: usize,
    /// This language's rendered chapters, by [`Project::flat_index`].
    pub bodies: &'a [Rendered],
    /// The book's date (its metadata), in seconds since 1970.
    pub modified: i64,
    /// The book's language name in itself.
    pub lang_name: &'a str,
}
