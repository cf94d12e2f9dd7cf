//! A blank Tauri page: what every Tauri app pays on this machine before doing anything. The
//! page calls `ready` once it is painted, and the benchmark measures launch → that line, as it
//! does for SQS Pilot's queue list.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[tauri::command]
fn ready() {
    eprintln!("ready: blank page shown");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the blank page could not start");
}
