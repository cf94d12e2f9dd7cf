//! Sandbox benchmark: throughput, latency, memory and restart time of the release `sqs-sandbox`
//! binary, against moto in the same run, through aws-sdk-sqs. Prints a Markdown table.
//! Run with `bash bench/sandbox.sh` (builds release first).

use std::process::Child;
use std::time::{Duration, Instant};

use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, SendMessageBatchRequestEntry};
use aws_sdk_sqs::Client;
use futures::future::join_all;
use test_support::{sdk_client, Moto};

const CLIENTS: usize = 8;

fn spawn_sandbox(bin: &str, dir: &std::path::Path) -> (Child, String, Duration) {
    let started = Instant::now();
    let (child, url) = test_support::spawn_sandbox(std::path::Path::new(bin), dir);
    (child, url, started.elapsed())
}

fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU time (user + system) a process has used so far, from /proc/PID/stat (Linux).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at ") ".
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let ticks = f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0);
    Duration::from_secs_f64(ticks as f64 / clock_ticks_per_second())
}

#[cfg(unix)]
fn clock_ticks_per_second() -> f64 {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64
}

/// No /proc elsewhere: the CPU rows read 0 there.
#[cfg(not(unix))]
fn clock_ticks_per_second() -> f64 {
    100.0
}

/// Runs `work` (which handles `messages` messages) and returns its result with the server's CPU
/// time per message in microseconds.
async fn with_cpu<T>(
    pid: u32,
    messages: usize,
    work: impl std::future::Future<Output = T>,
) -> (T, f64) {
    let before = cpu_time(pid);
    let out = work.await;
    let used = cpu_time(pid).saturating_sub(before);
    (out, used.as_secs_f64() * 1e6 / messages as f64)
}

fn batch(prefix: usize) -> Vec<SendMessageBatchRequestEntry> {
    (0..10)
        .map(|i| {
            SendMessageBatchRequestEntry::builder()
                .id(format!("m{i}"))
                .message_body(format!("{{\"order\":{prefix},\"line\":{i},\"note\":\"benchmark message body of a typical size\"}}"))
                .build()
                .unwrap()
        })
        .collect()
}

/// Messages per second for `total` messages sent with SendMessageBatch by CLIENTS tasks.
async fn send_rate(sdk: &Client, url: &str, total: usize) -> f64 {
    let per = total / CLIENTS / 10;
    let started = Instant::now();
    join_all((0..CLIENTS).map(|c| {
        let sdk = sdk.clone();
        let url = url.to_string();
        async move {
            for b in 0..per {
                let r = sdk
                    .send_message_batch()
                    .queue_url(&url)
                    .set_entries(Some(batch(c * per + b)))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.successful().len(), 10);
            }
        }
    }))
    .await;
    (per * CLIENTS * 10) as f64 / started.elapsed().as_secs_f64()
}

/// Messages per second through send batch → receive 10 → delete batch, CLIENTS tasks.
async fn cycle_rate(sdk: &Client, url: &str, total: usize) -> f64 {
    let per = total / CLIENTS / 10;
    let started = Instant::now();
    let done: Vec<usize> = join_all((0..CLIENTS).map(|c| {
        let sdk = sdk.clone();
        let url = url.to_string();
        async move {
            let mut n = 0;
            for b in 0..per {
                sdk.send_message_batch()
                    .queue_url(&url)
                    .set_entries(Some(batch(c * per + b)))
                    .send()
                    .await
                    .unwrap();
                let r = sdk
                    .receive_message()
                    .queue_url(&url)
                    .max_number_of_messages(10)
                    .send()
                    .await
                    .unwrap();
                if r.messages().is_empty() {
                    continue;
                }
                let entries: Vec<_> = r
                    .messages()
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        DeleteMessageBatchRequestEntry::builder()
                            .id(format!("d{i}"))
                            .receipt_handle(m.receipt_handle().unwrap())
                            .build()
                            .unwrap()
                    })
                    .collect();
                n += entries.len();
                sdk.delete_message_batch()
                    .queue_url(&url)
                    .set_entries(Some(entries))
                    .send()
                    .await
                    .unwrap();
            }
            n
        }
    }))
    .await;
    done.iter().sum::<usize>() as f64 / started.elapsed().as_secs_f64()
}

async fn latency_ms(sdk: &Client, url: &str, n: usize) -> (f64, f64) {
    let mut samples = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        sdk.send_message()
            .queue_url(url)
            .message_body(format!("latency {i}"))
            .send()
            .await
            .unwrap();
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (samples[n / 2], samples[(n * 99) / 100])
}

fn row(figure: &str, ours: String, reference: String, ratio: String, target: &str) {
    println!("| {figure} | {ours} | {reference} | {ratio} | {target} |");
}

#[tokio::main]
async fn main() {
    let bin = std::env::args()
        .nth(1)
        .expect("usage: bench PATH_TO_RELEASE_SQS_SANDBOX");
    let stored: usize = std::env::var("BENCH_STORED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url, _) = spawn_sandbox(&bin, dir.path());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle = rss_mib(child.id());
    let sdk = sdk_client(&url);
    let moto = Moto::start();
    let msdk = moto.sdk();

    let q = test_support::create_queue(&sdk, "bench-send").await;
    let mq = test_support::create_queue(&msdk, "bench-send").await;
    send_rate(&sdk, &q, 8_000).await; // warm-up
    let (ours_send, ours_send_cpu) =
        with_cpu(child.id(), 200_000, send_rate(&sdk, &q, 200_000)).await;
    let (moto_send, moto_send_cpu) =
        with_cpu(moto.pid(), 4_000, send_rate(&msdk, &mq, 4_000)).await;

    let q2 = test_support::create_queue(&sdk, "bench-cycle").await;
    let mq2 = test_support::create_queue(&msdk, "bench-cycle").await;
    let (ours_cycle, ours_cycle_cpu) =
        with_cpu(child.id(), 100_000, cycle_rate(&sdk, &q2, 100_000)).await;
    let (moto_cycle, moto_cycle_cpu) =
        with_cpu(moto.pid(), 1_600, cycle_rate(&msdk, &mq2, 1_600)).await;

    let q3 = test_support::create_queue(&sdk, "bench-latency").await;
    let mq3 = test_support::create_queue(&msdk, "bench-latency").await;
    latency_ms(&sdk, &q3, 200).await;
    let (p50, p99) = latency_ms(&sdk, &q3, 2_000).await;
    let (mp50, mp99) = latency_ms(&msdk, &mq3, 300).await;

    // Fill to `stored` messages in total, then memory and restart.
    let have = 8_000 + 200_000 + 2_200;
    if stored > have {
        send_rate(&sdk, &q, stored - have).await;
    }
    let total: i64 = {
        let mut t = 0;
        for u in [&q, &q2, &q3] {
            let a = sdk
                .get_queue_attributes()
                .queue_url(u.as_str())
                .attribute_names(
                    aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages,
                )
                .send()
                .await
                .unwrap();
            t += a
                .attributes()
                .unwrap()
                .values()
                .next()
                .unwrap()
                .parse::<i64>()
                .unwrap();
        }
        t
    };
    let full = rss_mib(child.id());
    child.kill().unwrap();
    child.wait().unwrap();
    let (mut child2, url2, to_listen) = spawn_sandbox(&bin, dir.path());
    let t = Instant::now();
    let sdk2 = sdk_client(&url2);
    let listed = sdk2.list_queues().send().await.unwrap();
    let restart = to_listen + t.elapsed();
    assert_eq!(listed.queue_urls().len(), 3);
    let after_restart = rss_mib(child2.id());
    child2.kill().unwrap();
    child2.wait().unwrap();

    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
    println!("Sandbox benchmark — {cores} cores, {mem_gib:.0} GiB, release build, persistent (SQLite WAL), {CLIENTS} concurrent clients, batches of 10, aws-sdk-sqs");
    println!();
    println!("| figure | sqs-sandbox | moto (same run) | ratio | target |");
    println!("|---|---|---|---|---|");
    row(
        "SendMessageBatch throughput",
        format!("{ours_send:.0} msg/s"),
        format!("{moto_send:.0} msg/s"),
        format!("{:.0}×", ours_send / moto_send),
        "≥ 20,000 msg/s, ≥ 100× moto",
    );
    row(
        "send → receive 10 → delete batch",
        format!("{ours_cycle:.0} msg/s"),
        format!("{moto_cycle:.0} msg/s"),
        format!("{:.0}×", ours_cycle / moto_cycle),
        "≥ 10,000 msg/s",
    );
    row(
        "server CPU per message sent in batches",
        format!("{ours_send_cpu:.1} µs"),
        format!("{moto_send_cpu:.0} µs"),
        format!("{:.0}×", moto_send_cpu / ours_send_cpu),
        "≤ 15 µs",
    );
    row(
        "server CPU per message, send → receive → delete",
        format!("{ours_cycle_cpu:.1} µs"),
        format!("{moto_cycle_cpu:.0} µs"),
        format!("{:.0}×", moto_cycle_cpu / ours_cycle_cpu),
        "≤ 50 µs",
    );
    row(
        "SendMessage latency p50 / p99 (1 client)",
        format!("{p50:.2} / {p99:.2} ms"),
        format!("{mp50:.2} / {mp99:.2} ms"),
        format!("{:.0}× / {:.0}×", mp50 / p50, mp99 / p99),
        "p99 < 2 ms",
    );
    row(
        "RSS idle",
        format!("{idle:.1} MiB"),
        "—".into(),
        "—".into(),
        "< 30 MB",
    );
    row(
        &format!("RSS with {total} stored messages"),
        format!("{full:.1} MiB"),
        "—".into(),
        "—".into(),
        "< 200 MB at 1,000,000",
    );
    row(
        &format!("restart with {total} messages (exec → first ListQueues answer)"),
        format!("{:.0} ms", restart.as_secs_f64() * 1000.0),
        "—".into(),
        "—".into(),
        "< 2 s",
    );
    row(
        "RSS right after that restart",
        format!("{after_restart:.1} MiB"),
        "—".into(),
        "—".into(),
        "",
    );
}
