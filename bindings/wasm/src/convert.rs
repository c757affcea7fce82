//! JavaScript values in and out: pickle keys, `{ type, body }` messages, plain result objects.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Object, Reflect, Uint8Array};
use protee::olm::OlmMessage;
use protee::{Curve25519PublicKey, KeyId};
use wasm_bindgen::{JsCast, JsValue};
use zeroize::Zeroizing;

use crate::error::Exception;

/// A native pickle key: exactly 32 bytes, copied straight from the `Uint8Array` into memory
/// that is zeroized when dropped.
pub(crate) fn native_pickle_key(key: &Uint8Array) -> Result<Zeroizing<[u8; 32]>, Exception> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    if key.length() as usize != bytes.len() {
        return Err(Exception::argument(
            "InvalidPickleKeyLength",
            &alloc::format!(
                "a pickle key is a Uint8Array of 32 bytes, got {} bytes",
                key.length()
            ),
        ));
    }
    key.copy_to(bytes.as_mut_slice());
    Ok(bytes)
}

/// 32 secret bytes (a PK private key or signing seed) from a `Uint8Array`.
pub(crate) fn secret_32(value: &Uint8Array, what: &str) -> Result<Zeroizing<[u8; 32]>, Exception> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    if value.length() as usize != bytes.len() {
        return Err(Exception::argument(
            "InvalidKeyLength",
            &alloc::format!(
                "{what} is a Uint8Array of 32 bytes, got {} bytes",
                value.length()
            ),
        ));
    }
    value.copy_to(bytes.as_mut_slice());
    Ok(bytes)
}

/// A libolm pickle key: any bytes, given as a string (its UTF-8, as libolm's JavaScript
/// bindings and matrix-js-sdk use it) or as a `Uint8Array`.
pub(crate) fn libolm_pickle_key(key: &JsValue) -> Result<Zeroizing<Vec<u8>>, Exception> {
    if let Some(text) = key.as_string() {
        Ok(Zeroizing::new(text.into_bytes()))
    } else if let Some(bytes) = key.dyn_ref::<Uint8Array>() {
        let mut copy = Zeroizing::new(alloc::vec![0u8; bytes.length() as usize]);
        bytes.copy_to(copy.as_mut_slice());
        Ok(copy)
    } else {
        Err(Exception::argument(
            "InvalidPickleKeyType",
            "a libolm pickle key is a string or a Uint8Array",
        ))
    }
}

/// Plaintext from protee as a JavaScript string; non-UTF-8 plaintext is refused (the caller
/// has not committed any state change yet).
pub(crate) fn utf8(plaintext: Vec<u8>) -> Result<String, Exception> {
    let plaintext = Zeroizing::new(plaintext);
    match core::str::from_utf8(&plaintext) {
        Ok(text) => Ok(String::from(text)),
        Err(error) => Err(Exception::new(
            "DecodeError",
            "InvalidUtf8",
            &alloc::format!(
                "the plaintext is not UTF-8 (invalid byte at offset {})",
                error.valid_up_to()
            ),
        )),
    }
}

/// A plain object `{ name: value, … }`.
pub(crate) fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in entries {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(name), value);
    }
    object.into()
}

/// `{ keyId: key }` (unpadded base64 both), in the order given.
pub(crate) fn keys_object(keys: impl IntoIterator<Item = (KeyId, Curve25519PublicKey)>) -> JsValue {
    let object = Object::new();
    for (id, key) in keys {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(
            &object,
            &JsValue::from(id.to_base64()),
            &JsValue::from(key.to_base64()),
        );
    }
    object.into()
}

/// The property `name` of `value`, which must be a string.
pub(crate) fn string_property(
    value: &JsValue,
    name: &str,
    what: &str,
) -> Result<String, Exception> {
    Reflect::get(value, &JsValue::from_str(name))
        .ok()
        .and_then(|property| property.as_string())
        .ok_or_else(|| {
            Exception::argument(
                "InvalidMessage",
                &alloc::format!("{what} needs a string property `{name}`"),
            )
        })
}

/// An Olm message from the `{ type, body }` of an `m.room.encrypted` to-device event.
pub(crate) fn olm_message(message: &JsValue) -> Result<OlmMessage, Exception> {
    let message_type = Reflect::get(message, &JsValue::from_str("type"))
        .ok()
        .and_then(|property| property.as_f64())
        .ok_or_else(|| {
            Exception::argument(
                "InvalidMessage",
                "an Olm message needs a number property `type` (0 or 1)",
            )
        })?;
    let body = string_property(message, "body", "an Olm message")?;
    let message_type = if message_type == 0.0 {
        0
    } else if message_type == 1.0 {
        1
    } else {
        return Err(Exception::new(
            "MessageError",
            "UnknownMessageType",
            &alloc::format!("unknown Olm message type {message_type} (expected 0 or 1)"),
        ));
    };
    Ok(OlmMessage::from_parts(message_type, &body)?)
}

/// `{ type, body }` of an Olm message.
pub(crate) fn olm_message_object(message: &OlmMessage) -> JsValue {
    let (message_type, body) = message.to_parts();
    object(&[
        ("type", JsValue::from(message_type as u32)),
        ("body", JsValue::from(body)),
    ])
}
