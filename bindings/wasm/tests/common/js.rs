//! Reading JavaScript results and exceptions in the wasm-bindgen-test suites.

use js_sys::{Reflect, Uint8Array};
use protee_wasm::Exception;
use wasm_bindgen::{JsCast, JsValue};

/// The string property `name` of a result object.
pub fn string(object: &JsValue, name: &str) -> String {
    Reflect::get(object, &JsValue::from_str(name))
        .ok()
        .and_then(|value| value.as_string())
        .unwrap_or_else(|| panic!("no string property `{name}` in {object:?}"))
}

/// The number property `name` of a result object.
pub fn number(object: &JsValue, name: &str) -> f64 {
    Reflect::get(object, &JsValue::from_str(name))
        .ok()
        .and_then(|value| value.as_f64())
        .unwrap_or_else(|| panic!("no number property `{name}` in {object:?}"))
}

/// `{ type, body }`.
pub fn olm_message(message_type: u8, body: &str) -> JsValue {
    let object = js_sys::Object::new();
    Reflect::set(&object, &"type".into(), &JsValue::from(message_type)).unwrap();
    Reflect::set(&object, &"body".into(), &JsValue::from_str(body)).unwrap();
    object.into()
}

/// The `(name, code)` of the exception a call threw; panics if it succeeded.
pub fn thrown<T>(result: Result<T, Exception>) -> (String, String) {
    let Err(exception) = result else {
        panic!("expected an exception");
    };
    let error = JsValue::from(exception);
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "not an Error: {error:?}"
    );
    let message = string(&error, "message");
    assert!(!message.is_empty(), "an exception without a message");
    (string(&error, "name"), string(&error, "code"))
}

/// A 32-byte pickle key.
pub fn key(byte: u8) -> Uint8Array {
    Uint8Array::from(&[byte; 32][..])
}

/// A Uint8Array of these bytes.
pub fn bytes(bytes: &[u8]) -> Uint8Array {
    Uint8Array::from(bytes)
}
