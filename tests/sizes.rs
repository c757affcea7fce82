//! Sizes, protee against vodozemac: the length of each object's encrypted pickle (each
//! library's own format, and libolm's, which both write byte for byte) and the in-memory size
//! of each object (`size_of`, without what it owns on the heap). `bash benches/run.sh` saves
//! the tables this test prints into benches/sizes.md for the report.
//!
//! The objects are in the same state in both libraries (vodozemac's are loaded from protee's
//! libolm pickles): an account with 50 one-time keys and a fallback key; a session with two
//! receiver chains, three skipped message keys and a sender chain; a fresh outbound group
//! session and its inbound session.

mod common;
use common::TestRng;

use protee::megolm::{GroupSession, InboundGroupSession};
use protee::olm::{Account, OlmMessage, Session};

mod vz {
    pub use vodozemac::megolm::{GroupSession, InboundGroupSession};
    pub use vodozemac::olm::{Account, Session};
}

const KEY: [u8; 32] = [0x42; 32];

/// One row: object, protee's pickle length, vodozemac's pickle length, libolm-format length.
fn pickle_rows() -> Vec<(&'static str, usize, usize, usize)> {
    let mut rng = TestRng::new(11);
    let mut rows = Vec::new();

    let mut account = Account::new_with_rng(&mut rng);
    account.generate_one_time_keys(50, &mut rng);
    account.generate_fallback_key(&mut rng);
    let libolm = account.to_libolm_pickle(&KEY).unwrap();
    let theirs = vz::Account::from_libolm_pickle(&libolm, &KEY).unwrap();
    assert_eq!(theirs.to_libolm_pickle(&KEY).unwrap().len(), libolm.len());
    rows.push((
        "account, 50 one-time keys + fallback key",
        account.pickle(&KEY).unwrap().len(),
        theirs.pickle().encrypt(&KEY).len(),
        libolm.len(),
    ));

    let alice = Account::new_with_rng(&mut rng);
    let mut bob = Account::new_with_rng(&mut rng);
    bob.generate_one_time_keys(1, &mut rng);
    let otk = bob.one_time_keys()[0].1;
    let mut a = alice
        .create_outbound_session(&bob.curve25519_key(), &otk, &mut rng)
        .unwrap();
    let OlmMessage::PreKey(first) = a.encrypt(b"hi", &mut rng) else {
        panic!("the first message is a pre-key message")
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
    let libolm = b.to_libolm_pickle(&KEY).unwrap();
    let theirs = vz::Session::from_libolm_pickle(&libolm, &KEY).unwrap();
    assert_eq!(theirs.session_id(), b.session_id());
    rows.push((
        "session, 2 receiver chains + 3 skipped keys",
        b.pickle(&KEY).unwrap().len(),
        theirs.pickle().encrypt(&KEY).len(),
        libolm.len(),
    ));

    let outbound = GroupSession::new_with_rng(&mut rng);
    let libolm = outbound.to_libolm_pickle(&KEY);
    let theirs = vz::GroupSession::from_libolm_pickle(&libolm, &KEY).unwrap();
    assert_eq!(theirs.session_id(), outbound.session_id());
    rows.push((
        "outbound group session",
        outbound.pickle(&KEY).unwrap().len(),
        theirs.pickle().encrypt(&KEY).len(),
        libolm.len(),
    ));

    let inbound = InboundGroupSession::new(&outbound.session_key()).unwrap();
    let libolm = inbound.to_libolm_pickle(&KEY);
    let theirs = vz::InboundGroupSession::from_libolm_pickle(&libolm, &KEY).unwrap();
    assert_eq!(theirs.session_id(), inbound.session_id());
    rows.push((
        "inbound group session",
        inbound.pickle(&KEY).unwrap().len(),
        theirs.pickle().encrypt(&KEY).len(),
        libolm.len(),
    ));
    rows
}

#[test]
fn pickle_size_table() {
    let rows = pickle_rows();
    println!(
        "| object | protee pickle (bytes) | vodozemac pickle (bytes) | libolm-format pickle (bytes, both) |"
    );
    println!("|---|---:|---:|---:|");
    for (name, ours, theirs, libolm) in &rows {
        println!("| {name} | {ours} | {theirs} | {libolm} |");
    }
    println!();
    // The brief's bar: protee's own pickles are smaller than vodozemac's, object by object.
    for (name, ours, theirs, _) in &rows {
        assert!(ours < theirs, "{name}: protee {ours} vs vodozemac {theirs}");
    }
}

#[test]
fn object_size_table() {
    use std::mem::size_of;
    let rows = [
        ("Account", size_of::<Account>(), size_of::<vz::Account>()),
        ("Session", size_of::<Session>(), size_of::<vz::Session>()),
        (
            "GroupSession",
            size_of::<GroupSession>(),
            size_of::<vz::GroupSession>(),
        ),
        (
            "InboundGroupSession",
            size_of::<InboundGroupSession>(),
            size_of::<vz::InboundGroupSession>(),
        ),
    ];
    println!("| object | protee size_of (bytes) | vodozemac size_of (bytes) |");
    println!("|---|---:|---:|");
    for (name, ours, theirs) in rows {
        println!("| {name} | {ours} | {theirs} |");
    }
    println!();
    // Objects are moved by value (into a map, out of a pickle): none may be made huge by an
    // inline buffer.
    for (name, ours, _) in rows {
        assert!(ours <= 4096, "{name}: {ours} bytes");
    }
}
