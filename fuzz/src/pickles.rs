//! The pickle targets' shared logic, one function per format; each object kind supplies its
//! loader, writer and a short exercise of the loaded object.
//!
//! Input layout (first byte = mode):
//! - even mode: the rest is a pickle string, loaded under a fixed key (the vectors' key, or
//!   the empty key): base64, length, MAC and padding checks.
//! - odd mode: libolm: `key length (mod 40) | key | body`; native: `header choice | nonce (24) |
//!   body`. The target seals the body itself, so the fuzzer reaches the body parser past the
//!   MAC. An accepted body must re-pickle to exactly the sealed string (when it has the version
//!   protee writes) and load again; and a libolm-loaded object must survive a native round
//!   trip unchanged.

use protee::PickleError;

use crate::envelope::{self, NativeObject};
use crate::fixtures::{NATIVE_KEY, PICKLE_KEY};
use crate::rng::{FixedRng, SeedRng};
use crate::{take, take_byte};

/// How to load, write and use one kind of object.
pub struct Kind<T> {
    pub load: fn(&str, &[u8]) -> Result<T, PickleError>,
    pub store: fn(&T, &[u8]) -> String,
    /// The libolm body version protee writes back: a body with another version re-pickles
    /// differently (and must then be stable from there on).
    pub written_version: u32,
    pub native_load: fn(&str, &[u8; 32]) -> Result<T, PickleError>,
    pub native_store: fn(&T, &[u8; 32], &mut FixedRng) -> String,
    pub native_object: NativeObject,
    /// Uses the loaded object a little (encrypt, sign, ...); panics on a wrong result.
    pub exercise: fn(&mut T, &mut SeedRng),
}

fn body_version(body: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(body.get(..4)?.try_into().ok()?))
}

fn libolm_loaded<T>(kind: &Kind<T>, mut object: T, pickle: &str, key: &[u8], body: &[u8]) {
    let repickled = (kind.store)(&object, key);
    if body_version(body) == Some(kind.written_version) {
        assert_eq!(
            repickled, pickle,
            "an accepted libolm pickle does not re-pickle to itself"
        );
    }
    let again = (kind.load)(&repickled, key).expect("protee's own libolm pickle loads");
    assert_eq!(
        (kind.store)(&again, key),
        repickled,
        "libolm pickling is not stable"
    );
    // The native format keeps everything libolm's does.
    let nonce = [0x5a; 24];
    let native = (kind.native_store)(&object, &NATIVE_KEY, &mut FixedRng(nonce.to_vec()));
    let from_native = (kind.native_load)(&native, &NATIVE_KEY).expect("own native pickle loads");
    assert_eq!(
        (kind.store)(&from_native, key),
        repickled,
        "native round trip lost state"
    );
    (kind.exercise)(&mut object, &mut SeedRng::new(body));
}

/// A libolm pickle target (see the module docs for the input layout).
pub fn libolm<T>(kind: &Kind<T>, data: &[u8]) {
    let mut data = data;
    let mode = take_byte(&mut data);
    if mode.is_multiple_of(2) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let key: &[u8] = if mode.is_multiple_of(4) {
            PICKLE_KEY
        } else {
            b""
        };
        match (kind.load)(text, key) {
            Ok(object) => {
                let body = envelope::libolm_open(text, key).expect("protee opened it");
                libolm_loaded(kind, object, text, key, &body);
            }
            Err(e) => {
                let _ = format!("{e} {e:?}");
            }
        }
        return;
    }
    let key_length = usize::from(take_byte(&mut data) % 40);
    let key = take(&mut data, key_length).to_vec();
    let body = data;
    let pickle = envelope::libolm_seal(body, &key);
    match (kind.load)(&pickle, &key) {
        Ok(object) => libolm_loaded(kind, object, &pickle, &key, body),
        Err(e) => {
            let _ = format!("{e} {e:?}");
            assert_ne!(
                e,
                PickleError::InvalidMac,
                "a correctly sealed pickle failed its MAC"
            );
            assert_ne!(e, PickleError::InvalidBase64);
        }
    }
}

/// A native pickle target (see the module docs for the input layout).
pub fn native<T>(kind: &Kind<T>, data: &[u8]) {
    let mut data = data;
    let mode = take_byte(&mut data);
    if mode.is_multiple_of(2) {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        if let Ok(object) = (kind.native_load)(text, &NATIVE_KEY) {
            let (_, nonce, _) = envelope::native_open(text, &NATIVE_KEY).expect("protee opened it");
            let again = (kind.native_store)(&object, &NATIVE_KEY, &mut FixedRng(nonce.to_vec()));
            assert_eq!(
                again, text,
                "an accepted native pickle does not re-pickle to itself"
            );
        }
        return;
    }
    // Mostly the right header; sometimes another version or object type under a valid tag.
    let header = match mode >> 1 {
        0..=100 => [envelope::NATIVE_VERSION, kind.native_object as u8],
        other => [other % 3, (other >> 2) % 7],
    };
    let mut nonce = [0u8; 24];
    let given = take(&mut data, 24);
    nonce[..given.len()].copy_from_slice(given);
    let body = data;
    let pickle = envelope::native_seal_raw(header, body, &NATIVE_KEY, &nonce);
    match (kind.native_load)(&pickle, &NATIVE_KEY) {
        Ok(mut object) => {
            assert_eq!(header, [envelope::NATIVE_VERSION, kind.native_object as u8]);
            let again = (kind.native_store)(&object, &NATIVE_KEY, &mut FixedRng(nonce.to_vec()));
            assert_eq!(
                again, pickle,
                "an accepted native pickle does not re-pickle to itself"
            );
            // And libolm's format takes whatever the native one holds, or says it cannot. The
            // native loader takes stored public keys on trust (spec/pickle.md PICKLE-NATIVE-5:
            // no scalar multiplication; the tag vouches for them), the libolm loader checks
            // them: a body sealed with a public key that does not match its secret loads
            // natively and is then refused, as `InvalidField`, from libolm's format (see
            // fuzz/README.md, "Findings").
            let libolm = (kind.store)(&object, PICKLE_KEY);
            // (When libolm's format cannot express the state, e.g. a previous fallback key
            // without a current one, the key pairs go unchecked: the object is not exercised.)
            let consistent = !libolm.is_empty()
                && match (kind.load)(&libolm, PICKLE_KEY) {
                    Ok(back) => {
                        assert_eq!((kind.store)(&back, PICKLE_KEY), libolm);
                        true
                    }
                    Err(e) => {
                        assert_eq!(e, PickleError::InvalidField, "own libolm pickle refused");
                        false
                    }
                };
            // An object with a mismatched key pair cannot work (its signatures do not verify,
            // messages to its public key do not decrypt): only consistent ones are exercised.
            if consistent {
                (kind.exercise)(&mut object, &mut SeedRng::new(body));
            }
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
            assert_ne!(
                (e, header),
                (
                    PickleError::InvalidMac,
                    [envelope::NATIVE_VERSION, kind.native_object as u8]
                ),
                "a correctly sealed pickle failed its tag"
            );
        }
    }
}

pub mod kinds {
    //! The five object kinds.

    use protee::Ed25519SecretKey;
    use protee::megolm::{GroupSession, InboundGroupSession, MegolmMessage};
    use protee::olm::{Account, Session};
    use protee::pk::{PkDecryption, PkEncryption};

    use super::Kind;
    use crate::envelope::{self, NativeObject};
    use crate::rng::SeedRng;

    /// An object that libolm's format cannot express (`PickleError::Unsupported`) writes as
    /// the empty string.
    fn or_empty(result: Result<String, protee::PickleError>) -> String {
        match result {
            Ok(s) => s,
            Err(protee::PickleError::Unsupported) => String::new(),
            Err(e) => panic!("to_libolm_pickle failed: {e:?}"),
        }
    }

    pub const ACCOUNT: Kind<Account> = Kind {
        load: Account::from_libolm_pickle,
        store: |a, k| or_empty(a.to_libolm_pickle(k)),
        written_version: 4,
        native_load: Account::from_pickle,
        native_store: |a, k, r| a.pickle_with_rng(k, r),
        native_object: NativeObject::Account,
        exercise: |account, _| {
            let signature = account.sign(b"fuzz");
            account
                .ed25519_key()
                .verify(b"fuzz", &signature)
                .expect("own signature verifies");
            let _ = (account.identity_keys_json(), account.one_time_keys_json());
            let _ = (
                account.fallback_key_json(),
                account.unpublished_fallback_key_json(),
            );
            let _ = account.max_number_of_one_time_keys();
            account.mark_keys_as_published();
            assert!(account.one_time_keys().is_empty());
        },
    };

    pub const SESSION: Kind<Session> = Kind {
        load: Session::from_libolm_pickle,
        store: |s, k| or_empty(s.to_libolm_pickle(k)),
        written_version: 1,
        native_load: Session::from_pickle,
        native_store: |s, k, r| s.pickle_with_rng(k, r),
        native_object: NativeObject::Session,
        exercise: |session, rng| {
            let _ = (
                session.session_id(),
                session.session_keys(),
                session.next_message_type(),
            );
            let random = session.encrypt_random_length();
            assert!(random == 0 || random == 32);
            let m = session.encrypt(b"fuzz", rng);
            assert_eq!(m.message_type(), session.next_message_type());
            assert_eq!(session.encrypt_random_length(), 0);
        },
    };

    pub const GROUP_SESSION: Kind<GroupSession> = Kind {
        load: GroupSession::from_libolm_pickle,
        store: |s, k| s.to_libolm_pickle(k),
        written_version: 1,
        native_load: GroupSession::from_pickle,
        native_store: |s, k, r| s.pickle_with_rng(k, r),
        native_object: NativeObject::GroupSession,
        exercise: |session, _| {
            // spec/pickle.md PICKLE-LIBOLM-GROUP-1, PICKLE-NATIVE-4: the Ed25519 pair is taken
            // as stored. A pair that does not match (only a pickle-key holder can write one)
            // must fail closed: its session key does not verify.
            let body = envelope::libolm_open(&session.to_libolm_pickle(b"k"), b"k")
                .expect("own libolm pickle opens");
            let matches = body
                .get(168..232)
                .and_then(|e| <[u8; 64]>::try_from(e).ok())
                .map(|expanded| Ed25519SecretKey::from_expanded(&expanded).public_key())
                == Some(session.signing_key());
            let index = session.message_index();
            let key = session.session_key();
            let Ok(mut inbound) = InboundGroupSession::new(&key) else {
                assert!(!matches, "own session key does not verify");
                return;
            };
            assert!(
                matches,
                "a mismatched key pair made a verifiable session key"
            );
            assert_eq!(inbound.first_known_index(), index);
            let m = session.encrypt(b"fuzz");
            assert_eq!(m.message_index(), index);
            assert_eq!(session.message_index(), index.wrapping_add(1));
            let m = MegolmMessage::from_bytes(m.as_bytes().to_vec()).unwrap();
            let decrypted = inbound.decrypt(&m).expect("own message decrypts");
            assert_eq!(decrypted.plaintext, b"fuzz");
        },
    };

    pub const INBOUND_GROUP_SESSION: Kind<InboundGroupSession> = Kind {
        load: InboundGroupSession::from_libolm_pickle,
        store: |s, k| s.to_libolm_pickle(k),
        written_version: 2,
        native_load: InboundGroupSession::from_pickle,
        native_store: |s, k, r| s.pickle_with_rng(k, r),
        native_object: NativeObject::InboundGroupSession,
        exercise: |session, _| {
            let first = session.first_known_index();
            let export = session.export_at_first_known_index();
            let imported = InboundGroupSession::import(&export).expect("own export imports");
            assert_eq!(imported.first_known_index(), first);
            assert!(session.connected(&imported));
            let _ = session.export_at(first.wrapping_add(3));
        },
    };

    pub const PK: Kind<PkDecryption> = Kind {
        load: PkDecryption::from_libolm_pickle,
        store: |p, k| p.to_libolm_pickle(k),
        written_version: 1,
        native_load: PkDecryption::from_pickle,
        native_store: |p, k, r| p.pickle_with_rng(k, r),
        native_object: NativeObject::PkDecryption,
        exercise: |pk, rng: &mut SeedRng| {
            let Ok(encryption) = PkEncryption::from_key(pk.public_key()) else {
                return;
            };
            let message = encryption.encrypt(b"fuzz", rng);
            assert_eq!(pk.decrypt(&message).expect("own message decrypts"), b"fuzz");
        },
    };
}
