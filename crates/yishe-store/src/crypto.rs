//! Encryption at rest of the sensitive fields (the patient, consent, free-text notes):
//! AES-256-GCM or SM4-GCM (each key names its own) with a random nonce per value, the
//! key id stored with each value, and the record and field bound in as associated data
//! so a value cannot be moved to another row. Keys live in a keyring file or the
//! environment, never in the database. A keyed hash (HMAC-SHA256) of the HIS patient
//! id allows exact-match lookup.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::ciphers::{EncryptionAlgorithm, KeyCipher};
use crate::{Error, Result};

/// The prefix of an encrypted value: `enc:v1:<key id>:<base64(nonce ‖ ciphertext)>`.
const PREFIX: &str = "enc:v1:";

fn random_key(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    hex::encode(bytes)
}

/// The keys: one current key that encrypts, older keys that still decrypt, and the
/// lookup key of the HMAC column (never rotated by `rotated`, so lookups keep working).
/// A key seals with AES-256-GCM unless `algorithms` names another cipher for it (so
/// keyrings written before SM4 read as they were).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyring {
    current: String,
    lookup: String,
    keys: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    algorithms: BTreeMap<String, EncryptionAlgorithm>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current)
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .field("algorithms", &self.algorithms)
            .finish_non_exhaustive()
    }
}

fn new_key_id() -> String {
    format!("k{}", chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f")).replace('.', "")
}

impl Keyring {
    /// The seed of the installation's checkpoint signing key: derived from the lookup
    /// key, which `rotated` keeps, under a label of its own (HKDF-SHA256).
    pub(crate) fn checkpoint_seed(&self) -> [u8; 32] {
        let lookup = hex::decode(&self.lookup).expect("validated lookup key");
        let mut seed = [0u8; 32];
        hkdf::Hkdf::<Sha256>::new(None, &lookup)
            .expand(b"yishe audit checkpoint signing key v1", &mut seed)
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        seed
    }

    /// A new keyring with one fresh AES-256-GCM key.
    pub fn generate() -> Self {
        Self::generate_with(EncryptionAlgorithm::default())
    }

    /// A new keyring with one fresh key of `algorithm`.
    pub fn generate_with(algorithm: EncryptionAlgorithm) -> Self {
        let empty = Self {
            current: String::new(),
            lookup: random_key(32),
            keys: BTreeMap::new(),
            algorithms: BTreeMap::new(),
        };
        empty.rotated_to(algorithm)
    }

    /// This keyring with a new current key of the current key's algorithm; the old
    /// keys stay for decryption.
    pub fn rotated(&self) -> Self {
        self.rotated_to(self.current_algorithm())
    }

    /// This keyring with a new current key of `algorithm` (which may differ from the
    /// old keys': that is how an installation moves from one cipher to the other).
    pub fn rotated_to(&self, algorithm: EncryptionAlgorithm) -> Self {
        let mut next = self.clone();
        let mut id = new_key_id();
        while next.keys.contains_key(&id) {
            id.push('b');
        }
        next.keys
            .insert(id.clone(), random_key(algorithm.key_len()));
        if algorithm != EncryptionAlgorithm::default() {
            next.algorithms.insert(id.clone(), algorithm);
        }
        next.current = id;
        next
    }

    pub fn current_key_id(&self) -> &str {
        &self.current
    }

    /// The cipher of the key `id`, if the keyring holds it.
    pub fn cipher_of(&self, id: &str) -> Option<EncryptionAlgorithm> {
        self.keys.contains_key(id).then(|| self.algorithm_of(id))
    }

    /// The cipher the key `id` seals with.
    fn algorithm_of(&self, id: &str) -> EncryptionAlgorithm {
        self.algorithms.get(id).copied().unwrap_or_default()
    }

    /// The cipher new values are sealed with.
    pub fn current_algorithm(&self) -> EncryptionAlgorithm {
        self.algorithm_of(&self.current)
    }

    /// Parses the TOML form, checking every key.
    pub fn parse(text: &str) -> Result<Self> {
        let ring: Keyring =
            toml::from_str(text).map_err(|e| Error::Config(format!("encryption keys: {e}")))?;
        let valid = |hex_key: &str, len: usize| {
            hex::decode(hex_key)
                .map(|k| k.len() == len)
                .unwrap_or(false)
        };
        if !valid(&ring.lookup, 32) {
            return Err(Error::Config(
                "the lookup key must be 32 bytes in hex".into(),
            ));
        }
        for (id, key) in &ring.keys {
            let algorithm = ring.algorithm_of(id);
            if !valid(key, algorithm.key_len()) {
                return Err(Error::Config(format!(
                    "encryption key {id:?} ({algorithm}) must be {} bytes in hex",
                    algorithm.key_len()
                )));
            }
        }
        if let Some(id) = ring
            .algorithms
            .keys()
            .find(|id| !ring.keys.contains_key(*id))
        {
            return Err(Error::Config(format!(
                "algorithms names key {id:?}, which is not in the keyring"
            )));
        }
        if !ring.keys.contains_key(&ring.current) {
            return Err(Error::Config(format!(
                "encryption key {:?} (current) is not in the keyring",
                ring.current
            )));
        }
        if ring.keys.keys().any(|id| id.is_empty() || id.contains(':')) {
            return Err(Error::Config(
                "encryption key ids must be non-empty and contain no ':'".into(),
            ));
        }
        Ok(ring)
    }

    pub fn to_toml(&self) -> String {
        format!(
            "# Yishe encryption keys. Keep this file secret and backed up: without it the\n\
             # patient data in the database cannot be read.\n{}",
            toml::to_string(self).expect("a keyring serializes")
        )
    }

    /// Reads the keyring at `path`, or creates one there (mode 0600) with a key of
    /// `algorithm` if there is none; the flag says whether it was created.
    pub fn load_or_create(path: &Path, algorithm: EncryptionAlgorithm) -> Result<(Self, bool)> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((Self::parse(&text)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let ring = Self::generate_with(algorithm);
                ring.save(path)?;
                Ok((ring, true))
            }
            Err(e) => Err(Error::Config(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }

    /// Writes the keyring atomically (a temporary file renamed into place), mode 0600.
    pub fn save(&self, path: &Path) -> Result<()> {
        let io = |e: std::io::Error| Error::Config(format!("cannot write {}: {e}", path.display()));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let temporary = path.with_extension("tmp");
        {
            use std::io::Write;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&temporary).map_err(io)?;
            file.write_all(self.to_toml().as_bytes()).map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        std::fs::rename(&temporary, path).map_err(io)
    }

    fn cipher(&self, id: &str) -> Option<KeyCipher> {
        let key = hex::decode(self.keys.get(id)?).ok()?;
        KeyCipher::new(self.algorithm_of(id), &key)
    }
}

/// A keyring with its keys decoded and expanded, once when it is installed rather than
/// for every value sealed or opened (every create seals three).
struct Installed {
    ring: Arc<Keyring>,
    ciphers: BTreeMap<String, KeyCipher>,
    lookup: Hmac<Sha256>,
}

impl Installed {
    fn of(ring: Keyring) -> Self {
        let ciphers = ring
            .keys
            .keys()
            .filter_map(|id| Some((id.clone(), ring.cipher(id)?)))
            .collect();
        let key = hex::decode(&ring.lookup).expect("validated lookup key");
        let lookup = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("any key size");
        Self {
            ring: Arc::new(ring),
            ciphers,
            lookup,
        }
    }
}

/// Seals and opens values with the installed keyring; a rotation installs a new one
/// while the server runs.
pub struct Crypto {
    installed: RwLock<Arc<Installed>>,
}

impl std::fmt::Debug for Crypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crypto")
            .field("ring", &self.installed().ring)
            .finish()
    }
}

impl Crypto {
    pub fn new(ring: Keyring) -> Arc<Self> {
        Arc::new(Self {
            installed: RwLock::new(Arc::new(Installed::of(ring))),
        })
    }

    fn installed(&self) -> Arc<Installed> {
        self.installed.read().expect("keyring lock").clone()
    }

    /// A throwaway keyring (tests).
    pub fn ephemeral() -> Arc<Self> {
        Self::new(Keyring::generate())
    }

    pub fn keyring(&self) -> Arc<Keyring> {
        self.installed().ring.clone()
    }

    pub fn install(&self, ring: Keyring) {
        let installed = Arc::new(Installed::of(ring));
        *self.installed.write().expect("keyring lock") = installed;
    }

    pub fn current_key_id(&self) -> String {
        self.keyring().current.clone()
    }

    /// The keyring as installed now, to seal a row's fields with and label the row by:
    /// taken once per row, so the label names the key that sealed every field even if
    /// a rotation installs another keyring meanwhile.
    pub fn sealer(&self) -> Sealer {
        Sealer(self.installed())
    }

    /// Encrypts `plaintext`, bound to `context` (record and field), under the current
    /// key.
    pub fn seal(&self, context: &str, plaintext: &str) -> String {
        self.sealer().seal(context, plaintext)
    }

    /// Decrypts a value written by `seal` under any key of the keyring. A value without
    /// the prefix was written before encryption existed and is returned as it is.
    pub fn open(&self, context: &str, stored: &str) -> Result<String> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let corrupt = |why: &str| Error::Corrupt(format!("encrypted value unreadable: {why}"));
        let (id, data) = rest.split_once(':').ok_or_else(|| corrupt("no key id"))?;
        let installed = self.installed();
        let cipher = installed
            .ciphers
            .get(id)
            .ok_or_else(|| corrupt("key not in the keyring"))?;
        let mut sealed = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(data)
            .map_err(|_| corrupt("not base64"))?;
        if sealed.len() < 12 {
            return Err(corrupt("too short"));
        }
        // Opened where it was decoded: the nonce taken off its front, the ciphertext
        // decrypted in place and the tag cut off, so a value costs one buffer.
        let nonce: [u8; 12] = sealed[..12].try_into().expect("12 bytes");
        sealed.drain(..12);
        cipher
            .decrypt_in_place(&nonce, context.as_bytes(), &mut sealed)
            .map_err(|_| corrupt("authentication failed"))?;
        String::from_utf8(sealed).map_err(|_| corrupt("not UTF-8"))
    }

    /// The key id a stored value was sealed with (`None` for a legacy plaintext value).
    pub fn key_id_of(stored: &str) -> Option<&str> {
        stored
            .strip_prefix(PREFIX)?
            .split_once(':')
            .map(|(id, _)| id)
    }

    /// The keyed hash stored for exact-match lookup of `value`.
    pub fn lookup(&self, value: &str) -> String {
        self.sealer().lookup(value)
    }
}

/// One keyring as it was installed when taken (`Crypto::sealer`): the key a row's
/// fields are sealed with, and the id the row is labelled with.
pub struct Sealer(Arc<Installed>);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Sealer").field(&self.key_id()).finish()
    }
}

impl Sealer {
    /// The id of the key this sealer seals with.
    pub fn key_id(&self) -> &str {
        &self.0.ring.current
    }

    /// The keyed hash stored for exact-match lookup of `value`.
    pub fn lookup(&self, value: &str) -> String {
        let mut mac = self.0.lookup.clone();
        mac.update(value.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Encrypts `plaintext`, bound to `context` (record and field).
    pub fn seal(&self, context: &str, plaintext: &str) -> String {
        let installed = &self.0;
        let ring = &installed.ring;
        let cipher = installed
            .ciphers
            .get(&ring.current)
            .expect("the current key is valid");
        // A fresh random nonce per value, from the thread's CSPRNG (ChaCha, seeded and
        // reseeded from the operating system) rather than a system call per value:
        // sealing is on every create's path.
        let mut nonce = [0u8; 12];
        rand::Rng::fill_bytes(&mut rand::rng(), &mut nonce);
        let sealed = cipher.encrypt(&nonce, plaintext.as_bytes(), context.as_bytes());
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&sealed);
        format!(
            "{PREFIX}{}:{}",
            ring.current,
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(blob)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_are_bound_to_their_context() {
        let crypto = Crypto::ephemeral();
        let sealed = crypto.seal("referral:1:patient", "张三 MRN-1");
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("MRN"));
        assert_eq!(
            crypto.open("referral:1:patient", &sealed).unwrap(),
            "张三 MRN-1"
        );
        assert!(
            crypto.open("referral:2:patient", &sealed).is_err(),
            "moved to another row"
        );
        assert_ne!(
            crypto.seal("c", "same"),
            crypto.seal("c", "same"),
            "a nonce per value"
        );
    }

    #[test]
    fn a_rotated_keyring_still_opens_old_values() {
        let crypto = Crypto::ephemeral();
        let old = crypto.seal("c", "v");
        let before = crypto.lookup("MRN-1");
        crypto.install(crypto.keyring().rotated());
        let new = crypto.seal("c", "v");
        assert_ne!(Crypto::key_id_of(&old), Crypto::key_id_of(&new));
        assert_eq!(crypto.open("c", &old).unwrap(), "v");
        assert_eq!(crypto.lookup("MRN-1"), before, "lookups survive rotation");
    }

    #[test]
    fn tampering_and_unknown_keys_are_refused() {
        let crypto = Crypto::ephemeral();
        let sealed = crypto.seal("c", "value");
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(crypto.open("c", &tampered).is_err());
        assert!(Crypto::ephemeral().open("c", &sealed).is_err());
        assert_eq!(
            crypto.open("c", "legacy plaintext").unwrap(),
            "legacy plaintext"
        );
    }

    #[test]
    fn a_keyring_moves_between_ciphers_and_opens_what_either_sealed() {
        let crypto = Crypto::new(Keyring::generate());
        let under_aes = crypto.seal("referral:1:patient", "张三");
        let lookup = crypto.lookup("MRN-1");
        crypto.install(crypto.keyring().rotated_to(EncryptionAlgorithm::Sm4Gcm));
        assert_eq!(
            crypto.keyring().current_algorithm(),
            EncryptionAlgorithm::Sm4Gcm
        );
        let under_sm4 = crypto.seal("referral:1:patient", "张三");
        crypto.install(crypto.keyring().rotated());
        assert_eq!(
            crypto.keyring().current_algorithm(),
            EncryptionAlgorithm::Sm4Gcm,
            "kept"
        );
        for sealed in [&under_aes, &under_sm4] {
            assert_eq!(crypto.open("referral:1:patient", sealed).unwrap(), "张三");
            assert!(crypto.open("referral:2:patient", sealed).is_err());
        }
        assert_eq!(crypto.lookup("MRN-1"), lookup);
        // The keyring file says which key is which, and reads back the same.
        let ring = crypto.keyring();
        let text = ring.to_toml();
        assert!(text.contains("sm4-gcm"), "{text}");
        assert_eq!(Keyring::parse(&text).unwrap(), *ring);
        // And back to AES: the SM4 keys stay to open what they sealed.
        crypto.install(ring.rotated_to(EncryptionAlgorithm::Aes256Gcm));
        assert_eq!(
            crypto.keyring().current_algorithm(),
            EncryptionAlgorithm::Aes256Gcm
        );
        assert_eq!(
            crypto.open("referral:1:patient", &under_sm4).unwrap(),
            "张三"
        );
    }

    #[test]
    fn a_key_must_fit_its_cipher() {
        let sm4 = Keyring::generate_with(EncryptionAlgorithm::Sm4Gcm);
        let id = sm4.current_key_id().to_owned();
        let mut wrong = sm4.clone();
        wrong.algorithms.remove(&id);
        let refused = Keyring::parse(&wrong.to_toml()).unwrap_err().to_string();
        assert!(refused.contains("32 bytes"), "{refused}");
        let mut stray = sm4.clone();
        stray
            .algorithms
            .insert("gone".into(), EncryptionAlgorithm::Sm4Gcm);
        assert!(Keyring::parse(&stray.to_toml()).is_err());
        let unknown = sm4.to_toml().replace("sm4-gcm", "des");
        assert!(Keyring::parse(&unknown).is_err());
    }

    #[test]
    fn keyrings_survive_a_round_trip_and_hide_their_keys() {
        let ring = Keyring::generate().rotated();
        assert_eq!(Keyring::parse(&ring.to_toml()).unwrap(), ring);
        assert!(!format!("{ring:?}").contains(&ring.lookup));
        assert!(Keyring::parse("current = \"x\"\nlookup = \"00\"\n[keys]\n").is_err());
    }
}
