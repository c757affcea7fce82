//! Alice and Bob start an Olm session and talk; then Alice, Bob and Carol share a room, where
//! Alice sends with Megolm and hands out her room key over Olm. Every step is printed.
//!
//! ```sh
//! cargo run --example conversation
//! ```
//!
//! In Matrix the keys travel through the homeserver and the messages as `m.room.encrypted`
//! events (to-device events for Olm, room events for Megolm); here they are handed over
//! directly, as the same base64 bodies.

use protee::Curve25519PublicKey;
use protee::megolm::{
    ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionKey,
};
use protee::olm::{Account, OlmMessage, Session};

/// The room of part two.
const ROOM_ID: &str = "!garden:example.org";
const MEGOLM_ALGORITHM: &str = "m.megolm.v1.aes-sha2";

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    println!("1. Alice and Bob each create an account (64 random bytes from the OS).");
    let alice = Account::new()?;
    let mut bob = Account::new()?;
    for (name, account) in [("Alice", &alice), ("Bob", &bob)] {
        let keys = account.identity_keys();
        println!(
            "   {name:5}  curve25519 {}  ed25519 {}",
            short(&keys.curve25519.to_base64()),
            short(&keys.ed25519.to_base64())
        );
    }

    println!("2. Bob generates 3 one-time keys, signs them and publishes them.");
    bob.generate_one_time_keys_with_os_rng(3)?;
    let published = bob.one_time_keys();
    let json = bob.one_time_keys_json();
    let signature = bob.sign(json.as_bytes());
    bob.mark_keys_as_published();
    for (id, key) in &published {
        println!(
            "   key id {} ({})  {}",
            id.value(),
            id.to_base64(),
            short(&key.to_base64())
        );
    }
    println!(
        "   JSON of {} bytes, signature {}",
        json.len(),
        short(&signature.to_base64())
    );

    println!("3. Alice fetches Bob's keys, checks the signature and takes one one-time key.");
    bob.ed25519_key().verify(json.as_bytes(), &signature)?;
    println!("   signature verifies under Bob's Ed25519 key");
    let (id, bob_one_time_key) = *published.first().ok_or("Bob published no one-time key")?;
    println!("   Alice uses key id {}", id.value());
    let mut alice_session =
        alice.create_outbound_session_with_os_rng(&bob.curve25519_key(), &bob_one_time_key)?;
    println!("   Alice's session id {}", alice_session.session_id());

    println!("4. Alice sends her first message.");
    let first = send(
        &mut alice_session,
        "Alice",
        "Bob",
        "Hello Bob! This is Alice.",
    )?;

    println!("5. Bob creates his session from the pre-key message; it decrypts the message too.");
    let OlmMessage::PreKey(pre_key) = &first else {
        return Err("Alice's first message should be a pre-key message".into());
    };
    let created = bob.create_inbound_session(Some(&alice.curve25519_key()), pre_key)?;
    let mut bob_session = created.session;
    println!("   Bob reads: {:?}", String::from_utf8(created.plaintext)?);
    println!("   Bob's session id   {}", bob_session.session_id());
    println!(
        "   session ids equal: {}",
        bob_session.session_id() == alice_session.session_id()
    );
    println!(
        "   Bob's one-time key {} is used up: {} of 3 left",
        id.value(),
        bob.stored_one_time_key_count()
    );

    println!("6. They talk. Each change of direction starts a new ratchet key.");
    let turns = [
        ("Bob", "Hi Alice, got your message."),
        ("Alice", "Great, the session works."),
        ("Alice", "A second message on the same chain."),
        ("Bob", "And a reply on a fresh chain."),
    ];
    for (sender, text) in turns {
        if sender == "Alice" {
            let message = send(&mut alice_session, "Alice", "Bob", text)?;
            receive(&mut bob_session, "Bob", &message)?;
        } else {
            let message = send(&mut bob_session, "Bob", "Alice", text)?;
            receive(&mut alice_session, "Alice", &message)?;
        }
    }

    println!("7. A message replayed to Alice is refused, and the session carries on.");
    let last = send(&mut bob_session, "Bob", "Alice", "Only once, please.")?;
    receive(&mut alice_session, "Alice", &last)?;
    match alice_session.decrypt(&last) {
        Err(error) => println!("   replay refused: {error}"),
        Ok(_) => return Err("a replayed message was decrypted twice".into()),
    }
    let next = send(&mut alice_session, "Alice", "Bob", "Still here.")?;
    receive(&mut bob_session, "Bob", &next)?;

    room(&alice, &mut alice_session, &mut bob_session)?;
    println!("Done.");
    Ok(())
}

/// A receiver's record of a room key: the Megolm session, and what the Olm layer told us about
/// where its key came from. protee's Megolm layer cannot know the sender (spec/megolm.md
/// MEGOLM-AUTH-1): the application ties the key to the Olm sender here, once, and checks it on
/// every message.
struct RoomKey {
    room_id: String,
    /// The Curve25519 identity key of the Olm session that delivered the key, or `None` for a
    /// forwarded key, which no Olm sender vouches for.
    sender_key: Option<Curve25519PublicKey>,
    session: InboundGroupSession,
}

/// Part two: a room of three devices. Alice already has an Olm session with Bob.
fn room(alice: &Account, alice_to_bob: &mut Session, bob_from_alice: &mut Session) -> Result<()> {
    println!("8. Carol joins: she creates an account and publishes a one-time key;");
    println!("   Alice starts an Olm session with her.");
    let mut carol = Account::new()?;
    carol.generate_one_time_keys_with_os_rng(1)?;
    let (_, carol_one_time_key) = *carol
        .one_time_keys()
        .first()
        .ok_or("Carol published no one-time key")?;
    carol.mark_keys_as_published();
    println!(
        "   Carol  curve25519 {}  ed25519 {}",
        short(&carol.curve25519_key().to_base64()),
        short(&carol.ed25519_key().to_base64())
    );
    let mut alice_to_carol =
        alice.create_outbound_session_with_os_rng(&carol.curve25519_key(), &carol_one_time_key)?;

    println!("9. Alice creates a Megolm session (an outbound group session) for {ROOM_ID}.");
    let mut megolm = GroupSession::new()?;
    println!(
        "   session id {}, next message index {}",
        short(&megolm.session_id()),
        megolm.message_index()
    );

    println!("10. Alice sends the room key to Bob and Carol, each inside an Olm message.");
    let room_key = room_key_json(ROOM_ID, &megolm.session_id(), &megolm.session_key());
    println!(
        "   m.room_key payload: {} bytes of JSON (room id, session id, 306-character session key)",
        room_key.len()
    );
    let to_bob = alice_to_bob.encrypt_with_os_rng(room_key.as_bytes())?;
    let to_carol = alice_to_carol.encrypt_with_os_rng(room_key.as_bytes())?;
    for (name, message) in [("Bob", &to_bob), ("Carol", &to_carol)] {
        println!(
            "   Alice -> {name}: Olm type {} message, {} bytes",
            message.to_parts().0,
            message.as_bytes().len()
        );
    }

    println!(
        "11. Each receiver decrypts the Olm message and keeps the room key with its Olm sender."
    );
    // The Olm sender is the peer of the Olm session that decrypted the message. `session_keys()`
    // gives the handshake's keys; `identity_key` is the initiator's, and Alice started both
    // sessions (an application keeps the peer's key with each Olm session it stores).
    // Bob decrypts with the session he already has with Alice.
    let plaintext = bob_from_alice.decrypt(&to_bob)?;
    let bob_sender = bob_from_alice.session_keys().identity_key;
    let mut bob_key = accept_room_key("Bob", &String::from_utf8(plaintext)?, bob_sender)?;
    // Carol's first message from Alice is a pre-key message: it creates her session.
    let OlmMessage::PreKey(pre_key) = &to_carol else {
        return Err("Alice's first message to Carol should be a pre-key message".into());
    };
    let created = carol.create_inbound_session(Some(&alice.curve25519_key()), pre_key)?;
    let carol_sender = created.session.session_keys().identity_key;
    let mut carol_key = accept_room_key(
        "Carol",
        &String::from_utf8(created.plaintext)?,
        carol_sender,
    )?;
    for (name, sender) in [("Bob", bob_sender), ("Carol", carol_sender)] {
        let who = if sender == alice.curve25519_key() {
            "Alice's device"
        } else {
            "an unknown device"
        };
        println!(
            "   {name}: the Olm sender {} is {who}",
            short(&sender.to_base64())
        );
    }

    println!("12. Alice writes in the room; Bob and Carol decrypt with Megolm.");
    let texts = [
        "Welcome to the garden, both of you.",
        "The tomatoes are ripe.",
        "Bring a basket.",
    ];
    let mut events = Vec::new();
    for text in texts {
        let message = megolm.encrypt(text.as_bytes());
        let body = message.to_base64();
        println!(
            "   Alice -> {ROOM_ID}: index {}, {} bytes, {} base64 characters",
            message.message_index(),
            message.as_bytes().len(),
            body.len()
        );
        events.push((megolm.session_id(), body));
    }
    for (name, key) in [("Bob", &mut bob_key), ("Carol", &mut carol_key)] {
        for (session_id, body) in &events {
            read_room_event(name, key, ROOM_ID, session_id, body)?;
        }
    }

    println!("13. Bob forwards the key to his new laptop (an exported key, from index 1).");
    let forwarded = bob_key.session.export_at(1)?.to_base64();
    println!(
        "   exported key: {} base64 characters, no signature",
        forwarded.len()
    );
    let mut laptop_key = RoomKey {
        room_id: ROOM_ID.to_owned(),
        sender_key: None,
        session: InboundGroupSession::import(&ExportedSessionKey::from_base64(&forwarded)?)?,
    };
    println!(
        "   laptop: session {}, first known index {}, origin {:?}",
        short(&laptop_key.session.session_id()),
        laptop_key.session.first_known_index(),
        laptop_key.session.origin()
    );
    println!(
        "   (nothing ties an exported key to Alice: only whoever forwarded it vouches for it)"
    );
    for (session_id, body) in &events {
        if let Err(error) = read_room_event("laptop", &mut laptop_key, ROOM_ID, session_id, body) {
            println!("   laptop cannot read it: {error}");
        }
    }
    Ok(())
}

/// The plaintext of an `m.room_key` to-device event. Real clients build it with a JSON library;
/// every value here is base64 or a room id, so no escaping is needed.
fn room_key_json(room_id: &str, session_id: &str, session_key: &SessionKey) -> String {
    format!(
        "{{\"type\":\"m.room_key\",\"content\":{{\"algorithm\":\"{MEGOLM_ALGORITHM}\",\
         \"room_id\":\"{room_id}\",\"session_id\":\"{session_id}\",\
         \"session_key\":\"{}\"}}}}",
        session_key.to_base64()
    )
}

/// The string value of `"name":"..."` in the flat JSON above.
fn json_field<'a>(json: &'a str, name: &str) -> Result<&'a str> {
    let start = format!("\"{name}\":\"");
    let rest = json
        .split_once(start.as_str())
        .ok_or_else(|| format!("no {name} in the room key"))?
        .1;
    Ok(rest.split_once('"').ok_or("unterminated string")?.0)
}

/// What a receiver does with a decrypted `m.room_key`: check it, build the inbound session
/// (the session key's signature is verified here) and tie it to the Olm sender's identity key.
fn accept_room_key(name: &str, json: &str, olm_sender: Curve25519PublicKey) -> Result<RoomKey> {
    if json_field(json, "type")? != "m.room_key"
        || json_field(json, "algorithm")? != MEGOLM_ALGORITHM
    {
        return Err("not a Megolm room key".into());
    }
    let session =
        InboundGroupSession::new(&SessionKey::from_base64(json_field(json, "session_key")?)?)?;
    if session.session_id() != json_field(json, "session_id")? {
        return Err("the session id does not match the session key".into());
    }
    let key = RoomKey {
        room_id: json_field(json, "room_id")?.to_owned(),
        sender_key: Some(olm_sender),
        session,
    };
    println!(
        "   {name}: room {}, session {}, first known index {}, origin {:?},",
        key.room_id,
        short(&key.session.session_id()),
        key.session.first_known_index(),
        key.session.origin()
    );
    println!(
        "   {}  tied to Olm sender curve25519 {}",
        " ".repeat(name.len()),
        short(&olm_sender.to_base64())
    );
    Ok(key)
}

/// Decrypts one Megolm room event, checking that the key is the one for this room and session,
/// and prints who the message is authenticated as.
fn read_room_event(
    name: &str,
    key: &mut RoomKey,
    room_id: &str,
    session_id: &str,
    body: &str,
) -> Result<()> {
    if key.room_id != room_id || key.session.session_id() != session_id {
        return Err("no room key for this room and session".into());
    }
    let decrypted = key.session.decrypt(&MegolmMessage::from_base64(body)?)?;
    let sender = match key.sender_key {
        Some(sender) => format!("sent by curve25519 {}", short(&sender.to_base64())),
        None => "sender unknown (forwarded key)".to_owned(),
    };
    println!(
        "   {name} reads index {}: {:?}  [{sender}]",
        decrypted.message_index,
        String::from_utf8(decrypted.plaintext)?
    );
    Ok(())
}

/// Encrypts `text` and prints what goes over the wire.
fn send(session: &mut Session, from: &str, to: &str, text: &str) -> Result<OlmMessage> {
    let message = session.encrypt_with_os_rng(text.as_bytes())?;
    let (message_type, body) = message.to_parts();
    let kind = match message_type {
        0 => "pre-key",
        _ => "normal",
    };
    let inner = match &message {
        OlmMessage::PreKey(m) => m.message(),
        OlmMessage::Normal(m) => m,
    };
    println!(
        "   {from} -> {to}: type {message_type} ({kind}), {} bytes, {} base64 characters, \
         ratchet key {}, chain index {}",
        message.as_bytes().len(),
        body.len(),
        short(&inner.ratchet_key().to_base64()),
        inner.chain_index()
    );
    Ok(message)
}

/// Decodes the (type, body) pair as a receiver would, decrypts it and prints the text.
fn receive(session: &mut Session, name: &str, message: &OlmMessage) -> Result<()> {
    let (message_type, body) = message.to_parts();
    let received = OlmMessage::from_parts(message_type, &body)?;
    let plaintext = session.decrypt(&received)?;
    println!("   {name} reads: {:?}", String::from_utf8(plaintext)?);
    Ok(())
}

/// The first 8 characters of a base64 key, enough to tell keys apart in the output.
fn short(base64: &str) -> String {
    format!("{}...", base64.get(..8).unwrap_or(base64))
}
