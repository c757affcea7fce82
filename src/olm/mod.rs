//! Olm: device-to-device sessions (`m.olm.v1.curve25519-aes-sha2`). See spec/olm.md.

pub mod account;
pub mod messages;
pub mod session;

pub use account::{Account, IdentityKeys, InboundCreationResult};
pub use messages::{MessageType, NormalMessage, OlmMessage, PreKeyMessage};
pub use session::{Session, SessionKeys};
