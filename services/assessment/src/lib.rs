//! The assessment service (预估): the validated instruments as forms a client renders
//! (with the station's licensed wording), assessments scored on the server and kept in
//! versions, the comparison over time, and the risk flags that escalate a referral at
//! once and stay open until a supervisor acknowledges them.

mod error;
mod escalation;
mod forms;
mod grpc;
mod metrics;
mod risk_flags;
mod service;

use std::sync::Arc;

use yishe_domain::Clock;
use yishe_domain::assessment::Cutoffs;
use yishe_proto::assessment::assessment_service_server::AssessmentServiceServer;
use yishe_runtime::config::AssessmentConfig;
use yishe_runtime::{Metrics, Process, Services, StartError};
use yishe_store::Store;

pub use error::Error;

use crate::forms::Forms;
use crate::grpc::AssessmentGrpc;
use crate::metrics::AssessmentMetrics;
use crate::service::AssessmentService;

/// What the assessment service needs.
#[derive(Debug, Clone)]
pub struct Options {
    pub store: Store,
    pub metrics: Metrics,
    pub config: AssessmentConfig,
    /// What the age of an unacknowledged risk flag is measured against.
    pub clock: Arc<dyn Clock>,
}

impl From<&Process> for Options {
    fn from(process: &Process) -> Self {
        Self {
            store: process.store.clone(),
            metrics: process.metrics.clone(),
            config: process.config.assessment.clone(),
            clock: process.clock.clone(),
        }
    }
}

/// Loads the forms (with the station's wording) and adds the gRPC service; an
/// unreadable or ill-fitting wording file is a configuration error.
pub fn start(options: Options, services: &mut Services) -> Result<(), StartError> {
    let forms = Forms::load(&options.config.wording_dir).map_err(StartError::Config)?;
    let cutoffs = Cutoffs {
        distress_threshold: options.config.distress_threshold,
        retired: options
            .config
            .retired_versions()
            .map_err(StartError::Config)?,
        ..Cutoffs::default()
    };
    let metrics =
        AssessmentMetrics::register(&options.metrics, options.store.clone(), options.clock);
    let safety_within = chrono::Duration::hours(options.config.safety_check_hours);
    let service = AssessmentService::new(options.store, metrics, cutoffs, safety_within);
    services.add(AssessmentServiceServer::new(AssessmentGrpc::new(
        service,
        Arc::new(forms),
    )));
    Ok(())
}

/// Joins a process with the options it gives.
pub fn register(process: &Process, services: &mut Services) -> Result<(), StartError> {
    start(Options::from(process), services)
}
