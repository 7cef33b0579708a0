//! The real `yishe` binary against a real server: the README's walk-through, the
//! assessment commands and the plan commands. One test binary for all.

mod support;

mod assessment;
mod plan;
mod walkthrough;
