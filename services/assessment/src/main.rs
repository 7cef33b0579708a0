//! `yishe-assessment`: the assessment service alone, for a split deployment. It shares
//! the database with the referral service, whose relay moves the events it appends
//! into the feed.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    yishe_runtime::run_standalone("yishe-assessment", |process| {
        let service = yishe_assessment::start(yishe_assessment::Options {
            store: process.store.clone(),
            metrics: process.metrics.clone(),
            config: process.config.assessment.clone(),
        })
        .map_err(yishe_runtime::StartError::Config)?;
        let mut routes = tonic::service::RoutesBuilder::default();
        routes.add_service(service);
        Ok((routes, vec![yishe_assessment::SERVICE_NAME]))
    })
    .await
}
