//! Long jobs the UI can stop — polls, bulk sends (imports) and simulations — by the id the UI
//! gave each when it started it. `stop_job` flips the job's flag; the job checks it between
//! requests and ends with what it has done so far.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tauri::State;

/// The stop flags of the running jobs, by id.
#[derive(Default)]
pub struct Jobs(Mutex<HashMap<String, Arc<AtomicBool>>>);

impl Jobs {
    /// Registers a job; its flag turns true when the UI asks it to stop.
    pub(crate) fn start(&self, id: &str) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_string(), flag.clone());
        flag
    }

    /// The flag of a job registered earlier (a stop asked for in between is kept), or a new one.
    pub(crate) fn flag_of(&self, id: &str) -> Arc<AtomicBool> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(id.to_string())
            .or_default()
            .clone()
    }

    pub(crate) fn finish(&self, id: &str) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
    }

    fn stop(&self, id: &str) {
        if let Some(flag) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            flag.store(true, Ordering::SeqCst);
        }
    }
}

/// Stops a running poll, bulk send or simulation (nothing happens if it has already ended).
#[tauri::command]
pub fn stop_job(jobs: State<'_, Jobs>, job_id: String) {
    jobs.stop(&job_id);
}
