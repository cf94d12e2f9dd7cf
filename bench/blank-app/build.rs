//! Generates the blank page's Tauri context.
fn main() {
    tauri_build::build()
}
