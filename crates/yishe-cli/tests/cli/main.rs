//! The real `yishe` binary against a real server: the README's walk-through, the
//! assessment, plan and follow-up commands. One test binary for all.

mod support;

mod assessment;
mod closure;
mod followup;
mod misleads;
mod plan;
mod walkthrough;
