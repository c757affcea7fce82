//! The `olm` section: both accounts, Bob's one-time and fallback keys, the outbound session,
//! the recorded conversation replayed in order with both parties live, the wire fields of every
//! message, and a second session on Bob's fallback key.
//!
//! protee draws randomness from a [`ReplayRng`] holding exactly the bytes libolm was given, so
//! every key, signature and ciphertext must come out byte for byte.
//!
//! libolm creates an inbound session, decrypts its first message and removes the one-time key
//! in three calls (three conversation steps); protee's `Account::create_inbound_session` does
//! all three at once. So the plaintext protee gets at creation is compared at libolm's decrypt
//! step, and libolm's removal is compared with what protee's creation already removed.

use std::collections::BTreeMap;
use std::fmt::Debug;

use protee::olm::{Account, NormalMessage, OlmMessage, PreKeyMessage, Session};
use protee::{Curve25519PublicKey, KeyId};

use super::Checker;
use super::format::{
    self, DecodedMessage, DecodedNormal, InboundFunction, Op, Party, Random, Step, to_hex,
};
use crate::replay_rng::ReplayRng;

/// The replay cannot go on (a session could not be created, a message not parsed). The cause
/// has already been reported as a FAIL line.
struct Stop;

type Flow<T = ()> = Result<T, Stop>;

pub fn check(olm: &format::Olm, c: &mut Checker) {
    // A `Stop` has already been reported as a FAIL line; the remaining checks depend on it.
    let _ = replay(olm, c);
}

/// One value per party.
struct Pair<T> {
    alice: T,
    bob: T,
}

impl<T> Pair<T> {
    fn get(&self, party: Party) -> &T {
        match party {
            Party::Alice => &self.alice,
            Party::Bob => &self.bob,
        }
    }

    fn get_mut(&mut self, party: Party) -> &mut T {
        match party {
            Party::Alice => &mut self.alice,
            Party::Bob => &mut self.bob,
        }
    }
}

/// The protee side of the conversation.
struct Replay {
    accounts: Pair<Account>,
    sessions: Pair<Option<Session>>,
    /// protee's ids for Bob's one-time keys, by public key (base64), as generated.
    one_time_key_ids: BTreeMap<String, KeyId>,
    /// The recorded ciphertext of every message sent so far, by message id.
    sent: BTreeMap<String, String>,
    /// An inbound session whose first message protee has decrypted but libolm has not yet.
    undecrypted: Option<Undecrypted>,
    /// The key of the last inbound session, for libolm's `olm_remove_one_time_keys` step.
    unremoved: Option<UsedKey>,
}

struct Undecrypted {
    party: Party,
    message: String,
    plaintext: Vec<u8>,
}

/// The key an inbound session was created on, and the account just before the creation.
struct UsedKey {
    public: Curve25519PublicKey,
    /// protee's id for it, if it is one of the account's one-time keys.
    one_time_key_id: Option<KeyId>,
    stored_one_time_keys: usize,
    fallback_key: Option<(KeyId, Curve25519PublicKey)>,
}

impl UsedKey {
    fn before(account: &Account, message: &PreKeyMessage, ids: &BTreeMap<String, KeyId>) -> Self {
        let public = message.one_time_key();
        Self {
            public,
            one_time_key_id: ids.get(&public.to_base64()).copied(),
            stored_one_time_keys: account.stored_one_time_key_count(),
            fallback_key: account.fallback_key(),
        }
    }
}

fn replay(olm: &format::Olm, c: &mut Checker) -> Flow {
    let alice = create_account("accounts.alice", &olm.accounts.alice, c);
    let mut bob = create_account("accounts.bob", &olm.accounts.bob.account, c);
    let one_time_key_ids = bob_keys(&mut bob, &olm.accounts.bob, c);
    let mut replay = Replay {
        accounts: Pair { alice, bob },
        sessions: Pair {
            alice: None,
            bob: None,
        },
        one_time_key_ids,
        sent: BTreeMap::new(),
        undecrypted: None,
        unremoved: None,
    };

    let outbound = &olm.outbound_session;
    let session = outbound_session(
        "outbound_session",
        "random",
        replay.accounts.get(outbound.creator),
        &outbound.their_identity_key,
        &outbound.their_one_time_key,
        &outbound.random,
        c,
    )?;
    c.eq(
        "outbound_session.session_id",
        outbound.session_id.as_str(),
        &session.session_id(),
    );
    *replay.sessions.get_mut(outbound.creator) = Some(session);

    for (i, step) in olm.conversation.steps.iter().enumerate() {
        let at = format!("conversation.steps[{i}]");
        conversation_step(&mut replay, step, &at, c)?;
        check_state_after(&replay, step, &olm.pickle_key, &at, c);
    }
    for party in Party::BOTH {
        let got = replay.sessions.get(party).as_ref().map(Session::session_id);
        let name = format!("conversation.session_id.{}", party.name());
        c.eq(&name, &Some(&olm.conversation.session_id), &got.as_ref());
    }
    wire_fields(&olm.conversation.messages, &replay.sessions, c);
    fallback_session(&mut replay, &olm.fallback_session, c)
}

// ---------------------------------------------------------------------------------------------
// Accounts and keys
// ---------------------------------------------------------------------------------------------

/// Passes iff protee drew exactly the recorded random bytes: all of them, and no more.
fn random_used(name: &str, rng: &ReplayRng, recorded: &Random, c: &mut Checker) {
    c.ok(name, rng.exactly_consumed(), || {
        format!(
            "expected exactly the {} recorded random bytes to be drawn, protee drew {}",
            recorded.length,
            rng.consumed()
        )
    });
}

fn create_account(at: &str, recorded: &format::Account, c: &mut Checker) -> Account {
    let mut rng = ReplayRng::new(recorded.create_random.bytes.clone());
    let account = Account::new_with_rng(&mut rng);
    random_used(
        &format!("{at}.create_random.used"),
        &rng,
        &recorded.create_random,
        c,
    );
    c.eq(
        &format!("{at}.identity_keys_json"),
        recorded.identity_keys_json.as_str(),
        &account.identity_keys_json(),
    );
    c.eq(
        &format!("{at}.curve25519"),
        recorded.curve25519.as_str(),
        &account.curve25519_key().to_base64(),
    );
    c.eq(
        &format!("{at}.ed25519"),
        recorded.ed25519.as_str(),
        &account.ed25519_key().to_base64(),
    );
    c.eq(
        &format!("{at}.max_number_of_one_time_keys"),
        &recorded.max_number_of_one_time_keys,
        &account.max_number_of_one_time_keys(),
    );
    for (i, signature) in recorded.signatures.iter().enumerate() {
        let got = account.sign(&signature.message.hex.0).to_base64();
        c.eq(
            &format!("{at}.signatures[{i}]"),
            signature.signature.as_str(),
            &got,
        );
    }
    account
}

/// Bob's one-time keys, fallback key, and the JSONs after publishing (spec/olm.md OLM-OTK-3,
/// OLM-OTK-5). Returns protee's ids of the one-time keys by public key.
fn bob_keys(
    bob: &mut Account,
    recorded: &format::BobAccount,
    c: &mut Checker,
) -> BTreeMap<String, KeyId> {
    let otks = &recorded.one_time_keys;
    let mut rng = ReplayRng::new(otks.random.bytes.clone());
    let ids = bob.generate_one_time_keys(otks.count, &mut rng);
    random_used(
        "accounts.bob.one_time_keys.random.used",
        &rng,
        &otks.random,
        c,
    );
    c.eq(
        "accounts.bob.one_time_keys.json",
        otks.json.as_str(),
        &bob.one_time_keys_json(),
    );
    let expected_ids: Vec<u32> = otks.keys.iter().map(|key| key.key_id_int).collect();
    let got_ids: Vec<u32> = ids.iter().map(|id| id.value()).collect();
    c.eq(
        "accounts.bob.one_time_keys.key_ids",
        &expected_ids,
        &got_ids,
    );
    let generated = bob.one_time_keys();
    for (i, key) in otks.keys.iter().enumerate() {
        let at = format!("accounts.bob.one_time_keys.keys[{i}]");
        let mine = generated
            .iter()
            .find(|(id, _)| id.value() == key.key_id_int);
        let got_id = mine.map(|(id, _)| id.to_base64());
        let got_public = mine.map(|(_, public)| public.to_base64());
        c.eq(
            &format!("{at}.key_id"),
            &Some(&key.key_id),
            &got_id.as_ref(),
        );
        c.eq(
            &format!("{at}.public"),
            &Some(&key.public),
            &got_public.as_ref(),
        );
    }
    let one_time_key_ids = generated
        .iter()
        .map(|(id, public)| (public.to_base64(), *id))
        .collect();

    let fallback = &recorded.fallback_key;
    let mut rng = ReplayRng::new(fallback.random.bytes.clone());
    let id = bob.generate_fallback_key(&mut rng);
    random_used(
        "accounts.bob.fallback_key.random.used",
        &rng,
        &fallback.random,
        c,
    );
    c.eq(
        "accounts.bob.fallback_key.key_id_int",
        &fallback.key_id_int,
        &id.value(),
    );
    c.eq(
        "accounts.bob.fallback_key.key_id",
        fallback.key_id.as_str(),
        &id.to_base64(),
    );
    let got_public = bob.fallback_key().map(|(_, public)| public.to_base64());
    c.eq(
        "accounts.bob.fallback_key.public",
        &Some(&fallback.public),
        &got_public.as_ref(),
    );
    c.eq(
        "accounts.bob.fallback_key.unpublished_json_before_publish",
        fallback.unpublished_json_before_publish.as_str(),
        &bob.unpublished_fallback_key_json(),
    );
    c.eq(
        "accounts.bob.fallback_key.json_before_publish",
        fallback.json_before_publish.as_str(),
        &bob.fallback_key_json(),
    );

    // libolm's return value of olm_account_mark_keys_as_published is not recorded.
    bob.mark_keys_as_published();
    let after = &recorded.after_mark_keys_as_published;
    let at = "accounts.bob.after_mark_keys_as_published";
    c.eq(
        &format!("{at}.one_time_keys_json"),
        after.one_time_keys_json.as_str(),
        &bob.one_time_keys_json(),
    );
    c.eq(
        &format!("{at}.fallback_key_json"),
        after.fallback_key_json.as_str(),
        &bob.fallback_key_json(),
    );
    c.eq(
        &format!("{at}.unpublished_fallback_key_json"),
        after.unpublished_fallback_key_json.as_str(),
        &bob.unpublished_fallback_key_json(),
    );
    one_time_key_ids
}

fn curve25519_key(name: &str, text: &str, c: &mut Checker) -> Flow<Curve25519PublicKey> {
    Curve25519PublicKey::from_base64(text).map_err(|e| {
        c.fail(
            name,
            &format!("the recorded key {text:?} is not a Curve25519 key: {e}"),
        );
        Stop
    })
}

/// `olm_create_outbound_session` with the recorded random bytes.
fn outbound_session(
    at: &str,
    random_name: &str,
    account: &Account,
    their_identity_key: &str,
    their_one_time_key: &str,
    random: &Random,
    c: &mut Checker,
) -> Flow<Session> {
    let their_identity_key =
        curve25519_key(&format!("{at}.their_identity_key"), their_identity_key, c)?;
    let their_one_time_key =
        curve25519_key(&format!("{at}.their_one_time_key"), their_one_time_key, c)?;
    let mut rng = ReplayRng::new(random.bytes.clone());
    let created =
        account.create_outbound_session(&their_identity_key, &their_one_time_key, &mut rng);
    random_used(&format!("{at}.{random_name}.used"), &rng, random, c);
    created.map_err(|e| {
        c.fail(
            &format!("{at}.created"),
            &format!("expected a session (libolm made one), got error: {e}"),
        );
        Stop
    })
}

// ---------------------------------------------------------------------------------------------
// The conversation
// ---------------------------------------------------------------------------------------------

fn conversation_step(replay: &mut Replay, step: &Step, at: &str, c: &mut Checker) -> Flow {
    match &step.op {
        Op::Encrypt {
            message,
            plaintext,
            random,
            message_type,
            ciphertext,
        } => {
            let at = format!("{at}.encrypt");
            let session = session_of(&mut replay.sessions, step.party, &at, c)?;
            encrypt_and_compare(
                session,
                &plaintext.hex.0,
                random,
                *message_type,
                ciphertext,
                &at,
                c,
            );
            replay.sent.insert(message.clone(), ciphertext.clone());
        }
        Op::CreateInbound {
            message,
            function,
            their_identity_key,
            matches_inbound_session,
            matches_inbound_session_from,
        } => {
            let at = format!("{at}.create_inbound");
            let pre_key = sent_pre_key_message(&replay.sent, message, &at, c)?;
            let sender =
                curve25519_key(&format!("{at}.their_identity_key"), their_identity_key, c)?;
            let sender_given = match function {
                InboundFunction::From => Some(&sender),
                InboundFunction::Any => None,
            };
            let account = replay.accounts.get_mut(step.party);
            let used_key = UsedKey::before(account, &pre_key, &replay.one_time_key_ids);
            let created = match account.create_inbound_session(sender_given, &pre_key) {
                Ok(created) => created,
                Err(e) => {
                    let detail = format!("expected a session (libolm made one), got error: {e}");
                    c.fail(&format!("{at}.created"), &detail);
                    return Err(Stop);
                }
            };
            c.pass(&format!("{at}.created"));
            for (id, expected) in matches_inbound_session {
                let other = sent_pre_key_message(&replay.sent, id, &at, c)?;
                let got = created.session.matches_inbound_session(&other);
                c.eq(
                    &format!("{at}.matches_inbound_session.{id}"),
                    expected,
                    &got,
                );
            }
            for (id, expected) in matches_inbound_session_from {
                let other = sent_pre_key_message(&replay.sent, id, &at, c)?;
                let got = created
                    .session
                    .matches_inbound_session_from(&sender, &other);
                c.eq(
                    &format!("{at}.matches_inbound_session_from.{id}"),
                    expected,
                    &got,
                );
            }
            *replay.sessions.get_mut(step.party) = Some(created.session);
            replay.undecrypted = Some(Undecrypted {
                party: step.party,
                message: message.clone(),
                plaintext: created.plaintext,
            });
            replay.unremoved = Some(used_key);
        }
        Op::Decrypt {
            message,
            message_type,
            plaintext,
        } => {
            let at = format!("{at}.decrypt");
            let parsed = sent_message(&replay.sent, message, *message_type, &at, c)?;
            let session = session_of(&mut replay.sessions, step.party, &at, c)?;
            let already = replay
                .undecrypted
                .take_if(|u| u.party == step.party && u.message == *message);
            match already {
                // protee decrypted it when it created the session.
                Some(done) => {
                    let name = format!("{at}.plaintext");
                    c.eq(
                        &name,
                        to_hex(&plaintext.hex.0).as_str(),
                        &to_hex(&done.plaintext),
                    );
                    decrypt_again_fails(session, &parsed, &at, c);
                }
                None => decrypt_and_compare(session, &parsed, &plaintext.hex.0, &at, c),
            }
        }
        Op::RemoveOneTimeKeys {
            account,
            returned,
            one_time_keys_json_after,
        } => {
            let at = format!("{at}.remove_one_time_keys");
            let Some(used_key) = replay.unremoved.take() else {
                c.fail(&at, "no inbound session was created before this step");
                return Err(Stop);
            };
            let account = replay.accounts.get(*account);
            check_key_removal(account, &used_key, *returned, &at, c);
            let name = format!("{at}.one_time_keys_json_after");
            c.eq(
                &name,
                one_time_keys_json_after.as_str(),
                &account.one_time_keys_json(),
            );
        }
    }
    Ok(())
}

/// Both parties' recorded state after a step. A party without a session is recorded as null.
///
/// libolm's inbound session exists before it has decrypted anything; protee's is created by
/// decrypting the first message. For that one state, protee loads libolm's own pickle of the
/// session and compares the recorded values with the loaded session's.
fn check_state_after(replay: &Replay, step: &Step, pickle_key: &[u8], at: &str, c: &mut Checker) {
    for party in Party::BOTH {
        let session = replay.sessions.get(party).as_ref();
        let name = party.name();
        let not_yet_decrypted = replay
            .undecrypted
            .as_ref()
            .is_some_and(|u| u.party == party);
        compare_recorded(
            &format!("{at}.session_ids.{name}"),
            step.session_ids.get(party),
            session.map(Session::session_id).as_ref(),
            c,
        );
        let libolm_state = not_yet_decrypted
            .then(|| step.session_pickles_after.get(party))
            .flatten()
            .map(|pickle| Session::from_libolm_pickle(pickle, pickle_key));
        let session = match &libolm_state {
            Some(Ok(loaded)) => Some(loaded),
            Some(Err(e)) => {
                c.fail(
                    &format!("{at}.session_pickles_after.{name}.loaded"),
                    &format!("protee cannot load libolm's pickle: {e}"),
                );
                continue;
            }
            None => session,
        };
        compare_recorded(
            &format!("{at}.has_received_message.{name}"),
            step.has_received_message.get(party),
            session.map(Session::has_received_message).as_ref(),
            c,
        );
        compare_recorded(
            &format!("{at}.next_encrypt_random_length.{name}"),
            step.next_encrypt_random_length.get(party),
            session.map(Session::encrypt_random_length).as_ref(),
            c,
        );
        compare_recorded(
            &format!("{at}.next_encrypt_message_type.{name}"),
            step.next_encrypt_message_type.get(party),
            session.map(|s| s.next_message_type().as_usize()).as_ref(),
            c,
        );
    }
}

/// A per-party value: nothing to check when neither libolm nor protee has a session.
fn compare_recorded<T: PartialEq + Debug>(
    name: &str,
    expected: Option<&T>,
    got: Option<&T>,
    c: &mut Checker,
) {
    if expected.is_some() || got.is_some() {
        c.eq(name, &expected, &got);
    }
}

fn session_of<'s>(
    sessions: &'s mut Pair<Option<Session>>,
    party: Party,
    at: &str,
    c: &mut Checker,
) -> Flow<&'s mut Session> {
    sessions.get_mut(party).as_mut().ok_or_else(|| {
        c.fail(at, &format!("{} has no session at this step", party.name()));
        Stop
    })
}

/// A message sent earlier in the conversation, parsed from libolm's recorded ciphertext.
fn sent_message(
    sent: &BTreeMap<String, String>,
    id: &str,
    message_type: usize,
    at: &str,
    c: &mut Checker,
) -> Flow<OlmMessage> {
    let Some(ciphertext) = sent.get(id) else {
        c.fail(
            at,
            &format!("message {id} is used before the step that sends it"),
        );
        return Err(Stop);
    };
    parse_message(message_type, ciphertext, &format!("{at}.parse.{id}"), c)
}

fn sent_pre_key_message(
    sent: &BTreeMap<String, String>,
    id: &str,
    at: &str,
    c: &mut Checker,
) -> Flow<PreKeyMessage> {
    match sent_message(sent, id, 0, at, c)? {
        OlmMessage::PreKey(message) => Ok(message),
        OlmMessage::Normal(_) => {
            c.fail(at, &format!("message {id} is not a pre-key message"));
            Err(Stop)
        }
    }
}

fn parse_message(
    message_type: usize,
    ciphertext: &str,
    name: &str,
    c: &mut Checker,
) -> Flow<OlmMessage> {
    OlmMessage::from_parts(message_type, ciphertext).map_err(|e| {
        c.fail(
            name,
            &format!("protee cannot parse libolm's type {message_type} message: {e}"),
        );
        Stop
    })
}

/// `olm_encrypt` with the recorded random bytes: protee must ask for as many bytes as libolm
/// did, draw exactly those, and produce the same message type and ciphertext.
fn encrypt_and_compare(
    session: &mut Session,
    plaintext: &[u8],
    random: &Random,
    message_type: usize,
    ciphertext: &str,
    at: &str,
    c: &mut Checker,
) {
    c.eq(
        &format!("{at}.random_length"),
        &random.length,
        &session.encrypt_random_length(),
    );
    let mut rng = ReplayRng::new(random.bytes.clone());
    let message = session.encrypt(plaintext, &mut rng);
    random_used(&format!("{at}.random_used"), &rng, random, c);
    let (got_type, got_ciphertext) = message.to_parts();
    c.eq(&format!("{at}.message_type"), &message_type, &got_type);
    c.eq(&format!("{at}.ciphertext"), ciphertext, &got_ciphertext);
}

/// `olm_decrypt` of libolm's message; then a second decryption must fail.
fn decrypt_and_compare(
    session: &mut Session,
    message: &OlmMessage,
    plaintext: &[u8],
    at: &str,
    c: &mut Checker,
) {
    let name = format!("{at}.plaintext");
    match session.decrypt(message) {
        Ok(got) => {
            c.eq(&name, to_hex(plaintext).as_str(), &to_hex(&got));
        }
        Err(e) => {
            let detail = format!(
                "expected a plaintext of {} bytes, got error: {e}",
                plaintext.len()
            );
            c.fail(&name, &detail);
        }
    }
    decrypt_again_fails(session, message, at, c);
}

/// As in libolm, a message decrypts once: its message key is used up. Tried on a copy, so a
/// wrong success cannot disturb the rest of the replay.
fn decrypt_again_fails(session: &Session, message: &OlmMessage, at: &str, c: &mut Checker) {
    let again = session.clone().decrypt(message);
    c.ok(&format!("{at}.decrypt_again_fails"), again.is_err(), || {
        "expected an error (libolm refuses a message decrypted before), got a plaintext".to_owned()
    });
}

/// libolm's `olm_remove_one_time_keys` after an inbound session: it removes the session's
/// one-time key and returns its id; for a published fallback key it returns the key's id and
/// keeps the key. protee's `create_inbound_session` has already done this: compare.
fn check_key_removal(account: &Account, used: &UsedKey, returned: u32, at: &str, c: &mut Checker) {
    let stored_now = account.stored_one_time_key_count();
    if let Some(id) = used.one_time_key_id {
        c.eq(&format!("{at}.returned"), &returned, &id.value());
        let gone = account.clone().remove_one_time_key(&used.public).is_none();
        c.ok(&format!("{at}.key_removed"), gone && stored_now + 1 == used.stored_one_time_keys, || {
            format!(
                "expected one-time key {} removed: {} keys stored before the session, {stored_now} after",
                id.value(),
                used.stored_one_time_keys
            )
        });
    } else if let Some((id, public)) = used.fallback_key.filter(|(_, key)| *key == used.public) {
        c.eq(&format!("{at}.returned"), &returned, &id.value());
        let kept = account.fallback_key() == Some((id, public));
        c.ok(&format!("{at}.fallback_key_kept"), kept && stored_now == used.stored_one_time_keys, || {
            format!(
                "expected fallback key {} kept and the one-time keys untouched: fallback key now \
                 {:?}, {} one-time keys before, {stored_now} after",
                id.value(),
                account.fallback_key().map(|(id, _)| id.value()),
                used.stored_one_time_keys
            )
        });
    } else {
        c.fail(
            &format!("{at}.returned"),
            &format!(
                "expected {returned}, got none: the session's key {} is neither a one-time key nor \
                 the current fallback key of protee's account",
                used.public.to_base64()
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Wire fields of the recorded messages
// ---------------------------------------------------------------------------------------------

/// Parses every recorded message with protee and compares each field with the generator's own
/// decoding; also the session ids recorded with each message.
fn wire_fields(
    messages: &[format::ConversationMessage],
    sessions: &Pair<Option<Session>>,
    c: &mut Checker,
) {
    for (i, recorded) in messages.iter().enumerate() {
        let at = format!("conversation.messages[{i}]");
        let Ok(parsed) = parse_message(
            recorded.message_type,
            &recorded.ciphertext,
            &format!("{at}.parse"),
            c,
        ) else {
            continue;
        };
        c.eq(
            &format!("{at}.reencoded"),
            recorded.ciphertext.as_str(),
            &parsed.to_base64(),
        );
        let at_decoded = format!("{at}.decoded");
        match (&parsed, &recorded.decoded) {
            (OlmMessage::PreKey(message), DecodedMessage::PreKey(decoded)) => {
                let version = message.as_bytes().first().copied();
                c.eq(
                    &format!("{at_decoded}.version"),
                    &Some(decoded.version),
                    &version,
                );
                let fields = [
                    (
                        "one_time_key",
                        &decoded.one_time_key,
                        message.one_time_key(),
                    ),
                    ("base_key", &decoded.base_key, message.base_key()),
                    (
                        "identity_key",
                        &decoded.identity_key,
                        message.identity_key(),
                    ),
                ];
                for (field, expected, got) in fields {
                    c.eq(
                        &format!("{at_decoded}.{field}"),
                        expected.as_str(),
                        &got.to_base64(),
                    );
                }
                normal_fields(
                    message.message(),
                    &decoded.message,
                    &format!("{at_decoded}.message"),
                    c,
                );
                c.eq(
                    &format!("{at}.sender_session_id.from_message"),
                    recorded.sender_session_id.as_str(),
                    &message.session_id(),
                );
            }
            (OlmMessage::Normal(message), DecodedMessage::Normal(decoded)) => {
                normal_fields(message, decoded, &at_decoded, c);
            }
            _ => c.fail(
                &at_decoded,
                "the recorded decoded fields are those of the other message type",
            ),
        }
        let sender = sessions
            .get(recorded.sender)
            .as_ref()
            .map(Session::session_id);
        c.eq(
            &format!("{at}.sender_session_id"),
            &Some(&recorded.sender_session_id),
            &sender.as_ref(),
        );
        if let Some(expected) = &recorded.receiver_session_id {
            let receiver = sessions
                .get(recorded.receiver)
                .as_ref()
                .map(Session::session_id);
            c.eq(
                &format!("{at}.receiver_session_id"),
                &Some(expected),
                &receiver.as_ref(),
            );
        }
    }
}

fn normal_fields(message: &NormalMessage, decoded: &DecodedNormal, at: &str, c: &mut Checker) {
    let version = message.as_bytes().first().copied();
    c.eq(&format!("{at}.version"), &Some(decoded.version), &version);
    c.eq(
        &format!("{at}.ratchet_key"),
        decoded.ratchet_key.as_str(),
        &message.ratchet_key().to_base64(),
    );
    c.eq(
        &format!("{at}.counter"),
        &decoded.counter,
        &message.chain_index(),
    );
    c.eq(
        &format!("{at}.ciphertext_hex"),
        to_hex(&decoded.ciphertext_hex.0).as_str(),
        &to_hex(message.ciphertext()),
    );
    c.eq(
        &format!("{at}.mac_hex"),
        to_hex(&decoded.mac_hex.0).as_str(),
        &to_hex(message.mac()),
    );
}

// ---------------------------------------------------------------------------------------------
// The fallback-key session
// ---------------------------------------------------------------------------------------------

/// Alice → Bob on Bob's fallback key; Bob creates the session without a sender key, and the
/// fallback key must survive it.
fn fallback_session(
    replay: &mut Replay,
    recorded: &format::FallbackSession,
    c: &mut Checker,
) -> Flow {
    let session = outbound_session(
        "fallback_session",
        "create_outbound_random",
        &replay.accounts.alice,
        &recorded.their_identity_key,
        &recorded.their_fallback_key,
        &recorded.create_outbound_random,
        c,
    )?;
    c.eq(
        "fallback_session.session_id",
        recorded.session_id.as_str(),
        &session.session_id(),
    );
    let mut sessions = Pair {
        alice: Some(session),
        bob: None,
    };

    for (k, message) in recorded.messages.iter().enumerate() {
        let at = format!("fallback_session.messages[{k}]");
        let sender = message.sender;
        let receiver = match sender {
            Party::Alice => Party::Bob,
            Party::Bob => Party::Alice,
        };
        let sender_session = session_of(&mut sessions, sender, &format!("{at}.encrypt"), c)?;
        encrypt_and_compare(
            sender_session,
            &message.plaintext.hex.0,
            &message.random,
            message.message_type,
            &message.ciphertext,
            &format!("{at}.encrypt"),
            c,
        );
        let parsed = parse_message(
            message.message_type,
            &message.ciphertext,
            &format!("{at}.parse"),
            c,
        )?;
        if let Some(session) = sessions.get_mut(receiver).as_mut() {
            decrypt_and_compare(
                session,
                &parsed,
                &message.plaintext.hex.0,
                &format!("{at}.decrypt"),
                c,
            );
            continue;
        }

        // The receiver's first message: olm_create_inbound_session (no sender key).
        let at = format!("{at}.create_inbound");
        let OlmMessage::PreKey(pre_key) = &parsed else {
            c.fail(
                &at,
                "the first message of a session must be a pre-key message",
            );
            return Err(Stop);
        };
        let account = replay.accounts.get_mut(receiver);
        let used_key = UsedKey::before(account, pre_key, &replay.one_time_key_ids);
        let created = match account.create_inbound_session(None, pre_key) {
            Ok(created) => created,
            Err(e) => {
                let detail = format!("expected a session (libolm made one), got error: {e}");
                c.fail(&format!("{at}.created"), &detail);
                return Err(Stop);
            }
        };
        c.pass(&format!("{at}.created"));
        c.eq(
            &format!("{at}.session_id"),
            recorded.session_id.as_str(),
            &created.session.session_id(),
        );
        let name = format!("{at}.plaintext");
        c.eq(
            &name,
            to_hex(&message.plaintext.hex.0).as_str(),
            &to_hex(&created.plaintext),
        );
        decrypt_again_fails(&created.session, &parsed, &at, c);
        check_key_removal(
            account,
            &used_key,
            recorded.remove_one_time_keys_returned,
            "fallback_session.remove_one_time_keys",
            c,
        );
        // A fallback key is not used up: the same message makes the same session again.
        let again = account.clone().create_inbound_session(None, pre_key);
        let same = again
            .as_ref()
            .is_ok_and(|s| s.session.session_id() == recorded.session_id);
        c.ok("fallback_session.fallback_key_reusable", same, || {
            format!(
                "expected a second session {} from the same message, got {again:?}",
                recorded.session_id
            )
        });
        *sessions.get_mut(receiver) = Some(created.session);
    }
    Ok(())
}
