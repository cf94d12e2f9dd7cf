//! Commands for the network: the app's proxy setting (its password in the keychain) and the
//! environment's proxy it replaces.

use sqs_core::proxy::{self, ProxyInput, ProxyView};
use sqs_core::proxy_trial;
use sqs_core::secrets;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// The app's proxy and the environment's, for the proxy form.
#[tauri::command]
pub async fn proxy_settings(state: State<'_, AppState>) -> CommandResult<ProxyView> {
    let cfg = state.config.lock().await.clone();
    // A keychain that cannot be read still shows the dialog, and says what that means.
    let (has_password, problem) = match &cfg.proxy {
        Some(p) if p.username.is_some() => {
            match secrets::get(state.secrets.clone(), proxy::PASSWORD_ACCOUNT.to_string()).await {
                Ok(p) => (p.is_some(), None),
                Err(e) => (false, Some(e.payload().message)),
            }
        }
        _ => (false, None),
    };
    Ok(proxy::ProxyView {
        keychain_problem: problem,
        ..proxy::view(&cfg, has_password)
    })
}

/// Tries the proxy typed in the form, before it is saved: a tunnel to SQS in us-east-1 (the
/// dialog belongs to no connection). The stored password stands in for one not typed again.
#[tauri::command]
pub async fn test_proxy(state: State<'_, AppState>, input: ProxyInput) -> CommandResult<String> {
    let stored = if input.password.is_none() && input.username.is_some() {
        secrets::get(state.secrets.clone(), proxy::PASSWORD_ACCOUNT.to_string())
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let target = proxy_trial::sqs_host(None);
    Ok(proxy_trial::try_proxy(&input, stored, &target).await?)
}

/// Saves the proxy form; every connection reconnects through the new setting.
#[tauri::command]
pub async fn save_proxy(state: State<'_, AppState>, input: ProxyInput) -> CommandResult<ProxyView> {
    state.ensure_proxy().await;
    let mut cfg = state.config.lock().await;
    let used = proxy::save(&mut cfg, &state.store, state.secrets.clone(), input).await?;
    let view = proxy::view(&cfg, used.is_some_and(|p| p.password.is_some()));
    drop(cfg);
    state.forget_all_clients().await;
    Ok(view)
}
