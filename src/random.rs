//! Randomness: every operation that needs it draws an exact number of bytes, either from a
//! caller's CSPRNG or (behind the `os-rng` feature) from the operating system.

use rand_core::CryptoRng;
use zeroize::Zeroizing;

/// Draws exactly `N` bytes from the caller's CSPRNG.
pub(crate) fn rng_bytes<const N: usize>(rng: &mut (impl CryptoRng + ?Sized)) -> Zeroizing<[u8; N]> {
    let mut bytes = Zeroizing::new([0u8; N]);
    rng.fill_bytes(bytes.as_mut_slice());
    bytes
}

/// Draws exactly `N` bytes from the operating system; a failure is an error, never a panic.
#[cfg(feature = "os-rng")]
pub(crate) fn os_bytes<const N: usize>() -> Result<Zeroizing<[u8; N]>, crate::RandomError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut_slice()).map_err(|_| crate::RandomError::Unavailable)?;
    Ok(bytes)
}
