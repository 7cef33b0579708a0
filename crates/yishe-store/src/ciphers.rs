//! The authenticated ciphers a key of the keyring may seal with: AES-256-GCM, and
//! SM4-GCM (GB/T 32907 in Galois/Counter Mode, as RFC 8998 uses it) for stations
//! whose 密评 (GB/T 39786) asks for the national algorithms. Both take a 96-bit nonce
//! and a 128-bit tag, so a sealed value has the same layout whichever key sealed it.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, AesGcm, Nonce};
use serde::{Deserialize, Serialize};

/// SM4 in the same GCM construction as AES-GCM (both are 128-bit block ciphers).
type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

/// The cipher a key seals with; each key of a keyring names its own, so a keyring can
/// hold keys of both while records are re-sealed from one to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub enum EncryptionAlgorithm {
    #[default]
    #[serde(rename = "aes-256-gcm")]
    Aes256Gcm,
    #[serde(rename = "sm4-gcm")]
    Sm4Gcm,
}

impl EncryptionAlgorithm {
    /// The name in configuration, keyrings and the contract.
    pub fn name(self) -> &'static str {
        match self {
            EncryptionAlgorithm::Aes256Gcm => "aes-256-gcm",
            EncryptionAlgorithm::Sm4Gcm => "sm4-gcm",
        }
    }

    /// The length of its keys, in bytes.
    pub(crate) fn key_len(self) -> usize {
        match self {
            EncryptionAlgorithm::Aes256Gcm => 32,
            EncryptionAlgorithm::Sm4Gcm => 16,
        }
    }
}

impl std::fmt::Display for EncryptionAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A key made ready to seal and open (its schedule expanded once).
#[derive(Clone)]
pub(crate) enum KeyCipher {
    Aes(Box<Aes256Gcm>),
    Sm4(Box<Sm4Gcm>),
}

impl KeyCipher {
    /// `None` when `key` has the wrong length for `algorithm`.
    pub(crate) fn new(algorithm: EncryptionAlgorithm, key: &[u8]) -> Option<Self> {
        Some(match algorithm {
            EncryptionAlgorithm::Aes256Gcm => {
                KeyCipher::Aes(Box::new(Aes256Gcm::new_from_slice(key).ok()?))
            }
            EncryptionAlgorithm::Sm4Gcm => {
                KeyCipher::Sm4(Box::new(Sm4Gcm::new_from_slice(key).ok()?))
            }
        })
    }

    /// Ciphertext followed by the tag.
    pub(crate) fn encrypt(&self, nonce: &[u8; 12], plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        let nonce = Nonce::<U12>::from_slice(nonce);
        let payload = Payload {
            msg: plaintext,
            aad,
        };
        match self {
            KeyCipher::Aes(cipher) => cipher.encrypt(nonce, payload),
            KeyCipher::Sm4(cipher) => cipher.encrypt(nonce, payload),
        }
        .expect("GCM encryption cannot fail for these sizes")
    }

    /// Opens ciphertext-and-tag in `buffer`, leaving the plaintext there.
    pub(crate) fn decrypt_in_place(
        &self,
        nonce: &[u8; 12],
        aad: &[u8],
        buffer: &mut Vec<u8>,
    ) -> Result<(), aes_gcm::aead::Error> {
        let nonce = Nonce::<U12>::from_slice(nonce);
        match self {
            KeyCipher::Aes(cipher) => cipher.decrypt_in_place(nonce, aad, buffer),
            KeyCipher::Sm4(cipher) => cipher.decrypt_in_place(nonce, aad, buffer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SM4-GCM's test vector from RFC 8998, appendix A.1.
    #[test]
    fn sm4_gcm_matches_rfc_8998() {
        let key = hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap();
        let nonce: [u8; 12] = hex::decode("00001234567800000000ABCD")
            .unwrap()
            .try_into()
            .unwrap();
        let aad = hex::decode("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2").unwrap();
        let plaintext = hex::decode(
            "AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD\
             EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA",
        )
        .unwrap();
        let cipher = KeyCipher::new(EncryptionAlgorithm::Sm4Gcm, &key).unwrap();
        let sealed = cipher.encrypt(&nonce, &plaintext, &aad);
        assert_eq!(
            hex::encode_upper(&sealed),
            "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735\
             D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D\
             83DE3541E4C2B58177E065A9BF7B62EC"
        );
        let mut opened = sealed;
        cipher.decrypt_in_place(&nonce, &aad, &mut opened).unwrap();
        assert_eq!(opened, plaintext);
    }

    #[test]
    fn keys_of_the_wrong_length_are_refused() {
        assert!(KeyCipher::new(EncryptionAlgorithm::Sm4Gcm, &[0; 32]).is_none());
        assert!(KeyCipher::new(EncryptionAlgorithm::Aes256Gcm, &[0; 16]).is_none());
    }
}
