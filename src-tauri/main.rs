//! The `sqs-pilot` binary: starts the desktop app.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    sqs_pilot::memory::give_back_freed_memory();
    sqs_pilot::memory::interpret_javascript();
    sqs_pilot::run();
}
