//! `yishe-referral`: the referral service alone, for a split deployment. It shares the
//! database (and so the API keys) with the directory service; the feed relay elects
//! one leader across processes through a PostgreSQL advisory lock.

use std::time::Duration;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    yishe_runtime::run_standalone("yishe-referral", |process| {
        let c = &process.config;
        let service = yishe_referral::start(yishe_referral::Options {
            store: process.store.clone(),
            metrics: process.metrics.clone(),
            default_station: c.station(),
            deadlines: c.acceptance_deadlines,
            sla_check_interval: Duration::from_secs(c.sla_check_interval_secs),
            retention: c.retention(),
            retention_interval: Duration::from_secs(c.retention_interval_secs),
            clock: process.clock.clone(),
            shutdown: process.shutdown.clone(),
        });
        let mut routes = tonic::service::RoutesBuilder::default();
        routes.add_service(service);
        Ok((routes, vec![yishe_referral::SERVICE_NAME]))
    })
    .await
}
