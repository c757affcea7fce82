//! protee's own pickle format (spec/pickle.md §3, PICKLE-NATIVE-1 … PICKLE-NATIVE-STABLE-1).
//!
//! `pickle = base64(header || nonce || XChaCha20-Poly1305(key, nonce, aad = header, body) || tag)`
//! with a 2-byte header (format version, object type), a random 24-byte nonce and the full
//! 16-byte tag. Unlike libolm's format the same state never gives the same pickle twice, the
//! tag covers the header, and a pickle of one object type cannot be loaded as another.
//!
//! Bodies keep every public key beside its secret, so loading does no scalar multiplication:
//! an account with 100 one-time keys loads with one SHA-512 and one Ed25519 point decoding.

mod account;
mod group_session;
mod inbound_group_session;
mod pk;
mod session;

use alloc::string::String;
use alloc::vec::Vec;
use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::codec::{Reader, Writer};
use crate::crypto::{Curve25519SecretKey, Ed25519SecretKey};
use crate::error::PickleError;
use crate::limits::MAX_PICKLE_LENGTH;
use crate::megolm::ratchet::{MegolmRatchet, RATCHET_LENGTH};
use crate::types::base64_vartime;
use crate::types::{Curve25519PublicKey, Ed25519PublicKey, base64};

/// spec/pickle.md PICKLE-NATIVE-1: the format version, first byte of every native pickle.
const VERSION: u8 = 1;
const HEADER_LENGTH: usize = 2;
const NONCE_LENGTH: usize = 24;
const TAG_LENGTH: usize = 16;
/// Header, nonce and tag: the bytes a pickle has besides its encrypted body. The bodies make
/// up for these 42 bytes, against libolm's 9 to 24, by storing less than libolm's
/// (spec/pickle.md PICKLE-NATIVE-SIZE-1).
const ENVELOPE_LENGTH: usize = HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH;

/// spec/pickle.md PICKLE-NATIVE-1: the object-type byte, second byte of the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ObjectType {
    Account,
    Session,
    GroupSession,
    InboundGroupSession,
    PkDecryption,
}

impl ObjectType {
    fn byte(self) -> u8 {
        match self {
            Self::Account => 1,
            Self::Session => 2,
            Self::GroupSession => 3,
            Self::InboundGroupSession => 4,
            Self::PkDecryption => 5,
        }
    }

    fn header(self) -> [u8; HEADER_LENGTH] {
        [VERSION, self.byte()]
    }
}

/// spec/pickle.md PICKLE-NATIVE-2: encrypts `body` in place (it is zeroized when dropped)
/// under `key` and a fresh random `nonce`, with the header as associated data.
fn seal(
    object: ObjectType,
    mut body: Zeroizing<Vec<u8>>,
    key: &[u8; 32],
    nonce: &[u8; NONCE_LENGTH],
) -> String {
    let header = object.header();
    let cipher = XChaCha20Poly1305::new(key.into());
    // Refused only for bodies above 256 GiB (a body is at most a few KiB), before anything is
    // encrypted: the empty string returned then can never load and holds no secret.
    let Ok(tag) = cipher.encrypt_inout_detached(nonce.into(), &header, body.as_mut_slice().into())
    else {
        return String::new();
    };
    let mut out = Vec::with_capacity(body.len().saturating_add(ENVELOPE_LENGTH));
    out.extend_from_slice(&header);
    out.extend_from_slice(nonce);
    out.extend_from_slice(&body);
    out.extend_from_slice(&tag);
    base64::encode(&out)
}

/// spec/pickle.md PICKLE-NATIVE-3: length bound, strict base64, header, tag (constant time,
/// before any decryption), then decryption in place into a buffer zeroized when dropped.
fn open(
    object: ObjectType,
    pickle: &str,
    key: &[u8; 32],
) -> Result<Zeroizing<Vec<u8>>, PickleError> {
    if pickle.len() > MAX_PICKLE_LENGTH {
        return Err(PickleError::TooLong { got: pickle.len() });
    }
    // spec/olm.md OLM-B64-3: the text is ciphertext and a tag, nothing secret.
    let raw = base64_vartime::decode(pickle).map_err(|_| PickleError::InvalidBase64)?;
    let (version, rest) = raw.split_first().ok_or(PickleError::InvalidLength)?;
    if *version != VERSION {
        return Err(PickleError::UnknownVersion {
            found: u32::from(*version),
        });
    }
    let (object_type, rest) = rest.split_first().ok_or(PickleError::InvalidLength)?;
    if *object_type != object.byte() {
        return Err(PickleError::UnknownVersion {
            found: u32::from(*object_type),
        });
    }
    let body_length = raw
        .len()
        .checked_sub(ENVELOPE_LENGTH)
        .ok_or(PickleError::InvalidLength)?;
    let (nonce, rest) = rest
        .split_at_checked(NONCE_LENGTH)
        .ok_or(PickleError::InvalidLength)?;
    let (ciphertext, tag) = rest
        .split_at_checked(body_length)
        .ok_or(PickleError::InvalidLength)?;
    let nonce: &XNonce = nonce.try_into().map_err(|_| PickleError::InvalidLength)?;
    let tag: &Tag = tag.try_into().map_err(|_| PickleError::InvalidLength)?;
    let mut body = Zeroizing::new(ciphertext.to_vec());
    XChaCha20Poly1305::new(key.into())
        .decrypt_inout_detached(nonce, &object.header(), body.as_mut_slice().into(), tag)
        .map_err(|_| PickleError::InvalidMac)?;
    Ok(body)
}

/// Writes a body with `write` and seals it under a nonce of 24 bytes from `rng`.
fn store(
    object: ObjectType,
    key: &[u8; 32],
    rng: &mut (impl CryptoRng + ?Sized),
    capacity: usize,
    write: impl FnOnce(&mut Writer),
) -> String {
    let nonce = crate::random::rng_bytes::<NONCE_LENGTH>(rng);
    let mut writer = Writer::with_capacity(capacity);
    write(&mut writer);
    seal(object, writer.into_bytes(), key, &nonce)
}

/// Opens a pickle and parses its body with `parse`, which must consume every byte.
fn load<T>(
    object: ObjectType,
    pickle: &str,
    key: &[u8; 32],
    parse: impl FnOnce(&mut Reader<'_>) -> Result<T, PickleError>,
) -> Result<T, PickleError> {
    let body = open(object, pickle, key)?;
    let mut reader = Reader::new(&body);
    let value = parse(&mut reader)?;
    reader.finish()?;
    Ok(value)
}

/// [`store`] with a nonce from the operating system's RNG.
#[cfg(feature = "os-rng")]
fn store_with_os_rng(
    object: ObjectType,
    key: &[u8; 32],
    capacity: usize,
    write: impl FnOnce(&mut Writer),
) -> Result<String, crate::RandomError> {
    let nonce = crate::random::os_bytes::<NONCE_LENGTH>()?;
    let mut writer = Writer::with_capacity(capacity);
    write(&mut writer);
    Ok(seal(object, writer.into_bytes(), key, &nonce))
}

/// A list count. Every list is bounded by [`crate::limits`] (at most 100 items), far below
/// 2^32; a count that did not fit would be refused on loading, never truncated.
fn write_count(w: &mut Writer, n: usize) {
    w.u32(u32::try_from(n).unwrap_or(u32::MAX));
}

/// spec/pickle.md PICKLE-NATIVE-5: a Curve25519 key pair, public key 32 || secret key 32.
/// The public key is taken as stored (PICKLE-NATIVE-4): no scalar multiplication.
fn read_curve25519_pair(r: &mut Reader<'_>) -> Result<Curve25519SecretKey, PickleError> {
    let public = Curve25519PublicKey::from_bytes(r.array()?);
    Ok(Curve25519SecretKey::from_parts(*r.secret::<32>()?, public))
}

fn write_curve25519_pair(w: &mut Writer, key: &Curve25519SecretKey) {
    w.bytes(key.public_key().as_bytes());
    w.bytes(key.to_bytes().as_slice());
}

/// spec/pickle.md PICKLE-NATIVE-6: an Ed25519 public key, refused unless a canonical point.
fn read_ed25519_public(r: &mut Reader<'_>) -> Result<Ed25519PublicKey, PickleError> {
    Ed25519PublicKey::from_slice(r.bytes(32)?).map_err(|_| PickleError::InvalidField)
}

/// spec/pickle.md PICKLE-NATIVE-6: the kind byte of an Ed25519 secret key record. A seed is
/// half the size of the expanded key (spec/pickle.md PICKLE-NATIVE-SIZE-1).
const ED25519_EXPANDED: u8 = 0;
const ED25519_SEED: u8 = 1;

/// spec/pickle.md PICKLE-NATIVE-6: an Ed25519 key, `u8 kind | public key 32 | secret`, the
/// secret being the 32-byte seed (kind 1) or, for a key that has none (imported from libolm),
/// the 64-byte expanded key (kind 0). A seed costs one SHA-512 to expand; no scalar
/// multiplication either way.
fn read_ed25519_secret(r: &mut Reader<'_>) -> Result<Ed25519SecretKey, PickleError> {
    let kind = r.u8()?;
    // spec/pickle.md PICKLE-NATIVE-6: our own key's encoding, kept as stored (not decoded).
    let public = Ed25519PublicKey::from_stored_bytes(r.array::<32>()?);
    match kind {
        ED25519_SEED => Ok(Ed25519SecretKey::from_seed_with_public(
            &*r.secret::<32>()?,
            public,
        )),
        ED25519_EXPANDED => Ok(Ed25519SecretKey::from_parts(
            None,
            &*r.secret::<64>()?,
            public,
        )),
        _ => Err(PickleError::InvalidField),
    }
}

fn write_ed25519_secret(w: &mut Writer, key: &Ed25519SecretKey) {
    match key.seed() {
        Some(seed) => {
            w.u8(ED25519_SEED);
            w.bytes(key.public_key().as_bytes());
            w.bytes(seed);
        }
        None => {
            w.u8(ED25519_EXPANDED);
            w.bytes(key.public_key().as_bytes());
            w.bytes(key.expanded_bytes());
        }
    }
}

/// spec/pickle.md PICKLE-NATIVE-GROUP-1: a Megolm ratchet, R0..R3 (128) | u32 counter.
fn read_ratchet(r: &mut Reader<'_>) -> Result<MegolmRatchet, PickleError> {
    let parts = r.secret::<RATCHET_LENGTH>()?;
    Ok(MegolmRatchet::from_bytes(&parts, r.u32()?))
}

fn write_ratchet(w: &mut Writer, ratchet: &MegolmRatchet) {
    w.bytes(ratchet.to_bytes().as_slice());
    w.u32(ratchet.counter());
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    // spec/pickle.md PICKLE-NATIVE-1, PICKLE-NATIVE-3.
    #[test]
    fn envelope_round_trip_and_refusals() {
        let body = Zeroizing::new(b"body".to_vec());
        let sealed = seal(ObjectType::Session, body, &KEY, &[9; 24]);
        let raw = base64::decode(&sealed).unwrap();
        assert_eq!(raw.len(), ENVELOPE_LENGTH + 4);
        assert_eq!(&raw[..2], &[1, 2]);
        assert_eq!(&raw[2..26], &[9; 24]);
        assert_eq!(
            open(ObjectType::Session, &sealed, &KEY).unwrap().as_slice(),
            b"body"
        );
        assert_eq!(
            open(ObjectType::Session, &sealed, &[8; 32]),
            Err(PickleError::InvalidMac)
        );
        assert_eq!(
            open(ObjectType::Account, &sealed, &KEY),
            Err(PickleError::UnknownVersion { found: 2 })
        );
        // The header is authenticated: changing the type byte breaks the tag.
        let mut retyped = raw.clone();
        retyped[1] = 1;
        assert_eq!(
            open(ObjectType::Account, &base64::encode(&retyped), &KEY),
            Err(PickleError::InvalidMac)
        );
        let mut newer = raw.clone();
        newer[0] = 2;
        assert_eq!(
            open(ObjectType::Session, &base64::encode(&newer), &KEY),
            Err(PickleError::UnknownVersion { found: 2 })
        );
        assert_eq!(
            open(ObjectType::Session, &base64::encode(&raw[..41]), &KEY),
            Err(PickleError::InvalidLength)
        );
        assert_eq!(
            open(ObjectType::Session, "", &KEY),
            Err(PickleError::InvalidLength)
        );
        assert_eq!(
            open(ObjectType::Session, "A", &KEY),
            Err(PickleError::InvalidBase64)
        );
        let long = "A".repeat(MAX_PICKLE_LENGTH + 4);
        assert!(matches!(
            open(ObjectType::Session, &long, &KEY),
            Err(PickleError::TooLong { .. })
        ));
    }

    /// Opens a pickle, edits its body and seals it again under the same key: a pickle whose
    /// tag is valid but whose body is hostile.
    fn reseal(object: ObjectType, pickle: &str, edit: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut body = open(object, pickle, &KEY).unwrap();
        edit(&mut body);
        seal(object, body, &KEY, &[3; 24])
    }

    fn put_u32(body: &mut [u8], at: usize, value: u32) {
        body[at..at + 4].copy_from_slice(&value.to_be_bytes());
    }

    /// y = p + 1: 32 bytes that are not a canonical Ed25519 point.
    fn not_a_point() -> [u8; 32] {
        let mut y = [0xff; 32];
        y[0] = 0xee;
        y[31] = 0x7f;
        y
    }

    struct Counter(u8);
    impl rand_core::TryRng for Counter {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(0)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(0)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for b in dst.iter_mut() {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
            Ok(())
        }
    }
    impl rand_core::TryCryptoRng for Counter {}

    // spec/pickle.md PICKLE-NATIVE-3, PICKLE-NATIVE-6, PICKLE-NATIVE-ACCOUNT-1,
    // PICKLE-CODEC-1: an authenticated body is still parsed strictly (booleans 0 or 1, counts
    // within limits, nothing missing, nothing left over).
    #[test]
    fn hostile_account_bodies_are_refused() {
        use crate::olm::Account;
        let mut rng = Counter(0);
        let mut account = Account::new_with_rng(&mut rng);
        account.generate_one_time_keys(1, &mut rng);
        let pickle = account.pickle_with_rng(&KEY, &mut rng);
        let load = |edit: fn(&mut Vec<u8>)| {
            Account::from_pickle(&reseal(ObjectType::Account, &pickle, edit), &KEY).map(drop)
        };
        assert_eq!(load(|_| {}), Ok(()));
        assert_eq!(load(|b| b[0] = 2), Err(PickleError::InvalidField));
        // PICKLE-NATIVE-6: the signing key's public half is taken as stored, not decoded. A
        // body sealed with one that is not a point loads, and fails closed: its signatures do
        // not verify, and its libolm export is refused by the libolm loader.
        let odd = Account::from_pickle(
            &reseal(ObjectType::Account, &pickle, |b| {
                b[1..33].copy_from_slice(&not_a_point())
            }),
            &KEY,
        )
        .unwrap();
        assert_eq!(odd.ed25519_key().as_bytes(), &not_a_point());
        let signature = odd.sign(b"x");
        assert!(odd.ed25519_key().verify(b"x", &signature).is_err());
        assert_eq!(
            Account::from_libolm_pickle(&odd.to_libolm_pickle(b"k").unwrap(), b"k").err(),
            Some(PickleError::InvalidField)
        );
        // One-time key count at 129 (after the 65-byte Ed25519 record and the identity pair).
        assert_eq!(
            load(|b| put_u32(b, 129, 101)),
            Err(PickleError::TooManyItems { got: 101, max: 100 })
        );
        assert_eq!(load(|b| b[137] = 2), Err(PickleError::InvalidField));
        assert_eq!(load(|b| b.push(0)), Err(PickleError::ExtraData));
        assert_eq!(
            load(|b| b.truncate(b.len() - 1)),
            Err(PickleError::Truncated)
        );
        assert_eq!(load(|b| b.truncate(64)), Err(PickleError::Truncated));
        assert_eq!(load(|b| b.clear()), Err(PickleError::Truncated));
    }

    // spec/pickle.md PICKLE-NATIVE-4: stored public keys are taken as they are, not
    // recomputed from the secrets (only the pickle key's holder can write them).
    #[test]
    fn stored_public_keys_are_trusted() {
        use crate::olm::Account;
        let mut rng = Counter(0);
        let account = Account::new_with_rng(&mut rng);
        let pickle = account.pickle_with_rng(&KEY, &mut rng);
        // The identity key's public half starts after the 65-byte Ed25519 record.
        let edited = reseal(ObjectType::Account, &pickle, |b| b[65..97].fill(0x11));
        let loaded = Account::from_pickle(&edited, &KEY).unwrap();
        assert_eq!(loaded.curve25519_key().as_bytes(), &[0x11; 32]);
        assert_eq!(loaded.ed25519_key(), account.ed25519_key());
    }

    // spec/pickle.md PICKLE-NATIVE-SESSION-1.
    #[test]
    fn hostile_session_bodies_are_refused() {
        use crate::olm::session::{PendingRatchetKey, RemoteRatchetKey, SendingState, Session};
        use crate::olm::{Account, OlmMessage};
        let mut rng = Counter(0);
        let alice = Account::new_with_rng(&mut rng);
        let mut bob = Account::new_with_rng(&mut rng);
        bob.generate_one_time_keys(1, &mut rng);
        let otk = bob.one_time_keys()[0].1;
        let mut outbound = alice
            .create_outbound_session(&bob.curve25519_key(), &otk, &mut rng)
            .unwrap();
        let OlmMessage::PreKey(first) = outbound.encrypt(b"hi", &mut rng) else {
            panic!("pre-key expected")
        };
        let inbound = bob.create_inbound_session(None, &first).unwrap().session;
        // Bob waits to ratchet against his only receiver chain: sending byte 1 at offset 129,
        // then one 68-byte chain and no skipped key.
        let pickle = inbound.pickle_with_rng(&KEY, &mut rng);
        let load = |edit: fn(&mut Vec<u8>)| {
            Session::from_pickle(&reseal(ObjectType::Session, &pickle, edit), &KEY).map(drop)
        };
        assert_eq!(load(|_| {}), Ok(()));
        assert_eq!(load(|b| b[0] = 2), Err(PickleError::InvalidField));
        assert_eq!(load(|b| b[129] = 3), Err(PickleError::InvalidField));
        assert_eq!(
            load(|b| put_u32(b, 130, 6)),
            Err(PickleError::TooManyItems { got: 6, max: 5 })
        );
        assert_eq!(
            load(|b| put_u32(b, 202, 41)),
            Err(PickleError::TooManyItems { got: 41, max: 40 })
        );
        // A pending ratchet against the newest receiver chain, with no receiver chain.
        assert_eq!(
            load(|b| {
                put_u32(b, 130, 0);
                b.drain(134..202);
            }),
            Err(PickleError::InvalidSession)
        );
        assert_eq!(load(|b| b.push(1)), Err(PickleError::ExtraData));

        // A pending ratchet against another key (not reachable through the API) is kept.
        let mut other = inbound.clone();
        let theirs = RemoteRatchetKey(crate::types::Curve25519PublicKey::from_bytes([9; 32]));
        other.sending = SendingState::NeedsRatchet(PendingRatchetKey::new(theirs));
        let loaded = Session::from_pickle(&other.pickle_with_rng(&KEY, &mut rng), &KEY).unwrap();
        assert!(matches!(loaded.sending, SendingState::NeedsRatchet(k) if k.remote() == theirs));
        assert_eq!(loaded.receiver_chains.len(), 1);
    }

    // spec/pickle.md PICKLE-NATIVE-GROUP-1, PICKLE-NATIVE-INBOUND-1.
    #[test]
    fn hostile_megolm_bodies_are_refused() {
        use crate::megolm::{GroupSession, InboundGroupSession};
        let mut rng = Counter(0);
        let outbound = GroupSession::new_with_rng(&mut rng);
        let pickle = outbound.pickle_with_rng(&KEY, &mut rng);
        let load = |edit: fn(&mut Vec<u8>)| {
            GroupSession::from_pickle(&reseal(ObjectType::GroupSession, &pickle, edit), &KEY)
                .map(drop)
        };
        assert_eq!(load(|_| {}), Ok(()));
        assert_eq!(load(|b| b[132] = 7), Err(PickleError::InvalidField));
        assert_eq!(load(|b| b.truncate(196)), Err(PickleError::Truncated));

        let inbound = InboundGroupSession::new(&outbound.session_key()).unwrap();
        let pickle = inbound.pickle_with_rng(&KEY, &mut rng);
        let load = |edit: fn(&mut Vec<u8>)| {
            InboundGroupSession::from_pickle(
                &reseal(ObjectType::InboundGroupSession, &pickle, edit),
                &KEY,
            )
            .map(drop)
        };
        assert_eq!(load(|_| {}), Ok(()));
        assert_eq!(
            load(|b| b[264..296].copy_from_slice(&not_a_point())),
            Err(PickleError::InvalidField)
        );
        assert_eq!(load(|b| b[296] = 2), Err(PickleError::InvalidField));
        assert_eq!(load(|b| b[297] = 2), Err(PickleError::InvalidField));
        assert_eq!(load(|b| b.push(0)), Err(PickleError::ExtraData));
    }

    // spec/pickle.md PICKLE-NATIVE-2: an empty body still carries a tag and loads.
    #[test]
    fn empty_body() {
        let sealed = seal(
            ObjectType::PkDecryption,
            Zeroizing::new(Vec::new()),
            &KEY,
            &[1; 24],
        );
        assert!(
            open(ObjectType::PkDecryption, &sealed, &KEY)
                .unwrap()
                .is_empty()
        );
    }
}
