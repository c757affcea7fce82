#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod crypto;
pub mod error;
pub mod limits;
pub mod megolm;
pub mod olm;
pub mod pickle;
pub mod pk;
mod random;
pub mod sas;
pub mod types;
pub mod utility;

pub use crypto::{Curve25519SecretKey, Ed25519SecretKey};
pub use error::{
    DecodeError, DecryptionError, MegolmDecryptionError, MessageError, RandomError,
    SessionCreationError, SessionKeyError, SignatureError,
};
pub use error::{PickleError, PkError, SasError};
pub use types::{Curve25519PublicKey, Ed25519PublicKey, Ed25519Signature, KeyId};

/// spec/olm.md OLM-ZERO-1, spec/megolm.md MEGOLM-ZERO-1: every internal type holding key
/// material zeroizes itself on drop (a compile-time check: this fails to build otherwise).
#[cfg(test)]
mod zeroize_on_drop {
    fn zod<T: zeroize::ZeroizeOnDrop>() {}

    #[test]
    fn every_secret_type_zeroizes_on_drop() {
        zod::<crate::olm::session::RootKey>();
        zod::<crate::olm::session::ChainKey>();
        zod::<crate::olm::session::MessageKey>();
        zod::<crate::megolm::ratchet::MegolmRatchet>();
        zod::<crate::crypto::cipher::CipherKeys>();
        zod::<crate::crypto::Curve25519SecretKey>();
        zod::<crate::crypto::Ed25519SecretKey>();
    }
}
