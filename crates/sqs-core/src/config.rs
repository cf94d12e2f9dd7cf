//! The app's own settings file (JSON in the platform config dir): connections without
//! secrets and the last used connection. Written atomically; a corrupt file is kept aside.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic_file;
use crate::connection::Connection;
use crate::CoreError;

/// Overrides the config directory (tests, portable installs).
pub use crate::paths::CONFIG_DIR_ENV;
const FILE_NAME: &str = "connections.json";

/// What the config file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppConfig {
    #[serde(default = "current_version")]
    pub version: u32,
    #[serde(default)]
    pub connections: Vec<Connection>,
    #[serde(default)]
    pub last_used: Option<String>,
    #[serde(default)]
    pub sandbox: SandboxSettings,
    #[serde(default)]
    pub tour: TourProgress,
    /// Keep the messages sent from the form on AWS connections too (off: production payloads
    /// stay out of the app's files unless the user asks).
    #[serde(default)]
    pub keep_recent_for_aws: bool,
    /// The proxy set in the app (its password is in the keychain); none: the environment's.
    #[serde(default)]
    pub proxy: Option<crate::proxy::ProxySettings>,
}

/// How far the first-launch tour got. A step is done once the user did it by any path (the
/// form, a shortcut, an import, another screen), so the tour is never stale after a relaunch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct TourProgress {
    #[serde(default)]
    pub created: bool,
    #[serde(default)]
    pub sent: bool,
    #[serde(default)]
    pub polled: bool,
    #[serde(default)]
    pub deleted: bool,
    /// The user closed the tour (skipped it, or pressed Done at the end).
    #[serde(default)]
    pub closed: bool,
}

/// One thing the tour teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TourStep {
    Created,
    Sent,
    Polled,
    Deleted,
}

impl TourProgress {
    /// Marks a step done; true when that changed anything (so the file is written only then).
    pub fn mark(&mut self, step: TourStep) -> bool {
        let flag = match step {
            TourStep::Created => &mut self.created,
            TourStep::Sent => &mut self.sent,
            TourStep::Polled => &mut self.polled,
            TourStep::Deleted => &mut self.deleted,
        };
        !std::mem::replace(flag, true)
    }
}

/// How the built-in local sandbox runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct SandboxSettings {
    /// Start it with the app.
    pub enabled: bool,
    /// A fixed port on 127.0.0.1; None picks a free one at each start.
    pub port: Option<u16>,
}

impl Default for SandboxSettings {
    fn default() -> Self {
        SandboxSettings {
            enabled: true,
            port: None,
        }
    }
}

impl SandboxSettings {
    /// Checks a fixed port: 1024–65535 (lower ones need root).
    pub fn validate(&self) -> Result<(), CoreError> {
        match self.port {
            Some(p) if p < 1024 => Err(CoreError::field(
                "port",
                "Pick a port from 1024 to 65535, or leave it empty for any free port.",
            )),
            _ => Ok(()),
        }
    }
}

fn current_version() -> u32 {
    1
}

impl AppConfig {
    pub fn find(&self, id: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.id == id)
    }
}

/// The result of loading at start-up: a usable config and, if the file was damaged, a notice.
#[derive(Debug)]
pub struct Loaded {
    pub config: AppConfig,
    pub notice: Option<String>,
}

/// Reads and writes the config file.
#[derive(Debug, Clone)]
pub struct ConfigStore {
    dir: PathBuf,
}

impl ConfigStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ConfigStore { dir: dir.into() }
    }

    /// The platform config dir (e.g. ~/.config/sqs-pilot), or `$SQS_PILOT_CONFIG_DIR`.
    pub fn default_dir() -> Result<PathBuf, CoreError> {
        crate::paths::config_dir()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Loads the file; a missing file is a fresh default, a damaged one an error.
    pub fn load(&self) -> Result<AppConfig, CoreError> {
        let path = self.path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(AppConfig {
                    version: 1,
                    ..Default::default()
                })
            }
            Err(e) => {
                return Err(CoreError::Config(format!(
                    "The settings file {} could not be read ({e}). Check its permissions.",
                    path.display()
                )))
            }
        };
        serde_json::from_str(&text).map_err(|e| {
            CoreError::Config(format!(
                "The settings file {} is damaged (line {}, column {}).",
                path.display(),
                e.line(),
                e.column()
            ))
        })
    }

    /// Loads for start-up: a damaged file is renamed aside (never deleted) and a fresh config
    /// is used, with a notice that says where the old file went.
    pub fn load_or_recover(&self) -> Loaded {
        match self.load() {
            Ok(config) => Loaded {
                config,
                notice: None,
            },
            Err(err) => {
                let stamp = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let aside = self.dir.join(format!("{FILE_NAME}.damaged-{stamp}"));
                let notice = match std::fs::rename(self.path(), &aside) {
                    Ok(()) => format!(
                        "{err} It was kept as {} and the app started with no saved connections. Secrets in the keychain were not touched.",
                        aside.display()
                    ),
                    Err(_) => format!("{err} The app started with no saved connections; the file was left as it is."),
                };
                Loaded {
                    config: AppConfig {
                        version: 1,
                        ..Default::default()
                    },
                    notice: Some(notice),
                }
            }
        }
    }

    /// Writes the whole config atomically (`atomic_file`: a crash or a full disk leaves the
    /// old file or the new one), readable by the user only, in a directory only they can read.
    pub fn save(&self, config: &AppConfig) -> Result<(), CoreError> {
        let fail = |what: &str, e: std::io::Error| {
            CoreError::Config(format!(
                "The settings could not be saved: {what} {} failed ({}). Nothing was changed.",
                self.dir.display(),
                atomic_file::describe(&e)
            ))
        };
        atomic_file::private_dir(&self.dir).map_err(|e| fail("creating", e))?;
        let json = serde_json::to_vec_pretty(config)
            .map_err(|e| CoreError::Internal(format!("settings could not be encoded: {e}")))?;
        atomic_file::replace(&self.path(), |w| w.write_all(&json))
            .map_err(|e| fail("writing in", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::ConnectionSettings;

    fn sample() -> AppConfig {
        AppConfig {
            version: 1,
            connections: vec![Connection {
                id: "c1".into(),
                name: "moto".into(),
                settings: ConnectionSettings::Endpoint {
                    url: "http://127.0.0.1:5000".into(),
                    region: "us-east-1".into(),
                    access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
                },
                secret_account: None,
            }],
            last_used: Some("c1".into()),
            sandbox: SandboxSettings {
                enabled: false,
                port: Some(9324),
            },
            tour: TourProgress {
                created: true,
                ..TourProgress::default()
            },
            keep_recent_for_aws: true,
            proxy: Some(crate::proxy::ProxySettings {
                url: "http://proxy.example.com:3128".into(),
                username: Some("alice".into()),
                no_proxy: None,
            }),
        }
    }

    #[test]
    fn tour_steps_are_marked_once_and_survive_a_reload() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path());
        let mut c = AppConfig::default();
        assert!(c.tour.mark(TourStep::Sent));
        assert!(
            !c.tour.mark(TourStep::Sent),
            "a second mark changes nothing"
        );
        store.save(&c).unwrap();
        let back = store.load().unwrap();
        assert!(back.tour.sent && !back.tour.created && !back.tour.closed);
    }

    #[test]
    fn missing_file_is_a_fresh_default() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path().join("nested"));
        let c = store.load().unwrap();
        assert!(c.connections.is_empty());
        assert_eq!(c.last_used, None);
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path());
        store.save(&sample()).unwrap();
        assert_eq!(store.load().unwrap(), sample());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "config readable by others: {mode:o}");
        }
    }

    #[test]
    fn corrupt_file_is_an_error_then_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path());
        std::fs::write(store.path(), b"{\"connections\": [ {\"id\": ").unwrap();
        let e = store.load().unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Config);
        assert!(e.to_string().contains("damaged"));

        let loaded = store.load_or_recover();
        assert!(loaded.config.connections.is_empty());
        let notice = loaded.notice.unwrap();
        assert!(notice.contains("kept as"), "{notice}");
        // The damaged bytes survive beside the new file.
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("damaged"))
            .collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(
            std::fs::read(kept[0].path()).unwrap(),
            b"{\"connections\": [ {\"id\": "
        );
        // And saving afterwards works and does not touch the kept file.
        store.save(&sample()).unwrap();
        assert_eq!(store.load().unwrap(), sample());
        assert!(kept[0].path().exists());
    }

    #[test]
    fn older_files_without_sandbox_settings_get_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path());
        std::fs::write(
            store.path(),
            br#"{"version":1,"connections":[],"last_used":null}"#,
        )
        .unwrap();
        assert_eq!(
            store.load().unwrap().sandbox,
            SandboxSettings {
                enabled: true,
                port: None
            }
        );
        assert!(SandboxSettings {
            enabled: true,
            port: Some(80)
        }
        .validate()
        .is_err());
        assert!(SandboxSettings {
            enabled: true,
            port: Some(9324)
        }
        .validate()
        .is_ok());
    }

    #[test]
    fn unknown_future_fields_do_not_break_loading() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path());
        std::fs::write(
            store.path(),
            br#"{"version":1,"connections":[],"last_used":null,"theme":"dark"}"#,
        )
        .unwrap();
        assert!(store.load().unwrap().connections.is_empty());
    }
}
