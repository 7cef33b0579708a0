//! Contacts (服务记录) and follow-ups (跟进/随访): the encounters a station records with
//! a patient or family, and the contacts it schedules so that none is forgotten; when a
//! follow-up is overdue, and when it is escalated to the supervisors.

mod contact;
mod follow_up;
mod requests;

pub use contact::{Channel, Contact, ContactDraft, ContactTexts};
pub use follow_up::{
    Attempt, AttemptDraft, DEFAULT_GRACE_HOURS, FollowUp, FollowUpDraft, FollowUpOutcome,
    FollowUpRefusal, FollowUpState, FollowUpStepError, FollowUpTexts, Phase, Purpose,
    escalation_delay,
};
pub use requests::{
    CONTACT_PAGE, DuePosition, FOLLOW_UP_PAGE, FollowUpFilter, FollowUpStep, ListContacts,
    ListFollowUps, RecordContact, ScheduleFollowUp, StepFollowUp,
};
