//! Yishe end to end: each suite runs through a real server on ephemeral ports, over a
//! fresh database, with real gRPC clients, once on SQLite and once on PostgreSQL. One
//! test binary for all of them, so the server is linked once.

mod support;

mod assessment;
mod audit;
mod audit_anchor;
mod backup;
mod closure;
mod consent;
mod console;
mod console_sso;
mod database_faults;
mod deploy;
mod deploy_manifests;
mod encryption;
mod feed;
mod feed_positions;
mod followup;
mod his_journey;
mod history;
mod integration_guide;
mod leak;
mod limits;
mod move_to_postgres;
mod mtls;
mod national_algorithms;
mod operations;
mod patient_rights;
mod permissions;
mod plan;
mod referral_errors;
mod referral_lifecycle;
mod report;
mod reroute;
mod staff;
mod stations;
mod tokens;
