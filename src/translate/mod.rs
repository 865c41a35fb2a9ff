//! The translators' workflow: which source version a translation follows
//! (provenance), the status report, and `stamp`.

pub mod provenance;
pub mod stamp;
pub mod status;
