//! Cryptographic primitives: the only module that touches raw key bytes.
//!
//! Everything above this module handles keys through the types defined here
//! (`Curve25519SecretKey`, `Ed25519SecretKey`, ...), which zeroize themselves on
//! drop (spec/olm.md OLM-ZERO-1) and never print their contents (OLM-ZERO-2).

pub(crate) mod basepoint;
pub(crate) mod cipher;
pub(crate) mod ed25519;
pub(crate) mod kdf;
pub(crate) mod x25519;

pub use ed25519::{Ed25519PublicKey, Ed25519SecretKey, Ed25519Signature};
pub use x25519::{Curve25519PublicKey, Curve25519SecretKey};
