//! SQS Pilot's local sandbox: an SQS-compatible server (JSON protocol) with real SQS semantics,
//! stored in SQLite. Used standalone (`sqs-sandbox` binary) and embedded in the app. No Tauri.

mod attributes;
mod error;
mod host_guard;
mod message_ops;
mod query;
mod queue_ops;
mod redrive_ops;
mod request;
mod sandbox;
mod server;
mod store;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;

pub use error::SqsError;
pub use host_guard::HostGuard;
pub use sandbox::{Config, Sandbox};

/// A running sandbox server.
pub struct Running {
    pub addr: SocketAddr,
    /// `http://HOST:PORT`, the endpoint URL for SDKs.
    pub url: String,
    pub sandbox: Arc<Sandbox>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting requests and waits for the server task to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Waits until the server ends (after `stop` from elsewhere or an error).
    pub async fn wait(mut self) {
        let _ = (&mut self.task).await;
    }
}

/// Errors starting the sandbox.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("the sandbox's database could not be opened: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the sandbox could not listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

/// Opens the database and starts serving on `host:port` (port 0 = any free port).
pub async fn start(config: Config, host: &str, port: u16) -> Result<Running, StartError> {
    let allow_hosts = config.allow_hosts.clone();
    let sandbox = Sandbox::open(config)?;
    let addr = format!("{host}:{port}");
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|source| StartError::Bind {
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
    let task = tokio::spawn(async move {
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
    })
}
