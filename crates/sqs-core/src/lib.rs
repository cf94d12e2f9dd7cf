//! SQS Pilot's core: connections and their secrets, the SQS client built from them, queue
//! operations and the typed errors the UI switches on. Builds and tests without Tauri.

pub mod atomic_file;
pub mod body_format;
pub mod bulk;
pub mod client;
pub mod config;
pub mod connection;
pub mod connection_input;
pub mod connection_service;
pub mod error;
pub mod identity;
pub mod import_journal;
pub mod import_stream;
pub mod mask;
pub mod message_files;
pub mod message_send;
pub mod messages;
pub mod mfa;
pub mod paths;
pub mod poll;
pub mod profiles;
pub mod proxy;
pub mod proxy_trial;
pub mod queue_admin;
pub mod queues;
pub mod recent;
pub mod redrive;
pub mod regions;
pub mod secrets;
pub mod sent_ids;
pub mod simulator;
pub mod sso;
mod sso_cache;
mod sso_portal;
pub mod transform;
pub mod ui_rules;
pub mod usage;
pub mod workbench;

pub use error::{CoreError, ErrorKind, ErrorPayload};
