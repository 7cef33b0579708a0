//! Yishe's domain: ids, the referral state machine, acceptance deadlines, consent and
//! assignment rules, and validation that names every offending field. Pure: no I/O,
//! no tokio, no sqlx, no tonic.

pub mod assessment;
pub mod audit;
pub mod caller;
pub mod clock;
pub mod code;
pub mod directory;
pub mod etag;
pub mod followup;
pub mod ids;
pub mod named;
pub mod page;
pub mod plan;
pub mod priority;
pub mod referral;
pub mod report;
pub mod service_error;
pub mod validation;

pub use audit::{AuditAction, Outcome};
pub use caller::{Caller, Role};
pub use clock::{Clock, SystemClock};
pub use code::Code;
pub use etag::{Etag, StaleEtag};
pub use ids::{
    AssessmentId, ContactId, DepartmentId, FollowUpId, GoalId, HospitalId, InterventionId, PlanId,
    ReferralId, RiskFlagId, SocialWorkerId, StationId, VolunteerId, VolunteerTaskId,
    VolunteerTeamId,
};
pub use page::{Page, PageLimits, PageRequest};
pub use priority::{AcceptanceDeadlines, Priority};
pub use service_error::ServiceError;
pub use validation::{FieldViolation, Violations};
