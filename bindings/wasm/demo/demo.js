// The demo's logic: three devices (Alice, Bob, Carol), a fake homeserver that carries keys and
// messages, Olm for the room keys, Megolm for the room. Plain DOM, no framework.
import init, {
  Account,
  GroupSession,
  InboundGroupSession,
  Session,
  ed25519Verify,
} from "../pkg/protee_wasm.js";

const NAMES = ["Alice", "Bob", "Carol"];
const ROOM_ID = "!garden:example.org";
const MEGOLM = "m.megolm.v1.aes-sha2";

/** name → { account, sessions: Map(peer → Session), outbound, inbound: Map(id → …), received, restored } */
const devices = new Map();
/** The homeserver's view: published keys and everything that went over the wire. */
const server = { keys: new Map(), wire: [] };
const $ = (id) => document.getElementById(id);
const short = (text, n = 12) => (text.length > n ? `${text.slice(0, n)}…` : text);

function log(text, error = false) {
  const item = document.createElement("li");
  item.textContent = text;
  if (error) item.className = "error";
  $("log").append(item);
}

function wire(text) {
  server.wire.push(text);
  const item = document.createElement("li");
  item.textContent = text;
  $("wire").append(item);
}

// --- Keys ----------------------------------------------------------------------------------

function createDevices() {
  for (const name of NAMES) {
    const account = new Account();
    account.generateOneTimeKeys(5);
    const deviceKeys = JSON.stringify(account.identityKeys);
    server.keys.set(name, {
      identity: account.identityKeys,
      deviceKeys,
      signature: account.sign(deviceKeys),
      oneTimeKeys: Object.values(account.oneTimeKeys),
    });
    account.markKeysAsPublished();
    devices.set(name, {
      account,
      sessions: new Map(),
      outbound: null,
      inbound: new Map(),
      received: [],
      restored: false,
    });
    log(`${name} created an account and published 5 signed one-time keys`);
  }
}

/** Claims one of `name`'s one-time keys, checking the signature of the device keys. */
function claimOneTimeKey(claimer, name) {
  const published = server.keys.get(name);
  ed25519Verify(published.identity.ed25519, published.deviceKeys, published.signature);
  const key = published.oneTimeKeys.shift();
  if (!key) throw new Error(`${name} has no one-time key left`);
  log(`${claimer} claimed one of ${name}'s one-time keys (${short(key)}), signature verified`);
  return key;
}

// --- Olm (to-device) -----------------------------------------------------------------------

function olmSend(from, to, payload) {
  const sender = devices.get(from);
  let session = sender.sessions.get(to);
  if (!session) {
    const theirs = server.keys.get(to).identity.curve25519;
    session = sender.account.createOutboundSession(theirs, claimOneTimeKey(from, to));
    sender.sessions.set(to, session);
    log(`${from} started an Olm session with ${to}: ${short(session.sessionId)}`);
  }
  const message = session.encrypt(JSON.stringify(payload));
  wire(`to-device ${from} → ${to}: m.room.encrypted (Olm type ${message.type}) ${short(message.body, 48)}`);
  olmReceive(to, from, message);
}

function olmReceive(to, from, message) {
  const receiver = devices.get(to);
  const senderKey = server.keys.get(from).identity.curve25519;
  let session = receiver.sessions.get(from);
  let plaintext;
  if (session && (message.type === 1 || session.matchesInboundSession(message, senderKey))) {
    plaintext = session.decrypt(message);
  } else {
    const created = receiver.account.createInboundSession(message, senderKey);
    session?.free();
    receiver.sessions.set(from, created.session);
    plaintext = created.plaintext;
    log(`${to} created an inbound Olm session from ${from}'s pre-key message`);
  }
  const event = JSON.parse(plaintext);
  if (event.type === "m.room_key") {
    const { session_id, session_key } = event.content;
    receiver.inbound.set(session_id, {
      sender: from,
      session: new InboundGroupSession(session_key),
    });
    receiver.received.push({ kind: "olm", text: `room key from ${from} (session ${short(session_id)})` });
  }
}

// --- Megolm (room) -------------------------------------------------------------------------

function shareRoomKey(name) {
  const device = devices.get(name);
  device.outbound?.free();
  device.outbound = new GroupSession();
  const sessionId = device.outbound.sessionId;
  device.inbound.set(sessionId, {
    sender: name,
    session: new InboundGroupSession(device.outbound.sessionKey),
  });
  log(`${name} created a Megolm session ${short(sessionId)} and sends its key over Olm`);
  for (const peer of NAMES.filter((peer) => peer !== name)) {
    olmSend(name, peer, {
      type: "m.room_key",
      content: {
        algorithm: MEGOLM,
        room_id: ROOM_ID,
        session_id: sessionId,
        session_key: device.outbound.sessionKey,
      },
    });
  }
}

function sendToRoom(name, text) {
  const sender = devices.get(name);
  if (!sender.outbound) shareRoomKey(name);
  const sessionId = sender.outbound.sessionId;
  const ciphertext = sender.outbound.encrypt(
    JSON.stringify({ type: "m.room.message", room_id: ROOM_ID, content: { msgtype: "m.text", body: text } }),
  );
  wire(`room ${ROOM_ID} from ${name}: m.room.encrypted (Megolm ${short(sessionId)}) ${short(ciphertext, 48)}`);
  for (const member of NAMES) {
    const device = devices.get(member);
    const inbound = device.inbound.get(sessionId);
    if (!inbound) {
      device.received.push({ kind: "fail", text: `unable to decrypt a message from ${name}` });
      continue;
    }
    try {
      const { plaintext, messageIndex } = inbound.session.decrypt(ciphertext);
      const event = JSON.parse(plaintext);
      device.received.push({ kind: "megolm", who: name, text: event.content.body, index: messageIndex });
    } catch (error) {
      device.received.push({ kind: "fail", text: `${error.name} ${error.code}: ${error.message}` });
    }
  }
  log(`${name} sent "${text}" to the room`);
}

// --- Pickles -------------------------------------------------------------------------------

function pickleAndRestore(name) {
  const device = devices.get(name);
  const key = crypto.getRandomValues(new Uint8Array(32));
  const stored = JSON.stringify({
    account: device.account.pickle(key),
    sessions: [...device.sessions].map(([peer, session]) => [peer, session.pickle(key)]),
    outbound: device.outbound?.pickle(key) ?? null,
    inbound: [...device.inbound].map(([id, { sender, session }]) => [id, sender, session.pickle(key)]),
  });
  // Forget every live object: only the pickles (and the key) remain.
  device.account.free();
  device.sessions.forEach((session) => session.free());
  device.outbound?.free();
  device.inbound.forEach(({ session }) => session.free());

  const pickles = JSON.parse(stored);
  device.account = Account.fromPickle(pickles.account, key);
  device.sessions = new Map(pickles.sessions.map(([peer, p]) => [peer, Session.fromPickle(p, key)]));
  device.outbound = pickles.outbound && GroupSession.fromPickle(pickles.outbound, key);
  device.inbound = new Map(
    pickles.inbound.map(([id, sender, p]) => [id, { sender, session: InboundGroupSession.fromPickle(p, key) }]),
  );
  device.restored = true;
  device.received.push({ kind: "olm", text: `restored from ${stored.length} bytes of pickles` });
  log(`${name} pickled everything (${stored.length} bytes, account pickle ${short(pickles.account, 20)}), ` +
      `dropped it and restored it`);
}

// --- View ----------------------------------------------------------------------------------

function render() {
  for (const name of NAMES) {
    const panel = $(`device-${name}`);
    const device = devices.get(name);
    panel.replaceChildren();
    const title = document.createElement("h2");
    title.textContent = name;
    const badge = document.createElement("span");
    badge.className = device?.restored ? "badge restored" : "badge";
    badge.textContent = !device ? "no account" : device.restored ? "restored from pickle" : "live";
    title.append(badge);
    panel.append(title);
    if (!device) continue;

    const facts = document.createElement("dl");
    const keys = device.account.identityKeys;
    for (const [term, value] of [
      ["curve25519", short(keys.curve25519, 22)],
      ["ed25519", short(keys.ed25519, 22)],
      ["Olm sessions", [...device.sessions.keys()].join(", ") || "none"],
      ["room sessions", String(device.inbound.size)],
    ]) {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value;
      facts.append(dt, dd);
    }
    panel.append(facts);

    const heading = document.createElement("h3");
    heading.textContent = "Decrypted by this device";
    const list = document.createElement("ul");
    list.className = "received";
    for (const entry of device.received) {
      const item = document.createElement("li");
      item.className = entry.kind;
      if (entry.kind === "megolm") {
        item.dataset.text = entry.text;
        const who = document.createElement("span");
        who.className = "who";
        who.textContent = `${entry.who}: `;
        const index = document.createElement("span");
        index.className = "index";
        index.textContent = ` #${entry.index}`;
        item.append(who, entry.text, index);
      } else {
        item.textContent = entry.text;
      }
      list.append(item);
    }
    panel.append(heading, list);
  }
}

function step(action) {
  return () => {
    try {
      action();
    } catch (error) {
      log(`${error.name}${error.code ? ` (${error.code})` : ""}: ${error.message}`, true);
      console.error(error);
    }
    render();
  };
}

await init();
render();
$("create").addEventListener("click", step(() => {
  createDevices();
  $("create").disabled = true;
  for (const id of ["share", "sender", "text", "send", "restore"]) $(id).disabled = false;
}));
$("share").addEventListener("click", step(() => {
  shareRoomKey("Alice");
  $("share").disabled = true;
}));
$("send").addEventListener("click", step(() => sendToRoom($("sender").value, $("text").value)));
$("restore").addEventListener("click", step(() => pickleAndRestore("Bob")));
document.body.dataset.ready = "true";
