//! What the authentication layer hands to the use-cases.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tonic::Status;
use yishe_domain::{AuditAction, Caller, Clock, Outcome, ServiceError};
use yishe_store::AuditEntry;

/// The authenticated caller, the id this request is known by in logs and audit, and
/// the process's clock.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub caller: Caller,
    /// The client's `x-request-id`, or one made up for this call.
    pub request_id: String,
    pub clock: Arc<dyn Clock>,
}

impl RequestContext {
    /// Now, by the process's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The audit row recording that this caller did `action` to the record
    /// `resource_id`, with `outcome`.
    pub fn audit(
        &self,
        action: AuditAction,
        resource_id: impl ToString,
        outcome: Outcome,
    ) -> AuditEntry {
        AuditEntry::of(
            &self.caller,
            &self.request_id,
            action,
            resource_id,
            outcome,
            self.now(),
        )
    }

    /// Records, in a transaction of its own, that this caller's attempt to do `action`
    /// to a record was refused with `error`. Bad input touched no record and is not
    /// recorded. Best effort: a failure to audit is logged, and the caller still gets
    /// the original refusal.
    pub async fn audit_refusal(
        &self,
        store: &yishe_store::Store,
        action: AuditAction,
        resource_id: impl ToString,
        error: &dyn ServiceError,
    ) {
        let code = error.code();
        if code == yishe_domain::Code::InvalidArgument {
            return;
        }
        let entry = self.audit(action, resource_id, Outcome::Refused(code));
        if let Err(error) = store.append_audit_alone(&entry).await {
            let action = action.as_str();
            tracing::error!(%error, action, "cannot write the audit row of a refused call");
        }
    }
}

impl RequestContext {
    /// Passes a use-case's `result` through, recording a refusal against the record
    /// `resource` (when the use-case got as far as knowing it) in a transaction of its
    /// own, as `audit_refusal` does.
    pub async fn audited<T, E: ServiceError>(
        &self,
        store: &yishe_store::Store,
        action: AuditAction,
        resource: Option<impl ToString>,
        result: Result<T, E>,
    ) -> Result<T, E> {
        if let Err(error) = &result {
            let id = resource.map(|r| r.to_string()).unwrap_or_default();
            self.audit_refusal(store, action, id, error).await;
        }
        result
    }
}

/// The context of an authenticated request. UNAUTHENTICATED if the layer did not run,
/// which would be a wiring bug, so nothing is ever served without a caller.
pub fn context<T>(request: &tonic::Request<T>) -> Result<RequestContext, Status> {
    request
        .extensions()
        .get::<RequestContext>()
        .cloned()
        .ok_or_else(|| Status::unauthenticated("no authenticated caller"))
}
