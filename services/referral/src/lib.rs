//! The referral service: intake from hospital departments, the station's answer
//! (accept, reject, assign, hold, resume, cancel), the live feed of events that
//! closes the loop back to the referring department, and the patient's rights over
//! what the station holds about them.

mod case_work;
mod closure;
mod error;
mod feed;
mod grpc;
mod metrics;
mod privacy;
mod privacy_grpc;
mod reassign;
mod retention;
mod service;
mod sla;

use std::sync::Arc;
use std::time::Duration;

use yishe_domain::{AcceptanceDeadlines, Clock, StationId};
use yishe_proto::privacy::patient_rights_service_server::PatientRightsServiceServer;
use yishe_proto::referral::referral_service_server::ReferralServiceServer;
use yishe_runtime::{Metrics, Process, Services, Shutdown, StartError};
use yishe_store::Store;

pub use error::Error;
pub use feed::StreamTarget;
pub use retention::purge_expired;

use crate::feed::{Feed, Publisher};
use crate::grpc::ReferralGrpc;
use crate::metrics::ReferralMetrics;
use crate::privacy::PatientRights;
use crate::privacy_grpc::PatientRightsGrpc;
use crate::service::ReferralService;

/// What the referral service needs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store: Store,
    pub metrics: Metrics,
    pub clock: Arc<dyn Clock>,
    /// Where referrals without a station go.
    pub default_station: StationId,
    pub deadlines: AcceptanceDeadlines,
    pub sla_check_interval: Duration,
    /// The newest feed events kept in memory for watchers.
    pub feed_tail_events: usize,
    /// How long an idle watch waits before it sends a checkpoint.
    pub feed_checkpoint_interval: Duration,
    /// How long closed referrals keep their patient details.
    pub retention: Duration,
    /// How long the feed keeps an event.
    pub feed_retention: Duration,
    /// How often the retention job runs.
    pub retention_interval: Duration,
    /// How far back a referral read by the station shows the patient's other cases.
    pub patient_history: chrono::Duration,
    /// Reopening period, satisfaction scale, follow-ups after closure.
    pub closure: yishe_domain::referral::ClosureRules,
    /// The NATS JetStream the relay also publishes the feed to, if any.
    pub event_stream: Option<StreamTarget>,
    pub shutdown: Shutdown,
}

impl From<&Process> for Options {
    fn from(process: &Process) -> Self {
        let c = &process.config;
        Self {
            store: process.store.clone(),
            metrics: process.metrics.clone(),
            clock: process.clock.clone(),
            default_station: c.station.station(),
            deadlines: c.referral.acceptance_deadlines,
            sla_check_interval: c.referral.sla_check_interval(),
            feed_tail_events: c.referral.feed_tail_events,
            feed_checkpoint_interval: c.referral.feed_checkpoint_interval(),
            retention: c.retention.retention(),
            feed_retention: c.retention.feed_retention(),
            retention_interval: c.retention.interval(),
            patient_history: c.referral.patient_history(),
            closure: c.closure.rules(),
            event_stream: (!c.referral.nats_url.is_empty()).then(|| StreamTarget {
                url: c.referral.nats_url.clone(),
                prefix: c.referral.nats_subject_prefix.clone(),
                keep_for: c.retention.feed_retention(),
            }),
            shutdown: process.shutdown.clone(),
        }
    }
}

/// Starts the service's background work (the feed relay and reader, the SLA watch,
/// retention)
/// and adds its gRPC service.
pub fn start(options: Options, services: &mut Services) -> Result<(), StartError> {
    let metrics = ReferralMetrics::register(&options.metrics, options.store.clone());
    let rights_store = options.store.clone();
    let feed = Feed::new(
        options.store.clone(),
        options.feed_tail_events,
        options.feed_checkpoint_interval,
        (metrics.clone(), options.clock.clone()),
        options.shutdown.clone(),
    );
    let service = ReferralService::new(
        options.store.clone(),
        metrics.clone(),
        options.default_station,
        options.deadlines,
        options.clock.clone(),
        options.patient_history,
        options.closure,
    );
    tokio::spawn(feed.clone().run_relay());
    tokio::spawn(feed.clone().run_reader());
    if let Some(target) = options.event_stream {
        let (store, metrics, shutdown) = (
            options.store.clone(),
            metrics.clone(),
            options.shutdown.clone(),
        );
        tokio::spawn(async move {
            match Publisher::connect(store, target, metrics.clone()).await {
                Ok(publisher) => publisher.run(shutdown).await,
                Err(error) => {
                    metrics.stream_failed();
                    tracing::error!(%error, "cannot publish the feed to NATS: nats_url is unusable")
                }
            }
        });
    }
    tokio::spawn(retention::run(
        options.store,
        options.clock,
        retention::Periods {
            closed_referrals: options.retention,
            feed: options.feed_retention,
            every: options.retention_interval,
        },
        options.shutdown.clone(),
    ));
    tokio::spawn(sla::run(
        service.clone(),
        options.sla_check_interval,
        options.shutdown,
    ));
    services.add(ReferralServiceServer::new(ReferralGrpc::new(service, feed)));
    services.add(PatientRightsServiceServer::new(PatientRightsGrpc::new(
        PatientRights::new(rights_store),
    )));
    Ok(())
}

/// Joins a process with the options it gives.
pub fn register(process: &Process, services: &mut Services) -> Result<(), StartError> {
    start(Options::from(process), services)
}
