//! `InboundGroupSession`: the receiving side of a Megolm room session.

use alloc::string::String;

use js_sys::Uint8Array;
use protee::megolm::{ExportedSessionKey, MegolmMessage, SessionKey};
use wasm_bindgen::prelude::*;

use crate::convert::{libolm_pickle_key, native_pickle_key, object, utf8};
use crate::error::Exception;
use crate::random::{self, Entropy};

/// An inbound Megolm session: decrypts one sender's room messages.
#[wasm_bindgen]
pub struct InboundGroupSession {
    inner: protee::megolm::InboundGroupSession,
}

#[wasm_bindgen]
impl InboundGroupSession {
    /// A session from the `session_key` of an `m.room_key` event (its signature is checked).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = sessionKey)] session_key: &str,
    ) -> Result<InboundGroupSession, Exception> {
        let key = SessionKey::from_base64(session_key)?;
        let inner = protee::megolm::InboundGroupSession::new(&key)?;
        Ok(InboundGroupSession { inner })
    }

    /// A session from an exported key (`m.forwarded_room_key`, key backup, key export).
    #[wasm_bindgen(js_name = importSession)]
    pub fn import_session(exported: &str) -> Result<InboundGroupSession, Exception> {
        let key = ExportedSessionKey::from_base64(exported)?;
        let inner = protee::megolm::InboundGroupSession::import(&key)?;
        Ok(InboundGroupSession { inner })
    }

    /// The session id: the sender's Megolm Ed25519 key.
    #[wasm_bindgen(getter = sessionId)]
    pub fn session_id(&self) -> String {
        self.inner.session_id()
    }

    /// The first message index this session can decrypt.
    #[wasm_bindgen(getter = firstKnownIndex)]
    pub fn first_known_index(&self) -> u32 {
        self.inner.first_known_index()
    }

    /// Decrypts the `ciphertext` of an `m.room.encrypted` event; returns
    /// `{ plaintext, messageIndex }`. Replay detection (the same index twice) is the
    /// application's. On any error the session is unchanged.
    #[wasm_bindgen(unchecked_return_type = "DecryptedGroupMessage")]
    pub fn decrypt(&mut self, ciphertext: &str) -> Result<JsValue, Exception> {
        let message = MegolmMessage::from_base64(ciphertext)?;
        let mut session = self.inner.clone();
        let decrypted = session.decrypt(&message)?;
        let message_index = decrypted.message_index;
        let plaintext = utf8(decrypted.plaintext)?;
        self.inner = session;
        Ok(object(&[
            ("plaintext", plaintext.into()),
            ("messageIndex", message_index.into()),
        ]))
    }

    /// The session exported at `index` (at or after the first known index).
    #[wasm_bindgen(js_name = exportAt)]
    pub fn export_at(&mut self, index: u32) -> Result<String, Exception> {
        Ok(self.inner.export_at(index)?.to_base64())
    }

    /// The session exported at its first known index.
    #[wasm_bindgen(js_name = exportAtFirstKnownIndex)]
    pub fn export_at_first_known_index(&self) -> String {
        self.inner.export_at_first_known_index().to_base64()
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

    /// Loads a session from [`InboundGroupSession::pickle`]'s output.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(
        pickle: &str,
        #[wasm_bindgen(js_name = pickleKey)] pickle_key: &Uint8Array,
    ) -> Result<InboundGroupSession, Exception> {
        let key = native_pickle_key(pickle_key)?;
        let inner = protee::megolm::InboundGroupSession::from_pickle(pickle, &key)?;
        Ok(InboundGroupSession { inner })
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
    ) -> Result<InboundGroupSession, Exception> {
        let key = libolm_pickle_key(&pickle_key)?;
        let inner = protee::megolm::InboundGroupSession::from_libolm_pickle(pickle, &key)?;
        Ok(InboundGroupSession { inner })
    }
}
