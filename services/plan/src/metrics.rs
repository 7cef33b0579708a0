//! The plan service's metrics, registered in the process's registry: plan steps by kind
//! (submitted, approved, returned, revised), intervention moves by kind and state, and
//! volunteer tasks by what happened to them (overdue ones among them).
//! Labels are codes, never content.

use prometheus::IntCounterVec;
use yishe_domain::plan::{InterventionKind, InterventionState};
use yishe_runtime::Metrics;

#[derive(Debug, Clone)]
pub(crate) struct PlanMetrics {
    steps: IntCounterVec,
    interventions: IntCounterVec,
    tasks: IntCounterVec,
}

impl PlanMetrics {
    pub(crate) fn register(metrics: &Metrics) -> Self {
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
