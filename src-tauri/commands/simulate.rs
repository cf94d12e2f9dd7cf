//! Commands for the live simulator (ticks streamed over a channel; `stop_job(sim_id)` stops
//! it, and so does closing the window) and for the request counter of each connection.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sqs_core::simulator::{self, SimSettings, SimSink, SimTick};
use sqs_core::usage::UsageView;
use tauri::ipc::Channel;
use tauri::State;

use crate::commands::jobs::Jobs;
use crate::error::CommandResult;
use crate::state::AppState;

struct ChannelSimSink {
    channel: Channel<SimTick>,
    stop: Arc<AtomicBool>,
}

impl SimSink for ChannelSimSink {
    fn tick(&self, t: SimTick) {
        if self.channel.send(t).is_err() {
            // The window is gone: stop the workers.
            self.stop.store(true, Ordering::SeqCst);
        }
    }
    fn cancelled(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// Runs the simulator on a queue until stopped; returns the last tick.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn simulate(
    state: State<'_, AppState>,
    polls: State<'_, Jobs>,
    connection_id: String,
    url: String,
    dlq_url: Option<String>,
    sim_id: String,
    settings: SimSettings,
    on_tick: Channel<SimTick>,
) -> CommandResult<SimTick> {
    let client = state.client(&connection_id).await?;
    let sink = Arc::new(ChannelSimSink {
        channel: on_tick,
        stop: polls.start(&sim_id),
    });
    let result = simulator::run(&client, &url, dlq_url.as_deref(), &settings, sink).await;
    polls.finish(&sim_id);
    Ok(result?)
}

/// The requests sent on a connection since it was opened, and their cost at SQS prices.
#[tauri::command]
pub async fn connection_usage(
    state: State<'_, AppState>,
    connection_id: String,
) -> CommandResult<UsageView> {
    let client = state.client(&connection_id).await?;
    Ok(client.usage.view())
}
