//! SQS Pilot's local sandbox: an SQS-compatible server (JSON and query protocols) with real SQS
//! semantics, stored in SQLite. Used standalone (`sqs-sandbox` binary) and embedded in the app.
//! It runs on its own tokio runtime (its own threads), so heavy traffic to it never delays the
//! async work of the program that embeds it, and stopping it ends every task it started. No Tauri.

mod attributes;
pub mod clock;
mod error;
mod host_guard;
mod message_ops;
mod query;
mod queue_ops;
mod receive_ops;
mod redrive_ops;
mod request;
mod sandbox;
mod send_ops;
mod server;
mod store;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;

pub use error::SqsError;
pub use host_guard::HostGuard;
pub use sandbox::{Config, Sandbox};

/// A running sandbox server. Dropping it (or `stop`) ends the server and every task it started.
pub struct Running {
    pub addr: SocketAddr,
    /// `http://HOST:PORT`, the endpoint URL for SDKs.
    pub url: String,
    pub sandbox: Arc<Sandbox>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    /// The sandbox's own runtime: long polls, SQLite work and move tasks run here.
    _runtime: OwnRuntime,
}

/// A runtime that shuts down without blocking when dropped, so it may be dropped anywhere
/// (inside async code too, where dropping a tokio runtime would panic).
struct OwnRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl Running {
    /// Stops accepting requests, gives requests in progress up to two seconds to answer, then
    /// ends every task the sandbox started (move tasks, long polls) with its runtime.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), &mut self.task).await;
    }

    /// Waits until the server ends (after `stop` from elsewhere or an error).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Errors starting the sandbox.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the sandbox's database could not be opened: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the sandbox's threads could not start: {0}")]
    Runtime(std::io::Error),
    #[error("the sandbox could not listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

/// Opens the database and starts serving on `host:port` (port 0 = any free port), on the
/// sandbox's own runtime of `config.worker_threads` threads.
pub async fn start(config: Config, host: &str, port: u16) -> Result<Running, StartError> {
    let allow_hosts = config.allow_hosts.clone();
    let runtime = OwnRuntime(Some(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.worker_threads.max(1))
            .thread_name("sqs-sandbox")
            .enable_all()
            .build()
            .map_err(StartError::Runtime)?,
    ));
    let rt = runtime.0.as_ref().expect("just built");
    let sandbox = Sandbox::open(config)?;
    let addr = format!("{host}:{port}");
    let bind = |addr: &str| -> std::io::Result<tokio::net::TcpListener> {
        let std_listener = std::net::TcpListener::bind(addr)?;
        std_listener.set_nonblocking(true)?;
        let _on_its_runtime = rt.enter();
        tokio::net::TcpListener::from_std(std_listener)
    };
    let listener = bind(&addr).map_err(|source| StartError::Bind {
        addr: addr.clone(),
        source,
    })?;
    let local = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    let url = format!("http://{local}");
    sandbox.set_base_url(url.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let guard = HostGuard::new(host, local.port(), &allow_hosts);
    let app = server::router(sandbox.clone(), guard);
    let task = rt.spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
    });
    Ok(Running {
        addr: local,
        url,
        sandbox,
        shutdown: Some(tx),
        task,
        _runtime: runtime,
    })
}
