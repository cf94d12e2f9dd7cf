//! A blank Tauri page: what every Tauri app pays on this machine before doing anything. The
//! page calls `ready` once it is painted, and the benchmark measures launch → that line, as it
//! does for SQS Pilot's queue list.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// `painted`: ms from the page's navigation to its paint, as SQS Pilot's ready line gives it.
#[tauri::command]
fn ready(painted: f64) {
    let ms = STARTED.get().map_or(0, |t| t.elapsed().as_millis());
    eprintln!("ready: blank page shown ({ms} ms after start; page: painted {painted:.0})");
}

fn main() {
    STARTED.get_or_init(Instant::now);
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the blank page could not start");
}
