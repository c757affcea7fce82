//! Short Authentication Strings (`m.sas.v1`), as libolm's `olm_sas_*` computes them.
//!
//! Both devices make an ephemeral X25519 key ([`Sas`]), exchange public keys and agree on a
//! shared secret ([`EstablishedSas`]). From it they derive bytes that the users compare as
//! emoji or decimals, and MACs over the keys they are verifying.
//!
//! ```
//! # #[cfg(feature = "os-rng")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use protee::sas::Sas;
//!
//! let alice = Sas::new()?;
//! let bob = Sas::new()?;
//! let (alice_key, bob_key) = (alice.public_key(), bob.public_key());
//! let alice = alice.diffie_hellman(bob_key)?;
//! let bob = bob.diffie_hellman_with_base64(&alice_key.to_base64())?;
//! assert_eq!(alice.emoji_indices(b"info"), bob.emoji_indices(b"info"));
//!
//! let mac = alice.calculate_mac(b"ed25519:DEVICE key", b"MAC info");
//! bob.verify_mac(b"ed25519:DEVICE key", b"MAC info", &mac)?;
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "os-rng"))]
//! # fn main() {}
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use base64ct::{Base64Unpadded, Encoding};
use rand_core::CryptoRng;
use subtle::ConstantTimeEq;
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::crypto::Curve25519SecretKey;
use crate::crypto::kdf::{HmacKey, hkdf_sha256_prepared, hmac_sha256};
use crate::crypto::x25519::SharedSecret;
use crate::error::{DecodeError, SasError};
use crate::random::rng_bytes;
use crate::types::Curve25519PublicKey;
use crate::types::base64;

/// One side of a SAS verification before the other side's key is known.
#[derive(ZeroizeOnDrop)]
pub struct Sas {
    secret: Curve25519SecretKey,
}

impl Sas {
    /// spec/sas-pk.md SAS-KEY-1: 32 bytes of `rng` are the ephemeral Curve25519 secret key,
    /// as libolm's `olm_create_sas` takes them.
    pub fn new_with_rng(rng: &mut impl CryptoRng) -> Self {
        Self {
            secret: Curve25519SecretKey::from_bytes(*rng_bytes::<32>(rng)),
        }
    }

    /// [`Sas::new_with_rng`] with the operating system's RNG.
    #[cfg(feature = "os-rng")]
    pub fn new() -> Result<Self, crate::RandomError> {
        Ok(Self {
            secret: Curve25519SecretKey::from_bytes(*crate::random::os_bytes::<32>()?),
        })
    }

    /// Our ephemeral public key, to send to the other device.
    pub fn public_key(&self) -> Curve25519PublicKey {
        self.secret.public_key()
    }

    /// spec/sas-pk.md SAS-DH-1: X25519 with the other device's key. The ephemeral secret is
    /// consumed, so it is used exactly once. A key of small order (all-zero shared secret) is
    /// refused; libolm accepts it.
    pub fn diffie_hellman(self, their: Curve25519PublicKey) -> Result<EstablishedSas, SasError> {
        let shared = self
            .secret
            .diffie_hellman(&their)
            .map_err(|_| SasError::NonContributoryKey)?;
        Ok(EstablishedSas {
            shared,
            our_public_key: self.secret.public_key(),
            their_public_key: their,
        })
    }

    /// spec/sas-pk.md SAS-DH-2: [`Sas::diffie_hellman`] with the key as it arrives in the
    /// `m.key.verification.key` event: exactly 43 characters of unpadded base64.
    ///
    /// Divergence: libolm's `olm_sas_set_their_key` accepts any text of at least 43
    /// characters and silently uses the first 32 decoded bytes; protee refuses anything else.
    pub fn diffie_hellman_with_base64(self, their: &str) -> Result<EstablishedSas, SasError> {
        let their = Curve25519PublicKey::from_base64(their).map_err(SasError::InvalidPublicKey)?;
        self.diffie_hellman(their)
    }
}

/// spec/sas-pk.md SAS-ZERO-1: only the public key is shown.
impl core::fmt::Debug for Sas {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Sas")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

/// A SAS verification with an agreed shared secret.
#[derive(ZeroizeOnDrop)]
pub struct EstablishedSas {
    /// spec/sas-pk.md SAS-ZERO-1: wraps `x25519_dalek::SharedSecret`, which zeroizes itself
    /// on drop.
    #[zeroize(skip)]
    shared: SharedSecret,
    #[zeroize(skip)]
    our_public_key: Curve25519PublicKey,
    #[zeroize(skip)]
    their_public_key: Curve25519PublicKey,
}

impl EstablishedSas {
    /// The most bytes [`EstablishedSas::bytes`] derives: HKDF-SHA-256's limit of 255 blocks.
    pub const MAX_BYTES: usize = 255 * 32;

    /// Our ephemeral public key.
    pub fn our_public_key(&self) -> Curve25519PublicKey {
        self.our_public_key
    }

    /// The other device's ephemeral public key.
    pub fn their_public_key(&self) -> Curve25519PublicKey {
        self.their_public_key
    }

    /// spec/sas-pk.md SAS-BYTES-1: `HKDF-SHA256(salt = 0^32, ikm = shared secret, info)`,
    /// filling `out`. Callers keep `out.len()` within [`EstablishedSas::MAX_BYTES`].
    fn derive(&self, info: &[u8], out: &mut [u8]) {
        hkdf_sha256_prepared(&HmacKey::ZERO, self.shared.as_bytes(), info, out);
    }

    /// spec/sas-pk.md SAS-BYTES-1: `count` bytes of
    /// `HKDF-SHA256(salt = 0^32, ikm = shared secret, info)` (libolm `olm_sas_generate_bytes`).
    /// More than [`EstablishedSas::MAX_BYTES`] is an error.
    pub fn bytes(&self, info: &[u8], count: usize) -> Result<Vec<u8>, SasError> {
        if count > Self::MAX_BYTES {
            return Err(SasError::InvalidByteCount {
                requested: count,
                max: Self::MAX_BYTES,
            });
        }
        let mut out = alloc::vec![0u8; count];
        self.derive(info, &mut out);
        Ok(out)
    }

    /// spec/sas-pk.md SAS-EMOJI-1: the Matrix emoji method. Six SAS bytes, read as a 48-bit
    /// big-endian number; its first 42 bits, taken 6 at a time, index the 64-entry emoji table.
    pub fn emoji_indices(&self, info: &[u8]) -> [u8; 7] {
        // Bit offsets (from the least significant bit) of the seven 6-bit groups.
        const SHIFTS: [u32; 7] = [42, 36, 30, 24, 18, 12, 6];
        let mut bytes = Zeroizing::new([0u8; 6]);
        self.derive(info, bytes.as_mut_slice());
        let bits = bytes
            .iter()
            .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
        let mut indices = [0u8; 7];
        for (index, shift) in indices.iter_mut().zip(SHIFTS) {
            // Masked to 6 bits, so the cast cannot truncate.
            *index = ((bits >> shift) & 0x3f) as u8;
        }
        indices
    }

    /// spec/sas-pk.md SAS-DECIMAL-1: the Matrix decimal method. Five SAS bytes, read as a
    /// 40-bit big-endian number; its first 39 bits, taken 13 at a time, each plus 1000, give
    /// three numbers from 1000 to 9191.
    pub fn decimals(&self, info: &[u8]) -> [u16; 3] {
        // Bit offsets (from the least significant bit) of the three 13-bit groups.
        const SHIFTS: [u32; 3] = [27, 14, 1];
        let mut bytes = Zeroizing::new([0u8; 5]);
        self.derive(info, bytes.as_mut_slice());
        let bits = bytes
            .iter()
            .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
        let mut numbers = [0u16; 3];
        for (number, shift) in numbers.iter_mut().zip(SHIFTS) {
            // reason: masked to 13 bits, so the cast cannot truncate and the sum is at most
            // 8191 + 1000 = 9191.
            #[allow(clippy::arithmetic_side_effects)]
            let value = ((bits >> shift) & 0x1fff) as u16 + 1000;
            *number = value;
        }
        numbers
    }

    /// spec/sas-pk.md SAS-MAC-1: `HMAC-SHA256(key = HKDF(shared secret, info, 32), input)`.
    fn mac_bytes(&self, input: &[u8], info: &[u8]) -> [u8; 32] {
        let mut key = Zeroizing::new([0u8; 32]);
        self.derive(info, key.as_mut_slice());
        hmac_sha256(key.as_slice(), input)
    }

    /// spec/sas-pk.md SAS-MAC-1: the Matrix `hkdf-hmac-sha256.v2` MAC, the 43-character
    /// unpadded base64 of `HMAC-SHA256(key = HKDF(shared secret, info, 32), input)`
    /// (libolm `olm_sas_calculate_mac_fixed_base64`).
    pub fn calculate_mac(&self, input: &[u8], info: &[u8]) -> String {
        base64::encode(&self.mac_bytes(input, info))
    }

    /// spec/sas-pk.md SAS-MAC-2: checks a `hkdf-hmac-sha256.v2` MAC in constant time. The tag
    /// must be exactly 43 characters of strict unpadded base64.
    pub fn verify_mac(&self, input: &[u8], info: &[u8], tag: &str) -> Result<(), SasError> {
        let tag = base64::decode_array::<32>(tag).map_err(SasError::InvalidMacEncoding)?;
        if bool::from(self.mac_bytes(input, info).ct_eq(&tag)) {
            Ok(())
        } else {
            Err(SasError::InvalidMac)
        }
    }

    /// **Legacy: only for interop with old clients.** spec/sas-pk.md SAS-MAC-3: the Matrix
    /// `hkdf-hmac-sha256` MAC (libolm `olm_sas_calculate_mac`): the same HMAC as
    /// [`EstablishedSas::calculate_mac`], but encoded with libolm's in-place base64 bug, so the
    /// 43 characters depend on only 6 of the 32 MAC bytes (48 bits).
    pub fn calculate_mac_invalid_base64(&self, input: &[u8], info: &[u8]) -> String {
        libolm_in_place_base64(&self.mac_bytes(input, info))
    }

    /// **Legacy: only for interop with old clients.** spec/sas-pk.md SAS-MAC-3: checks a MAC
    /// from [`EstablishedSas::calculate_mac_invalid_base64`] in constant time.
    pub fn verify_mac_invalid_base64(
        &self,
        input: &[u8],
        info: &[u8],
        tag: &str,
    ) -> Result<(), SasError> {
        verify_legacy(&self.calculate_mac_invalid_base64(input, info), tag)
    }

    /// **Legacy: only for interop with old clients.** spec/sas-pk.md SAS-MAC-4: the Matrix
    /// `hmac-sha256` MAC (libolm `olm_sas_calculate_mac_long_kdf`):
    /// `HMAC-SHA256(key = HKDF(shared secret, info, 256), input)` (a 256-byte key, which HMAC
    /// hashes to 32 bytes first), encoded with libolm's in-place base64 bug.
    pub fn calculate_mac_long_kdf(&self, input: &[u8], info: &[u8]) -> String {
        let mut key = Zeroizing::new([0u8; 256]);
        self.derive(info, key.as_mut_slice());
        libolm_in_place_base64(&hmac_sha256(key.as_slice(), input))
    }

    /// **Legacy: only for interop with old clients.** spec/sas-pk.md SAS-MAC-4: checks a MAC
    /// from [`EstablishedSas::calculate_mac_long_kdf`] in constant time.
    pub fn verify_mac_long_kdf(
        &self,
        input: &[u8],
        info: &[u8],
        tag: &str,
    ) -> Result<(), SasError> {
        verify_legacy(&self.calculate_mac_long_kdf(input, info), tag)
    }
}

/// spec/sas-pk.md SAS-ZERO-1: only the public keys are shown, never the shared secret.
impl core::fmt::Debug for EstablishedSas {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EstablishedSas")
            .field("our_public_key", &self.our_public_key)
            .field("their_public_key", &self.their_public_key)
            .finish_non_exhaustive()
    }
}

/// Length of every SAS MAC in base64: 32 bytes, unpadded.
const MAC_BASE64_LENGTH: usize = 43;

/// spec/sas-pk.md SAS-MAC-3 / SAS-MAC-4: constant-time comparison of two legacy MAC texts. The
/// length is not secret: a tag that is not 43 characters is refused before comparing.
fn verify_legacy(expected: &str, tag: &str) -> Result<(), SasError> {
    if tag.len() != MAC_BASE64_LENGTH {
        return Err(SasError::InvalidMacEncoding(DecodeError::InvalidLength {
            expected: MAC_BASE64_LENGTH,
            got: tag.len(),
        }));
    }
    if bool::from(expected.as_bytes().ct_eq(tag.as_bytes())) {
        Ok(())
    } else {
        Err(SasError::InvalidMac)
    }
}

/// spec/sas-pk.md SAS-B64BUG-1: libolm's base64 encoder run with the output buffer equal to the
/// input buffer, as `olm_sas_calculate_mac` and `olm_sas_calculate_mac_long_kdf` call it.
///
/// The encoder takes the input 3 bytes at a time: group `g` reads bytes `3g..3g+3` and then
/// writes 4 characters at `4g..4g+4`. With one buffer for both, from group 1 on the bytes read
/// include characters that earlier groups already wrote over the MAC. Only MAC bytes 0, 1, 2,
/// 4, 5 and 8 are ever read. Each group is encoded with standard (constant-time) base64, which
/// is what libolm's encoder computes for one group.
fn libolm_in_place_base64(mac: &[u8; 32]) -> String {
    // The buffer starts as the 32 MAC bytes and ends as the 43 characters.
    let mut buffer = [0u8; MAC_BASE64_LENGTH];
    for (slot, byte) in buffer.iter_mut().zip(mac) {
        *slot = *byte;
    }
    // Ten whole groups cover bytes 0..30 and write characters 0..40.
    for group in 0..10 {
        let mut read = [0u8; 3];
        if let Some(source) = buffer.chunks_exact(3).nth(group) {
            read.copy_from_slice(source);
        }
        if let Some(target) = buffer.chunks_exact_mut(4).nth(group) {
            encode_into(&read, target);
        }
    }
    // The last 2 input positions (30, 31: characters written by group 7) become the last 3
    // characters, 40..43.
    let mut read = [0u8; 2];
    if let Some(source) = buffer.get(30..32) {
        read.copy_from_slice(source);
    }
    if let Some(target) = buffer.get_mut(40..43) {
        encode_into(&read, target);
    }
    // Every byte is now a base64 character (ASCII).
    buffer.iter().map(|byte| char::from(*byte)).collect()
}

/// Writes the unpadded base64 of `input` (2 or 3 bytes) over `output` (3 or 4 bytes).
///
/// The ranges above are constant and in bounds, and 2 or 3 bytes always encode to exactly 3 or
/// 4 characters, so no step of [`libolm_in_place_base64`] is ever skipped.
fn encode_into(input: &[u8], output: &mut [u8]) {
    // Cannot fail: `output` has exactly the encoded length of `input`.
    let _ = Base64Unpadded::encode(input, output);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex<const N: usize>(s: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }

    fn pair(a: u8, b: u8) -> (EstablishedSas, EstablishedSas) {
        let alice = Sas {
            secret: Curve25519SecretKey::from_bytes([a; 32]),
        };
        let bob = Sas {
            secret: Curve25519SecretKey::from_bytes([b; 32]),
        };
        let (ak, bk) = (alice.public_key(), bob.public_key());
        (
            alice.diffie_hellman(bk).unwrap(),
            bob.diffie_hellman(ak).unwrap(),
        )
    }

    // spec/sas-pk.md SAS-B64BUG-1: upstream libolm MR 16's example.
    #[test]
    fn in_place_base64_reproduces_libolm_mr16() {
        let mac = hex::<32>("7969bb13255e77f8e0225e1d9d050fe6f673ecd9504e38c850c8529ea8b30ae6");
        assert_eq!(
            libolm_in_place_base64(&mac),
            "eWm7NyVeVmXgbVhnYlZobllsWm9ibGxzV205aWJHeHo"
        );
        assert_eq!(
            base64::encode(&mac),
            "eWm7EyVed/jgIl4dnQUP5vZz7NlQTjjIUMhSnqizCuY"
        );
    }

    // spec/sas-pk.md SAS-B64BUG-1: only MAC bytes 0, 1, 2, 4, 5 and 8 matter.
    #[test]
    fn in_place_base64_reads_only_six_mac_bytes() {
        let base = [0x5au8; 32];
        let reference = libolm_in_place_base64(&base);
        for position in 0..32 {
            let mut changed = base;
            changed[position] ^= 0xff;
            let differs = libolm_in_place_base64(&changed) != reference;
            assert_eq!(
                differs,
                [0, 1, 2, 4, 5, 8].contains(&position),
                "{position}"
            );
        }
    }

    // spec/sas-pk.md SAS-EMOJI-1 / SAS-DECIMAL-1: the bit slicing, against the bytes.
    #[test]
    fn emoji_and_decimals_slice_the_sas_bytes() {
        let (alice, _) = pair(1, 2);
        let bytes = alice.bytes(b"info", 6).unwrap();
        let bits = bytes.iter().fold(0u64, |a, b| (a << 8) | u64::from(*b));
        let emoji = alice.emoji_indices(b"info");
        for (i, e) in emoji.iter().enumerate() {
            assert_eq!(u64::from(*e), (bits >> (42 - 6 * i)) & 63);
            assert!(*e < 64);
        }
        let five = bits >> 8;
        let numbers = alice.decimals(b"info");
        assert_eq!(u64::from(numbers[0] - 1000), five >> 27);
        assert_eq!(u64::from(numbers[1] - 1000), (five >> 14) & 0x1fff);
        assert_eq!(u64::from(numbers[2] - 1000), (five >> 1) & 0x1fff);
        assert!(numbers.iter().all(|n| (1000..=9191).contains(n)));
    }

    #[test]
    fn both_sides_agree_and_macs_verify() {
        let (alice, bob) = pair(3, 4);
        assert_eq!(
            alice.bytes(b"x", 100).unwrap(),
            bob.bytes(b"x", 100).unwrap()
        );
        assert_eq!(alice.our_public_key(), bob.their_public_key());
        let mac = alice.calculate_mac(b"in", b"info");
        assert_eq!(mac.len(), 43);
        bob.verify_mac(b"in", b"info", &mac).unwrap();
        assert_eq!(
            bob.verify_mac(b"in", b"other", &mac),
            Err(SasError::InvalidMac)
        );
        let legacy = alice.calculate_mac_invalid_base64(b"in", b"info");
        bob.verify_mac_invalid_base64(b"in", b"info", &legacy)
            .unwrap();
        let long = alice.calculate_mac_long_kdf(b"in", b"info");
        bob.verify_mac_long_kdf(b"in", b"info", &long).unwrap();
        assert_eq!(
            bob.verify_mac_long_kdf(b"in", b"info", &legacy),
            Err(SasError::InvalidMac)
        );
    }

    // spec/sas-pk.md SAS-BYTES-1: the HKDF limit, and the prefix property of HKDF.
    #[test]
    fn byte_count_is_bounded() {
        let (alice, _) = pair(5, 6);
        let all = alice.bytes(b"i", EstablishedSas::MAX_BYTES).unwrap();
        assert_eq!(all.len(), 8160);
        assert_eq!(alice.bytes(b"i", 6).unwrap(), all[..6].to_vec());
        assert!(alice.bytes(b"i", 0).unwrap().is_empty());
        assert_eq!(
            alice.bytes(b"i", 8161),
            Err(SasError::InvalidByteCount {
                requested: 8161,
                max: 8160
            })
        );
    }

    // spec/sas-pk.md SAS-ZERO-1.
    #[test]
    fn debug_shows_only_public_keys() {
        let (alice, _) = pair(0xab, 0xcd);
        let shown = alloc::format!("{alice:?}");
        assert!(shown.contains("our_public_key"));
        assert!(!shown.contains("shared"));
        let sas = Sas {
            secret: Curve25519SecretKey::from_bytes([0xab; 32]),
        };
        let shown = alloc::format!("{sas:?}");
        assert!(!shown.contains("171, 171") && !shown.to_lowercase().contains("abab"));
    }
}
