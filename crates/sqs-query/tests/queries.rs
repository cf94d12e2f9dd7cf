//! The query language over messages like a dead-letter queue's: the issue's 2,000-order task
//! counted independently, every operator and field kind, and property tests — no input panics,
//! `not` and `!=` are complements, `or` and `and` add up.

use proptest::prelude::*;
use sqs_query::{
    completions, facet, parse, parse_field, Flat, Interner, Subject, SysValue, System,
};

struct Msg {
    id: String,
    body: String,
    flat: Flat,
    attrs: Vec<(String, String)>,
    receives: u32,
    sent_ms: i64,
    group: Option<String>,
}

impl Subject for Msg {
    fn body(&self) -> &str {
        &self.body
    }
    fn flat(&self) -> &Flat {
        &self.flat
    }
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    fn any_attribute(&self, f: &mut dyn FnMut(&str, &str) -> bool) -> bool {
        self.attrs.iter().any(|(k, v)| f(k, v))
    }
    fn system(&self, field: System) -> Option<SysValue<'_>> {
        Some(match field {
            System::Id => SysValue::Str(&self.id),
            System::Body => SysValue::Str(&self.body),
            System::Receives => SysValue::Num(self.receives as f64),
            System::Sent => SysValue::Time(self.sent_ms),
            System::Group => SysValue::Str(self.group.as_deref()?),
            System::Size => SysValue::Num(self.body.len() as f64),
            _ => return None,
        })
    }
}

fn msg(i: usize, body: String, attrs: &[(&str, &str)], interner: &mut Interner) -> Msg {
    Msg {
        id: format!("m{i}"),
        flat: Flat::of(&body, interner),
        body,
        attrs: attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        receives: (i % 5) as u32 + 1,
        sent_ms: 1_796_083_200_000 + i as i64 * 60_000,
        group: i.is_multiple_of(3).then(|| format!("tenant-{}", i % 4)),
    }
}

/// The issue's dead-letter queue: 2,000 orders, a third failed, a third gold, half from the EU.
fn orders() -> (Interner, Vec<Msg>) {
    let mut interner = Interner::default();
    let msgs = (0..2000)
        .map(|i| {
            let status = if i % 3 == 0 { "failed" } else { "ok" };
            let tier = if i % 3 == 1 || i % 7 == 0 { "gold" } else { "basic" };
            let region = if i % 2 == 0 { "eu" } else { "us" };
            let body = format!(
                r#"{{"order_id": {i}, "status": "{status}", "customer": {{"tier": "{tier}"}}, "items": [{{"sku": "A-{}"}}, {{"sku": "B-{}"}}]}}"#,
                i % 10,
                i % 4
            );
            msg(i, body, &[("region", region)], &mut interner)
        })
        .collect();
    (interner, msgs)
}

fn count(q: &str, interner: &Interner, msgs: &[Msg]) -> usize {
    let c = parse(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .compile(interner);
    msgs.iter().filter(|m| c.matches(*m)).count()
}

#[test]
fn the_failed_gold_orders_from_the_eu_are_found_exactly() {
    let (i, msgs) = orders();
    let expected = (0..2000)
        .filter(|n| n % 3 == 0 && (n % 3 == 1 || n % 7 == 0) && n % 2 == 0)
        .count();
    assert!(expected > 0);
    for q in [
        "status = failed and customer.tier = gold and @region = eu",
        "status=failed customer.tier=gold @region=eu",
        "(status = 'failed') && customer.tier in (gold) && not @region != eu",
        "status == \"failed\" and customer.tier = gold and @region in (eu)",
    ] {
        assert_eq!(count(q, &i, &msgs), expected, "{q}");
    }
    // A bare word is still today's text search; attribute names are found too.
    assert_eq!(
        count("failed", &i, &msgs),
        (0..2000).filter(|n| n % 3 == 0).count()
    );
    assert_eq!(count("region", &i, &msgs), 2000);
    assert_eq!(count("@region", &i, &msgs), 2000);
    assert_eq!(count("@nope", &i, &msgs), 0);
}

#[test]
fn numbers_times_arrays_regex_and_system_fields() {
    let (i, msgs) = orders();
    assert_eq!(count("order_id < 10", &i, &msgs), 10);
    assert_eq!(count("order_id >= 1990", &i, &msgs), 10);
    assert_eq!(
        count("order_id = 0010", &i, &msgs),
        1,
        "numbers compare as numbers"
    );
    assert_eq!(count("order_id = 1e1", &i, &msgs), 1);
    assert_eq!(count("items.sku = A-3", &i, &msgs), 200);
    assert_eq!(count("items[1].sku = B-3", &i, &msgs), 500);
    assert_eq!(count("items[0].sku = B-3", &i, &msgs), 0);
    assert_eq!(count("items[].sku contains b-", &i, &msgs), 2000);
    assert_eq!(count("items[].sku ~ '^A-[0-4]$'", &i, &msgs), 1000);
    assert_eq!(
        count("customer.tier !~ gold", &i, &msgs),
        count("customer.tier = basic", &i, &msgs)
    );
    assert_eq!(count("$receives > 3", &i, &msgs), 800);
    assert_eq!(count("$receive_count = 1", &i, &msgs), 400);
    // Sent one a minute from 2026-12-01 00:00 UTC: the first 60 in the first hour.
    assert_eq!(count("$sent < 2026-12-01T01:00:00Z", &i, &msgs), 60);
    assert_eq!(
        count("$sent = 2026-12-01", &i, &msgs),
        1440,
        "a date is its whole day"
    );
    assert_eq!(count("$sent >= 2026-12-02", &i, &msgs), 560);
    assert_eq!(count("$group exists", &i, &msgs), 667);
    assert_eq!(count("$tenant = tenant-0", &i, &msgs), 167);
    assert_eq!(count("missing.field exists", &i, &msgs), 0);
    assert_eq!(
        count("missing.field != x", &i, &msgs),
        2000,
        "!= is not (=)"
    );
    assert_eq!(count("", &i, &msgs), 2000);
    // A date alone is its whole day for every comparison.
    assert_eq!(count("$sent > 2026-12-01", &i, &msgs), 560);
    assert_eq!(count("$sent <= 2026-12-01", &i, &msgs), 1440);
    assert_eq!(count("$sent < 2026-12-02", &i, &msgs), 1440);
    // An object (or an array of objects) exists when anything below it does.
    assert_eq!(count("customer exists", &i, &msgs), 2000);
    assert_eq!(count("items exists", &i, &msgs), 2000);
    assert_eq!(count("nothing exists", &i, &msgs), 0);
    // A lone '-' negates what follows; && and || end a word.
    assert_eq!(
        count("- (status = ok)", &i, &msgs),
        count("not status = ok", &i, &msgs)
    );
    assert_eq!(
        count("status=failed&&customer.tier=gold", &i, &msgs),
        count("status = failed and customer.tier = gold", &i, &msgs)
    );
    assert_eq!(
        count("customer.tier=gold||status=failed", &i, &msgs),
        count("customer.tier = gold or status = failed", &i, &msgs)
    );
}

#[test]
fn a_key_with_a_dot_is_not_the_same_path_as_a_nested_key() {
    let mut i = Interner::default();
    let msgs = vec![
        msg(0, r#"{"a.b": 1}"#.into(), &[], &mut i),
        msg(1, r#"{"a": {"b": 2}}"#.into(), &[], &mut i),
    ];
    assert_eq!(count("a.b = 2", &i, &msgs), 1);
    assert_eq!(count("a.b exists", &i, &msgs), 1);
    assert_eq!(count("a exists", &i, &msgs), 1);
}

#[test]
fn facets_and_completions_describe_what_was_loaded() {
    let (i, msgs) = orders();
    let (values, missing) = facet(&parse_field("status").unwrap(), &i, msgs.iter(), 10);
    assert_eq!(missing, 0);
    assert_eq!(values[0].value, "ok");
    assert_eq!(values[0].count, 1333);
    assert_eq!((values[1].value.as_str(), values[1].count), ("failed", 667));
    // A message with two skus counts once for each distinct value.
    let (skus, _) = facet(&parse_field("items.sku").unwrap(), &i, msgs.iter(), 100);
    assert_eq!(skus.iter().map(|v| v.count).sum::<u32>(), 4000);
    let (groups, without) = facet(&parse_field("$group").unwrap(), &i, msgs.iter(), 10);
    assert_eq!(without, 2000 - 667);
    assert_eq!(groups.len(), 4);
    assert!(parse_field("$nope").is_err());
    let names = completions(&i, ["region"].into_iter());
    for n in [
        "customer.tier",
        "items[].sku",
        "order_id",
        "status",
        "@region",
        "$receives",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
    }
}

fn arb_messages() -> impl Strategy<Value = Vec<(u8, u8, Option<u8>)>> {
    proptest::collection::vec((0u8..4, 0u8..50, proptest::option::of(0u8..3)), 1..60)
}

fn build(spec: &[(u8, u8, Option<u8>)]) -> (Interner, Vec<Msg>) {
    let mut interner = Interner::default();
    let msgs = spec
        .iter()
        .enumerate()
        .map(|(n, (kind, x, attr))| {
            let body = match kind {
                0 => format!(r#"{{"a": {x}, "b": {{"c": "v{}"}}}}"#, x % 5),
                1 => format!(r#"{{"a": "{x}", "list": [{x}, {}]}}"#, x / 2),
                2 => format!("plain text {x}"),
                _ => format!(r#"[{{"a": {x}}}]"#),
            };
            let attrs: Vec<(&str, String)> =
                attr.map(|v| ("k", format!("{v}"))).into_iter().collect();
            let refs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            msg(n, body, &refs, &mut interner)
        })
        .collect();
    (interner, msgs)
}

fn arb_condition() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just("a"),
        Just("b.c"),
        Just("list"),
        Just("[0].a"),
        Just("@k"),
        Just("$receives"),
        Just("$size")
    ];
    let op = prop_oneof![
        Just("="),
        Just("!="),
        Just("<"),
        Just("<="),
        Just(">"),
        Just(">="),
        Just("contains")
    ];
    (field, op, 0u8..60).prop_map(|(f, o, v)| format!("{f} {o} {v}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text: a query or an error that points inside it; never a panic, also when matched.
    #[test]
    fn no_input_panics(q in any::<String>(), spec in arb_messages()) {
        let (i, msgs) = build(&spec);
        match parse(&q) {
            Ok(query) => {
                let c = query.compile(&i);
                for m in &msgs {
                    let _ = c.matches(m);
                }
            }
            Err(e) => prop_assert!(e.at as usize <= q.chars().count(), "{e:?} for {q:?}"),
        }
    }

    /// Queries made of the language's own pieces, nested and joined at random.
    #[test]
    fn structured_noise_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("("), Just(")"), Just("not"), Just("and"), Just("or"), Just("="), Just("in"), Just(","),
        Just("@k"), Just("$sent"), Just("a.b[0]"), Just("'x"), Just("\"y\""), Just("~"), Just("[*]"), Just("exists")
    ], 0..40)) {
        let q = parts.join(" ");
        let (i, msgs) = build(&[(0, 1, Some(1)), (1, 2, None), (2, 3, None)]);
        if let Ok(query) = parse(&q) {
            let c = query.compile(&i);
            for m in &msgs { let _ = c.matches(m); }
        }
    }

    /// `not q` matches exactly the messages `q` does not; `f != v` is `not (f = v)`.
    #[test]
    fn not_is_the_complement(spec in arb_messages(), cond in arb_condition()) {
        let (i, msgs) = build(&spec);
        let n = msgs.len();
        let yes = count(&cond, &i, &msgs);
        prop_assert_eq!(count(&format!("not ({cond})"), &i, &msgs), n - yes);
        if let Some((f, v)) = cond.split_once(" = ") {
            prop_assert_eq!(count(&format!("{f} != {v}"), &i, &msgs), n - yes);
        }
    }

    /// |a or b| = |a| + |b| - |a and b|.
    #[test]
    fn or_and_and_add_up(spec in arb_messages(), a in arb_condition(), b in arb_condition()) {
        let (i, msgs) = build(&spec);
        let both = count(&format!("({a}) and ({b})"), &i, &msgs);
        let either = count(&format!("({a}) or ({b})"), &i, &msgs);
        prop_assert_eq!(either + both, count(&a, &i, &msgs) + count(&b, &i, &msgs));
        prop_assert_eq!(both, count(&format!("({a}) ({b})"), &i, &msgs));
    }
}
