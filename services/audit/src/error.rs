//! The audit service's errors: only what any use-case can run into (requests are
//! checked at the edge, and the auditor is refused nothing of their own).

pub type Error = yishe_runtime::Failure<yishe_runtime::failure::NoRefusal>;
