//! `GroupSession`: the sending side of a Megolm room session.

use alloc::string::String;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use crate::convert::{libolm_pickle_key, native_pickle_key};
use crate::error::Exception;
use crate::random::{self, Entropy};

/// An outbound Megolm session: encrypts room messages.
#[wasm_bindgen]
pub struct GroupSession {
    inner: protee::megolm::GroupSession,
}

#[wasm_bindgen]
impl GroupSession {
    /// A new session, from 160 bytes of `crypto.getRandomValues`.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<GroupSession, Exception> {
        let mut entropy = Entropy::draw(random::GROUP_SESSION)?;
        let inner = protee::megolm::GroupSession::new_with_rng(&mut entropy);
        entropy.finish(GroupSession { inner })
    }

    /// The session id (the Ed25519 key, 43 characters of unpadded base64).
    #[wasm_bindgen(getter = sessionId)]
    pub fn session_id(&self) -> String {
        self.inner.session_id()
    }

    /// The index the next message will be encrypted at.
    #[wasm_bindgen(getter = messageIndex)]
    pub fn message_index(&self) -> u32 {
        self.inner.message_index()
    }

    /// The session key at the current index, to send to the room's devices in an
    /// `m.room_key` event over Olm.
    #[wasm_bindgen(getter = sessionKey)]
    pub fn session_key(&self) -> String {
        self.inner.session_key().to_base64()
    }

    /// Encrypts the UTF-8 of `plaintext`; returns the `ciphertext` of an `m.room.encrypted`
    /// event (unpadded base64).
    pub fn encrypt(&mut self, plaintext: &str) -> String {
        self.inner.encrypt(plaintext.as_bytes()).to_base64()
    }

    /// This session in protee's native format, encrypted under a 32-byte `pickleKey`.
    pub fn pickle(
        &self,
        #[wasm_bindgen(js_name = pickleKey)] pickle_key: &Uint8Array,
    ) -> Result<String, Exception> {
        let key = native_pickle_key(pickle_key)?;
        let mut entropy = Entropy::draw(random::PICKLE_NONCE)?;
        let pickle = self.inner.pickle_with_rng(&key, &mut entropy);
        entropy.finish(pickle)
    }

    /// Loads a session from [`GroupSession::pickle`]'s output.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(
        pickle: &str,
        #[wasm_bindgen(js_name = pickleKey)] pickle_key: &Uint8Array,
    ) -> Result<GroupSession, Exception> {
        let key = native_pickle_key(pickle_key)?;
        let inner = protee::megolm::GroupSession::from_pickle(pickle, &key)?;
        Ok(GroupSession { inner })
    }

    /// This session as a libolm pickle, under a pickle key given as a string or bytes.
    #[wasm_bindgen(js_name = toLibolmPickle)]
    pub fn to_libolm_pickle(
        &self,
        #[wasm_bindgen(js_name = pickleKey, unchecked_param_type = "string | Uint8Array")]
        pickle_key: JsValue,
    ) -> Result<String, Exception> {
        let key = libolm_pickle_key(&pickle_key)?;
        Ok(self.inner.to_libolm_pickle(&key))
    }

    /// Loads a session from a libolm pickle.
    #[wasm_bindgen(js_name = fromLibolmPickle)]
    pub fn from_libolm_pickle(
        pickle: &str,
        #[wasm_bindgen(js_name = pickleKey, unchecked_param_type = "string | Uint8Array")]
        pickle_key: JsValue,
    ) -> Result<GroupSession, Exception> {
        let key = libolm_pickle_key(&pickle_key)?;
        let inner = protee::megolm::GroupSession::from_libolm_pickle(pickle, &key)?;
        Ok(GroupSession { inner })
    }
}
