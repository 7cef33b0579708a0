//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "yishe",
    version,
    about = "The Yishe client: referrals, assessments, service plans, departments, social workers and keys."
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Args)]
pub(crate) struct Global {
    /// The server's gRPC address.
    #[arg(
        long,
        global = true,
        env = "YISHE_ADDR",
        default_value = "http://127.0.0.1:50051"
    )]
    pub(crate) addr: String,
    /// The API key; by default the admin key in the data directory.
    #[arg(long, global = true, env = "YISHE_KEY", hide_env_values = true)]
    pub(crate) key: Option<String>,
    /// Where the server keeps its data (to find admin.key).
    #[arg(
        long,
        global = true,
        env = "YISHE_DATA_DIR",
        default_value = "./yishe-data"
    )]
    pub(crate) data_dir: PathBuf,
    /// How to print results.
    #[arg(long, short = 'o', global = true, value_enum, default_value = "table")]
    pub(crate) output: Output,
    /// The station's time zone, in which times are shown (an IANA name).
    #[arg(
        long,
        global = true,
        env = "YISHE_TIME_ZONE",
        default_value = "Asia/Shanghai"
    )]
    pub(crate) time_zone: chrono_tz::Tz,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
    /// A readable table.
    Table,
    /// One JSON document.
    Json,
    /// Only the id of the result, for shell scripts (for `key create`: the secret).
    Id,
    /// Comma-separated values, with a header row (for spreadsheets; UTF-8).
    Csv,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Referrals: create, read, list, and the station's answers.
    #[command(subcommand)]
    Referral(ReferralCommand),
    /// Stations referrals go to: their reasons and load.
    #[command(subcommand)]
    Station(StationCommand),
    /// Hospital departments.
    #[command(subcommand)]
    Department(DepartmentCommand),
    /// The station's social workers.
    #[command(subcommand)]
    Worker(WorkerCommand),
    /// API keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// The audit log (auditor key).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Staff tokens for installations without an identity provider.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The keys that encrypt patient data at rest (station admin key).
    #[command(subcommand)]
    Encryption(EncryptionCommand),
    /// Psychosocial assessments: the instruments, assessments of a referral, risk flags.
    #[command(subcommand)]
    Assessment(AssessmentCommand),
    /// A patient's access, correction and erasure requests (station admin key).
    #[command(subcommand)]
    Patient(PatientCommand),
    /// Service plans: drafted from an assessment, approved by a supervisor, worked on.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// The interventions of an approved plan: start, finish, cancel.
    #[command(subcommand)]
    Intervention(InterventionCommand),
    /// Volunteer teams and volunteers (station admin; supervisors list them).
    #[command(subcommand)]
    Volunteer(VolunteerCommand),
    /// Volunteer tasks: posted by social workers, claimed and reported by volunteers.
    #[command(subcommand)]
    Task(TaskCommand),
    /// Contacts with the patient or family (服务记录).
    #[command(subcommand)]
    Contact(ContactCommand),
    /// Follow-ups (跟进/随访): your due list, the overdue list, and their steps.
    #[command(subcommand)]
    Followup(FollowupCommand),
    /// The station's report for a period (统计报表), per department: `-o csv` for a
    /// spreadsheet.
    Report(ReportArgs),
}

/// A report's period and department.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// The first day (2026-12-01) or a local time (2026-12-01 08:00), China time.
    #[arg(long)]
    pub(crate) from: String,
    /// The last day, included (2026-12-31), or a local time the period ends before.
    #[arg(long)]
    pub(crate) to: String,
    /// Only this department (its id).
    #[arg(long)]
    pub(crate) department: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ContactCommand {
    /// Record a contact; the first of a case tells the department, and so does
    /// `--department-note`.
    Record {
        referral_id: String,
        /// When, in local time (2026-12-08 14:00); now when left out.
        #[arg(long)]
        at: Option<String>,
        /// ward_visit, phone, home_visit, outpatient or online.
        #[arg(long)]
        channel: String,
        #[arg(long)]
        minutes: i32,
        /// Who took part; repeat.
        #[arg(long = "participant")]
        participants: Vec<String>,
        /// An intervention of the plan it served; repeat.
        #[arg(long = "intervention")]
        interventions: Vec<String>,
        #[arg(long)]
        note: String,
        /// A short note shared with the referring department (no psychosocial detail).
        #[arg(long, default_value = "")]
        department_note: String,
        /// On a reopened case: the patient or guardian confirmed their consent again
        /// (required at its first contact).
        #[arg(long)]
        consent_reconfirmed: bool,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// A referral's contacts, newest first.
    List { referral_id: String },
}

#[derive(Debug, Subcommand)]
pub(crate) enum FollowupCommand {
    /// Your follow-ups still to do, soonest first (a supervisor: the station's).
    Due {
        /// Only those due within this many hours.
        #[arg(long)]
        within_hours: Option<i64>,
    },
    /// The overdue follow-ups; `--escalated` for those escalated to supervisors.
    Overdue {
        #[arg(long)]
        escalated: bool,
    },
    /// Schedule a follow-up.
    Schedule {
        referral_id: String,
        /// check_in, reassessment, post_discharge, safety_check or satisfaction.
        #[arg(long)]
        purpose: String,
        /// ward_visit, phone, home_visit, outpatient or online.
        #[arg(long)]
        channel: String,
        /// When, in local time: 2026-12-08 14:00.
        #[arg(long)]
        due: String,
        /// Hours after the due time before it is overdue (default 24).
        #[arg(long, default_value_t = 0)]
        grace_hours: i32,
        /// After closure (随访) rather than during the case.
        #[arg(long)]
        after_closure: bool,
        /// The social worker who will do it; the referral's when left out.
        #[arg(long, default_value = "")]
        worker: String,
        #[arg(long)]
        request_id: Option<String>,
    },
    /// One follow-up.
    Show { id: String },
    /// Record an attempt to reach the patient or family.
    Attempt {
        id: String,
        #[arg(long)]
        channel: String,
        /// Someone was reached.
        #[arg(long)]
        reached: bool,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        etag: Option<String>,
    },
    /// Complete it with its outcome: stable, needs_support, escalate, not_reached,
    /// declined or died (not_reached makes it MISSED).
    Complete {
        id: String,
        #[arg(long)]
        outcome: String,
        #[arg(long, default_value = "")]
        note: String,
        /// The assessment it produced.
        #[arg(long, default_value = "")]
        assessment: String,
        #[arg(long)]
        etag: Option<String>,
    },
    /// Move it to another time, with the reason.
    Reschedule {
        id: String,
        /// The new due time, local: 2026-12-09 10:00.
        #[arg(long)]
        due: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        etag: Option<String>,
    },
    /// Cancel it, with the reason.
    Cancel {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        etag: Option<String>,
    },
}

/// A plan and the etag of a change; without `--etag` the plan is read first and its
/// current etag used (convenient by hand; scripts should pass the etag they read).
#[derive(Debug, Args)]
pub(crate) struct PlanTarget {
    /// The plan's id.
    pub(crate) id: String,
    #[arg(long)]
    pub(crate) etag: Option<String>,
}

/// A plan and the etag of the version a supervisor read: required, so a decision is
/// never made on a version changed since.
#[derive(Debug, Args)]
pub(crate) struct DecisionTarget {
    /// The plan's id.
    pub(crate) id: String,
    /// The etag `yishe plan show` printed.
    #[arg(long)]
    pub(crate) etag: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PlanCommand {
    /// Draft a referral's plan from a JSON file of goals and interventions (the file's
    /// shape: goals with `problems`, `description` and a `target` or five `levels`;
    /// interventions with `goals` such as "#0", `kind`, `description`, `responsible`).
    Create {
        #[arg(long)]
        referral: String,
        /// The plan as JSON.
        #[arg(long)]
        file: String,
        /// Idempotency key: resending with the same one returns the first plan. A
        /// new one is made up when left out.
        #[arg(long)]
        request_id: Option<String>,
    },
    /// A plan as a supervisor reads it: its newest version, or `--version N`.
    Show {
        id: String,
        #[arg(long, default_value_t = 0)]
        version: u32,
    },
    /// The plans you may see; `--pending` for the approval queue.
    List {
        /// Only this referral's plan.
        #[arg(long, default_value = "")]
        referral: String,
        /// Only plans waiting for approval.
        #[arg(long)]
        pending: bool,
        #[arg(long, default_value_t = 50)]
        page_size: i32,
        #[arg(long, default_value = "")]
        page_token: String,
    },
    /// Replace the parts of a draft that a JSON file names (goals, interventions,
    /// review_date); keep a goal or intervention by its `id`.
    Edit {
        #[command(flatten)]
        target: PlanTarget,
        #[arg(long)]
        file: String,
    },
    /// The newest version (or `--version N`) as a plan file with every id, to edit and
    /// send back with `plan edit` (goals and interventions keep their ids, so their
    /// progress and states carry on).
    Export {
        id: String,
        #[arg(long, default_value_t = 0)]
        version: u32,
    },
    /// Submit the draft for approval.
    Submit(PlanTarget),
    /// Approve the version pending approval (a supervisor who neither wrote nor
    /// changed it). `--etag` is the one `plan show` printed: you approve what you read.
    Approve {
        #[command(flatten)]
        target: DecisionTarget,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Return the version pending approval to its author, saying what to change.
    Return {
        #[command(flatten)]
        target: DecisionTarget,
        #[arg(long)]
        note: String,
    },
    /// Start the next version as a draft (the approved one stays in force meanwhile).
    Revise {
        #[command(flatten)]
        target: PlanTarget,
        #[arg(long)]
        reason: String,
    },
    /// Record progress on a goal of the approved plan.
    Progress {
        #[command(flatten)]
        target: PlanTarget,
        /// The goal's id (`yishe plan show` prints it).
        #[arg(long)]
        goal: String,
        #[arg(long, default_value = "")]
        note: String,
        /// For a goal measured by attainment scaling: the level reached, -2 to 2.
        #[arg(long, allow_hyphen_values = true)]
        level: Option<i32>,
        /// Recorded at the closure of the case rather than at a review.
        #[arg(long)]
        closure: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum InterventionCommand {
    /// Start an intervention of the approved plan.
    Start {
        #[command(flatten)]
        target: PlanTarget,
        /// The intervention's id (`yishe plan show` prints it).
        intervention: String,
    },
    /// Mark an intervention done.
    Done {
        #[command(flatten)]
        target: PlanTarget,
        intervention: String,
    },
    /// Cancel an intervention, saying why.
    Cancel {
        #[command(flatten)]
        target: PlanTarget,
        intervention: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum PatientCommand {
    /// Everything the station holds about a patient, as one JSON document.
    Export {
        #[arg(long)]
        hospital: String,
        /// The patient's id in the hospital's HIS.
        #[arg(long)]
        patient: String,
        /// The patient's request this answers (10 to 500 characters).
        #[arg(long)]
        reason: String,
    },
    /// Correct the patient's details on one referral (its etag from the export).
    Correct {
        referral_id: String,
        #[arg(long)]
        etag: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        ward: Option<String>,
        #[arg(long)]
        bed: Option<String>,
    },
    /// Erase what the station holds about a patient whose cases are all closed.
    Erase {
        #[arg(long)]
        hospital: String,
        #[arg(long)]
        patient: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AssessmentCommand {
    /// The instruments Yishe scores.
    Instruments,
    /// One instrument's form: items, answers with their scores, skip logic.
    Show { instrument: String },
    /// Record an assessment of a referral (its assigned social worker or a supervisor).
    Submit(Box<SubmitAssessment>),
    /// One assessment: its current version, or an earlier one.
    Get {
        id: String,
        /// The version wanted; 0 for the current one.
        #[arg(long, default_value_t = 0)]
        version: u32,
    },
    /// A referral's assessments, newest first.
    List {
        referral_id: String,
        #[arg(long, default_value_t = 20)]
        page_size: i32,
        #[arg(long, default_value = "")]
        page_token: String,
    },
    /// Correct an assessment: a new version with the reason; earlier ones stay.
    Amend(Box<AmendAssessment>),
    /// Per instrument, the latest score of a referral against the earlier ones.
    Compare { referral_id: String },
    /// Risk flags: the station's (supervisor) or those on your cases (social worker).
    Risks {
        /// Only this referral's.
        #[arg(long, default_value = "")]
        referral: String,
        /// Only the flags not yet acknowledged.
        #[arg(long)]
        open: bool,
    },
    /// Acknowledge a risk flag with a note on what was done (supervisor).
    Acknowledge {
        id: String,
        #[arg(long)]
        etag: String,
        #[arg(long)]
        note: String,
    },
}

/// What an assessment says: answers as pairs, a JSON file or asked one by one, the
/// psychosocial domains and the narrative.
#[derive(Debug, Args)]
pub(crate) struct AssessmentContent {
    /// The instrument that --answer pairs and --interactive are for, such as phq9.
    #[arg(long)]
    pub(crate) instrument: Option<String>,
    /// One answer as ITEM=VALUE; repeat for each item.
    #[arg(long = "answer", value_name = "ITEM=VALUE")]
    pub(crate) answers: Vec<String>,
    /// A JSON file of answers by instrument: {"phq9": {"item1": 3, ...}, ...}.
    #[arg(long)]
    pub(crate) answers_file: Option<PathBuf>,
    /// Ask each question of --instrument in turn, honouring skip logic.
    #[arg(long)]
    pub(crate) interactive: bool,
    /// A JSON file of the psychosocial domains (see the README for its fields).
    #[arg(long)]
    pub(crate) psychosocial_file: Option<PathBuf>,
    /// The social worker's narrative (an amendment keeps the earlier one when left out).
    #[arg(long)]
    pub(crate) narrative: Option<String>,
    /// When the assessment took place (RFC 3339); now when left out.
    #[arg(long)]
    pub(crate) assessed_at: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SubmitAssessment {
    pub(crate) referral_id: String,
    /// Idempotency key: resending with the same one returns the first assessment.
    /// A new one is made up when left out.
    #[arg(long)]
    pub(crate) request_id: Option<String>,
    #[command(flatten)]
    pub(crate) content: AssessmentContent,
}

#[derive(Debug, Args)]
pub(crate) struct AmendAssessment {
    pub(crate) id: String,
    /// The etag last read. What is not given is kept from that version: answers
    /// given for an instrument replace only those items (`--interactive` the whole
    /// form), and the narrative and psychosocial part stay unless given.
    #[arg(long)]
    pub(crate) etag: String,
    /// Why it is corrected.
    #[arg(long)]
    pub(crate) reason: String,
    #[command(flatten)]
    pub(crate) content: AssessmentContent,
}

#[derive(Debug, Subcommand)]
pub(crate) enum EncryptionCommand {
    /// Make a new key current; records are re-encrypted in the background.
    RotateKey,
    /// Which keys seal how many records.
    Status,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TokenCommand {
    /// Sign a short-lived staff token with a local private key (PKCS#8 PEM); the server
    /// must trust the matching public key (`jwt.keys` or `jwt.jwks_file`).
    Mint(Box<MintToken>),
}

#[derive(Debug, Args)]
pub(crate) struct MintToken {
    /// The private key, PKCS#8 PEM (`openssl genpkey -algorithm ed25519 -out signing.pem`).
    #[arg(long)]
    pub(crate) signing_key: PathBuf,
    /// EdDSA, ES256 or RS256, matching the key.
    #[arg(long, default_value = "EdDSA")]
    pub(crate) algorithm: String,
    /// The key id the server knows the public key by.
    #[arg(long, default_value = "")]
    pub(crate) kid: String,
    /// Must equal the server's `jwt.issuer`.
    #[arg(long)]
    pub(crate) issuer: String,
    /// Must equal the server's `jwt.audience`.
    #[arg(long)]
    pub(crate) audience: String,
    /// Who the token is for (a staff id).
    #[arg(long)]
    pub(crate) subject: String,
    /// his_integration, social_worker, supervisor, station_admin, auditor or ops.
    #[arg(long)]
    pub(crate) role: String,
    #[arg(long)]
    pub(crate) station: Option<String>,
    /// The social worker id (social_worker tokens).
    #[arg(long)]
    pub(crate) worker: Option<String>,
    #[arg(long)]
    pub(crate) hospital: Option<String>,
    #[arg(long = "department")]
    pub(crate) departments: Vec<String>,
    /// Lifetime in seconds, 60 to 3600.
    #[arg(long, default_value_t = 900)]
    pub(crate) ttl_secs: u64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// List audit records, oldest first.
    List {
        /// Only records about this kind of record, such as `referral`.
        #[arg(long, default_value = "")]
        kind: String,
        /// Only records about this record id (with --kind).
        #[arg(long, default_value = "")]
        id: String,
        /// Only records of this action, such as `referral.break_glass`.
        #[arg(long, default_value = "")]
        action: String,
        #[arg(long, default_value_t = 100)]
        page_size: i32,
        #[arg(long, default_value = "")]
        page_token: String,
    },
    /// Walk the hash chain and report the first broken link (exit 3 if broken).
    Verify {
        /// Files holding the sealer's published checkpoints (its standard output as
        /// the SIEM kept it, the checkpoint file, an export): the chain must reach
        /// each with the same hash, or it was cut short or rewritten.
        #[arg(long)]
        checkpoint: Vec<std::path::PathBuf>,
    },
    /// Write sealed records as JSON lines, in chain order, for a SIEM; with the
    /// checkpoints published, each after the record it anchors.
    Export {
        /// Export links after this sequence.
        #[arg(long, default_value_t = 0)]
        after: u64,
        /// Stop after this sequence; 0 for the end of the chain.
        #[arg(long, default_value_t = 0)]
        to: u64,
    },
}

/// The etag of a change; without it the referral is read first and its current etag
/// used (convenient by hand; scripts should pass the etag they read).
#[derive(Debug, Args)]
pub(crate) struct Target {
    /// The referral's id.
    pub(crate) id: String,
    #[arg(long)]
    pub(crate) etag: Option<String>,
}

/// A closure request.
#[derive(Debug, Args)]
pub(crate) struct CloseReferral {
    #[command(flatten)]
    pub(crate) target: Target,
    /// GOALS_MET, GOALS_PARTIALLY_MET, REFERRED_ELSEWHERE, OTHER (→ 已结案), or
    /// PATIENT_DECLINED_SERVICES, PATIENT_DISCHARGED_OR_TRANSFERRED, PATIENT_DIED,
    /// LOST_CONTACT (→ 未能完成服务).
    #[arg(long)]
    pub(crate) outcome: String,
    /// For the referring department: what was done and achieved, no psychosocial detail.
    #[arg(long)]
    pub(crate) summary: String,
    /// A service delivered, KIND=COUNT (such as FUND_APPLICATION=2); repeat for each
    /// kind. Without any, the plan's interventions marked done are counted.
    #[arg(long = "service")]
    pub(crate) services: Vec<String>,
    /// A goal's result, GOAL_ID=MET|PARTLY_MET|NOT_MET, with :LEVEL (-2 to 2) for
    /// goals on an attainment scale (such as 0193…=MET:1); one for every goal of the
    /// plan in force.
    #[arg(long = "goal")]
    pub(crate) goals: Vec<String>,
    /// The patient's or family's satisfaction on the station's scale (1 = lowest).
    #[arg(long, default_value_t = 0)]
    pub(crate) satisfaction: u32,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ReferralCommand {
    /// Send a referral (HIS key).
    Create(Box<CreateReferral>),
    /// Show one referral.
    Get {
        id: String,
        /// Supervisors only: open a referral outside your station in an emergency,
        /// saying why (audited and listed for review).
        #[arg(long, default_value = "")]
        break_glass: String,
    },
    /// List referrals, newest first unless `--order-by` says otherwise.
    List {
        /// For example `status=REQUESTED AND priority=EMERGENCY`, or
        /// `update_time>2026-12-01T08:00:00+08:00`.
        #[arg(long, default_value = "")]
        filter: String,
        /// `create_time desc` (the default), `create_time`, `update_time` or
        /// `update_time desc`.
        #[arg(long, default_value = "")]
        order_by: String,
        #[arg(long, default_value_t = 50)]
        page_size: i32,
        #[arg(long, default_value = "")]
        page_token: String,
    },
    /// Take a requested referral (接单).
    Accept(Target),
    /// Decline a requested referral.
    Reject {
        #[command(flatten)]
        target: Target,
        /// NOT_ELIGIBLE, NO_CAPACITY, OUT_OF_SCOPE, DUPLICATE, PATIENT_DECLINED, PATIENT_DISCHARGED or OTHER.
        #[arg(long)]
        reason: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Assign to a social worker (supervisor key).
    Assign {
        #[command(flatten)]
        target: Target,
        /// The social worker's id.
        #[arg(long)]
        worker: String,
    },
    /// Pause a case.
    Hold {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        note: String,
    },
    /// Resume a paused case.
    Resume {
        #[command(flatten)]
        target: Target,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Withdraw a referral (or retract it, with --entered-in-error).
    Cancel {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        note: String,
        #[arg(long)]
        entered_in_error: bool,
    },
    /// Record that the patient or guardian withdrew consent: the referral is
    /// cancelled and nothing more is done.
    WithdrawConsent {
        #[command(flatten)]
        target: Target,
        /// Who withdrew it: "patient", or the guardian's relation.
        #[arg(long)]
        by: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Ask to close your case (结案申请; the assigned social worker).
    Close(Box<CloseReferral>),
    /// Approve the pending closure (supervisor): the case ends COMPLETED or FAILED.
    ApproveClosure {
        #[command(flatten)]
        target: Target,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Return the pending closure to the worker, saying what to do first (supervisor).
    ReturnClosure {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        note: String,
    },
    /// Take your pending closure request back.
    WithdrawClosure(Target),
    /// The open work of workers who left or are on leave (supervisor).
    Reassignments,
    /// Move a worker's open cases, follow-ups and supervised tasks to another
    /// (supervisor), all or nothing.
    Reassign {
        /// The worker whose work moves (their id).
        #[arg(long)]
        from: String,
        /// The worker who takes it (their id).
        #[arg(long)]
        to: String,
    },
    /// Reopen a closed case (supervisor): a new referral linked to it.
    Reopen {
        #[command(flatten)]
        target: Target,
        #[arg(long)]
        reason: String,
    },
    /// Follow referral events as they happen (Ctrl-C to stop).
    Watch {
        /// Start after this sequence (the last one you processed).
        #[arg(long, default_value_t = 0, conflicts_with = "from_now")]
        after: u64,
        /// Only events from now on.
        #[arg(long)]
        from_now: bool,
        /// Only this department's events (a department id); repeat for more.
        #[arg(long = "department")]
        departments: Vec<String>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CreateReferral {
    /// The HIS message id; resending the same id never creates a second referral.
    #[arg(long)]
    pub(crate) request_id: String,
    #[arg(long)]
    pub(crate) hospital: String,
    /// The department's id.
    #[arg(long)]
    pub(crate) department: String,
    #[arg(long)]
    pub(crate) clinician: String,
    #[arg(long, default_value = "")]
    pub(crate) clinician_staff_id: String,
    #[arg(long, default_value = "")]
    pub(crate) clinician_contact: String,
    /// The HIS patient id (MRN).
    #[arg(long)]
    pub(crate) patient_id: String,
    /// The encounter id (住院号/门诊号).
    #[arg(long)]
    pub(crate) encounter_id: String,
    #[arg(long)]
    pub(crate) patient_name: String,
    /// FEMALE, MALE or OTHER.
    #[arg(long, default_value = "")]
    pub(crate) sex: String,
    /// YYYY-MM-DD.
    #[arg(long)]
    pub(crate) birth_date: Option<String>,
    #[arg(long, default_value = "")]
    pub(crate) phone: String,
    #[arg(long, default_value = "")]
    pub(crate) ward: String,
    #[arg(long, default_value = "")]
    pub(crate) bed: String,
    #[arg(long, default_value = "")]
    pub(crate) summary: String,
    /// A reason such as FINANCIAL_HARDSHIP; repeat for more.
    #[arg(long = "reason", required = true)]
    pub(crate) reasons: Vec<String>,
    /// ROUTINE, URGENT or EMERGENCY.
    #[arg(long)]
    pub(crate) priority: String,
    #[arg(long, default_value = "")]
    pub(crate) note: String,
    /// GIVEN (with --consent-by) or OVERRIDDEN (with --justification): never assumed.
    #[arg(long)]
    pub(crate) consent: String,
    /// When consent was given or the override decided (RFC 3339, such as
    /// 2026-12-07T09:30:00+08:00); now when left out. A resend of the same command
    /// (same --request-id) then takes the first one's time, so it is a replay.
    #[arg(long)]
    pub(crate) consent_time: Option<String>,
    /// Who consented ("patient", or the guardian's relation).
    #[arg(long, default_value = "")]
    pub(crate) consent_by: String,
    /// Why the referral proceeds without consent (for OVERRIDDEN).
    #[arg(long, default_value = "")]
    pub(crate) justification: String,
    /// Who recorded the consent; defaults to the clinician.
    #[arg(long)]
    pub(crate) consent_recorded_by: Option<String>,
    /// The station to send it to; empty for the installation's default.
    #[arg(long, default_value = "")]
    pub(crate) station: String,
}

#[derive(Debug, Subcommand)]
pub(crate) enum StationCommand {
    /// List the stations with their capacity and load.
    List,
    /// Show one station.
    Get { id: String },
    /// Rename your station or set the reasons it takes (station admin key).
    Update {
        id: String,
        #[arg(long)]
        name: Option<String>,
        /// The reasons it takes, comma-separated (FINANCIAL_HARDSHIP,...); an empty
        /// value for every reason.
        #[arg(long, value_delimiter = ',')]
        reasons: Option<Vec<String>>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum DepartmentCommand {
    /// Register a hospital department.
    Create {
        #[arg(long)]
        hospital: String,
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
    },
    /// List departments.
    List {
        #[arg(long, default_value = "")]
        hospital: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum WorkerCommand {
    /// Add a social worker to the station.
    Create {
        #[arg(long)]
        name: String,
        /// ASSISTANT, INTERMEDIATE or SENIOR.
        #[arg(long)]
        level: String,
        #[arg(long)]
        caseload_limit: i32,
    },
    /// Change a social worker.
    Update {
        id: String,
        #[arg(long)]
        etag: Option<String>,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        level: Option<String>,
        #[arg(long)]
        caseload_limit: Option<i32>,
        #[arg(long)]
        active: Option<bool>,
        /// On leave (true) or back (false): no new cases while on leave; their open
        /// work shows in `referral reassignments`.
        #[arg(long)]
        on_leave: Option<bool>,
    },
    /// List the station's social workers.
    List {
        /// Include inactive workers.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Create an API key; its secret is shown once.
    Create {
        #[arg(long)]
        name: String,
        /// his_integration, social_worker, supervisor, station_admin, auditor, ops or
        /// volunteer.
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        hospital: String,
        /// A department id; repeat for more (HIS keys).
        #[arg(long = "department")]
        departments: Vec<String>,
        /// The social worker the key belongs to.
        #[arg(long, default_value = "")]
        worker: String,
        /// The volunteer the key belongs to (volunteer keys).
        #[arg(long, default_value = "")]
        volunteer: String,
        /// For an HIS over mutual TLS: its client certificate's subject or alternative name.
        #[arg(long, default_value = "")]
        certificate_subject: String,
        /// Limit the key to methods that only read.
        #[arg(long)]
        read_only: bool,
    },
    /// List keys (never their secrets).
    List {
        /// Include revoked keys.
        #[arg(long)]
        all: bool,
        /// Only valid supervisor keys without a social worker: they cannot approve
        /// service plans until linked.
        #[arg(long)]
        unlinked_supervisors: bool,
    },
    /// Link a supervisor key to the supervisor's social worker record, so it may
    /// approve service plans.
    Link {
        id: String,
        #[arg(long)]
        worker: String,
    },
    /// Revoke a key.
    Revoke { id: String },
}

#[derive(Debug, Subcommand)]
pub(crate) enum VolunteerCommand {
    /// Volunteer teams (志愿服务队).
    #[command(subcommand)]
    Team(TeamCommand),
    /// Add a volunteer to a team.
    Add {
        #[arg(long)]
        team: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        contact: String,
        /// A skill, such as 陪诊; repeat for more.
        #[arg(long = "skill")]
        skills: Vec<String>,
        /// Training hours received in a year, as YEAR=HOURS (2026=12.5); repeat.
        #[arg(long = "training")]
        training: Vec<String>,
    },
    /// Change a volunteer: their training hours, skills, team, or whether they take tasks.
    Update {
        id: String,
        /// The etag last read; the volunteer is read first when left out.
        #[arg(long)]
        etag: Option<String>,
        /// Replaces the training hours: YEAR=HOURS, repeat.
        #[arg(long = "training")]
        training: Vec<String>,
        /// Replaces the skills; repeat.
        #[arg(long = "skill")]
        skills: Vec<String>,
        #[arg(long)]
        team: Option<String>,
        /// Stop giving them tasks (or, with --active, start again).
        #[arg(long)]
        inactive: bool,
        #[arg(long, conflicts_with = "inactive")]
        active: bool,
    },
    /// The station's volunteers, with their training hours.
    List {
        /// Only this team's.
        #[arg(long, default_value = "")]
        team: String,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TeamCommand {
    /// Register a team.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        contact: String,
    },
    /// The station's teams.
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TaskCommand {
    /// Give part of an approved intervention to volunteers: to a team (--team), or
    /// posted to the station's board for teams to claim.
    Post {
        /// The plan.
        #[arg(long)]
        plan: String,
        /// The intervention (`yishe plan show` prints its id).
        #[arg(long)]
        intervention: String,
        /// What to do.
        #[arg(long)]
        instructions: String,
        /// When, in local time: 2026-12-08 14:00.
        #[arg(long)]
        at: String,
        /// Claim it by then (local time); defaults to the start time.
        #[arg(long)]
        claim_by: Option<String>,
        /// Give it to this team instead of the board.
        #[arg(long)]
        team: Option<String>,
        /// The ward and bed; the referral's when left out.
        #[arg(long, default_value = "")]
        ward: String,
        #[arg(long, default_value = "")]
        bed: String,
        /// Idempotency key; made up when left out.
        #[arg(long)]
        request_id: Option<String>,
    },
    /// The station's board: tasks waiting for a team.
    Board,
    /// Your tasks (a volunteer: your team's; staff: the station's or your cases').
    List {
        /// Only this plan's.
        #[arg(long, default_value = "")]
        plan: String,
    },
    /// One task.
    Show { id: String },
    /// Claim a task on the board for your team (接单).
    Claim { id: String },
    /// Report a task done.
    Report {
        id: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        etag: Option<String>,
    },
    /// Review a reported task.
    Review {
        id: String,
        #[arg(long)]
        text: String,
        #[arg(long)]
        etag: Option<String>,
    },
    /// Cancel a task not yet done.
    Cancel {
        id: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        etag: Option<String>,
    },
}
