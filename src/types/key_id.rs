//! One-time and fallback key ids.

use alloc::string::String;

/// The id of a one-time or fallback key: a `u32` counter shared by both kinds of key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub(crate) u32);

impl KeyId {
    /// The numeric id.
    pub const fn value(self) -> u32 {
        self.0
    }

    /// spec/olm.md OLM-OTK-2: unpadded base64 of the 4-byte big-endian id (1 → `AAAAAQ`).
    pub fn to_base64(self) -> String {
        super::base64::encode(&self.0.to_be_bytes())
    }
}

impl From<u32> for KeyId {
    fn from(value: u32) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // spec/olm.md OLM-OTK-2 (values from the fact sheet §3).
    #[test]
    fn key_id_strings() {
        assert_eq!(KeyId(1).to_base64(), "AAAAAQ");
        assert_eq!(KeyId(2).to_base64(), "AAAAAg");
        assert_eq!(KeyId(3).to_base64(), "AAAAAw");
        assert_eq!(KeyId(42).to_base64(), "AAAAKg");
    }
}
