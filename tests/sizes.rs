//! Sizes, protee against vodozemac: the length of each object's encrypted pickle (each
//! library's own format, and libolm's, which both write byte for byte) and the in-memory size
//! of each object (`size_of`, without what it owns on the heap). `bash benches/run.sh` saves
//! the tables this test prints into benches/sizes.md for the report.
//!
//! The objects are the pickle benches' (benches/common/states.rs), in the same state in both
//! libraries: an account with 50 one-time keys and a fallback key; a session with two
//! receiver chains, three skipped message keys and a sender chain; a fresh outbound group
//! session and its inbound session.

#[path = "../benches/common/states.rs"]
mod states;

mod common;

use protee::megolm::{GroupSession, InboundGroupSession};
use protee::olm::{Account, Session};
use states::{KEY, accounts, megolm_sessions, sessions};

mod vz {
    pub use vodozemac::megolm::{GroupSession, InboundGroupSession};
    pub use vodozemac::olm::{Account, Session};
}

/// One row: object, protee's pickle length, vodozemac's pickle length, libolm-format length.
fn pickle_rows() -> Vec<(&'static str, usize, usize, usize)> {
    let (account, theirs, libolm) = accounts();
    assert_eq!(theirs.to_libolm_pickle(&KEY).unwrap().len(), libolm.len());
    let (session, their_session) = sessions();
    let (outbound, their_outbound, inbound, their_inbound) = megolm_sessions();
    vec![
        (
            "account, 50 one-time keys + fallback key",
            account.pickle(&KEY).unwrap().len(),
            theirs.pickle().encrypt(&KEY).len(),
            libolm.len(),
        ),
        (
            "session, 2 receiver chains + 3 skipped keys",
            session.pickle(&KEY).unwrap().len(),
            their_session.pickle().encrypt(&KEY).len(),
            session.to_libolm_pickle(&KEY).unwrap().len(),
        ),
        (
            "outbound group session",
            outbound.pickle(&KEY).unwrap().len(),
            their_outbound.pickle().encrypt(&KEY).len(),
            outbound.to_libolm_pickle(&KEY).len(),
        ),
        (
            "inbound group session",
            inbound.pickle(&KEY).unwrap().len(),
            their_inbound.pickle().encrypt(&KEY).len(),
            inbound.to_libolm_pickle(&KEY).len(),
        ),
    ]
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
