//! The desktop shell: builds the Tauri app, its state and its command handlers. Logic lives in
//! `sqs-core`; this crate only adapts it to the window.

mod commands;
mod error;
pub mod memory;
mod sandbox;
mod state;
mod test_hooks;
mod window_fit;

pub use error::CommandError;
pub use state::AppState;

use std::sync::OnceLock;
use std::time::Instant;

use tauri::{Manager, Runtime};

/// When `run` started, for the start-up timings in the log.
static STARTED: OnceLock<Instant> = OnceLock::new();

/// Milliseconds since the app started (0 before `run`).
pub fn since_start_ms() -> u128 {
    STARTED.get().map_or(0, |t| t.elapsed().as_millis())
}

/// Adds the app's state and commands to a builder; generic over the runtime so tests can use
/// Tauri's mock runtime.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            tracing::debug!("setup at {} ms", since_start_ms());
            let state = AppState::load()?;
            tracing::debug!("settings loaded at {} ms", since_start_ms());
            // A sandbox that cannot start is reported in the UI, not fatal.
            if let Err(e) = tauri::async_runtime::block_on(state.restart_sandbox(false)) {
                tracing::warn!("{e}");
            }
            tracing::debug!("sandbox up at {} ms", since_start_ms());
            // An import the app died in the middle of: say which lines were handled.
            if let Some(note) =
                sqs_core::import_journal::take_leftover(&sqs_core::paths::data_dir_or_temp())
            {
                state.add_notice(note.sentence());
            }
            app.manage(state);
            app.manage(commands::jobs::Jobs::default());
            app.manage(sqs_core::workbench::Workbench::default());
            app.manage(commands::import::ImportFiles::default());
            app.manage(commands::sso::SignIns::default());
            app.manage(std::sync::Arc::new(sqs_core::recent::RecentStore::new(
                &sqs_core::paths::data_dir_or_temp(),
            )));
            window_fit::fit_main_window(app);
            // While the window loads: which keychain is in use, and the client the first list
            // will need (its TLS roots and proxy; ~50 ms in a debug build), not when the page asks.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<AppState>();
                state.keychain_backend().await;
                let first = state.config.lock().await.last_used.clone();
                let first = first.unwrap_or_else(|| sqs_core::connection::SANDBOX_ID.to_string());
                if let Err(e) = state.client(&first).await {
                    // The page's own request meets the same error and shows it.
                    tracing::debug!("the first connection's client: {e}");
                }
                tracing::debug!("first client ready at {} ms", since_start_ms());
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app::about,
            commands::app::app_ready,
            commands::connections::app_status,
            commands::connections::list_regions,
            commands::connections::list_profiles,
            commands::connections::save_connection,
            commands::connections::remove_connection,
            commands::connections::select_connection,
            commands::connections::test_connection,
            commands::connections::connection_identity,
            commands::connections::mfa_sign_in,
            commands::sso::sso_start_sign_in,
            commands::sso::sso_finish_sign_in,
            commands::sso::sso_start_new_session,
            commands::sso::sso_accounts,
            commands::sso::sso_roles,
            commands::sso::sso_save_profile,
            commands::network::proxy_settings,
            commands::network::save_proxy,
            commands::network::test_proxy,
            commands::sandbox::sandbox_status,
            commands::sandbox::configure_sandbox,
            commands::sandbox::reset_sandbox,
            commands::queues::list_queues,
            commands::queues::queue_stats,
            commands::queues::check_queue_spec,
            commands::queues::create_queue,
            commands::queues::queue_details,
            commands::queues::update_queue,
            commands::queues::purge_queue,
            commands::queues::delete_queue,
            commands::messages::send_message,
            commands::messages::poll_messages,
            commands::workbench::query_messages,
            commands::workbench::message_facet,
            commands::workbench::message_fields,
            commands::workbench::forget_messages,
            commands::workbench::drop_message_store,
            commands::workbench::open_message,
            commands::workbench::stored_messages,
            commands::workbench::message_handles,
            commands::workbench::message_rows,
            commands::jobs::stop_job,
            commands::messages::delete_messages,
            commands::messages::change_visibility,
            commands::import::bulk_send,
            commands::import::choose_import_file,
            commands::import::preview_import,
            commands::messages::export_messages,
            commands::recent::recent_messages,
            commands::recent::clear_recent_messages,
            commands::recent::keep_recent_messages_for_aws,
            commands::redrive::start_redrive,
            commands::redrive::list_redrives,
            commands::redrive::cancel_redrive,
            commands::redrive::move_messages,
            commands::redrive::preview_changes,
            commands::simulate::simulate,
            commands::simulate::connection_usage,
            commands::tour::tour_progress,
            commands::tour::close_tour,
        ])
}

/// Starts the app and blocks until its window is closed.
pub fn run() {
    STARTED.get_or_init(Instant::now);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,sqs_pilot=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    app_builder(tauri::Builder::default())
        .run(tauri::generate_context!())
        .expect("SQS Pilot could not start its window");
}
