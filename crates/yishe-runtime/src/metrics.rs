//! The Prometheus registry: gRPC RED metrics under the names ops dashboards know, and
//! the domain's own. Labels are method names, codes, priorities, reasons and statuses:
//! never an id or anything about a patient.

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry};

/// Every metric a Yishe process exports.
#[derive(Debug, Clone)]
pub struct Metrics {
    pub registry: Registry,
    pub grpc_started: IntCounterVec,
    pub grpc_handled: IntCounterVec,
    pub grpc_handling_seconds: HistogramVec,
    /// Referrals created, by priority and reason (a referral counts once per reason).
    pub referrals_created: IntCounterVec,
    /// Seconds from creation to acceptance, by priority.
    pub time_to_accept_seconds: HistogramVec,
    /// Referrals still REQUESTED at their acceptance deadline, by priority.
    pub sla_breaches: IntCounterVec,
    /// Referrals in each open status, refreshed at every scrape.
    pub open_referrals: IntGaugeVec,
    /// Events moved into the feed by the relay.
    pub feed_events_relayed: IntCounterVec,
    /// Break-glass accesses to referrals outside the caller's scope.
    pub break_glass: IntCounterVec,
    /// Instruments scored in submitted assessments, by instrument.
    pub instruments_scored: IntCounterVec,
    /// Risk flags raised, by instrument and kind of risk.
    pub risk_flags_raised: IntCounterVec,
    /// Seconds from a risk flag to its acknowledgement, by kind of risk.
    pub risk_flag_time_to_acknowledge_seconds: HistogramVec,
    /// Risk flags not yet acknowledged, by kind, refreshed at every scrape.
    pub risk_flags_open: IntGaugeVec,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let method = &["grpc_service", "grpc_method"];
        let grpc_started = IntCounterVec::new(
            Opts::new("grpc_server_started_total", "RPCs started on the server."),
            method,
        )
        .expect("valid metric");
        let grpc_handled = IntCounterVec::new(
            Opts::new(
                "grpc_server_handled_total",
                "RPCs completed on the server, by code.",
            ),
            &["grpc_service", "grpc_method", "grpc_code"],
        )
        .expect("valid metric");
        let grpc_handling_seconds = HistogramVec::new(
            HistogramOpts::new(
                "grpc_server_handling_seconds",
                "Time until the server answered an RPC (for streams: until the stream opened).",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            method,
        )
        .expect("valid metric");
        let referrals_created = IntCounterVec::new(
            Opts::new(
                "yishe_referrals_created_total",
                "Referrals created, by priority and reason.",
            ),
            &["priority", "reason"],
        )
        .expect("valid metric");
        let time_to_accept_seconds = HistogramVec::new(
            HistogramOpts::new(
                "yishe_referral_time_to_accept_seconds",
                "Seconds from a referral's creation to its acceptance.",
            )
            .buckets(vec![
                60.0,
                300.0,
                900.0,
                1800.0,
                3600.0,
                4.0 * 3600.0,
                12.0 * 3600.0,
                24.0 * 3600.0,
                72.0 * 3600.0,
                7.0 * 24.0 * 3600.0,
            ]),
            &["priority"],
        )
        .expect("valid metric");
        let sla_breaches = IntCounterVec::new(
            Opts::new(
                "yishe_referral_sla_breaches_total",
                "Referrals not accepted by their deadline.",
            ),
            &["priority"],
        )
        .expect("valid metric");
        let open_referrals = IntGaugeVec::new(
            Opts::new("yishe_referrals_open", "Referrals in each open status."),
            &["status"],
        )
        .expect("valid metric");
        let feed_events_relayed = IntCounterVec::new(
            Opts::new(
                "yishe_feed_events_relayed_total",
                "Events moved from the outbox into the feed.",
            ),
            &["feed"],
        )
        .expect("valid metric");
        let break_glass = IntCounterVec::new(
            Opts::new(
                "yishe_break_glass_total",
                "Break-glass accesses to referrals outside the caller's scope.",
            ),
            &["role"],
        )
        .expect("valid metric");
        let instruments_scored = IntCounterVec::new(
            Opts::new(
                "yishe_assessment_instruments_scored_total",
                "Instruments scored in submitted or amended assessments.",
            ),
            &["instrument"],
        )
        .expect("valid metric");
        let risk_flags_raised = IntCounterVec::new(
            Opts::new(
                "yishe_risk_flags_raised_total",
                "Risk flags raised by assessments, by instrument and kind of risk.",
            ),
            &["instrument", "kind"],
        )
        .expect("valid metric");
        let risk_flag_time_to_acknowledge_seconds = HistogramVec::new(
            HistogramOpts::new(
                "yishe_risk_flag_time_to_acknowledge_seconds",
                "Seconds from a risk flag to a supervisor's acknowledgement.",
            )
            .buckets(vec![
                60.0,
                300.0,
                900.0,
                1800.0,
                3600.0,
                4.0 * 3600.0,
                12.0 * 3600.0,
                24.0 * 3600.0,
                72.0 * 3600.0,
            ]),
            &["kind"],
        )
        .expect("valid metric");
        let risk_flags_open = IntGaugeVec::new(
            Opts::new(
                "yishe_risk_flags_open",
                "Risk flags not yet acknowledged by a supervisor.",
            ),
            &["kind"],
        )
        .expect("valid metric");
        for collector in [
            Box::new(grpc_started.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(grpc_handled.clone()),
            Box::new(grpc_handling_seconds.clone()),
            Box::new(referrals_created.clone()),
            Box::new(time_to_accept_seconds.clone()),
            Box::new(sla_breaches.clone()),
            Box::new(open_referrals.clone()),
            Box::new(feed_events_relayed.clone()),
            Box::new(break_glass.clone()),
            Box::new(instruments_scored.clone()),
            Box::new(risk_flags_raised.clone()),
            Box::new(risk_flag_time_to_acknowledge_seconds.clone()),
            Box::new(risk_flags_open.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric registered once");
        }
        Self {
            registry,
            grpc_started,
            grpc_handled,
            grpc_handling_seconds,
            referrals_created,
            time_to_accept_seconds,
            sla_breaches,
            open_referrals,
            feed_events_relayed,
            break_glass,
            instruments_scored,
            risk_flags_raised,
            risk_flag_time_to_acknowledge_seconds,
            risk_flags_open,
        }
    }

    /// The registry in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        prometheus::TextEncoder::new()
            .encode_utf8(&self.registry.gather(), &mut out)
            .expect("text encoding cannot fail");
        out
    }
}
