//! The live preview: watching the sources ([`watch`]), the one rebuild loop
//! ([`rebuild`]), and `serve` (its HTTP server and the host names it answers
//! to).

pub(crate) mod host;
pub(crate) mod http;
pub mod rebuild;
pub mod serve;
pub(crate) mod watch;
