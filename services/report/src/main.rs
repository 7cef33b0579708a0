//! `yishe-report`: the report service alone, for a split deployment. It reads the
//! database the other services write.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    yishe_runtime::run_standalone("yishe-report", yishe_report::register).await
}
