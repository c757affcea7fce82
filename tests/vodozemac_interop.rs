//! protee ↔ vodozemac 0.11: Olm sessions in both roles, driven only through what a Matrix client
//! exchanges: base64 keys and signatures, and messages as (type, unpadded base64 body) pairs
//! (spec/olm.md OLM-MSG-3). Covers OLM-ACCOUNT-3, OLM-SIG-1, OLM-SIG-2, OLM-DH-2, OLM-FALLBACK-1,
//! OLM-SESSIONID-1, OLM-SEND-1, OLM-SEND-2, OLM-RATCHET-1, OLM-RECV-1, OLM-RECV-2, OLM-RECV-3,
//! OLM-RECV-4, OLM-RECV-5, OLM-RECV-7, OLM-INBOUND-1, OLM-INBOUND-2.
//!
//! Every scenario is written once against the [`Device`] / [`Peer`] traits and run with each
//! library in each role (and, as a control, with the same library on both sides).

mod common;

use common::TestRng;
use vodozemac::olm::SessionConfig;

/// An Olm message as it travels in a Matrix event: `{"type": 0|1, "body": "<base64>"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Wire {
    message_type: usize,
    body: String,
}

/// One side of an Olm session.
trait Peer {
    fn encrypt(&mut self, plaintext: &[u8]) -> Wire;
    fn decrypt(&mut self, wire: &Wire) -> Result<Vec<u8>, String>;
    fn session_id(&self) -> String;
}

/// A device with an Olm account.
trait Device {
    fn library(&self) -> &'static str;
    fn curve25519(&self) -> String;
    fn ed25519(&self) -> String;
    fn sign(&self, message: &[u8]) -> String;
    /// Verifies `signature` (base64) by `key` (base64) over `message` with this library.
    fn verify(&self, key: &str, message: &[u8], signature: &str) -> bool;
    /// Generates, publishes and returns one one-time key.
    fn publish_one_time_key(&mut self) -> String;
    /// Generates, publishes and returns a new fallback key.
    fn publish_fallback_key(&mut self) -> String;
    fn outbound(&mut self, their_curve25519: &str, their_one_time_key: &str) -> Box<dyn Peer>;
    fn inbound(
        &mut self,
        their_curve25519: &str,
        first: &Wire,
    ) -> Result<(Box<dyn Peer>, Vec<u8>), String>;
}

// ---------------------------------------------------------------------------------------------
// protee

struct ProteeDevice {
    account: protee::olm::Account,
    rng: TestRng,
}

struct ProteePeer {
    session: protee::olm::Session,
    rng: TestRng,
}

impl ProteeDevice {
    fn new(seed: u64) -> Self {
        let mut rng = TestRng::new(seed);
        Self {
            account: protee::olm::Account::new_with_rng(&mut rng),
            rng,
        }
    }
}

fn protee_curve(text: &str) -> protee::Curve25519PublicKey {
    protee::Curve25519PublicKey::from_base64(text).expect("a 43-character Curve25519 key")
}

fn protee_message(wire: &Wire) -> protee::olm::OlmMessage {
    protee::olm::OlmMessage::from_parts(wire.message_type, &wire.body)
        .expect("protee decodes the message")
}

impl Peer for ProteePeer {
    fn encrypt(&mut self, plaintext: &[u8]) -> Wire {
        let (message_type, body) = self.session.encrypt(plaintext, &mut self.rng).to_parts();
        Wire { message_type, body }
    }

    fn decrypt(&mut self, wire: &Wire) -> Result<Vec<u8>, String> {
        self.session
            .decrypt(&protee_message(wire))
            .map_err(|e| format!("{e:?}"))
    }

    fn session_id(&self) -> String {
        self.session.session_id()
    }
}

impl Device for ProteeDevice {
    fn library(&self) -> &'static str {
        "protee"
    }

    fn curve25519(&self) -> String {
        self.account.curve25519_key().to_base64()
    }

    fn ed25519(&self) -> String {
        self.account.ed25519_key().to_base64()
    }

    fn sign(&self, message: &[u8]) -> String {
        self.account.sign(message).to_base64()
    }

    fn verify(&self, key: &str, message: &[u8], signature: &str) -> bool {
        protee::utility::ed25519_verify(key, message, signature).is_ok()
    }

    fn publish_one_time_key(&mut self) -> String {
        let id = self.account.generate_one_time_keys(1, &mut self.rng)[0];
        let key = self
            .account
            .one_time_keys()
            .into_iter()
            .find(|(k, _)| *k == id)
            .expect("the new key is unpublished")
            .1;
        self.account.mark_keys_as_published();
        key.to_base64()
    }

    fn publish_fallback_key(&mut self) -> String {
        self.account.generate_fallback_key(&mut self.rng);
        let (_, key) = self
            .account
            .unpublished_fallback_key()
            .expect("a new fallback key");
        self.account.mark_keys_as_published();
        key.to_base64()
    }

    fn outbound(&mut self, their_curve25519: &str, their_one_time_key: &str) -> Box<dyn Peer> {
        let session = self
            .account
            .create_outbound_session(
                &protee_curve(their_curve25519),
                &protee_curve(their_one_time_key),
                &mut self.rng,
            )
            .expect("outbound session");
        Box::new(ProteePeer {
            session,
            rng: fork(&mut self.rng),
        })
    }

    fn inbound(
        &mut self,
        their_curve25519: &str,
        first: &Wire,
    ) -> Result<(Box<dyn Peer>, Vec<u8>), String> {
        let protee::olm::OlmMessage::PreKey(pre_key) = protee_message(first) else {
            return Err("not a pre-key message".into());
        };
        let created = self
            .account
            .create_inbound_session(Some(&protee_curve(their_curve25519)), &pre_key)
            .map_err(|e| format!("{e:?}"))?;
        let peer = ProteePeer {
            session: created.session,
            rng: fork(&mut self.rng),
        };
        Ok((Box::new(peer), created.plaintext))
    }
}

// ---------------------------------------------------------------------------------------------
// vodozemac

struct VodozemacDevice {
    account: vodozemac::olm::Account,
}

struct VodozemacPeer {
    session: vodozemac::olm::Session,
}

fn vodozemac_curve(text: &str) -> vodozemac::Curve25519PublicKey {
    vodozemac::Curve25519PublicKey::from_base64(text).expect("a 43-character Curve25519 key")
}

/// What a vodozemac client does with a to-device event: base64-decode the body, then
/// `OlmMessage::from_parts`.
fn vodozemac_message(wire: &Wire) -> vodozemac::olm::OlmMessage {
    let bytes = vodozemac::base64_decode(&wire.body).expect("valid base64 body");
    vodozemac::olm::OlmMessage::from_parts(wire.message_type, &bytes)
        .expect("vodozemac decodes the message")
}

impl Peer for VodozemacPeer {
    fn encrypt(&mut self, plaintext: &[u8]) -> Wire {
        let message = self.session.encrypt(plaintext).expect("vodozemac encrypts");
        let (message_type, bytes) = message.to_parts();
        Wire {
            message_type,
            body: vodozemac::base64_encode(bytes),
        }
    }

    fn decrypt(&mut self, wire: &Wire) -> Result<Vec<u8>, String> {
        self.session
            .decrypt(&vodozemac_message(wire))
            .map_err(|e| format!("{e:?}"))
    }

    fn session_id(&self) -> String {
        self.session.session_id()
    }
}

impl Device for VodozemacDevice {
    fn library(&self) -> &'static str {
        "vodozemac"
    }

    fn curve25519(&self) -> String {
        self.account.curve25519_key().to_base64()
    }

    fn ed25519(&self) -> String {
        self.account.ed25519_key().to_base64()
    }

    fn sign(&self, message: &[u8]) -> String {
        self.account.sign(message).to_base64()
    }

    fn verify(&self, key: &str, message: &[u8], signature: &str) -> bool {
        let Ok(key) = vodozemac::Ed25519PublicKey::from_base64(key) else {
            return false;
        };
        let Ok(signature) = vodozemac::Ed25519Signature::from_base64(signature) else {
            return false;
        };
        key.verify(message, &signature).is_ok()
    }

    fn publish_one_time_key(&mut self) -> String {
        let created = self.account.generate_one_time_keys(1).created;
        self.account.mark_keys_as_published();
        created[0].to_base64()
    }

    fn publish_fallback_key(&mut self) -> String {
        self.account.generate_fallback_key();
        let key = *self
            .account
            .fallback_key()
            .values()
            .next()
            .expect("a new fallback key");
        self.account.mark_keys_as_published();
        key.to_base64()
    }

    fn outbound(&mut self, their_curve25519: &str, their_one_time_key: &str) -> Box<dyn Peer> {
        let session = self
            .account
            .create_outbound_session(
                SessionConfig::version_1(),
                vodozemac_curve(their_curve25519),
                vodozemac_curve(their_one_time_key),
            )
            .expect("outbound session");
        Box::new(VodozemacPeer { session })
    }

    fn inbound(
        &mut self,
        their_curve25519: &str,
        first: &Wire,
    ) -> Result<(Box<dyn Peer>, Vec<u8>), String> {
        let vodozemac::olm::OlmMessage::PreKey(pre_key) = vodozemac_message(first) else {
            return Err("not a pre-key message".into());
        };
        let created = self
            .account
            .create_inbound_session(
                SessionConfig::version_1(),
                vodozemac_curve(their_curve25519),
                &pre_key,
            )
            .map_err(|e| format!("{e:?}"))?;
        Ok((
            Box::new(VodozemacPeer {
                session: created.session,
            }),
            created.plaintext,
        ))
    }
}

/// A new deterministic RNG for a session, seeded from the device's.
fn fork(rng: &mut TestRng) -> TestRng {
    let Ok(seed) = rand_core::TryRng::try_next_u64(rng);
    TestRng::new(seed)
}

fn protee_device(seed: u64) -> Box<dyn Device> {
    Box::new(ProteeDevice::new(seed))
}

fn vodozemac_device() -> Box<dyn Device> {
    Box::new(VodozemacDevice {
        account: vodozemac::olm::Account::new(),
    })
}

/// The four pairings: (alice, bob).
fn pairings() -> Vec<(Box<dyn Device>, Box<dyn Device>)> {
    vec![
        (protee_device(1), vodozemac_device()),
        (vodozemac_device(), protee_device(2)),
        (protee_device(3), protee_device(4)),
        (vodozemac_device(), vodozemac_device()),
    ]
}

fn label(alice: &dyn Device, bob: &dyn Device) -> String {
    format!("alice={} bob={}", alice.library(), bob.library())
}

/// Delivers `wire` and checks it decrypts to `expected`.
fn deliver(to: &mut dyn Peer, wire: &Wire, expected: &[u8], context: &str) {
    match to.decrypt(wire) {
        Ok(plaintext) => assert_eq!(plaintext, expected, "{context}"),
        Err(e) => panic!(
            "{context}: {:?} failed to decrypt: {e}",
            String::from_utf8_lossy(expected)
        ),
    }
}

/// Alice takes Bob's one-time key (or fallback key), sends `first`, Bob creates the inbound
/// session from it. Returns both sessions.
fn handshake(
    alice: &mut dyn Device,
    bob: &mut dyn Device,
    bobs_key: &str,
    first: &[u8],
) -> (Box<dyn Peer>, Box<dyn Peer>) {
    let context = label(alice, bob);
    let mut alice_session = alice.outbound(&bob.curve25519(), bobs_key);
    let wire = alice_session.encrypt(first);
    // OLM-SEND-1: a pre-key message until Alice has received something.
    assert_eq!(wire.message_type, 0, "{context}");
    let (bob_session, plaintext) = bob
        .inbound(&alice.curve25519(), &wire)
        .unwrap_or_else(|e| panic!("{context}: {e}"));
    assert_eq!(plaintext, first, "{context}");
    // OLM-SESSIONID-1: both libraries derive the same id on both sides.
    assert_eq!(
        alice_session.session_id(),
        bob_session.session_id(),
        "{context}"
    );
    assert_eq!(alice_session.session_id().len(), 43, "{context}");
    (alice_session, bob_session)
}

// ---------------------------------------------------------------------------------------------
// Identity keys and signatures

#[test]
fn protee_and_vodozemac_verify_each_others_device_signatures() {
    let protee = ProteeDevice::new(7);
    let vodozemac = VodozemacDevice {
        account: vodozemac::olm::Account::new(),
    };
    let devices: [&dyn Device; 2] = [&protee, &vodozemac];

    // What a client signs: the canonical JSON of its device keys, then of a one-time key.
    for signer in devices {
        let json = format!(
            r#"{{"algorithms":["m.olm.v1.curve25519-aes-sha2"],"device_id":"DEV","keys":{{"curve25519:DEV":"{}","ed25519:DEV":"{}"}},"user_id":"@a:b"}}"#,
            signer.curve25519(),
            signer.ed25519()
        );
        for message in [json.as_bytes(), b"", b"Hello, World"] {
            let signature = signer.sign(message);
            assert_eq!(signature.len(), 86);
            for verifier in devices {
                assert!(
                    verifier.verify(&signer.ed25519(), message, &signature),
                    "{} signature rejected by {}",
                    signer.library(),
                    verifier.library()
                );
                // A signature over other bytes, or by another key, is refused by both.
                assert!(!verifier.verify(&signer.ed25519(), b"other bytes", &signature));
                let other_key = devices
                    .iter()
                    .find(|d| d.library() != signer.library())
                    .unwrap()
                    .ed25519();
                assert!(!verifier.verify(&other_key, message, &signature));
            }
        }
    }
}

#[test]
fn protee_and_vodozemac_derive_the_same_keys_and_signatures_from_the_same_secrets() {
    // OLM-ACCOUNT-1: the first 32 bytes are the Ed25519 seed, the next 32 the Curve25519 secret.
    let mut rng = TestRng::new(99);
    let mut random = [0u8; 64];
    rand_core::TryRng::try_fill_bytes(&mut rng, &mut random).unwrap();
    let account = protee::olm::Account::new_with_rng(&mut common::FixedBytes::new(&random));

    let seed: [u8; 32] = random[..32].try_into().unwrap();
    let curve: [u8; 32] = random[32..].try_into().unwrap();
    let signing = vodozemac::Ed25519SecretKey::from_slice(&seed);
    let dh = vodozemac::Curve25519SecretKey::from_slice(&curve);

    assert_eq!(
        account.ed25519_key().to_base64(),
        signing.public_key().to_base64()
    );
    // OLM-DH-2: the secret is clamped at use, so an unclamped secret gives the same public key.
    assert_eq!(
        account.curve25519_key().to_base64(),
        vodozemac::Curve25519PublicKey::from(&dh).to_base64()
    );
    // OLM-SIG-2: deterministic Ed25519, so identical signatures.
    for message in [&b""[..], b"Hello, World", &[0xff; 1000]] {
        assert_eq!(
            account.sign(message).to_base64(),
            signing.sign(message).to_base64()
        );
    }
}

#[test]
fn identity_keys_cross_the_library_boundary_as_base64() {
    let protee = ProteeDevice::new(11);
    let vodozemac = vodozemac::olm::Account::new();
    let keys = vodozemac.identity_keys();
    let curve = protee::Curve25519PublicKey::from_base64(&keys.curve25519.to_base64()).unwrap();
    let ed = protee::Ed25519PublicKey::from_base64(&keys.ed25519.to_base64()).unwrap();
    assert_eq!(curve.as_bytes(), keys.curve25519.as_bytes());
    assert_eq!(ed.as_bytes(), keys.ed25519.as_bytes());

    let mine = protee.account.identity_keys();
    let curve = vodozemac::Curve25519PublicKey::from_base64(&mine.curve25519.to_base64()).unwrap();
    let ed = vodozemac::Ed25519PublicKey::from_base64(&mine.ed25519.to_base64()).unwrap();
    assert_eq!(curve.as_bytes(), mine.curve25519.as_bytes());
    assert_eq!(ed.as_bytes(), mine.ed25519.as_bytes());
}

// ---------------------------------------------------------------------------------------------
// Sessions

#[test]
fn protee_alice_and_vodozemac_bob_talk_in_turns_and_vice_versa() {
    for (mut alice, mut bob) in pairings() {
        let context = label(&*alice, &*bob);
        let otk = bob.publish_one_time_key();
        let (mut a, mut b) = handshake(&mut *alice, &mut *bob, &otk, b"hi bob");

        // Alice keeps sending pre-key messages until she hears back (OLM-SEND-1).
        let w = a.encrypt(b"are you there?");
        assert_eq!(w.message_type, 0, "{context}");
        deliver(&mut *b, &w, b"are you there?", &context);

        // Several ratchet turns (OLM-SEND-2, OLM-RATCHET-1), with 1..=3 messages per turn.
        for turn in 0..8 {
            let (sender, receiver, who) = if turn % 2 == 0 {
                (&mut b, &mut a, "bob")
            } else {
                (&mut a, &mut b, "alice")
            };
            for i in 0..=(turn % 3) {
                let text = format!("{who} turn {turn} message {i}");
                let w = sender.encrypt(text.as_bytes());
                assert_eq!(
                    w.message_type, 1,
                    "{context}: normal once a reply was received"
                );
                deliver(&mut **receiver, &w, text.as_bytes(), &context);
            }
        }
        // Empty and long plaintexts (block boundaries of AES-CBC padding).
        for len in [0, 15, 16, 17, 1000] {
            let text = vec![0xa5u8; len];
            let w = a.encrypt(&text);
            deliver(&mut *b, &w, &text, &context);
            let w = b.encrypt(&text);
            deliver(&mut *a, &w, &text, &context);
        }
        assert_eq!(a.session_id(), b.session_id(), "{context}");
    }
}

#[test]
fn protee_alice_and_vodozemac_bob_talk_out_of_order_and_vice_versa() {
    for (mut alice, mut bob) in pairings() {
        let context = label(&*alice, &*bob);
        let otk = bob.publish_one_time_key();
        let mut a = alice.outbound(&bob.curve25519(), &otk);

        // Chain A0: three pre-key messages. Bob's session is created from the *last* one, so
        // the first two become skipped keys (OLM-RECV-4, OLM-RECV-5).
        let a0: Vec<Wire> = (0..3)
            .map(|i| a.encrypt(format!("a0-{i}").as_bytes()))
            .collect();
        assert!(a0.iter().all(|w| w.message_type == 0));
        let (mut b, plaintext) = bob.inbound(&alice.curve25519(), &a0[2]).unwrap();
        assert_eq!(plaintext, b"a0-2", "{context}");
        assert_eq!(a.session_id(), b.session_id(), "{context}");
        // Within the chain, backwards: a skipped key (OLM-RECV-3); an old pre-key message on an
        // existing session goes through its inner message (OLM-RECV-7).
        deliver(&mut *b, &a0[0], b"a0-0", &context);

        // Chain B1: Bob answers three times; only the middle one arrives for now.
        let b1: Vec<Wire> = (0..3)
            .map(|i| b.encrypt(format!("b1-{i}").as_bytes()))
            .collect();
        deliver(&mut *a, &b1[1], b"b1-1", &context);

        // Chain A2: Alice ratchets. Bob gets the second message first (new chain + skip).
        let a2: Vec<Wire> = (0..3)
            .map(|i| a.encrypt(format!("a2-{i}").as_bytes()))
            .collect();
        assert!(a2.iter().all(|w| w.message_type == 1));
        deliver(&mut *b, &a2[1], b"a2-1", &context);

        // Chain B3: Bob ratchets; Alice receives it before the rest of B1.
        let b3: Vec<Wire> = (0..2)
            .map(|i| b.encrypt(format!("b3-{i}").as_bytes()))
            .collect();
        deliver(&mut *a, &b3[1], b"b3-1", &context);
        // Across chains: back to the older chain B1, one ahead of its index (advance on an old
        // receiver chain) and one behind (skipped key).
        deliver(&mut *a, &b1[2], b"b1-2", &context);
        deliver(&mut *a, &b1[0], b"b1-0", &context);
        deliver(&mut *a, &b3[0], b"b3-0", &context);

        // Bob receives the rest of chain A2 and the last pre-key message of chain A0, late.
        deliver(&mut *b, &a2[2], b"a2-2", &context);
        deliver(&mut *b, &a2[0], b"a2-0", &context);
        deliver(&mut *b, &a0[1], b"a0-1", &context);

        // The conversation continues normally.
        for round in 0..3 {
            let text = format!("round {round}");
            let w = a.encrypt(text.as_bytes());
            deliver(&mut *b, &w, text.as_bytes(), &context);
            let w = b.encrypt(text.as_bytes());
            deliver(&mut *a, &w, text.as_bytes(), &context);
        }
        assert_eq!(a.session_id(), b.session_id(), "{context}");
    }
}

#[test]
fn protee_and_vodozemac_both_reject_a_duplicate_message() {
    for (mut alice, mut bob) in pairings() {
        let context = label(&*alice, &*bob);
        let otk = bob.publish_one_time_key();
        let mut a = alice.outbound(&bob.curve25519(), &otk);
        let first = a.encrypt(b"first");
        let second = a.encrypt(b"second");
        let (mut b, _) = bob.inbound(&alice.curve25519(), &first).unwrap();

        // The same pre-key message again: the session rejects it (its key is used) ...
        assert!(
            b.decrypt(&first).is_err(),
            "{context}: replayed pre-key message accepted"
        );
        // ... and the one-time key is gone, so it cannot create a second session either.
        assert!(
            bob.inbound(&alice.curve25519(), &first).is_err(),
            "{context}: OTK reused"
        );

        // A skipped message decrypts once, then is a duplicate.
        let third = a.encrypt(b"third");
        deliver(&mut *b, &third, b"third", &context);
        deliver(&mut *b, &second, b"second", &context);
        assert!(
            b.decrypt(&second).is_err(),
            "{context}: duplicate skipped message accepted"
        );
        assert!(
            b.decrypt(&third).is_err(),
            "{context}: duplicate message accepted"
        );

        // A normal message in the other direction, replayed.
        let reply = b.encrypt(b"reply");
        deliver(&mut *a, &reply, b"reply", &context);
        assert!(
            a.decrypt(&reply).is_err(),
            "{context}: duplicate reply accepted"
        );

        // The rejections changed nothing: the conversation goes on.
        let w = a.encrypt(b"still here");
        assert_eq!(w.message_type, 1);
        deliver(&mut *b, &w, b"still here", &context);
        let w = b.encrypt(b"me too");
        deliver(&mut *a, &w, b"me too", &context);
    }
}

#[test]
fn protee_alice_uses_vodozemac_bobs_fallback_key_and_vice_versa() {
    for (mut alice, mut bob) in pairings() {
        let context = label(&*alice, &*bob);
        // OLM-FALLBACK-1, OLM-INBOUND-1: Bob has no one-time keys left, only a fallback key.
        let fallback = bob.publish_fallback_key();
        let (mut a, mut b) = handshake(&mut *alice, &mut *bob, &fallback, b"via fallback");
        let w = b.encrypt(b"got it");
        deliver(&mut *a, &w, b"got it", &context);
        let w = a.encrypt(b"great");
        assert_eq!(w.message_type, 1);
        deliver(&mut *b, &w, b"great", &context);

        // A fallback key is not consumed: a second session on it works (OLM-INBOUND-2) and has
        // another id (a new base key).
        let (mut a2, mut b2) = handshake(&mut *alice, &mut *bob, &fallback, b"again");
        assert_ne!(a2.session_id(), a.session_id(), "{context}");
        let w = b2.encrypt(b"second session");
        deliver(&mut *a2, &w, b"second session", &context);

        // After a rotation the previous fallback key still works (current + previous are kept).
        let _new_fallback = bob.publish_fallback_key();
        let (mut a3, mut b3) = handshake(&mut *alice, &mut *bob, &fallback, b"old fallback");
        let w = b3.encrypt(b"ok");
        deliver(&mut *a3, &w, b"ok", &context);
        let w = a3.encrypt(b"ok2");
        deliver(&mut *b3, &w, b"ok2", &context);
    }
}

#[test]
fn a_message_from_another_session_is_rejected_by_both_libraries() {
    for (mut alice, mut bob) in pairings() {
        let context = label(&*alice, &*bob);
        let otk1 = bob.publish_one_time_key();
        let otk2 = bob.publish_one_time_key();
        let (mut a1, mut b1) = handshake(&mut *alice, &mut *bob, &otk1, b"one");
        let (mut a2, mut b2) = handshake(&mut *alice, &mut *bob, &otk2, b"two");
        assert_ne!(a1.session_id(), a2.session_id());

        let w1 = a1.encrypt(b"for session 1");
        let w2 = a2.encrypt(b"for session 2");
        assert!(b2.decrypt(&w1).is_err(), "{context}");
        assert!(b1.decrypt(&w2).is_err(), "{context}");
        deliver(&mut *b1, &w1, b"for session 1", &context);
        deliver(&mut *b2, &w2, b"for session 2", &context);

        let r1 = b1.encrypt(b"reply 1");
        let r2 = b2.encrypt(b"reply 2");
        assert!(a2.decrypt(&r1).is_err(), "{context}");
        assert!(a1.decrypt(&r2).is_err(), "{context}");
        deliver(&mut *a1, &r1, b"reply 1", &context);
        deliver(&mut *a2, &r2, b"reply 2", &context);
    }
}

#[test]
fn a_tampered_message_is_rejected_by_both_libraries_and_harms_nothing() {
    for (mut alice, mut bob) in pairings() {
        let context = label(&*alice, &*bob);
        let otk = bob.publish_one_time_key();
        let (mut a, mut b) = handshake(&mut *alice, &mut *bob, &otk, b"hello");
        let reply = b.encrypt(b"reply");
        deliver(&mut *a, &reply, b"reply", &context);

        let w = a.encrypt(b"tamper with me");
        let bytes = vodozemac::base64_decode(&w.body).unwrap();
        // The MAC is the last 8 bytes; flip one bit in the ciphertext and one in the MAC.
        for position in [bytes.len() - 20, bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[position] ^= 0x01;
            let bad = Wire {
                message_type: 1,
                body: vodozemac::base64_encode(&bad),
            };
            assert!(
                b.decrypt(&bad).is_err(),
                "{context}: tampered byte {position} accepted"
            );
        }
        deliver(&mut *b, &w, b"tamper with me", &context);
    }
}

#[test]
fn protee_and_vodozemac_produce_messages_of_the_same_size() {
    // OLM-MSG-1, OLM-PREKEY-1: same layout, so same lengths for the same plaintext.
    let mut sizes = Vec::new();
    for (mut alice, mut bob) in pairings() {
        let otk = bob.publish_one_time_key();
        let (mut a, mut b) = handshake(&mut *alice, &mut *bob, &otk, b"x");
        let pre_key = a.encrypt(&[0u8; 12]);
        let normal = b.encrypt(&[0u8; 100]);
        sizes.push((
            alice.library(),
            pre_key.body.len(),
            bob.library(),
            normal.body.len(),
        ));
    }
    for (alice, pre_key, bob, normal) in sizes {
        assert_eq!(
            pre_key, 224,
            "{alice} pre-key message of a 12-byte plaintext"
        );
        assert_eq!(
            normal,
            4 * (1 + 34 + 2 + 2 + 112 + 8usize).div_ceil(3),
            "{bob} normal message"
        );
    }
}
