//! The plan service's metrics, registered in the process's registry: plan steps by kind
//! (submitted, approved, returned, revised), intervention moves by kind and state, and
//! volunteer tasks by what happened to them (overdue ones among them), and, read at
//! each scrape, the tasks on the board nobody claimed. Labels are codes, never content.

use std::sync::Arc;

use prometheus::IntCounterVec;
use yishe_domain::Clock;
use yishe_domain::plan::{InterventionKind, InterventionState};
use yishe_runtime::Metrics;
use yishe_store::Gauges;

#[derive(Debug, Clone)]
pub(crate) struct PlanMetrics {
    steps: IntCounterVec,
    interventions: IntCounterVec,
    tasks: IntCounterVec,
}

impl PlanMetrics {
    /// Registers the metrics in `metrics`, and the unclaimed tasks read from `gauges`
    /// (past their claim deadline by `clock`) at each scrape.
    pub(crate) fn register(
        metrics: &Metrics,
        gauges: Arc<dyn Gauges>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        register_unclaimed(metrics, gauges, clock);
        Self {
            steps: metrics.counter(
                "yishe_plan_steps_total",
                "Service plan versions created, submitted, approved, returned and revised.",
                &["step"],
            ),
            interventions: metrics.counter(
                "yishe_plan_interventions_moved_total",
                "Interventions moved to a state, by kind of intervention.",
                &["kind", "state"],
            ),
            tasks: metrics.counter(
                "yishe_volunteer_tasks_total",
                "Volunteer tasks by what happened: posted, claimed, reported, reviewed, cancelled, and overdue (unclaimed past the deadline on the board).",
                &["event"],
            ),
        }
    }

    /// A plan took `step` (`created`, `submitted`, `approved`, `returned`, `revised`).
    pub(crate) fn step(&self, step: &'static str) {
        self.steps.with_label_values(&[step]).inc();
    }

    /// A volunteer task `event` (`posted`, `claimed`, `overdue`, …).
    pub(crate) fn task(&self, event: &'static str) {
        self.tasks.with_label_values(&[event]).inc();
    }

    pub(crate) fn moved(&self, kind: InterventionKind, state: InterventionState) {
        self.interventions
            .with_label_values(&[kind.as_str(), state.as_str()])
            .inc();
    }
}

/// `yishe_volunteer_tasks_unclaimed`, read from the database at each scrape.
fn register_unclaimed(metrics: &Metrics, gauges: Arc<dyn Gauges>, clock: Arc<dyn Clock>) {
    let unclaimed = metrics.gauge(
        "yishe_volunteer_tasks_unclaimed",
        "Volunteer tasks on the board that nobody claimed, by station and whether their \
         claim deadline passed.",
        &["station", "past_deadline"],
    );
    metrics.on_scrape(move || {
        let (unclaimed, gauges, now) = (unclaimed.clone(), gauges.clone(), clock.now());
        async move {
            match gauges.unclaimed_volunteer_tasks(now).await {
                Ok(counts) => {
                    unclaimed.reset();
                    for c in counts {
                        let station = c.station.as_str();
                        unclaimed
                            .with_label_values(&[station, "false"])
                            .set(c.count - c.overdue);
                        unclaimed
                            .with_label_values(&[station, "true"])
                            .set(c.overdue);
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot refresh unclaimed task counts"),
            }
        }
    });
}
