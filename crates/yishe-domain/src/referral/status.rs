//! The referral status machine of the domain (aligned with the HL7 Gravity referral
//! Task statuses) and which role may make each move.

use thiserror::Error;

use crate::caller::Role;
use crate::named::named_enum;

named_enum!(
    /// Where a referral stands.
    Status {
        Requested => "REQUESTED",
        Accepted => "ACCEPTED",
        Rejected => "REJECTED",
        InProgress => "IN_PROGRESS",
        OnHold => "ON_HOLD",
        Completed => "COMPLETED",
        Failed => "FAILED",
        Cancelled => "CANCELLED",
        EnteredInError => "ENTERED_IN_ERROR",
    }
);

/// A change a caller asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// The station takes the referral (接单).
    Accept,
    /// The station declines it.
    Reject,
    /// The first assessment starts the work.
    StartWork,
    /// Pause the case.
    Hold,
    /// Resume a paused case.
    Resume,
    /// Close with an outcome, supervisor-approved.
    Complete,
    /// Could not be served.
    Fail,
    /// Withdraw before completion.
    Cancel,
    /// The department retracts a mistaken referral.
    Retract,
    /// The department updates the referral (patient details, note, priority,
    /// departure) while it is open; the status stays.
    Update,
    /// The patient or their guardian withdraws consent: processing stops.
    WithdrawConsent,
}

impl Command {
    pub const ALL: [Command; 11] = [
        Command::Accept,
        Command::Reject,
        Command::StartWork,
        Command::Hold,
        Command::Resume,
        Command::Complete,
        Command::Fail,
        Command::Cancel,
        Command::Retract,
        Command::Update,
        Command::WithdrawConsent,
    ];

    /// The roles that may issue the command (record-level scope is checked separately).
    pub fn allowed_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Command::Accept | Command::Reject => &[SocialWorker, Supervisor],
            Command::StartWork | Command::Hold | Command::Resume | Command::Fail => {
                &[SocialWorker, Supervisor]
            }
            Command::Complete => &[Supervisor],
            Command::Cancel => &[HisIntegration, Supervisor],
            Command::Retract | Command::Update => &[HisIntegration],
            // The department hears it on the ward; the station from the patient.
            Command::WithdrawConsent => &[HisIntegration, SocialWorker, Supervisor],
        }
    }
}

/// Why a command cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransitionError {
    #[error("a referral in status {} cannot be {}", from.as_str(), verb(*command))]
    NotAllowed { from: Status, command: Command },
    #[error("the role {} may not {} a referral", role.as_str(), verb_base(*command))]
    RoleNotAllowed { role: Role, command: Command },
}

impl TransitionError {
    /// The stable reason a caller's program sees.
    pub fn reason(&self) -> &'static str {
        match self {
            TransitionError::NotAllowed { .. } => "WRONG_STATUS",
            TransitionError::RoleNotAllowed { .. } => "ROLE_NOT_ALLOWED",
        }
    }

    /// What a program needs to act on it: the status the referral is in, or the role
    /// refused, and the command.
    pub fn metadata(&self) -> Vec<(&'static str, String)> {
        match self {
            TransitionError::NotAllowed { from, command } => vec![
                ("status", from.as_str().to_owned()),
                ("command", command_name(*command).to_owned()),
            ],
            TransitionError::RoleNotAllowed { role, command } => vec![
                ("role", role.as_str().to_owned()),
                ("command", command_name(*command).to_owned()),
            ],
        }
    }
}

/// A command's name in error metadata.
fn command_name(command: Command) -> &'static str {
    match command {
        Command::Accept => "ACCEPT",
        Command::Reject => "REJECT",
        Command::StartWork => "START_WORK",
        Command::Hold => "HOLD",
        Command::Resume => "RESUME",
        Command::Complete => "COMPLETE",
        Command::Fail => "FAIL",
        Command::Cancel => "CANCEL",
        Command::Retract => "RETRACT",
        Command::Update => "UPDATE",
        Command::WithdrawConsent => "WITHDRAW_CONSENT",
    }
}

fn verb(command: Command) -> &'static str {
    match command {
        Command::Accept => "accepted",
        Command::Reject => "rejected",
        Command::StartWork => "started",
        Command::Hold => "put on hold",
        Command::Resume => "resumed",
        Command::Complete => "completed",
        Command::Fail => "marked failed",
        Command::Cancel => "cancelled",
        Command::Retract => "retracted",
        Command::Update => "updated",
        Command::WithdrawConsent => "ended by a withdrawal of consent",
    }
}

fn verb_base(command: Command) -> &'static str {
    match command {
        Command::Accept => "accept",
        Command::Reject => "reject",
        Command::StartWork => "start",
        Command::Hold => "hold",
        Command::Resume => "resume",
        Command::Complete => "complete",
        Command::Fail => "fail",
        Command::Cancel => "cancel",
        Command::Retract => "retract",
        Command::Update => "update",
        Command::WithdrawConsent => "withdraw consent to",
    }
}

impl Status {
    /// COMPLETED, REJECTED, FAILED, CANCELLED and ENTERED_IN_ERROR never change again.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Completed
                | Status::Rejected
                | Status::Failed
                | Status::Cancelled
                | Status::EnteredInError
        )
    }

    /// An open case: accepted and not yet closed. Counts against a caseload.
    pub fn is_open_case(self) -> bool {
        matches!(self, Status::Accepted | Status::InProgress | Status::OnHold)
    }

    /// The status after `command`, or why it is not allowed from here.
    pub fn apply(self, command: Command) -> Result<Status, TransitionError> {
        use Status::*;
        let next = match (self, command) {
            (Requested, Command::Accept) => Accepted,
            (Requested, Command::Reject) => Rejected,
            (Requested, Command::Retract) => EnteredInError,
            // Withdrawn before completion: a paused case too (the patient moved to
            // another hospital while it was on hold).
            (Requested | Accepted | InProgress | OnHold, Command::Cancel) => Cancelled,
            // Without consent nothing more is done: the case ends as withdrawn.
            (Requested | Accepted | InProgress | OnHold, Command::WithdrawConsent) => Cancelled,
            (Accepted, Command::StartWork) => InProgress,
            (Accepted | InProgress, Command::Hold) => OnHold,
            (OnHold, Command::Resume) => InProgress,
            (InProgress, Command::Complete) => Completed,
            (Accepted | InProgress, Command::Fail) => Failed,
            (open, Command::Update) if !open.is_terminal() => open,
            (from, command) => return Err(TransitionError::NotAllowed { from, command }),
        };
        Ok(next)
    }

    /// `apply`, after checking that `role` may issue the command at all.
    pub fn apply_as(self, command: Command, role: Role) -> Result<Status, TransitionError> {
        if !command.allowed_roles().contains(&role) {
            return Err(TransitionError::RoleNotAllowed { role, command });
        }
        self.apply(command)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The edges of the domain's status diagram, written out independently of `apply`.
    const EDGES: &[(Status, Status)] = &[
        (Status::Requested, Status::Accepted),
        (Status::Requested, Status::Rejected),
        (Status::Requested, Status::Cancelled),
        (Status::Requested, Status::EnteredInError),
        (Status::Accepted, Status::InProgress),
        (Status::Accepted, Status::OnHold),
        (Status::Accepted, Status::Cancelled),
        (Status::Accepted, Status::Failed),
        (Status::InProgress, Status::OnHold),
        (Status::OnHold, Status::InProgress),
        (Status::InProgress, Status::Completed),
        (Status::InProgress, Status::Failed),
        (Status::InProgress, Status::Cancelled),
        (Status::OnHold, Status::Cancelled),
    ];

    #[test]
    fn the_happy_path() {
        let s = Status::Requested;
        let s = s.apply_as(Command::Accept, Role::SocialWorker).unwrap();
        let s = s.apply_as(Command::StartWork, Role::SocialWorker).unwrap();
        let s = s.apply_as(Command::Hold, Role::SocialWorker).unwrap();
        let s = s.apply_as(Command::Resume, Role::Supervisor).unwrap();
        assert_eq!(
            s.apply_as(Command::Complete, Role::Supervisor),
            Ok(Status::Completed)
        );
    }

    #[test]
    fn only_the_department_retracts_and_only_while_requested() {
        assert_eq!(
            Status::Requested.apply_as(Command::Retract, Role::Supervisor),
            Err(TransitionError::RoleNotAllowed {
                role: Role::Supervisor,
                command: Command::Retract
            })
        );
        assert_eq!(
            Status::Requested.apply_as(Command::Retract, Role::HisIntegration),
            Ok(Status::EnteredInError)
        );
        assert!(
            Status::Accepted
                .apply_as(Command::Retract, Role::HisIntegration)
                .is_err()
        );
    }

    #[test]
    fn a_refused_withdrawal_reads_as_english() {
        let refused = Status::Cancelled
            .apply(Command::WithdrawConsent)
            .unwrap_err()
            .to_string();
        assert_eq!(
            refused,
            "a referral in status CANCELLED cannot be ended by a withdrawal of consent"
        );
    }

    #[test]
    fn a_completed_referral_never_moves_backwards() {
        for command in Command::ALL {
            assert!(Status::Completed.apply(command).is_err());
        }
    }

    #[test]
    fn every_edge_of_the_diagram_is_reachable() {
        for &(from, to) in EDGES {
            let reached = Command::ALL.iter().any(|&c| from.apply(c) == Ok(to));
            assert!(
                reached,
                "{} -> {} is not reachable",
                from.as_str(),
                to.as_str()
            );
        }
    }

    fn command() -> impl Strategy<Value = Command> {
        prop::sample::select(Command::ALL.to_vec())
    }

    fn role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    proptest! {
        /// No sequence of commands, by any roles, takes a step the diagram forbids,
        /// leaves a terminal status, or lets a role do what it may not; only an update
        /// leaves the status where it was.
        #[test]
        fn no_sequence_reaches_a_forbidden_state(steps in prop::collection::vec((command(), role()), 0..40)) {
            let mut status = Status::Requested;
            for (command, role) in steps {
                if let Ok(next) = status.apply_as(command, role) {
                    // An update changes what the referral says, never where it stands.
                    prop_assert_eq!(command == Command::Update, next == status);
                    prop_assert!(next == status || EDGES.contains(&(status, next)),
                        "forbidden step {} -> {}", status.as_str(), next.as_str());
                    prop_assert!(command.allowed_roles().contains(&role));
                    prop_assert!(!status.is_terminal());
                    status = next;
                }
            }
        }
    }
}
