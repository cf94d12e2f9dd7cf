//! `sqs-sandbox`: the local SQS-compatible server, headless, for scripts, CI and other SDKs.

use std::path::PathBuf;

use clap::Parser;

/// A local SQS-compatible server (JSON protocol) with real SQS semantics.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on (keep 127.0.0.1 unless you know why).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Another host name requests may be addressed to (repeat for more). Loopback names and the
    /// --host address are always allowed; other names are refused so web pages cannot reach the
    /// sandbox by DNS rebinding.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_host: Vec<String>,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 9324)]
    port: u16,
    /// Where the SQLite database lives (default: the platform data dir).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Keep everything in memory (lost on exit).
    #[arg(long, conflicts_with = "data_dir")]
    in_memory: bool,
    /// Region used in queue ARNs.
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// Account id used in queue URLs and ARNs.
    #[arg(long, default_value = "000000000000")]
    account_id: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let data_dir = if args.in_memory {
        None
    } else {
        Some(match args.data_dir {
            Some(d) => d,
            None => directories::ProjectDirs::from("dev", "sqs-pilot", "sqs-pilot")
                .map(|p| p.data_dir().join("sandbox"))
                .ok_or_else(|| {
                    anyhow::anyhow!("no home directory: pass --data-dir or --in-memory")
                })?,
        })
    };
    let config = sqs_sandbox::Config {
        region: args.region,
        account_id: args.account_id,
        data_dir,
        allow_hosts: args.allow_host,
        ..Default::default()
    };
    let running = sqs_sandbox::start(config, &args.host, args.port).await?;
    println!("listening on {}", running.url);
    shutdown_signal().await;
    running.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
