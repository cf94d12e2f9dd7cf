//! The shell's state: the config file, the secret store and a cache of SQS clients per
//! connection (switching back to a connection is instant).

use std::collections::HashMap;
use std::sync::Arc;

use sqs_core::client::{self, SqsClient};
use sqs_core::config::{AppConfig, ConfigStore};
use sqs_core::connection::{sandbox_connection, Connection, Secret, SANDBOX_ID};
use sqs_core::secrets::{self, KeyringStore, SecretStore};
use sqs_core::CoreError;
use tokio::sync::Mutex;

/// Everything the commands share.
pub struct AppState {
    pub store: ConfigStore,
    pub config: Mutex<AppConfig>,
    pub secrets: Arc<dyn SecretStore>,
    clients: Mutex<HashMap<String, SqsClient>>,
    /// Something the user must be told once at start-up (e.g. a damaged settings file).
    pub notice: std::sync::Mutex<Option<String>>,
    /// The embedded local sandbox, or why it is not running.
    pub sandbox: std::sync::Mutex<Result<sqs_sandbox::Running, String>>,
    /// Held for a whole restart, so two (a settings save and a reset) cannot interleave: the
    /// second waits, then stops what the first started.
    restarting: Mutex<()>,
    /// Set once the app's proxy (and its password, from the keychain) is in use: read on the
    /// first client, not at start-up, so a start never waits for the keychain.
    proxy_ready: tokio::sync::OnceCell<()>,
    /// Which keychain is in use: asked once, in the background from start-up (on Linux it is a
    /// D-Bus round trip the first screen should not wait for).
    keychain: tokio::sync::OnceCell<&'static str>,
}

impl AppState {
    /// Loads the settings from the platform config dir, recovering from a damaged file.
    pub fn load() -> Result<Self, CoreError> {
        let store = ConfigStore::new(ConfigStore::default_dir()?);
        Ok(Self::new(store, Arc::new(KeyringStore::default())))
    }

    pub fn new(store: ConfigStore, secrets: Arc<dyn SecretStore>) -> Self {
        let loaded = store.load_or_recover();
        if let Some(n) = &loaded.notice {
            tracing::warn!("{n}");
        }
        AppState {
            store,
            config: Mutex::new(loaded.config),
            secrets,
            clients: Mutex::new(HashMap::new()),
            notice: std::sync::Mutex::new(loaded.notice),
            sandbox: std::sync::Mutex::new(Err("The local sandbox has not started yet.".into())),
            restarting: Mutex::new(()),
            proxy_ready: tokio::sync::OnceCell::new(),
            keychain: tokio::sync::OnceCell::new(),
        }
    }

    /// The keychain backend's name ("Secret Service", "mock", "unavailable", ...), asked once.
    pub async fn keychain_backend(&self) -> &'static str {
        *self
            .keychain
            .get_or_init(|| async {
                let store = self.secrets.clone();
                let name = tokio::task::spawn_blocking(move || store.backend())
                    .await
                    .unwrap_or("unavailable");
                tracing::debug!("keychain known at {} ms", crate::since_start_ms());
                name
            })
            .await
    }

    /// Adds a sentence the user is told at start-up (after any already there).
    pub fn add_notice(&self, sentence: String) {
        let mut n = self.notice.lock().unwrap_or_else(|e| e.into_inner());
        *n = Some(match n.take() {
            Some(before) => format!("{before} {sentence}"),
            None => sentence,
        });
    }

    /// Stops the sandbox if it runs, optionally deletes its data, and starts it again as the
    /// settings say.
    pub async fn restart_sandbox(&self, wipe: bool) -> Result<(), CoreError> {
        let _one_at_a_time = self.restarting.lock().await;
        let previous = std::mem::replace(
            &mut *self.sandbox.lock().unwrap_or_else(|e| e.into_inner()),
            Err("it is restarting.".into()),
        );
        if let Ok(running) = previous {
            running.stop().await;
        }
        self.forget_client(SANDBOX_ID).await;
        let mut wipe_error = None;
        if wipe {
            if let Ok(dir) = sqs_core::paths::sandbox_dir() {
                if let Err(e) = std::fs::remove_dir_all(&dir) {
                    if e.kind() != std::io::ErrorKind::NotFound {
                        wipe_error = Some(CoreError::Config(format!(
                            "The sandbox's data in {} could not be deleted ({e}).",
                            dir.display()
                        )));
                    }
                }
            }
        }
        let settings = self.config.lock().await.sandbox.clone();
        let started = crate::sandbox::start(&settings).await;
        *self.sandbox.lock().unwrap_or_else(|e| e.into_inner()) = started;
        wipe_error.map_or(Ok(()), Err)
    }

    /// The sandbox's endpoint URL, or why there is none.
    pub fn sandbox_url(&self) -> Result<String, String> {
        match &*self.sandbox.lock().unwrap_or_else(|e| e.into_inner()) {
            Ok(r) => Ok(r.url.clone()),
            Err(why) => Err(why.clone()),
        }
    }

    /// The stored connection with this id.
    pub async fn connection(&self, id: &str) -> Result<Connection, CoreError> {
        if id == SANDBOX_ID {
            return self
                .sandbox_url()
                .map(|url| sandbox_connection(&url))
                .map_err(|why| {
                    CoreError::Network(format!("The local sandbox is not running: {why}"))
                });
        }
        self.config.lock().await.find(id).cloned().ok_or_else(|| {
            CoreError::NotFound(
                "This connection no longer exists. Pick another one in the sidebar.".into(),
            )
        })
    }

    /// The connection's secret from the keychain, if it uses one.
    pub async fn secret_of(&self, conn: &Connection) -> Result<Option<Secret>, CoreError> {
        if !conn.settings.uses_secret() {
            return Ok(None);
        }
        secrets::get(self.secrets.clone(), conn.secret_account().to_string()).await
    }

    /// Puts the app's proxy setting in use, once, before the first client is made.
    pub async fn ensure_proxy(&self) {
        self.proxy_ready
            .get_or_init(|| async {
                let config = self.config.lock().await.clone();
                if let Err(e) = sqs_core::proxy::load(&config, self.secrets.clone()).await {
                    tracing::warn!("the proxy's password could not be read: {e}");
                    self.add_notice(format!(
                        "The proxy's password could not be read from the keychain ({e}); requests go through the proxy without it."
                    ));
                }
            })
            .await;
    }

    /// Keeps a client made outside `client` (a role session made with an MFA code): in memory
    /// only, until the connection changes or the app quits.
    pub async fn remember_client(&self, id: &str, client: SqsClient) {
        self.clients.lock().await.insert(id.to_string(), client);
    }

    /// Forgets every cached client (the proxy changed).
    pub async fn forget_all_clients(&self) {
        self.clients.lock().await.clear();
    }

    /// The (cached) client of a stored connection.
    pub async fn client(&self, id: &str) -> Result<SqsClient, CoreError> {
        if let Some(c) = self.clients.lock().await.get(id) {
            return Ok(c.clone());
        }
        self.ensure_proxy().await;
        let conn = self.connection(id).await?;
        let secret = self.secret_of(&conn).await?;
        let c = client::connect(&conn, secret.as_ref()).await?;
        self.clients.lock().await.insert(id.to_string(), c.clone());
        Ok(c)
    }

    /// Forgets a cached client after its connection changed or was removed.
    pub async fn forget_client(&self, id: &str) {
        self.clients.lock().await.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoSecrets;
    impl SecretStore for NoSecrets {
        fn set(&self, _: &str, _: &Secret) -> Result<(), CoreError> {
            Ok(())
        }
        fn get(&self, _: &str) -> Result<Option<Secret>, CoreError> {
            Ok(None)
        }
        fn delete(&self, _: &str) -> Result<(), CoreError> {
            Ok(())
        }
        fn backend(&self) -> &'static str {
            "none (test)"
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_restarts_on_a_fixed_port_leave_one_sandbox_running() {
        let dir = tempfile::tempdir().unwrap();
        std::env::set_var(sqs_core::paths::DATA_DIR_ENV, dir.path().join("data"));
        let state = AppState::new(
            ConfigStore::new(dir.path().join("config")),
            Arc::new(NoSecrets),
        );
        let port = test_support::free_port();
        state.config.lock().await.sandbox.port = Some(port);
        let (a, b, c) = tokio::join!(
            state.restart_sandbox(false),
            state.restart_sandbox(true),
            state.restart_sandbox(false)
        );
        a.and(b).and(c).expect("every restart succeeds");
        let url = state.sandbox_url().expect("the sandbox runs");
        assert_eq!(url, format!("http://127.0.0.1:{port}"));
        let listed = test_support::sdk_client(&url).list_queues().send().await;
        assert!(listed.is_ok(), "{listed:?}");
    }
}
