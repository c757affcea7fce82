//! Pickles: how accounts and sessions are stored and moved between libraries
//! (spec/pickle.md).
//!
//! - **libolm's format**, read and written byte for byte for every object: `from_libolm_pickle`
//!   and `to_libolm_pickle` on [`crate::olm::Account`], [`crate::olm::session::Session`],
//!   [`crate::megolm::GroupSession`], [`crate::megolm::InboundGroupSession`] and
//!   [`crate::pk::PkDecryption`].
//!
//! Every loader is all-or-nothing: it returns a whole object or a [`crate::PickleError`], and
//! every decrypted buffer is zeroized on every path.

pub(crate) mod codec;
mod libolm;
