//! Pickles: how accounts and sessions are stored and moved between libraries
//! (spec/pickle.md).
//!
//! - **libolm's format**, read and written byte for byte for every object: `from_libolm_pickle`
//!   and `to_libolm_pickle` on [`crate::olm::Account`], [`crate::olm::session::Session`],
//!   [`crate::megolm::GroupSession`], [`crate::megolm::InboundGroupSession`] and
//!   [`crate::pk::PkDecryption`].
//! - **protee's native format**, for storing state between runs: `pickle` (OS RNG) or
//!   `pickle_with_rng`, and `from_pickle`, on the same five types (spec/pickle.md
//!   PICKLE-NATIVE-1). XChaCha20-Poly1305 under a 32-byte key with a random nonce and a header
//!   naming the format version and the object type; every secret is kept, public keys included,
//!   so that loading does no scalar multiplication (an account with 50 one-time keys loads tens
//!   of times faster than from vodozemac's pickle). At most 64 characters longer than libolm's
//!   pickle of the same object.
//! - **vodozemac's pickles** (feature `vodozemac-migration`), read only: `from_vodozemac_pickle`
//!   on the account, session and group session types (spec/pickle.md PICKLE-VODOZEMAC-1).
//! - **Dehydrated devices** (MSC3814, vodozemac's format): [`crate::olm::Account`]'s
//!   `to_dehydrated_device` and `from_dehydrated_device` (spec/pickle.md PICKLE-DEHYDRATED-1).
//!
//! Every loader is all-or-nothing: it returns a whole object or a [`crate::PickleError`], and
//! every decrypted buffer is zeroized on every path.

pub(crate) mod codec;
mod dehydrated;
mod libolm;
mod native;
#[cfg(feature = "vodozemac-migration")]
mod vodozemac;

pub use dehydrated::DehydratedDevice;
