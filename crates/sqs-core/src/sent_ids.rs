//! The FIFO message ids a client sent in the last five minutes, per queue. SQS answers a send it
//! drops as a duplicate (same deduplication id within five minutes) with the first message's id,
//! so an id seen again is how the app tells the user "dropped as a duplicate".

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// SQS's deduplication interval.
const WINDOW: Duration = Duration::from_secs(300);
/// Ids kept per queue at most (older ones are forgotten first).
const MAX_PER_QUEUE: usize = 20_000;

/// Recently sent ids by queue URL.
#[derive(Debug, Default)]
pub struct SentIds(Mutex<HashMap<String, VecDeque<(String, Instant)>>>);

impl SentIds {
    /// Records `id` as sent to `url` now; true when it had already been sent there within the
    /// deduplication interval (so SQS dropped this send as a duplicate).
    pub fn seen_before(&self, url: &str, id: &str) -> bool {
        self.seen_before_at(url, id, Instant::now())
    }

    fn seen_before_at(&self, url: &str, id: &str, now: Instant) -> bool {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let ids = map.entry(url.to_string()).or_default();
        while ids
            .front()
            .is_some_and(|(_, t)| now.duration_since(*t) > WINDOW)
            || ids.len() > MAX_PER_QUEUE
        {
            ids.pop_front();
        }
        if ids.iter().any(|(seen, _)| seen == id) {
            return true;
        }
        ids.push_back((id.to_string(), now));
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_sent_again_within_five_minutes_is_a_duplicate_and_not_after() {
        let ids = SentIds::default();
        let t0 = Instant::now();
        assert!(!ids.seen_before_at("q1", "a", t0));
        assert!(ids.seen_before_at("q1", "a", t0 + Duration::from_secs(10)));
        assert!(!ids.seen_before_at("q2", "a", t0), "queues are separate");
        assert!(!ids.seen_before_at("q1", "a", t0 + Duration::from_secs(301)));
    }
}
