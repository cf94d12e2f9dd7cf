//! Secret access keys in the OS keychain (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows). Calls may block on an unlock prompt, so the async wrappers
//! run them on the blocking pool with a timeout.

use std::sync::Arc;
use std::time::Duration;

use crate::connection::Secret;
use crate::CoreError;

/// The keychain service name every entry is filed under; the account is the connection id.
pub const SERVICE: &str = "sqs-pilot";
/// How long a keychain call may take before the UI is told the keychain is unavailable.
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Where secrets are kept. The real one is [`KeyringStore`]; tests of error paths may use others.
pub trait SecretStore: Send + Sync + 'static {
    fn set(&self, account: &str, secret: &Secret) -> Result<(), CoreError>;
    fn get(&self, account: &str) -> Result<Option<Secret>, CoreError>;
    /// Deleting an absent entry is not an error.
    fn delete(&self, account: &str) -> Result<(), CoreError>;
    /// A name for the backend actually in use (to prove it is not a silent in-memory mock).
    fn backend(&self) -> &'static str;
}

/// The OS keychain through the `keyring` crate.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl Default for KeyringStore {
    fn default() -> Self {
        KeyringStore {
            service: SERVICE.to_string(),
        }
    }
}

/// The keychain's error in words that say what to do. A locked keychain (its unlock prompt
/// closed, or none could be shown) is told apart from one that is not there at all: "start
/// gnome-keyring" is no help to someone who only has to type their password.
fn keychain_error(e: keyring::Error) -> CoreError {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    let locked =
        lower.contains("locked") || lower.contains("prompt") || lower.contains("dismissed");
    match e {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) if locked => {
            CoreError::Keychain(format!(
                "The system keychain is locked ({text}). Unlock it (it asks for your login password) and try again."
            ))
        }
        keyring::Error::NoStorageAccess(inner) => CoreError::Keychain(format!(
            "The system keychain refused access ({inner}). Unlock it, or allow SQS Pilot in it, and try again."
        )),
        keyring::Error::PlatformFailure(inner) => CoreError::Keychain(format!(
            "The system keychain is not available ({inner}). Start it (on Linux gnome-keyring or KWallet; on a server, a keyring in the session) and try again."
        )),
        other => CoreError::Keychain(format!(
            "The system keychain failed: {other}. Try again; if it goes on, restart the keychain service."
        )),
    }
}

impl KeyringStore {
    /// A store under another service name (tests use their own, never the user's).
    pub fn with_service(service: impl Into<String>) -> Self {
        KeyringStore {
            service: service.into(),
        }
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, CoreError> {
        keyring::Entry::new(&self.service, account).map_err(keychain_error)
    }
}

impl SecretStore for KeyringStore {
    fn set(&self, account: &str, secret: &Secret) -> Result<(), CoreError> {
        self.entry(account)?
            .set_password(secret.expose())
            .map_err(keychain_error)
    }

    fn get(&self, account: &str) -> Result<Option<Secret>, CoreError> {
        match self.entry(account)?.get_password() {
            Ok(s) => Ok(Some(Secret::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(e)),
        }
    }

    fn delete(&self, account: &str) -> Result<(), CoreError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(e)),
        }
    }

    fn backend(&self) -> &'static str {
        let Ok(entry) = keyring::Entry::new(&self.service, "backend-probe") else {
            return "unavailable";
        };
        let cred = entry.get_credential();
        if cred
            .downcast_ref::<keyring::mock::MockCredential>()
            .is_some()
        {
            return "mock";
        }
        #[cfg(target_os = "linux")]
        if cred
            .downcast_ref::<keyring::secret_service::SsCredential>()
            .is_some()
        {
            return "secret-service";
        }
        #[cfg(target_os = "macos")]
        if cred
            .downcast_ref::<keyring::macos::MacCredential>()
            .is_some()
        {
            return "macos-keychain";
        }
        #[cfg(target_os = "windows")]
        if cred
            .downcast_ref::<keyring::windows::WinCredential>()
            .is_some()
        {
            return "windows-credential-manager";
        }
        "other"
    }
}

async fn blocking<T: Send + 'static>(
    what: &str,
    f: impl FnOnce() -> Result<T, CoreError> + Send + 'static,
) -> Result<T, CoreError> {
    blocking_within(KEYCHAIN_TIMEOUT, what, f).await
}

async fn blocking_within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> Result<T, CoreError> + Send + 'static,
) -> Result<T, CoreError> {
    match tokio::time::timeout(limit, tokio::task::spawn_blocking(f)).await {
        Ok(Ok(r)) => r,
        Ok(Err(join)) => Err(CoreError::Internal(format!(
            "The keychain call to {what} crashed: {join}"
        ))),
        Err(_) => Err(timed_out(limit, what)),
    }
}

/// Stores a secret without blocking the async runtime.
pub async fn set(
    store: Arc<dyn SecretStore>,
    account: String,
    secret: Secret,
) -> Result<(), CoreError> {
    blocking("save the secret", move || store.set(&account, &secret)).await
}

/// Stores a secret in a fresh entry (one no settings file names yet). If the keychain does not
/// answer in time, the save is reported as failed — and should the keychain finish it later
/// (the user unlocks it at the prompt that was left up), the late entry is deleted again, so no
/// secret is left under a name the app can never remove.
pub async fn set_fresh(
    store: Arc<dyn SecretStore>,
    account: String,
    secret: Secret,
) -> Result<(), CoreError> {
    set_fresh_within(KEYCHAIN_TIMEOUT, store, account, secret).await
}

async fn set_fresh_within(
    limit: Duration,
    store: Arc<dyn SecretStore>,
    account: String,
    secret: Secret,
) -> Result<(), CoreError> {
    let (s, a) = (store.clone(), account.clone());
    let mut task = tokio::task::spawn_blocking(move || s.set(&a, &secret));
    match tokio::time::timeout(limit, &mut task).await {
        Ok(Ok(r)) => r,
        Ok(Err(join)) => Err(CoreError::Internal(format!(
            "The keychain call to save the secret crashed: {join}"
        ))),
        Err(_) => {
            tokio::spawn(async move {
                if let Ok(Ok(())) = task.await {
                    let gone = tokio::task::spawn_blocking(move || store.delete(&account)).await;
                    if !matches!(gone, Ok(Ok(()))) {
                        tracing::warn!("a keychain entry saved after its time ran out could not be deleted again");
                    }
                }
            });
            Err(timed_out(limit, "save the secret"))
        }
    }
}

fn timed_out(limit: Duration, what: &str) -> CoreError {
    CoreError::Keychain(format!(
        "The system keychain did not answer within {} seconds while trying to {what}. It may be locked and waiting for a password: unlock it and try again.",
        limit.as_secs_f32()
    ))
}

/// Reads a secret without blocking the async runtime.
pub async fn get(
    store: Arc<dyn SecretStore>,
    account: String,
) -> Result<Option<Secret>, CoreError> {
    blocking("read the secret", move || store.get(&account)).await
}

/// Deletes a secret without blocking the async runtime.
pub async fn delete(store: Arc<dyn SecretStore>, account: String) -> Result<(), CoreError> {
    blocking("delete the secret", move || store.delete(&account)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store that never answers, like a keychain waiting on an invisible unlock prompt.
    struct Hanging;
    impl SecretStore for Hanging {
        fn set(&self, _: &str, _: &Secret) -> Result<(), CoreError> {
            std::thread::sleep(Duration::from_secs(3));
            Ok(())
        }
        fn get(&self, _: &str) -> Result<Option<Secret>, CoreError> {
            std::thread::sleep(Duration::from_secs(3));
            Ok(None)
        }
        fn delete(&self, _: &str) -> Result<(), CoreError> {
            Ok(())
        }
        fn backend(&self) -> &'static str {
            "hanging"
        }
    }

    #[tokio::test]
    async fn a_hanging_keychain_becomes_a_keychain_error_not_a_hang() {
        let store = Hanging;
        let started = std::time::Instant::now();
        let e = blocking_within(Duration::from_millis(200), "read the secret", move || {
            store.get("c1")
        })
        .await
        .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(e.kind(), crate::ErrorKind::Keychain);
        assert!(e.to_string().contains("unlock it"), "{e}");
    }

    /// A keychain that answers late (the user unlocked it after the app gave up), recording
    /// what it holds.
    #[derive(Default)]
    struct Late(std::sync::Mutex<std::collections::HashMap<String, String>>);
    impl SecretStore for Late {
        fn set(&self, account: &str, secret: &Secret) -> Result<(), CoreError> {
            std::thread::sleep(Duration::from_millis(400));
            self.0
                .lock()
                .unwrap()
                .insert(account.into(), secret.expose().into());
            Ok(())
        }
        fn get(&self, account: &str) -> Result<Option<Secret>, CoreError> {
            Ok(self.0.lock().unwrap().get(account).map(Secret::new))
        }
        fn delete(&self, account: &str) -> Result<(), CoreError> {
            self.0.lock().unwrap().remove(account);
            Ok(())
        }
        fn backend(&self) -> &'static str {
            "late"
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_save_that_answers_after_its_time_is_undone_leaving_no_orphan() {
        let store = Arc::new(Late::default());
        let e = set_fresh_within(
            Duration::from_millis(100),
            store.clone(),
            "conn-1#2".into(),
            Secret::new("s3cret"),
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Keychain);
        // The keychain finishes the save later; the entry must not stay.
        let start = std::time::Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let held = store.0.lock().unwrap().len();
            if held == 0 && start.elapsed() > Duration::from_millis(600) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "the late entry was left behind: {held} held"
            );
        }
        // One that answers in time stays.
        set_fresh_within(
            Duration::from_secs(5),
            store.clone(),
            "c2".into(),
            Secret::new("x"),
        )
        .await
        .unwrap();
        assert_eq!(store.0.lock().unwrap().len(), 1);
    }

    #[test]
    fn keychain_errors_say_what_to_do_and_never_hold_the_secret() {
        let e = keychain_error(keyring::Error::NoStorageAccess("locked collection".into()));
        assert_eq!(e.kind(), crate::ErrorKind::Keychain);
        assert!(e.to_string().contains("Unlock"));
    }

    /// The words dbus-secret-service uses: a dismissed unlock prompt is a locked keychain (no
    /// "start it"), a missing service is one that is not there (no "unlock it").
    #[test]
    fn a_locked_keychain_is_told_apart_from_a_missing_one() {
        for said in [
            "Secret Service: unlock prompt was dismissed",
            "Secret Service: object locked",
        ] {
            let e = keychain_error(keyring::Error::NoStorageAccess(said.into())).to_string();
            assert!(e.contains("is locked") && e.contains("Unlock it"), "{e}");
            assert!(
                !e.contains("Start it") && !e.contains("not available"),
                "{e}"
            );
        }
        let e = keychain_error(keyring::Error::PlatformFailure(
            "No DBus session or Secret Service provider found".into(),
        ))
        .to_string();
        assert!(e.contains("not available") && e.contains("Start it"), "{e}");
        assert!(!e.contains("Unlock"), "{e}");
    }
}
