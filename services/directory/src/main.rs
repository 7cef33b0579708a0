//! `yishe-directory`: the directory service alone, for a split deployment. Like the
//! all-in-one server it makes the first station-admin key of a new database.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    yishe_runtime::run_standalone("yishe-directory", |process| {
        let store = process.store.clone();
        let clock = process.clock.clone();
        let station = process.config.station();
        let data_dir = process.config.data_dir.clone();
        tokio::spawn(async move {
            match yishe_directory::ensure_admin_key(&store, clock.as_ref(), &station, &data_dir)
                .await
            {
                Ok(Some(key)) => println!(
                    "yishe-directory: station-admin key written to {}",
                    key.path.display()
                ),
                Ok(None) => {}
                Err(error) => {
                    eprintln!("yishe-directory: cannot create the first admin key: {error}")
                }
            }
        });
        let c = &process.config;
        let key_file = c
            .encryption_keys
            .trim()
            .is_empty()
            .then(|| c.effective_key_file());
        let encryption = yishe_directory::start_encryption(
            process.store.clone(),
            key_file,
            process.shutdown.clone(),
        );
        let mut routes = tonic::service::RoutesBuilder::default();
        routes
            .add_service(yishe_directory::start(process.store.clone()))
            .add_service(encryption);
        Ok((
            routes,
            vec![
                yishe_directory::SERVICE_NAME,
                yishe_directory::ENCRYPTION_SERVICE_NAME,
            ],
        ))
    })
    .await
}
