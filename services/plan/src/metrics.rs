//! The plan service's metrics, registered in the process's registry: plan steps by kind
//! (submitted, approved, returned, revised) and intervention moves by kind and state.
//! Labels are codes, never content.

use prometheus::IntCounterVec;
use yishe_domain::plan::{InterventionKind, InterventionState};
use yishe_runtime::Metrics;

#[derive(Debug, Clone)]
pub(crate) struct PlanMetrics {
    steps: IntCounterVec,
    interventions: IntCounterVec,
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
        }
    }

    /// A plan took `step` (`created`, `submitted`, `approved`, `returned`, `revised`).
    pub(crate) fn step(&self, step: &'static str) {
        self.steps.with_label_values(&[step]).inc();
    }

    pub(crate) fn moved(&self, kind: InterventionKind, state: InterventionState) {
        self.interventions
            .with_label_values(&[kind.as_str(), state.as_str()])
            .inc();
    }
}
