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

/// The context of an authenticated request. UNAUTHENTICATED if the layer did not run,
/// which would be a wiring bug, so nothing is ever served without a caller.
pub fn context<T>(request: &tonic::Request<T>) -> Result<RequestContext, Status> {
    request
        .extensions()
        .get::<RequestContext>()
        .cloned()
        .ok_or_else(|| Status::unauthenticated("no authenticated caller"))
}
