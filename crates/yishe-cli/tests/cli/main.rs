//! The real `yishe` binary against a real server: the README's walk-through and the
//! assessment commands. One test binary for both.

mod support;

mod assessment;
mod walkthrough;
