//! The live preview: watching the sources, the rebuild loop, and `serve`
//! (its HTTP server and the host names it answers to).

pub(crate) mod host;
pub(crate) mod http;
pub mod serve;
pub mod watch;
