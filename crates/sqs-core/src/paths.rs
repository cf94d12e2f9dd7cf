//! Where the app keeps things on each platform: its settings, its data (the sandbox's database,
//! the import journal) and the user's home folder (for `~/.aws`). One place, so the Windows test
//! suite (scripts/wine-tests.sh) checks the very paths the app uses.
//!
//! Linux: `~/.config/sqs-pilot`, `~/.local/share/sqs-pilot`. macOS: `~/Library/Application
//! Support/dev.sqs-pilot.sqs-pilot`. Windows: `%APPDATA%\sqs-pilot\sqs-pilot\config` and `…\data`.

use std::path::PathBuf;

use crate::error::CoreError;

/// Overrides the settings directory (tests, portable installs).
pub const CONFIG_DIR_ENV: &str = "SQS_PILOT_CONFIG_DIR";
/// Overrides the data directory (tests, portable installs).
pub const DATA_DIR_ENV: &str = "SQS_PILOT_DATA_DIR";

fn project() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "sqs-pilot", "sqs-pilot")
}

fn from_env(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

fn no_home(what: &str) -> CoreError {
    CoreError::Config(format!(
        "No home folder was found to keep {what} in. Set HOME (USERPROFILE on Windows) and restart."
    ))
}

/// The user's home folder (`%USERPROFILE%` on Windows), where `.aws` lives.
pub fn home_dir() -> Result<PathBuf, CoreError> {
    directories::BaseDirs::new()
        .map(|b| b.home_dir().to_path_buf())
        .ok_or_else(|| no_home("the AWS files"))
}

/// The settings directory, or `$SQS_PILOT_CONFIG_DIR`.
pub fn config_dir() -> Result<PathBuf, CoreError> {
    from_env(CONFIG_DIR_ENV)
        .or_else(|| project().map(|p| p.config_dir().to_path_buf()))
        .ok_or_else(|| no_home("the settings"))
}

/// The data directory, or `$SQS_PILOT_DATA_DIR`.
pub fn data_dir() -> Result<PathBuf, CoreError> {
    from_env(DATA_DIR_ENV)
        .or_else(|| project().map(|p| p.data_dir().to_path_buf()))
        .ok_or_else(|| no_home("the app's data"))
}

/// The data directory, or a folder in the temp dir when there is no home (for what may be lost:
/// the import journal).
pub fn data_dir_or_temp() -> PathBuf {
    data_dir().unwrap_or_else(|_| std::env::temp_dir().join("sqs-pilot"))
}

/// Where the sandbox keeps its database.
pub fn sandbox_dir() -> Result<PathBuf, CoreError> {
    Ok(data_dir()?.join("sandbox"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The directories are the platform's, not a Unix path on every system. (The overrides are
    /// not set in unit tests.)
    #[test]
    fn the_platform_s_own_folders() {
        let config = config_dir().unwrap();
        let data = data_dir().unwrap();
        let home = home_dir().unwrap();
        assert!(
            config.is_absolute() && data.is_absolute(),
            "{config:?} {data:?}"
        );
        assert!(
            config.starts_with(&home),
            "{config:?} is not under {home:?}"
        );
        assert_eq!(sandbox_dir().unwrap(), data.join("sandbox"));
        #[cfg(windows)]
        {
            // %APPDATA% (Roaming) and %USERPROFILE%, as Windows names them: not $HOME.
            let appdata = PathBuf::from(std::env::var_os("APPDATA").unwrap());
            let profile = PathBuf::from(std::env::var_os("USERPROFILE").unwrap());
            assert_eq!(home, profile);
            assert_eq!(config, appdata.join(r"sqs-pilot\sqs-pilot\config"));
            assert_eq!(data, appdata.join(r"sqs-pilot\sqs-pilot\data"));
            assert!(!config.to_string_lossy().contains('/'), "{config:?}");
        }
        #[cfg(target_os = "linux")]
        {
            let base = directories::BaseDirs::new().unwrap();
            assert_eq!(config, base.config_dir().join("sqs-pilot"));
            assert_eq!(data, base.data_dir().join("sqs-pilot"));
        }
    }
}
