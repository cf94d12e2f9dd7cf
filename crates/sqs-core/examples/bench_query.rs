//! Query benchmark: 100,000 polled 1 KiB JSON messages held in the workbench's store; a
//! three-condition query, a facet, and loading (flattening) them, against the same work done by
//! `jq` over the app's JSON Lines export and by a Python script (json.loads per message, as a
//! boto3 script filters what it received), all in the same run. Run with `bash bench/query.sh`.

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use sqs_core::message_files::export_line;
use sqs_core::message_send::AttributeValue;
use sqs_core::poll::ReceivedMessage;
use sqs_core::workbench::{FacetAnswer, MessageStore, QueryAnswer, RowOrder};

const N: usize = 100_000;
const QUERY: &str = "status = failed and customer.tier = gold and @region = eu";

fn message(i: usize) -> ReceivedMessage {
    let status = if i.is_multiple_of(3) { "failed" } else { "ok" };
    let tier = if i % 3 == 1 || i.is_multiple_of(7) {
        "gold"
    } else {
        "basic"
    };
    let mut body = format!(
        r#"{{"order_id":{i},"status":"{status}","customer":{{"tier":"{tier}","id":"c-{}"}},"items":[{{"sku":"A-{}","qty":{}}},{{"sku":"B-{}","qty":1}}],"error":"{}","note":""#,
        i % 5000,
        i % 10,
        i % 4 + 1,
        i % 4,
        ["timeout", "bad input", "throttled", "payment declined"][i % 4]
    );
    while body.len() < 1000 {
        body.push_str("lorem ipsum ");
    }
    body.push_str("\"}");
    ReceivedMessage {
        message_id: format!("{i:08x}-0000-4000-8000-000000000000"),
        receipt_handle: format!("handle-{i}"),
        body,
        attributes: vec![AttributeValue {
            name: "region".into(),
            data_type: "String".into(),
            value: if i.is_multiple_of(2) { "eu" } else { "us" }.into(),
        }],
        sent_at: Some(1_796_083_200_000 + i as i64),
        first_received_at: Some(1_796_083_200_000 + i as i64),
        receive_count: (i % 5) as u32 + 1,
        group_id: None,
        dedup_id: None,
        sequence_number: None,
        dead_letter_source: Some("arn:aws:sqs:us-east-1:000000000000:orders".into()),
        sender_id: None,
        size: 1024,
    }
}

fn rss_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1048576.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn time_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect(),
    )
}

fn run(cmd: &mut Command) -> (f64, String) {
    let t = Instant::now();
    let out = cmd.output().expect("run the alternative");
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (ms, String::from_utf8_lossy(&out.stdout).trim().to_string())
}

const PY_FILTER: &str = r#"
import json, sys
n = 0
for line in open(sys.argv[1]):
    m = json.loads(line)
    b = json.loads(m["body"])
    if b.get("status") == "failed" and b.get("customer", {}).get("tier") == "gold" and any(a["name"] == "region" and a["value"] == "eu" for a in m["attributes"]):
        n += 1
print(n)
"#;

const PY_FACET: &str = r#"
import json, sys, collections
c = collections.Counter()
for line in open(sys.argv[1]):
    c[json.loads(json.loads(line)["body"]).get("error")] += 1
print(len(c))
"#;

fn main() {
    let python = std::env::args().nth(1).unwrap_or_else(|| "python3".into());
    let messages: Vec<ReceivedMessage> = (0..N).map(message).collect();
    let before = rss_mib();
    let t = Instant::now();
    let mut store = MessageStore::default();
    for chunk in messages.chunks(1000) {
        store.add(chunk);
    }
    let load_ms = t.elapsed().as_secs_f64() * 1000.0;
    let store_mib = rss_mib() - before;

    let expected = (0..N)
        .filter(|&i| {
            i.is_multiple_of(3) && (i % 3 == 1 || i.is_multiple_of(7)) && i.is_multiple_of(2)
        })
        .count();
    let mut matched = 0;
    let query_ms = time_ms(11, || {
        if let QueryAnswer::Matches { matched: m, .. } = store.query(QUERY, RowOrder::Sent, 60) {
            matched = m as usize;
        }
    });
    assert_eq!(matched, expected, "the query's count");
    let text_ms = time_ms(11, || {
        store.query("timeout", RowOrder::Sent, 60);
    });
    let mut kinds = 0;
    let facet_ms = time_ms(11, || {
        if let FacetAnswer::Values { values, .. } = store.facet("", "error", 12) {
            kinds = values.len();
        }
    });
    assert_eq!(kinds, 4);
    let facet_q_ms = time_ms(11, || {
        store.facet(QUERY, "items.sku", 12);
    });
    let pretty_ms = {
        let items: Vec<String> = (0..20_000)
            .map(|i| format!(r#"{{"id":{i},"name":"item number {i}","ok":true}}"#))
            .collect();
        let big = format!(r#"{{"items":[{}]}}"#, items.join(","));
        assert!(big.len() > 900_000);
        time_ms(5, || {
            sqs_core::body_format::pretty_json(&big).unwrap();
        })
    };

    // The alternatives over the app's own export of the same messages.
    let dir = std::env::temp_dir().join(format!("sqs-pilot-bench-query-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("export.jsonl");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
        for m in &messages {
            writeln!(w, "{}", export_line(m)).unwrap();
        }
    }
    let (jq_ms, jq_n) = run(Command::new("jq").args([
        "-n",
        r#"[inputs | select((.body | fromjson) as $b | $b.status == "failed" and $b.customer.tier == "gold" and any(.attributes[]; .name == "region" and .value == "eu"))] | length"#,
    ]).arg(&file));
    assert_eq!(jq_n, expected.to_string(), "jq's count");
    let (jq_facet_ms, _) = run(Command::new("jq")
        .args([
            "-n",
            r#"reduce (inputs | .body | fromjson | .error) as $e ({}; .[$e] += 1) | length"#,
        ])
        .arg(&file));
    let script = dir.join("filter.py");
    std::fs::write(&script, PY_FILTER).unwrap();
    let (py_ms, py_n) = run(Command::new(&python).arg(&script).arg(&file));
    assert_eq!(py_n, expected.to_string(), "python's count");
    let facet_script = dir.join("facet.py");
    std::fs::write(&facet_script, PY_FACET).unwrap();
    let (py_facet_ms, _) = run(Command::new(&python).arg(&facet_script).arg(&file));
    let _ = std::fs::remove_dir_all(&dir);

    println!("Measured on {} cores; {N} messages of ~1 KiB JSON, release build; medians of 11 (the alternatives: one run each, including their start-up).\n", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    println!("| operation | SQS Pilot (store in Rust) | jq over the export | Python script (json.loads) | target |");
    println!("|---|---|---|---|---|");
    println!(
        "| 3-condition query → {expected} of {N} ({QUERY}) | {query_ms:.1} ms | {jq_ms:.0} ms ({:.0}×) | {py_ms:.0} ms ({:.0}×) | ≤ 100 ms: {} |",
        jq_ms / query_ms,
        py_ms / query_ms,
        if query_ms <= 100.0 { "met" } else { "missed" }
    );
    println!(
        "| bare word `timeout` (today's text search) | {text_ms:.1} ms | | | ≤ 100 ms: {} |",
        if text_ms <= 100.0 { "met" } else { "missed" }
    );
    println!(
        "| facet `error` over all {N} | {facet_ms:.1} ms | {jq_facet_ms:.0} ms ({:.0}×) | {py_facet_ms:.0} ms ({:.0}×) | ≤ 200 ms: {} |",
        jq_facet_ms / facet_ms,
        py_facet_ms / facet_ms,
        if facet_ms <= 200.0 { "met" } else { "missed" }
    );
    println!(
        "| facet `items.sku` over the query's matches | {facet_q_ms:.1} ms | | | ≤ 200 ms: {} |",
        if facet_q_ms <= 200.0 { "met" } else { "missed" }
    );
    println!("| load {N} into the store (parse + flatten once) | {load_ms:.0} ms | | | |");
    println!("| store memory for {N} (messages + leaves, RSS growth) | {store_mib:.0} MiB | | | |");
    println!(
        "| indent a {} KiB JSON body (for the pane) | {pretty_ms:.1} ms | | | |",
        900
    );
}
