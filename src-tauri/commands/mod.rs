//! The commands the UI invokes, one file per domain.

pub mod connections;
pub mod queues;
pub mod sandbox;
