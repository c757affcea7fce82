//! `Account`: a device's identity keys, one-time keys and fallback keys.

use alloc::string::String;

use js_sys::Uint8Array;
use protee::Curve25519PublicKey;
use protee::olm::OlmMessage;
use wasm_bindgen::prelude::*;

use crate::convert::{
    keys_object, libolm_pickle_key, native_pickle_key, object, olm_message, utf8,
};
use crate::error::Exception;
use crate::random::{self, Entropy};
use crate::session::Session;

/// An Olm account: the long-term identity of one device.
#[wasm_bindgen]
pub struct Account {
    inner: protee::olm::Account,
}

#[wasm_bindgen]
impl Account {
    /// A new account, from 64 bytes of `crypto.getRandomValues`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Account, Exception> {
        let mut entropy = Entropy::draw(random::ACCOUNT)?;
        let inner = protee::olm::Account::new_with_rng(&mut entropy);
        entropy.finish(Account { inner })
    }

    /// `{ curve25519, ed25519 }`: the public identity keys, unpadded base64.
    #[wasm_bindgen(getter = identityKeys, unchecked_return_type = "IdentityKeys")]
    pub fn identity_keys(&self) -> JsValue {
        let keys = self.inner.identity_keys();
        object(&[
            ("curve25519", keys.curve25519.to_base64().into()),
            ("ed25519", keys.ed25519.to_base64().into()),
        ])
    }

    /// The Curve25519 identity key, unpadded base64.
    #[wasm_bindgen(getter = curve25519Key)]
    pub fn curve25519_key(&self) -> String {
        self.inner.curve25519_key().to_base64()
    }

    /// The Ed25519 fingerprint key, unpadded base64.
    #[wasm_bindgen(getter = ed25519Key)]
    pub fn ed25519_key(&self) -> String {
        self.inner.ed25519_key().to_base64()
    }

    /// The Ed25519 signature (unpadded base64) of the UTF-8 of `message`.
    pub fn sign(&self, message: &str) -> String {
        self.inner.sign(message.as_bytes()).to_base64()
    }

    /// The most one-time keys the account keeps.
    #[wasm_bindgen(getter = maxNumberOfOneTimeKeys)]
    pub fn max_number_of_one_time_keys(&self) -> usize {
        self.inner.max_number_of_one_time_keys()
    }

    /// Generates `count` new one-time keys (at most `maxNumberOfOneTimeKeys`; past that the
    /// oldest keys would be dropped unused).
    #[wasm_bindgen(js_name = generateOneTimeKeys)]
    pub fn generate_one_time_keys(&mut self, count: usize) -> Result<(), Exception> {
        let max = self.inner.max_number_of_one_time_keys();
        if count > max {
            return Err(Exception::argument(
                "TooManyOneTimeKeys",
                &alloc::format!(
                    "at most {max} one-time keys can be generated at once, got {count}"
                ),
            ));
        }
        let mut entropy = Entropy::draw(random::ONE_TIME_KEY * count)?;
        self.inner.generate_one_time_keys(count, &mut entropy);
        entropy.finish(())
    }

    /// The unpublished one-time keys, `{ keyId: curve25519Key }` (newest first), ready for
    /// the `curve25519` of a `/keys/upload` after signing.
    #[wasm_bindgen(getter = oneTimeKeys, unchecked_return_type = "Record<string, string>")]
    pub fn one_time_keys(&self) -> JsValue {
        keys_object(self.inner.one_time_keys())
    }

    /// Marks every one-time key and the fallback key as published; returns how many one-time
    /// keys were newly marked.
    #[wasm_bindgen(js_name = markKeysAsPublished)]
    pub fn mark_keys_as_published(&mut self) -> usize {
        self.inner.mark_keys_as_published()
    }

    /// Generates a new fallback key; the current one becomes the previous one.
    #[wasm_bindgen(js_name = generateFallbackKey)]
    pub fn generate_fallback_key(&mut self) -> Result<(), Exception> {
        let mut entropy = Entropy::draw(random::ONE_TIME_KEY)?;
        self.inner.generate_fallback_key(&mut entropy);
        entropy.finish(())
    }

    /// The current fallback key, `{ keyId: curve25519Key }`, or `{}`.
    #[wasm_bindgen(getter = fallbackKey, unchecked_return_type = "Record<string, string>")]
    pub fn fallback_key(&self) -> JsValue {
        keys_object(self.inner.fallback_key())
    }

    /// The current fallback key while it is unpublished, `{ keyId: curve25519Key }`, or `{}`.
    #[wasm_bindgen(
        getter = unpublishedFallbackKey,
        unchecked_return_type = "Record<string, string>"
    )]
    pub fn unpublished_fallback_key(&self) -> JsValue {
        keys_object(self.inner.unpublished_fallback_key())
    }

    /// Forgets the previous fallback key; returns whether there was one.
    #[wasm_bindgen(js_name = forgetOldFallbackKey)]
    pub fn forget_old_fallback_key(&mut self) -> bool {
        self.inner.forget_old_fallback_key()
    }

    /// Starts a session with a device, from its identity key and one of its one-time (or
    /// fallback) keys, both unpadded base64.
    #[wasm_bindgen(js_name = createOutboundSession)]
    pub fn create_outbound_session(
        &self,
        identity_key: &str,
        one_time_key: &str,
    ) -> Result<Session, Exception> {
        let identity_key = Curve25519PublicKey::from_base64(identity_key)?;
        let one_time_key = Curve25519PublicKey::from_base64(one_time_key)?;
        let mut entropy = Entropy::draw(random::OUTBOUND_SESSION)?;
        let session =
            self.inner
                .create_outbound_session(&identity_key, &one_time_key, &mut entropy)?;
        entropy.finish(Session::from(session))
    }

    /// Creates a session from a pre-key message (`{ type: 0, body }`) and decrypts it; returns
    /// `{ session, plaintext }`. If `theirIdentityKey` is given, the message must come from it.
    /// The one-time key used is removed. On any error the account is unchanged.
    #[wasm_bindgen(
        js_name = createInboundSession,
        unchecked_return_type = "InboundCreationResult"
    )]
    pub fn create_inbound_session(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "OlmMessage")] message: JsValue,
        #[wasm_bindgen(js_name = theirIdentityKey)] their_identity_key: Option<String>,
    ) -> Result<JsValue, Exception> {
        let OlmMessage::PreKey(pre_key) = olm_message(&message)? else {
            return Err(Exception::argument(
                "NotAPreKeyMessage",
                "a session can only be created from a pre-key message (type 0)",
            ));
        };
        let their_identity_key = their_identity_key
            .as_deref()
            .map(Curve25519PublicKey::from_base64)
            .transpose()?;
        // Transactional: the one-time key is removed only once the plaintext is known to be
        // UTF-8, so that a message that cannot be returned does not burn the key.
        let mut account = self.inner.clone();
        let created = account.create_inbound_session(their_identity_key.as_ref(), &pre_key)?;
        let plaintext = utf8(created.plaintext)?;
        self.inner = account;
        Ok(object(&[
            ("session", Session::from(created.session).into()),
            ("plaintext", plaintext.into()),
        ]))
    }

    /// This account in protee's native format, encrypted under a 32-byte `pickleKey`
    /// (XChaCha20-Poly1305, random nonce).
    pub fn pickle(
        &self,
        #[wasm_bindgen(js_name = pickleKey)] pickle_key: &Uint8Array,
    ) -> Result<String, Exception> {
        let key = native_pickle_key(pickle_key)?;
        let mut entropy = Entropy::draw(random::PICKLE_NONCE)?;
        let pickle = self.inner.pickle_with_rng(&key, &mut entropy);
        entropy.finish(pickle)
    }

    /// Loads an account from [`Account::pickle`]'s output.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(
        pickle: &str,
        #[wasm_bindgen(js_name = pickleKey)] pickle_key: &Uint8Array,
    ) -> Result<Account, Exception> {
        let key = native_pickle_key(pickle_key)?;
        let inner = protee::olm::Account::from_pickle(pickle, &key)?;
        Ok(Account { inner })
    }

    /// This account as a libolm pickle, under a pickle key given as a string or bytes.
    #[wasm_bindgen(js_name = toLibolmPickle)]
    pub fn to_libolm_pickle(
        &self,
        #[wasm_bindgen(js_name = pickleKey, unchecked_param_type = "string | Uint8Array")]
        pickle_key: JsValue,
    ) -> Result<String, Exception> {
        let key = libolm_pickle_key(&pickle_key)?;
        Ok(self.inner.to_libolm_pickle(&key)?)
    }

    /// Loads an account from a libolm pickle (libolm, olm.js, or [`Account::to_libolm_pickle`]).
    #[wasm_bindgen(js_name = fromLibolmPickle)]
    pub fn from_libolm_pickle(
        pickle: &str,
        #[wasm_bindgen(js_name = pickleKey, unchecked_param_type = "string | Uint8Array")]
        pickle_key: JsValue,
    ) -> Result<Account, Exception> {
        let key = libolm_pickle_key(&pickle_key)?;
        let inner = protee::olm::Account::from_libolm_pickle(pickle, &key)?;
        Ok(Account { inner })
    }
}
