//! Facets and completion: the most common values of a field over a set of messages ("what kinds
//! of failure are in this dead-letter queue?"), and the field names a query can use, taken from
//! the messages loaded.

use std::collections::{BTreeSet, HashMap};

use crate::eval::{any_value, bind, Subject};
use crate::flat::{Interner, Segment};
use crate::syntax::{Field, QueryError, System};

/// One value of a facet and how many messages hold it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FacetValue {
    /// The value, or its first characters when `cut`.
    pub value: String,
    /// Whether the value was longer and is cut here (a query then looks for its start).
    pub cut: bool,
    pub count: u32,
}

/// The longest value a facet keeps whole.
const MAX_VALUE_CHARS: usize = 1000;

/// Reads a field as a query writes it (`status`, `@region`, `$group`).
pub fn parse_field(text: &str) -> Result<Field, QueryError> {
    crate::syntax::field_of(text.trim())
}

/// The `top` most common values of `field` among `messages`, most common first (ties by
/// value), and how many messages have no value for it. A message counts once per value.
pub fn facet<'a, S: Subject + 'a>(
    field: &Field,
    interner: &Interner,
    messages: impl Iterator<Item = &'a S>,
    top: usize,
) -> (Vec<FacetValue>, u32) {
    let bound = bind(field, interner);
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut missing = 0u32;
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for m in messages {
        seen.clear();
        any_value(m, &bound, &mut |v| {
            let text = v.text();
            let text = match text.char_indices().nth(MAX_VALUE_CHARS) {
                // A cut value ends in a NUL, which no JSON text or attribute holds as such.
                Some((at, _)) => format!("{}\u{0}", &text[..at]),
                None => text.into_owned(),
            };
            seen.insert(text);
            false
        });
        if seen.is_empty() {
            missing += 1;
        }
        for v in seen.drain() {
            *counts.entry(v).or_insert(0) += 1;
        }
    }
    let mut values: Vec<FacetValue> = counts
        .into_iter()
        .map(|(value, count)| match value.strip_suffix('\u{0}') {
            Some(start) => FacetValue {
                value: start.to_string(),
                cut: true,
                count,
            },
            None => FacetValue {
                value,
                cut: false,
                count,
            },
        })
        .collect();
    values.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    values.truncate(top);
    (values, missing)
}

/// The fields a query can name: body paths with positions folded (`items[].sku`), `@` and each
/// attribute name, and the system fields.
pub fn completions<'a>(
    interner: &Interner,
    attributes: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let mut body = BTreeSet::new();
    for (_, _, segs) in interner.paths() {
        let mut p = String::new();
        for s in segs {
            match s {
                Segment::Key(k) => {
                    if !p.is_empty() {
                        p.push('.');
                    }
                    p.push_str(k);
                }
                Segment::Index(_) | Segment::AnyIndex => {
                    if !p.ends_with("[]") {
                        p.push_str("[]");
                    }
                }
            }
        }
        if !p.is_empty() {
            body.insert(p);
        }
        if body.len() >= 2000 {
            break;
        }
    }
    let attrs: BTreeSet<String> = attributes.map(|a| format!("@{a}")).collect();
    let system = System::NAMES
        .iter()
        .filter(|(n, _)| !matches!(*n, "$receive_count" | "$tenant"))
        .map(|(n, _)| n.to_string());
    body.into_iter().chain(attrs).chain(system).collect()
}
