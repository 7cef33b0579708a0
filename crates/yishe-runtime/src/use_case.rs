//! Running a use-case from a gRPC handler.

use tonic::Status;
use yishe_domain::ServiceError;

/// Runs `work` to completion in a task of its own, whatever happens to the call: a
/// client that hangs up or times out cannot stop a transaction halfway. Its error
/// becomes the caller's status. The task stays in the call's span (and trace).
pub async fn run<T, E, F>(work: F) -> Result<T, Status>
where
    F: std::future::Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: ServiceError,
{
    use tracing::Instrument as _;
    match tokio::spawn(work.in_current_span()).await {
        Ok(result) => result.map_err(|error| crate::status::of(&error)),
        Err(join) => {
            tracing::error!(error = %join, "use-case task failed");
            Err(Status::internal(
                "internal error; the server log has the details",
            ))
        }
    }
}
