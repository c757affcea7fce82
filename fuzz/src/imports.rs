//! The import targets' shared logic: vodozemac's encrypted JSON pickles
//! (`from_vodozemac_pickle`, feature `vodozemac-migration`) and MSC3814 dehydrated devices
//! (`Account::from_dehydrated_device`), each checked against vodozemac 0.11 itself.
//!
//! vodozemac pickle input (first byte = mode): even: the rest is a pickle string under
//! [`VODOZEMAC_KEY`]; odd: the rest is a JSON body that the target seals in vodozemac's
//! envelope (libolm's, see `envelope`). When protee imports a pickle, vodozemac must load it
//! too (protee is the stricter reader) and both must then behave the same: same keys, same
//! signatures, same session ids, and byte-identical output where neither draws randomness.
//! The imported object must also survive libolm and native pickling unchanged.

use protee::PickleError;
use protee::megolm::{GroupSession, InboundGroupSession};
use protee::olm::{Account, Session};

use crate::envelope;
use crate::fixtures::{NATIVE_KEY, PICKLE_KEY};
use crate::rng::{FixedRng, SeedRng};
use crate::{take, take_byte};

/// The 32-byte pickle key of the vodozemac seeds.
pub const VODOZEMAC_KEY: [u8; 32] = *b"vodozemac pickle key for fuzzing";

/// One kind of vodozemac pickle.
pub struct Kind<P, V> {
    pub import: fn(&str, &[u8; 32]) -> Result<P, PickleError>,
    /// vodozemac loading its own pickle.
    pub vodozemac: fn(&str, &[u8; 32]) -> Option<V>,
    /// Panics if the two objects behave differently.
    pub compare: fn(&mut P, &mut V),
    /// protee's libolm and native round trips of the object (panic on a difference).
    pub round_trip: fn(&P),
}

/// protee ignores the content of vodozemac's diagnostic fields `ratchet_count` and
/// `parent_ratchet_key` (its docs say so); vodozemac parses them. The one place where protee's
/// import is *more* lenient than vodozemac: before comparing, the target gives vodozemac the
/// same JSON with those fields set to values it accepts.
fn normalize_diagnostics(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    "ratchet_count" => *child = serde_json::json!({ "Unknown": null }),
                    "parent_ratchet_key" => *child = serde_json::Value::Null,
                    _ => normalize_diagnostics(child),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(normalize_diagnostics),
        _ => {}
    }
}

/// vodozemac's object from `pickle`, after [`normalize_diagnostics`] if it refuses the original.
fn vodozemac_loads<V>(load: fn(&str, &[u8; 32]) -> Option<V>, pickle: &str) -> Option<V> {
    if let Some(v) = load(pickle, &VODOZEMAC_KEY) {
        return Some(v);
    }
    let json = envelope::libolm_open(pickle, &VODOZEMAC_KEY)?;
    // Not `from_utf8_lossy`: protee must refuse invalid UTF-8 anywhere, ignored fields included
    // (a fixed finding, fuzz/README.md), so a pickle that is not UTF-8 is not normalized.
    let mut value: serde_json::Value = serde_json::from_slice(&json).ok()?;
    normalize_diagnostics(&mut value);
    let normalized = envelope::libolm_seal(&serde_json::to_vec(&value).ok()?, &VODOZEMAC_KEY);
    load(&normalized, &VODOZEMAC_KEY)
}

/// A vodozemac pickle target (see the module docs).
pub fn vodozemac<P, V>(kind: &Kind<P, V>, data: &[u8]) {
    let mut data = data;
    let mode = take_byte(&mut data);
    let pickle = if mode.is_multiple_of(2) {
        match std::str::from_utf8(data) {
            Ok(text) => text.to_owned(),
            Err(_) => return,
        }
    } else {
        envelope::libolm_seal(data, &VODOZEMAC_KEY)
    };
    match (kind.import)(&pickle, &VODOZEMAC_KEY) {
        Ok(mut ours) => {
            (kind.round_trip)(&ours);
            let mut theirs = vodozemac_loads(kind.vodozemac, &pickle)
                .expect("vodozemac refuses a pickle protee imported");
            (kind.compare)(&mut ours, &mut theirs);
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
            if mode % 2 == 1 {
                assert_ne!(
                    e,
                    PickleError::InvalidMac,
                    "a correctly sealed pickle failed its MAC"
                );
            }
        }
    }
}

fn libolm_and_native_account(a: &Account) {
    let pickle = a
        .to_libolm_pickle(PICKLE_KEY)
        .expect("an imported account pickles");
    let back = Account::from_libolm_pickle(&pickle, PICKLE_KEY).expect("and loads");
    assert_eq!(back.to_libolm_pickle(PICKLE_KEY).unwrap(), pickle);
    let native = a.pickle_with_rng(&NATIVE_KEY, &mut FixedRng(vec![1; 24]));
    let back = Account::from_pickle(&native, &NATIVE_KEY).expect("native loads");
    assert_eq!(back.to_libolm_pickle(PICKLE_KEY).unwrap(), pickle);
}

fn curve(key: protee::Curve25519PublicKey) -> vodozemac::Curve25519PublicKey {
    vodozemac::Curve25519PublicKey::from_bytes(key.to_bytes())
}

fn compare_accounts(ours: &mut Account, theirs: &mut vodozemac::olm::Account) {
    assert_eq!(
        ours.curve25519_key().to_bytes(),
        theirs.curve25519_key().to_bytes()
    );
    assert_eq!(
        ours.ed25519_key().as_bytes(),
        theirs.ed25519_key().as_bytes()
    );
    assert_eq!(
        ours.sign(b"fuzz").to_bytes(),
        theirs.sign(b"fuzz").to_bytes(),
        "the same key signs differently"
    );
    // protee keeps the newest 100 one-time keys: each unpublished one is unpublished in
    // vodozemac too, under the same id.
    let their_keys = theirs.one_time_keys();
    for (id, key) in ours.one_time_keys() {
        let their_id = vodozemac::base64_encode(u64::from(id.value()).to_be_bytes());
        let their_key = their_keys
            .iter()
            .find(|(k, _)| k.to_base64() == their_id)
            .map(|(_, k)| *k);
        assert_eq!(their_key, Some(curve(key)), "one-time key {id:?}");
    }
    if their_keys.len() <= ours.max_number_of_one_time_keys() {
        assert_eq!(ours.one_time_keys().len(), their_keys.len());
    }
}

pub const ACCOUNT: Kind<Account, vodozemac::olm::Account> = Kind {
    import: Account::from_vodozemac_pickle,
    vodozemac: |p, k| {
        vodozemac::olm::AccountPickle::from_encrypted(p, k)
            .ok()
            .map(vodozemac::olm::Account::from_pickle)
    },
    compare: compare_accounts,
    round_trip: libolm_and_native_account,
};

pub const SESSION: Kind<Session, vodozemac::olm::Session> = Kind {
    import: Session::from_vodozemac_pickle,
    vodozemac: |p, k| {
        vodozemac::olm::SessionPickle::from_encrypted(p, k)
            .ok()
            .map(vodozemac::olm::Session::from_pickle)
    },
    compare: |ours, theirs| {
        assert_eq!(ours.session_id(), theirs.session_id());
        assert_eq!(ours.has_received_message(), theirs.has_received_message());
        if ours.encrypt_random_length() == 0 {
            // A sender chain: no randomness, so both must write the same bytes.
            let mine = ours.encrypt(b"fuzz", &mut SeedRng::new(b"unused"));
            let (t, bytes) = theirs
                .encrypt(b"fuzz")
                .expect("vodozemac encrypts")
                .to_parts();
            assert_eq!(
                (t, bytes.as_slice()),
                (mine.message_type().as_usize(), mine.as_bytes())
            );
        }
    },
    round_trip: |s| {
        // libolm's format cannot express every state vodozemac can (a pending ratchet against
        // an older chain): then it says so.
        let pickle = match s.to_libolm_pickle(PICKLE_KEY) {
            Ok(p) => p,
            Err(e) => {
                assert_eq!(e, PickleError::Unsupported);
                String::new()
            }
        };
        if !pickle.is_empty() {
            let back = Session::from_libolm_pickle(&pickle, PICKLE_KEY).expect("and loads");
            assert_eq!(back.to_libolm_pickle(PICKLE_KEY).unwrap(), pickle);
        }
        let native = s.pickle_with_rng(&NATIVE_KEY, &mut FixedRng(vec![1; 24]));
        let back = Session::from_pickle(&native, &NATIVE_KEY).expect("native loads");
        let again = back.pickle_with_rng(&NATIVE_KEY, &mut FixedRng(vec![1; 24]));
        assert_eq!(again, native, "native round trip");
    },
};

pub const GROUP_SESSION: Kind<GroupSession, vodozemac::megolm::GroupSession> = Kind {
    import: GroupSession::from_vodozemac_pickle,
    vodozemac: |p, k| {
        vodozemac::megolm::GroupSessionPickle::from_encrypted(p, k)
            .ok()
            .map(vodozemac::megolm::GroupSession::from_pickle)
    },
    compare: |ours, theirs| {
        assert_eq!(ours.session_id(), theirs.session_id());
        assert_eq!(ours.message_index(), theirs.message_index());
        assert_eq!(
            ours.session_key().to_base64(),
            theirs.session_key().to_base64()
        );
        let mine = ours.encrypt(b"fuzz");
        assert_eq!(
            mine.as_bytes(),
            theirs.encrypt(b"fuzz").to_bytes().as_slice()
        );
    },
    round_trip: |s| {
        let pickle = s.to_libolm_pickle(PICKLE_KEY);
        let back = GroupSession::from_libolm_pickle(&pickle, PICKLE_KEY).expect("and loads");
        assert_eq!(back.to_libolm_pickle(PICKLE_KEY), pickle);
        let native = s.pickle_with_rng(&NATIVE_KEY, &mut FixedRng(vec![1; 24]));
        let back = GroupSession::from_pickle(&native, &NATIVE_KEY).expect("native loads");
        assert_eq!(back.to_libolm_pickle(PICKLE_KEY), pickle);
    },
};

pub const INBOUND_GROUP_SESSION: Kind<InboundGroupSession, vodozemac::megolm::InboundGroupSession> =
    Kind {
        import: InboundGroupSession::from_vodozemac_pickle,
        vodozemac: |p, k| {
            vodozemac::megolm::InboundGroupSessionPickle::from_encrypted(p, k)
                .ok()
                .map(vodozemac::megolm::InboundGroupSession::from_pickle)
        },
        compare: |ours, theirs| {
            assert_eq!(ours.session_id(), theirs.session_id());
            assert_eq!(ours.first_known_index(), theirs.first_known_index());
            assert_eq!(
                ours.export_at_first_known_index().to_base64(),
                theirs.export_at_first_known_index().to_base64()
            );
        },
        round_trip: |s| {
            let pickle = s.to_libolm_pickle(PICKLE_KEY);
            let back = InboundGroupSession::from_libolm_pickle(&pickle, PICKLE_KEY).unwrap();
            assert_eq!(back.to_libolm_pickle(PICKLE_KEY), pickle);
            let native = s.pickle_with_rng(&NATIVE_KEY, &mut FixedRng(vec![1; 24]));
            let back = InboundGroupSession::from_pickle(&native, &NATIVE_KEY).unwrap();
            assert_eq!(back.to_libolm_pickle(PICKLE_KEY), pickle);
            assert_eq!(back.origin(), s.origin());
        },
    };

/// The 32-byte key of the dehydrated-device seeds.
pub const DEHYDRATION_KEY: [u8; 32] = *b"dehydrated device key for fuzzer";

/// The dehydrated-device target. Input (first byte = mode): even: "ciphertext|nonce" text
/// under [`DEHYDRATION_KEY`]; odd: a 12-byte nonce, then the plaintext body, which the target
/// seals itself. An accepted device re-dehydrates (same nonce) to exactly its input, vodozemac
/// rehydrates it to the same keys, and the account survives libolm and native pickling.
pub fn dehydrated(data: &[u8]) {
    let mut data = data;
    let mode = take_byte(&mut data);
    let (ciphertext, nonce) = if mode.is_multiple_of(2) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let Some((c, n)) = text.split_once('|') else {
            return;
        };
        (c.to_owned(), n.to_owned())
    } else {
        let mut nonce = [0u8; 12];
        let given = take(&mut data, 12);
        nonce[..given.len()].copy_from_slice(given);
        envelope::dehydrated_seal(data, &DEHYDRATION_KEY, &nonce)
    };
    let ours = match Account::from_dehydrated_device(&ciphertext, &nonce, &DEHYDRATION_KEY) {
        Ok(account) => account,
        Err(e) => {
            let _ = format!("{e} {e:?}");
            return;
        }
    };
    let nonce_bytes = protee::types::base64::decode(&nonce).unwrap();
    let again = ours
        .to_dehydrated_device(&DEHYDRATION_KEY, &mut FixedRng(nonce_bytes))
        .expect("a rehydrated account has a seed");
    assert_eq!(
        (again.ciphertext.as_str(), again.nonce.as_str()),
        (ciphertext.as_str(), nonce.as_str()),
        "an accepted dehydrated device does not re-dehydrate to itself"
    );
    libolm_and_native_account(&ours);
    let theirs =
        vodozemac::olm::Account::from_dehydrated_device(&ciphertext, &nonce, &DEHYDRATION_KEY)
            .expect("vodozemac refuses a dehydrated device protee accepted");
    assert_eq!(
        ours.curve25519_key().to_bytes(),
        theirs.curve25519_key().to_bytes()
    );
    assert_eq!(
        ours.ed25519_key().as_bytes(),
        theirs.ed25519_key().as_bytes()
    );
    assert_eq!(
        ours.sign(b"fuzz").to_bytes(),
        theirs.sign(b"fuzz").to_bytes()
    );
    // Every key is published after rehydration, in both.
    assert!(ours.one_time_keys().is_empty());
    assert!(theirs.one_time_keys().is_empty());
    assert_eq!(ours.unpublished_fallback_key(), None);
}
