//! The feed under load: four callers create referrals (as fast as they can, or at a
//! steady pace) while supervisors watch the whole feed. Every watcher checks that it
//! got every event once and in order; the row notes the deliveries, the server's CPU
//! per delivery and how long an event took from its commit to a watcher.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio_stream::StreamExt;
use yishe_proto::client::Bearer;
use yishe_proto::referral::WatchReferralEventsRequest;
use yishe_proto::referral::referral_service_client::ReferralServiceClient;

use crate::load::Stats;
use crate::seed::Station;
use crate::server::Server;
use crate::workloads::{Plan, creates};

/// Watchers whose latencies are sampled, spread over the fan-out order.
const SAMPLED: usize = 10;
/// The longest the watchers may take to drain once the creates stop.
const DRAIN_LIMIT: Duration = Duration::from_secs(60);

/// What one watcher saw.
#[derive(Debug, Default)]
struct Watched {
    received: AtomicU64,
    /// The last sequence received.
    last: AtomicU64,
    /// Events that did not follow the one before (skipped, repeated, out of order).
    out_of_order: AtomicU64,
}

/// The feed's head once the relay has moved the last creates' events: when it stops
/// moving.
async fn settled_head(server: &Server) -> u64 {
    let mut head = server.store.feed_head().await.expect("the feed's head");
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let now = server.store.feed_head().await.expect("the feed's head");
        if now == head {
            return head;
        }
        head = now;
    }
}

pub(crate) async fn watched_creates(
    server: &Server,
    station: &Station,
    plan: Plan,
    watchers: usize,
    rate: Option<f64>,
) -> (Stats, String) {
    let head = server.store.feed_head().await.expect("the feed's head");
    let latency = Arc::new(std::sync::Mutex::new(Vec::new()));
    let channel = server.channel().await;
    let mut watched = Vec::new();
    let mut streams = Vec::new();
    for w in 0..watchers {
        let mut client = ReferralServiceClient::with_interceptor(
            channel.clone(),
            Bearer::new(Some(&station.supervisor_key)).expect("ascii key"),
        );
        let seen = Arc::new(Watched::default());
        seen.last.store(head, Ordering::Relaxed);
        watched.push(seen.clone());
        let sampled = w % (watchers / SAMPLED).max(1) == 0;
        let latency = latency.clone();
        streams.push(tokio::spawn(async move {
            let request = WatchReferralEventsRequest::after(head);
            let Ok(stream) = client.watch_referral_events(request).await else {
                return;
            };
            let mut stream = stream.into_inner();
            while let Some(Ok(message)) = stream.next().await {
                let Some(event) = message.into_event() else {
                    continue;
                };
                let before = seen.last.swap(event.sequence, Ordering::Relaxed);
                if event.sequence != before + 1 {
                    seen.out_of_order.fetch_add(1, Ordering::Relaxed);
                }
                seen.received.fetch_add(1, Ordering::Relaxed);
                if let Some(at) = sampled.then_some(event.occur_time).flatten()
                    && let Some(sent) =
                        chrono::DateTime::from_timestamp(at.seconds, at.nanos as u32)
                {
                    let waited = chrono::Utc::now() - sent;
                    let waited = waited.num_microseconds().unwrap_or(0);
                    latency.lock().expect("lock").push(waited);
                }
            }
        }));
    }
    // Let the watchers connect before the clock starts.
    tokio::time::sleep(Duration::from_millis(200 + watchers as u64)).await;
    let started = Instant::now();
    let cpu_before = crate::cpu::server_cpu();
    let mut drive = plan.drive(4);
    drive.rate = rate;
    let stats = creates(server, station, drive).await;
    let end = settled_head(server).await;
    // Every watcher should reach the feed's head: wait for the slowest.
    let drained_by = Instant::now() + DRAIN_LIMIT;
    while Instant::now() < drained_by
        && watched.iter().any(|w| w.last.load(Ordering::Relaxed) < end)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let server_cpu = crate::cpu::server_cpu().saturating_sub(cpu_before);
    let elapsed = started.elapsed();
    for stream in streams {
        stream.abort();
    }
    if watchers == 0 {
        return (stats, String::new());
    }
    let delivered: u64 = watched
        .iter()
        .map(|w| w.received.load(Ordering::Relaxed))
        .sum();
    let events = end - head;
    let short = watched
        .iter()
        .filter(|w| w.received.load(Ordering::Relaxed) != events)
        .count();
    let out_of_order = watched
        .iter()
        .filter(|w| w.out_of_order.load(Ordering::Relaxed) > 0)
        .count();
    let mut latency = latency.lock().expect("lock").clone();
    latency.sort_unstable();
    let p99 = latency
        .get(((latency.len() as f64 - 1.0) * 0.99).max(0.0) as usize)
        .map(|us| *us as f64 / 1000.0)
        .unwrap_or(0.0);
    let exact = if short == 0 && out_of_order == 0 {
        format!("every watcher got all {events} events once, in order")
    } else {
        format!("{short} watchers missed events, {out_of_order} saw them out of order")
    };
    let note = format!(
        "{delivered} deliveries ({:.0}/s), server CPU {:.2} µs per delivery (creates \
         included); commit to watcher p99 {p99:.0} ms; {exact}",
        delivered as f64 / elapsed.as_secs_f64(),
        server_cpu.as_secs_f64() * 1e6 / delivered.max(1) as f64,
    );
    (stats, note)
}
