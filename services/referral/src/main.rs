//! `yishe-referral`: the referral service alone, for a split deployment. It shares the
//! database (and so the API keys) with the directory service; the feed relay elects
//! one leader across processes through a PostgreSQL advisory lock.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    yishe_runtime::run_standalone("yishe-referral", yishe_referral::register).await
}
