//! The objects the pickle benches time and `tests/sizes.rs` measures, each in the same state
//! in protee and in vodozemac (vodozemac's are imported from protee's libolm pickles, so both
//! hold exactly the same keys). Used by `benches/pickle.rs` and `tests/sizes.rs` through
//! `#[path]`; both have `common` (tests/common) at their root.

use protee::megolm::{GroupSession, InboundGroupSession};
use protee::olm::{Account, OlmMessage, Session};

use crate::common::TestRng;

/// The pickle key of every pickle made here.
pub const KEY: [u8; 32] = [0x42; 32];

mod vz {
    pub use vodozemac::megolm::{GroupSession, InboundGroupSession};
    pub use vodozemac::olm::{Account, Session};
}

/// A protee account with 50 one-time keys and a fallback key, and the same account in
/// vodozemac.
pub fn accounts() -> (Account, vz::Account, String) {
    let mut rng = TestRng::new(1);
    let mut account = Account::new_with_rng(&mut rng);
    account.generate_one_time_keys(50, &mut rng);
    account.generate_fallback_key(&mut rng);
    let libolm = account.to_libolm_pickle(&KEY).unwrap();
    let theirs = vz::Account::from_libolm_pickle(&libolm, &KEY).unwrap();
    assert_eq!(
        theirs.curve25519_key().to_base64(),
        account.curve25519_key().to_base64()
    );
    (account, theirs, libolm)
}

/// Bob's side of a conversation: he answered Alice's first message, received the last of a
/// burst of four (three skipped message keys, two receiver chains) and sent twice more (a
/// sender chain).
pub fn sessions() -> (Session, vz::Session) {
    let mut rng = TestRng::new(2);
    let alice = Account::new_with_rng(&mut rng);
    let mut bob = Account::new_with_rng(&mut rng);
    bob.generate_one_time_keys(1, &mut rng);
    let otk = bob.one_time_keys()[0].1;
    let mut a = alice
        .create_outbound_session(&bob.curve25519_key(), &otk, &mut rng)
        .unwrap();
    let OlmMessage::PreKey(first) = a.encrypt(b"hi", &mut rng) else {
        unreachable!("the first message is a pre-key message")
    };
    let mut b = bob.create_inbound_session(None, &first).unwrap().session;
    a.decrypt(&b.encrypt(b"hello", &mut rng)).unwrap();
    let mut last = None;
    for _ in 0..4 {
        last = Some(a.encrypt(b"burst", &mut rng));
    }
    b.decrypt(&last.unwrap()).unwrap();
    a.decrypt(&b.encrypt(b"reply", &mut rng)).unwrap();
    b.encrypt(b"one more", &mut rng);
    let theirs = vz::Session::from_libolm_pickle(&b.to_libolm_pickle(&KEY).unwrap(), &KEY).unwrap();
    assert_eq!(theirs.session_id(), b.session_id());
    (b, theirs)
}

pub fn megolm_sessions() -> (
    GroupSession,
    vz::GroupSession,
    InboundGroupSession,
    vz::InboundGroupSession,
) {
    let mut rng = TestRng::new(3);
    let outbound = GroupSession::new_with_rng(&mut rng);
    let inbound = InboundGroupSession::new(&outbound.session_key()).unwrap();
    let their_outbound =
        vz::GroupSession::from_libolm_pickle(&outbound.to_libolm_pickle(&KEY), &KEY).unwrap();
    let their_inbound =
        vz::InboundGroupSession::from_libolm_pickle(&inbound.to_libolm_pickle(&KEY), &KEY).unwrap();
    assert_eq!(their_outbound.session_id(), outbound.session_id());
    (outbound, their_outbound, inbound, their_inbound)
}
