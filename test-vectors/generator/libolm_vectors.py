#!/usr/bin/env python3
"""Generate deterministic libolm test vectors (JSON) from a seed.

    # from the repository root
    python3 test-vectors/generator/libolm_vectors.py --seed protee-dev-1 \
        --out test-vectors/libolm/vectors-protee-dev-1.json

All randomness handed to libolm comes from ``SeededRandom`` (SHA-256 counter
mode keyed by seed + a unique label per call site, see harness_common.py);
how many bytes each call gets is always asked from libolm's own
``*_random_length`` functions.  Every random input is recorded next to the
outputs it produced, so an implementation can replay the exact bytes.

The output schema is described in test-vectors/generator/README.md ("Vector file format").
Project copy of the shared libolm harness (shared/libolm-harness/libolm_vectors.py).
"""

import argparse
import hashlib
import json
import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import olmffi as O  # noqa: E402
from harness_common import (  # noqa: E402
    SeededRandom, b64d, b64e, decode_megolm_message, decode_olm_message, ed25519_public,
    pickle_decrypt, pickle_encrypt, text_or_hex, x25519_public,
)

FORMAT = "protee-libolm-vectors"
FORMAT_VERSION = 1
PICKLE_KEY = b"protee fixed pickle key v1"
EMPTY_KEY = b""


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def rnd(rng, label, n, consumer):
    data = rng.take(label, n, consumer)
    return data, {"label": label, "length": n, "hex": data.hex()}


def pickles(obj, with_raw=True):
    """Pickle an object with the fixed key and with the empty key (+ raw payload)."""
    p_key = obj.pickle(PICKLE_KEY)
    p_empty = obj.pickle(EMPTY_KEY)
    d = {"key": p_key, "empty_key": p_empty}
    if with_raw:
        raw = pickle_decrypt(p_key, PICKLE_KEY)
        assert raw == pickle_decrypt(p_empty, EMPTY_KEY)
        assert pickle_encrypt(raw, PICKLE_KEY) == p_key, "pickle envelope model is wrong"
        d["raw_hex"] = raw.hex()
    return d


def ed25519_expanded(seed32):
    """What libolm stores as the Ed25519 'private key' (64 bytes): SHA-512(seed), clamped."""
    h = bytearray(hashlib.sha512(seed32).digest())
    h[0] &= 248
    h[31] &= 63
    h[31] |= 64
    return bytes(h)


def plaintexts(rng):
    """Plaintexts with AES/varint edge cases plus a seed-dependent tag."""
    tag = rng.take("plaintext/tag", 6, "plaintext tag").hex()
    return tag, {
        "short": ("Hi Bob! This is Alice [%s]" % tag).encode(),
        "b16": b"sixteen bytes!!!",                      # exactly one AES block
        "b15": b"fifteen bytes!!",
        "b17": b"seventeen bytes!!",
        "empty": b"",
        "unicode": ("Grüße, 世界! \U0001F510 [%s]" % tag).encode("utf-8"),
        "json": json.dumps({"type": "m.room.message", "content": {"msgtype": "m.text", "body": "hello " + tag}},
                           separators=(",", ":"), sort_keys=True).encode(),
        "long": (("0123456789abcdef" * 80) + tag).encode(),  # > 127 and > 1024 bytes: multi-byte varints
        "binary": bytes(range(256)) + bytes.fromhex(tag),    # not valid UTF-8
    }


def session_state(session):
    return session.pickle(PICKLE_KEY) if session is not None else None


# ---------------------------------------------------------------------------
# Olm
# ---------------------------------------------------------------------------
def gen_olm(rng, P, vectors):
    util = O.Utility()
    accounts = {}
    out = {"accounts": {}}
    sign_messages = [
        b"protee account signature test message",
        json.dumps({"algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
                    "device_id": "DEVICEID", "user_id": "@user:example.org"},
                   separators=(",", ":"), sort_keys=True).encode(),
    ]
    for name in ("alice", "bob"):
        acc = O.Account()
        n = acc.create_random_length()
        r, rj = rnd(rng, "olm/%s/create_account" % name, n, "olm_create_account")
        acc.create(r)
        ik_json = acc.identity_keys()
        ik = json.loads(ik_json)
        # random[0:32] = Ed25519 seed, random[32:64] = Curve25519 private key (used as is)
        assert ik["ed25519"] == ed25519_public(r[0:32]) and ik["curve25519"] == x25519_public(r[32:64])
        e = {
            "create_random": rj,
            "ed25519_seed_hex": r[0:32].hex(),
            "ed25519_expanded_private_hex": ed25519_expanded(r[0:32]).hex(),
            "curve25519_private_hex": r[32:64].hex(),
            "identity_keys_json": ik_json,
            "curve25519": ik["curve25519"],
            "ed25519": ik["ed25519"],
            "max_number_of_one_time_keys": acc.max_number_of_one_time_keys(),
            "signatures": [],
        }
        for m in sign_messages:
            sig = acc.sign(m)
            assert util.ed25519_verify(ik["ed25519"], m, sig)
            e["signatures"].append({"message": text_or_hex(m), "signature": sig})
        e["pickle_after_create"] = pickles(acc)
        raw = bytes.fromhex(e["pickle_after_create"]["raw_hex"])
        # sanity: raw account pickle = u32 version | ed25519 pub | ed25519 expanded priv | ...
        assert raw[4:36] == b64d(ik["ed25519"]) and raw[36:100] == ed25519_expanded(r[0:32])
        accounts[name] = acc
        out["accounts"][name] = e

    # --- Bob: one-time keys and fallback key ---
    bob = accounts["bob"]
    B = out["accounts"]["bob"]
    n_otk = 3
    n = bob.generate_one_time_keys_random_length(n_otk)
    r, rj = rnd(rng, "olm/bob/generate_one_time_keys", n, "olm_account_generate_one_time_keys")
    bob.generate_one_time_keys(n_otk, r)
    otk_json = bob.one_time_keys()
    otk = json.loads(otk_json)["curve25519"]
    keys = []
    for i in range(n_otk):
        key_id = b64e((i + 1).to_bytes(4, "big"))
        assert otk[key_id] == x25519_public(r[32 * i:32 * (i + 1)])
        keys.append({"key_id": key_id, "key_id_int": i + 1, "public": otk[key_id],
                     "private_hex": r[32 * i:32 * (i + 1)].hex()})
    B["one_time_keys"] = {"count": n_otk, "random": rj, "json": otk_json, "keys": keys}
    n = bob.generate_fallback_key_random_length()
    r, rj = rnd(rng, "olm/bob/generate_fallback_key", n, "olm_account_generate_fallback_key")
    bob.generate_fallback_key(r)
    fb_unpub = bob.unpublished_fallback_key()
    fb = json.loads(fb_unpub)["curve25519"]
    (fb_id, fb_pub), = fb.items()
    assert fb_pub == x25519_public(r)
    B["fallback_key"] = {"random": rj, "key_id": fb_id, "key_id_int": int.from_bytes(b64d(fb_id), "big"),
                         "public": fb_pub, "private_hex": r.hex(),
                         "unpublished_json_before_publish": fb_unpub,
                         "json_before_publish": bob.fallback_key()}
    B["pickle_with_unpublished_keys"] = pickles(bob)
    bob.mark_keys_as_published()
    B["after_mark_keys_as_published"] = {
        "one_time_keys_json": bob.one_time_keys(),
        "fallback_key_json": bob.fallback_key(),
        "unpublished_fallback_key_json": bob.unpublished_fallback_key(),
        "pickle": pickles(bob),
    }

    # --- Alice creates an outbound session to Bob (identity key + OTK #2) ---
    alice = accounts["alice"]
    A = out["accounts"]["alice"]
    used = keys[1]
    sa = O.Session()
    n = sa.create_outbound_random_length()
    r, rj = rnd(rng, "olm/alice/create_outbound_session", n, "olm_create_outbound_session")
    sa.create_outbound(alice, B["curve25519"], used["public"], r)
    # session id = unpadded base64(SHA-256(alice identity key | alice base key | bob one-time key))
    assert sa.session_id() == b64e(hashlib.sha256(
        b64d(A["curve25519"]) + b64d(x25519_public(r[0:32])) + b64d(used["public"])).digest())
    out["outbound_session"] = {
        "creator": "alice",
        "their_identity_key": B["curve25519"],
        "their_one_time_key": used["public"],
        "their_one_time_key_id": used["key_id"],
        "random": rj,
        "base_key_private_hex": r[0:32].hex(),
        "ratchet_key_private_hex": r[32:64].hex(),
        "session_id": sa.session_id(),
        "pickle": pickles(sa),
    }

    # --- the conversation ---
    sessions = {"alice": sa, "bob": None}
    ident = {"alice": A["curve25519"], "bob": B["curve25519"]}
    msgs = {}
    steps = []
    script = [
        ("encrypt", "alice", "m0", "short"),
        ("encrypt", "alice", "m1", "b16"),        # second pre-key message before any reply
        ("create_inbound", "bob", "m1", None),     # m1 overtakes m0
        ("decrypt", "bob", "m1", None),
        ("remove_one_time_keys", "bob", None, None),
        ("decrypt", "bob", "m0", None),            # out of order (skipped key on same chain)
        ("encrypt", "bob", "m2", "b15"),           # bob's first message: new ratchet key (32 random bytes)
        ("encrypt", "bob", "m3", "unicode"),
        ("encrypt", "bob", "m4", "b17"),
        ("decrypt", "alice", "m4", None),          # m4 overtakes m2, m3
        ("decrypt", "alice", "m2", None),
        ("encrypt", "alice", "m5", "json"),        # alice ratchets: 32 random bytes
        ("encrypt", "alice", "m6", "empty"),
        ("decrypt", "bob", "m6", None),            # m6 overtakes m5
        ("encrypt", "bob", "m7", "short"),         # bob ratchets
        ("decrypt", "alice", "m7", None),
        ("decrypt", "alice", "m3", None),          # late message from bob's previous chain
        ("decrypt", "bob", "m5", None),            # late message from alice's previous chain
        ("encrypt", "alice", "m8", "long"),        # alice ratchets again
        ("decrypt", "bob", "m8", None),
        ("encrypt", "bob", "m9", "binary"),        # bob ratchets again
        ("decrypt", "alice", "m9", None),
    ]
    for i, (op, who, mid, pkey) in enumerate(script):
        st = {"step": i, "op": op, "party": who}
        s = sessions[who]
        if op == "encrypt":
            pt = P[pkey]
            n = s.encrypt_random_length()
            r, rj = rnd(rng, "olm/%s/encrypt/%s" % (who, mid), n, "olm_encrypt")
            mtype, ct = s.encrypt(pt, r)
            dec = decode_olm_message(mtype, ct)
            inner = dec if mtype == 1 else dec["message"]
            if n:  # a fresh sender chain: the 32 random bytes are the new ratchet private key
                assert inner["ratchet_key"] == x25519_public(r) and inner["counter"] == 0
            if mtype == 0:
                osess = out["outbound_session"]
                assert dec["base_key"] == x25519_public(bytes.fromhex(osess["base_key_private_hex"]))
                assert dec["one_time_key"] == used["public"] and dec["identity_key"] == A["curve25519"]
                if mid == "m0":
                    assert inner["ratchet_key"] == x25519_public(bytes.fromhex(osess["ratchet_key_private_hex"]))
            msgs[mid] = {"id": mid, "sender": who, "receiver": "bob" if who == "alice" else "alice",
                         "plaintext": text_or_hex(pt), "random": rj, "message_type": mtype,
                         "ciphertext": ct, "decoded": dec, "sender_session_id": s.session_id(),
                         "encrypt_step": i}
            st.update({"message": mid, "plaintext": text_or_hex(pt), "random": rj,
                       "message_type": mtype, "ciphertext": ct})
        elif op == "create_inbound":
            m = msgs[mid]
            assert m["message_type"] == 0
            s = O.Session().create_inbound(bob, m["ciphertext"], their_identity_key=ident["alice"])
            # the same message also works with olm_create_inbound_session (no sender key)
            s2 = O.Session().create_inbound(O.Account.from_pickle(bob.pickle(PICKLE_KEY), PICKLE_KEY),
                                            m["ciphertext"])
            assert s2.session_id() == s.session_id()
            sessions[who] = s
            st.update({"message": mid, "function": "olm_create_inbound_session_from",
                       "their_identity_key": ident["alice"],
                       "matches_inbound_session": {mm: s.matches_inbound(msgs[mm]["ciphertext"])
                                                   for mm in sorted(msgs) if msgs[mm]["message_type"] == 0},
                       "matches_inbound_session_from": {
                           mm: s.matches_inbound(msgs[mm]["ciphertext"], ident["alice"])
                           for mm in sorted(msgs) if msgs[mm]["message_type"] == 0}})
        elif op == "decrypt":
            m = msgs[mid]
            pt = s.decrypt(m["message_type"], m["ciphertext"])
            assert pt.hex() == m["plaintext"]["hex"], (mid, pt)
            m["decrypt_step"] = i
            m["receiver_session_id"] = s.session_id()
            st.update({"message": mid, "message_type": m["message_type"], "plaintext": text_or_hex(pt)})
        elif op == "remove_one_time_keys":
            ret = bob.remove_one_time_keys(s)
            st.update({"account": "bob", "returned": ret,
                       "one_time_keys_json_after": bob.one_time_keys(),
                       "account_pickle_after": pickles(bob)})
        st["session_ids"] = {p: (sessions[p].session_id() if sessions[p] else None) for p in ("alice", "bob")}
        st["has_received_message"] = {p: (sessions[p].has_received_message() if sessions[p] else None)
                                      for p in ("alice", "bob")}
        st["next_encrypt_random_length"] = {p: (sessions[p].encrypt_random_length() if sessions[p] else None)
                                            for p in ("alice", "bob")}
        st["next_encrypt_message_type"] = {p: (sessions[p].encrypt_message_type() if sessions[p] else None)
                                           for p in ("alice", "bob")}
        st["describe"] = {p: (sessions[p].describe() if sessions[p] else None) for p in ("alice", "bob")}
        st["session_pickles_after"] = {p: session_state(sessions[p]) for p in ("alice", "bob")}
        steps.append(st)
    assert sessions["alice"].session_id() == sessions["bob"].session_id()
    out["conversation"] = {
        "description": "Alice (outbound, OTK %s) and Bob (inbound). Replay 'steps' in order; "
                       "session_pickles_after use the fixed pickle key." % used["key_id"],
        "session_id": sessions["alice"].session_id(),
        "steps": steps,
        "messages": [msgs["m%d" % k] for k in range(len(msgs))],
        "final_pickles": {"alice_session": pickles(sessions["alice"]),
                          "bob_session": pickles(sessions["bob"]),
                          "alice_account": pickles(alice),
                          "bob_account": pickles(bob)},
    }

    # --- a second session, using Bob's fallback key; inbound without sender key ---
    sf = O.Session()
    n = sf.create_outbound_random_length()
    r, rj = rnd(rng, "olm/alice/create_outbound_session_fallback", n, "olm_create_outbound_session")
    sf.create_outbound(alice, B["curve25519"], B["fallback_key"]["public"], r)
    n = sf.encrypt_random_length()
    r2, rj2 = rnd(rng, "olm/alice/encrypt/f0", n, "olm_encrypt")
    mtype, ct = sf.encrypt(P["json"], r2)
    sbf = O.Session().create_inbound(bob, ct)
    pt = sbf.decrypt(mtype, ct)
    assert pt == P["json"]
    ret = bob.remove_one_time_keys(sbf)
    n = sbf.encrypt_random_length()
    r3, rj3 = rnd(rng, "olm/bob/encrypt/f1", n, "olm_encrypt")
    mtype2, ct2 = sbf.encrypt(P["b17"], r3)
    assert sf.decrypt(mtype2, ct2) == P["b17"]
    out["fallback_session"] = {
        "description": "Alice -> Bob using Bob's fallback key; Bob uses olm_create_inbound_session "
                       "(no sender key); olm_remove_one_time_keys does not remove a fallback key.",
        "their_identity_key": B["curve25519"],
        "their_fallback_key": B["fallback_key"]["public"],
        "create_outbound_random": rj,
        "session_id": sf.session_id(),
        "messages": [
            {"id": "f0", "sender": "alice", "random": rj2, "message_type": mtype, "ciphertext": ct,
             "plaintext": text_or_hex(P["json"])},
            {"id": "f1", "sender": "bob", "random": rj3, "message_type": mtype2, "ciphertext": ct2,
             "plaintext": text_or_hex(P["b17"])},
        ],
        "remove_one_time_keys_returned": ret,
        "bob_account_pickle_after": pickles(bob),
        "alice_session_pickle": pickles(sf),
        "bob_session_pickle": pickles(sbf),
    }
    vectors["olm"] = out
    return accounts


# ---------------------------------------------------------------------------
# Megolm
# ---------------------------------------------------------------------------
def gen_megolm(rng, P):
    out = {}
    og = O.OutboundGroupSession()
    n = og.init_random_length()
    r, rj = rnd(rng, "megolm/outbound/init", n, "olm_init_outbound_group_session")
    og.init(r)
    sid = og.session_id()
    assert sid == ed25519_public(r[128:160])  # session id = signing public key (base64)
    sk0 = b64d(og.session_key())
    assert sk0[0] == 2 and sk0[1:5] == bytes(4) and sk0[5:133] == r[0:128] and b64e(sk0[133:165]) == sid
    out["outbound"] = {
        "init_random": rj,
        "ratchet_initial_hex": r[0:128].hex(),
        "signing_key_seed_hex": r[128:160].hex(),
        "signing_key_expanded_private_hex": ed25519_expanded(r[128:160]).hex(),
        "session_id": sid,
        "message_index_after_init": og.message_index(),
        "session_key_index_0": og.session_key(),
        "pickle_after_init": pickles(og),
    }
    order = ["short", "b16", "b15", "empty", "unicode", "json"]
    messages = []
    for i, k in enumerate(order):
        assert og.message_index() == i
        ct = og.encrypt(P[k])
        messages.append({"index": i, "plaintext": text_or_hex(P[k]), "ciphertext": ct,
                         "decoded": decode_megolm_message(ct)})
    out["outbound"]["session_key_index_6"] = og.session_key()
    # advance for real (encrypt filler messages) up to index 1030, recording a few
    record = {255, 256, 257, 511, 512, 1000, 1023, 1024, 1025}
    filler = b"filler"
    while og.message_index() <= 1030:
        i = og.message_index()
        if i in record:
            pt = ("message at index %d" % i).encode()
            ct = og.encrypt(pt)
            messages.append({"index": i, "plaintext": text_or_hex(pt), "ciphertext": ct,
                             "decoded": decode_megolm_message(ct)})
        else:
            og.encrypt(filler)
    out["outbound"]["filler_plaintext"] = text_or_hex(filler)
    out["outbound"]["message_index_final"] = og.message_index()
    out["outbound"]["session_key_final"] = og.session_key()
    out["outbound"]["pickle_final"] = pickles(og)
    out["messages"] = messages

    # inbound from the v2 session key at index 0
    ig = O.InboundGroupSession.init(out["outbound"]["session_key_index_0"])
    inbound = {"from": "session_key_index_0", "function": "olm_init_inbound_group_session",
               "session_id": ig.session_id(), "first_known_index": ig.first_known_index(),
               "is_verified_before_decrypt": ig.is_verified(),
               "pickle_fresh": pickles(ig)}
    assert ig.session_id() == sid
    for m in messages:
        pt, idx = ig.decrypt(m["ciphertext"])
        assert idx == m["index"] and pt.hex() == m["plaintext"]["hex"]
    inbound["is_verified_after_decrypt"] = ig.is_verified()
    inbound["pickle_after_decrypting_all"] = pickles(ig)
    # NB: exporting (like decrypting) at an index >= the cached "latest" ratchet advances
    # that cached ratchet, which is visible in later pickles (pickle_after_exports).
    export_indices = [0, 1, 5, 6, 255, 256, 1000, 1031, 65535, 65536, 2 ** 24 - 1, 2 ** 24, 2 ** 24 + 5]
    inbound["exports"] = [{"index": k, "exported_key": ig.export(k)} for k in export_indices]
    inbound["pickle_after_exports"] = pickles(ig)
    out["inbound_from_session_key"] = inbound

    # libolm's index window: an index i is usable iff (i - latest) mod 2^32 < 2^31, or else
    # (i - initial) mod 2^32 < 2^31 -- so it depends on the cached latest ratchet.
    quirks = []
    w = O.InboundGroupSession.init(out["outbound"]["session_key_index_0"])
    for k in (2 ** 32 - 1, 2 ** 31, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1):
        try:
            quirks.append({"index": k, "exported_key": w.export(k), "error": None})
        except O.OlmError as e:
            quirks.append({"index": k, "exported_key": None, "error": e.code})
    out["export_index_window"] = {
        "description": "a fresh inbound session from session_key_index_0; exports attempted in this "
                       "order (libolm accepts index i iff (i - latest_counter) mod 2^32 < 2^31, where "
                       "latest_counter moves forward on each accepted export/decrypt, or else "
                       "(i - first_known_index) mod 2^32 < 2^31)",
        "attempts": quirks,
        "pickle_after": pickles(w),
    }

    # inbound from the v2 session key at index 6
    ig6 = O.InboundGroupSession.init(out["outbound"]["session_key_index_6"])
    errs = []
    for m in messages[:6]:
        try:
            ig6.decrypt(m["ciphertext"])
            raise AssertionError("decrypting an index below first_known_index must fail")
        except O.OlmError as e:
            errs.append({"index": m["index"], "error": e.code})
    out["inbound_from_session_key_index_6"] = {
        "session_id": ig6.session_id(), "first_known_index": ig6.first_known_index(),
        "is_verified": ig6.is_verified(), "decrypt_errors": errs, "pickle": pickles(ig6),
    }

    # import (v1 export format) at index 3
    exp3 = ig.export(3)
    im = O.InboundGroupSession.import_session(exp3)
    imp = {"exported_key": exp3, "function": "olm_import_inbound_group_session",
           "session_id": im.session_id(), "first_known_index": im.first_known_index(),
           "is_verified_before_decrypt": im.is_verified(), "pickle_fresh": pickles(im)}
    try:
        im.decrypt(messages[2]["ciphertext"])
        raise AssertionError("index 2 must not decrypt")
    except O.OlmError as e:
        imp["decrypt_index_2_error"] = e.code
    pt, idx = im.decrypt(messages[3]["ciphertext"])
    assert idx == 3 and pt.hex() == messages[3]["plaintext"]["hex"]
    imp["is_verified_after_decrypt"] = im.is_verified()
    imp["export_at_3_roundtrip"] = im.export(3)
    assert imp["export_at_3_roundtrip"] == exp3
    imp["pickle_after_decrypt"] = pickles(im)
    out["imported_at_index_3"] = imp

    # high indices: an outbound session moved to index 2^16-2 / 2^24-2 by editing its
    # pickle (ratchet state taken from libolm's own export at that index).  Equivalent to
    # encrypting that many messages (the self-test checks this for 2^16).
    raw = pickle_decrypt(out["outbound"]["pickle_final"]["key"], PICKLE_KEY)
    high = []
    for start in (2 ** 16 - 2, 2 ** 24 - 2):
        exp = b64d(ig.export(start))
        assert exp[0] == 1 and int.from_bytes(exp[1:5], "big") == start
        new_raw = raw[0:4] + exp[5:133] + start.to_bytes(4, "big") + raw[136:]
        crafted = O.OutboundGroupSession.from_pickle(pickle_encrypt(new_raw, PICKLE_KEY), PICKLE_KEY)
        assert crafted.message_index() == start and crafted.session_id() == sid
        for j in range(4):
            i = crafted.message_index()
            pt = ("high index message %d" % i).encode()
            ct = crafted.encrypt(pt)
            p2, idx = ig.decrypt(ct)
            assert idx == i and p2 == pt
            high.append({"index": i, "plaintext": text_or_hex(pt), "ciphertext": ct,
                         "decoded": decode_megolm_message(ct)})
    out["high_index_messages"] = high
    out["high_index_note"] = ("made by an outbound session whose pickle was edited to start at "
                              "2^16-2 and 2^24-2 with the ratchet exported by libolm at that index")
    return out


# ---------------------------------------------------------------------------
# SAS, PK, utility
# ---------------------------------------------------------------------------
def gen_sas(rng):
    sides = {}
    out = {}
    for name in ("alice", "bob"):
        s = O.Sas()
        n = s.create_random_length()
        r, rj = rnd(rng, "sas/%s/create" % name, n, "olm_create_sas")
        s.create(r)
        sides[name] = s
        out[name] = {"random": rj, "private_key_hex": r.hex(), "public_key": s.pubkey()}
        assert out[name]["public_key"] == x25519_public(r)
    sides["alice"].set_their_key(out["bob"]["public_key"])
    sides["bob"].set_their_key(out["alice"]["public_key"])
    info_sas = ("MATRIX_KEY_VERIFICATION_SAS|@alice:example.org|ALICEDEVICE|%s|@bob:example.org|BOBDEVICE|%s|"
                "$transaction_id" % (out["alice"]["public_key"], out["bob"]["public_key"])).encode()
    out["generate_bytes"] = []
    for info, length in ((info_sas, 6), (info_sas, 5), (b"protee test info", 32), (b"", 1)):
        a = sides["alice"].generate_bytes(info, length)
        assert a == sides["bob"].generate_bytes(info, length)
        out["generate_bytes"].append({"info": text_or_hex(info), "length": length, "output_hex": a.hex()})
    info_mac = ("MATRIX_KEY_VERIFICATION_MAC@alice:example.orgALICEDEVICE@bob:example.orgBOBDEVICE"
                "$transaction_id").encode()
    out["macs"] = []
    for inp, info in ((b"ed25519:ALICEDEVICE", info_mac + b"ed25519:ALICEDEVICE"),
                      (b"Qo4qaSpxnsLuSkpdxeHZzNmsFX0Xxdh1mFMiUwcR/9I", info_mac + b"KEY_IDS"),
                      (b"", b"")):
        e = {"input": text_or_hex(inp), "info": text_or_hex(info)}
        for fn in ("calculate_mac", "calculate_mac_fixed_base64", "calculate_mac_long_kdf"):
            v = getattr(sides["alice"], fn)(inp, info)
            assert v == getattr(sides["bob"], fn)(inp, info)
            e[fn] = v
        out["macs"].append(e)
    out["note"] = ("olm_sas_calculate_mac base64-encodes in place over its own output buffer, giving a "
                   "non-standard string (vodozemac: calculate_mac_invalid_base64); "
                   "calculate_mac_fixed_base64 is the correct unpadded base64 of the HMAC; "
                   "calculate_mac_long_kdf uses a 256-byte HKDF output as HMAC key, then the in-place "
                   "(wrong) base64.")
    return out


def gen_pk(rng, P):
    out = {}
    dec = O.PkDecryption()
    n = dec.generate_key_random_length()
    r, rj = rnd(rng, "pk/decryption/generate_key", n, "olm_pk_generate_key")
    pub = dec.generate_key(r)
    assert dec.private_key() == r and pub == x25519_public(r)
    out["decryption"] = {"generate_key_random": rj, "private_key_hex": r.hex(), "public_key": pub,
                         "pickle": pickles(dec)}
    enc = O.PkEncryption().set_recipient_key(pub)
    out["encryptions"] = []
    for k in ("short", "b16", "empty", "long"):
        n = enc.encrypt_random_length()
        r, rj = rnd(rng, "pk/encrypt/%s" % k, n, "olm_pk_encrypt")
        ct, mac, eph = enc.encrypt(P[k], r)
        assert dec.decrypt(eph, mac, ct) == P[k] and eph == x25519_public(r)
        out["encryptions"].append({"plaintext": text_or_hex(P[k]), "random": rj,
                                   "ephemeral_private_key_hex": r.hex(),
                                   "ephemeral_key": eph, "mac": mac, "ciphertext": ct})
    d2, pub2 = O.PkDecryption.from_pickle(out["decryption"]["pickle"]["key"], PICKLE_KEY)
    assert pub2 == pub
    sg = O.PkSigning()
    seed, rj = rnd(rng, "pk/signing/seed", O.PkSigning.seed_length(), "olm_pk_signing_key_from_seed")
    spub = sg.key_from_seed(seed)
    assert spub == ed25519_public(seed)
    util = O.Utility()
    sigs = []
    for m in (b"protee pk signing test", P["json"]):
        sig = sg.sign(m)
        assert util.ed25519_verify(spub, m, sig)
        sigs.append({"message": text_or_hex(m), "signature": sig})
    out["signing"] = {"seed": rj, "public_key": spub, "signatures": sigs}
    return out


def gen_utility(accounts_json):
    util = O.Utility()
    out = {"sha256": []}
    for d in (b"", b"abc", b"protee"):
        out["sha256"].append({"input": text_or_hex(d), "output": util.sha256(d)})
    a = accounts_json["alice"]
    sig = a["signatures"][0]
    msg = bytes.fromhex(sig["message"]["hex"])
    bad = bytearray(b64d(sig["signature"]))
    bad[0] ^= 1
    out["ed25519_verify"] = [
        {"key": a["ed25519"], "message": text_or_hex(msg), "signature": sig["signature"], "valid": True},
        {"key": a["ed25519"], "message": text_or_hex(msg + b"!"), "signature": sig["signature"],
         "valid": util.ed25519_verify(a["ed25519"], msg + b"!", sig["signature"])},
        {"key": a["ed25519"], "message": text_or_hex(msg), "signature": b64e(bad),
         "valid": util.ed25519_verify(a["ed25519"], msg, b64e(bad))},
    ]
    return out


def random_lengths():
    """What libolm's *_random_length functions report (queried, not hard-coded)."""
    acc = O.Account()
    acc.create(bytes(acc.create_random_length()))
    s = O.Session()
    og = O.OutboundGroupSession()
    return {
        "olm_create_account_random_length": O.Account().create_random_length(),
        "olm_account_generate_one_time_keys_random_length(1)": acc.generate_one_time_keys_random_length(1),
        "olm_account_generate_one_time_keys_random_length(3)": acc.generate_one_time_keys_random_length(3),
        "olm_account_generate_fallback_key_random_length": acc.generate_fallback_key_random_length(),
        "olm_create_outbound_session_random_length": s.create_outbound_random_length(),
        "olm_encrypt_random_length": "0 or 32: 32 only when the session's sender chain is empty "
                                     "(see next_encrypt_random_length in each conversation step)",
        "olm_init_outbound_group_session_random_length": og.init_random_length(),
        "olm_create_sas_random_length": O.Sas().create_random_length(),
        "olm_pk_encrypt_random_length": O.PkEncryption().encrypt_random_length(),
        "olm_pk_generate_key_random_length": O.PkDecryption.generate_key_random_length(),
        "olm_pk_signing_seed_length": O.PkSigning.seed_length(),
    }


def generate(seed):
    rng = SeededRandom(seed)
    tag, P = plaintexts(rng)
    v = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "seed": seed,
        "generator": {"script": "libolm_vectors.py", "libolm_version": O.library_version()},
        "rng": {
            "algorithm": "random(label, n) = (SHA256(domain||0x00||seed||0x00||label||0x00||u32be(i)) "
                         "for i = 0,1,..) concatenated, first n bytes",
            "domain": "protee-libolm-vectors/v1",
        },
        "pickle_key": text_or_hex(PICKLE_KEY),
        "empty_pickle_key": text_or_hex(EMPTY_KEY),
        "plaintext_tag": tag,
        "random_lengths": random_lengths(),
    }
    accounts = gen_olm(rng, P, v)
    v["megolm"] = gen_megolm(rng, P)
    v["sas"] = gen_sas(rng)
    v["pk"] = gen_pk(rng, P)
    v["utility"] = gen_utility(v["olm"]["accounts"])
    v["random_log"] = rng.log
    del accounts
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", required=True, help="seed string, e.g. protee-dev-1")
    ap.add_argument("--out", help="output JSON file (default: stdout)")
    ap.add_argument("--verify-crafted-high-index", action="store_true",
                    help="also encrypt 65536 messages for real and check that the pickle-edited "
                         "session used for high_index_messages produces the same ciphertexts")
    a = ap.parse_args()
    v = generate(a.seed)
    if a.verify_crafted_high_index:
        verify_crafted(a.seed, v)
    text = json.dumps(v, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text)
        print("wrote %s (%d bytes, seed %r, libolm %s)" % (a.out, len(text.encode()), a.seed,
                                                           O.library_version()), file=sys.stderr)
    else:
        sys.stdout.write(text)


def verify_crafted(seed, v):
    og = O.OutboundGroupSession.from_pickle(v["megolm"]["outbound"]["pickle_after_init"]["key"], PICKLE_KEY)
    want = {m["index"]: m for m in v["megolm"]["high_index_messages"] if m["index"] < 2 ** 17}
    while og.message_index() < 2 ** 16 - 2:
        og.encrypt(b"x")
    for i in sorted(want):
        assert og.message_index() == i
        ct = og.encrypt(bytes.fromhex(want[i]["plaintext"]["hex"]))
        assert ct == want[i]["ciphertext"], "crafted high-index session differs at %d" % i
    print("verified: pickle-edited session == %d real encryptions" % (2 ** 16 - 2), file=sys.stderr)


if __name__ == "__main__":
    main()
