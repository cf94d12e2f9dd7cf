//! Stand-ins the window tests set through the environment (WebDriver cannot drive a native file
//! dialog or a browser). They exist in debug builds only: in a release build neither the lookup
//! nor the variables' names are compiled in, so whoever sets the app's environment cannot
//! redirect an import or the sign-in page (the test command checks the release binary).

use std::ffi::OsString;

/// `SQS_PILOT_IMPORT_FILE`: a file to import instead of asking with the native dialog.
pub fn import_file() -> Option<OsString> {
    #[cfg(debug_assertions)]
    return std::env::var_os("SQS_PILOT_IMPORT_FILE").filter(|v| !v.is_empty());
    #[cfg(not(debug_assertions))]
    None
}

/// `SQS_PILOT_EXPORT_FILE`: where an export is written instead of asking with the save dialog.
pub fn export_file() -> Option<OsString> {
    #[cfg(debug_assertions)]
    return std::env::var_os("SQS_PILOT_EXPORT_FILE").filter(|v| !v.is_empty());
    #[cfg(not(debug_assertions))]
    None
}

/// `SQS_PILOT_OPEN_URL_LOG`: a file the sign-in page's address is appended to instead of opening
/// a browser.
pub fn open_url_log() -> Option<OsString> {
    #[cfg(debug_assertions)]
    return std::env::var_os("SQS_PILOT_OPEN_URL_LOG").filter(|v| !v.is_empty());
    #[cfg(not(debug_assertions))]
    None
}
