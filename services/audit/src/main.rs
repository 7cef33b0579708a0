//! `yishe-audit`: the audit service alone, for a split deployment. Run one wherever
//! audit rows are written: its sealer keeps the hash chain current.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    yishe_runtime::run_standalone("yishe-audit", yishe_audit::register).await
}
