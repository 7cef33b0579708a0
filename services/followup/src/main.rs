//! `yishe-followup`: the follow-up service alone, for a split deployment. It shares the
//! database with the referral service, whose relay moves the events it appends into
//! the feed.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    yishe_runtime::run_standalone("yishe-followup", yishe_followup::register).await
}
