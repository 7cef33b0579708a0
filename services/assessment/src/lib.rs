//! The assessment service (预估): the validated instruments as forms a client renders,
//! scored on the server. This part serves the instruments; submissions come next.

mod grpc;

use yishe_proto::assessment::assessment_service_server::AssessmentServiceServer;

pub use grpc::AssessmentGrpc;

/// The full name of the gRPC service, for health checks.
pub const SERVICE_NAME: &str = "yishe.assessment.v1.AssessmentService";

/// The assessment service's gRPC server.
pub fn start() -> AssessmentServiceServer<AssessmentGrpc> {
    AssessmentServiceServer::new(AssessmentGrpc)
}
