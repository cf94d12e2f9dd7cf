//! Build script: generates Tauri's context and declares the app's own commands, so each must be
//! granted explicitly by a capability file.

/// Every command the shell exposes; keep in sync with `lib.rs`'s `generate_handler!` (the test
/// `command_lists` checks). The window's capability is written from this list.
const COMMANDS: &[&str] = &[
    "about",
    "app_ready",
    "app_status",
    "list_regions",
    "list_profiles",
    "save_connection",
    "remove_connection",
    "select_connection",
    "test_connection",
    "connection_identity",
    "mfa_sign_in",
    "sso_start_sign_in",
    "sso_finish_sign_in",
    "sso_start_new_session",
    "sso_accounts",
    "sso_roles",
    "sso_save_profile",
    "proxy_settings",
    "save_proxy",
    "test_proxy",
    "sandbox_status",
    "configure_sandbox",
    "reset_sandbox",
    "list_queues",
    "queue_stats",
    "check_queue_spec",
    "create_queue",
    "queue_details",
    "update_queue",
    "purge_queue",
    "delete_queue",
    "send_message",
    "poll_messages",
    "query_messages",
    "message_facet",
    "message_fields",
    "forget_messages",
    "drop_message_store",
    "open_message",
    "stored_messages",
    "message_handles",
    "message_rows",
    "stop_job",
    "delete_messages",
    "change_visibility",
    "bulk_send",
    "choose_import_file",
    "preview_import",
    "export_messages",
    "recent_messages",
    "clear_recent_messages",
    "keep_recent_messages_for_aws",
    "start_redrive",
    "list_redrives",
    "cancel_redrive",
    "move_messages",
    "preview_changes",
    "simulate",
    "connection_usage",
    "tour_progress",
    "close_tour",
];

/// The main window's capability: every command above and nothing else. Written from `COMMANDS`
/// (only when it changed, so builds stay incremental); the file is checked in so reviewers see
/// what the window may call.
fn write_capability() {
    let permissions: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("    \"allow-{}\"", c.replace('_', "-")))
        .collect();
    let json = format!(
        r#"{{
  "$schema": "../gen/schemas/desktop-schema.json",
  "identifier": "default",
  "description": "The main window may call the app's own commands and nothing else.",
  "windows": ["main"],
  "permissions": [
{}
  ]
}}
"#,
        permissions.join(",\n")
    );
    // Read at run time, not with env!(): a build script compiled in another checkout that
    // shares the target directory (CI's clean checkout) would otherwise write there.
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let path = std::path::Path::new(&dir).join("capabilities/default.json");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(json.as_str()) {
        std::fs::write(&path, json).expect("write capabilities/default.json");
    }
}

fn main() {
    write_capability();
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run the Tauri build script");
}
