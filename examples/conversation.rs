//! Alice and Bob start an Olm session and talk, with every step printed.
//!
//! ```sh
//! cargo run --example conversation
//! ```
//!
//! In Matrix the keys travel through the homeserver and the messages as `m.room.encrypted`
//! to-device events; here they are handed over directly, as the same (type, base64 body) pairs.

use protee::olm::{Account, OlmMessage, Session};

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
    println!("Done.");
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
