//! Multiplication by the base point B of Ed25519, the work under every key generation and
//! signature: A = [a]B and R = [r]B for Ed25519 (spec/olm.md OLM-SIG-2), [clamp(k)]B before
//! the conversion to Montgomery form for X25519 public keys (OLM-DH-3).
//!
//! With `std`, the multiples of B come from a radix-32 table (curve25519-dalek's
//! `EdwardsBasepointTableRadix32`: 32 × 16 points, 61,440 bytes, built once on first use in
//! a few milliseconds) instead of the crate's built-in radix-16 table: 52 constant-time
//! lookups among 16 points and 5 doublings instead of 64 lookups among 8 and 4 doublings,
//! about 4% faster per multiplication on the benchmark machine. Without `std` (no lazily
//! initialised static) the built-in table is used. Both are constant-time in the scalar and
//! give the same point (tests below).

use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;

#[cfg(feature = "std")]
mod table {
    use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
    use curve25519_dalek::edwards::{EdwardsBasepointTableRadix32, EdwardsPoint};
    use curve25519_dalek::scalar::Scalar;
    use curve25519_dalek::traits::BasepointTable;
    use std::sync::OnceLock;

    /// The radix-32 table of B, built on first use and shared by all threads.
    fn get() -> &'static EdwardsBasepointTableRadix32 {
        static TABLE: OnceLock<EdwardsBasepointTableRadix32> = OnceLock::new();
        TABLE.get_or_init(|| EdwardsBasepointTableRadix32::create(&ED25519_BASEPOINT_POINT))
    }

    pub(super) fn mul_base(scalar: &Scalar) -> EdwardsPoint {
        get().mul_base(scalar)
    }

    pub(super) fn mul_base_clamped(bytes: [u8; 32]) -> EdwardsPoint {
        get().mul_base_clamped(bytes)
    }
}

/// [s]B, constant-time in `s`.
pub(crate) fn mul_base(scalar: &Scalar) -> EdwardsPoint {
    #[cfg(feature = "std")]
    return table::mul_base(scalar);
    #[cfg(not(feature = "std"))]
    return EdwardsPoint::mul_base(scalar);
}

/// [clamp(bytes)]B (RFC 7748 clamping: low three bits cleared, bit 255 cleared, bit 254 set),
/// constant-time in `bytes`.
pub(crate) fn mul_base_clamped(bytes: [u8; 32]) -> EdwardsPoint {
    #[cfg(feature = "std")]
    return table::mul_base_clamped(bytes);
    #[cfg(not(feature = "std"))]
    return EdwardsPoint::mul_base_clamped(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        // The table gives the same points as curve25519-dalek's built-in multiplication, for
        // reduced scalars and for clamped byte strings.
        #[test]
        fn table_multiplication_equals_the_built_in_one(
            bytes in proptest::array::uniform32(proptest::num::u8::ANY),
        ) {
            let scalar = Scalar::from_bytes_mod_order(bytes);
            proptest::prop_assert_eq!(mul_base(&scalar), EdwardsPoint::mul_base(&scalar));
            proptest::prop_assert_eq!(
                mul_base_clamped(bytes),
                EdwardsPoint::mul_base_clamped(bytes)
            );
        }
    }

    #[test]
    fn edge_scalars() {
        for scalar in [Scalar::ZERO, Scalar::ONE, -Scalar::ONE] {
            assert_eq!(mul_base(&scalar), EdwardsPoint::mul_base(&scalar));
        }
        for bytes in [[0u8; 32], [0xff; 32]] {
            assert_eq!(
                mul_base_clamped(bytes),
                EdwardsPoint::mul_base_clamped(bytes)
            );
        }
    }
}
