//! Pickles, protee against vodozemac in the same run: each group has the functions `protee`
//! and `vodozemac` working on the same state (vodozemac's objects are imported from protee's
//! libolm pickles, so both hold exactly the same keys).
//!
//! ```sh
//! cargo bench --bench pickle -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! What each group measures:
//! - `pickle_*`: protee's native pickle (`pickle`, nonce from the OS RNG) against vodozemac's
//!   encrypted pickle (`pickle().encrypt(&key)`).
//! - `unpickle_*`: protee's `from_pickle` against vodozemac's `*Pickle::from_encrypted` followed
//!   by `from_pickle`: from the stored string to a usable object.
//! - `libolm_import_*`: `from_libolm_pickle` in both, on the same libolm pickle (every object
//!   type; vodozemac can import all five).
//! - `libolm_export_*`: `to_libolm_pickle`; vodozemac can write libolm's format only for an
//!   account and a PK decryption key, so the other rows have protee alone.
//!
//! Groups with both libraries go through `paired::compare` (criterion measures each library
//! alone; with `BENCH_PAIRED` set they are also measured interleaved, see
//! benches/common/paired.rs).
//!
//! The states: an account with 50 one-time keys and a fallback key; an established Olm session
//! (two receiver chains, a sender chain, three skipped message keys); an outbound Megolm
//! session and an inbound one made from its session key.

#[path = "common/bounds.rs"]
mod bounds;
#[path = "../tests/common/mod.rs"]
mod common;
#[path = "common/paired.rs"]
mod paired;
#[path = "common/states.rs"]
mod states;

use std::hint::black_box;
use std::time::Duration;

use common::TestRng;
use criterion::{Criterion, criterion_group, criterion_main};
use protee::megolm::{GroupSession, InboundGroupSession};
use protee::olm::{Account, Session};
use protee::pk::PkDecryption;
use states::{KEY, accounts, megolm_sessions, sessions};

mod vz {
    pub use vodozemac::megolm::{
        GroupSession, GroupSessionPickle, InboundGroupSession, InboundGroupSessionPickle,
    };
    pub use vodozemac::olm::{Account, AccountPickle, Session, SessionPickle};
    pub use vodozemac::pk_encryption::PkDecryption;
}

/// A group `name` with protee and vodozemac side by side.
fn both(
    c: &mut Criterion,
    name: &str,
    protee: impl FnMut(u64) -> Duration,
    vodozemac: impl FnMut(u64) -> Duration,
) {
    let mut group = c.benchmark_group(name);
    paired::compare(&mut group, name, protee, vodozemac);
    group.finish();
}

fn account(c: &mut Criterion) {
    let (ours, theirs, libolm) = accounts();

    both(
        c,
        "pickle_account_50_otks",
        paired::timed(|| black_box(&ours).pickle(&KEY).unwrap()),
        paired::timed(|| black_box(&theirs).pickle().encrypt(&KEY)),
    );

    let our_pickle = ours.pickle(&KEY).unwrap();
    let their_pickle = theirs.pickle().encrypt(&KEY);
    eprintln!(
        "account, 50 one-time keys: protee native pickle {} characters, vodozemac {}, libolm {}",
        our_pickle.len(),
        their_pickle.len(),
        libolm.len()
    );
    both(
        c,
        "unpickle_account_50_otks",
        paired::timed(|| Account::from_pickle(black_box(&our_pickle), &KEY).unwrap()),
        paired::timed(|| {
            let pickle = vz::AccountPickle::from_encrypted(black_box(&their_pickle), &KEY).unwrap();
            vz::Account::from_pickle(pickle)
        }),
    );

    both(
        c,
        "libolm_import_account_50_otks",
        paired::timed(|| Account::from_libolm_pickle(black_box(&libolm), &KEY).unwrap()),
        paired::timed(|| vz::Account::from_libolm_pickle(black_box(&libolm), &KEY).unwrap()),
    );

    both(
        c,
        "libolm_export_account_50_otks",
        paired::timed(|| black_box(&ours).to_libolm_pickle(&KEY).unwrap()),
        paired::timed(|| black_box(&theirs).to_libolm_pickle(&KEY).unwrap()),
    );
}

fn session(c: &mut Criterion) {
    let (ours, theirs) = sessions();
    both(
        c,
        "pickle_session",
        paired::timed(|| black_box(&ours).pickle(&KEY).unwrap()),
        paired::timed(|| black_box(&theirs).pickle().encrypt(&KEY)),
    );

    let our_pickle = ours.pickle(&KEY).unwrap();
    let their_pickle = theirs.pickle().encrypt(&KEY);
    both(
        c,
        "unpickle_session",
        paired::timed(|| Session::from_pickle(black_box(&our_pickle), &KEY).unwrap()),
        paired::timed(|| {
            let pickle = vz::SessionPickle::from_encrypted(black_box(&their_pickle), &KEY).unwrap();
            vz::Session::from_pickle(pickle)
        }),
    );

    let libolm = ours.to_libolm_pickle(&KEY).unwrap();
    both(
        c,
        "libolm_import_session",
        paired::timed(|| Session::from_libolm_pickle(black_box(&libolm), &KEY).unwrap()),
        paired::timed(|| vz::Session::from_libolm_pickle(black_box(&libolm), &KEY).unwrap()),
    );

    let mut group = c.benchmark_group("libolm_export_session");
    group.bench_function("protee", |b| {
        b.iter(|| black_box(&ours).to_libolm_pickle(&KEY).unwrap())
    });
    group.finish();
}

fn megolm(c: &mut Criterion) {
    let (outbound, their_outbound, inbound, their_inbound) = megolm_sessions();

    both(
        c,
        "pickle_group_session",
        paired::timed(|| black_box(&outbound).pickle(&KEY).unwrap()),
        paired::timed(|| black_box(&their_outbound).pickle().encrypt(&KEY)),
    );

    let our_pickle = outbound.pickle(&KEY).unwrap();
    let their_pickle = their_outbound.pickle().encrypt(&KEY);
    both(
        c,
        "unpickle_group_session",
        paired::timed(|| GroupSession::from_pickle(black_box(&our_pickle), &KEY).unwrap()),
        paired::timed(|| {
            let pickle =
                vz::GroupSessionPickle::from_encrypted(black_box(&their_pickle), &KEY).unwrap();
            vz::GroupSession::from_pickle(pickle)
        }),
    );

    both(
        c,
        "pickle_inbound_group_session",
        paired::timed(|| black_box(&inbound).pickle(&KEY).unwrap()),
        paired::timed(|| black_box(&their_inbound).pickle().encrypt(&KEY)),
    );

    let our_pickle = inbound.pickle(&KEY).unwrap();
    let their_pickle = their_inbound.pickle().encrypt(&KEY);
    both(
        c,
        "unpickle_inbound_group_session",
        paired::timed(|| InboundGroupSession::from_pickle(black_box(&our_pickle), &KEY).unwrap()),
        paired::timed(|| {
            let pickle =
                vz::InboundGroupSessionPickle::from_encrypted(black_box(&their_pickle), &KEY)
                    .unwrap();
            vz::InboundGroupSession::from_pickle(pickle)
        }),
    );

    let outbound_libolm = outbound.to_libolm_pickle(&KEY);
    both(
        c,
        "libolm_import_group_session",
        paired::timed(|| {
            GroupSession::from_libolm_pickle(black_box(&outbound_libolm), &KEY).unwrap()
        }),
        paired::timed(|| {
            vz::GroupSession::from_libolm_pickle(black_box(&outbound_libolm), &KEY).unwrap()
        }),
    );

    let mut group = c.benchmark_group("libolm_export_group_session");
    group.bench_function("protee", |b| {
        b.iter(|| black_box(&outbound).to_libolm_pickle(&KEY))
    });
    group.finish();

    let inbound_libolm = inbound.to_libolm_pickle(&KEY);
    both(
        c,
        "libolm_import_inbound_group_session",
        paired::timed(|| {
            InboundGroupSession::from_libolm_pickle(black_box(&inbound_libolm), &KEY).unwrap()
        }),
        paired::timed(|| {
            vz::InboundGroupSession::from_libolm_pickle(black_box(&inbound_libolm), &KEY).unwrap()
        }),
    );

    let mut group = c.benchmark_group("libolm_export_inbound_group_session");
    group.bench_function("protee", |b| {
        b.iter(|| black_box(&inbound).to_libolm_pickle(&KEY))
    });
    group.finish();
}

/// A PK decryption key: protee's native pickle (vodozemac has none for this object) and
/// libolm's format in both.
fn pk(c: &mut Criterion) {
    let mut rng = TestRng::new(4);
    let ours = PkDecryption::new_with_rng(&mut rng);
    let libolm = ours.to_libolm_pickle(&KEY);
    let theirs = vz::PkDecryption::from_libolm_pickle(&libolm, &KEY).unwrap();
    assert_eq!(
        theirs.public_key().to_base64(),
        ours.public_key().to_base64()
    );

    let mut group = c.benchmark_group("pickle_pk_decryption");
    group.bench_function("protee", |b| {
        b.iter(|| black_box(&ours).pickle(&KEY).unwrap())
    });
    group.finish();

    let native = ours.pickle(&KEY).unwrap();
    let mut group = c.benchmark_group("unpickle_pk_decryption");
    group.bench_function("protee", |b| {
        b.iter(|| PkDecryption::from_pickle(black_box(&native), &KEY).unwrap())
    });
    group.finish();

    both(
        c,
        "libolm_import_pk_decryption",
        paired::timed(|| PkDecryption::from_libolm_pickle(black_box(&libolm), &KEY).unwrap()),
        paired::timed(|| vz::PkDecryption::from_libolm_pickle(black_box(&libolm), &KEY).unwrap()),
    );

    both(
        c,
        "libolm_export_pk_decryption",
        paired::timed(|| black_box(&ours).to_libolm_pickle(&KEY)),
        paired::timed(|| black_box(&theirs).to_libolm_pickle(&KEY).unwrap()),
    );
}

criterion_group! {
    name = pickle;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = account, session, megolm, pk
}
criterion_main!(pickle);
