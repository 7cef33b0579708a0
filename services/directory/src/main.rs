//! `yishe-directory`: the directory service alone, for a split deployment. Like the
//! all-in-one server it registers its station and makes the first station-admin key
//! of a new database.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    yishe_runtime::run_standalone("yishe-directory", |process, services| {
        let (store, clock) = (process.store.clone(), process.clock.clone());
        let c = &process.config;
        let (station, data_dir) = (c.station.station(), c.database.data_dir.clone());
        tokio::spawn(async move {
            let bootstrap = async {
                yishe_directory::register_station(&store, clock.as_ref(), &station).await?;
                yishe_directory::ensure_admin_key(&store, clock.as_ref(), &station, &data_dir).await
            };
            match bootstrap.await {
                Ok(Some(key)) => println!(
                    "yishe-directory: station-admin key written to {}",
                    key.path.display()
                ),
                Ok(None) => {}
                Err(error) => {
                    eprintln!("yishe-directory: cannot register the station or create the first admin key: {error}")
                }
            }
        });
        yishe_directory::register(process, services)
    })
    .await
}
