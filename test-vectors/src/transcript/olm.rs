//! The `olm` section: accounts rebuilt by libolm from protee's random bytes, and conversations
//! in which libolm is one party and protee the other.
//!
//! protee plays *both* parties of each conversation. The party libolm plays is mirrored by a
//! protee session built from the same random bytes; its outputs are what libolm must reproduce
//! (encrypt steps carry protee's ciphertext) and its inputs are what libolm must accept (decrypt
//! steps carry protee's messages and plaintexts).

use std::collections::BTreeMap;

use protee::olm::{Account, OlmMessage, Session};
use protee::{Curve25519PublicKey, SessionCreationError};
use serde_json::{Value, json};

use super::{
    AccountSpec, Draws, Result, account_expect, encrypt_exact, hex, with_bytes, with_exact_rng,
};

pub(super) fn checks(draws: &mut Draws) -> Result<Vec<Value>> {
    let mut checks = accounts(draws)?;
    checks.push(protee_alice_conversation(draws)?);
    checks.push(protee_bob_conversation(draws)?);
    checks.push(fallback_protee_alice(draws)?);
    checks.push(previous_fallback_protee_alice(draws)?);
    checks.push(fallback_protee_bob(draws)?);
    checks.push(limits(draws)?);
    checks.push(unknown_one_time_key(draws)?);
    checks.push(wrong_sender(draws)?);
    Ok(checks)
}

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

/// `olm_account` items: libolm rebuilds each account from protee's random bytes and must get
/// the same keys and the same signatures.
fn accounts(draws: &mut Draws) -> Result<Vec<Value>> {
    // (name, one-time keys, fallback keys, mark as published). spec/olm.md OLM-OTK-4: libolm
    // must keep the same 100 of 101 keys; OLM-OTK-5: after publishing, neither lists a key.
    let shapes = [
        ("bare", 0, 0, false),
        ("keys", 5, 2, false),
        ("published", 3, 1, true),
        ("over-the-limit", 101, 1, false),
    ];
    let mut checks = Vec::new();
    for (name, otks, fallbacks, publish) in shapes {
        let label = format!("olm/account/{name}");
        let spec = AccountSpec::draw(draws, &label, otks, fallbacks, publish)?;
        let account = spec.build()?;
        let signatures: Vec<Value> = signed_messages(draws, &label)?
            .iter()
            .map(|message| {
                let signature = account.sign(message).to_base64();
                with_bytes(json!({ "signature": signature }), "message", message)
            })
            .collect();
        let mut item = json!({ "id": label, "type": "olm_account" });
        merge(&mut item, spec.to_json());
        item["expect"] = account_expect(&account);
        item["signatures"] = signatures.into();
        checks.push(item);
    }
    Ok(checks)
}

fn signed_messages(draws: &mut Draws, label: &str) -> Result<Vec<Vec<u8>>> {
    let random = draws.take(&format!("{label}/signed-message"), 64)?;
    let long: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    Ok(vec![
        Vec::new(),
        b"Hello, World".to_vec(),
        "ünïcödé ✓ 🔐".as_bytes().to_vec(),
        vec![0x00, 0x01, 0xfe, 0xff, 0x00, 0x80],
        random,
        long,
        br#"{"algorithms":["m.olm.v1.curve25519-aes-sha2","m.megolm.v1.aes-sha2"],"device_id":"PROTEE","user_id":"@protee:example.org"}"#.to_vec(),
    ])
}

// ---------------------------------------------------------------------------------------------
// Conversations
// ---------------------------------------------------------------------------------------------

/// protee (Alice) → libolm (Bob, inbound): pre-key messages, out-of-order delivery, duplicates,
/// a message from another session, several ratchet turns, a late message on an old chain.
fn protee_alice_conversation(draws: &mut Draws) -> Result<Value> {
    let label = "olm/session/protee-alice";
    let bob = AccountSpec::draw(draws, &format!("{label}/bob"), 3, 1, false)?;
    let foreign = {
        // A second session from the same Alice to another of Bob's one-time keys.
        let alice = AccountSpec::draw(draws, &format!("{label}/foreign-alice"), 0, 0, false)?;
        foreign_pre_key(draws, label, &alice.build()?, &bob.build()?, 0)?
    };
    let mut c = Conversation::protee_alice(draws, label, &bob, |b| nth_one_time_key(b, 1), true)?;

    for id in ["m0", "m1", "m2"] {
        c.send(Side::Protee, id)?;
    }
    for id in ["m0", "m2", "m1"] {
        c.deliver(id)?;
    }
    c.deliver_rejected("m1")?; // a duplicate pre-key message
    c.send(Side::Libolm, "r0")?; // Bob's first message: 32 random bytes
    c.send(Side::Libolm, "r1")?;
    c.deliver("r1")?;
    c.deliver("r0")?;
    for id in ["m3", "m4", "m5"] {
        c.send(Side::Protee, id)?;
    }
    for id in ["m5", "m3", "m4"] {
        c.deliver(id)?;
    }
    c.deliver_rejected("m4")?;
    c.record("foreign", foreign);
    c.deliver_rejected("foreign")?;
    for turn in 0..3 {
        c.turn(&format!("turn{turn}"))?;
    }
    late_message_on_old_chain(&mut c)?;
    c.finish()
}

/// libolm (Alice, outbound) → protee (Bob): libolm's messages are compared byte for byte with
/// protee's, protee's replies arrive out of order and duplicated.
fn protee_bob_conversation(draws: &mut Draws) -> Result<Value> {
    let label = "olm/session/protee-bob";
    let bob = AccountSpec::draw(draws, &format!("{label}/bob"), 2, 0, false)?;
    let mut c = Conversation::protee_bob(draws, label, &bob, |b| nth_one_time_key(b, 0))?;

    for id in ["a0", "a1", "a2"] {
        c.send(Side::Libolm, id)?;
    }
    for id in ["a1", "a0", "a2"] {
        c.deliver(id)?;
    }
    for id in ["b0", "b1", "b2"] {
        c.send(Side::Protee, id)?;
    }
    for id in ["b1", "b0", "b2"] {
        c.deliver(id)?;
    }
    c.deliver_rejected("b1")?;
    c.send(Side::Libolm, "a3")?; // Alice ratchets: 32 random bytes
    c.send(Side::Libolm, "a4")?;
    c.deliver("a4")?;
    c.deliver("a3")?;
    for id in ["b3", "b4", "b5"] {
        c.send(Side::Protee, id)?;
    }
    for id in ["b5", "b3", "b4"] {
        c.deliver(id)?;
    }
    c.deliver_rejected("b5")?;
    for turn in 0..3 {
        c.turn(&format!("turn{turn}"))?;
    }
    late_message_on_old_chain(&mut c)?;
    c.finish()
}

/// protee holds back a message, both sides ratchet, then the held message (on an older chain
/// of protee's) is delivered.
fn late_message_on_old_chain(c: &mut Conversation) -> Result<()> {
    c.send(Side::Protee, "late-early")?;
    c.send(Side::Protee, "late-held")?;
    c.deliver("late-early")?;
    c.send(Side::Libolm, "late-reply")?;
    c.deliver("late-reply")?;
    c.send(Side::Protee, "late-new-chain")?;
    c.deliver("late-new-chain")?;
    c.deliver("late-held")?;
    c.deliver_rejected("late-held")
}

/// protee (Alice) uses libolm Bob's fallback key; Bob's one-time keys are published and unused.
/// libolm uses `olm_create_inbound_session` (no sender key).
fn fallback_protee_alice(draws: &mut Draws) -> Result<Value> {
    let label = "olm/session/fallback/protee-alice";
    let bob = AccountSpec::draw(draws, &format!("{label}/bob"), 2, 1, true)?;
    let mut c = Conversation::protee_alice(
        draws,
        label,
        &bob,
        |b| b.fallback_key().map(|(_, key)| key),
        false,
    )?;
    short_exchange(&mut c)?;
    c.finish()
}

/// protee (Alice) uses libolm Bob's *previous* fallback key (Bob has rotated it once).
fn previous_fallback_protee_alice(draws: &mut Draws) -> Result<Value> {
    let label = "olm/session/previous-fallback/protee-alice";
    let bob = AccountSpec::draw(draws, &format!("{label}/bob"), 0, 2, false)?;
    let previous = AccountSpec {
        create: bob.create.clone(),
        one_time_keys: Vec::new(),
        fallback_keys: bob.fallback_keys[..1].to_vec(),
        publish: false,
    }
    .build()?
    .fallback_key()
    .map(|(_, key)| key);
    let mut c = Conversation::protee_alice(draws, label, &bob, |_| previous, true)?;
    short_exchange(&mut c)?;
    c.finish()
}

/// libolm (Alice) uses protee Bob's fallback key; protee Bob has no one-time keys.
fn fallback_protee_bob(draws: &mut Draws) -> Result<Value> {
    let label = "olm/session/fallback/protee-bob";
    let bob = AccountSpec::draw(draws, &format!("{label}/bob"), 0, 1, false)?;
    let mut c =
        Conversation::protee_bob(draws, label, &bob, |b| b.fallback_key().map(|(_, key)| key))?;
    for id in ["a0", "a1"] {
        c.send(Side::Libolm, id)?;
        c.deliver(id)?;
    }
    for id in ["b0", "b1"] {
        c.send(Side::Protee, id)?;
    }
    c.deliver("b1")?;
    c.deliver("b0")?;
    c.turn("turn0")?;
    c.turn("turn1")?;
    c.finish()
}

/// Two pre-key messages from protee (delivered out of order), a reply from libolm, then two
/// ratchet turns.
fn short_exchange(c: &mut Conversation) -> Result<()> {
    c.send(Side::Protee, "m0")?;
    c.send(Side::Protee, "m1")?;
    c.deliver("m1")?;
    c.deliver("m0")?;
    c.send(Side::Libolm, "r0")?;
    c.deliver("r0")?;
    c.send(Side::Protee, "m2")?;
    c.deliver("m2")?;
    c.turn("turn0")?;
    c.turn("turn1")
}

/// libolm's limits, each probed on both sides of the boundary: a message gap of 2000 on a new
/// chain and on a known chain, the 40 skipped message keys kept, and the 5 receiver chains.
fn limits(draws: &mut Draws) -> Result<Value> {
    let label = "olm/session/limits";
    let bob = AccountSpec::draw(draws, &format!("{label}/bob"), 1, 0, false)?;
    let mut c = Conversation::protee_alice(draws, label, &bob, |b| nth_one_time_key(b, 0), true)?;
    c.send(Side::Protee, "m0")?;
    c.deliver("m0")?;
    c.send(Side::Libolm, "r0")?;
    c.deliver("r0")?;

    // A new chain whose first delivered message has counter 2000 (the largest gap allowed).
    c.send_filler("x", 0..=4002)?;
    c.deliver("x2000")?;
    // Only the newest 40 skipped keys (1960..=1999) are kept.
    c.deliver("x1960")?;
    c.deliver_rejected("x1959")?;
    // The chain is at 2001: counter 4002 is a gap of 2001, 4001 one of 2000.
    c.deliver_rejected("x4002")?;
    c.deliver("x4001")?;
    c.deliver("x4002")?;

    // A new chain starting at counter 2001 is refused, 2000 accepted.
    c.send(Side::Libolm, "r1")?;
    c.deliver("r1")?;
    c.send_filler("z", 0..=2001)?;
    c.deliver_rejected("z2001")?;
    c.deliver("z2000")?;

    // Five receiver chains are kept: a held message survives four more chains, not five.
    c.send(Side::Libolm, "r2")?;
    c.deliver("r2")?;
    c.send_filler("w", 0..=2)?;
    c.deliver("w2")?;
    for turn in 0..4 {
        c.turn(&format!("turn{turn}"))?;
    }
    c.deliver("w0")?;
    c.turn("turn4")?;
    c.deliver_rejected("w1")?;
    c.finish()
}

/// A pre-key message to a one-time key libolm's Bob does not have: `BAD_MESSAGE_KEY_ID`.
fn unknown_one_time_key(draws: &mut Draws) -> Result<Value> {
    let label = "olm/negative/unknown-one-time-key";
    let bob = AccountSpec::draw(draws, &format!("{label}/bob"), 2, 1, false)?;
    let stranger = AccountSpec::draw(draws, &format!("{label}/stranger"), 1, 0, false)?.build()?;
    let stranger_key = nth_one_time_key(&stranger, 0);
    let mut c = Conversation::protee_alice(draws, label, &bob, |_| stranger_key, true)?;
    c.send(Side::Protee, "m0")?;
    c.deliver_rejected("m0")?;
    c.finish()
}

/// A pre-key message whose sender is not the identity key libolm's Bob expects
/// (`olm_create_inbound_session_from`): `BAD_MESSAGE_KEY_ID`.
fn wrong_sender(draws: &mut Draws) -> Result<Value> {
    let label = "olm/negative/wrong-sender";
    let bob = AccountSpec::draw(draws, &format!("{label}/bob"), 1, 0, false)?;
    let impostor = AccountSpec::draw(draws, &format!("{label}/expected"), 0, 0, false)?.build()?;
    let mut c = Conversation::protee_alice(draws, label, &bob, |b| nth_one_time_key(b, 0), true)?;
    c.expect_sender(impostor.curve25519_key());
    c.send(Side::Protee, "m0")?;
    c.deliver_rejected("m0")?;
    c.finish()
}

/// A pre-key message on a new session from `alice` to `bob`'s one-time key number `n`.
fn foreign_pre_key(
    draws: &mut Draws,
    label: &str,
    alice: &Account,
    bob: &Account,
    n: usize,
) -> Result<Sent> {
    let key = nth_one_time_key(bob, n).ok_or("Bob has too few one-time keys")?;
    let random = draws.take(&format!("{label}/foreign-alice/outbound"), 64)?;
    let mut session = with_exact_rng("outbound session", &random, |rng| {
        alice.create_outbound_session(&bob.curve25519_key(), &key, rng)
    })?
    .map_err(|e| format!("outbound session: {e}"))?;
    let plaintext = b"from another session".to_vec();
    let message = encrypt_exact(&mut session, &plaintext, &[])?;
    Ok(Sent {
        message,
        plaintext,
        from: Side::Protee,
    })
}

fn nth_one_time_key(account: &Account, n: usize) -> Option<Curve25519PublicKey> {
    account.one_time_keys().get(n).map(|(_, key)| *key)
}

// ---------------------------------------------------------------------------------------------
// The conversation driver
// ---------------------------------------------------------------------------------------------

/// Which party is speaking: the one libolm plays (mirrored here by protee), or protee's own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Libolm,
    Protee,
}

/// One party: its account and, once there is one, its session.
struct Party {
    name: &'static str,
    account: Account,
    session: Option<Session>,
    /// For inbound session creation: the sender's identity key, if it is checked.
    expected_sender: Option<Curve25519PublicKey>,
}

impl Party {
    /// Decrypts like libolm's checker does: the first message creates the inbound session.
    /// On failure, the libolm error protee's error corresponds to.
    fn receive(&mut self, message: &OlmMessage) -> std::result::Result<Vec<u8>, &'static str> {
        if let Some(session) = &mut self.session {
            // libolm reports every decryption failure as BAD_MESSAGE_MAC.
            return session.decrypt(message).map_err(|_| "BAD_MESSAGE_MAC");
        }
        let OlmMessage::PreKey(pre_key) = message else {
            return Err("not a pre-key message (no session yet)");
        };
        let created = self
            .account
            .create_inbound_session(self.expected_sender.as_ref(), pre_key)
            .map_err(|e| match e {
                SessionCreationError::UnknownOneTimeKey
                | SessionCreationError::IdentityKeyMismatch => "BAD_MESSAGE_KEY_ID",
                // libolm creates the session, then fails to decrypt the message.
                _ => "BAD_MESSAGE_MAC",
            })?;
        self.session = Some(created.session);
        Ok(created.plaintext)
    }
}

struct Sent {
    message: OlmMessage,
    plaintext: Vec<u8>,
    from: Side,
}

/// A conversation between libolm's party and protee's, recorded as an `olm_session` item.
struct Conversation<'d> {
    id: String,
    draws: &'d mut Draws,
    /// `inbound` or `outbound`, and its object: how libolm's party starts.
    setup: (&'static str, Value),
    libolm: Party,
    protee: Party,
    sent: BTreeMap<String, Sent>,
    steps: Vec<Value>,
}

impl<'d> Conversation<'d> {
    /// protee is Alice and starts a session to libolm's Bob (built from `bob`) on the key
    /// `pick` chooses. With `from_sender`, libolm checks Alice's identity key
    /// (`olm_create_inbound_session_from`).
    fn protee_alice(
        draws: &'d mut Draws,
        id: &str,
        bob: &AccountSpec,
        pick: impl FnOnce(&Account) -> Option<Curve25519PublicKey>,
        from_sender: bool,
    ) -> Result<Self> {
        let bob_account = bob.build()?;
        let alice = AccountSpec::draw(draws, &format!("{id}/alice"), 0, 0, false)?.build()?;
        let bob_key = pick(&bob_account).ok_or("Bob has no such key")?;
        let random = draws.take(&format!("{id}/alice/outbound"), 64)?;
        let session = with_exact_rng("outbound session", &random, |rng| {
            alice.create_outbound_session(&bob_account.curve25519_key(), &bob_key, rng)
        })?
        .map_err(|e| format!("outbound session: {e}"))?;

        let mut account = bob.to_json();
        account["expect"] = account_expect(&bob_account);
        let mut inbound = json!({ "account": account, "session_id": session.session_id() });
        let alice_key = alice.curve25519_key();
        if from_sender {
            inbound["their_identity_key"] = alice_key.to_base64().into();
        }
        Ok(Self {
            id: id.to_owned(),
            draws,
            setup: ("inbound", inbound),
            libolm: Party {
                name: "bob",
                account: bob_account,
                session: None,
                expected_sender: from_sender.then_some(alice_key),
            },
            protee: Party {
                name: "alice",
                account: alice,
                session: Some(session),
                expected_sender: None,
            },
            sent: BTreeMap::new(),
            steps: Vec::new(),
        })
    }

    /// libolm is Alice (an account from fresh random bytes) and starts a session to protee's
    /// Bob (built from `bob`) on the key `pick` chooses.
    fn protee_bob(
        draws: &'d mut Draws,
        id: &str,
        bob: &AccountSpec,
        pick: impl FnOnce(&Account) -> Option<Curve25519PublicKey>,
    ) -> Result<Self> {
        let bob_account = bob.build()?;
        let alice_spec = AccountSpec::draw(draws, &format!("{id}/alice"), 0, 0, false)?;
        let alice = alice_spec.build()?;
        let bob_key = pick(&bob_account).ok_or("Bob has no such key")?;
        let random = draws.take(&format!("{id}/alice/outbound"), 64)?;
        let session = with_exact_rng("outbound session", &random, |rng| {
            alice.create_outbound_session(&bob_account.curve25519_key(), &bob_key, rng)
        })?
        .map_err(|e| format!("outbound session: {e}"))?;

        let mut account = alice_spec.to_json();
        account["expect"] = account_expect(&alice);
        let outbound = json!({
            "account": account,
            "their_identity_key": bob_account.curve25519_key().to_base64(),
            "their_one_time_key": bob_key.to_base64(),
            "random_hex": hex(&random),
            "session_id": session.session_id(),
        });
        let alice_key = alice.curve25519_key();
        Ok(Self {
            id: id.to_owned(),
            draws,
            setup: ("outbound", outbound),
            libolm: Party {
                name: "alice",
                account: alice,
                session: Some(session),
                expected_sender: None,
            },
            protee: Party {
                name: "bob",
                account: bob_account,
                session: None,
                expected_sender: Some(alice_key),
            },
            sent: BTreeMap::new(),
            steps: Vec::new(),
        })
    }

    /// libolm's party will expect this sender identity key instead of the real one.
    fn expect_sender(&mut self, key: Curve25519PublicKey) {
        self.libolm.expected_sender = Some(key);
        self.setup.1["their_identity_key"] = key.to_base64().into();
    }

    /// `from` encrypts a message with a plaintext chosen for `id`.
    fn send(&mut self, from: Side, id: &str) -> Result<()> {
        let plaintext = self.plaintext(id)?;
        self.send_bytes(from, id, plaintext)
    }

    /// protee sends `prefix0`, `prefix1`, … with short fixed plaintexts.
    fn send_filler(&mut self, prefix: &str, range: std::ops::RangeInclusive<u32>) -> Result<()> {
        for i in range {
            self.send_bytes(
                Side::Protee,
                &format!("{prefix}{i}"),
                format!("filler {i}").into(),
            )?;
        }
        Ok(())
    }

    fn send_bytes(&mut self, from: Side, id: &str, plaintext: Vec<u8>) -> Result<()> {
        let party = match from {
            Side::Libolm => &mut self.libolm,
            Side::Protee => &mut self.protee,
        };
        let session = party
            .session
            .as_mut()
            .ok_or_else(|| format!("{id}: no session yet"))?;
        let random = self.draws.take(
            &format!("{}/{}/encrypt/{id}", self.id, party.name),
            session.encrypt_random_length(),
        )?;
        let message = encrypt_exact(session, &plaintext, &random)?;
        if from == Side::Libolm {
            let (message_type, ciphertext) = message.to_parts();
            let step = json!({
                "op": "encrypt",
                "random_hex": hex(&random),
                "message_type": message_type,
                "ciphertext": ciphertext,
            });
            self.steps.push(with_bytes(step, "plaintext", &plaintext));
            self.pickle_step()?;
        }
        self.record(
            id,
            Sent {
                message,
                plaintext,
                from,
            },
        );
        Ok(())
    }

    /// Records a sent message (possibly made outside this conversation), to be delivered later.
    fn record(&mut self, id: &str, sent: Sent) {
        self.sent.insert(id.to_owned(), sent);
    }

    /// Delivers message `id` to the other party, which must decrypt it to the plaintext sent.
    fn deliver(&mut self, id: &str) -> Result<()> {
        let (sent, receiver) = self.receiver_of(id)?;
        let plaintext = receiver
            .receive(&sent.message)
            .map_err(|e| format!("{id}: {e}"))?;
        if plaintext != sent.plaintext {
            return Err(format!("{id}: decrypts to a different plaintext"));
        }
        if sent.from == Side::Protee {
            let (message_type, ciphertext) = sent.message.to_parts();
            let step =
                json!({ "op": "decrypt", "message_type": message_type, "ciphertext": ciphertext });
            self.steps.push(with_bytes(step, "plaintext", &plaintext));
            self.pickle_step()?;
        }
        Ok(())
    }

    /// Delivers protee's message `id` to libolm's party, which must reject it with the error
    /// protee's mirror of that party reports.
    fn deliver_rejected(&mut self, id: &str) -> Result<()> {
        let (sent, receiver) = self.receiver_of(id)?;
        if sent.from != Side::Protee {
            return Err(format!(
                "{id}: only protee's messages can be rejected by libolm"
            ));
        }
        let error = match receiver.receive(&sent.message) {
            Ok(_) => return Err(format!("{id}: protee accepts a message it should reject")),
            Err(error) => error,
        };
        let (message_type, ciphertext) = sent.message.to_parts();
        self.steps.push(json!({
            "op": "decrypt",
            "message_type": message_type,
            "ciphertext": ciphertext,
            "expect_error": error,
        }));
        self.pickle_step()
    }

    /// spec/pickle.md PICKLE-LIBOLM-SESSION-2: after each step, libolm's session must pickle
    /// to exactly what protee's mirror of it pickles to (under the transcript's pickle key):
    /// the two states are equal byte for byte, not merely compatible.
    fn pickle_step(&mut self) -> Result<()> {
        if let Some(session) = &self.libolm.session {
            let expect = session
                .to_libolm_pickle(super::PICKLE_KEY)
                .map_err(|e| format!("pickle: {e}"))?;
            self.steps.push(json!({ "op": "pickle", "expect": expect }));
        }
        Ok(())
    }

    fn receiver_of(&mut self, id: &str) -> Result<(&Sent, &mut Party)> {
        let sent = self
            .sent
            .get(id)
            .ok_or_else(|| format!("no message {id}"))?;
        let receiver = match sent.from {
            Side::Libolm => &mut self.protee,
            Side::Protee => &mut self.libolm,
        };
        Ok((sent, receiver))
    }

    /// One ratchet round trip: libolm's party sends two messages (the first with a new ratchet
    /// key), protee's party reads them in reverse order and answers with two, which libolm reads
    /// in reverse order too.
    fn turn(&mut self, tag: &str) -> Result<()> {
        let [l0, l1, p0, p1] = ["l0", "l1", "p0", "p1"].map(|m| format!("{tag}-{m}"));
        self.send(Side::Libolm, &l0)?;
        self.send(Side::Libolm, &l1)?;
        self.deliver(&l1)?;
        self.deliver(&l0)?;
        self.send(Side::Protee, &p0)?;
        self.send(Side::Protee, &p1)?;
        self.deliver(&p1)?;
        self.deliver(&p0)
    }

    /// A plaintext for message `id`: the shapes cycle through empty, AES block edges (15, 16 and
    /// 17 bytes), UTF-8, JSON, binary and more than 1 KiB, each with seed-dependent content.
    fn plaintext(&mut self, id: &str) -> Result<Vec<u8>> {
        let random = self
            .draws
            .take(&format!("{}/plaintext/{id}", self.id), 1500)?;
        let tag = hex(&random[..8]);
        Ok(match self.sent.len() % 8 {
            0 => Vec::new(),
            1 => tag.as_bytes()[..15].to_vec(),
            2 => tag.as_bytes()[..16].to_vec(),
            3 => format!("{tag}!").into_bytes(),
            4 => format!("{id} ünïcödé ✓ 🔐 {tag}").into_bytes(),
            5 => format!(r#"{{"type":"m.room_key","content":{{"id":"{id}","tag":"{tag}"}}}}"#)
                .into_bytes(),
            6 => random[..33].to_vec(),
            _ => random,
        })
    }

    /// The `olm_session` item; `expect` holds the final state of libolm's party, if it has a
    /// session.
    fn finish(self) -> Result<Value> {
        let mut item = json!({ "id": self.id, "type": "olm_session", "steps": self.steps });
        item[self.setup.0] = self.setup.1;
        if let Some(session) = &self.libolm.session {
            item["expect"] = json!({
                "session_id": session.session_id(),
                "has_received_message": session.has_received_message(),
            });
        }
        Ok(item)
    }
}

/// Copies the fields of `extra` (an object) into `item`.
fn merge(item: &mut Value, extra: Value) {
    if let (Some(item), Value::Object(extra)) = (item.as_object_mut(), extra) {
        item.extend(extra);
    }
}
