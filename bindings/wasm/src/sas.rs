//! `Sas`: short authentication strings for interactive device verification.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;

use crate::error::Exception;
use crate::random::{self, Entropy};

/// One side of a SAS verification, before the other side's key is known.
#[wasm_bindgen]
pub struct Sas {
    inner: protee::sas::Sas,
}

#[wasm_bindgen]
impl Sas {
    /// A new ephemeral Curve25519 key pair, from 32 bytes of `crypto.getRandomValues`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Sas, Exception> {
        let mut entropy = Entropy::draw(random::CURVE25519_KEY)?;
        let inner = protee::sas::Sas::new_with_rng(&mut entropy);
        entropy.finish(Sas { inner })
    }

    /// Our ephemeral public key, for `m.key.verification.key`.
    #[wasm_bindgen(getter = publicKey)]
    pub fn public_key(&self) -> String {
        self.inner.public_key().to_base64()
    }

    /// Agrees on a shared secret with the other side's public key. This object is used up
    /// (even on error: start a new verification then).
    #[wasm_bindgen(js_name = diffieHellman)]
    pub fn diffie_hellman(
        self,
        #[wasm_bindgen(js_name = theirPublicKey)] their_public_key: &str,
    ) -> Result<EstablishedSas, Exception> {
        let inner = self.inner.diffie_hellman_with_base64(their_public_key)?;
        Ok(EstablishedSas { inner })
    }
}

/// A SAS verification with an agreed shared secret.
#[wasm_bindgen]
pub struct EstablishedSas {
    inner: protee::sas::EstablishedSas,
}

#[wasm_bindgen]
impl EstablishedSas {
    /// Our ephemeral public key.
    #[wasm_bindgen(getter = ourPublicKey)]
    pub fn our_public_key(&self) -> String {
        self.inner.our_public_key().to_base64()
    }

    /// The other side's ephemeral public key.
    #[wasm_bindgen(getter = theirPublicKey)]
    pub fn their_public_key(&self) -> String {
        self.inner.their_public_key().to_base64()
    }

    /// `count` SAS bytes for the UTF-8 `info` string.
    pub fn bytes(&self, info: &str, count: usize) -> Result<Vec<u8>, Exception> {
        Ok(self.inner.bytes(info.as_bytes(), count)?)
    }

    /// The seven emoji indices (0–63) of the Matrix emoji method.
    #[wasm_bindgen(js_name = emojiIndices)]
    pub fn emoji_indices(&self, info: &str) -> Vec<u8> {
        self.inner.emoji_indices(info.as_bytes()).to_vec()
    }

    /// The three numbers (1000–9191) of the Matrix decimal method.
    pub fn decimals(&self, info: &str) -> Vec<u16> {
        self.inner.decimals(info.as_bytes()).to_vec()
    }

    /// The `hkdf-hmac-sha256.v2` MAC of `input` (43 characters of unpadded base64).
    #[wasm_bindgen(js_name = calculateMac)]
    pub fn calculate_mac(&self, input: &str, info: &str) -> String {
        self.inner.calculate_mac(input.as_bytes(), info.as_bytes())
    }

    /// Checks a `hkdf-hmac-sha256.v2` MAC; throws a `SasError` if it does not match.
    #[wasm_bindgen(js_name = verifyMac)]
    pub fn verify_mac(&self, input: &str, info: &str, tag: &str) -> Result<(), Exception> {
        Ok(self
            .inner
            .verify_mac(input.as_bytes(), info.as_bytes(), tag)?)
    }

    /// Legacy `hkdf-hmac-sha256` MAC (libolm's base64 bug), only for old clients.
    #[wasm_bindgen(js_name = calculateMacInvalidBase64)]
    pub fn calculate_mac_invalid_base64(&self, input: &str, info: &str) -> String {
        self.inner
            .calculate_mac_invalid_base64(input.as_bytes(), info.as_bytes())
    }

    /// Checks a legacy `hkdf-hmac-sha256` MAC; throws a `SasError` if it does not match.
    #[wasm_bindgen(js_name = verifyMacInvalidBase64)]
    pub fn verify_mac_invalid_base64(
        &self,
        input: &str,
        info: &str,
        tag: &str,
    ) -> Result<(), Exception> {
        Ok(self
            .inner
            .verify_mac_invalid_base64(input.as_bytes(), info.as_bytes(), tag)?)
    }

    /// Legacy `hmac-sha256` MAC (libolm's long KDF), only for old clients.
    #[wasm_bindgen(js_name = calculateMacLongKdf)]
    pub fn calculate_mac_long_kdf(&self, input: &str, info: &str) -> String {
        self.inner
            .calculate_mac_long_kdf(input.as_bytes(), info.as_bytes())
    }

    /// Checks a legacy `hmac-sha256` MAC; throws a `SasError` if it does not match.
    #[wasm_bindgen(js_name = verifyMacLongKdf)]
    pub fn verify_mac_long_kdf(&self, input: &str, info: &str, tag: &str) -> Result<(), Exception> {
        Ok(self
            .inner
            .verify_mac_long_kdf(input.as_bytes(), info.as_bytes(), tag)?)
    }
}
