//! Every bound protee enforces, in one place, each with its reason (spec/olm.md OLM-LIMIT-1).
//!
//! The Olm bounds are libolm's: a protee session keeps exactly what a libolm session keeps, so
//! either library can take over the other's state and behaves identically on the same traffic.

/// One-time keys an account stores (libolm `MAX_ONE_TIME_KEYS`). Generating more drops the
/// oldest; a server rarely holds more than 50 per device.
pub const MAX_ONE_TIME_KEYS: usize = 100;

/// Fallback keys an account stores: the current one and the previous one, so that a pre-key
/// message sent just before a rotation still finds its key.
pub const MAX_FALLBACK_KEYS: usize = 2;

/// Receiver chains a session keeps, newest first (libolm `MAX_RECEIVER_CHAINS`). A message on
/// an older chain can only be decrypted with a skipped message key.
pub const MAX_RECEIVER_CHAINS: usize = 5;

/// Skipped message keys a session keeps, across all its chains, newest first (libolm
/// `MAX_SKIPPED_MESSAGE_KEYS`). Per session rather than per chain so that a session's memory is
/// bounded by a constant whatever the peer sends: 40 × 68 bytes.
pub const MAX_SKIPPED_MESSAGE_KEYS: usize = 40;

/// The largest number of message keys one message may skip on a chain (libolm
/// `MAX_MESSAGE_GAP`, inclusive). Bounds the hashing work an attacker can force per message to
/// 2 × 2000 HMACs.
pub const MAX_MESSAGE_GAP: u32 = 2000;

/// The longest pickle accepted, in characters, checked before any decoding so that hostile
/// input cannot make protee allocate more. The largest object (an account with 100 one-time
/// keys and two fallback keys) pickles to under 10,000 characters in every format.
pub const MAX_PICKLE_LENGTH: usize = 65_536;

/// The longest vodozemac pickle accepted for import, in characters. vodozemac writes JSON with
/// byte arrays as lists of decimal numbers (about 4 characters per byte) and an account may hold
/// thousands of one-time keys: 5,000 keys take about 2.2 million characters. The bound is
/// checked before any decoding.
pub const MAX_VODOZEMAC_PICKLE_LENGTH: usize = 4 * 1024 * 1024;
