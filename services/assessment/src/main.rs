//! `yishe-assessment`: the assessment service alone, for a split deployment.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    yishe_runtime::run_standalone("yishe-assessment", |_| {
        let mut routes = tonic::service::RoutesBuilder::default();
        routes.add_service(yishe_assessment::start());
        (routes, vec![yishe_assessment::SERVICE_NAME])
    })
    .await
}
