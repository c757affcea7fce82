//! Hostile inputs, each given through the public API and each answered with an exact error.
//!
//! Every variant of every public error enum in `src/error.rs` is reached here by a realistic
//! attack or mistake, except the three that no input can reach (said so where they would be):
//!
//! - `DecodeError`: `InvalidBase64`, `InvalidLength`, `InvalidEd25519Key`.
//! - `SignatureError`: `Invalid`.
//! - `MessageError`: `UnknownMessageType`, `InvalidBase64`, `TooShort`, `UnsupportedVersion`,
//!   `UnexpectedTag`, `InvalidVarint`, `FieldOverflow`, `InvalidKeyLength`,
//!   `InvalidCiphertextLength`, `TrailingBytes`.
//! - `DecryptionError`: `InvalidMac`, `InvalidPadding`, `MissingMessageKey`, `TooBigMessageGap`,
//!   `UnexpectedRatchetKey`, `NonContributoryKey`. Not `ChainIndexOverflow` (see
//!   `chain_index_overflow_cannot_be_reached_from_the_network`). Each cause gets its own
//!   variant where libolm says `BAD_MESSAGE_MAC` (spec/olm.md OLM-RECV-6).
//! - `SessionCreationError`: `UnknownOneTimeKey`, `IdentityKeyMismatch`, `NonContributoryKey`,
//!   `Decryption(InvalidMac | InvalidPadding | TooBigMessageGap)`. Not `RandomUnavailable`.
//! - `RandomError::Unavailable` (and `SessionCreationError::RandomUnavailable`, its twin) is
//!   returned only when the operating system's RNG (`getrandom`) fails. No input causes that
//!   and a test cannot make the OS RNG fail, so neither is tested here.
//!
//! After every refusal the session or account is shown to be unchanged and still usable
//! (spec/olm.md OLM-RECV-5, OLM-INBOUND-2).

mod common;

use common::{MockRandom, TestRng};
use protee::olm::{Account, OlmMessage, PreKeyMessage, Session};
use protee::utility::ed25519_verify;
use protee::{
    Curve25519PublicKey, DecodeError, DecryptionError, Ed25519PublicKey, Ed25519Signature,
    MessageError, SessionCreationError, SignatureError,
};
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------------------------
// The parties and their conversation
// ---------------------------------------------------------------------------------------------

/// Alice draws from libolm's `MockRandom('A', 0)`, so the test knows her secrets: chunk k of
/// 32 bytes is `[b'A', k, k, …]`. Chunk 0 is her Ed25519 seed, 1 her identity key I_A, and her
/// first outbound session takes 2 (base key E_A) and 3 (ratchet key T[0]) (spec/olm.md
/// OLM-ACCOUNT-1, OLM-SESSION-1). A malicious Alice uses them to forge valid MACs.
fn alice_secret(chunk: u8) -> [u8; 32] {
    let mut secret = [chunk; 32];
    secret[0] = b'A';
    secret
}

struct Parties {
    alice: Account,
    alice_rng: MockRandom,
    bob: Account,
    bob_rng: TestRng,
}

impl Parties {
    /// Alice, and Bob with two unpublished one-time keys.
    fn new() -> Self {
        let mut alice_rng = MockRandom::new(b'A', 0);
        let alice = Account::new_with_rng(&mut alice_rng);
        let mut bob_rng = TestRng::new(0xB0B);
        let mut bob = Account::new_with_rng(&mut bob_rng);
        bob.generate_one_time_keys(2, &mut bob_rng);
        Self {
            alice,
            alice_rng,
            bob,
            bob_rng,
        }
    }

    fn alice_key(&self) -> Curve25519PublicKey {
        self.alice.curve25519_key()
    }

    /// Bob's newest one-time key that is still unused.
    fn bob_one_time_key(&self) -> Curve25519PublicKey {
        self.bob.one_time_keys()[0].1
    }

    /// spec/olm.md OLM-SESSION-1: Alice starts a session with Bob's newest one-time key.
    fn alice_starts(&mut self) -> Session {
        self.alice_starts_with(self.bob_one_time_key())
    }

    fn alice_starts_with(&mut self, one_time_key: Curve25519PublicKey) -> Session {
        self.alice
            .create_outbound_session(
                &self.bob.curve25519_key(),
                &one_time_key,
                &mut self.alice_rng,
            )
            .expect("Alice starts a session with Bob's genuine keys")
    }

    /// spec/olm.md OLM-INBOUND-1: Bob creates his session from Alice's first message.
    fn bob_answers(&mut self, first: &OlmMessage) -> Session {
        let alice_key = self.alice_key();
        self.bob
            .create_inbound_session(Some(&alice_key), pre_key(first))
            .expect("Bob accepts Alice's genuine first message")
            .session
    }
}

/// Alice and Bob after one message each way: Bob has replied, Alice has read the reply.
fn established() -> (Parties, Session, Session) {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    let reply = bob.encrypt(b"Hello, Alice", &mut p.bob_rng);
    assert_eq!(
        alice.decrypt(&reply).expect("Alice reads Bob's reply"),
        b"Hello, Alice"
    );
    (p, alice, bob)
}

/// The session survived: one message each way still decrypts.
fn still_talking(p: &mut Parties, alice: &mut Session, bob: &mut Session) {
    let to_bob = alice.encrypt(b"still there?", &mut p.alice_rng);
    assert_eq!(
        bob.decrypt(&to_bob).expect("Bob still reads Alice"),
        b"still there?"
    );
    let to_alice = bob.encrypt(b"yes", &mut p.bob_rng);
    assert_eq!(
        alice.decrypt(&to_alice).expect("Alice still reads Bob"),
        b"yes"
    );
}

fn pre_key(message: &OlmMessage) -> &PreKeyMessage {
    match message {
        OlmMessage::PreKey(m) => m,
        OlmMessage::Normal(_) => panic!("expected a pre-key message"),
    }
}

// ---------------------------------------------------------------------------------------------
// Bytes
// ---------------------------------------------------------------------------------------------

/// Unpadded standard base64, as a Matrix event carries a message body.
fn b64(bytes: &[u8]) -> String {
    use base64ct::{Base64Unpadded, Encoding};
    Base64Unpadded::encode_string(bytes)
}

/// A message as it arrives in an event: type number and base64 body (spec/olm.md OLM-MSG-3).
fn receive(message_type: usize, bytes: &[u8]) -> Result<OlmMessage, MessageError> {
    OlmMessage::from_parts(message_type, &b64(bytes))
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the needle is in the message")
}

/// `bytes` with `range` replaced by `new`.
fn spliced(bytes: &[u8], range: std::ops::Range<usize>, new: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out.splice(range, new.iter().copied());
    out
}

/// Lays out a normal message field by field (spec/olm.md OLM-MSG-1) with any contents, including
/// ones no honest encoder writes. Lengths are written as one byte (all used here are < 128).
fn normal_message(ratchet_key: &[u8], counter: &[u8], ciphertext: &[u8], mac: &[u8]) -> Vec<u8> {
    let mut out = vec![3, 0x0a, ratchet_key.len() as u8];
    out.extend_from_slice(ratchet_key);
    out.push(0x10);
    out.extend_from_slice(counter);
    out.push(0x22);
    out.push(ciphertext.len() as u8);
    out.extend_from_slice(ciphertext);
    out.extend_from_slice(mac);
    out
}

/// spec/olm.md OLM-DH-1: the u-coordinates on which X25519 gives zero for every scalar.
const LOW_ORDER_POINTS: [&str; 7] = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

/// The 14 low-order encodings: each point, with bit 255 clear and set (X25519 ignores it).
fn all_low_order_encodings() -> Vec<Curve25519PublicKey> {
    let mut keys = Vec::new();
    for point in LOW_ORDER_POINTS {
        for high_bit in [0x00, 0x80] {
            let mut bytes: [u8; 32] = hex(point).try_into().expect("32 bytes");
            bytes[31] |= high_bit;
            let key = Curve25519PublicKey::from_bytes(bytes);
            assert!(key.is_low_order());
            keys.push(key);
        }
    }
    keys
}

/// The 5 canonical low-order keys (0, 1, the two order-8 points, p − 1): the only ones that
/// get past the decoder, which refuses the 9 non-canonical encodings (spec/olm.md OLM-MSG-2).
fn low_order_keys() -> Vec<Curve25519PublicKey> {
    let keys: Vec<_> = all_low_order_encodings()
        .into_iter()
        .filter(|k| k.is_canonical())
        .collect();
    assert_eq!(keys.len(), 5);
    keys
}

// spec/olm.md OLM-MSG-2: the non-canonical low-order encodings never reach a DH.
#[test]
fn non_canonical_low_order_keys_are_refused_by_the_decoder() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let non_canonical: Vec<_> = all_low_order_encodings()
        .into_iter()
        .filter(|k| !k.is_canonical())
        .collect();
    assert_eq!(non_canonical.len(), 9);
    for key in non_canonical {
        for (range, tag) in [(3..35, 0x0a), (37..69, 0x12), (71..103, 0x1a)] {
            let patched = spliced(first.as_bytes(), range, key.as_bytes());
            assert_eq!(
                receive(0, &patched).err(),
                Some(MessageError::NonCanonicalKey { tag })
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A malicious sender's own keys: an independent re-derivation of Alice's chain 0
// ---------------------------------------------------------------------------------------------

fn hmac_sha256(key: &[u8], message: &[&[u8]]) -> [u8; 32] {
    assert!(key.len() <= 64);
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key);
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    for part in message {
        inner.update(part);
    }
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

fn hkdf_sha256(salt: &[u8], ikm: &[u8], info: &[u8], length: usize) -> Vec<u8> {
    let prk = hmac_sha256(salt, &[ikm]);
    let mut okm = Vec::new();
    let mut block = Vec::new();
    for counter in 1u8.. {
        if okm.len() >= length {
            break;
        }
        block = hmac_sha256(&prk, &[&block, info, &[counter]]).to_vec();
        okm.extend_from_slice(&block);
    }
    okm.truncate(length);
    okm
}

/// The MAC key of message `index` on Alice's first chain, which Alice, as sender, can always
/// compute: spec/olm.md OLM-3DH-1, OLM-ROOT-1, OLM-CHAIN-1, OLM-MSGKEY-1, OLM-CIPHER-1.
fn alice_mac_key(
    bob_identity: &Curve25519PublicKey,
    bob_one_time: &Curve25519PublicKey,
    index: u32,
) -> [u8; 32] {
    use x25519_dalek::x25519;
    let (identity, base) = (alice_secret(1), alice_secret(2));
    let shared = [
        x25519(identity, bob_one_time.to_bytes()),
        x25519(base, bob_identity.to_bytes()),
        x25519(base, bob_one_time.to_bytes()),
    ]
    .concat();
    let root = hkdf_sha256(&[0; 32], &shared, b"OLM_ROOT", 64);
    let mut chain_key: [u8; 32] = root[32..].try_into().expect("32 bytes");
    for _ in 0..index {
        chain_key = hmac_sha256(&chain_key, &[&[0x02]]);
    }
    let message_key = hmac_sha256(&chain_key, &[&[0x01]]);
    let cipher_keys = hkdf_sha256(&[0; 32], &message_key, b"OLM_KEYS", 80);
    cipher_keys[32..64].try_into().expect("32 bytes")
}

/// Rewrites the 8-byte MAC of the normal message that ends `bytes` (alone or inside a pre-key
/// message), `inner_len` bytes long (spec/olm.md OLM-MAC-1).
fn remac(bytes: &mut [u8], inner_len: usize, mac_key: &[u8; 32]) {
    let end = bytes.len();
    let mac = hmac_sha256(mac_key, &[&bytes[end - inner_len..end - 8]]);
    bytes[end - 8..].copy_from_slice(&mac[..8]);
}

// =============================================================================================
// DecodeError: keys and signatures from a key server or a device list
// =============================================================================================

// spec/olm.md OLM-B64-2: vodozemac 0.11 panics on this 44-character Ed25519 key (libolm's
// test key with one extra character); protee reports the length.
#[test]
fn a_forty_four_character_ed25519_key_is_a_length_error_not_a_panic() {
    let key = "OfRjBf2SJfVkaURpFX6Iltf3Kozh2qcL636eF2VoQ54A";
    assert_eq!(
        Ed25519PublicKey::from_base64(key),
        Err(DecodeError::InvalidLength {
            expected: 43,
            got: 44
        })
    );
    assert_eq!(
        Curve25519PublicKey::from_base64(key),
        Err(DecodeError::InvalidLength {
            expected: 43,
            got: 44
        })
    );
    let alice = Account::new_with_rng(&mut MockRandom::new(b'A', 0));
    assert_eq!(alice.ed25519_key().to_base64(), &key[..43]);
    let signature = alice.sign(b"m").to_base64();
    assert_eq!(
        ed25519_verify(key, b"m", &signature),
        Err(SignatureError::Invalid)
    );
    assert_eq!(ed25519_verify(&key[..43], b"m", &signature), Ok(()));
}

// spec/olm.md OLM-B64-1, OLM-B64-2: padded base64 (what a generic base64 library writes) is
// refused for keys, signatures and message bodies alike.
#[test]
fn padded_base64_from_a_generic_encoder_is_refused() {
    use base64ct::{Base64, Encoding};
    let (mut p, mut alice, mut bob) = established();
    let padded_key = Base64::encode_string(p.bob.curve25519_key().as_bytes());
    assert!(padded_key.ends_with('='));
    assert_eq!(
        Curve25519PublicKey::from_base64(&padded_key),
        Err(DecodeError::InvalidLength {
            expected: 43,
            got: 44
        })
    );
    let padded_signature = Base64::encode_string(&p.alice.sign(b"m").to_bytes());
    assert!(padded_signature.ends_with("=="));
    assert_eq!(
        Ed25519Signature::from_base64(&padded_signature),
        Err(DecodeError::InvalidLength {
            expected: 86,
            got: 88
        })
    );
    // A 20-byte plaintext gives a 32-byte ciphertext and a 79-byte message: 79 = 3·26 + 1, so
    // padded base64 ends in "==".
    let message = bob.encrypt(b"twenty bytes of text", &mut p.bob_rng);
    let padded_body = Base64::encode_string(message.as_bytes());
    assert!(padded_body.ends_with("=="));
    assert_eq!(
        OlmMessage::from_parts(1, &padded_body),
        Err(MessageError::InvalidBase64)
    );
    let (_, body) = message.to_parts();
    assert_eq!(
        alice
            .decrypt(&OlmMessage::from_parts(1, &body).expect("unpadded body"))
            .expect("the same message, unpadded, decrypts"),
        b"twenty bytes of text"
    );
}

// spec/olm.md OLM-B64-1: the URL-safe alphabet, stray characters and non-canonical trailing
// bits are refused (libolm would decode them into other bytes).
#[test]
fn url_safe_or_garbled_base64_keys_are_refused() {
    let alice = Account::new_with_rng(&mut MockRandom::new(b'A', 0));
    let key = alice.curve25519_key().to_base64();
    assert_eq!(key, "3i6dF5tK4UMB+RSgHR1g6Hi9hSKpp0z8alUrYyn9dUw");
    let url_safe = key.replace('+', "-");
    let with_space = key.replacen('K', " ", 1);
    // 43 characters carry 2 unused bits in the last one: 'w' = 0b110000, 'x' = 0b110001.
    let trailing_bits = key.replace("dUw", "dUx");
    let not_ascii = format!("{}é", &key[..41]); // 43 bytes, 42 characters
    for bad in [&url_safe, &with_space, &trailing_bits, &not_ascii] {
        assert_eq!(bad.len(), 43);
        assert_eq!(
            Curve25519PublicKey::from_base64(bad),
            Err(DecodeError::InvalidBase64),
            "{bad}"
        );
        assert_eq!(
            Ed25519PublicKey::from_base64(bad),
            Err(DecodeError::InvalidBase64),
            "{bad}"
        );
    }
    assert_eq!(
        Curve25519PublicKey::from_base64(&key),
        Ok(alice.curve25519_key())
    );
}

// spec/olm.md OLM-SIG-1: an Ed25519 key must be the canonical encoding of a curve point.
#[test]
fn an_ed25519_key_that_is_not_a_canonical_point_is_refused() {
    let mut not_on_curve = [0u8; 32];
    not_on_curve[0] = 2; // y = 2: (y² − 1)/(d·y² + 1) has no square root
    let mut y_is_p_plus_one = [0xffu8; 32]; // y = p + 1, a second encoding of the identity
    y_is_p_plus_one[0] = 0xee;
    y_is_p_plus_one[31] = 0x7f;
    let mut negative_zero = [0u8; 32]; // the identity with the sign bit of x = 0 set
    negative_zero[0] = 1;
    negative_zero[31] = 0x80;
    for bytes in [not_on_curve, y_is_p_plus_one, negative_zero] {
        assert_eq!(
            Ed25519PublicKey::from_base64(&b64(&bytes)),
            Err(DecodeError::InvalidEd25519Key),
            "{bytes:02x?}"
        );
        assert_eq!(
            Ed25519PublicKey::from_slice(&bytes),
            Err(DecodeError::InvalidEd25519Key)
        );
    }
    assert_eq!(
        Ed25519PublicKey::from_slice(&[9u8; 31]),
        Err(DecodeError::InvalidLength {
            expected: 32,
            got: 31
        })
    );
    assert_eq!(
        Ed25519Signature::from_slice(&[9u8; 65]),
        Err(DecodeError::InvalidLength {
            expected: 64,
            got: 65
        })
    );
}

// =============================================================================================
// SignatureError
// =============================================================================================

/// L, the order of the Ed25519 group, little-endian.
const GROUP_ORDER: &str = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

// spec/olm.md OLM-SIG-1: CVE-2024-45193. libolm checks only the top three bits of S, so S + L
// verifies there; protee requires S < L.
#[test]
fn a_malleated_signature_with_s_plus_l_is_refused() {
    let alice = Account::new_with_rng(&mut MockRandom::new(b'A', 0));
    let message = br#"{"device_id":"ALICE","keys":{}}"#;
    let signature = alice.sign(message);
    let key = alice.ed25519_key();
    assert_eq!(key.verify(message, &signature), Ok(()));

    let mut bytes = signature.to_bytes();
    let order = hex(GROUP_ORDER);
    let mut carry = 0u16;
    for (s, l) in bytes[32..].iter_mut().zip(&order) {
        let sum = u16::from(*s) + u16::from(*l) + carry;
        *s = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    assert_eq!(
        bytes[63] & 0xe0,
        0,
        "top three bits clear: libolm accepts this"
    );
    let malleated = Ed25519Signature::from_bytes(bytes);
    assert_eq!(
        key.verify(message, &malleated),
        Err(SignatureError::Invalid)
    );
    assert_eq!(
        ed25519_verify(&key.to_base64(), message, &malleated.to_base64()),
        Err(SignatureError::Invalid)
    );
}

// spec/olm.md OLM-SIG-1: with the identity point as key and (R = identity, S = 0) as signature,
// the cofactorless equation holds for every message; libolm has no small-order check.
#[test]
fn the_small_order_key_that_verifies_every_message_in_libolm_is_refused() {
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let key = Ed25519PublicKey::from_base64(&b64(&identity)).expect("a canonical point");
    let mut forged = [0u8; 64];
    forged[0] = 1;
    let forged = Ed25519Signature::from_bytes(forged);
    for message in [&b"I am Alice"[..], b"", b"anything at all"] {
        assert_eq!(key.verify(message, &forged), Err(SignatureError::Invalid));
        assert_eq!(
            ed25519_verify(&key.to_base64(), message, &forged.to_base64()),
            Err(SignatureError::Invalid)
        );
    }
}

#[test]
fn a_signature_over_another_message_or_by_another_key_is_refused() {
    let (p, _, _) = established();
    let signature = p.alice.sign(b"one-time keys of Alice");
    assert_eq!(
        p.alice
            .ed25519_key()
            .verify(b"one-time keys of Mallory", &signature),
        Err(SignatureError::Invalid)
    );
    assert_eq!(
        p.bob
            .ed25519_key()
            .verify(b"one-time keys of Alice", &signature),
        Err(SignatureError::Invalid)
    );
    assert_eq!(
        ed25519_verify(&p.alice.ed25519_key().to_base64(), b"m", "not a signature"),
        Err(SignatureError::Invalid)
    );
}

// =============================================================================================
// MessageError: bodies that are not Olm messages (spec/olm.md OLM-MSG-2, OLM-PREKEY-2, OLM-MSG-3)
// =============================================================================================

// spec/olm.md OLM-MSG-3: only types 0 and 1 exist.
#[test]
fn a_message_of_an_unknown_type_is_refused() {
    let (mut p, mut alice, mut bob) = established();
    let message = bob.encrypt(b"typed", &mut p.bob_rng);
    let (_, body) = message.to_parts();
    for message_type in [2, 3, usize::MAX] {
        assert_eq!(
            OlmMessage::from_parts(message_type, &body),
            Err(MessageError::UnknownMessageType(message_type))
        );
    }
    assert_eq!(
        alice.decrypt(&OlmMessage::from_parts(1, &body).expect("type 1")),
        Ok(b"typed".to_vec())
    );
}

// spec/olm.md OLM-B64-1, OLM-MSG-3: a body mangled on the way (a trailing newline, a space,
// URL-safe characters) is not base64.
#[test]
fn a_body_mangled_in_transit_is_not_base64() {
    let (mut p, _, mut bob) = established();
    let (_, body) = bob.encrypt(b"text", &mut p.bob_rng).to_parts();
    for bad in [
        format!("{body}\n"),
        format!(" {body}"),
        format!("{}=", &body[..body.len() - 1]),
        body.replace(['+', '/'], "-"),
        format!("{body}A"), // length ≡ 1 (mod 4)
    ] {
        assert_ne!(bad, body);
        assert_eq!(
            OlmMessage::from_parts(1, &bad),
            Err(MessageError::InvalidBase64),
            "{bad:?}"
        );
    }
}

// Fact sheet §9.1, libolm's test_olm_decrypt.cpp: these bytes, passed as the base64 text of a
// pre-key message, must be refused (libolm: BAD_MESSAGE_FORMAT). Three are not UTF-8 and so
// cannot be a Rust `&str` at all; they are tried as libolm reads them (each byte masked with
// 0x7f, spec/olm.md OLM-B64-1), as lossy UTF-8, and as raw message bytes.
#[test]
fn libolm_test_olm_decrypt_inputs_are_refused_as_pre_key_messages() {
    let inputs = [
        "41776f",
        "7fff6f0101346d671201",
        "ee776f41496f674177804177778041776f6716670a677d6f670a67c2677d",
        "e9e9c9c1e9e9c9e9c9c1e9e9c9c1",
    ];
    let mut p = Parties::new();
    let keys_before = p.bob.one_time_keys();
    for input in inputs {
        let bytes = hex(input);
        let masked: String = bytes.iter().map(|&b| char::from(b & 0x7f)).collect();
        let lossy = String::from_utf8_lossy(&bytes).into_owned();
        for text in [&masked, &lossy] {
            let result: Result<OlmMessage, MessageError> = OlmMessage::from_parts(0, text);
            assert!(result.is_err(), "{input} as {text:?}: {result:?}");
        }
        let result = OlmMessage::from_type_and_bytes(0, bytes);
        assert!(result.is_err(), "{input} as bytes: {result:?}");
    }
    // "Awo" is valid base64 for 03 0A: a version byte and a one-time key tag, then nothing.
    assert_eq!(
        OlmMessage::from_parts(0, "Awo"),
        Err(MessageError::InvalidVarint { offset: 2 })
    );
    assert_eq!(p.bob.one_time_keys(), keys_before);
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"after the junk", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-PREKEY-2: the identity key is required. libolm's
// olm_create_inbound_session_from accepts the message without it and then copies from NULL.
#[test]
fn a_pre_key_message_without_the_identity_key_is_refused_where_libolm_segfaults() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let bytes = first.as_bytes();
    let identity = find(bytes, p.alice_key().as_bytes());
    assert_eq!(identity, 71);
    // Drop the whole field: tag 1A, length 20, 32 key bytes.
    let without = spliced(bytes, identity - 2..identity + 32, &[]);
    assert_eq!(
        receive(0, &without),
        Err(MessageError::UnexpectedTag {
            offset: 69,
            expected: 0x1a,
            got: Some(0x22)
        })
    );
    // The same field, empty.
    let empty = spliced(bytes, identity - 1..identity + 32, &[0]);
    assert_eq!(
        receive(0, &empty),
        Err(MessageError::InvalidKeyLength { tag: 0x1a, got: 0 })
    );
    let mut bob = p.bob_answers(&first);
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-MSG-2, OLM-PREKEY-2: libolm accepts fields in any order, lets a repeated field
// win, and skips unknown ones; protee accepts one layout only.
#[test]
fn fields_out_of_order_or_repeated_are_refused() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let bytes = first.as_bytes();
    // Pre-key: the identity key field moved to the front.
    let identity_field = bytes[69..103].to_vec();
    let moved = [&bytes[..1], &identity_field, &bytes[1..69], &bytes[103..]].concat();
    assert_eq!(moved.len(), bytes.len());
    assert_eq!(
        receive(0, &moved),
        Err(MessageError::UnexpectedTag {
            offset: 1,
            expected: 0x0a,
            got: Some(0x1a)
        })
    );
    // Pre-key: a second one-time key field (libolm: the last one wins).
    let one_time_field = bytes[1..35].to_vec();
    let repeated = [&bytes[..35], &one_time_field, &bytes[35..]].concat();
    assert_eq!(
        receive(0, &repeated),
        Err(MessageError::UnexpectedTag {
            offset: 35,
            expected: 0x12,
            got: Some(0x0a)
        })
    );

    let mut bob = p.bob_answers(&first);
    let reply = bob.encrypt(b"Hello, Alice", &mut p.bob_rng);
    let r = reply.as_bytes();
    // Normal: the counter before the ratchet key (libolm test_message.cpp decodes this order).
    let counter_first = [&r[..1], &r[35..37], &r[1..35], &r[37..]].concat();
    assert_eq!(
        receive(1, &counter_first),
        Err(MessageError::UnexpectedTag {
            offset: 1,
            expected: 0x0a,
            got: Some(0x10)
        })
    );
    assert_eq!(
        alice.decrypt(&reply).expect("the genuine reply"),
        b"Hello, Alice"
    );
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-MSG-2, OLM-PREKEY-2: the version byte must be 3, outer (libolm never reads
// it) and inner.
#[test]
fn a_message_of_another_protocol_version_is_refused() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let bytes = first.as_bytes();
    assert_eq!(
        receive(0, &spliced(bytes, 0..1, &[4])),
        Err(MessageError::UnsupportedVersion { got: 4 })
    );
    let inner = bytes.len() - pre_key(&first).message().as_bytes().len();
    assert_eq!(
        receive(0, &spliced(bytes, inner..inner + 1, &[2])),
        Err(MessageError::UnsupportedVersion { got: 2 })
    );
    let mut bob = p.bob_answers(&first);
    let reply = bob.encrypt(b"Hello, Alice", &mut p.bob_rng);
    for version in [0, 1, 2, 4, 0xff] {
        assert_eq!(
            receive(1, &spliced(reply.as_bytes(), 0..1, &[version])),
            Err(MessageError::UnsupportedVersion { got: version })
        );
    }
    // Too short and of the wrong version: the version is the more useful error.
    assert_eq!(
        receive(1, &[2, 0x0a]),
        Err(MessageError::UnsupportedVersion { got: 2 })
    );
    assert_eq!(alice.decrypt(&reply).expect("genuine"), b"Hello, Alice");
}

// spec/olm.md OLM-MSG-2: a normal message is at least 63 bytes; an empty pre-key message lacks
// even its version byte.
#[test]
fn a_message_too_short_to_hold_its_fields_is_refused() {
    let (mut p, mut alice, mut bob) = established();
    let reply = bob.encrypt(b"short", &mut p.bob_rng);
    assert_eq!(reply.as_bytes().len(), 63);
    assert_eq!(
        receive(1, &reply.as_bytes()[..62]),
        Err(MessageError::TooShort { min: 63, got: 62 })
    );
    assert_eq!(
        receive(1, &[]),
        Err(MessageError::TooShort { min: 63, got: 0 })
    );
    assert_eq!(
        receive(1, &[3]),
        Err(MessageError::TooShort { min: 63, got: 1 })
    );
    assert_eq!(
        receive(0, &[]),
        Err(MessageError::TooShort { min: 1, got: 0 })
    );
    assert_eq!(alice.decrypt(&reply).expect("genuine"), b"short");
}

// spec/olm.md OLM-MSG-2: varints must be canonical and fit a u32. libolm keeps the low 32 bits,
// so the counter 2^32 would be read as 0.
#[test]
fn a_counter_that_libolm_would_truncate_to_32_bits_is_refused() {
    let (mut p, mut alice, mut bob) = established();
    let reply = bob.encrypt(b"counter", &mut p.bob_rng);
    let OlmMessage::Normal(m) = &reply else {
        panic!("Bob sends normal messages")
    };
    let key = m.ratchet_key().to_bytes();
    let rebuild = |counter: &[u8]| normal_message(&key, counter, m.ciphertext(), m.mac());
    assert_eq!(rebuild(&[m.chain_index() as u8]), reply.as_bytes());
    for counter in [
        &[0x80, 0x80, 0x80, 0x80, 0x10][..],   // 2^32
        &[0xff, 0xff, 0xff, 0xff, 0x1f],       // 2^35 − 1
        &[0x80, 0x00],                         // 0, over-long
        &[0x81, 0x80, 0x00],                   // 1, over-long
        &[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], // six bytes
    ] {
        assert_eq!(
            receive(1, &rebuild(counter)),
            Err(MessageError::InvalidVarint { offset: 36 }),
            "{counter:02x?}"
        );
    }
    // The inner message length of a pre-key message, over-long: 63 as BF 00.
    let mut p2 = Parties::new();
    let first = p2.alice_starts().encrypt(b"Hello, Bob", &mut p2.alice_rng);
    let bytes = first.as_bytes();
    assert_eq!(bytes[104], 63);
    assert_eq!(
        receive(0, &spliced(bytes, 104..105, &[0xbf, 0x00])),
        Err(MessageError::InvalidVarint { offset: 104 })
    );
    assert_eq!(alice.decrypt(&reply).expect("genuine"), b"counter");
}

// spec/olm.md OLM-MSG-2, OLM-PREKEY-2: a declared length that runs past the end is an error
// (libolm leaves the field unset and carries on).
#[test]
fn a_field_length_that_runs_past_the_end_is_refused() {
    let (mut p, mut alice, mut bob) = established();
    let reply = bob.encrypt(b"overflow", &mut p.bob_rng);
    let r = reply.as_bytes();
    assert_eq!(r[38], 16);
    // The ciphertext claims 32 bytes; 16 remain before the MAC.
    assert_eq!(
        receive(1, &spliced(r, 38..39, &[32])),
        Err(MessageError::FieldOverflow { offset: 39 })
    );
    // The ciphertext claims 100 bytes (would run into and past the MAC).
    assert_eq!(
        receive(1, &spliced(r, 38..39, &[100])),
        Err(MessageError::FieldOverflow { offset: 39 })
    );
    // A pre-key message missing its last byte: the inner message is one byte short.
    let mut p2 = Parties::new();
    let first = p2.alice_starts().encrypt(b"Hello, Bob", &mut p2.alice_rng);
    let bytes = first.as_bytes();
    assert_eq!(
        receive(0, &bytes[..bytes.len() - 1]),
        Err(MessageError::FieldOverflow { offset: 105 })
    );
    assert_eq!(alice.decrypt(&reply).expect("genuine"), b"overflow");
}

// spec/olm.md OLM-MSG-2, OLM-PREKEY-2: every key is exactly 32 bytes. A 33-byte key is what a
// Signal-style encoder writes (a 0x05 type byte in front).
#[test]
fn a_key_that_is_not_32_bytes_is_refused() {
    let (mut p, mut alice, mut bob) = established();
    let reply = bob.encrypt(b"twenty bytes of text", &mut p.bob_rng);
    let OlmMessage::Normal(m) = &reply else {
        panic!("Bob sends normal messages")
    };
    let signal_style = [&[0x05], &m.ratchet_key().to_bytes()[..]].concat();
    let counter = [m.chain_index() as u8];
    assert_eq!(
        receive(
            1,
            &normal_message(&signal_style, &counter, m.ciphertext(), m.mac())
        ),
        Err(MessageError::InvalidKeyLength { tag: 0x0a, got: 33 })
    );
    assert_eq!(
        receive(
            1,
            &normal_message(&signal_style[..31], &counter, m.ciphertext(), m.mac())
        ),
        Err(MessageError::InvalidKeyLength { tag: 0x0a, got: 31 })
    );
    // Pre-key: a base key of 31 bytes (length 1F, one byte dropped).
    let mut p2 = Parties::new();
    let first = p2.alice_starts().encrypt(b"Hello, Bob", &mut p2.alice_rng);
    let bytes = first.as_bytes();
    assert_eq!(&bytes[35..37], &[0x12, 0x20]);
    assert_eq!(
        receive(0, &spliced(bytes, 36..38, &[0x1f])),
        Err(MessageError::InvalidKeyLength { tag: 0x12, got: 31 })
    );
    assert_eq!(
        alice.decrypt(&reply).expect("genuine"),
        b"twenty bytes of text"
    );
}

// spec/olm.md OLM-MSG-2, OLM-CIPHER-2: the ciphertext is whole AES blocks (libolm does not
// check, and reads past the end on a bad length).
#[test]
fn a_ciphertext_that_is_not_whole_aes_blocks_is_refused() {
    let (mut p, mut alice, mut bob) = established();
    let reply = bob.encrypt(b"twenty bytes of text", &mut p.bob_rng);
    let OlmMessage::Normal(m) = &reply else {
        panic!("Bob sends normal messages")
    };
    let key = m.ratchet_key().to_bytes();
    let counter = [m.chain_index() as u8];
    let ciphertext = m.ciphertext();
    assert_eq!(ciphertext.len(), 32);
    for length in [17, 31] {
        assert_eq!(
            receive(
                1,
                &normal_message(&key, &counter, &ciphertext[..length], m.mac())
            ),
            Err(MessageError::InvalidCiphertextLength { got: length })
        );
    }
    let extended = [ciphertext, &[0]].concat();
    assert_eq!(
        receive(1, &normal_message(&key, &counter, &extended, m.mac())),
        Err(MessageError::InvalidCiphertextLength { got: 33 })
    );
    assert_eq!(
        alice.decrypt(&reply).expect("genuine"),
        b"twenty bytes of text"
    );
}

// spec/olm.md OLM-MSG-2, OLM-PREKEY-2: nothing may follow the last field (libolm skips unknown
// fields, so a newer sender's extra field would be silently ignored there).
#[test]
fn bytes_after_the_last_field_are_refused() {
    let (mut p, mut alice, mut bob) = established();
    let reply = bob.encrypt(b"trailing", &mut p.bob_rng);
    let r = reply.as_bytes();
    // An unknown field 5 (tag 2A, empty) between the ciphertext and the MAC.
    let mac_start = r.len() - 8;
    assert_eq!(
        receive(1, &spliced(r, mac_start..mac_start, &[0x2a, 0x00])),
        Err(MessageError::TrailingBytes { count: 2 })
    );
    // One byte too many: the last MAC byte is now read as a trailing body byte.
    assert_eq!(
        receive(1, &[r, &[0]].concat()),
        Err(MessageError::TrailingBytes { count: 1 })
    );
    let mut p2 = Parties::new();
    let first = p2.alice_starts().encrypt(b"Hello, Bob", &mut p2.alice_rng);
    assert_eq!(
        receive(0, &[first.as_bytes(), &[0x2a, 0x00]].concat()),
        Err(MessageError::TrailingBytes { count: 2 })
    );
    assert_eq!(alice.decrypt(&reply).expect("genuine"), b"trailing");
}

// spec/olm.md OLM-MSG-2, OLM-PREKEY-2: every prefix of a real message, as bytes and as base64
// text cut at any character, is an error and never a panic.
#[test]
fn a_message_cut_off_at_any_length_is_refused_never_a_panic() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    let reply = bob.encrypt(b"twenty bytes of text", &mut p.bob_rng);
    let mut refused = 0;
    for message in [&first, &reply] {
        let (message_type, body) = message.to_parts();
        let bytes = message.as_bytes();
        for length in 0..bytes.len() {
            let cut = bytes[..length].to_vec();
            assert!(
                OlmMessage::from_type_and_bytes(message_type, cut.clone()).is_err(),
                "type {message_type}, first {length} bytes"
            );
            assert!(receive(message_type, &cut).is_err());
            refused += 2;
        }
        for length in 0..body.len() {
            assert!(
                OlmMessage::from_parts(message_type, &body[..length]).is_err(),
                "type {message_type}, first {length} characters"
            );
            refused += 1;
        }
    }
    assert_eq!(refused, 2 * (168 + 79) + (224 + 106));
    // A few of them, exactly.
    let f = first.as_bytes();
    assert_eq!(
        receive(0, &f[..1]),
        Err(MessageError::UnexpectedTag {
            offset: 1,
            expected: 0x0a,
            got: None
        })
    );
    assert_eq!(
        receive(0, &f[..3]),
        Err(MessageError::FieldOverflow { offset: 3 })
    );
    assert_eq!(
        receive(0, &f[..103]),
        Err(MessageError::UnexpectedTag {
            offset: 103,
            expected: 0x22,
            got: None
        })
    );
    let r = reply.as_bytes();
    assert_eq!(
        receive(1, &r[..78]),
        Err(MessageError::FieldOverflow { offset: 39 })
    );
    assert_eq!(
        alice.decrypt(&reply).expect("genuine"),
        b"twenty bytes of text"
    );
    still_talking(&mut p, &mut alice, &mut bob);
}

// =============================================================================================
// DecryptionError
// =============================================================================================

/// Everything `decrypt` can answer to a bit-flipped message.
#[derive(Debug, Default)]
struct Refusals {
    message: usize,
    decryption: std::collections::BTreeMap<String, usize>,
}

/// Flips every bit of `genuine` in turn and delivers it to `session`: each flip must be refused,
/// as a `MessageError` or a `DecryptionError`, and leave the session exactly as it was, so that
/// the genuine message still decrypts afterwards (spec/olm.md OLM-MAC-1, OLM-RECV-5).
fn flip_every_bit(session: &mut Session, genuine: &OlmMessage, plaintext: &[u8]) -> Refusals {
    let (message_type, _) = genuine.to_parts();
    let before = format!("{session:?}");
    let mut refusals = Refusals::default();
    for bit in 0..genuine.as_bytes().len() * 8 {
        let mut bytes = genuine.as_bytes().to_vec();
        bytes[bit / 8] ^= 1 << (bit % 8);
        match receive(message_type, &bytes) {
            Err(_) => refusals.message += 1,
            Ok(flipped) => {
                let error = match session.decrypt(&flipped) {
                    Ok(_) => panic!("bit {bit} flipped must not decrypt"),
                    Err(error) => error,
                };
                let name = format!("{error:?}");
                let name = name.split([' ', '{']).next().unwrap_or_default().to_owned();
                *refusals.decryption.entry(name).or_default() += 1;
            }
        }
        assert_eq!(
            format!("{session:?}"),
            before,
            "bit {bit} changed the session"
        );
        assert_eq!(
            session.clone().decrypt(genuine).as_deref(),
            Ok(plaintext),
            "after bit {bit}"
        );
    }
    refusals
}

// spec/olm.md OLM-MAC-1, OLM-RECV-2, OLM-RECV-5: Bob's first reply opens a new chain at Alice.
#[test]
fn every_single_bit_flip_of_a_reply_on_a_new_chain_is_refused_and_changes_nothing() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    let reply = bob.encrypt(b"Hello, Alice", &mut p.bob_rng);
    let refusals = flip_every_bit(&mut alice, &reply, b"Hello, Alice");
    // Flips of the version, tags and lengths (and the counter's continuation bit) are decode
    // errors, and so is bit 255 of the ratchet key (a non-canonical key, OLM-MSG-2); every
    // other flip (key, counter, ciphertext, MAC) fails the MAC.
    assert_eq!(refusals.message, 50, "{refusals:?}");
    assert_eq!(
        refusals.decryption["InvalidMac"],
        63 * 8 - 50,
        "{refusals:?}"
    );
    assert_eq!(refusals.decryption.len(), 1, "{refusals:?}");
    assert_eq!(alice.decrypt(&reply).expect("genuine"), b"Hello, Alice");
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-RECV-2, OLM-RECV-3, OLM-RECV-4: Bob's second message is on a chain Alice
// knows; flips of the counter or the key give other refusals than a MAC failure.
#[test]
fn every_single_bit_flip_of_a_message_on_a_known_chain_is_refused_and_changes_nothing() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    let one = bob.encrypt(b"one", &mut p.bob_rng);
    let two = bob.encrypt(b"two", &mut p.bob_rng);
    assert_eq!(alice.decrypt(&one).expect("genuine"), b"one");
    let refusals = flip_every_bit(&mut alice, &two, b"two");
    assert_eq!(refusals.message, 50, "{refusals:?}");
    // Counter 1 → 0: the key for index 0 was used (OLM-RECV-3).
    assert_eq!(refusals.decryption["MissingMessageKey"], 1, "{refusals:?}");
    // A changed ratchet key opens a new chain, but Alice has no sender chain (OLM-RECV-2);
    // bit 255 is the exception, refused by the decoder as non-canonical (OLM-MSG-2).
    assert_eq!(
        refusals.decryption["UnexpectedRatchetKey"],
        32 * 8 - 1,
        "{refusals:?}"
    );
    // Everything else fails the MAC.
    assert_eq!(
        refusals.decryption["InvalidMac"],
        63 * 8 - 50 - 1 - (32 * 8 - 1),
        "{refusals:?}"
    );
    assert_eq!(alice.decrypt(&two).expect("genuine"), b"two");
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-MAC-1: a changed ciphertext or MAC byte fails the MAC, before any decryption.
#[test]
fn a_tampered_message_fails_the_mac_and_the_session_carries_on() {
    let (mut p, mut alice, mut bob) = established();
    let message = alice.encrypt(b"transfer 10 EUR", &mut p.alice_rng);
    let bytes = message.as_bytes();
    let ciphertext = bytes.len() - 8 - 16;
    for tampered in [
        spliced(bytes, ciphertext..ciphertext + 1, &[bytes[ciphertext] ^ 1]),
        spliced(
            bytes,
            bytes.len() - 1..bytes.len(),
            &[bytes[bytes.len() - 1] ^ 0x80],
        ),
        spliced(bytes, bytes.len() - 8..bytes.len(), &[0; 8]),
    ] {
        let tampered = receive(1, &tampered).expect("still well-formed");
        assert_eq!(bob.decrypt(&tampered), Err(DecryptionError::InvalidMac));
    }
    assert_eq!(bob.decrypt(&message).expect("genuine"), b"transfer 10 EUR");
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-CIPHER-2, OLM-RECV-6: only a holder of the message key can make a valid MAC,
// so only the sender itself can cause `InvalidPadding`. libolm reads only the last byte (and
// accepts 0); protee checks every padding byte.
#[test]
fn a_sender_holding_the_keys_cannot_get_bad_padding_accepted() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let text = b"twenty bytes of text"; // two AES blocks; the second ends in 12 bytes 0x0c
    let first = alice.encrypt(text, &mut p.alice_rng);
    let second = alice.encrypt(text, &mut p.alice_rng);
    let (bob_identity, bob_one_time) = (p.bob.curve25519_key(), p.bob_one_time_key());
    let mac_key = |index| alice_mac_key(&bob_identity, &bob_one_time, index);

    // The forger is right: it recomputes the genuine MACs.
    for (index, message) in [(0, &first), (1, &second)] {
        let mut copy = message.as_bytes().to_vec();
        remac(
            &mut copy,
            pre_key(message).message().as_bytes().len(),
            &mac_key(index),
        );
        assert_eq!(copy, message.as_bytes());
    }

    // CBC: the last plaintext block is AES⁻¹(C2) ⊕ C1, so xoring a byte of C1 changes the same
    // byte of the padding. Last byte 0x0c → 0x00, → 0x11; or the byte before it → 0x0b.
    let changes: [(usize, u8); 3] = [(15, 0x0c), (15, 0x0c ^ 0x11), (14, 0x0c ^ 0x0b)];
    let forge = |message: &OlmMessage, index: u32, (position, xor): (usize, u8)| {
        let inner = pre_key(message).message();
        let mut bytes = message.as_bytes().to_vec();
        let c1 = find(&bytes, inner.ciphertext());
        bytes[c1 + position] ^= xor;
        remac(&mut bytes, inner.as_bytes().len(), &mac_key(index));
        receive(0, &bytes).expect("well-formed")
    };

    // As the first message: no session, and the one-time key stays (OLM-INBOUND-2).
    let alice_key = p.alice_key();
    for change in changes {
        let forged = forge(&first, 0, change);
        assert_eq!(
            p.bob
                .create_inbound_session(Some(&alice_key), pre_key(&forged))
                .err(),
            Some(SessionCreationError::Decryption(
                DecryptionError::InvalidPadding
            ))
        );
    }
    assert_eq!(p.bob.stored_one_time_key_count(), 2);
    let mut bob = p.bob_answers(&first);
    // On the session: refused, the session unchanged.
    for change in changes {
        let forged = forge(&second, 1, change);
        assert_eq!(bob.decrypt(&forged), Err(DecryptionError::InvalidPadding));
    }
    assert_eq!(bob.decrypt(&second).expect("genuine"), text);
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-RECV-3: a message key is used once; a replay finds none.
#[test]
fn a_replayed_message_finds_no_key() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let second = alice.encrypt(b"again", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    assert_eq!(bob.decrypt(&second).expect("genuine"), b"again");
    assert_eq!(
        bob.decrypt(&second),
        Err(DecryptionError::MissingMessageKey { index: 1 })
    );
    // The first pre-key message, routed to the session it created (OLM-ROUTE-1, OLM-RECV-7).
    assert!(bob.matches_inbound_session(pre_key(&first)));
    assert_eq!(
        bob.decrypt(&first),
        Err(DecryptionError::MissingMessageKey { index: 0 })
    );
    // And Bob's reply, replayed to Alice.
    let reply = bob.encrypt(b"Hello, Alice", &mut p.bob_rng);
    assert_eq!(alice.decrypt(&reply).expect("genuine"), b"Hello, Alice");
    assert_eq!(
        alice.decrypt(&reply),
        Err(DecryptionError::MissingMessageKey { index: 0 })
    );
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-RECV-4, OLM-LIMIT-1: MAX_MESSAGE_GAP = 2000, inclusive. Also OLM-RECV-5: of a
// long gap only the newest 40 message keys are kept.
#[test]
fn a_gap_of_2000_messages_on_a_known_chain_is_accepted_and_2001_refused() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"0", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first); // chain 0 now expects index 1
    let lost: Vec<OlmMessage> = (1..=2002)
        .map(|i| alice.encrypt(i.to_string().as_bytes(), &mut p.alice_rng))
        .collect();
    let index = |i: usize| &lost[i - 1];
    assert_eq!(
        bob.decrypt(index(2002)),
        Err(DecryptionError::TooBigMessageGap {
            gap: 2001,
            max: 2000
        })
    );
    assert_eq!(bob.decrypt(index(2001)).expect("gap of 2000"), b"2001");
    assert_eq!(bob.decrypt(index(2002)).expect("next in line"), b"2002");
    assert_eq!(bob.decrypt(index(1961)).expect("kept"), b"1961");
    assert_eq!(
        bob.decrypt(index(1960)),
        Err(DecryptionError::MissingMessageKey { index: 1960 })
    );
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-RECV-2: a new chain may start at counter 2000 at most.
#[test]
fn a_new_chain_may_start_2000_messages_in_but_not_2001() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    let replies: Vec<OlmMessage> = (0..=2001)
        .map(|i| bob.encrypt(i.to_string().as_bytes(), &mut p.bob_rng))
        .collect();
    assert_eq!(
        alice.decrypt(&replies[2001]),
        Err(DecryptionError::TooBigMessageGap {
            gap: 2001,
            max: 2000
        })
    );
    assert_eq!(alice.decrypt(&replies[2000]).expect("gap of 2000"), b"2000");
    assert_eq!(alice.decrypt(&replies[2001]).expect("next"), b"2001");
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-INBOUND-2, OLM-RECV-4: Bob's first message from Alice may be her 2001st
// (index 2000), not her 2002nd; a refused one burns no one-time key.
#[test]
fn a_first_message_2001_ahead_creates_no_session_and_burns_no_key() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let sent: Vec<OlmMessage> = (0..=2001)
        .map(|i| alice.encrypt(i.to_string().as_bytes(), &mut p.alice_rng))
        .collect();
    let alice_key = p.alice_key();
    assert_eq!(
        p.bob
            .create_inbound_session(Some(&alice_key), pre_key(&sent[2001]))
            .err(),
        Some(SessionCreationError::Decryption(
            DecryptionError::TooBigMessageGap {
                gap: 2001,
                max: 2000
            }
        ))
    );
    assert_eq!(p.bob.stored_one_time_key_count(), 2);
    let created = p
        .bob
        .create_inbound_session(Some(&alice_key), pre_key(&sent[2000]))
        .expect("a gap of 2000");
    assert_eq!(created.plaintext, b"2000");
    assert_eq!(p.bob.stored_one_time_key_count(), 1);
    let mut bob = created.session;
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-SESSION-1, OLM-RECV-2: the party without a sender chain is Bob, from his
// inbound session until his first reply (and either party after receiving on a new chain,
// until it answers). A new ratchet key can only reach him from a message of another session.
#[test]
fn bob_refuses_a_new_ratchet_key_before_he_has_sent_anything() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    // A pre-key message of another session of Alice's (another base key and T[0]) given to this
    // session: its outer keys are not compared (OLM-RECV-7), its ratchet key is new.
    let mut other = p.alice_starts();
    let stray = other.encrypt(b"for another session", &mut p.alice_rng);
    assert!(!bob.matches_inbound_session(pre_key(&stray)));
    let before = format!("{bob:?}");
    assert_eq!(
        bob.decrypt(&stray),
        Err(DecryptionError::UnexpectedRatchetKey)
    );
    assert_eq!(format!("{bob:?}"), before);
    // Alice, after reading Bob's reply and before answering, is in the same position.
    let reply = bob.encrypt(b"Hello, Alice", &mut p.bob_rng);
    assert_eq!(alice.decrypt(&reply).expect("genuine"), b"Hello, Alice");
    let bobs_other = p.bob_answers(&stray).encrypt(b"other", &mut p.bob_rng);
    assert_eq!(
        alice.decrypt(&bobs_other),
        Err(DecryptionError::UnexpectedRatchetKey)
    );
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-SESSION-1, OLM-RECV-2: a fresh outbound session already has a sender chain,
// so a stray ratchet key is ratcheted against, and fails the MAC.
#[test]
fn a_fresh_outbound_session_answers_a_stray_ratchet_key_with_a_mac_failure() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let mut other = p.alice_starts_with(p.bob.one_time_keys()[1].1); // Bob's other key
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    let reply = bob.encrypt(b"Hello, Alice", &mut p.bob_rng);
    assert_eq!(other.decrypt(&reply), Err(DecryptionError::InvalidMac));
    assert_eq!(other.encrypt_random_length(), 0, "still on its first chain");
    let other_first = other.encrypt(b"Hello again", &mut p.alice_rng);
    let mut bob_other = p.bob_answers(&other_first);
    still_talking(&mut p, &mut other, &mut bob_other);
    assert_eq!(alice.decrypt(&reply).expect("genuine"), b"Hello, Alice");
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-DH-1, OLM-RATCHET-1: a low-order ratchet key would make the new chain's DH
// output zero; it is refused before the MAC, whoever receives it with a sender chain.
#[test]
fn a_low_order_ratchet_key_in_a_normal_message_is_non_contributory() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    let reply = bob.encrypt(b"Hello, Alice", &mut p.bob_rng);
    for key in low_order_keys() {
        let patched =
            receive(1, &spliced(reply.as_bytes(), 3..35, key.as_bytes())).expect("well-formed");
        assert_eq!(
            alice.decrypt(&patched),
            Err(DecryptionError::NonContributoryKey),
            "{key:?}"
        );
    }
    assert_eq!(alice.decrypt(&reply).expect("genuine"), b"Hello, Alice");
    // Bob, once he has sent (he has a sender chain), refuses them too.
    let to_bob = alice.encrypt(b"ratchet", &mut p.alice_rng);
    for key in low_order_keys() {
        let patched =
            receive(1, &spliced(to_bob.as_bytes(), 3..35, key.as_bytes())).expect("well-formed");
        assert_eq!(
            bob.decrypt(&patched),
            Err(DecryptionError::NonContributoryKey)
        );
    }
    assert_eq!(bob.decrypt(&to_bob).expect("genuine"), b"ratchet");
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-LIMIT-2: `DecryptionError::ChainIndexOverflow` (and
// `SessionCreationError::Decryption(ChainIndexOverflow)`) cannot be reached through the public
// API. A new chain accepts counters up to 2000 only (OLM-RECV-2), and a known chain moves at
// most 2001 indices per accepted message (OLM-RECV-4), so a receiver chain reaches index
// 2^32 − 1 only after the peer has sent about 2^32 messages on it, and the receiver has decrypted
// about 2^21 of them. There are no pickles yet to import such a session. The check itself is a
// unit test in src/olm/session/chain_key.rs. This test shows that the largest counter is not
// a shortcut: it is refused as a gap.
#[test]
fn chain_index_overflow_cannot_be_reached_from_the_network() {
    let (mut p, mut alice, mut bob) = established();
    let message = alice.encrypt(b"max", &mut p.alice_rng);
    let OlmMessage::Normal(m) = &message else {
        panic!("Alice has received, so she sends normal messages")
    };
    let huge = normal_message(
        &m.ratchet_key().to_bytes(),
        &[0xff, 0xff, 0xff, 0xff, 0x0f],
        m.ciphertext(),
        m.mac(),
    );
    let huge = receive(1, &huge).expect("u32::MAX is a valid counter");
    assert_eq!(
        bob.decrypt(&huge),
        Err(DecryptionError::TooBigMessageGap {
            gap: u32::MAX,
            max: 2000
        })
    );
    assert_eq!(bob.decrypt(&message).expect("genuine"), b"max");
    still_talking(&mut p, &mut alice, &mut bob);
}

// =============================================================================================
// SessionCreationError
// =============================================================================================

// spec/olm.md OLM-INBOUND-1, OLM-INBOUND-2: a one-time key is used once; a pre-key message for
// a key Bob does not hold (used, never his, or a forged one) is refused.
#[test]
fn a_pre_key_message_for_a_one_time_key_bob_does_not_hold_is_refused() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    let alice_key = p.alice_key();
    // Replayed after use: the key is gone (libolm would need the caller to remove it).
    assert_eq!(
        p.bob
            .create_inbound_session(Some(&alice_key), pre_key(&first))
            .err(),
        Some(SessionCreationError::UnknownOneTimeKey)
    );
    // Sent to another device.
    let mut carol = Account::new_with_rng(&mut TestRng::new(0xCA201));
    carol.generate_one_time_keys(5, &mut TestRng::new(0xCA202));
    assert_eq!(
        carol
            .create_inbound_session(Some(&alice_key), pre_key(&first))
            .err(),
        Some(SessionCreationError::UnknownOneTimeKey)
    );
    // The one-time key replaced by a low-order key: no key of Bob's matches, and the lookup
    // comes before any DH.
    for key in low_order_keys() {
        let patched =
            receive(0, &spliced(first.as_bytes(), 3..35, key.as_bytes())).expect("well-formed");
        assert_eq!(
            p.bob
                .create_inbound_session(Some(&alice_key), pre_key(&patched))
                .err(),
            Some(SessionCreationError::UnknownOneTimeKey)
        );
    }
    assert_eq!(p.bob.stored_one_time_key_count(), 1);
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-INBOUND-3: when Bob knows who should be writing, the message must say so.
// Rewriting the identity key to the expected one instead fails the MAC (the 3DH differs).
#[test]
fn a_pre_key_message_from_someone_other_than_expected_is_refused() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let carol = Account::new_with_rng(&mut TestRng::new(0xCA201));
    let carol_key = carol.curve25519_key();
    assert_eq!(
        p.bob
            .create_inbound_session(Some(&carol_key), pre_key(&first))
            .err(),
        Some(SessionCreationError::IdentityKeyMismatch)
    );
    let claims_carol =
        receive(0, &spliced(first.as_bytes(), 71..103, carol_key.as_bytes())).expect("well-formed");
    assert_eq!(
        p.bob
            .create_inbound_session(Some(&carol_key), pre_key(&claims_carol))
            .err(),
        Some(SessionCreationError::Decryption(
            DecryptionError::InvalidMac
        ))
    );
    assert_eq!(p.bob.stored_one_time_key_count(), 2);
    let mut bob = p.bob_answers(&first);
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-DH-1, OLM-3DH-2: a low-order identity key I_A, base key E_A or first ratchet
// key T[0] in a pre-key message would make a DH output zero; Bob refuses it and keeps his key.
#[test]
fn low_order_identity_base_or_ratchet_keys_in_a_pre_key_message_are_non_contributory() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let bytes = first.as_bytes();
    let inner_key = find(bytes, pre_key(&first).message().ratchet_key().as_bytes());
    assert_eq!(inner_key, 108);
    let alice_key = p.alice_key();
    for key in low_order_keys() {
        for (field, range, expected_sender) in [
            ("identity key", 71..103, None),
            ("base key", 37..69, Some(&alice_key)),
            ("ratchet key", inner_key..inner_key + 32, Some(&alice_key)),
        ] {
            let patched = receive(0, &spliced(bytes, range, key.as_bytes())).expect("well-formed");
            assert_eq!(
                p.bob
                    .create_inbound_session(expected_sender, pre_key(&patched))
                    .err(),
                Some(SessionCreationError::NonContributoryKey),
                "{field} {key:?}"
            );
        }
    }
    assert_eq!(p.bob.stored_one_time_key_count(), 2);
    let mut bob = p.bob_answers(&first);
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-DH-1, OLM-3DH-1: Alice refuses to start a session with a published identity
// or one-time key of low order (a malicious key server); her account is unchanged.
#[test]
fn alice_refuses_to_start_a_session_with_low_order_keys() {
    let mut p = Parties::new();
    let bob_identity = p.bob.curve25519_key();
    let bob_one_time = p.bob_one_time_key();
    for key in low_order_keys() {
        assert_eq!(
            p.alice
                .create_outbound_session(&key, &bob_one_time, &mut p.alice_rng)
                .err(),
            Some(SessionCreationError::NonContributoryKey),
            "identity {key:?}"
        );
        assert_eq!(
            p.alice
                .create_outbound_session(&bob_identity, &key, &mut p.alice_rng)
                .err(),
            Some(SessionCreationError::NonContributoryKey),
            "one-time key {key:?}"
        );
        #[cfg(feature = "os-rng")]
        assert_eq!(
            p.alice
                .create_outbound_session_with_os_rng(&bob_identity, &key)
                .err(),
            Some(SessionCreationError::NonContributoryKey)
        );
    }
    let mut alice = p
        .alice
        .create_outbound_session_with_os_rng(&bob_identity, &bob_one_time)
        .expect("genuine keys");
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let mut bob = p.bob_answers(&first);
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-INBOUND-2: a first message damaged or tampered with creates no session and
// burns no key (libolm's create checks no MAC, so its caller could remove the key anyway).
#[test]
fn a_tampered_first_message_creates_no_session_and_burns_no_key() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let bytes = first.as_bytes();
    let alice_key = p.alice_key();
    let keys_before = p.bob.one_time_keys();
    for position in [bytes.len() - 20, bytes.len() - 1] {
        let tampered = spliced(bytes, position..position + 1, &[bytes[position] ^ 0x01]);
        let tampered = receive(0, &tampered).expect("well-formed");
        assert_eq!(
            p.bob
                .create_inbound_session(Some(&alice_key), pre_key(&tampered))
                .err(),
            Some(SessionCreationError::Decryption(
                DecryptionError::InvalidMac
            ))
        );
    }
    assert_eq!(p.bob.one_time_keys(), keys_before);
    let mut bob = p.bob_answers(&first);
    still_talking(&mut p, &mut alice, &mut bob);
}

// spec/olm.md OLM-PREKEY-2, OLM-INBOUND-2: every single-bit flip of a first message is refused
// and burns no key, with one documented exception. X25519 ignores bit 255 of a public key and
// the outer keys carry no MAC (OLM-MAC-1), so flipping bit 255 of I_A or E_A still decrypts,
// into a session whose keys and id differ from Alice's (libolm and vodozemac behave the same).
// When Bob names the sender (OLM-INBOUND-3) the flipped I_A is refused; the flipped E_A gives a
// session Alice's replies will not be routed to by id.
#[test]
fn every_single_bit_flip_of_a_first_message_is_refused() {
    let mut p = Parties::new();
    let mut alice = p.alice_starts();
    let first = alice.encrypt(b"Hello, Bob", &mut p.alice_rng);
    let bytes = first.as_bytes();
    let alice_key = p.alice_key();
    let keys_before = p.bob.one_time_keys();
    let mut accepted = Vec::new();
    for bit in 0..bytes.len() * 8 {
        let mut flipped = bytes.to_vec();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let Ok(message) = receive(0, &flipped) else {
            continue;
        };
        let mut bob = p.bob.clone();
        match bob.create_inbound_session(None, pre_key(&message)) {
            Err(_) => assert_eq!(bob.one_time_keys(), keys_before, "bit {bit} burnt a key"),
            Ok(created) => {
                assert_eq!(created.plaintext, b"Hello, Bob");
                assert_ne!(created.session.session_id(), alice.session_id());
                accepted.push(bit);
            }
        }
    }
    // spec/olm.md OLM-MSG-2: bit 255 of E_B, E_A, I_A (bytes 34, 68, 102) and of the inner
    // ratchet key would be ignored by X25519; protee refuses such non-canonical keys, so no
    // flip yields a working session with a different id (libolm and vodozemac accept two).
    assert_eq!(accepted, Vec::<usize>::new());
    for (byte, tag) in [(34usize, 0x0a), (68, 0x12), (102, 0x1a)] {
        let mut flipped = bytes.to_vec();
        flipped[byte] ^= 0x80;
        assert_eq!(
            receive(0, &flipped).err(),
            Some(MessageError::NonCanonicalKey { tag })
        );
    }
    let _ = alice_key;
    let mut bob = p.bob_answers(&first);
    still_talking(&mut p, &mut alice, &mut bob);
}
