//! What the app gives back to the system: glibc's allocator tuned to return freed memory, and
//! WebKit's JavaScript engine run without its JIT compilers.
//!
//! A poll of 10,000 messages moves tens of MiB through the app and WebKit (JSON, IPC buffers)
//! and frees it again. By default glibc keeps such memory: up to eight arenas per core, each
//! holding its freed pages, and a threshold for "large" that grows with every large free, so
//! later large buffers land in the arenas too. Two arenas and fixed 128 KiB thresholds hand
//! freed large buffers back at once. Measured with `app_bench --window-only` (release, 10,000
//! messages polled and scrolled through): the app and WebKit held ~14 MiB less, poll time the
//! same.

/// Glibc's own variables, as its documentation names them, with the values used.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TUNING: [(&str, libc::c_int, &str); 3] = [
    ("MALLOC_ARENA_MAX", libc::M_ARENA_MAX, "2"),
    ("MALLOC_MMAP_THRESHOLD_", libc::M_MMAP_THRESHOLD, "131072"),
    ("MALLOC_TRIM_THRESHOLD_", libc::M_TRIM_THRESHOLD, "131072"),
];

/// Tunes this process (glibc read its environment before `main`, so through `mallopt`) and the
/// WebKit processes it starts later (through the environment they inherit). A variable the user
/// set is left as it is, for this process too. Call first in `main`, before any thread starts.
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    for (name, param, value) in TUNING {
        if std::env::var_os(name).is_some() {
            continue;
        }
        if let Ok(v) = value.parse() {
            // SAFETY: mallopt only sets allocator parameters; no other thread runs yet.
            unsafe { libc::mallopt(param, v) };
        }
        std::env::set_var(name, value);
    }
}

/// The page's JavaScript runs in JavaScriptCore's interpreter, without its JIT compilers: they
/// hold ~8 MiB of compiler code and machine code in WebKit's web process at idle and ~19 MiB after
/// a poll of 10,000 messages, and the page's work is short bursts the JIT barely speeds up
/// (`app_bench --window-only`, release, with and without: poll 10,000 → shown 706 vs 938 ms,
/// poll 1,000 127 vs 127 ms, scrolling 16 ms frames either way). The same trade WebKit's
/// lockdown mode makes, which also leaves no writable-and-executable memory. A value the user
/// set is left as it is. Call before the window is made (the web process inherits it).
pub fn interpret_javascript() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("JSC_useJIT").is_none() {
        std::env::set_var("JSC_useJIT", "0");
    }
}
