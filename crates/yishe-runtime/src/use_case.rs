//! Running a use-case from a gRPC handler.

use tonic::Status;

/// Runs `work` to completion in a task of its own, whatever happens to the call: a
/// client that hangs up or times out cannot stop a transaction halfway. Its error is
/// turned into a status by `into_status`.
pub async fn run_to_completion<T, E, F>(work: F, into_status: fn(E) -> Status) -> Result<T, Status>
where
    F: std::future::Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
{
    match tokio::spawn(work).await {
        Ok(result) => result.map_err(into_status),
        Err(join) => {
            tracing::error!(error = %join, "use-case task failed");
            Err(Status::internal(
                "internal error; the server log has the details",
            ))
        }
    }
}
