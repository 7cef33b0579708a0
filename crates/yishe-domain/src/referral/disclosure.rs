//! What each role is shown of a referral (least privilege, field by field). The
//! referring department follows the case's course: status, station, the assigned
//! worker's display name, dates and the notes addressed to it when the case ends, but
//! never the station's working notes nor its internal ids. Station roles see the
//! whole referral. Every other role sees no referral at all (the policy table).

use crate::caller::Role;
use crate::referral::{Closure, ClosurePerson, ClosureState, Referral, ReferralEvent, Status};

/// Statuses whose note is addressed to the department (why it ended).
fn note_is_for_the_department(status: Status) -> bool {
    matches!(
        status,
        Status::Rejected
            | Status::Cancelled
            | Status::EnteredInError
            | Status::Completed
            | Status::Failed
    )
}

/// `referral` as `role` may see it.
pub fn disclose(role: Role, mut referral: Referral) -> Referral {
    if role == Role::HisIntegration {
        if !note_is_for_the_department(referral.status) {
            referral.status_reason.note.clear();
        }
        referral.assigned_worker = None;
        // Who recorded a withdrawal may be the station's staff: their credential is
        // the station's business, as the worker's id is.
        if let Some(withdrawal) = referral.consent.withdrawal.as_mut() {
            withdrawal.recorded_by.clear();
        }
        // The department hears how the case ended, once it has: the outcome, the
        // summary written for it and the services delivered; never the station's
        // review of the request, the goal results or who decided.
        referral.closure = referral
            .closure
            .filter(|c| c.state == ClosureState::Approved)
            .map(|c| Closure {
                goals: Vec::new(),
                satisfaction: None,
                requested_by: ClosurePerson {
                    subject: String::new(),
                    worker: None,
                    name: String::new(),
                },
                decided_by: None,
                decision_note: String::new(),
                ..c
            });
    }
    referral
}

/// `event` as `role` may see it.
pub fn disclose_event(role: Role, mut event: ReferralEvent) -> ReferralEvent {
    if role == Role::HisIntegration {
        event.assigned_worker = None;
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn station_notes_are_hidden_from_the_department_until_the_case_ends() {
        assert!(!note_is_for_the_department(Status::OnHold));
        assert!(!note_is_for_the_department(Status::InProgress));
        assert!(note_is_for_the_department(Status::Rejected));
        assert!(note_is_for_the_department(Status::Completed));
    }
}
