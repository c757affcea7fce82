//! `PkEncryption`, `PkDecryption`, `PkSigning`: server-side key backup
//! (`m.megolm_backup.v1.curve25519-aes-sha2`) and cross-signing keys.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::Uint8Array;
use protee::Curve25519PublicKey;
use protee::pk::PkMessage;
use wasm_bindgen::prelude::*;

use crate::convert::{
    libolm_pickle_key, native_pickle_key, object, secret_32, string_property, utf8,
};
use crate::error::Exception;
use crate::random::{self, Entropy};

/// Encrypts to a backup's public key.
#[wasm_bindgen]
pub struct PkEncryption {
    inner: protee::pk::PkEncryption,
}

#[wasm_bindgen]
impl PkEncryption {
    /// Encryption to `recipientKey` (a Curve25519 key, unpadded base64).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = recipientKey)] recipient_key: &str,
    ) -> Result<PkEncryption, Exception> {
        let key = Curve25519PublicKey::from_base64(recipient_key)?;
        let inner = protee::pk::PkEncryption::from_key(key)?;
        Ok(PkEncryption { inner })
    }

    /// Encrypts the UTF-8 of `plaintext` with a fresh ephemeral key; returns
    /// `{ ciphertext, mac, ephemeralKey }` (the `session_data` of a backed-up key).
    #[wasm_bindgen(unchecked_return_type = "PkMessage")]
    pub fn encrypt(&self, plaintext: &str) -> Result<JsValue, Exception> {
        let mut entropy = Entropy::draw(random::CURVE25519_KEY)?;
        let message = self.inner.encrypt(plaintext.as_bytes(), &mut entropy);
        entropy.finish(object(&[
            ("ciphertext", message.ciphertext_base64().into()),
            ("mac", message.mac_base64().into()),
            ("ephemeralKey", message.ephemeral_key_base64().into()),
        ]))
    }
}

/// The backup's key pair: decrypts what [`PkEncryption`] encrypted to its public key.
#[wasm_bindgen]
pub struct PkDecryption {
    inner: protee::pk::PkDecryption,
}

#[wasm_bindgen]
impl PkDecryption {
    /// A new key pair, from 32 bytes of `crypto.getRandomValues`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<PkDecryption, Exception> {
        let mut entropy = Entropy::draw(random::CURVE25519_KEY)?;
        let inner = protee::pk::PkDecryption::new_with_rng(&mut entropy);
        entropy.finish(PkDecryption { inner })
    }

    /// The key pair whose private key is these 32 bytes (a recovery key's).
    #[wasm_bindgen(js_name = fromPrivateKey)]
    pub fn from_private_key(
        #[wasm_bindgen(js_name = privateKey)] private_key: &Uint8Array,
    ) -> Result<PkDecryption, Exception> {
        let bytes = secret_32(private_key, "a PK private key")?;
        Ok(PkDecryption {
            inner: protee::pk::PkDecryption::from_bytes(&bytes),
        })
    }

    /// The public key, for the backup's `auth_data.public_key`.
    #[wasm_bindgen(getter = publicKey)]
    pub fn public_key(&self) -> String {
        self.inner.public_key().to_base64()
    }

    /// The 32 private-key bytes.
    #[wasm_bindgen(js_name = privateKey)]
    pub fn private_key(&self) -> Vec<u8> {
        self.inner.to_bytes().to_vec()
    }

    /// Decrypts `{ ciphertext, mac, ephemeralKey }` and returns the plaintext.
    pub fn decrypt(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PkMessage")] message: JsValue,
    ) -> Result<String, Exception> {
        let message = PkMessage::from_base64(
            &string_property(&message, "ciphertext", "a PK message")?,
            &string_property(&message, "mac", "a PK message")?,
            &string_property(&message, "ephemeralKey", "a PK message")?,
        )?;
        utf8(self.inner.decrypt(&message)?)
    }

    /// This key pair in protee's native format, encrypted under a 32-byte `pickleKey`.
    pub fn pickle(
        &self,
        #[wasm_bindgen(js_name = pickleKey)] pickle_key: &Uint8Array,
    ) -> Result<String, Exception> {
        let key = native_pickle_key(pickle_key)?;
        let mut entropy = Entropy::draw(random::PICKLE_NONCE)?;
        let pickle = self.inner.pickle_with_rng(&key, &mut entropy);
        entropy.finish(pickle)
    }

    /// Loads a key pair from [`PkDecryption::pickle`]'s output.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(
        pickle: &str,
        #[wasm_bindgen(js_name = pickleKey)] pickle_key: &Uint8Array,
    ) -> Result<PkDecryption, Exception> {
        let key = native_pickle_key(pickle_key)?;
        let inner = protee::pk::PkDecryption::from_pickle(pickle, &key)?;
        Ok(PkDecryption { inner })
    }

    /// This key pair as a libolm pickle, under a pickle key given as a string or bytes.
    #[wasm_bindgen(js_name = toLibolmPickle)]
    pub fn to_libolm_pickle(
        &self,
        #[wasm_bindgen(js_name = pickleKey, unchecked_param_type = "string | Uint8Array")]
        pickle_key: JsValue,
    ) -> Result<String, Exception> {
        let key = libolm_pickle_key(&pickle_key)?;
        Ok(self.inner.to_libolm_pickle(&key))
    }

    /// Loads a key pair from a libolm pickle.
    #[wasm_bindgen(js_name = fromLibolmPickle)]
    pub fn from_libolm_pickle(
        pickle: &str,
        #[wasm_bindgen(js_name = pickleKey, unchecked_param_type = "string | Uint8Array")]
        pickle_key: JsValue,
    ) -> Result<PkDecryption, Exception> {
        let key = libolm_pickle_key(&pickle_key)?;
        let inner = protee::pk::PkDecryption::from_libolm_pickle(pickle, &key)?;
        Ok(PkDecryption { inner })
    }
}

/// An Ed25519 signing key (cross-signing keys are made from a 32-byte seed).
#[wasm_bindgen]
pub struct PkSigning {
    inner: protee::pk::PkSigning,
}

#[wasm_bindgen]
impl PkSigning {
    /// A new key, from a 32-byte seed from `crypto.getRandomValues`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<PkSigning, Exception> {
        let mut entropy = Entropy::draw(random::CURVE25519_KEY)?;
        let inner = protee::pk::PkSigning::new_with_rng(&mut entropy);
        entropy.finish(PkSigning { inner })
    }

    /// The key made from this 32-byte seed.
    #[wasm_bindgen(js_name = fromSeed)]
    pub fn from_seed(seed: &Uint8Array) -> Result<PkSigning, Exception> {
        let seed = secret_32(seed, "a signing seed")?;
        Ok(PkSigning {
            inner: protee::pk::PkSigning::from_seed(&seed),
        })
    }

    /// The Ed25519 public key, unpadded base64.
    #[wasm_bindgen(getter = publicKey)]
    pub fn public_key(&self) -> String {
        self.inner.public_key().to_base64()
    }

    /// The Ed25519 signature (unpadded base64) of the UTF-8 of `message`.
    pub fn sign(&self, message: &str) -> String {
        self.inner.sign(message.as_bytes()).to_base64()
    }
}
