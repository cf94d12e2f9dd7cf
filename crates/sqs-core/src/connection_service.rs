//! Saving and removing connections so that the keychain and the settings file change together
//! or not at all. The rule: the settings file is the one that decides. A new secret goes into a
//! fresh keychain entry first (the old entry stays valid), then the file is written naming the
//! new entry, and only then is the old entry deleted. Removal writes the file first and deletes
//! the entry after. A failure at any step therefore leaves the old connection or the new one,
//! both whole, and a restart finds the same; the worst left behind is an unused keychain entry.

use std::sync::Arc;

use crate::config::{AppConfig, ConfigStore};
use crate::connection::{Connection, ConnectionInput, SecretChange};
use crate::secrets::{self, SecretStore};
use crate::CoreError;

/// Where the settings are written (the real file, or a failing one in tests).
pub trait SettingsFile: Send + Sync {
    fn save(&self, config: &AppConfig) -> Result<(), CoreError>;
}

impl SettingsFile for ConfigStore {
    fn save(&self, config: &AppConfig) -> Result<(), CoreError> {
        ConfigStore::save(self, config)
    }
}

/// A keychain entry name never used before for this connection.
fn fresh_account(id: &str) -> String {
    format!("{id}#{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
}

/// Saves a new or edited connection (see the module's rule) and makes it the last used.
pub async fn save(
    config: &mut AppConfig,
    file: &dyn SettingsFile,
    store: Arc<dyn SecretStore>,
    input: ConnectionInput,
) -> Result<Connection, CoreError> {
    let existing = input.id.as_deref().and_then(|id| config.find(id)).cloned();
    let (mut conn, change) = input.into_connection(existing.as_ref())?;
    let old_entry = existing
        .as_ref()
        .filter(|e| e.settings.uses_secret())
        .map(|e| e.secret_account().to_string());
    let mut new_entry = None;
    match change {
        SecretChange::Set(secret) => {
            let account = fresh_account(&conn.id);
            secrets::set_fresh(store.clone(), account.clone(), secret).await?;
            conn.secret_account = Some(account.clone());
            new_entry = Some(account);
        }
        SecretChange::Keep => {
            conn.secret_account = existing.as_ref().and_then(|e| e.secret_account.clone());
        }
        SecretChange::Remove => conn.secret_account = None,
    }
    let mut next = config.clone();
    match next.connections.iter_mut().find(|c| c.id == conn.id) {
        Some(slot) => *slot = conn.clone(),
        None => next.connections.push(conn.clone()),
    }
    next.last_used = Some(conn.id.clone());
    if let Err(e) = file.save(&next) {
        if let Some(account) = new_entry {
            // Unused now; if this fails too, an unused entry is all that is left.
            let _ = secrets::delete(store, account).await;
        }
        return Err(e);
    }
    *config = next;
    let replaced = old_entry.filter(|_| new_entry.is_some() || !conn.settings.uses_secret());
    if let Some(old) = replaced {
        forget(store, old).await;
    }
    Ok(conn)
}

/// Removes a connection: the file first, then its keychain entry.
pub async fn remove(
    config: &mut AppConfig,
    file: &dyn SettingsFile,
    store: Arc<dyn SecretStore>,
    id: &str,
) -> Result<(), CoreError> {
    let Some(conn) = config.find(id).cloned() else {
        return Ok(());
    };
    let mut next = config.clone();
    next.connections.retain(|c| c.id != id);
    if next.last_used.as_deref() == Some(id) {
        // Back to the built-in sandbox.
        next.last_used = None;
    }
    file.save(&next)?;
    *config = next;
    if conn.settings.uses_secret() {
        forget(store, conn.secret_account().to_string()).await;
    }
    Ok(())
}

/// Deletes an entry the settings no longer name. A failure is logged, not returned: the
/// connection change is already saved, and an unused entry does no harm.
async fn forget(store: Arc<dyn SecretStore>, account: String) {
    if let Err(e) = secrets::delete(store, account).await {
        tracing::warn!("an unused keychain entry could not be deleted: {e}");
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;
    use crate::connection::{ConnectionSettings, ConnectionType, Secret};

    /// A keychain in memory whose calls can be made to fail, one kind at a time.
    #[derive(Default)]
    struct Keychain {
        entries: Mutex<HashMap<String, String>>,
        fail_set: Mutex<bool>,
        fail_delete: Mutex<bool>,
    }

    impl SecretStore for Keychain {
        fn set(&self, account: &str, secret: &Secret) -> Result<(), CoreError> {
            if *self.fail_set.lock().unwrap() {
                return Err(CoreError::Keychain("the keychain is locked".into()));
            }
            let mut e = self.entries.lock().unwrap();
            e.insert(account.into(), secret.expose().into());
            Ok(())
        }
        fn get(&self, account: &str) -> Result<Option<Secret>, CoreError> {
            Ok(self.entries.lock().unwrap().get(account).map(Secret::new))
        }
        fn delete(&self, account: &str) -> Result<(), CoreError> {
            if *self.fail_delete.lock().unwrap() {
                return Err(CoreError::Keychain("the keychain timed out".into()));
            }
            self.entries.lock().unwrap().remove(account);
            Ok(())
        }
        fn backend(&self) -> &'static str {
            "test keychain"
        }
    }

    /// A settings file that keeps what was written last, and can refuse.
    #[derive(Default)]
    struct File {
        written: Mutex<Option<AppConfig>>,
        fail: Mutex<bool>,
    }

    impl SettingsFile for File {
        fn save(&self, config: &AppConfig) -> Result<(), CoreError> {
            if *self.fail.lock().unwrap() {
                return Err(CoreError::Config("the disk is full".into()));
            }
            *self.written.lock().unwrap() = Some(config.clone());
            Ok(())
        }
    }

    fn keys(id: Option<&str>, key: &str, secret: &str) -> ConnectionInput {
        ConnectionInput {
            id: id.map(str::to_string),
            name: "Prod".into(),
            kind: ConnectionType::AccessKeys,
            region: Some("eu-west-1".into()),
            endpoint: None,
            profile: None,
            access_key_id: Some(key.into()),
            secret_access_key: Some(Secret::new(secret)),
            session_token: None,
        }
    }

    /// What a restart would find: the connection in the file and the secret its entry holds.
    fn after_restart(file: &File, chain: &Keychain, id: &str) -> (String, Option<String>) {
        let cfg = file.written.lock().unwrap().clone().unwrap();
        let c = cfg.find(id).unwrap();
        let ConnectionSettings::AccessKeys { access_key_id, .. } = &c.settings else {
            panic!("{c:?}");
        };
        let secret = chain
            .entries
            .lock()
            .unwrap()
            .get(c.secret_account())
            .cloned();
        (access_key_id.clone(), secret)
    }

    /// Edits the connection to the NEW key id and secret.
    async fn edit_to_new(
        cfg: &mut AppConfig,
        file: &File,
        chain: &Arc<Keychain>,
        id: &str,
    ) -> Result<Connection, CoreError> {
        save(cfg, file, chain.clone(), keys(Some(id), NEW.0, NEW.1)).await
    }

    const OLD: (&str, &str) = ("AKIAOLDOLDOLDOLDOLD1", "old-secret");
    const NEW: (&str, &str) = ("AKIANEWNEWNEWNEWNEW2", "new-secret");

    async fn saved_once() -> (AppConfig, File, Arc<Keychain>, String) {
        let (mut cfg, file, chain) = (
            AppConfig::default(),
            File::default(),
            Arc::new(Keychain::default()),
        );
        let c = save(&mut cfg, &file, chain.clone(), keys(None, OLD.0, OLD.1))
            .await
            .unwrap();
        (cfg, file, chain, c.id)
    }

    #[tokio::test]
    async fn an_edit_whose_file_write_fails_keeps_the_old_key_and_secret_together() {
        let (mut cfg, file, chain, id) = saved_once().await;
        *file.fail.lock().unwrap() = true;
        let e = edit_to_new(&mut cfg, &file, &chain, &id).await;
        assert!(e.is_err());
        assert_eq!(
            after_restart(&file, &chain, &id),
            (OLD.0.into(), Some(OLD.1.into()))
        );
        // The new secret's entry was taken back: only the old entry is left.
        assert_eq!(chain.entries.lock().unwrap().len(), 1);
        // Once the disk has room again, the same edit goes through.
        *file.fail.lock().unwrap() = false;
        edit_to_new(&mut cfg, &file, &chain, &id).await.unwrap();
        assert_eq!(
            after_restart(&file, &chain, &id),
            (NEW.0.into(), Some(NEW.1.into()))
        );
        assert_eq!(
            chain.entries.lock().unwrap().len(),
            1,
            "the old entry is gone"
        );
    }

    #[tokio::test]
    async fn an_edit_the_keychain_refuses_changes_nothing() {
        let (mut cfg, file, chain, id) = saved_once().await;
        *chain.fail_set.lock().unwrap() = true;
        let e = edit_to_new(&mut cfg, &file, &chain, &id).await.unwrap_err();
        assert!(e.to_string().contains("locked"), "{e}");
        assert_eq!(
            after_restart(&file, &chain, &id),
            (OLD.0.into(), Some(OLD.1.into()))
        );
    }

    #[tokio::test]
    async fn an_edit_whose_old_entry_cannot_be_deleted_still_uses_the_new_pair() {
        let (mut cfg, file, chain, id) = saved_once().await;
        *chain.fail_delete.lock().unwrap() = true;
        edit_to_new(&mut cfg, &file, &chain, &id).await.unwrap();
        assert_eq!(
            after_restart(&file, &chain, &id),
            (NEW.0.into(), Some(NEW.1.into()))
        );
    }

    #[tokio::test]
    async fn a_removal_whose_file_write_fails_leaves_the_connection_usable() {
        let (mut cfg, file, chain, id) = saved_once().await;
        *file.fail.lock().unwrap() = true;
        assert!(remove(&mut cfg, &file, chain.clone(), &id).await.is_err());
        assert_eq!(
            after_restart(&file, &chain, &id),
            (OLD.0.into(), Some(OLD.1.into()))
        );
        assert!(cfg.find(&id).is_some());
        // The keychain failing after the file was written only leaves an unused entry.
        *file.fail.lock().unwrap() = false;
        *chain.fail_delete.lock().unwrap() = true;
        remove(&mut cfg, &file, chain.clone(), &id).await.unwrap();
        let written = file.written.lock().unwrap().clone().unwrap();
        assert!(written.find(&id).is_none());
    }

    #[tokio::test]
    async fn a_new_connection_whose_file_write_fails_leaves_no_entry() {
        let (mut cfg, file, chain) = (
            AppConfig::default(),
            File::default(),
            Arc::new(Keychain::default()),
        );
        *file.fail.lock().unwrap() = true;
        assert!(
            save(&mut cfg, &file, chain.clone(), keys(None, OLD.0, OLD.1))
                .await
                .is_err()
        );
        assert!(chain.entries.lock().unwrap().is_empty());
        assert!(cfg.connections.is_empty());
    }
}
