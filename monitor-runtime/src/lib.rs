//! Runtime of the monitor toolkit (placeholder while the crate is assembled).

pub mod config;
pub mod environment;
pub mod sampling;
pub mod scrub;
pub mod transport;
