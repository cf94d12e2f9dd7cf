//! The polled messages of each open queue page, held in Rust: a store per page that a poll
//! fills, that queries, facets and completion read (through `sqs-query`), and that forgets the
//! messages the user deleted or moved. Each message gets a sequence number in arrival order;
//! the window knows only these numbers: a query answers with the matching ones in the table's
//! order, and the table asks for the rows it draws by number.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};
use sqs_query::{Flat, Interner, Subject, SysValue, System};
use ts_rs::TS;

use crate::poll::ReceivedMessage;

pub use sqs_query::{FacetValue, QueryError};

/// Pages kept at once; opening more drops the least recently used store (its page is gone).
const MAX_STORES: usize = 8;

/// The longest start of a body a row carries (the table shows ~120 characters of it).
const PREVIEW_CHARS: usize = 160;

/// The most rows one answer carries (the table draws a few dozen).
pub const MAX_ROWS: usize = 1_000;

/// What the table draws of a polled message, asked for by sequence number as rows come into
/// view. The whole message stays here; the pane and the actions ask for it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MessageRow {
    pub seq: u32,
    pub message_id: String,
    #[ts(type = "number | null")]
    pub sent_at: Option<i64>,
    pub receive_count: u32,
    pub size: u32,
    pub group_id: Option<String>,
    pub dead_letter_source: Option<String>,
    /// The first characters of the body.
    pub preview: String,
}

impl MessageRow {
    fn new(seq: u32, m: &ReceivedMessage) -> Self {
        let preview = match m.body.char_indices().nth(PREVIEW_CHARS) {
            Some((at, _)) => m.body[..at].to_string(),
            None => m.body.clone(),
        };
        MessageRow {
            seq,
            message_id: m.message_id.clone(),
            sent_at: m.sent_at,
            receive_count: m.receive_count,
            size: m.size,
            group_id: m.group_id.clone(),
            dead_letter_source: m.dead_letter_source.clone(),
            preview,
        }
    }
}

/// A message opened in the pane: whole, with its body indented as JSON (None: not JSON), in one
/// answer.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OpenedMessage {
    pub message: ReceivedMessage,
    pub pretty: Option<String>,
}

/// A poll's batch as the window hears of it: how many arrived, numbered from `first_seq`, and
/// what the toolbar needs to know of them (never the messages: the table asks for its rows).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PolledBatch {
    pub first_seq: u32,
    pub count: u32,
    /// Whether any of them has a message group id (the table shows a Group column).
    pub any_group: bool,
    /// The highest receive count among them (a next poll may push such messages to the DLQ).
    pub most_receives: u32,
    /// Not 0: every message is in, and a Peek is releasing this many back to the queue.
    pub releasing: u32,
}

impl PolledBatch {
    pub fn of(first_seq: u32, batch: &[ReceivedMessage]) -> Self {
        PolledBatch {
            first_seq,
            count: batch.len() as u32,
            any_group: batch.iter().any(|m| m.group_id.is_some()),
            most_receives: batch.iter().map(|m| m.receive_count).max().unwrap_or(0),
            releasing: 0,
        }
    }
}

/// The table's order: oldest sent first, most received first, or largest first (ties in
/// arrival order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RowOrder {
    #[default]
    Sent,
    Receives,
    Size,
}

/// A message's receipt handle with its number in the store.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct HeldHandle {
    pub seq: u32,
    pub message_id: String,
    pub receipt_handle: String,
}

struct Stored {
    msg: ReceivedMessage,
    flat: Flat,
    seq: u32,
}

impl Subject for Stored {
    fn body(&self) -> &str {
        &self.msg.body
    }
    fn flat(&self) -> &Flat {
        &self.flat
    }
    fn attribute(&self, name: &str) -> Option<&str> {
        self.msg
            .attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }
    fn any_attribute(&self, f: &mut dyn FnMut(&str, &str) -> bool) -> bool {
        self.msg.attributes.iter().any(|a| f(&a.name, &a.value))
    }
    fn system(&self, field: System) -> Option<SysValue<'_>> {
        let m = &self.msg;
        Some(match field {
            System::Id => SysValue::Str(&m.message_id),
            System::Body => SysValue::Str(&m.body),
            System::Receives => SysValue::Num(m.receive_count as f64),
            System::Sent => SysValue::Time(m.sent_at?),
            System::FirstReceived => SysValue::Time(m.first_received_at?),
            System::Group => SysValue::Str(m.group_id.as_deref()?),
            System::Dedup => SysValue::Str(m.dedup_id.as_deref()?),
            // The source queue's name (the ARN's last part), as the table shows it.
            System::Source => SysValue::Str(m.dead_letter_source.as_deref()?.rsplit(':').next()?),
            System::Size => SysValue::Num(m.size as f64),
        })
    }
}

/// One page's messages.
#[derive(Default)]
pub struct MessageStore {
    interner: Interner,
    messages: Vec<Stored>,
    next_seq: u32,
}

/// Which messages a query matches, in the table's order.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum QueryAnswer {
    Matches {
        /// How many of the store's messages match.
        matched: u32,
        /// How many messages the store holds.
        total: u32,
        /// The rows of the first matches (the table draws them without asking again).
        first_rows: Vec<MessageRow>,
        /// The matching sequence numbers in order: sent as bytes after the rest ([`Self::to_bytes`]).
        #[serde(skip)]
        #[ts(skip)]
        order: Vec<u32>,
    },
    Invalid {
        error: QueryError,
    },
}

/// A facet of the messages a query matches.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum FacetAnswer {
    Values {
        values: Vec<FacetValue>,
        /// Matching messages without a value for the field.
        missing: u32,
        /// Matching messages looked at.
        of: u32,
    },
    Invalid {
        /// Which input is wrong: the query or the field.
        input: String,
        error: QueryError,
    },
}

impl QueryAnswer {
    /// The answer as the window reads it: the length of the JSON part (a little-endian u32), the
    /// JSON padded with spaces to a multiple of 4 bytes, then the matching sequence numbers as
    /// little-endian u32s (read in place as a `Uint32Array`, no parsing of 100,000 numbers).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut json = serde_json::to_vec(self).unwrap_or_default();
        while !json.len().is_multiple_of(4) {
            json.push(b' ');
        }
        let order: &[u32] = match self {
            QueryAnswer::Matches { order, .. } => order,
            QueryAnswer::Invalid { .. } => &[],
        };
        let mut out = Vec::with_capacity(4 + json.len() + order.len() * 4);
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&json);
        for q in order {
            out.extend_from_slice(&q.to_le_bytes());
        }
        out
    }
}

impl MessageStore {
    /// Adds a batch in arrival order; returns the sequence number of its first message.
    pub fn add(&mut self, batch: &[ReceivedMessage]) -> u32 {
        let first = self.next_seq;
        for m in batch {
            let flat = Flat::of(&m.body, &mut self.interner);
            self.messages.push(Stored {
                msg: m.clone(),
                flat,
                seq: self.next_seq,
            });
            self.next_seq += 1;
        }
        first
    }

    /// Forgets messages (deleted, moved) by id; returns the sequence numbers forgotten.
    pub fn forget(&mut self, ids: &HashSet<String>) -> Vec<u32> {
        let mut gone = Vec::new();
        self.messages.retain(|s| {
            let keep = !ids.contains(&s.msg.message_id);
            if !keep {
                gone.push(s.seq);
            }
            keep
        });
        gone
    }

    /// The held message numbered `seq` (messages stay in arrival order, so a binary search).
    fn by_seq(&self, seq: u32) -> Option<&Stored> {
        self.messages
            .binary_search_by_key(&seq, |s| s.seq)
            .ok()
            .map(|i| &self.messages[i])
    }

    /// The held messages with these numbers, in arrival order (numbers not held are left out:
    /// deleted or moved meanwhile).
    fn held(&self, seqs: &[u32]) -> Vec<&Stored> {
        let mut seqs = seqs.to_vec();
        seqs.sort_unstable();
        seqs.dedup();
        seqs.into_iter().filter_map(|q| self.by_seq(q)).collect()
    }

    /// The table's rows for these numbers, in the order asked (at most [`MAX_ROWS`]).
    pub fn rows(&self, seqs: &[u32]) -> Vec<MessageRow> {
        seqs.iter()
            .take(MAX_ROWS)
            .filter_map(|&q| self.by_seq(q))
            .map(|s| MessageRow::new(s.seq, &s.msg))
            .collect()
    }

    /// The receipt handles of the held messages with these numbers, in arrival order.
    pub fn handles(&self, seqs: &[u32]) -> Vec<HeldHandle> {
        self.held(seqs)
            .into_iter()
            .map(|s| HeldHandle {
                seq: s.seq,
                message_id: s.msg.message_id.clone(),
                receipt_handle: s.msg.receipt_handle.clone(),
            })
            .collect()
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Which messages match `query` (all for an empty one), in `order`, with the rows of the
    /// first `first` of them.
    pub fn query(&self, query: &str, order: RowOrder, first: usize) -> QueryAnswer {
        let q = match sqs_query::parse(query) {
            Ok(q) => q,
            Err(error) => return QueryAnswer::Invalid { error },
        };
        let c = q.compile(&self.interner);
        let mut hits: Vec<&Stored> = self.messages.iter().filter(|s| c.matches(*s)).collect();
        // Stable sorts: equal keys keep arrival order.
        match order {
            RowOrder::Sent => hits.sort_by_key(|s| s.msg.sent_at.unwrap_or(0)),
            RowOrder::Receives => hits.sort_by_key(|s| std::cmp::Reverse(s.msg.receive_count)),
            RowOrder::Size => hits.sort_by_key(|s| std::cmp::Reverse(s.msg.size)),
        }
        QueryAnswer::Matches {
            matched: hits.len() as u32,
            total: self.messages.len() as u32,
            first_rows: hits
                .iter()
                .take(first.min(MAX_ROWS))
                .map(|s| MessageRow::new(s.seq, &s.msg))
                .collect(),
            order: hits.iter().map(|s| s.seq).collect(),
        }
    }

    /// The `top` most common values of `field` among the messages `query` matches.
    pub fn facet(&self, query: &str, field: &str, top: usize) -> FacetAnswer {
        let invalid = |input: &str, error| FacetAnswer::Invalid {
            input: input.into(),
            error,
        };
        let q = match sqs_query::parse(query) {
            Ok(q) => q.compile(&self.interner),
            Err(e) => return invalid("query", e),
        };
        let f = match sqs_query::parse_field(field) {
            Ok(f) => f,
            Err(e) => return invalid("field", e),
        };
        let matching: Vec<&Stored> = self.messages.iter().filter(|s| q.matches(*s)).collect();
        let (values, missing) = sqs_query::facet(&f, &self.interner, matching.iter().copied(), top);
        FacetAnswer::Values {
            values,
            missing,
            of: matching.len() as u32,
        }
    }

    /// The held messages with these numbers, whole, in the order they arrived (numbers not
    /// held are left out: deleted or moved meanwhile).
    pub fn get(&self, seqs: &[u32]) -> Vec<ReceivedMessage> {
        self.held(seqs).into_iter().map(|s| s.msg.clone()).collect()
    }

    /// Every held message, whole, in the order they arrived.
    pub fn all(&self) -> Vec<ReceivedMessage> {
        self.messages.iter().map(|s| s.msg.clone()).collect()
    }

    /// A held message for the pane, whole and with its body indented (None: not held).
    pub fn opened(&self, message_id: &str) -> Option<OpenedMessage> {
        let m = self
            .messages
            .iter()
            .find(|s| s.msg.message_id == message_id)?;
        Some(OpenedMessage {
            pretty: crate::body_format::pretty_json(&m.msg.body),
            message: m.msg.clone(),
        })
    }

    /// The field names a query can use, from the messages held.
    pub fn fields(&self) -> Vec<String> {
        let mut attrs: Vec<&str> = Vec::new();
        let mut seen = HashSet::new();
        for s in &self.messages {
            for a in &s.msg.attributes {
                if seen.insert(a.name.as_str()) {
                    attrs.push(a.name.as_str());
                }
            }
        }
        sqs_query::completions(&self.interner, attrs.into_iter())
    }
}

/// A page's store, shared by the poll that fills it and the queries that read it.
pub type SharedStore = Arc<RwLock<MessageStore>>;

/// Every open page's store, by the page's id, with when it was last used.
#[derive(Default, Clone)]
pub struct Workbench {
    stores: Arc<Mutex<HashMap<String, (u64, SharedStore)>>>,
    clock: Arc<std::sync::atomic::AtomicU64>,
}

impl Workbench {
    /// The page's store, made empty when `fresh` (a new poll replaces what was loaded).
    pub fn store(&self, page: &str, fresh: bool) -> SharedStore {
        let tick = self
            .clock
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut stores = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        if fresh || !stores.contains_key(page) {
            if !stores.contains_key(page) && stores.len() >= MAX_STORES {
                let oldest = stores
                    .iter()
                    .min_by_key(|(_, (t, _))| *t)
                    .map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    stores.remove(&k);
                }
            }
            stores.insert(page.to_string(), (tick, Arc::default()));
        }
        let entry = stores.get_mut(page).expect("inserted above");
        entry.0 = tick;
        entry.1.clone()
    }

    /// Drops a page's store (the page closed).
    pub fn drop_store(&self, page: &str) {
        self.stores
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(page);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message_send::AttributeValue;

    fn received(i: u32, body: &str, region: &str) -> ReceivedMessage {
        ReceivedMessage {
            message_id: format!("m{i}"),
            receipt_handle: format!("r{i}"),
            body: body.into(),
            attributes: vec![AttributeValue {
                name: "region".into(),
                data_type: "String".into(),
                value: region.into(),
            }],
            sent_at: Some(1_796_083_200_000 + i as i64),
            first_received_at: None,
            receive_count: i % 4,
            group_id: None,
            dedup_id: None,
            sequence_number: None,
            dead_letter_source: Some("arn:aws:sqs:us-east-1:1:orders".into()),
            sender_id: None,
            size: body.len() as u32,
        }
    }

    /// The matching sequence numbers, in the answer's order, read back from its bytes.
    fn order(a: &QueryAnswer) -> Vec<u32> {
        let bytes = a.to_bytes();
        let len = u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize;
        assert_eq!(len % 4, 0, "the numbers start 4-aligned");
        let head: serde_json::Value = serde_json::from_slice(&bytes[4..4 + len]).unwrap();
        assert_eq!(head["kind"], "matches", "{head}");
        bytes[4 + len..]
            .chunks(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect()
    }

    fn bits(a: &QueryAnswer) -> Vec<u32> {
        let mut v = order(a);
        v.sort();
        v
    }

    #[test]
    fn a_query_answers_with_the_sequence_numbers_of_the_matches() {
        let mut store = MessageStore::default();
        let first = store.add(&[
            received(0, r#"{"status":"failed"}"#, "eu"),
            received(1, r#"{"status":"ok"}"#, "eu"),
        ]);
        assert_eq!(first, 0);
        let next = store.add(&[
            received(2, r#"{"status":"failed"}"#, "us"),
            received(3, "plain failed", "eu"),
        ]);
        assert_eq!(next, 2);
        assert_eq!(
            bits(&store.query("status = failed", RowOrder::Sent, 10)),
            [0, 2]
        );
        assert_eq!(
            bits(&store.query("failed @region = eu", RowOrder::Sent, 10)),
            [0, 3]
        );
        assert_eq!(
            bits(&store.query("$source = orders and $receives >= 2", RowOrder::Sent, 10)),
            [2, 3]
        );
        assert_eq!(store.forget(&HashSet::from(["m0".to_string()])), [0]);
        assert_eq!(
            bits(&store.query("status = failed", RowOrder::Sent, 10)),
            [2],
            "sequence numbers stay"
        );
        let got: Vec<String> = store
            .get(&[3, 0, 2])
            .into_iter()
            .map(|m| m.message_id)
            .collect();
        assert_eq!(
            got,
            ["m2", "m3"],
            "in arrival order, the forgotten one left out"
        );
        let handles: Vec<(u32, String)> = store
            .handles(&[3, 2, 3])
            .into_iter()
            .map(|h| (h.seq, h.receipt_handle))
            .collect();
        assert_eq!(handles, [(2, "r2".to_string()), (3, "r3".to_string())]);
        let rows: Vec<u32> = store.rows(&[3, 0, 1]).iter().map(|r| r.seq).collect();
        assert_eq!(
            rows,
            [3, 1],
            "in the order asked, the forgotten one left out"
        );
        let row = MessageRow::new(9, &received(9, &"é".repeat(500), "eu"));
        assert_eq!(
            row.preview.chars().count(),
            PREVIEW_CHARS,
            "cut on a character"
        );
        let QueryAnswer::Matches { matched, total, .. } = store.query("", RowOrder::Sent, 10)
        else {
            panic!()
        };
        assert_eq!((matched, total), (3, 3));
        let QueryAnswer::Invalid { error } = store.query("status =", RowOrder::Sent, 10) else {
            panic!()
        };
        assert_eq!(error.at, 8);
    }

    #[test]
    fn the_answer_is_in_the_tables_order_with_its_first_rows() {
        let mut store = MessageStore::default();
        let mut ms: Vec<ReceivedMessage> = (0..5).map(|i| received(i, "{}", "eu")).collect();
        ms[0].sent_at = Some(50);
        ms[3].sent_at = Some(10);
        ms[1].receive_count = 9;
        ms[4].size = 9_000;
        store.add(&ms);
        let a = store.query("", RowOrder::Sent, 2);
        assert_eq!(order(&a), [3, 0, 1, 2, 4], "oldest sent first");
        let QueryAnswer::Matches { first_rows, .. } = &a else {
            panic!()
        };
        assert_eq!(first_rows.iter().map(|r| r.seq).collect::<Vec<_>>(), [3, 0]);
        // received(i) counts i % 4: 1 (9), 3 (3), 2 (2), then 0 and 4 (0) in arrival order.
        assert_eq!(
            order(&store.query("", RowOrder::Receives, 0)),
            [1, 3, 2, 0, 4]
        );
        assert_eq!(order(&store.query("", RowOrder::Size, 0))[0], 4);
    }

    #[test]
    fn facets_count_the_matches_and_fields_come_from_what_was_loaded() {
        let mut store = MessageStore::default();
        store.add(&[
            received(0, r#"{"status":"failed","why":"timeout"}"#, "eu"),
            received(1, r#"{"status":"failed","why":"timeout"}"#, "us"),
            received(2, r#"{"status":"failed","why":"bad input"}"#, "eu"),
            received(3, r#"{"status":"ok"}"#, "eu"),
        ]);
        let FacetAnswer::Values {
            values,
            missing,
            of,
        } = store.facet("status = failed", "why", 5)
        else {
            panic!()
        };
        assert_eq!(of, 3);
        assert_eq!(missing, 0);
        assert_eq!((values[0].value.as_str(), values[0].count), ("timeout", 2));
        let FacetAnswer::Invalid { input, .. } = store.facet("", "$nope", 5) else {
            panic!()
        };
        assert_eq!(input, "field");
        let fields = store.fields();
        assert!(
            fields.contains(&"why".to_string()) && fields.contains(&"@region".to_string()),
            "{fields:?}"
        );
    }

    #[test]
    fn a_fresh_poll_empties_the_page_and_old_pages_are_dropped() {
        let wb = Workbench::default();
        wb.store("p", false)
            .write()
            .unwrap()
            .add(&[received(0, "x", "eu")]);
        assert_eq!(wb.store("p", false).read().unwrap().len(), 1);
        assert_eq!(wb.store("p", true).read().unwrap().len(), 0);
        for i in 0..MAX_STORES + 3 {
            wb.store(&format!("other{i}"), false);
        }
        assert!(wb.stores.lock().unwrap().len() <= MAX_STORES);
    }
}
