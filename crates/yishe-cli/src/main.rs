//! `yishe`, the thin client: station staff and admins talk to Yishe through the gRPC
//! contract only. Tables for people, `--output json` for scripts; a refused call
//! prints the server's message and offending fields and exits non-zero.

mod amendment;
mod answers;
mod args;
mod assessment;
mod audit;
mod client;
mod closure;
mod directory;
mod encryption;
mod enums;
mod failure;
mod followup;
mod output;
mod patient;
mod plan;
mod plan_file;
mod plan_names;
mod plan_view;
mod psychosocial;
mod referral;
mod report;
mod risk_words;
mod task;
mod token;
mod volunteer;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = args::Cli::parse();
    output::show_times_in(cli.global.time_zone);
    if let args::Command::Token(args::TokenCommand::Mint(mint)) = &cli.command {
        return match token::mint(mint) {
            Ok(token) => {
                println!("{token}");
                ExitCode::SUCCESS
            }
            Err(failure) => failure.report(),
        };
    }
    let result = async {
        let connection = client::Connection::open(&cli.global).await?;
        match cli.command {
            args::Command::Referral(command) => referral::run(command, &connection).await,
            args::Command::Station(command) => directory::station(command, &connection).await,
            args::Command::Department(command) => directory::department(command, &connection).await,
            args::Command::Worker(command) => directory::worker(command, &connection).await,
            args::Command::Key(command) => directory::key(command, &connection).await,
            args::Command::Audit(command) => audit::run(command, &connection).await,
            args::Command::Encryption(command) => encryption::run(command, &connection).await,
            args::Command::Assessment(command) => assessment::run(command, &connection).await,
            args::Command::Patient(command) => patient::run(command, &connection).await,
            args::Command::Plan(command) => plan::run(command, &connection).await,
            args::Command::Intervention(command) => plan::intervention(command, &connection).await,
            args::Command::Volunteer(command) => volunteer::run(command, &connection).await,
            args::Command::Task(command) => task::run(command, &connection).await,
            args::Command::Contact(command) => followup::contact(command, &connection).await,
            args::Command::Followup(command) => followup::run(command, &connection).await,
            args::Command::Report(args) => report::run(args, &connection).await,
            args::Command::Token(_) => unreachable!("minting needs no server and returned above"),
        }
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
