//! What the authentication layer hands to the use-cases.

use tonic::Status;
use yishe_domain::Caller;

/// The authenticated caller and the id this request is known by in logs and audit.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub caller: Caller,
    /// The client's `x-request-id`, or one made up for this call.
    pub request_id: String,
}

impl RequestContext {
    /// The audit row recording that this caller did `action` to a record, with the
    /// `outcome` (`ok` or the code the caller received).
    pub fn audit(
        &self,
        action: &str,
        resource_kind: &str,
        resource_id: String,
        outcome: &str,
    ) -> yishe_store::AuditEntry {
        yishe_store::AuditEntry {
            id: uuid::Uuid::now_v7(),
            occurred_at: yishe_domain::referral::truncate_to_micros(chrono::Utc::now()),
            subject: self.caller.subject.clone(),
            role: self.caller.role.as_str().to_owned(),
            action: action.to_owned(),
            resource_kind: resource_kind.to_owned(),
            resource_id,
            request_id: self.request_id.clone(),
            outcome: outcome.to_owned(),
            purpose: String::new(),
        }
    }

    /// Records that this caller's attempt to do `action` to a record was refused with
    /// `code`. Bad input touched no record and is not recorded. Best effort: a failure
    /// to audit is logged, and the caller still gets the original refusal.
    pub async fn audit_refusal(
        &self,
        store: &yishe_store::Store,
        action: &str,
        resource_kind: &str,
        resource_id: String,
        code: yishe_domain::Code,
    ) {
        if code == yishe_domain::Code::InvalidArgument {
            return;
        }
        let entry = self.audit(action, resource_kind, resource_id, code.as_str());
        if let Err(e) = store.append_audit_alone(&entry).await {
            tracing::error!(error = %e, action, "cannot write the audit row of a refused call");
        }
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
