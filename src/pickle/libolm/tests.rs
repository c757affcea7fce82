//! libolm pickles: the envelope, old versions, and every way a body can be wrong. Bodies are
//! built by hand here (the envelope is sealed with the same code libolm's pickles are opened
//! with, whose bytes the vector files check against libolm's).

use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::megolm::{GroupSession, InboundGroupSession, SessionOrigin};
use crate::olm::Account;
use crate::olm::messages::OlmMessage;
use crate::olm::session::Session;
use crate::pk::PkDecryption;

const KEY: &[u8] = b"test key";

/// A deterministic RNG for building objects.
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
            self.0 = self.0.wrapping_add(7);
            *b = self.0;
        }
        Ok(())
    }
}
impl rand_core::TryCryptoRng for Counter {}

fn body(pickle: &str) -> Vec<u8> {
    open(pickle, KEY).unwrap().to_vec()
}

fn account() -> Account {
    let mut rng = Counter(1);
    let mut account = Account::new_with_rng(&mut rng);
    account.generate_one_time_keys(3, &mut rng);
    account.generate_fallback_key(&mut rng);
    account.mark_keys_as_published();
    account.generate_fallback_key(&mut rng);
    account
}

fn sessions() -> (Session, Session) {
    let mut rng = Counter(2);
    let alice = Account::new_with_rng(&mut rng);
    let mut bob = Account::new_with_rng(&mut rng);
    bob.generate_one_time_keys(1, &mut rng);
    let (_, otk) = bob.one_time_keys()[0];
    let mut a = alice
        .create_outbound_session(&bob.curve25519_key(), &otk, &mut rng)
        .unwrap();
    let OlmMessage::PreKey(m) = a.encrypt(b"hi", &mut rng) else {
        panic!()
    };
    let b = bob.create_inbound_session(None, &m).unwrap().session;
    (a, b)
}

// spec/pickle.md PICKLE-LIBOLM-1, PICKLE-LIBOLM-2: the envelope and the order of refusals.
#[test]
fn envelope_round_trip_and_refusals() {
    let sealed = seal(b"body", b"");
    assert_eq!(open(&sealed, b"").unwrap().as_slice(), b"body");
    assert_eq!(open(&sealed, b"x"), Err(PickleError::InvalidMac));
    assert_eq!(open("AAAA", b""), Err(PickleError::InvalidLength));
    assert_eq!(open("A", b""), Err(PickleError::InvalidBase64));
    assert_eq!(open("!!!!", b""), Err(PickleError::InvalidBase64));
    let long = "A".repeat(MAX_PICKLE_LENGTH + 4);
    assert!(matches!(open(&long, b""), Err(PickleError::TooLong { .. })));
    // 17 bytes of ciphertext: not whole blocks, refused before the MAC.
    let odd = base64::encode(&[0u8; 17 + MAC_LENGTH]);
    assert_eq!(open(&odd, b""), Err(PickleError::InvalidLength));
}

#[test]
fn every_bit_flip_and_truncation_is_a_typed_error() {
    let pickle = account().to_libolm_pickle(KEY).unwrap();
    let raw = base64::decode(&pickle).unwrap();
    for i in 0..raw.len() {
        let mut bad = raw.clone();
        bad[i] ^= 0x10;
        assert_eq!(
            Account::from_libolm_pickle(&base64::encode(&bad), KEY).err(),
            Some(PickleError::InvalidMac),
            "byte {i}"
        );
    }
    for len in 0..raw.len() {
        assert!(Account::from_libolm_pickle(&base64::encode(&raw[..len]), KEY).is_err());
    }
}

// spec/pickle.md PICKLE-LIBOLM-GROUP-1, PICKLE-LIBOLM-PK-1, PICKLE-CODEC-1: every body of
// every object type, cut or extended, is refused.
#[test]
fn every_truncated_or_extended_body_is_refused() {
    let (a, b) = sessions();
    let mut rng = Counter(3);
    let group = GroupSession::new_with_rng(&mut rng);
    let inbound = InboundGroupSession::new(&group.session_key()).unwrap();
    let pk = PkDecryption::new_with_rng(&mut rng);
    let bodies = [
        body(&account().to_libolm_pickle(KEY).unwrap()),
        body(&a.to_libolm_pickle(KEY).unwrap()),
        body(&b.to_libolm_pickle(KEY).unwrap()),
        body(&group.to_libolm_pickle(KEY)),
        body(&inbound.to_libolm_pickle(KEY)),
        body(&pk.to_libolm_pickle(KEY)),
    ];
    type Loader = fn(&str) -> Result<(), PickleError>;
    let loaders: [Loader; 6] = [
        |p| Account::from_libolm_pickle(p, KEY).map(|_| ()),
        |p| Session::from_libolm_pickle(p, KEY).map(|_| ()),
        |p| Session::from_libolm_pickle(p, KEY).map(|_| ()),
        |p| GroupSession::from_libolm_pickle(p, KEY).map(|_| ()),
        |p| InboundGroupSession::from_libolm_pickle(p, KEY).map(|_| ()),
        |p| PkDecryption::from_libolm_pickle(p, KEY).map(|_| ()),
    ];
    for (body, load) in bodies.iter().zip(loaders) {
        assert_eq!(load(&seal(body, KEY)), Ok(()));
        for len in 0..body.len() {
            let got = load(&seal(&body[..len], KEY));
            assert!(
                matches!(
                    got,
                    Err(PickleError::Truncated | PickleError::UnknownVersion { .. })
                ),
                "length {len}: {got:?}"
            );
        }
        let mut longer = body.clone();
        longer.push(0);
        assert_eq!(load(&seal(&longer, KEY)), Err(PickleError::ExtraData));
        let mut version = body.clone();
        version[..4].copy_from_slice(&9u32.to_be_bytes());
        assert_eq!(
            load(&seal(&version, KEY)),
            Err(PickleError::UnknownVersion { found: 9 })
        );
    }
}

// spec/pickle.md PICKLE-LIBOLM-ACCOUNT-1, PICKLE-LIBOLM-ACCOUNT-2: versions 1 to 4, limits,
// key mismatches.
#[test]
fn account_versions_and_strictness() {
    let account = account();
    let v4 = body(&account.to_libolm_pickle(KEY).unwrap());
    // v4: … | u32 n | n × 69 | u8 2 | 2 × 69 | u32 last id
    let otk_end = 4 + 96 + 64 + 4 + 3 * 69;
    let (head, tail) = v4.split_at(otk_end);
    assert_eq!(tail[0], 2);
    let fallback = &tail[1..1 + 2 * 69];
    let last_id = &tail[1 + 2 * 69..];

    let mut v1 = v4.clone();
    v1[..4].copy_from_slice(&1u32.to_be_bytes());
    assert_eq!(
        Account::from_libolm_pickle(&seal(&v1, KEY), KEY).err(),
        Some(PickleError::LegacyAccount)
    );

    // v2: no fallback section.
    let mut v2 = head.to_vec();
    v2[..4].copy_from_slice(&2u32.to_be_bytes());
    v2.extend_from_slice(last_id);
    let loaded = Account::from_libolm_pickle(&seal(&v2, KEY), KEY).unwrap();
    assert_eq!(loaded.one_time_keys.keys.len(), 3);
    assert!(loaded.fallback_keys.current.is_none());
    assert_eq!(loaded.identity_keys(), account.identity_keys());

    // v3: always two records; the current key is unpublished here, so libolm infers none.
    let mut v3 = head.to_vec();
    v3[..4].copy_from_slice(&3u32.to_be_bytes());
    v3.extend_from_slice(fallback);
    v3.extend_from_slice(last_id);
    let loaded = Account::from_libolm_pickle(&seal(&v3, KEY), KEY).unwrap();
    assert!(loaded.fallback_keys.current.is_none());
    // With both published, both are kept.
    let mut published = v3.clone();
    published[otk_end + 4] = 1;
    let loaded = Account::from_libolm_pickle(&seal(&published, KEY), KEY).unwrap();
    assert!(loaded.fallback_keys.current.is_some() && loaded.fallback_keys.previous.is_some());
    // … and re-pickles as v4 with both keys.
    let repickled = body(&loaded.to_libolm_pickle(KEY).unwrap());
    assert_eq!(repickled[..4], 4u32.to_be_bytes());

    // Three fallback keys: refused (libolm: CORRUPTED_PICKLE).
    let mut three = v4.clone();
    three[otk_end] = 3;
    assert_eq!(
        Account::from_libolm_pickle(&seal(&three, KEY), KEY).err(),
        Some(PickleError::TooManyItems { got: 3, max: 2 })
    );
    // 101 one-time keys announced: refused, not written over the last slot.
    let mut many = v4.clone();
    many[otk_end - 3 * 69 - 4..otk_end - 3 * 69].copy_from_slice(&101u32.to_be_bytes());
    assert_eq!(
        Account::from_libolm_pickle(&seal(&many, KEY), KEY).err(),
        Some(PickleError::TooManyItems { got: 101, max: 100 })
    );
    // A published flag of 2.
    let mut flag = v4.clone();
    flag[4 + 96 + 64 + 4 + 4] = 2;
    assert_eq!(
        Account::from_libolm_pickle(&seal(&flag, KEY), KEY).err(),
        Some(PickleError::InvalidField)
    );
    // A public key that does not match its private key (identity, Ed25519, first and last
    // one-time key, fallback key: the last three are checked together, in one batch).
    for at in [
        4,
        4 + 96,
        4 + 96 + 64 + 4 + 5,
        otk_end - 69 + 5,
        otk_end + 1 + 5,
    ] {
        let mut mismatch = v4.clone();
        mismatch[at] ^= 1;
        assert_eq!(
            Account::from_libolm_pickle(&seal(&mismatch, KEY), KEY).err(),
            Some(PickleError::InvalidField),
            "offset {at}"
        );
    }
}

// spec/pickle.md PICKLE-LIBOLM-SESSION-1, PICKLE-LIBOLM-SESSION-2.
#[test]
fn session_versions_and_strictness() {
    let (a, b) = sessions();
    let alice = body(&a.to_libolm_pickle(KEY).unwrap());
    // The logging branch's version carries one more u32, ignored.
    let mut logging = alice.clone();
    logging[..4].copy_from_slice(&0x8000_0001u32.to_be_bytes());
    logging.extend_from_slice(&[0, 0, 0, 7]);
    let loaded = Session::from_libolm_pickle(&seal(&logging, KEY), KEY).unwrap();
    assert_eq!(
        loaded.to_libolm_pickle(KEY).unwrap(),
        a.to_libolm_pickle(KEY).unwrap()
    );

    // Bob has no sender chain and one receiver chain; without the receiver chain the session
    // could not send: refused.
    let bob = body(&b.to_libolm_pickle(KEY).unwrap());
    let fixed = 4 + 1 + 96 + 32;
    assert_eq!(bob[fixed..fixed + 4], 0u32.to_be_bytes());
    assert_eq!(bob[fixed + 4..fixed + 8], 1u32.to_be_bytes());
    let mut chainless = bob[..fixed + 4].to_vec();
    chainless.extend_from_slice(&[0; 8]);
    assert_eq!(
        Session::from_libolm_pickle(&seal(&chainless, KEY), KEY).err(),
        Some(PickleError::InvalidSession)
    );
    // Two sender chains, six receiver chains, 41 skipped keys: refused.
    let mut two = alice.clone();
    two[fixed..fixed + 4].copy_from_slice(&2u32.to_be_bytes());
    assert_eq!(
        Session::from_libolm_pickle(&seal(&two, KEY), KEY).err(),
        Some(PickleError::TooManyItems { got: 2, max: 1 })
    );
    let mut six = bob.clone();
    six[fixed + 4..fixed + 8].copy_from_slice(&6u32.to_be_bytes());
    assert_eq!(
        Session::from_libolm_pickle(&seal(&six, KEY), KEY).err(),
        Some(PickleError::TooManyItems { got: 6, max: 5 })
    );
    let mut skipped = bob.clone();
    let n = skipped.len();
    skipped[n - 4..].copy_from_slice(&41u32.to_be_bytes());
    assert_eq!(
        Session::from_libolm_pickle(&seal(&skipped, KEY), KEY).err(),
        Some(PickleError::TooManyItems { got: 41, max: 40 })
    );
}

// spec/pickle.md PICKLE-LIBOLM-INBOUND-1.
#[test]
fn inbound_group_session_v1_counts_as_verified_and_loads_as_imported() {
    let mut rng = Counter(4);
    let group = GroupSession::new_with_rng(&mut rng);
    let inbound = InboundGroupSession::new(&group.session_key()).unwrap();
    assert_eq!(inbound.origin(), SessionOrigin::SignedSessionKey);
    let v2 = body(&inbound.to_libolm_pickle(KEY));
    assert_eq!(v2.len(), 301);
    let mut v1 = v2[..300].to_vec();
    v1[..4].copy_from_slice(&1u32.to_be_bytes());
    let loaded = InboundGroupSession::from_libolm_pickle(&seal(&v1, KEY), KEY).unwrap();
    assert!(loaded.libolm_is_verified());
    assert_eq!(loaded.origin(), SessionOrigin::Imported);
    assert_eq!(loaded.session_id(), inbound.session_id());
    // An Ed25519 key that is not a curve point: refused.
    let mut bad = v2.clone();
    bad[268..300].copy_from_slice(&[0xff; 32]);
    assert_eq!(
        InboundGroupSession::from_libolm_pickle(&seal(&bad, KEY), KEY).err(),
        Some(PickleError::InvalidField)
    );
}

// spec/pickle.md PICKLE-LIBOLM-GROUP-1, PICKLE-LIBOLM-SESSION-1: the Megolm signing pair and
// the sender chain's ratchet pair are taken as stored (no scalar multiplication on load). A
// mismatched Megolm pair (another session's public key) loads and fails closed: its session
// key does not verify. A public key that is not a point is still refused.
#[test]
fn session_and_group_session_key_pairs_are_taken_as_stored() {
    let mut rng = Counter(7);
    let a = GroupSession::new_with_rng(&mut rng);
    let b = GroupSession::new_with_rng(&mut rng);
    let mut body_a = body(&a.to_libolm_pickle(KEY));
    let body_b = body(&b.to_libolm_pickle(KEY));
    body_a[136..168].copy_from_slice(&body_b[136..168]);
    let loaded = GroupSession::from_libolm_pickle(&seal(&body_a, KEY), KEY).unwrap();
    assert_eq!(loaded.signing_key(), b.signing_key());
    assert!(InboundGroupSession::new(&loaded.session_key()).is_err());
    body_a[136..168].copy_from_slice(&[0xff; 32]);
    assert_eq!(
        GroupSession::from_libolm_pickle(&seal(&body_a, KEY), KEY).err(),
        Some(PickleError::InvalidField)
    );

    // Alice's sender chain: u32 version | bool | 3 × 32 | root 32 | u32 1 | public 32 | ...
    let (alice, _) = sessions();
    let other = {
        let mut rng = Counter(9);
        let x = Account::new_with_rng(&mut rng);
        let mut y = Account::new_with_rng(&mut rng);
        y.generate_one_time_keys(1, &mut rng);
        let (_, otk) = y.one_time_keys()[0];
        x.create_outbound_session(&y.curve25519_key(), &otk, &mut rng)
            .unwrap()
    };
    let at = 4 + 1 + 96 + 32 + 4;
    let mut mixed = body(&alice.to_libolm_pickle(KEY).unwrap());
    let theirs = body(&other.to_libolm_pickle(KEY).unwrap());
    mixed[at..at + 32].copy_from_slice(&theirs[at..at + 32]);
    let loaded = Session::from_libolm_pickle(&seal(&mixed, KEY), KEY).unwrap();
    assert_eq!(
        body(&loaded.to_libolm_pickle(KEY).unwrap()),
        mixed,
        "the stored pair is kept as it was"
    );
}

#[test]
fn loaded_objects_keep_working() {
    let account = account();
    let loaded = Account::from_libolm_pickle(&account.to_libolm_pickle(b"").unwrap(), b"").unwrap();
    assert_eq!(
        loaded.sign(b"m").to_base64(),
        account.sign(b"m").to_base64()
    );
    let mut rng = Counter(5);
    let group = GroupSession::new_with_rng(&mut rng);
    let mut loaded = GroupSession::from_libolm_pickle(&group.to_libolm_pickle(KEY), KEY).unwrap();
    let mut original = group.clone();
    assert_eq!(
        loaded.encrypt(b"x").to_base64(),
        original.encrypt(b"x").to_base64()
    );
    let _: String = loaded.session_id();
}
