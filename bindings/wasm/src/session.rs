//! `Session`: an Olm session between two devices.

use alloc::string::String;

use js_sys::Uint8Array;
use protee::olm::OlmMessage;
use wasm_bindgen::prelude::*;

use crate::convert::{libolm_pickle_key, native_pickle_key, olm_message, olm_message_object, utf8};
use crate::error::Exception;
use crate::random::{self, Entropy};

/// An Olm session with one other device.
#[wasm_bindgen]
pub struct Session {
    inner: protee::olm::Session,
}

impl From<protee::olm::Session> for Session {
    fn from(inner: protee::olm::Session) -> Self {
        Self { inner }
    }
}

#[wasm_bindgen]
impl Session {
    /// The session id (43 characters of unpadded base64), the same on both sides.
    #[wasm_bindgen(getter = sessionId)]
    pub fn session_id(&self) -> String {
        self.inner.session_id()
    }

    /// Whether this session has decrypted a message; until then it sends pre-key messages.
    #[wasm_bindgen(getter = hasReceivedMessage)]
    pub fn has_received_message(&self) -> bool {
        self.inner.has_received_message()
    }

    /// Encrypts the UTF-8 of `plaintext`; returns `{ type, body }` for an `m.room.encrypted`
    /// to-device event (type 0 until the other side has answered, then 1).
    #[wasm_bindgen(unchecked_return_type = "OlmMessage")]
    pub fn encrypt(&mut self, plaintext: &str) -> Result<JsValue, Exception> {
        let mut entropy = Entropy::draw(self.inner.encrypt_random_length())?;
        let message = self.inner.encrypt(plaintext.as_bytes(), &mut entropy);
        entropy.finish(olm_message_object(&message))
    }

    /// Decrypts `{ type, body }` and returns the plaintext. On any error (including a
    /// plaintext that is not UTF-8) the session is unchanged.
    pub fn decrypt(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "OlmMessage")] message: JsValue,
    ) -> Result<String, Exception> {
        let message = olm_message(&message)?;
        let mut session = self.inner.clone();
        let plaintext = utf8(session.decrypt(&message)?)?;
        self.inner = session;
        Ok(plaintext)
    }

    /// Whether the pre-key message `{ type: 0, body }` was sent to this session (its keys
    /// match; no MAC is checked). A normal message (type 1) never matches. If
    /// `theirIdentityKey` is given, the message must also come from it.
    #[wasm_bindgen(js_name = matchesInboundSession)]
    pub fn matches_inbound_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OlmMessage")] message: JsValue,
        #[wasm_bindgen(js_name = theirIdentityKey)] their_identity_key: Option<String>,
    ) -> Result<bool, Exception> {
        let OlmMessage::PreKey(pre_key) = olm_message(&message)? else {
            return Ok(false);
        };
        Ok(match their_identity_key {
            Some(key) => {
                let key = protee::Curve25519PublicKey::from_base64(&key)?;
                self.inner.matches_inbound_session_from(&key, &pre_key)
            }
            None => self.inner.matches_inbound_session(&pre_key),
        })
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

    /// Loads a session from [`Session::pickle`]'s output.
    #[wasm_bindgen(js_name = fromPickle)]
    pub fn from_pickle(
        pickle: &str,
        #[wasm_bindgen(js_name = pickleKey)] pickle_key: &Uint8Array,
    ) -> Result<Session, Exception> {
        let key = native_pickle_key(pickle_key)?;
        Ok(Session::from(protee::olm::Session::from_pickle(
            pickle, &key,
        )?))
    }

    /// This session as a libolm pickle, under a pickle key given as a string or bytes.
    #[wasm_bindgen(js_name = toLibolmPickle)]
    pub fn to_libolm_pickle(
        &self,
        #[wasm_bindgen(js_name = pickleKey, unchecked_param_type = "string | Uint8Array")]
        pickle_key: JsValue,
    ) -> Result<String, Exception> {
        let key = libolm_pickle_key(&pickle_key)?;
        Ok(self.inner.to_libolm_pickle(&key)?)
    }

    /// Loads a session from a libolm pickle.
    #[wasm_bindgen(js_name = fromLibolmPickle)]
    pub fn from_libolm_pickle(
        pickle: &str,
        #[wasm_bindgen(js_name = pickleKey, unchecked_param_type = "string | Uint8Array")]
        pickle_key: JsValue,
    ) -> Result<Session, Exception> {
        let key = libolm_pickle_key(&pickle_key)?;
        Ok(Session::from(protee::olm::Session::from_libolm_pickle(
            pickle, &key,
        )?))
    }
}
