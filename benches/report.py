#!/usr/bin/env python3
"""Turns one criterion run into benches/RESULTS.md and benches/results.svg.

    bash benches/run.sh            # runs every bench (one run, both libraries), then this script

Reads target/criterion/<group>/<function>/new/estimates.json (median, ns), the allocation table
printed by `cargo test --test allocations -- --nocapture` (saved by run.sh), and the machine
description run.sh writes. Each operation's row gives protee's and vodozemac's medians, the
ratio, and the lower bound made of the primitives the operation cannot avoid (benches/primitives.rs)
with protee's distance to it. Standard library only.
"""
import json
import math
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRITERION = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "criterion")

# operation group -> (label, [(primitive group, count)]) ; the bound is the sum. The benches
# (benches/olm.rs, benches/megolm.rs) hold the same lists and record theirs with the interleaved
# measurement; main() refuses to write a report where the two differ.
HKDF, STEP = ("bound_hkdf_sha256_80", 1), ("bound_hmac_sha256_32B_key", 1)
OLM_KEYS = [HKDF, ("bound_hmac_sha256_32B_key", 2)]  # chain step + message key, then HKDF
OPERATIONS = [
    ("olm_account_new", "Account creation", [("bound_ed25519_keygen", 1), ("bound_x25519_keygen", 1)]),
    ("olm_generate_50_one_time_keys", "50 one-time keys", [("bound_x25519_keygen", 50)]),
    ("olm_create_outbound_session", "Outbound session", [("bound_x25519_keygen", 2), ("bound_x25519_dh", 3)]),
    ("olm_create_inbound_session", "Inbound session from a pre-key message", [("bound_x25519_dh", 3)]),
    ("olm_encrypt_100B", "Olm encrypt 100 B", OLM_KEYS + [("bound_aes256cbc_100B", 1), ("bound_hmac_sha256_112B", 1)]),
    ("olm_encrypt_4KiB", "Olm encrypt 4 KiB", OLM_KEYS + [("bound_aes256cbc_4KiB", 1), ("bound_hmac_sha256_4112B", 1)]),
    ("olm_decrypt_100B", "Olm decrypt 100 B", OLM_KEYS + [("bound_aes256cbc_decrypt_112B", 1), ("bound_hmac_sha256_112B", 1)]),
    ("olm_decrypt_4KiB", "Olm decrypt 4 KiB", OLM_KEYS + [("bound_aes256cbc_decrypt_4112B", 1), ("bound_hmac_sha256_4112B", 1)]),
    ("olm_encrypt_decrypt_100B", "Olm encrypt + decrypt 100 B", [(n, 2 * c) for n, c in OLM_KEYS] + [("bound_aes256cbc_100B", 1), ("bound_aes256cbc_decrypt_112B", 1), ("bound_hmac_sha256_112B", 2)]),
    ("olm_ratchet_turn", "Olm ratchet turn (2 messages, new chains)", [("bound_x25519_keygen", 2), ("bound_x25519_dh", 4)]),
    ("megolm_encrypt_100B", "Megolm encrypt 100 B", [("bound_ed25519_sign_112B", 1), HKDF, ("bound_aes256cbc_100B", 1), ("bound_hmac_sha256_112B", 1), STEP]),
    ("megolm_encrypt_4KiB", "Megolm encrypt 4 KiB", [("bound_ed25519_sign_4112B", 1), HKDF, ("bound_aes256cbc_4KiB", 1), ("bound_hmac_sha256_4112B", 1), STEP]),
    ("megolm_decrypt_100B", "Megolm decrypt 100 B", [("bound_ed25519_verify_112B", 1), HKDF, ("bound_aes256cbc_decrypt_112B", 1), ("bound_hmac_sha256_112B", 1)]),
    ("megolm_decrypt_4KiB", "Megolm decrypt 4 KiB", [("bound_ed25519_verify_4112B", 1), HKDF, ("bound_aes256cbc_decrypt_4112B", 1), ("bound_hmac_sha256_4112B", 1)]),
    ("megolm_new_inbound_decrypt_at_2_20", "Inbound session + decrypt at 2^20", [("bound_ed25519_decode", 1), ("bound_ed25519_verify_112B", 2), ("bound_hmac_sha256_32B_key", 18), HKDF, ("bound_aes256cbc_decrypt_112B", 1), ("bound_hmac_sha256_112B", 1)]),
    ("megolm_advance_to_2_31-1", "advance_to 2^31-1", [("bound_hmac_sha256_32B_key", 895)]),
    ("megolm_export_at_1000", "export_at(1000)", [("bound_hmac_sha256_32B_key", 236)]),
]


def passes():
    """The baselines run.sh saved (pass1, pass2, ...), or criterion's default `new`."""
    found = set()
    for root, dirs, _ in os.walk(CRITERION):
        for d in dirs:
            if d.startswith("pass") and os.path.exists(os.path.join(root, d, "estimates.json")):
                found.add(d)
    return sorted(found) or ["new"]


def pass_medians(group, function):
    out = []
    for name in passes():
        path = os.path.join(CRITERION, group, function, name, "estimates.json")
        try:
            with open(path) as f:
                out.append(json.load(f)["median"]["point_estimate"])
        except FileNotFoundError:
            out.append(None)
    return out


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def median_ns(group, function):
    """The median over the passes of criterion's median for one function."""
    return median(pass_medians(group, function))


def ratio(group):
    """vodozemac / protee: the median over the passes of the ratio within each pass."""
    pairs = zip(pass_medians(group, "vodozemac"), pass_medians(group, "protee"))
    return median([v / p for v, p in pairs if v is not None and p])


def paired(group):
    """The interleaved measurement (benches/common/paired.rs), pooled over the passes: lists of
    per-iteration times (ns) of protee and vodozemac, block by block, or None."""
    ps, vs = [], []
    for name in passes():
        path = os.path.join(CRITERION, group, "paired", name + ".json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            data = json.load(f)
        ps += data["protee_ns"]
        vs += data["vodozemac_ns"]
    return (ps, vs) if ps and len(ps) == len(vs) else None


def paired_bound(group):
    """The bound measured interleaved with protee (benches/common/paired.rs), pooled over the
    passes: (its description, protee's block times, the bound's block times), or None."""
    text, ps, bs = None, [], []
    for name in passes():
        path = os.path.join(CRITERION, group, "paired", name + ".json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            data = json.load(f)
        if "bound_ns" not in data:
            return None
        text = data["bound"]
        ps += data["protee_ns"]
        bs += data["bound_ns"]
    return (text, ps, bs) if bs and len(ps) == len(bs) else None


def bound_per_pass(bound):
    """The bound's sum within each pass (None where a primitive is missing)."""
    columns = [(n, pass_medians(name, "")) for name, n in bound]
    if not columns:
        return []
    out = []
    for i in range(len(passes())):
        values = [(n, col[i]) for n, col in columns]
        out.append(None if any(v is None for _, v in values) else sum(n * v for n, v in values))
    return out


def to_bound(group, bound):
    """protee / bound: the median over the passes of the ratio within each pass."""
    pairs = zip(pass_medians(group, "protee"), bound_per_pass(bound))
    return median([p / b for p, b in pairs if p is not None and b])


# Rows whose cost is public-key work (the "within 1.05x of the bound" rows).
PUBLIC_KEY_BOUND = {
    "olm_account_new", "olm_generate_50_one_time_keys", "olm_create_outbound_session",
    "olm_create_inbound_session", "olm_ratchet_turn", "megolm_encrypt_100B", "megolm_encrypt_4KiB",
    "megolm_decrypt_100B", "megolm_decrypt_4KiB", "megolm_new_inbound_decrypt_at_2_20",
}


def criterion_groups():
    if not os.path.isdir(CRITERION):
        return []
    return sorted(d for d in os.listdir(CRITERION) if os.path.isdir(os.path.join(CRITERION, d)) and d != "report")


def fmt(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.2f µs" % (ns / 1e3)
    return "%.0f ns" % ns


def rows():
    known = {g for g, _, _ in OPERATIONS}
    out = []
    for group, label, bound in OPERATIONS:
        out.append((group, label, bound))
    # Every other side-by-side group (pickles, imports) gets a row without a bound.
    for group in criterion_groups():
        if group not in known and not group.startswith("bound_") and median_ns(group, "protee") is not None:
            out.append((group, group.replace("_", " "), []))
    return out


def saved(name, default):
    """The text run.sh saved in benches/<name>, or `default` when it is missing."""
    path = os.path.join(ROOT, "benches", name)
    return open(path).read().strip() if os.path.exists(path) else default


def main():
    lines = []
    chart = []
    pk_rows = []
    paired_rows = []
    bound_rows = []
    for group, label, bound in rows():
        pair = paired(group)
        if pair:
            # Both libraries timed in the same stretch of time: block medians, ratio per block.
            p, v = median(pair[0]), median(pair[1])
            r = median([b / a for a, b in zip(*pair) if a])
            paired_rows.append(label)
        else:
            p = median_ns(group, "protee")
            v = median_ns(group, "vodozemac")
            r = ratio(group) if v else None
        if p is None:
            continue
        parts = [(name, n) for name, n in bound]
        bound_text = " + ".join("%d × %s" % (n, name.replace("bound_", "")) for name, n in parts) or "—"
        measured = paired_bound(group)
        if measured:
            # The bound run interleaved with protee: block medians, ratio per round.
            text, ps, bs = measured
            if text != bound_text:
                sys.exit("%s: the bench's bound (%s) differs from report.py's (%s)" % (group, text, bound_text))
            total = median(bs)
            tb = median([a / b for a, b in zip(ps, bs) if b])
            bound_rows.append(label)
        else:
            total = median(bound_per_pass(bound))
            tb = to_bound(group, bound) if total else None
        speedup = "%.2f×" % r if r else "—"
        to_bound_text = "%.2f×" % tb if tb else "—"
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (label, fmt(p), fmt(v), speedup, fmt(total), to_bound_text, bound_text))
        if group in PUBLIC_KEY_BOUND and tb:
            pk_rows.append((label, tb))
        if r:
            chart.append((label, r))

    faster = [label for label, r in chart if r > 1]
    slower = [(label, r) for label, r in chart if r <= 1]
    summary = "protee's median is lower than vodozemac's on %d of the %d rows measured for both" % (len(faster), len(chart))
    if slower:
        summary += "; not lower on: " + ", ".join("%s (%.2f×)" % (label, r) for label, r in slower)
    summary += "."
    near = [label for label, tb in pk_rows if tb <= 1.05]
    summary += " Public-key-bound rows within 1.05× of their bound: %d of %d" % (len(near), len(pk_rows))
    far = [(label, tb) for label, tb in pk_rows if tb > 1.05]
    if far:
        summary += "; not within: " + ", ".join("%s (%.2f×)" % (label, tb) for label, tb in far)
    summary += "."
    prim = [g for g in criterion_groups() if g.startswith("bound_")]
    machine = saved("machine.txt", "unknown")
    alloc = saved("allocations.md", "(not measured)")
    sizes = saved("sizes.md", "(not measured)")
    out = [
        "# Benchmarks: protee vs vodozemac",
        "",
        "Generated by `bash benches/run.sh` (%d passes, both libraries in every pass; vodozemac %s as a" % (len(passes()), os.environ.get("VODOZEMAC_VERSION", "0.11")),
        "dev-dependency). Do not edit by hand.",
        "",
        "How the figures are made. Each side-by-side row (%d here) comes from an *interleaved*" % len(paired_rows),
        "measurement (`benches/common/paired.rs`): blocks of about 1 ms alternating between the two",
        "libraries, protee first in one block pair and vodozemac first in the next; `protee` and",
        "`vodozemac` are the medians of the per-iteration block times pooled over the passes, and",
        "`vodozemac / protee` is the median of the per-block-pair ratios. Both libraries are thus",
        "timed in the same stretch of wall-clock time; measured one after the other (criterion's",
        "own medians, also kept), the same binary's figures drift by up to 20% within seconds on this",
        "virtual machine. The bound of each row that has one (%d rows) is run in the same" % len(bound_rows),
        "interleaving (each round: protee, vodozemac and the bound, one block each, in rotating",
        "order): `bound` is the median of its block times and `protee / bound` the median of the",
        "per-round ratios. Rows without interleaved data (protee alone) and the primitives table",
        "use criterion's median, the median over the passes.",
        "",
        "Machine: " + machine,
        "",
        "`vodozemac / protee` above 1 means protee is faster. `bound` is the sum of the primitives",
        "the operation cannot avoid (`benches/common/bounds.rs`; each also measured alone in",
        "`benches/primitives.rs`), each computed the fastest way the dalek and RustCrypto crates",
        "allow, on inputs checked against the reference crates: X25519 on the Edwards form",
        "(`x25519_dh`; the Montgomery ladder vodozemac uses is `x25519_dh_ladder`), base-point",
        "multiplications from a radix-32 table, Ed25519 verification without decoding R; the dalek",
        "crates' own functions (`*_dalek`) are listed for reference. Message MACs, signatures and",
        "ciphers are counted over the ciphertext bytes only, so the bound errs low. `protee / bound`",
        "is how far protee is from it; it can be below 1 where protee shares work between",
        "primitives: one field inversion for several X25519 results, a peer key decoded once for two",
        "DH (spec/olm.md OLM-DH-3), HMAC key blocks prepared once for a run of ratchet steps. Ratchet",
        "jumps count the fewest HMAC steps the Megolm ratchet allows (comments in benches/megolm.rs).",
        "",
        "Rows without a vodozemac figure: vodozemac cannot do the operation (it writes libolm's",
        "pickle format only for an account and a PK key, and has no native PK pickle).",
        "",
        "![vodozemac / protee, log scale](results.svg)",
        "",
        summary,
        "",
        "| operation | protee | vodozemac | vodozemac / protee | bound | protee / bound | bound made of |",
        "|---|---:|---:|---:|---:|---:|---|",
    ] + lines + [
        "",
        "## Primitives",
        "",
        "| primitive | median |",
        "|---|---:|",
    ] + ["| %s | %s |" % (g.replace("bound_", ""), fmt(median_ns(g, ""))) for g in prim] + [
        "",
        "## Heap allocations per operation",
        "",
        "Counted by a global allocator (`tests/allocations.rs`): number of allocations, bytes",
        "allocated and peak live bytes during one operation.",
        "",
        alloc,
        "",
        "## Sizes",
        "",
        "Printed by `tests/sizes.rs`, objects in the same state in both libraries. Encrypted pickle",
        "lengths: each library's own format (protee's native binary format, vodozemac's JSON), and",
        "libolm's format, which both write identically. Then each object's `size_of` (what it owns",
        "on the heap, such as one-time keys or receiver chains, is not counted).",
        "",
        sizes,
        "",
    ]
    with open(os.path.join(ROOT, "benches", "RESULTS.md"), "w") as f:
        f.write("\n".join(out))
    write_svg(chart, os.path.join(ROOT, "benches", "results.svg"))
    print("wrote benches/RESULTS.md and benches/results.svg (%d operations)" % len(lines))


def write_svg(chart, path):
    """Horizontal bars of vodozemac/protee on a log scale, 1× marked."""
    w, left, bar, gap = 900, 330, 18, 6
    h = 40 + len(chart) * (bar + gap) + 30
    lo, hi = math.log10(0.5), math.log10(max([r for _, r in chart] + [20]))
    x = lambda r: left + (math.log10(max(r, 0.5)) - lo) / (hi - lo) * (w - left - 60)
    svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">' % (w, h),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="14">vodozemac median / protee median (log scale; right of the line: protee faster)</text>']
    for i, (label, r) in enumerate(chart):
        y = 35 + i * (bar + gap)
        color = "#2b8a3e" if r >= 1 else "#c92a2a"
        x0, x1 = x(1), x(r)
        svg.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 8, y + 13, label.replace("&", "&amp;")))
        svg.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>' % (min(x0, x1), y, abs(x1 - x0), bar, color))
        svg.append('<text x="%.1f" y="%d">%.2f×</text>' % (max(x0, x1) + 4, y + 13, r))
    svg.append('<line x1="%.1f" y1="30" x2="%.1f" y2="%d" stroke="black"/>' % (x(1), x(1), h - 20))
    for t in [1, 2, 5, 10, 20, 50, 100]:
        if math.log10(t) <= hi:
            svg.append('<text x="%.1f" y="%d" text-anchor="middle">%d×</text>' % (x(t), h - 6, t))
    svg.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(svg))


if __name__ == "__main__":
    sys.exit(main())
