//! Test support at the server level: a real Yishe server on 127.0.0.1 with ephemeral
//! ports over a fresh database (`TestApp`), typed clients, a seeded station, staff
//! tokens signed with fixture keys, the TLS fixtures, and the case a service plan
//! starts from (`plans`).

mod app;
mod beside;
pub mod feed;
mod metrics_text;
mod otlp;
pub mod plans;
mod seed;
pub mod tokens;

pub use app::{
    Assessments, Audit, Directory, FollowUps, PatientRights, Plans, Referrals, Reports, TestApp,
    http_get, https_get, mutual_tls, tls_fixture,
};
pub use beside::{Beside, workspace_binary};
pub use metrics_text::{metric_names, metric_value};
pub use otlp::{OtlpReceiver, ReceivedSpan};
pub use seed::Station;
pub use yishe_testkit::{Cluster, Engine, TestClock, TestDatabase};
