//! Megolm: group sessions (`m.megolm.v1.aes-sha2`). See spec/megolm.md.

mod inbound;
mod message;
mod outbound;
pub(crate) mod ratchet;
mod session_key;

pub use inbound::{DecryptedMessage, InboundGroupSession, SessionOrdering, SessionOrigin};
pub use message::MegolmMessage;
pub use outbound::GroupSession;
pub use session_key::{ExportedSessionKey, SessionKey};
