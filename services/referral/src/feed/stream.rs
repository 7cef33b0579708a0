//! The hospital's event stream: every event of the feed, published to NATS JetStream
//! for the hospital's other systems (a data platform, a ward display, the HIS's own
//! bus) by the process that leads the relay.
//!
//! Two streams, so that a consumer's permissions can follow the feed's scopes:
//! `<PREFIX>_STATIONS` holds every event on `<prefix>.station.<station>.<TYPE>`, as the
//! station's staff see it; `<PREFIX>_DEPARTMENTS` holds the events a department may
//! see on `<prefix>.hospital.<hospital>.department.<department>.<TYPE>`, as the HIS
//! sees them (station-only events never go there). A `.` in an id becomes `~` (a
//! token separator in NATS; never part of an id). Each message is the contract's
//! `yishe.referral.v1.ReferralEvent`, protobuf-encoded, without a closure's summary
//! (words about the patient stay behind the API), and carries `Nats-Msg-Id` = the
//! event id, so JetStream drops a repeat within its duplicate window.
//!
//! Publishing never holds up the feed: it runs beside the relay, from a cursor kept in
//! the database, advanced past each event once JetStream acknowledged it (after a
//! batch, and before a failure is reported). Any replica whose relay took the lock on
//! its last run publishes, so with several replicas the same event may be sent more
//! than once; JetStream keeps the first. A replica that dies mid-batch leaves the
//! cursor behind what it sent; the next one sends those events again and the repeats
//! are dropped.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, message::PublishMessage, stream};
use prost::Message as _;
use yishe_domain::Role;
use yishe_domain::referral::{ReferralEvent, disclose_event};
use yishe_runtime::Shutdown;
use yishe_store::FeedRelay;

use crate::metrics::ReferralMetrics;

/// The cursor's name in the database.
const CURSOR: &str = "jetstream";
/// Events published between two advances of the cursor.
const BATCH: u32 = 200;
/// How long after a failure (NATS unreachable, a stream refused) to try again.
const RETRY_AFTER: Duration = Duration::from_secs(1);
/// How often to look without being told the feed moved.
const LOOK_EVERY: Duration = Duration::from_secs(1);
/// How long JetStream remembers a message id: far longer than a replica takes to be
/// replaced and to send a batch its predecessor died in (a repeat can only come from
/// such a batch, as the cursor moves past every acknowledged event).
const DUPLICATE_WINDOW: Duration = Duration::from_secs(60 * 60);

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Where the events go: the NATS server, the subjects' first token, and how long the
/// streams Yishe creates keep an event (the feed's own retention).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamTarget {
    pub url: String,
    pub prefix: String,
    pub keep_for: Duration,
}

impl StreamTarget {
    /// The stream holding every event, for the stations.
    pub fn stations_stream(&self) -> String {
        format!("{}_STATIONS", self.prefix.to_ascii_uppercase())
    }

    /// The stream holding what departments may see.
    pub fn departments_stream(&self) -> String {
        format!("{}_DEPARTMENTS", self.prefix.to_ascii_uppercase())
    }

    fn station_subject(&self, event: &ReferralEvent) -> String {
        format!(
            "{}.station.{}.{}",
            self.prefix,
            token(event.station.as_str()),
            event.event_type.as_str()
        )
    }

    fn department_subject(&self, event: &ReferralEvent) -> String {
        format!(
            "{}.hospital.{}.department.{}.{}",
            self.prefix,
            token(event.hospital.as_str()),
            event.department,
            event.event_type.as_str()
        )
    }
}

/// An id as one subject token.
fn token(id: &str) -> String {
    id.replace('.', "~")
}

/// The publisher of one process.
pub(crate) struct Publisher {
    store: Arc<dyn FeedRelay>,
    target: StreamTarget,
    jetstream: jetstream::Context,
    streams_ready: bool,
    metrics: ReferralMetrics,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Publisher {
    /// A publisher to `target`, connecting in the background (a NATS server that is
    /// down at start delays publishing, never the process).
    pub(crate) async fn connect(
        store: Arc<dyn FeedRelay>,
        target: StreamTarget,
        metrics: ReferralMetrics,
    ) -> Result<Self, Failure> {
        let client = async_nats::ConnectOptions::new()
            .name("yishe-relay")
            .retry_on_initial_connect()
            .connect(target.url.as_str())
            .await?;
        Ok(Self {
            store,
            target,
            jetstream: jetstream::new(client),
            streams_ready: false,
            metrics,
        })
    }

    /// Publishes until shutdown, whenever this process leads the relay.
    pub(crate) async fn run(mut self, shutdown: Shutdown) {
        let mut moved = self.store.feed_moved();
        loop {
            if self.store.leads_relay() {
                match self.publish_pending().await {
                    // More may be waiting: go again at once.
                    Ok(published) if published == BATCH as usize => continue,
                    Ok(_) => {}
                    Err(error) => {
                        self.metrics.stream_failed();
                        // The streams may be gone (deleted, NATS back with empty
                        // storage): made again on the next try.
                        self.streams_ready = false;
                        tracing::warn!(%error, "cannot publish the feed to NATS; retrying");
                        // Paced by the clock, not by the feed's moves.
                        tokio::select! {
                            _ = tokio::time::sleep(RETRY_AFTER) => continue,
                            _ = shutdown.wait() => return,
                        }
                    }
                }
            }
            tokio::select! {
                changed = moved.changed() => if changed.is_err() { return },
                _ = tokio::time::sleep(LOOK_EVERY) => {}
                _ = shutdown.wait() => return,
            }
        }
    }

    /// Publishes the events after the cursor, up to a batch, and advances it; returns
    /// how many it published.
    async fn publish_pending(&mut self) -> Result<usize, Failure> {
        if !self.streams_ready {
            self.create_streams().await?;
            self.streams_ready = true;
        }
        let from = self.store.stream_cursor(CURSOR).await?;
        let events = self.store.feed_after(from, BATCH).await?;
        let Some(to) = events.last().and_then(|e| e.sequence) else {
            return Ok(0);
        };
        // (A first publish starts from what the feed still holds: nothing was missed.)
        if let Some(first) = events.first().and_then(|e| e.sequence)
            && from > 0
            && first > from + 1
        {
            // Pruned by retention before they could be published (NATS was away
            // longer than the feed keeps events): said loudly, then passed over.
            tracing::error!(
                missed = first - from - 1,
                "feed events were pruned before they reached NATS"
            );
        }
        let mut acknowledged = from;
        for event in &events {
            if let Err(error) = self.publish(event).await {
                // What went out stays out: the cursor moves past it before the
                // failure is reported, so a long outage repeats nothing.
                if acknowledged > from
                    && self
                        .store
                        .advance_stream_cursor(CURSOR, from, acknowledged)
                        .await?
                {
                    self.metrics.streamed((acknowledged - from) as usize);
                }
                return Err(error);
            }
            acknowledged = event.sequence.unwrap_or(acknowledged);
        }
        if self.store.advance_stream_cursor(CURSOR, from, to).await? {
            self.metrics.streamed(events.len());
        }
        Ok(events.len())
    }

    /// One event: on the station's subject, and on the department's unless it is the
    /// station's own business; each acknowledged before the next.
    async fn publish(&self, event: &ReferralEvent) -> Result<(), Failure> {
        let mut shown = event.clone();
        if let Some(closure) = shown.closure.as_mut() {
            closure.summary.clear();
        }
        self.send(self.target.station_subject(event), event, &shown)
            .await?;
        if !event.event_type.is_station_only() {
            let department = disclose_event(Role::HisIntegration, shown);
            self.send(self.target.department_subject(event), event, &department)
                .await?;
        }
        Ok(())
    }

    async fn send(
        &self,
        subject: String,
        event: &ReferralEvent,
        shown: &ReferralEvent,
    ) -> Result<(), Failure> {
        let payload = yishe_proto::convert::referral::event_to_proto(shown).encode_to_vec();
        let message = PublishMessage::build()
            .payload(payload.into())
            .message_id(event.id.to_string());
        // The first await sends; the second waits for the stream's acknowledgement.
        self.jetstream.send_publish(subject, message).await?.await?;
        Ok(())
    }

    async fn create_streams(&self) -> Result<(), Failure> {
        let prefix = &self.target.prefix;
        for (name, subjects) in [
            (self.target.stations_stream(), format!("{prefix}.station.>")),
            (
                self.target.departments_stream(),
                format!("{prefix}.hospital.>"),
            ),
        ] {
            self.jetstream
                .get_or_create_stream(stream::Config {
                    name,
                    subjects: vec![subjects],
                    duplicate_window: DUPLICATE_WINDOW,
                    max_age: self.target.keep_for,
                    ..Default::default()
                })
                .await?;
        }
        Ok(())
    }
}
