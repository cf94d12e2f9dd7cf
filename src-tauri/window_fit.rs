//! The first window fits the screen it opens on: the default size (1200×760) shrinks on a
//! smaller screen (a 1024×640 laptop, say), never below the minimum the layout is made for.

use tauri::{LogicalPosition, LogicalSize, Manager, Runtime};

/// The layout works from this size up (also `minWidth`/`minHeight` in tauri.conf.json).
const MIN: (f64, f64) = (800.0, 500.0);
/// Share of the screen a window that does not fit is shrunk to (room for panels and docks).
const SHARE: f64 = 0.92;

/// Shrinks the main window to fit its monitor, if it is larger, and centres it.
pub fn fit_main_window<R: Runtime>(app: &tauri::App<R>) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    // Before the window is shown it has no monitor yet on some systems: use the primary one.
    let monitor = window
        .current_monitor()
        .ok()
        .flatten()
        .or_else(|| window.primary_monitor().ok().flatten());
    // The window is not realized yet during setup (its size reads 0×0): start from the size
    // tauri.conf.json gives it.
    let configured = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .map(|w| (w.width, w.height));
    let (Some(monitor), Some(current)) = (monitor, configured) else {
        tracing::warn!("the screen's size is unknown; the window opens at its default size");
        return;
    };
    let screen = monitor.size().to_logical::<f64>(monitor.scale_factor());
    let origin = monitor.position().to_logical::<f64>(monitor.scale_factor());
    let (w, h) = fitted(current, (screen.width, screen.height));
    if (w, h) != current {
        tracing::info!(
            "the window opens at {w:.0}×{h:.0} to fit a {:.0}×{:.0} screen",
            screen.width,
            screen.height
        );
        let _ = window.set_size(LogicalSize::new(w, h));
        let _ = window.set_position(LogicalPosition::new(
            origin.x + ((screen.width - w) / 2.0).max(0.0),
            origin.y + ((screen.height - h) / 2.0).max(0.0),
        ));
    }
}

/// The size a window of `current` size gets on a screen of `screen` size: unchanged when it
/// fits, else a share of the screen.
fn fitted(current: (f64, f64), screen: (f64, f64)) -> (f64, f64) {
    if current.0 <= screen.0 && current.1 <= screen.1 {
        return current;
    }
    let fit = |want: f64, room: f64, min: f64| want.min((room * SHARE).floor()).max(min);
    (
        fit(current.0, screen.0, MIN.0),
        fit(current.1, screen.1, MIN.1),
    )
}

#[cfg(test)]
mod tests {
    use super::fitted;

    #[test]
    fn the_default_window_shrinks_to_a_small_screen_and_never_below_the_minimum() {
        assert_eq!(fitted((1200.0, 760.0), (1920.0, 1080.0)), (1200.0, 760.0));
        assert_eq!(fitted((1200.0, 760.0), (1280.0, 800.0)), (1200.0, 760.0));
        assert_eq!(fitted((1200.0, 760.0), (1024.0, 640.0)), (942.0, 588.0));
        assert_eq!(fitted((1200.0, 760.0), (800.0, 480.0)), (800.0, 500.0));
    }
}
