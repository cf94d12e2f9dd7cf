//! The polled messages of each open queue page, held in Rust: a store per page that a poll
//! fills, that queries, facets and completion read (through `sqs-query`), and that forgets the
//! messages the user deleted or moved. Each message gets a sequence number in arrival order;
//! the window knows the same numbers (a poll's batches carry their first), so a query's answer
//! is a bitmap over them rather than a copy of the messages.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};

use base64::Engine;
use serde::Serialize;
use sqs_query::{Flat, Interner, Subject, SysValue, System};
use ts_rs::TS;

use crate::poll::ReceivedMessage;

pub use sqs_query::{FacetValue, QueryError};

/// Pages kept at once; opening more drops the least recently used store (its page is gone).
const MAX_STORES: usize = 8;

/// The longest start of a body a row carries (the table shows ~120 characters of it).
const PREVIEW_CHARS: usize = 160;

/// What the window keeps of a polled message: what its row shows and what sorting and the
/// poll's warnings read. The whole message stays here; the pane and the actions ask for it by id.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MessageRow {
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

impl From<&ReceivedMessage> for MessageRow {
    fn from(m: &ReceivedMessage) -> Self {
        let preview = match m.body.char_indices().nth(PREVIEW_CHARS) {
            Some((at, _)) => m.body[..at].to_string(),
            None => m.body.clone(),
        };
        MessageRow {
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

/// A poll's batch as the window receives it: its rows and the sequence number of the first.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PolledBatch {
    pub first_seq: u32,
    pub rows: Vec<MessageRow>,
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

/// Which messages a query matches.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum QueryAnswer {
    Matches {
        /// How many of the store's messages match.
        matched: u32,
        /// How many messages the store holds.
        total: u32,
        /// Base64 of a bitmap by sequence number (bit `seq % 8` of byte `seq / 8`).
        bits: String,
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

    /// Forgets messages (deleted, moved) by id.
    pub fn forget(&mut self, ids: &HashSet<String>) {
        self.messages.retain(|s| !ids.contains(&s.msg.message_id));
    }

    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Which messages match `query`, as a bitmap by sequence number.
    pub fn query(&self, query: &str) -> QueryAnswer {
        let q = match sqs_query::parse(query) {
            Ok(q) => q,
            Err(error) => return QueryAnswer::Invalid { error },
        };
        let c = q.compile(&self.interner);
        let mut bits = vec![0u8; (self.next_seq as usize).div_ceil(8)];
        let mut matched = 0u32;
        for s in &self.messages {
            if c.matches(s) {
                bits[(s.seq / 8) as usize] |= 1 << (s.seq % 8);
                matched += 1;
            }
        }
        QueryAnswer::Matches {
            matched,
            total: self.messages.len() as u32,
            bits: base64::engine::general_purpose::STANDARD.encode(bits),
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

    /// The held messages with these ids, whole, in the order they arrived (ids not held are
    /// left out: deleted or moved meanwhile).
    pub fn get(&self, ids: &[String]) -> Vec<ReceivedMessage> {
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        self.messages
            .iter()
            .filter(|s| wanted.contains(s.msg.message_id.as_str()))
            .map(|s| s.msg.clone())
            .collect()
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

    fn bits(a: &QueryAnswer) -> Vec<u32> {
        let QueryAnswer::Matches { bits, .. } = a else {
            panic!("{a:?}")
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(bits)
            .unwrap();
        (0..bytes.len() as u32 * 8)
            .filter(|s| bytes[(s / 8) as usize] & (1 << (s % 8)) != 0)
            .collect()
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
        assert_eq!(bits(&store.query("status = failed")), [0, 2]);
        assert_eq!(bits(&store.query("failed @region = eu")), [0, 3]);
        assert_eq!(
            bits(&store.query("$source = orders and $receives >= 2")),
            [2, 3]
        );
        store.forget(&HashSet::from(["m0".to_string()]));
        assert_eq!(
            bits(&store.query("status = failed")),
            [2],
            "sequence numbers stay"
        );
        let got: Vec<String> = store
            .get(&["m3".into(), "m0".into(), "m2".into()])
            .into_iter()
            .map(|m| m.message_id)
            .collect();
        assert_eq!(
            got,
            ["m2", "m3"],
            "in arrival order, the forgotten one left out"
        );
        let row = MessageRow::from(&received(9, &"é".repeat(500), "eu"));
        assert_eq!(
            row.preview.chars().count(),
            PREVIEW_CHARS,
            "cut on a character"
        );
        let QueryAnswer::Matches { matched, total, .. } = store.query("") else {
            panic!()
        };
        assert_eq!((matched, total), (3, 3));
        let QueryAnswer::Invalid { error } = store.query("status =") else {
            panic!()
        };
        assert_eq!(error.at, 8);
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
