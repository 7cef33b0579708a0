//! The station directory: the stations referrals go to, the departments that refer, the station's social workers
//! and the rules an assignment must pass, and the API keys callers use.

mod api_key;
mod assignment;
mod department;
mod listing;
mod station;
mod volunteer;
mod worker;

pub use api_key::{ApiKey, KeyDraft, KeyReferences};
pub use assignment::{
    AssignmentError, AssignmentTarget, WorkerLoad, check_assignment, required_level,
};
pub use department::{Department, DepartmentDraft};
pub use listing::{DIRECTORY_PAGES, DirectoryCursor, key_of, page_of};
pub use station::{Station, StationChange, StationDraft, StationLoad, StationMask, UpdateStation};
pub use volunteer::{
    TeamDraft, TrainingHours, UpdateVolunteer, Volunteer, VolunteerDraft, VolunteerMask,
    VolunteerTeam,
};
pub use worker::{
    CertificationLevel, MAX_CASELOAD_LIMIT, SocialWorker, UpdateWorker, WorkerChange, WorkerDraft,
    WorkerMask,
};
