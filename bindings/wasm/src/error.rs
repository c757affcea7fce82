//! protee's typed errors as JavaScript exceptions.
//!
//! Every exception is a plain `Error` with three properties:
//! - `name`: the protee error type (`DecryptionError`, `PickleError`, …), or `ArgumentError` when
//!   a JavaScript argument has the wrong type or size, or `RandomError` when
//!   `crypto.getRandomValues` failed;
//! - `code`: the variant (`InvalidMac`, `InvalidBase64`, `UnknownOneTimeKey`, …);
//! - `message`: protee's own text, which says what was wrong with the input and never holds
//!   secret bytes.

use core::fmt;

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// A JavaScript exception; every fallible binding returns it as its `Err`.
#[derive(Debug)]
pub struct Exception(JsValue);

impl Exception {
    /// An exception named `name` with the variant `code` and the text `message`.
    pub(crate) fn new(name: &str, code: &str, message: &str) -> Self {
        let error = js_sys::Error::new(message);
        error.set_name(name);
        // Setting a data property on a fresh, extensible Error object cannot fail.
        let _ = Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
        Self(error.into())
    }

    /// A JavaScript argument of the wrong type, length or range.
    pub(crate) fn argument(code: &str, message: &str) -> Self {
        Self::new("ArgumentError", code, message)
    }

    /// `crypto.getRandomValues` failed or is missing.
    pub(crate) fn random_unavailable() -> Self {
        Self::new(
            "RandomError",
            "Unavailable",
            "crypto.getRandomValues failed or is not available",
        )
    }

    /// An exception for one of protee's errors: `name` is its type; `code` is its variant, the
    /// leading identifier of its `Debug` form (protee's errors hold no secrets in either form).
    fn from_protee(name: &str, error: &(impl fmt::Debug + fmt::Display)) -> Self {
        let debug = alloc::format!("{error:?}");
        let code = debug
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default();
        Self::new(name, code, &alloc::format!("{error}"))
    }
}

impl From<Exception> for JsValue {
    fn from(exception: Exception) -> Self {
        exception.0
    }
}

impl From<protee::DecodeError> for Exception {
    fn from(error: protee::DecodeError) -> Self {
        Self::from_protee("DecodeError", &error)
    }
}

impl From<protee::SignatureError> for Exception {
    fn from(error: protee::SignatureError) -> Self {
        Self::from_protee("SignatureError", &error)
    }
}

impl From<protee::MessageError> for Exception {
    fn from(error: protee::MessageError) -> Self {
        Self::from_protee("MessageError", &error)
    }
}

impl From<protee::DecryptionError> for Exception {
    fn from(error: protee::DecryptionError) -> Self {
        Self::from_protee("DecryptionError", &error)
    }
}

impl From<protee::SessionCreationError> for Exception {
    fn from(error: protee::SessionCreationError) -> Self {
        Self::from_protee("SessionCreationError", &error)
    }
}

impl From<protee::SessionKeyError> for Exception {
    fn from(error: protee::SessionKeyError) -> Self {
        Self::from_protee("SessionKeyError", &error)
    }
}

impl From<protee::MegolmDecryptionError> for Exception {
    fn from(error: protee::MegolmDecryptionError) -> Self {
        Self::from_protee("MegolmDecryptionError", &error)
    }
}

impl From<protee::PickleError> for Exception {
    fn from(error: protee::PickleError) -> Self {
        Self::from_protee("PickleError", &error)
    }
}

impl From<protee::SasError> for Exception {
    fn from(error: protee::SasError) -> Self {
        Self::from_protee("SasError", &error)
    }
}

impl From<protee::PkError> for Exception {
    fn from(error: protee::PkError) -> Self {
        Self::from_protee("PkError", &error)
    }
}
