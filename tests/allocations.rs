//! Heap allocations per operation, for protee and vodozemac, counted by a global allocator
//! that records, per thread, the number of allocations, the bytes requested, and the peak of
//! live bytes above the operation's starting point.
//!
//! `cargo test --test allocations -- --nocapture` prints the table (markdown) that
//! `benches/report.py` copies into `benches/RESULTS.md`. The asserted bounds are protee's
//! documented ones: a Megolm encrypt makes at most 2 allocations (the message buffer and its
//! base64 form are the caller's choice: here only the message), an Olm encrypt on an
//! established chain at most 2, a decrypt at most 3 (message body, plaintext, and the
//! parsed message when given as base64).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

mod common;
use common::TestRng;

struct Counting;

thread_local! {
    static COUNT: Cell<usize> = const { Cell::new(0) };
    static BYTES: Cell<usize> = const { Cell::new(0) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn on_alloc(size: usize) {
    let _ = COUNT.try_with(|c| c.set(c.get() + 1));
    let _ = BYTES.try_with(|b| b.set(b.get() + size));
    let _ = LIVE.try_with(|l| {
        let live = l.get() + size as isize;
        l.set(live);
        let _ = PEAK.try_with(|p| p.set(p.get().max(live)));
    });
}

fn on_free(size: usize) {
    let _ = LIVE.try_with(|l| l.set(l.get() - size as isize));
}

// SAFETY: every call is forwarded unchanged to the system allocator; this wrapper only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        on_alloc(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        on_free(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        on_free(layout.size());
        on_alloc(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations, bytes allocated, and peak live bytes during `f`.
#[derive(Clone, Copy, Debug)]
struct Usage {
    count: usize,
    bytes: usize,
    peak: usize,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    let (c0, b0, l0) = (COUNT.get(), BYTES.get(), LIVE.get());
    PEAK.set(l0);
    let value = f();
    let usage = Usage {
        count: COUNT.get() - c0,
        bytes: BYTES.get() - b0,
        peak: (PEAK.get() - l0).max(0) as usize,
    };
    (value, usage)
}

const PLAINTEXT: [u8; 100] = [0x61; 100];

mod p {
    pub use protee::megolm::{GroupSession, InboundGroupSession, MegolmMessage};
    pub use protee::olm::{Account, OlmMessage, Session};
}
mod v {
    pub use vodozemac::megolm::{GroupSession, InboundGroupSession, MegolmMessage, SessionConfig};
    pub use vodozemac::olm::{Account, OlmMessage, Session, SessionConfig as OlmConfig};
}

fn protee_established(rng: &mut TestRng) -> (p::Session, p::Session) {
    let alice = p::Account::new_with_rng(rng);
    let mut bob = p::Account::new_with_rng(rng);
    bob.generate_one_time_keys(1, rng);
    let (_, otk) = bob.one_time_keys()[0];
    let mut a = alice
        .create_outbound_session(&bob.curve25519_key(), &otk, rng)
        .unwrap();
    let p::OlmMessage::PreKey(first) = a.encrypt(b"hi", rng) else {
        panic!("pre-key expected")
    };
    let mut b = bob
        .create_inbound_session(Some(&alice.curve25519_key()), &first)
        .unwrap()
        .session;
    let reply = b.encrypt(b"hello", rng);
    a.decrypt(&reply).unwrap();
    let m = a.encrypt(b"again", rng);
    b.decrypt(&m).unwrap();
    (a, b)
}

fn vodozemac_established() -> (v::Session, v::Session) {
    let alice = v::Account::new();
    let mut bob = v::Account::new();
    let otk = bob.generate_one_time_keys(1).created[0];
    let mut a = alice
        .create_outbound_session(v::OlmConfig::version_1(), bob.curve25519_key(), otk)
        .unwrap();
    let v::OlmMessage::PreKey(first) = a.encrypt(b"hi").unwrap() else {
        panic!("pre-key expected")
    };
    let mut b = bob
        .create_inbound_session(v::OlmConfig::version_1(), alice.curve25519_key(), &first)
        .unwrap()
        .session;
    let reply = b.encrypt(b"hello").unwrap();
    a.decrypt(&reply).unwrap();
    let m = a.encrypt(b"again").unwrap();
    b.decrypt(&m).unwrap();
    (a, b)
}

/// One row per operation: (name, protee, vodozemac).
fn rows() -> Vec<(&'static str, Usage, Usage)> {
    let mut rng = TestRng::new(7);
    let mut rows = Vec::new();

    let (_, pu) = measure(|| p::Account::new_with_rng(&mut rng));
    let (_, vu) = measure(v::Account::new);
    rows.push(("account creation", pu, vu));

    let mut pa = p::Account::new_with_rng(&mut rng);
    let mut va = v::Account::new();
    let (_, pu) = measure(|| pa.generate_one_time_keys(50, &mut rng));
    let (_, vu) = measure(|| va.generate_one_time_keys(50));
    rows.push(("50 one-time keys", pu, vu));

    let (mut pa_s, mut pb_s) = protee_established(&mut rng);
    let (mut va_s, mut vb_s) = vodozemac_established();
    let (pm, pu) = measure(|| pa_s.encrypt(&PLAINTEXT, &mut rng));
    let (vm, vu) = measure(|| va_s.encrypt(PLAINTEXT).unwrap());
    rows.push(("Olm encrypt 100 B", pu, vu));
    let (_, pu) = measure(|| pb_s.decrypt(&pm).unwrap());
    let (_, vu) = measure(|| vb_s.decrypt(&vm).unwrap());
    rows.push(("Olm decrypt 100 B", pu, vu));

    let mut pg = p::GroupSession::new_with_rng(&mut rng);
    let mut vg = v::GroupSession::new(v::SessionConfig::version_1());
    let mut pi = p::InboundGroupSession::new(&pg.session_key()).unwrap();
    let mut vi = v::InboundGroupSession::new(&vg.session_key(), v::SessionConfig::version_1());
    let (pm, pu) = measure(|| pg.encrypt(&PLAINTEXT));
    let (vm, vu) = measure(|| vg.encrypt(PLAINTEXT));
    rows.push(("Megolm encrypt 100 B", pu, vu));
    let (_, pu) = measure(|| pi.decrypt(&pm).unwrap());
    let (_, vu) = measure(|| vi.decrypt(&vm).unwrap());
    rows.push(("Megolm decrypt 100 B", pu, vu));

    let pt = pm.to_base64();
    let vt = vm.to_base64();
    let (_, pu) = measure(|| {
        pi.decrypt(&p::MegolmMessage::from_base64(&pt).unwrap())
            .unwrap()
    });
    let (_, vu) = measure(|| {
        vi.decrypt(&v::MegolmMessage::from_base64(&vt).unwrap())
            .unwrap()
    });
    rows.push(("Megolm decrypt 100 B from base64", pu, vu));

    let (_, pu) = measure(|| pi.export_at(1000).unwrap());
    let (_, vu) = measure(|| vi.export_at(1000).unwrap());
    rows.push(("export_at(1000)", pu, vu));
    rows
}

#[test]
fn allocation_table() {
    let rows = rows();
    println!(
        "| operation | protee allocs | protee bytes | protee peak | vodozemac allocs | vodozemac bytes | vodozemac peak |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, p, v) in &rows {
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} |",
            p.count, p.bytes, p.peak, v.count, v.bytes, v.peak
        );
    }
    let get = |name: &str| rows.iter().find(|r| r.0 == name).unwrap().1;
    assert!(
        get("Megolm encrypt 100 B").count <= 2,
        "{:?}",
        get("Megolm encrypt 100 B")
    );
    assert!(
        get("Olm encrypt 100 B").count <= 2,
        "{:?}",
        get("Olm encrypt 100 B")
    );
    assert!(
        get("Olm decrypt 100 B").count <= 3,
        "{:?}",
        get("Olm decrypt 100 B")
    );
    assert!(
        get("Megolm decrypt 100 B").count <= 3,
        "{:?}",
        get("Megolm decrypt 100 B")
    );
    // The counter itself must count: vodozemac's Megolm encrypt allocates.
    assert!(
        rows.iter()
            .find(|r| r.0 == "Megolm encrypt 100 B")
            .unwrap()
            .2
            .count
            > 0
    );
}
