//! Conversions between wire messages and domain types: the edge of every service.
//!
//! Inbound, a request becomes either a parsed request (every id, etag, enum, filter
//! and page token typed; `Err` names each offending field) or, for a create, a draft
//! whose fields the domain validates together (unknown enum values become `None`), so
//! that every offending field is reported in one answer. Outbound, a domain value
//! becomes its wire message.

pub mod assessment;
pub mod audit;
pub mod closure;
mod coded;
pub mod directory;
pub mod followup;
mod parse;
pub mod plan;
pub mod privacy;
pub mod referral;
pub mod report;
pub mod task;
mod time;

pub use time::{from_timestamp, to_timestamp};
