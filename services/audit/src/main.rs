//! `yishe-audit`: the audit service alone, for a split deployment. Run one wherever
//! audit rows are written: its sealer keeps the hash chain current.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    yishe_runtime::run_standalone("yishe-audit", |process| {
        let mut routes = tonic::service::RoutesBuilder::default();
        routes.add_service(yishe_audit::start(
            process.store.clone(),
            process.shutdown.clone(),
        ));
        Ok((routes, vec![yishe_audit::SERVICE_NAME]))
    })
    .await
}
