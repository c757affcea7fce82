#!/usr/bin/env python3
"""Check a transcript produced by another Olm/Megolm implementation against libolm.

    # from the repository root
    python3 test-vectors/generator/libolm_check.py TRANSCRIPT.json [--verbose] [--report REPORT.json]

The transcript format ("protee-libolm-transcript", version 1) is documented in
test-vectors/generator/README.md.  Every check is run independently; the script prints PASS/FAIL per
check (with the failing sub-items), then a closing line "N passed, N failed",
and exits 0 only if every check passed (1 if any failed, 2 on unusable input).

Project copy of the shared libolm harness (shared/libolm-harness/libolm_check.py).
"""

import argparse
import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import olmffi as O  # noqa: E402
from harness_common import get_bytes  # noqa: E402

FORMAT = "protee-libolm-transcript"


class CheckFailed(Exception):
    pass


class Ctx:
    """Collects sub-results of one check."""

    def __init__(self, check, defaults):
        self.check = check
        self.defaults = defaults
        self.results = []  # (ok, what, detail)

    def ok(self, what, detail=""):
        self.results.append((True, what, detail))

    def fail(self, what, detail=""):
        self.results.append((False, what, detail))

    def expect_eq(self, what, got, want):
        if got == want:
            self.ok(what)
            return True
        self.fail(what, "got %s, expected %s" % (_short(got), _short(want)))
        return False

    def pickle_key(self, obj):
        k = get_bytes(obj, "pickle_key", required=False)
        if k is None:
            k = self.defaults.get("pickle_key")
        if k is None:
            raise CheckFailed("no pickle_key given (neither in the item nor at top level)")
        return k


def _short(v, n=120):
    s = v.hex() if isinstance(v, (bytes, bytearray)) else repr(v)
    return s if len(s) <= n else s[:n] + "...(%d chars)" % len(s)


def _plain(obj, name="plaintext"):
    return get_bytes(obj, name, required=False)


def _expect_error(ctx, what, fn, want_code):
    try:
        r = fn()
    except O.OlmError as e:
        if want_code in (True, "any") or e.code == want_code:
            ctx.ok(what + " fails as expected", e.code)
        else:
            ctx.fail(what, "failed with %s, expected error %s" % (e.code, want_code))
        return None
    ctx.fail(what, "succeeded (returned %s) but error %s was expected" % (_short(r), want_code))
    return r


# ---------------------------------------------------------------------------
# Olm accounts
# ---------------------------------------------------------------------------
def load_account(ctx, spec, what="account"):
    """spec: {"pickle", "pickle_key"...} or {"create_random_hex", "one_time_keys_random_hex",
    "fallback_keys_random_hex": [..]}."""
    if "pickle" in spec:
        try:
            acc = O.Account.from_pickle(spec["pickle"], ctx.pickle_key(spec))
        except O.OlmError as e:
            ctx.fail(what + ": libolm unpickles the account", e.code)
            raise CheckFailed("account pickle rejected by libolm")
        ctx.ok(what + ": libolm unpickles the account")
        return acc
    if "create_random_hex" in spec:
        acc = O.Account()
        acc.create(bytes.fromhex(spec["create_random_hex"]))
        if spec.get("one_time_keys_random_hex"):
            r = bytes.fromhex(spec["one_time_keys_random_hex"])
            per = acc.generate_one_time_keys_random_length(1)
            if len(r) % per:
                raise CheckFailed("one_time_keys_random_hex must be a multiple of %d bytes" % per)
            acc.generate_one_time_keys(len(r) // per, r)
        for fr in spec.get("fallback_keys_random_hex", []):
            acc.generate_fallback_key(bytes.fromhex(fr))
        if spec.get("mark_keys_as_published"):
            acc.mark_keys_as_published()
        ctx.ok(what + ": created by libolm from the given random bytes")
        return acc
    raise CheckFailed(what + ": needs 'pickle' or 'create_random_hex'")


def check_account_expectations(ctx, acc, exp, what="account"):
    ik_json = acc.identity_keys()
    ik = json.loads(ik_json)
    if "identity_keys_json" in exp:
        ctx.expect_eq(what + " identity_keys JSON", ik_json, exp["identity_keys_json"])
    for k in ("curve25519", "ed25519"):
        if k in exp:
            ctx.expect_eq("%s %s identity key" % (what, k), ik[k], exp[k])
    if "one_time_keys" in exp:
        ctx.expect_eq(what + " unpublished one-time keys", json.loads(acc.one_time_keys())["curve25519"],
                      exp["one_time_keys"])
    if "fallback_key" in exp:
        ctx.expect_eq(what + " fallback key", json.loads(acc.fallback_key())["curve25519"], exp["fallback_key"])
    if "unpublished_fallback_key" in exp:
        ctx.expect_eq(what + " unpublished fallback key",
                      json.loads(acc.unpublished_fallback_key())["curve25519"], exp["unpublished_fallback_key"])
    if "max_number_of_one_time_keys" in exp:
        ctx.expect_eq(what + " max_number_of_one_time_keys", acc.max_number_of_one_time_keys(),
                      exp["max_number_of_one_time_keys"])
    return ik


def check_olm_account(ctx, c):
    acc = load_account(ctx, c, "account")
    ik = check_account_expectations(ctx, acc, c.get("expect", {}))
    util = O.Utility()
    for i, s in enumerate(c.get("signatures", [])):
        msg = get_bytes(s, "message")
        ctx.expect_eq("signature %d: libolm's Ed25519 signature equals the transcript's" % i,
                      acc.sign(msg), s["signature"])
        try:
            valid = util.ed25519_verify(ik["ed25519"], msg, s["signature"])
        except O.OlmError as e:
            valid = "error " + e.code
        ctx.expect_eq("signature %d verifies with olm_ed25519_verify" % i, valid, True)
    check_repickle(ctx, c, acc)


def check_repickle(ctx, c, obj):
    if c.get("expect_repickle_identical"):
        ctx.expect_eq("libolm re-pickles to the identical string", obj.pickle(ctx.pickle_key(c)), c["pickle"])
    if "expect_pickle" in c:
        ctx.expect_eq("libolm pickle equals expect_pickle", obj.pickle(ctx.pickle_key(c)), c["expect_pickle"])


# ---------------------------------------------------------------------------
# Olm sessions
# ---------------------------------------------------------------------------
def check_olm_session(ctx, c):
    steps = c.get("steps", [])
    session = None
    account = None
    pending_inbound = None
    if "session" in c:
        spec = c["session"]
        try:
            session = O.Session.from_pickle(spec["pickle"], ctx.pickle_key(spec))
            ctx.ok("libolm unpickles the session")
        except O.OlmError as e:
            ctx.fail("libolm unpickles the session", e.code)
            return
        if spec.get("expect_repickle_identical"):
            ctx.expect_eq("session re-pickles to the identical string",
                          session.pickle(ctx.pickle_key(spec)), spec["pickle"])
    elif "outbound" in c:
        spec = c["outbound"]
        account = load_account(ctx, spec["account"], "our account")
        check_account_expectations(ctx, account, spec["account"].get("expect", {}), "our account")
        session = O.Session()
        rnd = bytes.fromhex(spec["random_hex"])
        need = session.create_outbound_random_length()
        if len(rnd) != need:
            ctx.fail("outbound random length", "got %d bytes, libolm needs %d" % (len(rnd), need))
            return
        session.create_outbound(account, spec["their_identity_key"], spec["their_one_time_key"], rnd)
        ctx.ok("libolm creates the outbound session")
        if "session_id" in spec:
            ctx.expect_eq("outbound session id", session.session_id(), spec["session_id"])
    elif "inbound" in c:
        pending_inbound = c["inbound"]
        account = load_account(ctx, pending_inbound["account"], "our account")
        check_account_expectations(ctx, account, pending_inbound["account"].get("expect", {}), "our account")
    else:
        raise CheckFailed("olm_session needs 'session', 'outbound' or 'inbound'")

    for i, st in enumerate(steps):
        op = st.get("op")
        tag = "step %d (%s)" % (i, op)
        if op == "decrypt":
            mtype = int(st["message_type"])
            ct = st["ciphertext"]
            if session is None:
                # first message creates the inbound session
                if mtype != 0:
                    ctx.fail(tag, "the first message of an inbound session must be a pre-key message")
                    return
                their = pending_inbound.get("their_identity_key")
                try:
                    session = O.Session().create_inbound(account, ct, their_identity_key=their)
                except O.OlmError as e:
                    if st.get("expect_error") in (e.code, "any"):
                        ctx.ok(tag + ": inbound session creation fails as expected", e.code)
                        continue
                    ctx.fail(tag + ": libolm creates an inbound session from the pre-key message", e.code)
                    return
                ctx.ok(tag + ": libolm creates an inbound session (%s)" %
                       ("olm_create_inbound_session_from" if their else "olm_create_inbound_session"))
                ctx.expect_eq(tag + ": session matches the pre-key message", session.matches_inbound(ct), True)
                if pending_inbound.get("session_id"):
                    ctx.expect_eq(tag + ": inbound session id", session.session_id(), pending_inbound["session_id"])
                if pending_inbound.get("remove_one_time_keys", True):
                    try:
                        account.remove_one_time_keys(session)
                        ctx.ok(tag + ": olm_remove_one_time_keys")
                    except O.OlmError as e:
                        ctx.fail(tag + ": olm_remove_one_time_keys", e.code)
            if "expect_error" in st:
                _expect_error(ctx, tag + " decrypt", lambda: session.decrypt(mtype, ct), st["expect_error"])
                continue
            try:
                pt = session.decrypt(mtype, ct)
            except O.OlmError as e:
                ctx.fail(tag + ": libolm decrypts", e.code)
                continue
            want = _plain(st)
            if want is None:
                ctx.ok(tag + ": libolm decrypts (no plaintext given to compare)")
            else:
                ctx.expect_eq(tag + ": libolm decrypts to the expected plaintext", pt, want)
        elif op == "encrypt":
            if session is None:
                ctx.fail(tag, "no session yet (inbound sessions start with a decrypt step)")
                return
            pt = _plain(st)
            rnd = bytes.fromhex(st.get("random_hex", ""))
            need = session.encrypt_random_length()
            if len(rnd) != need:
                ctx.fail(tag + ": random length", "transcript gives %d bytes, olm_encrypt_random_length is %d"
                         % (len(rnd), need))
                return  # state would diverge
            mtype, ct = session.encrypt(pt, rnd)
            if "message_type" in st:
                ctx.expect_eq(tag + ": message type", mtype, int(st["message_type"]))
            if "ciphertext" in st:
                ctx.expect_eq(tag + ": libolm's ciphertext equals the transcript's (same random bytes)",
                              ct, st["ciphertext"])
            else:
                ctx.ok(tag + ": libolm encrypted (no ciphertext given to compare)", ct)
        elif op == "pickle":
            if session is None:
                ctx.fail(tag, "no session yet")
                continue
            ctx.expect_eq(tag + ": libolm session pickle equals the transcript's",
                          session.pickle(ctx.pickle_key(st)), st["expect"])
        else:
            raise CheckFailed("unknown step op %r" % op)
        if "session_id" in st and session is not None:
            ctx.expect_eq(tag + ": session id", session.session_id(), st["session_id"])

    exp = c.get("expect", {})
    if session is not None:
        if "session_id" in exp:
            ctx.expect_eq("final session id", session.session_id(), exp["session_id"])
        if "has_received_message" in exp:
            ctx.expect_eq("has_received_message", session.has_received_message(), exp["has_received_message"])
        if "pickle" in exp:
            ctx.expect_eq("final libolm session pickle equals expect.pickle",
                          session.pickle(ctx.pickle_key(c)), exp["pickle"])
    if account is not None and "account_pickle" in exp:
        ctx.expect_eq("final libolm account pickle equals expect.account_pickle",
                      account.pickle(ctx.pickle_key(c)), exp["account_pickle"])


# ---------------------------------------------------------------------------
# Megolm
# ---------------------------------------------------------------------------
def check_megolm_inbound(ctx, c):
    try:
        if "session_key" in c:
            s = O.InboundGroupSession.init(c["session_key"])
            how = "olm_init_inbound_group_session (session key)"
        elif "exported_session_key" in c:
            s = O.InboundGroupSession.import_session(c["exported_session_key"])
            how = "olm_import_inbound_group_session (exported key)"
        elif "pickle" in c:
            s = O.InboundGroupSession.from_pickle(c["pickle"], ctx.pickle_key(c))
            how = "olm_unpickle_inbound_group_session"
        else:
            raise CheckFailed("megolm_inbound needs session_key, exported_session_key or pickle")
    except O.OlmError as e:
        if c.get("expect_error") in (e.code, "any"):
            ctx.ok("libolm rejects the session as expected", e.code)
        else:
            ctx.fail("libolm loads the inbound group session", e.code)
        return
    if "expect_error" in c:
        ctx.fail("libolm loads the inbound group session", "succeeded but %s was expected" % c["expect_error"])
        return
    ctx.ok("libolm loads the inbound group session via " + how)
    exp = c.get("expect", {})
    if "session_id" in exp:
        ctx.expect_eq("session id", s.session_id(), exp["session_id"])
    if "first_known_index" in exp:
        ctx.expect_eq("first known index", s.first_known_index(), exp["first_known_index"])
    if "is_verified" in exp:
        ctx.expect_eq("is_verified (before decrypting)", s.is_verified(), exp["is_verified"])
    check_repickle(ctx, c, s)
    for i, m in enumerate(c.get("messages", [])):
        tag = "message %d" % i
        if "expect_error" in m:
            _expect_error(ctx, tag, lambda: s.decrypt(m["ciphertext"]), m["expect_error"])
            continue
        try:
            pt, idx = s.decrypt(m["ciphertext"])
        except O.OlmError as e:
            ctx.fail(tag + ": libolm decrypts", e.code)
            continue
        want = _plain(m)
        if want is not None:
            ctx.expect_eq(tag + ": plaintext", pt, want)
        if "message_index" in m:
            ctx.expect_eq(tag + ": message index", idx, m["message_index"])
        if want is None and "message_index" not in m:
            ctx.ok(tag + ": libolm decrypts")
    for e in c.get("exports", []):
        tag = "export at %d" % e["index"]
        try:
            got = s.export(e["index"])
        except O.OlmError as err:
            ctx.fail(tag, err.code)
            continue
        ctx.expect_eq(tag + ": libolm's exported key equals the transcript's", got, e["exported_session_key"])
    if "expect_pickle_after" in c:
        ctx.expect_eq("pickle after the messages/exports", s.pickle(ctx.pickle_key(c)), c["expect_pickle_after"])


def check_megolm_outbound(ctx, c):
    try:
        if "pickle" in c:
            s = O.OutboundGroupSession.from_pickle(c["pickle"], ctx.pickle_key(c))
            ctx.ok("libolm unpickles the outbound group session")
        elif "random_hex" in c:
            s = O.OutboundGroupSession().init(bytes.fromhex(c["random_hex"]))
            ctx.ok("libolm creates the outbound group session from the random bytes")
        else:
            raise CheckFailed("megolm_outbound needs pickle or random_hex")
    except O.OlmError as e:
        ctx.fail("libolm loads the outbound group session", e.code)
        return
    exp = c.get("expect", {})
    for k, fn in (("session_id", s.session_id), ("message_index", s.message_index), ("session_key", s.session_key)):
        if k in exp:
            ctx.expect_eq(k, fn(), exp[k])
    check_repickle(ctx, c, s)
    for i, m in enumerate(c.get("messages", [])):
        tag = "message %d" % i
        if "message_index" in m:
            ctx.expect_eq(tag + ": index before encrypting", s.message_index(), m["message_index"])
        ct = s.encrypt(_plain(m))
        if "ciphertext" in m:
            ctx.expect_eq(tag + ": libolm's ciphertext equals the transcript's", ct, m["ciphertext"])
        else:
            ctx.ok(tag + ": encrypted", ct)
    if "expect_pickle_after" in c:
        ctx.expect_eq("pickle after the messages", s.pickle(ctx.pickle_key(c)), c["expect_pickle_after"])


# ---------------------------------------------------------------------------
# SAS / PK / signatures
# ---------------------------------------------------------------------------
def check_sas(ctx, c):
    s = O.Sas().create(bytes.fromhex(c["our_random_hex"]))
    if "our_public_key" in c:
        ctx.expect_eq("our public key", s.pubkey(), c["our_public_key"])
    try:
        s.set_their_key(c["their_public_key"])
        ctx.ok("olm_sas_set_their_key")
    except O.OlmError as e:
        ctx.fail("olm_sas_set_their_key", e.code)
        return
    for i, b in enumerate(c.get("bytes", [])):
        ctx.expect_eq("generate_bytes %d (%d bytes)" % (i, b["length"]),
                      s.generate_bytes(get_bytes(b, "info"), b["length"]).hex(), b["output_hex"])
    for i, m in enumerate(c.get("macs", [])):
        inp, info = get_bytes(m, "input"), get_bytes(m, "info")
        for field, fn in (("mac", s.calculate_mac_fixed_base64), ("mac_invalid_base64", s.calculate_mac),
                          ("mac_long_kdf", s.calculate_mac_long_kdf)):
            if field in m:
                ctx.expect_eq("mac %d %s" % (i, field), fn(inp, info), m[field])


def check_pk_decrypt(ctx, c):
    d = O.PkDecryption()
    if "private_key_hex" in c:
        pub = d.key_from_private(bytes.fromhex(c["private_key_hex"]))
    elif "pickle" in c:
        try:
            d, pub = O.PkDecryption.from_pickle(c["pickle"], ctx.pickle_key(c))
            ctx.ok("libolm unpickles the PkDecryption")
        except O.OlmError as e:
            ctx.fail("libolm unpickles the PkDecryption", e.code)
            return
        check_repickle(ctx, c, d)
    else:
        raise CheckFailed("pk_decrypt needs private_key_hex or pickle")
    if "public_key" in c:
        ctx.expect_eq("public key", pub, c["public_key"])
    for i, m in enumerate(c.get("messages", [])):
        tag = "message %d" % i
        f = (lambda m=m: d.decrypt(m["ephemeral_key"], m["mac"], m["ciphertext"]))
        if "expect_error" in m:
            _expect_error(ctx, tag, f, m["expect_error"])
            continue
        try:
            pt = f()
        except O.OlmError as e:
            ctx.fail(tag + ": libolm decrypts", e.code)
            continue
        ctx.expect_eq(tag + ": plaintext", pt, _plain(m))


def check_pk_encrypt(ctx, c):
    e = O.PkEncryption().set_recipient_key(c["recipient_key"])
    for i, m in enumerate(c.get("messages", [])):
        ct, mac, eph = e.encrypt(_plain(m), bytes.fromhex(m["random_hex"]))
        ctx.expect_eq("message %d ephemeral key" % i, eph, m["ephemeral_key"])
        ctx.expect_eq("message %d mac" % i, mac, m["mac"])
        ctx.expect_eq("message %d ciphertext" % i, ct, m["ciphertext"])


def check_pk_signing(ctx, c):
    s = O.PkSigning()
    pub = s.key_from_seed(bytes.fromhex(c["seed_hex"]))
    if "public_key" in c:
        ctx.expect_eq("public key", pub, c["public_key"])
    for i, m in enumerate(c.get("signatures", [])):
        ctx.expect_eq("signature %d" % i, s.sign(get_bytes(m, "message")), m["signature"])


def check_ed25519_verify(ctx, c):
    try:
        got = O.Utility().ed25519_verify(c["key"], get_bytes(c, "message"), c["signature"])
    except O.OlmError as e:
        got = "error " + e.code
    ctx.expect_eq("olm_ed25519_verify result", got, c.get("valid", True))


CHECKS = {
    "olm_account": check_olm_account,
    "olm_session": check_olm_session,
    "megolm_inbound": check_megolm_inbound,
    "megolm_outbound": check_megolm_outbound,
    "sas": check_sas,
    "pk_decrypt": check_pk_decrypt,
    "pk_encrypt": check_pk_encrypt,
    "pk_signing": check_pk_signing,
    "ed25519_verify": check_ed25519_verify,
}


def run(transcript, verbose=False, out=sys.stdout):
    if transcript.get("format") != FORMAT:
        print("not a %s file (format=%r)" % (FORMAT, transcript.get("format")), file=sys.stderr)
        sys.exit(2)
    if transcript.get("format_version") != 1:
        print("unsupported format_version %r" % transcript.get("format_version"), file=sys.stderr)
        sys.exit(2)
    defaults = {"pickle_key": get_bytes(transcript, "pickle_key", required=False)}
    report = []
    seen = set()
    print("libolm %s (%s); transcript by %s" % (O.library_version(), O.LIB_PATH,
                                               transcript.get("producer", "?")), file=out)
    for n, c in enumerate(transcript.get("checks", [])):
        cid = c.get("id", "#%d" % n)
        ctype = c.get("type")
        if cid in seen:
            cid = "%s#%d" % (cid, n)
        seen.add(cid)
        ctx = Ctx(c, defaults)
        error = None
        try:
            if ctype not in CHECKS:
                raise CheckFailed("unknown check type %r" % ctype)
            CHECKS[ctype](ctx, c)
        except CheckFailed as e:
            error = str(e)
        except O.OlmError as e:
            error = "libolm error: %s" % e
        except (KeyError, ValueError, TypeError) as e:
            error = "malformed item: %s: %s" % (type(e).__name__, e)
            if verbose:
                error += "\n" + traceback.format_exc()
        passed = error is None and ctx.results and all(ok for ok, _, _ in ctx.results)
        if error is None and not ctx.results:
            error = "nothing was checked"
        nok = sum(1 for ok, _, _ in ctx.results if ok)
        print("%s %-16s %s  (%d/%d sub-checks ok)%s" % (
            "PASS" if passed else "FAIL", ctype, cid, nok, len(ctx.results),
            ("  ERROR: " + error) if error else ""), file=out)
        for ok, what, detail in ctx.results:
            if verbose or not ok:
                print("    %s %s%s" % ("ok  " if ok else "FAIL", what, (": " + detail) if detail else ""), file=out)
        report.append({"id": cid, "type": ctype, "passed": bool(passed), "error": error,
                       "results": [{"ok": ok, "what": w, "detail": d} for ok, w, d in ctx.results]})
    npass = sum(1 for r in report if r["passed"])
    nfail = len(report) - npass
    print("%d passed, %d failed" % (npass, nfail), file=out)
    return report, npass, nfail


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("transcript")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every sub-check, not only failures")
    ap.add_argument("--report", help="write a JSON report here")
    a = ap.parse_args()
    try:
        with open(a.transcript, encoding="utf-8") as f:
            t = json.load(f)
    except (OSError, ValueError) as e:
        print("cannot read transcript: %s" % e, file=sys.stderr)
        sys.exit(2)
    report, npass, nfail = run(t, a.verbose)
    if a.report:
        with open(a.report, "w") as f:
            json.dump({"transcript": a.transcript, "passed": npass, "failed": nfail, "checks": report}, f, indent=1)
    sys.exit(0 if nfail == 0 and npass > 0 else 1)


if __name__ == "__main__":
    main()
