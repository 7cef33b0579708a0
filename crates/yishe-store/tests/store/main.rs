//! The store on both engines: every test runs on SQLite and on PostgreSQL, through the
//! repositories and roles the services use. One test binary for the whole suite.

mod fixtures;

mod assessments;
mod audit_names;
mod conformance;
mod feed_retention;
mod group_commit;
mod plans;
mod polling;
mod service_plans;
mod stream_cursor;
mod upgrades;
