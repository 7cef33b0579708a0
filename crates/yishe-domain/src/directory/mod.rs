//! The station directory: the departments that refer, the station's social workers
//! and the rules an assignment must pass, and the API keys callers use.

mod api_key;
mod assignment;
mod department;
mod worker;

pub use api_key::{ApiKey, KeyDraft, KeyReferences};
pub use assignment::{
    AssignmentError, AssignmentTarget, WorkerLoad, check_assignment, required_level,
};
pub use department::{Department, DepartmentDraft};
pub use worker::{
    CertificationLevel, MAX_CASELOAD_LIMIT, SocialWorker, UpdateWorker, WorkerChange, WorkerDraft,
    WorkerMask,
};
