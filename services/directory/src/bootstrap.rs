//! The first start: the installation's station is registered, and with no
//! station-admin key in the database one is created, its secret written to a file only
//! the server's user can read, so that a new installation can be used at once.

use std::io::Write;
use std::path::{Path, PathBuf};

use yishe_domain::directory::{ApiKey, Station};
use yishe_domain::ids::ApiKeyId;
use yishe_domain::{AuditAction, Clock, Role, StationId};
use yishe_runtime::auth::secrets;
use yishe_store::{AuditEntry, Store};

use crate::error::{Refusal, Result};

/// The name of the admin key file inside the data directory.
pub const ADMIN_KEY_FILE: &str = "admin.key";

/// The key made on first start: where its secret was written, and the secret.
#[derive(Debug)]
pub struct FirstAdminKey {
    pub path: PathBuf,
    pub secret: String,
}

/// Registers the installation's station unless it is registered: named by its id,
/// taking every reason, until its admin says otherwise.
pub async fn register_station(store: &Store, clock: &dyn Clock, station: &StationId) -> Result<()> {
    let at = clock.now();
    let mut tx = store.begin().await?;
    if tx
        .register_station(&Station::registered(station.clone(), at))
        .await?
    {
        tx.append_audit(&AuditEntry::system(
            AuditAction::StationRegister,
            station,
            at,
        ))
        .await?;
    }
    // Supervisor keys made before plans needed a person behind every approval: the
    // admin hears of them at every start until they are linked.
    let unlinked: Vec<String> = tx
        .list_api_keys(false)
        .await?
        .iter()
        .filter(|k| k.role == Role::Supervisor && k.worker.is_none())
        .filter(|k| k.station.as_ref() == Some(station))
        .map(|k| k.id.to_string())
        .collect();
    tx.commit().await?;
    if !unlinked.is_empty() {
        tracing::warn!(
            keys = %unlinked.join(","),
            "supervisor keys without a social worker cannot approve service plans; \
             link each with `yishe key link <key id> --worker <worker id>` \
             (`yishe key list --unlinked-supervisors` lists them)"
        );
    }
    Ok(())
}

/// Creates the first station-admin key unless a valid one exists.
pub async fn ensure_admin_key(
    store: &Store,
    clock: &dyn Clock,
    station: &StationId,
    data_dir: &Path,
) -> Result<Option<FirstAdminKey>> {
    let mut tx = store.begin().await?;
    if tx.has_valid_key(Role::StationAdmin.as_str()).await? {
        return Ok(None);
    }
    let secret = insert_admin_key(
        &mut *tx,
        station,
        clock.now(),
        "station admin (created on first start)",
    )
    .await?;
    // The file first: a key nobody can read would be worse than no key.
    let path = data_dir.join(ADMIN_KEY_FILE);
    write_private(&path, &secret).map_err(Refusal::KeyFile)?;
    tx.commit().await?;
    Ok(Some(FirstAdminKey { path, secret }))
}

/// A new station-admin key for `station`, made at the server's console (`yishe-server
/// admin-key`) when the first one is lost or was never read (in a container its file
/// is hard to reach): its secret, shown once. Whoever may run the server with its
/// configuration can read the database already; the key is audited all the same.
pub async fn issue_admin_key(
    store: &Store,
    clock: &dyn Clock,
    station: &StationId,
) -> Result<String> {
    let mut tx = store.begin().await?;
    let secret = insert_admin_key(
        &mut *tx,
        station,
        clock.now(),
        "station admin (yishe-server admin-key)",
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// Inserts a station-admin key named `name` and its audit row; its secret.
async fn insert_admin_key(
    tx: &mut dyn yishe_store::Tx,
    station: &StationId,
    at: chrono::DateTime<chrono::Utc>,
    name: &str,
) -> Result<String> {
    let secret = secrets::generate();
    let key = ApiKey {
        id: ApiKeyId::new(),
        display_name: name.into(),
        role: Role::StationAdmin,
        hospital: None,
        departments: Vec::new(),
        station: Some(station.clone()),
        worker: None,
        volunteer: None,
        certificate_subject: None,
        read_only: false,
        secret_hash: secrets::hash(&secret),
        created_at: at,
        revoked_at: None,
    };
    tx.insert_api_key(&key).await?;
    tx.append_audit(&AuditEntry::system(
        AuditAction::ApiKeyBootstrap,
        key.id,
        at,
    ))
    .await?;
    Ok(secret)
}

/// Writes `secret` to `path`, readable and writable by the owner only.
fn write_private(path: &Path, secret: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        writeln!(file, "{secret}")?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        writeln!(file, "{secret}")?;
        file.sync_all()
    }
}
