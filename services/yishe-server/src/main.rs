//! `yishe-server`: every Yishe service in one process.

use std::process::ExitCode;

use yishe_runtime::{Config, Shutdown, telemetry};

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = Config::load_or_exit();
    let telemetry = telemetry::init(&config, "yishe-server");
    if !args.is_empty() {
        let exit = yishe_server::run_command(&args, config).await;
        telemetry.flush().await;
        return exit;
    }
    let shutdown = Shutdown::new();
    shutdown.trigger_on_signals();

    let clock = yishe_runtime::process_clock();
    let running = match yishe_server::start(config, shutdown, clock).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("yishe: cannot start: {error}");
            return error.exit_code();
        }
    };
    println!(
        "yishe: gRPC on {} (reflection and grpc.health.v1 enabled)",
        running.grpc_addr
    );
    println!(
        "yishe: metrics on http://{}/metrics, health on http://{}/healthz",
        running.http_addr, running.http_addr
    );
    let console = &running.process.config.console;
    match (running.console_addr, yishe_console::not_built()) {
        (Some(addr), _) => {
            let scheme = if running.process.console_tls.is_some() {
                "https"
            } else {
                "http"
            };
            println!("yishe: the station's console on {scheme}://{addr}/");
        }
        (None, Some(why)) if console.enabled => println!("yishe: {why}"),
        (None, _) => {}
    }
    if let Some(path) = &running.process.new_key_file {
        println!(
            "yishe: first start: encryption keys created in {} (mode 0600): back this file up; without it the patient data cannot be read",
            path.display()
        );
    }
    if let Some(key) = &running.first_admin_key {
        println!(
            "yishe: first start: a station-admin key was created and written to {}",
            key.path.display()
        );
        println!("yishe: station-admin key (shown once): {}", key.secret);
    }
    let result = running.wait().await;
    telemetry.flush().await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("yishe: server failed: {error}");
            ExitCode::FAILURE
        }
    }
}
