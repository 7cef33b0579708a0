//! Backup and restore as OPERATIONS.md tells them: the embedded database copied by
//! `yishe-server backup` while the server serves, PostgreSQL by `pg_dump` and
//! `pg_restore`; the original gone; a server on the restored copy, with the keyring
//! kept apart, reads every referral back (patient details opened with the keyring) and
//! finds the audit chain intact.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use yishe_proto::referral::GetReferralRequest;

use yishe_testserver::TestDatabase;

use crate::support::{Engine, Station, TestApp, create_referral, sealed_chain};

/// The copy of `app`'s database, made as an operator would: its URL, and on PostgreSQL
/// the database restored into (dropped with it).
async fn back_up(app: &TestApp, dir: &std::path::Path) -> (String, Option<TestDatabase>) {
    match app.engine {
        Engine::Sqlite => {
            let file = dir.join("yishe-backup.db");
            yishe_server::backup(app.process.config.clone(), &file)
                .await
                .expect("yishe-server backup");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&file).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "the owner's only");
            }
            // Restored into a directory of its own, as on a new machine.
            let restored = dir.join("restored");
            std::fs::create_dir(&restored).unwrap();
            std::fs::copy(&file, restored.join("yishe.db")).unwrap();
            (format!("sqlite://{}/yishe.db", restored.display()), None)
        }
        Engine::Postgres => {
            let dump = dir.join("yishe.dump");
            run(Command::new("pg_dump")
                .args(["--format=custom", "--file"])
                .arg(&dump)
                .arg(&app.db.url));
            let target = TestDatabase::create(Engine::Postgres)
                .await
                .expect("a database to restore into");
            run(Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(&target.url)
                .arg(&dump));
            (target.url.clone(), Some(target))
        }
    }
}

fn run(command: &mut Command) {
    let out = command
        .output()
        .expect("the PostgreSQL client tools are installed");
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn a_restored_backup_reads_back_and_verifies(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let app = std::sync::Arc::new(app);
    let station = std::sync::Arc::new(Station::seed(&app).await);
    let mut created = Vec::new();
    for n in 0..5 {
        created.push(create_referral(&app, &station, &format!("backed-up-{n}")).await);
    }
    // The HIS goes on sending while the copy is made.
    let sending = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sender = tokio::spawn({
        let (app, station, sending) = (app.clone(), station.clone(), sending.clone());
        async move {
            let mut n = 0;
            while sending.load(std::sync::atomic::Ordering::Relaxed) {
                create_referral(&app, &station, &format!("during-{n}")).await;
                n += 1;
            }
            n
        }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let dir = tempfile::tempdir().unwrap();
    let (url, _restored_database) = back_up(&app, dir.path()).await;
    sending.store(false, std::sync::atomic::Ordering::Relaxed);
    let sent_during = sender.await.unwrap();
    assert!(sent_during > 0, "writes went on during the backup");
    // The keyring, backed up apart from the data: here, the original's file.
    let keyring: PathBuf = app.process.config.effective_key_file();
    let kept = dir.path().join("encryption.keys");
    std::fs::copy(&keyring, &kept).unwrap();
    drop(std::sync::Arc::into_inner(app).expect("the sender is done"));

    let Some(restored) = TestApp::spawn_with(engine, |c| {
        c.database.database_url = url;
        c.security.encryption_key_file = kept;
    })
    .await
    else {
        return;
    };
    let mut referrals = restored.referrals(Some(&station.his_key));
    for original in &created {
        let read = referrals
            .get_referral(GetReferralRequest {
                referral_id: original.id.clone(),
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("{} is not in the restored copy: {e:?}", original.id))
            .into_inner()
            .referral
            .unwrap();
        assert_eq!(
            read.patient.as_ref().map(|p| &p.name),
            original.patient.as_ref().map(|p| &p.name),
            "the patient's name, opened with the kept keyring"
        );
    }
    let verified = sealed_chain(&restored, &station).await;
    assert!(verified.intact, "{verified:?}");
    assert!(verified.verified_records > 10, "{verified:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_sqlite_backup_reads_back_and_verifies() {
    a_restored_backup_reads_back_and_verifies(Engine::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_postgres_dump_reads_back_and_verifies() {
    a_restored_backup_reads_back_and_verifies(Engine::Postgres).await
}

/// A backup goes to a new file: an existing one is never overwritten; on PostgreSQL the
/// command points to pg_dump.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_never_overwrites_and_postgres_has_its_own_tools() {
    let Some(app) = TestApp::spawn(Engine::Sqlite).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("there.db");
    std::fs::write(&existing, "keep me").unwrap();
    let refused = yishe_server::backup(app.process.config.clone(), &existing).await;
    assert!(refused.unwrap_err().contains("exists"));
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "keep me");

    let Some(app) = TestApp::spawn(Engine::Postgres).await else {
        return;
    };
    let refused = yishe_server::backup(app.process.config.clone(), &dir.path().join("pg.db")).await;
    assert!(refused.unwrap_err().contains("pg_dump"));
}
