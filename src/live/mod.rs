//! The live preview: watching the sources, the rebuild loop, and `serve`
//! (its HTTP server and the host names it answers to).

pub mod host;
pub mod http;
pub mod serve;
pub mod watch;
