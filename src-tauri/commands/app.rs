//! Commands about the app itself: the About dialog's facts, and the start-up marker.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use ts_rs::TS;

/// What the About dialog shows; the version is Cargo.toml's.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AboutInfo {
    pub name: String,
    pub version: String,
    pub licence: String,
    pub homepage: String,
    pub tauri_version: String,
    pub os: String,
    pub arch: String,
}

#[tauri::command]
pub fn about() -> AboutInfo {
    AboutInfo {
        name: "SQS Pilot".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        licence: env!("CARGO_PKG_LICENSE").into(),
        homepage: env!("CARGO_PKG_REPOSITORY").into(),
        tauri_version: tauri::VERSION.into(),
        os: std::env::consts::OS.into(),
        arch: std::env::consts::ARCH.into(),
    }
}

static READY: AtomicBool = AtomicBool::new(false);

/// The UI calls this once the first queue list is on screen. The line is logged once per run;
/// `make bench` measures start-up as the time from launch to this line.
/// `marks`: the page's own timings (milliseconds since its navigation started), logged to
/// show where start-up time goes.
#[tauri::command]
pub fn app_ready(marks: std::collections::BTreeMap<String, f64>) {
    if !READY.swap(true, Ordering::SeqCst) {
        let marks: Vec<String> = marks.iter().map(|(k, v)| format!("{k} {v:.0}")).collect();
        tracing::info!(
            "ready: the queue list is shown ({} ms after start; page: {})",
            crate::since_start_ms(),
            marks.join(", ")
        );
    }
}
