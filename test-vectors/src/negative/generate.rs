//! `protee-vectors negative --write [DIR]`: writes the negative vector files.
//!
//! Honest objects (accounts, an Olm conversation, a Megolm session, a PK key) are built through
//! protee's public API from [`SEED`] with [`SeededRng`]; every entry then applies one mutation to
//! an honest input. `expected_error` is written from the mutation and the spec rule it breaks,
//! never from protee's answer: `protee-vectors verify` is what compares them.

use std::collections::BTreeMap;
use std::process::ExitCode;

use protee::Ed25519SecretKey;
use protee::megolm::{GroupSession, InboundGroupSession};
use protee::olm::{Account, OlmMessage, Session};
use protee::pk::{PkDecryption, PkEncryption};
use rand_core::{TryCryptoRng, TryRng};
use sha2::{Digest, Sha256};

use super::{Context, Entry, FORMAT, FORMAT_VERSION, Input, NegativeFile, Provenance, b64, hex_of};
use crate::libolm_envelope;

pub const SEED: &str = "protee-negative-1";
const DATE: &str = "2026-12-03";
const COMMAND: &str = "cargo run -p protee-vectors -- negative --write";
const PICKLE_KEY: &[u8] = b"protee negative vectors pickle key";
const NATIVE_KEY: [u8; 32] = *b"protee negative native pickle k!";
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];
/// p = 2^255 − 19, little-endian.
const P: [u8; 32] = {
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

/// Deterministic randomness: block i of stream `label` is
/// `SHA-256("protee-negative/v1" ‖ 00 ‖ seed ‖ 00 ‖ label ‖ 00 ‖ u32be(i))`.
pub struct SeededRng {
    label: String,
    block: u32,
    buffer: Vec<u8>,
}

impl SeededRng {
    pub fn new(label: &str) -> Self {
        Self {
            label: label.to_owned(),
            block: 0,
            buffer: Vec::new(),
        }
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut out = vec![0; n];
        self.fill(&mut out);
        out
    }

    fn fill(&mut self, dst: &mut [u8]) {
        for byte in dst.iter_mut() {
            if self.buffer.is_empty() {
                let digest = Sha256::new()
                    .chain_update(b"protee-negative/v1")
                    .chain_update([0])
                    .chain_update(SEED.as_bytes())
                    .chain_update([0])
                    .chain_update(self.label.as_bytes())
                    .chain_update([0])
                    .chain_update(self.block.to_be_bytes())
                    .finalize();
                self.buffer = digest.iter().rev().copied().collect();
                self.block += 1;
            }
            *byte = self.buffer.pop().unwrap_or(0);
        }
    }
}

impl TryRng for SeededRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        self.fill(&mut b);
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        self.fill(&mut b);
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        self.fill(dst);
        Ok(())
    }
}

impl TryCryptoRng for SeededRng {}

pub fn run(args: &[String]) -> ExitCode {
    let dir = match args {
        [flag] if flag == "--write" => {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("negative")
        }
        [flag, dir] if flag == "--write" => std::path::PathBuf::from(dir),
        _ => {
            eprintln!("usage: protee-vectors negative --write [DIR]");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for file in build() {
        let path = dir.join(format!("{}.json", file.family));
        let text = serde_json::to_string_pretty(&file).expect("the vectors serialise") + "\n";
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {} ({} entries)", path.display(), file.entries.len());
    }
    ExitCode::SUCCESS
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

fn entry(name: &str, rule: &str, input: Input, expected: &str, why: &str) -> Entry {
    Entry {
        name: name.to_owned(),
        rule: (!rule.is_empty()).then(|| rule.to_owned()),
        input,
        expected_error: (!expected.is_empty()).then(|| expected.to_owned()),
        why: why.to_owned(),
    }
}

fn flip(bytes: &[u8], index: usize, bit: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[index] ^= 1 << bit;
    out
}

fn le_add(a: &[u8], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for i in 0..32 {
        let sum = u16::from(a[i]) + u16::from(b[i]) + carry;
        out[i] = sum as u8;
        carry = sum >> 8;
    }
    out
}

fn small(n: u8) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[0] = n;
    out
}

fn with_bit_255(mut key: [u8; 32]) -> [u8; 32] {
    key[31] |= 0x80;
    key
}

fn p_plus(n: u8) -> [u8; 32] {
    le_add(&P, &small(n))
}

fn hex32(text: &str) -> [u8; 32] {
    crate::verify::format::from_hex(text)
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

/// The Curve25519 u-coordinates of small order (spec/olm.md OLM-DH-1), canonical ones first.
fn low_order_curve_keys() -> Vec<(&'static str, [u8; 32])> {
    vec![
        ("u = 0", small(0)),
        ("u = 1", small(1)),
        (
            "order 8 (e0eb…)",
            hex32("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        ),
        (
            "order 8 (5f9c…)",
            hex32("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
        ),
        ("u = p − 1", le_add(&P, &[0xff; 32])),
    ]
}

fn olm_body(message: &OlmMessage) -> Vec<u8> {
    message.as_bytes().to_vec()
}

fn normal_input(context: &str, bytes: &[u8]) -> Input {
    Input::OlmDecrypt {
        context: context.into(),
        message_type: 1,
        message: b64(bytes),
        deliveries: 1,
    }
}

fn prekey_input(context: &str, bytes: &[u8]) -> Input {
    Input::OlmCreateInbound {
        context: context.into(),
        message: b64(bytes),
        their_identity_key: None,
    }
}

fn megolm_input(context: &str, bytes: &[u8]) -> Input {
    Input::MegolmDecrypt {
        context: context.into(),
        message: b64(bytes),
        deliveries: 1,
    }
}

fn provenance(how: &str) -> Provenance {
    Provenance {
        generator: COMMAND.into(),
        seed: SEED.into(),
        date: DATE.into(),
        how: how.into(),
        comparison: "protee's error is rendered Type::Variant followed by its Debug fields \
                     (wrapped protee errors with their type); expected_error matches the whole \
                     rendering or the rendering cut before its first space or parenthesis; null \
                     means the operation must succeed"
            .into(),
    }
}

fn file(
    family: &str,
    how: &str,
    contexts: BTreeMap<String, Context>,
    entries: Vec<Entry>,
) -> NegativeFile {
    NegativeFile {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        family: family.into(),
        provenance: provenance(how),
        contexts,
        entries,
    }
}

// ---------------------------------------------------------------------------------------------
// The honest world
// ---------------------------------------------------------------------------------------------

struct World {
    bob_account: Account,
    bob_account_pickle: String,
    bob_account_after_inbound: String,
    alice_ed25519: Ed25519SecretKey,
    bob_identity: [u8; 32],
    /// Alice's first message, a pre-key message.
    m0: Vec<u8>,
    /// Bob's session after creating it from m0, before replying (no sender chain).
    bob_session_fresh: String,
    /// Bob's session after his reply r0.
    bob_session: String,
    /// The same after decrypting m1.
    bob_session_after_m1: String,
    /// Alice's normal messages on her second chain: index 0, 1, 2000, 2001, 2002.
    chain: BTreeMap<u32, Vec<u8>>,
}

fn pickle_session(session: &Session) -> String {
    session
        .to_libolm_pickle(PICKLE_KEY)
        .expect("a session pickles")
}

fn world() -> World {
    let alice_random = SeededRng::new("alice/create").bytes(64);
    let alice_ed25519 = Ed25519SecretKey::from_seed(&alice_random[..32].try_into().expect("32"));
    let alice = Account::new_with_rng(&mut crate::replay_rng::ReplayRng::new(alice_random));
    assert_eq!(
        alice.ed25519_key(),
        alice_ed25519.public_key(),
        "OLM-ACCOUNT-1 seed"
    );
    let mut bob = Account::new_with_rng(&mut SeededRng::new("bob/create"));
    bob.generate_one_time_keys(2, &mut SeededRng::new("bob/otks"));
    let bob_account_pickle = bob.to_libolm_pickle(PICKLE_KEY).expect("account pickles");
    let (_, otk) = bob.one_time_keys()[0];

    let mut alice_session = alice
        .create_outbound_session(
            &bob.curve25519_key(),
            &otk,
            &mut SeededRng::new("alice/session"),
        )
        .expect("honest session");
    let m0 = alice_session.encrypt(b"m0: the first message", &mut SeededRng::new("alice/m0"));
    let OlmMessage::PreKey(prekey) = &m0 else {
        panic!("the first message is a pre-key message")
    };
    let mut bob_for_inbound =
        Account::from_libolm_pickle(&bob_account_pickle, PICKLE_KEY).expect("load");
    let created = bob_for_inbound
        .create_inbound_session(Some(&alice.curve25519_key()), prekey)
        .expect("honest inbound session");
    let bob_account_after_inbound = bob_for_inbound
        .to_libolm_pickle(PICKLE_KEY)
        .expect("pickle");
    let mut bob_session = created.session;
    let bob_session_fresh = pickle_session(&bob_session);
    let r0 = bob_session.encrypt(b"r0: Bob's reply", &mut SeededRng::new("bob/r0"));
    alice_session.decrypt(&r0).expect("Alice reads the reply");
    let bob_session_pickle = pickle_session(&bob_session);

    let mut chain = BTreeMap::new();
    let mut rng = SeededRng::new("alice/chain");
    for index in 0..=2002u32 {
        let message =
            alice_session.encrypt(format!("chain message {index:04}").as_bytes(), &mut rng);
        assert!(matches!(message, OlmMessage::Normal(_)));
        if [0, 1, 2000, 2001, 2002].contains(&index) {
            chain.insert(index, olm_body(&message));
        }
    }
    let mut after_m1 = Session::from_libolm_pickle(&bob_session_pickle, PICKLE_KEY).expect("load");
    after_m1
        .decrypt(&OlmMessage::from_type_and_bytes(1, chain[&0].clone()).expect("decode"))
        .expect("Bob reads m1");

    let bob_identity = *bob.curve25519_key().as_bytes();
    World {
        bob_account: bob,
        bob_account_pickle,
        bob_account_after_inbound,
        alice_ed25519,
        bob_identity,
        m0: olm_body(&m0),
        bob_session_fresh,
        bob_session: bob_session_pickle,
        bob_session_after_m1: pickle_session(&after_m1),
        chain,
    }
}

fn olm_contexts(world: &World) -> BTreeMap<String, Context> {
    let key = hex_of(PICKLE_KEY);
    let session = |pickle: &str, description: &str| Context::OlmSession {
        libolm_pickle: pickle.to_owned(),
        pickle_key_hex: key.clone(),
        description: description.to_owned(),
    };
    BTreeMap::from([
        (
            "bob_session".to_owned(),
            session(
                &world.bob_session,
                "Bob's session: created from Alice's pre-key message m0, then Bob sent r0",
            ),
        ),
        (
            "bob_session_fresh".to_owned(),
            session(
                &world.bob_session_fresh,
                "Bob's session right after creation from m0: it has sent nothing (no sender chain)",
            ),
        ),
        (
            "bob_session_after_m1".to_owned(),
            session(
                &world.bob_session_after_m1,
                "bob_session after decrypting Alice's chain message 0 (m1)",
            ),
        ),
    ])
}

// ---------------------------------------------------------------------------------------------
// The families
// ---------------------------------------------------------------------------------------------

pub fn build() -> Vec<NegativeFile> {
    let world = world();
    vec![
        olm_messages(&world),
        prekey_messages(&world),
        megolm_messages(),
        signatures(&world),
        keys(&world),
        pickles(&world),
    ]
}

fn olm_messages(world: &World) -> NegativeFile {
    let m1 = &world.chain[&0];
    let len = m1.len();
    let mut e = Vec::new();
    let mut add = |name: &str, rule: &str, bytes: &[u8], expected: &str, why: &str| {
        e.push(entry(
            name,
            rule,
            normal_input("bob_session", bytes),
            expected,
            why,
        ));
    };
    add(
        "version 2",
        "OLM-MSG-2",
        &[&[2u8][..], &m1[1..]].concat(),
        "MessageError::UnsupportedVersion { got: 2 }",
        "the version byte must be 03",
    );
    add(
        "version 4",
        "OLM-MSG-2",
        &[&[4u8][..], &m1[1..]].concat(),
        "MessageError::UnsupportedVersion { got: 4 }",
        "the version byte must be 03",
    );
    add(
        "truncated to 62 bytes",
        "OLM-MSG-2",
        &m1[..62],
        "MessageError::TooShort { min: 63, got: 62 }",
        "a normal message is at least 63 bytes",
    );
    add(
        "empty",
        "OLM-MSG-2",
        &[],
        "MessageError::TooShort { min: 63, got: 0 }",
        "a normal message is at least 63 bytes",
    );
    add(
        "last byte cut",
        "OLM-MSG-2",
        &m1[..len - 1],
        "MessageError::FieldOverflow",
        "the last 8 bytes are the MAC, so the ciphertext field now runs one byte into it",
    );
    add(
        "one byte appended",
        "OLM-MSG-2",
        &[&m1[..], &[0u8][..]].concat(),
        "MessageError::TrailingBytes { count: 1 }",
        "exactly 8 bytes (the MAC) must follow the ciphertext; here 9 do",
    );
    add(
        "unknown tag instead of the chain index (0x18)",
        "OLM-MSG-2",
        &{
            let mut b = m1.clone();
            b[35] = 0x18;
            b
        },
        "MessageError::UnexpectedTag",
        "the field after the ratchet key must be 0x10 (chain index); 0x18 is unknown",
    );
    add(
        "ratchet key tag changed to 0x12",
        "OLM-MSG-2",
        &{
            let mut b = m1.clone();
            b[1] = 0x12;
            b
        },
        "MessageError::UnexpectedTag",
        "the first field must be 0x0A (ratchet key)",
    );
    add(
        "non-canonical chain index varint (80 00)",
        "OLM-MSG-2",
        &[&m1[..36], &[0x80, 0x00][..], &m1[37..]].concat(),
        "MessageError::InvalidVarint",
        "index 0 written in two bytes: varints must be canonical (shortest form)",
    );
    add(
        "chain index varint of 6 bytes",
        "OLM-MSG-2",
        &[
            &m1[..36],
            &[0x80, 0x80, 0x80, 0x80, 0x80, 0x00][..],
            &m1[37..],
        ]
        .concat(),
        "MessageError::InvalidVarint",
        "a varint must fit a u32 (at most 5 bytes)",
    );
    add(
        "ratchet key length 31",
        "OLM-MSG-2",
        &{
            let mut b = m1.clone();
            b[2] = 31;
            b
        },
        "MessageError::InvalidKeyLength",
        "the ratchet key field must hold exactly 32 bytes",
    );
    add(
        "ratchet key with bit 255 set",
        "OLM-MSG-2",
        &flip(m1, 34, 7),
        "MessageError::NonCanonicalKey { tag: 10 }",
        "a non-canonical Curve25519 key (bit 255 set) is refused at decoding",
    );
    let p_key = [&m1[..3], &P[..], &m1[35..]].concat();
    add(
        "ratchet key u = p",
        "OLM-MSG-2",
        &p_key,
        "MessageError::NonCanonicalKey { tag: 10 }",
        "u ≥ p is not a canonical Curve25519 encoding",
    );
    // Ciphertext length 31: the length varint at 38 (index 0 is one byte at 36, tag 0x22 at 37).
    add(
        "ciphertext of 31 bytes",
        "OLM-MSG-2",
        &{
            let mut b = [
                &m1[..38],
                &[m1[38] - 1][..],
                &m1[39..len - 9],
                &m1[len - 8..],
            ]
            .concat();
            b.truncate(len - 1);
            b
        },
        "MessageError::InvalidCiphertextLength { got: 31 }",
        "the ciphertext must be a non-zero multiple of 16 bytes",
    );
    e.push(entry(
        "unknown message type 2",
        "OLM-MSG-3",
        Input::OlmDecrypt {
            context: "bob_session".into(),
            message_type: 2,
            message: b64(m1),
            deliveries: 1,
        },
        "MessageError::UnknownMessageType(2)",
        "the message type is 0 (pre-key) or 1 (normal)",
    ));
    e.push(entry(
        "padded base64",
        "OLM-MSG-3",
        Input::OlmDecrypt {
            context: "bob_session".into(),
            message_type: 1,
            message: format!("{}=", b64(m1)),
            deliveries: 1,
        },
        "MessageError::InvalidBase64",
        "the body is unpadded base64",
    ));
    let mut add = |name: &str, rule: &str, ctx: &str, bytes: &[u8], expected: &str, why: &str| {
        e.push(entry(name, rule, normal_input(ctx, bytes), expected, why));
    };
    add(
        "one bit of the MAC flipped",
        "OLM-MAC-1",
        "bob_session",
        &flip(m1, len - 1, 0),
        "DecryptionError::InvalidMac",
        "the 8-byte MAC no longer matches",
    );
    add(
        "first bit of the MAC flipped",
        "OLM-MAC-1",
        "bob_session",
        &flip(m1, len - 8, 7),
        "DecryptionError::InvalidMac",
        "the 8-byte MAC no longer matches",
    );
    add(
        "one bit of the ciphertext flipped",
        "OLM-MAC-1",
        "bob_session",
        &flip(m1, 40, 3),
        "DecryptionError::InvalidMac",
        "the MAC covers the ciphertext",
    );
    add(
        "chain index changed from 0 to 1",
        "OLM-MAC-1",
        "bob_session",
        &{
            let mut b = m1.clone();
            b[36] = 1;
            b
        },
        "DecryptionError::InvalidMac",
        "the message key of index 1 differs, and the MAC covers the index",
    );
    add(
        "ratchet key changed (bit 0 flipped)",
        "OLM-MAC-1",
        "bob_session",
        &flip(m1, 3, 0),
        "DecryptionError::InvalidMac",
        "an unknown ratchet key starts a new chain whose keys do not match the MAC",
    );
    add(
        "Olm replay: chain message 0 delivered a second time",
        "OLM-RECV-3",
        "bob_session_after_m1",
        m1,
        "DecryptionError::MissingMessageKey { index: 0 }",
        "its message key was used and deleted by the first delivery",
    );
    add(
        "gap of 2001 on the current chain",
        "OLM-RECV-4",
        "bob_session_after_m1",
        &world.chain[&2002],
        "DecryptionError::TooBigMessageGap { gap: 2001, max: 2000 }",
        "the chain is at index 1, the message at 2002: more than 2000 keys would be skipped",
    );
    add(
        "new chain starting at index 2001",
        "OLM-RECV-2",
        "bob_session",
        &world.chain[&2001],
        "DecryptionError::TooBigMessageGap { gap: 2001, max: 2000 }",
        "a message opening a new chain at counter > 2000 is refused",
    );
    add(
        "new chain starting at index 2000 (accepted)",
        "OLM-RECV-2",
        "bob_session",
        &world.chain[&2000],
        "",
        "the boundary: a gap of exactly 2000 is accepted",
    );
    add(
        "new ratchet key before the session has sent anything",
        "OLM-RECV-2",
        "bob_session_fresh",
        m1,
        "DecryptionError::UnexpectedRatchetKey",
        "Bob has no sender chain, so an honest Alice cannot have ratcheted yet",
    );
    for (label, key) in low_order_curve_keys() {
        add(
            &format!("ratchet key of small order: {label}"),
            "OLM-DH-1",
            "bob_session",
            &[&m1[..3], &key[..], &m1[35..]].concat(),
            "DecryptionError::NonContributoryKey",
            "the ratchet DH with a small-order key is all zero",
        );
    }
    file(
        "olm-messages",
        "Alice and Bob (accounts from the seed) hold a conversation: Alice's pre-key message m0, \
         Bob's reply r0, then Alice's messages 0..=2002 on her second chain. Each entry takes \
         one honest normal message (chain message 0 unless named) and changes it as its name \
         says; offsets: version 0, ratchet key field 1..35, chain index tag 35, index 36, \
         ciphertext tag 37, length 38, MAC the last 8 bytes",
        olm_contexts(world),
        e,
    )
}

fn prekey_messages(world: &World) -> NegativeFile {
    let m0 = &world.m0;
    let len = m0.len();
    // Layout: 0 version, 1 0A 20 E_B [3,35), 35 12 20 E_A [37,69), 69 1A 20 I_A [71,103),
    // 103 22, 104 varint(m) (one byte), inner from 105.
    let inner = 105;
    let mut e = Vec::new();
    let mut add = |name: &str, rule: &str, ctx: &str, bytes: &[u8], expected: &str, why: &str| {
        e.push(entry(name, rule, prekey_input(ctx, bytes), expected, why));
    };
    let a = "bob_account";
    add(
        "outer version 2",
        "OLM-PREKEY-2",
        a,
        &[&[2u8][..], &m0[1..]].concat(),
        "MessageError::UnsupportedVersion { got: 2 }",
        "the outer version byte must be 03",
    );
    add(
        "truncated to 167 bytes",
        "OLM-PREKEY-2",
        a,
        &m0[..167],
        "MessageError::FieldOverflow",
        "the inner message's length runs past the end",
    );
    add(
        "empty",
        "OLM-PREKEY-2",
        a,
        &[],
        "MessageError::TooShort",
        "a pre-key message is at least 168 bytes",
    );
    add(
        "unknown tag instead of the one-time key (0x08)",
        "OLM-PREKEY-2",
        a,
        &{
            let mut b = m0.clone();
            b[1] = 0x08;
            b
        },
        "MessageError::UnexpectedTag",
        "the first field must be 0x0A",
    );
    add(
        "base key and identity key tags swapped",
        "OLM-PREKEY-2",
        a,
        &{
            let mut b = m0.clone();
            b[35] = 0x1a;
            b[69] = 0x12;
            b
        },
        "MessageError::UnexpectedTag",
        "fields must come in the order 0A, 12, 1A, 22",
    );
    add(
        "one byte appended",
        "OLM-PREKEY-2",
        a,
        &[&m0[..], &[0u8][..]].concat(),
        "MessageError::TrailingBytes { count: 1 }",
        "the inner message must end the input",
    );
    add(
        "non-canonical varint for the inner length",
        "OLM-PREKEY-2",
        a,
        &[&m0[..104], &[m0[104] | 0x80, 0x00][..], &m0[105..]].concat(),
        "MessageError::InvalidVarint",
        "varints must be canonical",
    );
    add(
        "one-time key length 31",
        "OLM-PREKEY-2",
        a,
        &{
            let mut b = m0.clone();
            b[2] = 31;
            b
        },
        "MessageError::InvalidKeyLength",
        "each key field holds exactly 32 bytes",
    );
    add(
        "one-time key with bit 255 set",
        "OLM-PREKEY-2",
        a,
        &flip(m0, 34, 7),
        "MessageError::NonCanonicalKey { tag: 10 }",
        "keys must be canonical Curve25519 encodings",
    );
    add(
        "base key with bit 255 set",
        "OLM-PREKEY-2",
        a,
        &flip(m0, 68, 7),
        "MessageError::NonCanonicalKey { tag: 18 }",
        "without this check the message would still decrypt and create a session with another id",
    );
    add(
        "identity key with bit 255 set",
        "OLM-PREKEY-2",
        a,
        &flip(m0, 102, 7),
        "MessageError::NonCanonicalKey { tag: 26 }",
        "keys must be canonical Curve25519 encodings",
    );
    add(
        "inner message version 2",
        "OLM-PREKEY-2",
        a,
        &{
            let mut b = m0.clone();
            b[inner] = 2;
            b
        },
        "MessageError::UnsupportedVersion { got: 2 }",
        "the inner message must satisfy OLM-MSG-2",
    );
    add(
        "unknown one-time key",
        "OLM-INBOUND-1",
        a,
        &{
            let mut b = m0.clone();
            b[3..35].copy_from_slice(&world.bob_identity);
            b
        },
        "SessionCreationError::UnknownOneTimeKey",
        "E_B replaced by a key the account does not hold as a one-time or fallback key",
    );
    add(
        "pre-key replay: m0 given to the account a second time",
        "OLM-INBOUND-2",
        "bob_account_after_inbound",
        m0,
        "SessionCreationError::UnknownOneTimeKey",
        "the first delivery used up (removed) the one-time key",
    );
    add(
        "inner MAC bit flipped",
        "OLM-MAC-1",
        a,
        &flip(m0, len - 1, 0),
        "SessionCreationError::Decryption(DecryptionError::InvalidMac)",
        "the inner message's MAC no longer matches; the account keeps its one-time key",
    );
    add(
        "inner ciphertext bit flipped",
        "OLM-MAC-1",
        a,
        &flip(m0, len - 12, 5),
        "SessionCreationError::Decryption(DecryptionError::InvalidMac)",
        "the MAC covers the ciphertext",
    );
    add(
        "base key changed (bit 0 flipped)",
        "OLM-ROOT-1",
        a,
        &flip(m0, 37, 0),
        "SessionCreationError::Decryption(DecryptionError::InvalidMac)",
        "another base key gives another root key, so the inner MAC fails",
    );
    for (label, key) in low_order_curve_keys() {
        add(
            &format!("base key of small order: {label}"),
            "OLM-DH-1",
            a,
            &{
                let mut b = m0.clone();
                b[37..69].copy_from_slice(&key);
                b
            },
            "SessionCreationError::NonContributoryKey",
            "a 3DH block with E_A is all zero",
        );
    }
    for (label, key) in low_order_curve_keys().into_iter().take(2) {
        add(
            &format!("identity key of small order: {label}"),
            "OLM-DH-1",
            a,
            &{
                let mut b = m0.clone();
                b[71..103].copy_from_slice(&key);
                b
            },
            "SessionCreationError::NonContributoryKey",
            "the 3DH block with I_A is all zero",
        );
    }
    e.push(entry(
        "identity key differs from the expected sender",
        "OLM-INBOUND-3",
        Input::OlmCreateInbound {
            context: a.into(),
            message: b64(m0),
            their_identity_key: Some(b64(&world.bob_identity)),
        },
        "SessionCreationError::IdentityKeyMismatch",
        "the caller expects another sender",
    ));
    e.push(entry(
        "pre-key message given to the existing session twice",
        "OLM-RECV-7",
        Input::OlmDecrypt {
            context: "bob_session_fresh".into(),
            message_type: 0,
            message: b64(m0),
            deliveries: 1,
        },
        "DecryptionError::MissingMessageKey { index: 0 }",
        "the session was created from m0, whose key is gone: a replay of the first message",
    ));
    let key = hex_of(PICKLE_KEY);
    let mut contexts = olm_contexts(world);
    contexts.insert(
        "bob_account".into(),
        Context::OlmAccount {
            libolm_pickle: world.bob_account_pickle.clone(),
            pickle_key_hex: key.clone(),
            description: "Bob's account with two unpublished one-time keys; Alice used the first"
                .into(),
        },
    );
    contexts.insert(
        "bob_account_after_inbound".into(),
        Context::OlmAccount {
            libolm_pickle: world.bob_account_after_inbound.clone(),
            pickle_key_hex: key,
            description:
                "bob_account after creating the session from m0 (its one-time key removed)".into(),
        },
    );
    contexts.retain(|name, _| name != "bob_session" && name != "bob_session_after_m1");
    file(
        "olm-prekey-messages",
        "Alice's first message m0 (a pre-key message to Bob's first one-time key), changed as \
         each name says; layout: version 0, E_B field 1..35, E_A field 35..69, I_A field 69..103, \
         inner message tag 103, length 104, inner message from 105",
        contexts,
        e,
    )
}

fn megolm_messages() -> NegativeFile {
    let random = SeededRng::new("megolm/create").bytes(160);
    let seed: [u8; 32] = random[128..160].try_into().expect("32");
    let mut group = GroupSession::new_with_rng(&mut crate::replay_rng::ReplayRng::new(random));
    let signer = Ed25519SecretKey::from_seed(&seed);
    assert_eq!(
        signer.public_key(),
        group.signing_key(),
        "MEGOLM-OUT-1: [128,160) is the seed"
    );
    let other_signer = Ed25519SecretKey::from_seed(&[0x42; 32]);
    let initial_key = group.session_key();
    let inbound = InboundGroupSession::new(&initial_key).expect("honest key");
    let messages: Vec<Vec<u8>> = (0..4)
        .map(|i| {
            group
                .encrypt(format!("megolm message {i}").as_bytes())
                .as_bytes()
                .to_vec()
        })
        .collect();
    let mut from_3 = InboundGroupSession::new(&initial_key).expect("key");
    let exported = from_3.export_at(3).expect("export");
    let from_3 = InboundGroupSession::import(&exported).expect("import");
    let msg = &messages[1];
    let len = msg.len();
    // Layout: 0 version, 1 08, 2 index (one byte), 3 12, 4 length, 5.. ciphertext,
    // then MAC [len-72, len-64) and signature [len-64, len).
    let resign = |body: &[u8], key: &Ed25519SecretKey| -> Vec<u8> {
        let signature = key.sign(body).to_bytes();
        [body, &signature[..]].concat()
    };
    let body = &msg[..len - 64];
    let mut e = Vec::new();
    let mut add = |name: &str, rule: &str, ctx: &str, bytes: &[u8], expected: &str, why: &str| {
        e.push(entry(name, rule, megolm_input(ctx, bytes), expected, why));
    };
    let s = "inbound";
    add(
        "version 2",
        "MEGOLM-MSG-2",
        s,
        &[&[2u8][..], &msg[1..]].concat(),
        "MessageError::UnsupportedVersion { got: 2 }",
        "the version byte must be 03",
    );
    add(
        "truncated to 92 bytes",
        "MEGOLM-MSG-2",
        s,
        &msg[..92],
        "MessageError::TooShort { min: 93, got: 92 }",
        "a Megolm message is at least 93 bytes",
    );
    add(
        "empty",
        "MEGOLM-MSG-2",
        s,
        &[],
        "MessageError::TooShort { min: 93, got: 0 }",
        "a Megolm message is at least 93 bytes",
    );
    add(
        "last byte cut",
        "MEGOLM-MSG-2",
        s,
        &msg[..len - 1],
        "MessageError::FieldOverflow",
        "the last 72 bytes are MAC and signature, so the ciphertext now runs into them",
    );
    add(
        "unknown tag instead of the index (0x18)",
        "MEGOLM-MSG-2",
        s,
        &{
            let mut b = msg.clone();
            b[1] = 0x18;
            b
        },
        "MessageError::UnexpectedTag",
        "the first field must be 0x08 (index)",
    );
    add(
        "byte inserted before the MAC",
        "MEGOLM-MSG-2",
        s,
        &[&msg[..len - 72], &[0u8][..], &msg[len - 72..]].concat(),
        "MessageError::TrailingBytes { count: 1 }",
        "the ciphertext must end where the MAC begins",
    );
    add(
        "non-canonical index varint",
        "MEGOLM-MSG-2",
        s,
        &[&msg[..2], &[msg[2] | 0x80, 0x00][..], &msg[3..]].concat(),
        "MessageError::InvalidVarint",
        "varints must be canonical",
    );
    add(
        "ciphertext of 31 bytes",
        "MEGOLM-MSG-2",
        s,
        &[
            &msg[..4],
            &[msg[4] - 1][..],
            &msg[5..len - 73],
            &msg[len - 72..],
        ]
        .concat(),
        "MessageError::InvalidCiphertextLength { got: 31 }",
        "the ciphertext must be a non-zero multiple of 16 bytes",
    );
    add(
        "one bit of the signature flipped",
        "MEGOLM-IN-3",
        s,
        &flip(msg, len - 40, 2),
        "MegolmDecryptionError::InvalidSignature",
        "the signature no longer verifies",
    );
    add(
        "one bit of the MAC flipped (not re-signed)",
        "MEGOLM-IN-3",
        s,
        &flip(msg, len - 70, 0),
        "MegolmDecryptionError::InvalidSignature",
        "the signature covers the MAC, and it is checked first",
    );
    add(
        "one bit of the MAC flipped, re-signed with the session key",
        "MEGOLM-IN-3",
        s,
        &resign(&flip(body, len - 70, 0), &signer),
        "MegolmDecryptionError::InvalidMac",
        "a holder of the signing key forges the MAC: the MAC check catches it",
    );
    add(
        "one bit of the ciphertext flipped, re-signed",
        "MEGOLM-IN-3",
        s,
        &resign(&flip(body, 10, 1), &signer),
        "MegolmDecryptionError::InvalidMac",
        "the MAC covers the ciphertext",
    );
    add(
        "index changed from 1 to 2, re-signed",
        "MEGOLM-IN-3",
        s,
        &resign(
            &{
                let mut b = body.to_vec();
                b[2] = 2;
                b
            },
            &signer,
        ),
        "MegolmDecryptionError::InvalidMac",
        "the keys of index 2 differ",
    );
    add(
        "signed by another key",
        "MEGOLM-IN-3",
        s,
        &resign(&msg[..len - 64], &other_signer),
        "MegolmDecryptionError::InvalidSignature",
        "only the session's Ed25519 key may sign",
    );
    let signature_s: [u8; 32] = msg[len - 32..].try_into().expect("32");
    add(
        "malleable signature: S + L",
        "OLM-SIG-1",
        s,
        &[&msg[..len - 32], &le_add(&signature_s, &L)[..]].concat(),
        "MegolmDecryptionError::InvalidSignature",
        "S + L satisfies the equation but S ≥ L is refused (libolm accepts it, CVE-2024-45193)",
    );
    add(
        "index before the first known index",
        "MEGOLM-IN-2",
        "inbound_from_3",
        &messages[0],
        "MegolmDecryptionError::UnknownMessageIndex { index: 0, first_known_index: 3 }",
        "the session was imported at index 3",
    );
    e.push(entry(
        "Megolm replay: message 1 decrypted twice (accepted)",
        "MEGOLM-IN-4",
        Input::MegolmDecrypt {
            context: s.into(),
            message: b64(msg),
            deliveries: 2,
        },
        "",
        "Megolm has no replay protection: the second decryption succeeds; the application must \
         detect replays by (session id, index)",
    ));
    let key = hex_of(PICKLE_KEY);
    let contexts = BTreeMap::from([
        (
            "inbound".to_owned(),
            Context::MegolmInbound {
                libolm_pickle: inbound.to_libolm_pickle(PICKLE_KEY),
                pickle_key_hex: key.clone(),
                description: "an inbound session from the outbound session's key at index 0".into(),
            },
        ),
        (
            "inbound_from_3".to_owned(),
            Context::MegolmInbound {
                libolm_pickle: from_3.to_libolm_pickle(PICKLE_KEY),
                pickle_key_hex: key,
                description: "the same session imported from an export at index 3".into(),
            },
        ),
    ]);
    file(
        "megolm-messages",
        "an outbound Megolm session from 160 seeded bytes ([128,160) is its Ed25519 seed, so \
         the generator can re-sign altered messages); message 1 changed as each name says; \
         layout: version 0, index tag 1, index 2, ciphertext tag 3, length 4, ciphertext, MAC \
         (8), signature (64)",
        contexts,
        e,
    )
}

fn signatures(world: &World) -> NegativeFile {
    let key = &world.alice_ed25519;
    let public = key.public_key().to_bytes();
    let message = b"{\"signed\":\"json\"}".to_vec();
    let signature = key.sign(&message).to_bytes();
    let verify = |public: &[u8], message: &[u8], signature: &[u8]| Input::Ed25519Verify {
        public_key: b64(public),
        message_hex: hex_of(message),
        signature: b64(signature),
    };
    let invalid = "SignatureError::Invalid";
    let s: [u8; 32] = signature[32..].try_into().expect("32");
    let mut identity = small(1);
    identity[0] = 1;
    let zero_sig = [&identity[..], &[0u8; 32][..]].concat();
    let mut e = vec![
        entry(
            "one bit of R flipped",
            "OLM-SIG-1",
            verify(&public, &message, &flip(&signature, 3, 0)),
            invalid,
            "R changed",
        ),
        entry(
            "one bit of S flipped",
            "OLM-SIG-1",
            verify(&public, &message, &flip(&signature, 40, 0)),
            invalid,
            "S changed",
        ),
        entry(
            "message changed",
            "OLM-SIG-1",
            verify(&public, &flip(&message, 2, 0), &signature),
            invalid,
            "signed another message",
        ),
        entry(
            "verified with another key",
            "OLM-SIG-1",
            verify(
                Ed25519SecretKey::from_seed(&[7; 32])
                    .public_key()
                    .as_bytes(),
                &message,
                &signature,
            ),
            invalid,
            "the signature is Alice's",
        ),
        entry(
            "malleable signature: S + L",
            "OLM-SIG-1",
            verify(
                &public,
                &message,
                &[&signature[..32], &le_add(&s, &L)[..]].concat(),
            ),
            invalid,
            "S ≥ L is refused; libolm accepts S < 2^253 (CVE-2024-45193)",
        ),
        entry(
            "bit 255 of S set",
            "OLM-SIG-1",
            verify(&public, &message, &flip(&signature, 63, 7)),
            invalid,
            "S ≥ 2^253",
        ),
        entry(
            "small-order key (identity) with R = identity, S = 0",
            "OLM-SIG-1",
            verify(&identity, &message, &zero_sig),
            invalid,
            "the cofactorless equation holds for every message, but small-order keys are refused",
        ),
        entry(
            "small-order R (identity) with Alice's key",
            "OLM-SIG-1",
            verify(
                &public,
                &message,
                &[&identity[..], &signature[32..]].concat(),
            ),
            invalid,
            "R of small order is refused",
        ),
        entry(
            "non-canonical key y = p + 1",
            "OLM-SIG-1",
            verify(&p_plus(1), &message, &zero_sig),
            invalid,
            "the key is not a canonical encoding",
        ),
        entry(
            "signature of 63 bytes",
            "OLM-SIG-1",
            verify(&public, &message, &signature[..63]),
            invalid,
            "a signature is 64 bytes (86 characters)",
        ),
        entry(
            "key of 31 bytes",
            "OLM-SIG-1",
            verify(&public[..31], &message, &signature),
            invalid,
            "a key is 32 bytes (43 characters)",
        ),
        entry(
            "key decoding: y = p + 1",
            "OLM-SIG-1",
            Input::Ed25519PublicKey {
                public_key: b64(&p_plus(1)),
            },
            "DecodeError::InvalidEd25519Key",
            "y ≥ p is not canonical",
        ),
        entry(
            "key decoding: identity with the sign bit set",
            "OLM-SIG-1",
            Input::Ed25519PublicKey {
                public_key: b64(&with_bit_255(identity)),
            },
            "DecodeError::InvalidEd25519Key",
            "x = 0 with the sign bit set is not canonical",
        ),
        entry(
            "key decoding: 42 characters",
            "OLM-B64-2",
            Input::Ed25519PublicKey {
                public_key: b64(&public)[..42].to_owned(),
            },
            "DecodeError::InvalidLength { expected: 43, got: 42 }",
            "a key is 43 base64 characters",
        ),
        entry(
            "key decoding: padded base64 (44 characters)",
            "OLM-B64-2",
            Input::Ed25519PublicKey {
                public_key: format!("{}=", b64(&public)),
            },
            "DecodeError::InvalidLength { expected: 43, got: 44 }",
            "the length is checked before decoding: a 44-character key is refused, padded or not",
        ),
        entry(
            "key decoding: a character outside the alphabet",
            "OLM-B64-1",
            Input::Ed25519PublicKey {
                public_key: format!("!{}", &b64(&public)[1..]),
            },
            "DecodeError::InvalidBase64",
            "only A–Z a–z 0–9 + / are base64 characters",
        ),
        entry(
            "signature decoding: 85 characters",
            "OLM-B64-2",
            Input::Ed25519Signature {
                signature: b64(&signature)[..85].to_owned(),
            },
            "DecodeError::InvalidLength { expected: 86, got: 85 }",
            "a signature is 86 base64 characters",
        ),
    ];
    // Account signatures: a one-time key signed by Alice's account, then altered.
    let account_message = b"{\"key\":\"one-time key\"}";
    let account_signature = key.sign(account_message).to_bytes();
    e.push(entry(
        "account signature over altered JSON",
        "OLM-ACCOUNT-3",
        verify(&public, b"{\"key\":\"one-time kez\"}", &account_signature),
        invalid,
        "the account signs exactly the bytes given; one changed byte fails",
    ));
    let contexts = BTreeMap::new();
    file(
        "signatures",
        "Alice's Ed25519 key (the seed of her account) signs a message; each entry changes \
         the signature, the message or the key as its name says",
        contexts,
        e,
    )
}

fn keys(world: &World) -> NegativeFile {
    let secret = hex_of(&SeededRng::new("keys/sas").bytes(32));
    let mut e = Vec::new();
    for (label, key) in low_order_curve_keys() {
        for (alias, key) in [("", key), (" with bit 255 set", with_bit_255(key))] {
            e.push(entry(
                &format!("SAS key of small order: {label}{alias}"),
                "SAS-DH-1",
                Input::SasDiffieHellman {
                    our_secret_hex: secret.clone(),
                    their_public_key: b64(&key),
                },
                "SasError::NonContributoryKey",
                "the shared secret would be all zero",
            ));
        }
    }
    for (label, key) in [("p", P), ("p + 1", p_plus(1))] {
        e.push(entry(
            &format!("SAS key of small order: u = {label}"),
            "SAS-DH-1",
            Input::SasDiffieHellman {
                our_secret_hex: secret.clone(),
                their_public_key: b64(&key),
            },
            "SasError::NonContributoryKey",
            "u ≥ p reduces to 0 or 1 mod p",
        ));
    }
    let bob = b64(world.bob_account.curve25519_key().as_bytes());
    e.push(entry(
        "SAS key of 42 characters",
        "SAS-DH-2",
        Input::SasDiffieHellman {
            our_secret_hex: secret.clone(),
            their_public_key: bob[..42].to_owned(),
        },
        "SasError::InvalidPublicKey(DecodeError::InvalidLength { expected: 43, got: 42 })",
        "the key must be exactly 43 characters",
    ));
    e.push(entry(
        "SAS key with padding",
        "OLM-B64-2",
        Input::SasDiffieHellman {
            our_secret_hex: secret,
            their_public_key: format!("{bob}="),
        },
        "SasError::InvalidPublicKey(DecodeError::InvalidLength { expected: 43, got: 44 })",
        "the key must be exactly 43 characters of unpadded base64; the length is checked first",
    ));
    for (label, key) in low_order_curve_keys().into_iter().take(3) {
        e.push(entry(
            &format!("PK recipient key of small order: {label}"),
            "PK-ENC-2",
            Input::PkEncryptionFromKey {
                recipient_key: b64(&key),
            },
            "PkError::NonContributoryKey",
            "every message to it would be readable by anyone",
        ));
    }
    // A PK message to the context key, then altered.
    let decryption = PkDecryption::new_with_rng(&mut SeededRng::new("keys/pk"));
    let message = PkEncryption::from_key(decryption.public_key())
        .expect("honest key")
        .encrypt(b"backup", &mut SeededRng::new("keys/pk/ephemeral"));
    let (ct, mac, eph) = (
        message.ciphertext_base64(),
        message.mac_base64(),
        message.ephemeral_key_base64(),
    );
    let pk = |ct: &str, mac: &str, eph: &str| Input::PkDecrypt {
        context: "pk".into(),
        ciphertext: ct.into(),
        mac: mac.into(),
        ephemeral_key: eph.into(),
    };
    for (label, key) in low_order_curve_keys().into_iter().take(3) {
        e.push(entry(
            &format!("PK ephemeral key of small order: {label}"),
            "PK-DEC-1",
            pk(&ct, &mac, &b64(&key)),
            "PkError::NonContributoryKey",
            "the shared secret would be all zero",
        ));
    }
    let mac_bytes = protee::types::base64::decode(&mac).expect("mac");
    e.push(entry(
        "PK MAC bit flipped",
        "PK-DEC-1",
        pk(&ct, &b64(&flip(&mac_bytes, 0, 0)), &eph),
        "PkError::InvalidMac",
        "the MAC no longer matches",
    ));
    e.push(entry("PK ephemeral key of 42 characters", "PK-MSG-1", pk(&ct, &mac, &eph[..42]),
        "PkError::InvalidEphemeralKeyEncoding(DecodeError::InvalidLength { expected: 43, got: 42 })",
        "the ephemeral key is 43 characters"));
    let ct_bytes = protee::types::base64::decode(&ct).expect("ct");
    e.push(entry(
        "PK ciphertext of 15 bytes",
        "PK-DEC-1",
        pk(&b64(&ct_bytes[..15]), &mac, &eph),
        "PkError::InvalidCiphertextLength { got: 15 }",
        "whole AES blocks only",
    ));
    // Olm outbound sessions to a small-order one-time key.
    let account_random = hex_of(&SeededRng::new("keys/outbound/account").bytes(64));
    let session_random = hex_of(&SeededRng::new("keys/outbound/session").bytes(64));
    for (label, key) in low_order_curve_keys() {
        e.push(entry(
            &format!("Olm outbound session to a one-time key of small order: {label}"),
            "OLM-DH-1",
            Input::OlmCreateOutbound {
                account_random_hex: account_random.clone(),
                session_random_hex: session_random.clone(),
                their_identity_key: b64(&world.bob_identity),
                their_one_time_key: b64(&key),
            },
            "SessionCreationError::NonContributoryKey",
            "a 3DH block would be all zero",
        ));
    }
    // Megolm session keys.
    let random = SeededRng::new("keys/megolm").bytes(160);
    let group = GroupSession::new_with_rng(&mut crate::replay_rng::ReplayRng::new(random));
    let session_key = protee::types::base64::decode(&group.session_key().to_base64()).expect("key");
    let sk = |bytes: &[u8]| Input::MegolmSessionKey {
        session_key: b64(bytes),
    };
    e.push(entry(
        "session key version 3",
        "MEGOLM-KEY-1",
        sk(&{
            let mut b = session_key.clone();
            b[0] = 3;
            b
        }),
        "SessionKeyError::UnsupportedVersion { expected: 2, got: Some(3) }",
        "a session key is version 2",
    ));
    e.push(entry(
        "session key signature bit flipped",
        "MEGOLM-KEY-1",
        sk(&flip(&session_key, session_key.len() - 5, 1)),
        "SessionKeyError::InvalidSignature",
        "the signature no longer verifies",
    ));
    e.push(entry(
        "session key ratchet bit flipped",
        "MEGOLM-KEY-1",
        sk(&flip(&session_key, 20, 1)),
        "SessionKeyError::InvalidSignature",
        "the signature covers the ratchet",
    ));
    e.push(entry(
        "session key truncated by 3 bytes",
        "MEGOLM-KEY-1",
        sk(&session_key[..session_key.len() - 3]),
        "SessionKeyError::InvalidLength { expected: 306, got: 302 }",
        "a session key is 229 bytes (306 characters)",
    ));
    let mut bad_key = session_key.clone();
    bad_key[133..165].copy_from_slice(&p_plus(1));
    e.push(entry(
        "session key with a non-canonical Ed25519 key",
        "MEGOLM-KEY-1",
        sk(&bad_key),
        "SessionKeyError::InvalidEd25519Key",
        "the embedded key is not a canonical point",
    ));
    let exported = protee::types::base64::decode(
        &InboundGroupSession::new(&group.session_key())
            .expect("key")
            .export_at_first_known_index()
            .to_base64(),
    )
    .expect("export");
    e.push(entry(
        "exported key version 2",
        "MEGOLM-KEY-2",
        Input::MegolmExportedKey {
            exported_key: b64(&{
                let mut b = exported.clone();
                b[0] = 2;
                b
            }),
        },
        "SessionKeyError::UnsupportedVersion { expected: 1, got: Some(2) }",
        "an exported key is version 1",
    ));
    e.push(entry(
        "exported key truncated by 3 bytes",
        "MEGOLM-KEY-2",
        Input::MegolmExportedKey {
            exported_key: b64(&exported[..exported.len() - 3]),
        },
        "SessionKeyError::InvalidLength { expected: 220, got: 216 }",
        "an exported key is 220 characters",
    ));
    let contexts = BTreeMap::from([(
        "pk".to_owned(),
        Context::PkDecryption {
            private_key_hex: hex_of(&decryption.to_bytes()[..]),
            description:
                "a PK decryption key from the seed; the honest message was encrypted to it".into(),
        },
    )]);
    file(
        "keys",
        "keys of small order given to SAS, PK encryption and decryption and Olm session \
         creation; badly encoded keys; altered Megolm session keys (layout: version 0, counter \
         1..5, ratchet 5..133, Ed25519 key 133..165, signature 165..229) and exported keys",
        contexts,
        e,
    )
}

fn pickles(world: &World) -> NegativeFile {
    let key = hex_of(PICKLE_KEY);
    let native_key = hex_of(&NATIVE_KEY);
    let mut e = Vec::new();
    let load = |object: &str, format: &str, pickle: String, key: &str| Input::PickleLoad {
        object: object.into(),
        format: format.into(),
        pickle,
        pickle_key_hex: key.into(),
    };
    let decode = |text: &str| protee::types::base64::decode(text).expect("pickle base64");
    let session = Session::from_libolm_pickle(&world.bob_session, PICKLE_KEY).expect("load");
    let account = Account::from_libolm_pickle(&world.bob_account_pickle, PICKLE_KEY).expect("load");
    let pk = PkDecryption::new_with_rng(&mut SeededRng::new("pickles/pk"));
    let libolm: Vec<(&str, String)> = vec![
        ("olm_session", world.bob_session.clone()),
        ("olm_account", world.bob_account_pickle.clone()),
        ("pk_decryption", pk.to_libolm_pickle(PICKLE_KEY)),
    ];
    for (object, pickle) in &libolm {
        let raw = decode(pickle);
        let n = raw.len();
        let o = *object;
        e.push(entry(
            &format!("libolm {o}: wrong pickle key"),
            "PICKLE-LIBOLM-2",
            load(o, "libolm", pickle.clone(), &hex_of(b"another key")),
            "PickleError::InvalidMac",
            "the MAC is keyed by the pickle key",
        ));
        e.push(entry(
            &format!("libolm {o}: one ciphertext bit flipped"),
            "PICKLE-LIBOLM-2",
            load(o, "libolm", b64(&flip(&raw, 20, 0)), &key),
            "PickleError::InvalidMac",
            "the MAC covers the ciphertext",
        ));
        e.push(entry(
            &format!("libolm {o}: one MAC bit flipped"),
            "PICKLE-LIBOLM-2",
            load(o, "libolm", b64(&flip(&raw, n - 1, 0)), &key),
            "PickleError::InvalidMac",
            "the 8-byte MAC no longer matches",
        ));
        e.push(entry(
            &format!("libolm {o}: last 8 bytes cut"),
            "PICKLE-LIBOLM-2",
            load(o, "libolm", b64(&raw[..n - 8]), &key),
            "PickleError::InvalidLength",
            "the ciphertext is no longer whole AES blocks",
        ));
        e.push(entry(
            &format!("libolm {o}: first block cut"),
            "PICKLE-LIBOLM-2",
            load(o, "libolm", b64(&raw[16..]), &key),
            "PickleError::InvalidMac",
            "whole blocks remain but the MAC no longer matches",
        ));
        let body = libolm_envelope::open(pickle, PICKLE_KEY).expect("honest pickle");
        e.push(entry(
            &format!("libolm {o}: body truncated by one byte (re-sealed)"),
            "PICKLE-ERR-1",
            load(
                o,
                "libolm",
                libolm_envelope::seal(&body[..body.len() - 1], PICKLE_KEY),
                &key,
            ),
            "PickleError::Truncated",
            "the body ends before its last field",
        ));
        e.push(entry(
            &format!("libolm {o}: one byte appended to the body (re-sealed)"),
            "PICKLE-ERR-1",
            load(
                o,
                "libolm",
                libolm_envelope::seal(&[&body[..], &[0u8][..]].concat(), PICKLE_KEY),
                &key,
            ),
            "PickleError::ExtraData",
            "bytes after the last field",
        ));
        e.push(entry(
            &format!("libolm {o}: version 99 (re-sealed)"),
            "PICKLE-LIBOLM-2",
            load(
                o,
                "libolm",
                libolm_envelope::seal(&[&[0u8, 0, 0, 99][..], &body[4..]].concat(), PICKLE_KEY),
                &key,
            ),
            "PickleError::UnknownVersion { found: 99 }",
            "the first field is the version",
        ));
    }
    e.push(entry(
        "libolm olm_session: not base64",
        "PICKLE-LIBOLM-2",
        load(
            "olm_session",
            "libolm",
            format!("!{}", &world.bob_session[1..]),
            &key,
        ),
        "PickleError::InvalidBase64",
        "the pickle is unpadded base64",
    ));
    e.push(entry(
        "libolm olm_session: 23 bytes",
        "PICKLE-LIBOLM-2",
        load(
            "olm_session",
            "libolm",
            b64(&decode(&world.bob_session)[..23]),
            &key,
        ),
        "PickleError::InvalidLength",
        "shorter than one block and the MAC",
    ));
    e.push(entry(
        "libolm olm_account: too long",
        "PICKLE-LIBOLM-2",
        load("olm_account", "libolm", "A".repeat(65_537), &key),
        "PickleError::TooLong { got: 65537 }",
        "longer than MAX_PICKLE_LENGTH (65,536)",
    ));
    // Native pickles.
    let natives: Vec<(&str, String)> = vec![
        (
            "olm_session",
            session.pickle_with_rng(&NATIVE_KEY, &mut SeededRng::new("pickles/native/session")),
        ),
        (
            "olm_account",
            account.pickle_with_rng(&NATIVE_KEY, &mut SeededRng::new("pickles/native/account")),
        ),
    ];
    for (object, pickle) in &natives {
        let raw = decode(pickle);
        let n = raw.len();
        let o = *object;
        e.push(entry(
            &format!("native {o}: wrong pickle key"),
            "PICKLE-NATIVE-3",
            load(o, "native", pickle.clone(), &hex_of(&[0x55; 32])),
            "PickleError::InvalidMac",
            "the tag is keyed by the pickle key",
        ));
        e.push(entry(
            &format!("native {o}: one nonce bit flipped"),
            "PICKLE-NATIVE-3",
            load(o, "native", b64(&flip(&raw, 5, 0)), &native_key),
            "PickleError::InvalidMac",
            "the nonce changes the key stream and the tag",
        ));
        e.push(entry(
            &format!("native {o}: one ciphertext bit flipped"),
            "PICKLE-NATIVE-3",
            load(o, "native", b64(&flip(&raw, 40, 0)), &native_key),
            "PickleError::InvalidMac",
            "the tag covers the ciphertext",
        ));
        e.push(entry(
            &format!("native {o}: one tag bit flipped"),
            "PICKLE-NATIVE-3",
            load(o, "native", b64(&flip(&raw, n - 1, 7)), &native_key),
            "PickleError::InvalidMac",
            "the tag no longer matches",
        ));
        e.push(entry(
            &format!("native {o}: truncated by one byte"),
            "PICKLE-NATIVE-3",
            load(o, "native", b64(&raw[..n - 1]), &native_key),
            "PickleError::InvalidMac",
            "a missing byte breaks the tag",
        ));
        e.push(entry(
            &format!("native {o}: truncated to 41 bytes"),
            "PICKLE-NATIVE-3",
            load(o, "native", b64(&raw[..41]), &native_key),
            "PickleError::InvalidLength",
            "shorter than header, nonce and tag",
        ));
        e.push(entry(
            &format!("native {o}: format version 2"),
            "PICKLE-NATIVE-3",
            load(
                o,
                "native",
                b64(&{
                    let mut b = raw.clone();
                    b[0] = 2;
                    b
                }),
                &native_key,
            ),
            "PickleError::UnknownVersion { found: 2 }",
            "the first byte is the format version 01",
        ));
    }
    let session_native = &natives[0].1;
    e.push(entry(
        "native session pickle loaded as an account",
        "PICKLE-NATIVE-3",
        load("olm_account", "native", session_native.clone(), &native_key),
        "PickleError::UnknownVersion { found: 2 }",
        "type byte 02 (session) is not 01 (account)",
    ));
    e.push(entry(
        "native pickle: empty",
        "PICKLE-NATIVE-3",
        load("olm_session", "native", String::new(), &native_key),
        "PickleError::InvalidLength",
        "no version byte",
    ));
    file(
        "pickles",
        "Bob's session and account and a PK key from the seed, pickled in libolm's format \
         (pickle key hex in each entry) and in protee's native format (nonce from the seeded \
         RNG), then changed as each name says; `re-sealed` entries decrypt the honest body, \
         change it and encrypt it again with libolm's envelope, written independently in \
         test-vectors/src/libolm_envelope.rs",
        BTreeMap::new(),
        e,
    )
}
