//! A JSON body as a flat list of leaves, each under a path interned once per store
//! (`customer.tier`, `items[2].sku`). Flattening happens once, when a message arrives; a query
//! then resolves its path patterns against the interned paths (a few hundred at most) and reads
//! leaves by number, with no JSON parser in the loop.

use std::collections::HashMap;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(String),
    Index(u32),
    /// `[]` or `[*]`: any position.
    AnyIndex,
}

/// A path as a query writes it. A key step also walks into arrays on its way (`items.sku`
/// reads every item's `sku`), and a pattern that ends on an array reads its elements.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PathPattern(pub Vec<Segment>);

impl PathPattern {
    /// Whether a concrete path (keys and indexes only) is read by this pattern.
    pub fn matches(&self, concrete: &[Segment]) -> bool {
        fn go(p: &[Segment], c: &[Segment]) -> bool {
            match (p.first(), c.first()) {
                (None, None) => true,
                // The pattern ends on an array: its elements (at any depth of arrays).
                (None, Some(Segment::Index(_))) => go(p, &c[1..]),
                (None, Some(_)) => false,
                (Some(_), None) => false,
                (Some(Segment::Key(k)), Some(Segment::Key(ck))) => k == ck && go(&p[1..], &c[1..]),
                // A key walks through an array to its elements' keys.
                (Some(Segment::Key(_)), Some(Segment::Index(_))) => go(p, &c[1..]),
                (Some(Segment::Index(i)), Some(Segment::Index(ci))) => {
                    i == ci && go(&p[1..], &c[1..])
                }
                (Some(Segment::AnyIndex), Some(Segment::Index(_))) => go(&p[1..], &c[1..]),
                _ => false,
            }
        }
        go(&self.0, concrete)
    }
}

/// A leaf value.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Num(f64),
    Str(Box<str>),
    /// A long string whose text stands as it is in the body (no escapes): where, not a copy
    /// (`start`, `len` in bytes), so a body made of one big string is not held twice.
    Span(u32, u32),
}

/// Strings at least this long are kept as a [`Scalar::Span`] when the body holds their text.
const SPAN_MIN: usize = 48;

impl Scalar {
    /// A string value's text, read from `body` for a span; None for other values.
    pub fn str<'a>(&'a self, body: &'a str) -> Option<&'a str> {
        match self {
            Scalar::Str(s) => Some(s),
            Scalar::Span(start, len) => body.get(*start as usize..(*start + *len) as usize),
            _ => None,
        }
    }
}

pub(crate) fn format_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// The paths seen in one store's messages, each once, with its segments.
#[derive(Debug, Default)]
pub struct Interner {
    paths: Vec<(String, Vec<Segment>)>,
    /// By segments, not by the written path: `{"a.b":1}` and `{"a":{"b":2}}` are two paths.
    ids: HashMap<Vec<Segment>, u32>,
}

/// The most paths one store interns; leaves past it are not indexed (their text is still
/// searched). Keeps a flood of distinct keys (`{"k1":…,"k2":…}` in every message) bounded.
const MAX_PATHS: usize = 50_000;
/// The deepest JSON nesting flattened; deeper values are searched as text only.
const MAX_JSON_DEPTH: usize = 64;
/// The most leaves kept per message.
const MAX_LEAVES: usize = 10_000;

impl Interner {
    fn id(&mut self, segs: &[Segment]) -> Option<u32> {
        if let Some(&id) = self.ids.get(segs) {
            return Some(id);
        }
        if self.paths.len() >= MAX_PATHS {
            return None;
        }
        let id = self.paths.len() as u32;
        self.paths.push((written(segs), segs.to_vec()));
        self.ids.insert(segs.to_vec(), id);
        Some(id)
    }

    /// How many paths are interned.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// Which interned paths a pattern reads, as a bitmap by path id.
    pub(crate) fn resolve(&self, pattern: &PathPattern) -> Vec<bool> {
        self.paths
            .iter()
            .map(|(_, segs)| pattern.matches(segs))
            .collect()
    }

    /// Which interned paths lie at or under a pattern (`error` holds `error.code`): an object or
    /// an array of objects exists when any leaf below it does.
    pub(crate) fn resolve_under(&self, pattern: &PathPattern) -> Vec<bool> {
        self.paths
            .iter()
            .map(|(_, segs)| (0..=segs.len()).any(|n| pattern.matches(&segs[..n])))
            .collect()
    }

    /// Every path, as written (`items[0].sku`).
    pub fn paths(&self) -> impl Iterator<Item = (u32, &str, &[Segment])> {
        self.paths
            .iter()
            .enumerate()
            .map(|(i, (p, s))| (i as u32, p.as_str(), s.as_slice()))
    }
}

/// A message body's leaves. Empty when the body is not JSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Flat {
    pub leaves: Vec<(u32, Scalar)>,
    /// Whether the body parsed as JSON.
    pub json: bool,
}

impl Flat {
    /// Flattens a body (any text: only JSON yields leaves), interning its paths.
    pub fn of(body: &str, interner: &mut Interner) -> Flat {
        let trimmed = body.trim_start();
        if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
            return Flat::default();
        }
        let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
            return Flat::default();
        };
        let mut flat = Flat {
            leaves: Vec::new(),
            json: true,
        };
        let mut segs = Vec::new();
        let mut walker = Walker {
            body,
            cursor: 0,
            misses: 0,
            interner,
            out: &mut flat.leaves,
        };
        walker.walk(&value, &mut segs);
        flat.leaves.shrink_to_fit();
        flat
    }
}

/// A path as it is shown (`items[0].sku`): written once, when the path is first interned.
fn written(segs: &[Segment]) -> String {
    let mut path = String::new();
    for s in segs {
        match s {
            Segment::Key(k) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Segment::Index(i) => path.push_str(&format!("[{i}]")),
            Segment::AnyIndex => path.push_str("[]"),
        }
    }
    path
}

/// Flattens a parsed body into leaves.
struct Walker<'a> {
    body: &'a str,
    /// Where the last long string was found: leaves come in the body's order (serde_json keeps
    /// it in this workspace), so each search goes on from the last.
    cursor: usize,
    /// Long strings not found as they are (escaped): past a few, no more searching, so a body
    /// of thousands of escaped strings is not scanned thousands of times.
    misses: u32,
    interner: &'a mut Interner,
    out: &'a mut Vec<(u32, Scalar)>,
}

impl Walker<'_> {
    fn walk(&mut self, v: &serde_json::Value, segs: &mut Vec<Segment>) {
        use serde_json::Value;
        if self.out.len() >= MAX_LEAVES || segs.len() >= MAX_JSON_DEPTH {
            return;
        }
        let scalar = match v {
            Value::Null => Scalar::Null,
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Number(n) => Scalar::Num(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => self.string(s),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    segs.push(Segment::Index(i as u32));
                    self.walk(item, segs);
                    segs.pop();
                }
                return;
            }
            Value::Object(m) => {
                for (k, item) in m {
                    segs.push(Segment::Key(k.clone()));
                    self.walk(item, segs);
                    segs.pop();
                }
                return;
            }
        };
        if let Some(id) = self.interner.id(segs) {
            self.out.push((id, scalar));
        }
    }

    /// A string leaf: a span of the body when it is long and its text stands there as it is
    /// (any place with the same bytes will do: the text is the same), else a copy.
    fn string(&mut self, s: &str) -> Scalar {
        if s.len() >= SPAN_MIN && self.misses < 16 && self.body.len() <= u32::MAX as usize {
            let found = self.body[self.cursor..]
                .find(s)
                .map(|at| at + self.cursor)
                .or_else(|| self.body.find(s));
            if let Some(at) = found {
                self.cursor = at + s.len();
                return Scalar::Span(at as u32, s.len() as u32);
            }
            self.misses += 1;
        }
        Scalar::Str(s.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_becomes_leaves_under_interned_paths() {
        let mut i = Interner::default();
        let f = Flat::of(
            r#"{"status":"failed","customer":{"tier":"gold"},"items":[{"sku":"A"},{"sku":"B"}],"n":3}"#,
            &mut i,
        );
        let mut paths: Vec<&str> = i.paths().map(|(_, p, _)| p).collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "customer.tier",
                "items[0].sku",
                "items[1].sku",
                "n",
                "status"
            ]
        );
        let id = |name: &str| i.paths().find(|(_, p, _)| *p == name).unwrap().0;
        let (n, status) = (id("n"), id("status"));
        assert!(f.leaves.contains(&(n, Scalar::Num(3.0))));
        let again = Flat::of(r#"{"n":4,"status":"ok"}"#, &mut i);
        assert_eq!(again.leaves.len(), 2);
        assert!(again.leaves.contains(&(n, Scalar::Num(4.0))));
        assert!(again.leaves.contains(&(status, Scalar::Str("ok".into()))));
        assert_eq!(i.len(), 5);
        assert!(!Flat::of("plain text", &mut i).json);
        assert!(!Flat::of("{broken", &mut i).json);
    }

    #[test]
    fn long_strings_are_read_from_the_body_not_copied() {
        let mut i = Interner::default();
        let long = "lorem ipsum ".repeat(10);
        let body = format!(r#"{{"a":"{long}","b":"caf\u00e9 {long}","c":"short"}}"#);
        let f = Flat::of(&body, &mut i);
        assert!(
            matches!(f.leaves[0].1, Scalar::Span(..)),
            "{:?}",
            f.leaves[0]
        );
        assert_eq!(f.leaves[0].1.str(&body), Some(long.as_str()));
        // Escaped in the body: its text is not there as it is, so it is a copy.
        assert_eq!(
            f.leaves[1].1,
            Scalar::Str(format!("café {long}").into_boxed_str())
        );
        assert_eq!(f.leaves[2].1.str(&body), Some("short"));
    }

    #[test]
    fn patterns_walk_arrays_by_key_by_position_or_any() {
        let c = |s: &str| {
            let mut i = Interner::default();
            Flat::of(s, &mut i);
            i.paths().map(|(_, _, s)| s.to_vec()).collect::<Vec<_>>()
        };
        let items = c(r#"{"items":[{"sku":"A"},{"sku":"B"}],"tags":["x","y"]}"#);
        let p = |t: &str| PathPattern::parse(t).unwrap();
        let hits = |pat: &str| items.iter().filter(|s| p(pat).matches(s)).count();
        assert_eq!(hits("items.sku"), 2);
        assert_eq!(hits("items[].sku"), 2);
        assert_eq!(hits("items[*].sku"), 2);
        assert_eq!(hits("items[1].sku"), 1);
        assert_eq!(hits("items[2].sku"), 0);
        assert_eq!(hits("tags"), 2);
        assert_eq!(hits("tags[0]"), 1);
        assert_eq!(
            hits("items"),
            0,
            "an array of objects has no leaf of its own"
        );
    }

    #[test]
    fn deep_or_wide_bodies_are_bounded() {
        let mut i = Interner::default();
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        // serde_json refuses nesting past 128 itself; at 100 we stop at our own depth.
        let f = Flat::of(&deep, &mut i);
        assert!(f.leaves.is_empty());
        let wide = format!(
            "{{{}}}",
            (0..20_000)
                .map(|k| format!("\"k{k}\":1"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let f = Flat::of(&wide, &mut i);
        assert_eq!(f.leaves.len(), MAX_LEAVES);
    }
}
