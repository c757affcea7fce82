// End-to-end test of the demo in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): three devices talk in a room, Bob is pickled and restored, every
// decrypted text is checked on the page, and a screenshot is saved to demo/screenshot.png.
// Then the page makes fresh values with the bindings for native protee to read back
// (tests/native_interop.rs): written to $PROTEE_WASM_FROM_BROWSER, by default
// /tmp/protee-wasm-from-browser.json.
//
//   node demo/e2e.mjs        (after build.sh; npm ci in demo/ first)
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SCREENSHOT = fileURLToPath(new URL("screenshot.png", import.meta.url));
const FROM_BROWSER = process.env.PROTEE_WASM_FROM_BROWSER ?? "/tmp/protee-wasm-from-browser.json";

let passed = 0;
let failed = 0;
async function check(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`not ok - ${name}\n  ${String(error.stack ?? error).split("\n").join("\n  ")}`);
  }
}

const server = await serve(0);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await page.goto(`${origin}/demo/`);
  await page.waitForSelector("body[data-ready=true]");

  const received = (name) => page.locator(`#device-${name} .received li[data-text]`);
  async function send(sender, text) {
    await page.selectOption("#sender", sender);
    await page.fill("#text", text);
    await page.click("#send");
  }
  async function expectTexts(name, expected) {
    const texts = await received(name).evaluateAll((items) => items.map((item) => item.dataset.text));
    if (JSON.stringify(texts) !== JSON.stringify(expected)) {
      throw new Error(`${name} decrypted ${JSON.stringify(texts)}, expected ${JSON.stringify(expected)}`);
    }
  }

  await check("three devices are created with published keys", async () => {
    await page.click("#create");
    for (const name of ["Alice", "Bob", "Carol"]) {
      const text = await page.textContent(`#device-${name}`);
      if (!text.includes("curve25519")) throw new Error(`${name} shows no keys: ${text}`);
    }
  });

  await check("Alice shares her room key over Olm; Bob and Carol receive it", async () => {
    await page.click("#share");
    for (const name of ["Bob", "Carol"]) {
      const text = await page.textContent(`#device-${name} .received`);
      if (!text.includes("room key from Alice")) throw new Error(`${name}: ${text}`);
    }
  });

  await check("everyone decrypts Alice, Bob and Carol in the room", async () => {
    await send("Alice", "Hello Bob and Carol!");
    await send("Bob", "Hi Alice, Bob here.");
    await send("Carol", "Carol too. Lunch at noon?");
    const all = ["Hello Bob and Carol!", "Hi Alice, Bob here.", "Carol too. Lunch at noon?"];
    for (const name of ["Alice", "Bob", "Carol"]) await expectTexts(name, all);
  });

  await check("Bob is pickled, dropped and restored, and still reads and writes", async () => {
    await page.click("#restore");
    const badge = await page.textContent("#device-Bob .badge");
    if (badge !== "restored from pickle") throw new Error(`Bob's badge: ${badge}`);
    await send("Alice", "Bob, can you still read this?");
    await send("Bob", "Yes, restored from my pickle.");
    const all = [
      "Hello Bob and Carol!", "Hi Alice, Bob here.", "Carol too. Lunch at noon?",
      "Bob, can you still read this?", "Yes, restored from my pickle.",
    ];
    for (const name of ["Alice", "Bob", "Carol"]) await expectTexts(name, all);
  });

  await check("the server saw only ciphertext", async () => {
    const wire = await page.textContent("#wire");
    if (wire.includes("Lunch at noon") || wire.includes("restored from my pickle")) {
      throw new Error("plaintext on the wire");
    }
    if (!wire.includes("Olm type 0") || !wire.includes("Megolm")) throw new Error(wire);
  });

  await check("no errors on the page", async () => {
    const logged = await page.locator("#log li.error").allTextContents();
    if (logged.length || errors.length) throw new Error([...logged, ...errors].join("\n"));
  });

  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  console.log(`screenshot: ${SCREENSHOT}`);

  await check("the page makes values for native protee to read back", async () => {
    const native = await (await fetch(`${origin}/tests/fixtures/native.json`)).json();
    const made = await page.evaluate(async (native) => {
      const protee = await import("/pkg/protee_wasm.js");
      const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const nativeKey = bytes(native.native_pickle_key + "=".repeat((4 - (native.native_pickle_key.length % 4)) % 4));
      const account = new protee.Account();
      const signedMessage = '{"device_id":"BROWSER","user_id":"@browser:example.org"}';
      const session = account.createOutboundSession(native.bob.curve25519, native.olm.unused_one_time_key);
      const olmPlaintext = "Hello native Bob, this pre-key message was made in Chromium.";
      const olm = session.encrypt(olmPlaintext);
      const group = new protee.GroupSession();
      const sessionKey = group.sessionKey;
      const messages = ["First room message from Chromium.", "Second one."].map((plaintext) => ({
        index: group.messageIndex,
        ciphertext: group.encrypt(plaintext),
        plaintext,
      }));
      const pkPlaintext = '{"algorithm":"m.megolm.v1.aes-sha2","sender_key":"from Chromium"}';
      return {
        about: "Made in headless Chromium by bindings/wasm/demo/e2e.mjs, read by tests/native_interop.rs",
        userAgent: navigator.userAgent,
        nativePickleKey: native.native_pickle_key,
        libolmPickleKey: native.libolm_pickle_key,
        account: {
          curve25519: account.curve25519Key,
          ed25519: account.ed25519Key,
          nativePickle: account.pickle(nativeKey),
          libolmPickle: account.toLibolmPickle(native.libolm_pickle_key),
          signedMessage,
          signature: account.sign(signedMessage),
        },
        olmMessageToBob: { type: olm.type, body: olm.body, plaintext: olmPlaintext },
        megolm: { sessionKey, nativePickle: group.pickle(nativeKey), messages },
        pkMessage: new protee.PkEncryption(native.pk.public_key).encrypt(pkPlaintext),
        pkPlaintext,
      };
    }, native);
    if (!made.userAgent.includes("Chrome")) throw new Error(`not Chromium: ${made.userAgent}`);
    await writeFile(FROM_BROWSER, JSON.stringify(made, null, 2) + "\n");
    console.log(`values for native protee: ${FROM_BROWSER}`);
  });
} finally {
  await browser.close();
  server.close();
}

console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
