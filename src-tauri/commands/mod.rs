//! The commands the UI invokes, one file per domain.

pub mod app;
pub mod connections;
pub mod import;
pub mod jobs;
pub mod messages;
pub mod network;
pub mod queues;
pub mod recent;
pub mod redrive;
pub mod sandbox;
pub mod simulate;
pub mod sso;
pub mod tour;
pub mod workbench;
