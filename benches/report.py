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

# operation group -> (label, [(primitive group, count)]) ; the bound is the sum.
OPERATIONS = [
    ("olm_account_new", "Account creation", [("bound_ed25519_keygen", 1), ("bound_x25519_keygen", 1)]),
    ("olm_generate_50_one_time_keys", "50 one-time keys", [("bound_x25519_keygen", 50)]),
    ("olm_create_outbound_session", "Outbound session", [("bound_x25519_keygen", 2), ("bound_x25519_dh", 3)]),
    ("olm_create_inbound_session", "Inbound session from a pre-key message", [("bound_x25519_dh", 3)]),
    ("olm_encrypt_100B", "Olm encrypt 100 B", [("bound_hkdf_sha256_80", 1), ("bound_hmac_sha256_32B_key", 3), ("bound_aes256cbc_100B", 1)]),
    ("olm_encrypt_4KiB", "Olm encrypt 4 KiB", [("bound_hkdf_sha256_80", 1), ("bound_hmac_sha256_32B_key", 2), ("bound_aes256cbc_4KiB", 1)]),
    ("olm_decrypt_100B", "Olm decrypt 100 B", [("bound_hkdf_sha256_80", 1), ("bound_hmac_sha256_32B_key", 3), ("bound_aes256cbc_100B", 1)]),
    ("olm_decrypt_4KiB", "Olm decrypt 4 KiB", [("bound_hkdf_sha256_80", 1), ("bound_hmac_sha256_32B_key", 2), ("bound_aes256cbc_4KiB", 1)]),
    ("olm_encrypt_decrypt_100B", "Olm encrypt + decrypt 100 B", [("bound_hkdf_sha256_80", 2), ("bound_hmac_sha256_32B_key", 6), ("bound_aes256cbc_100B", 2)]),
    ("olm_ratchet_turn", "Olm ratchet turn (2 messages, new chains)", [("bound_x25519_keygen", 2), ("bound_x25519_dh", 4)]),
    ("megolm_encrypt_100B", "Megolm encrypt 100 B", [("bound_ed25519_sign_100B", 1), ("bound_hkdf_sha256_80", 1), ("bound_aes256cbc_100B", 1)]),
    ("megolm_encrypt_4KiB", "Megolm encrypt 4 KiB", [("bound_ed25519_sign_100B", 1), ("bound_hkdf_sha256_80", 1), ("bound_aes256cbc_4KiB", 1)]),
    ("megolm_decrypt_100B", "Megolm decrypt 100 B", [("bound_ed25519_verify_100B", 1), ("bound_hkdf_sha256_80", 1), ("bound_aes256cbc_100B", 1)]),
    ("megolm_decrypt_4KiB", "Megolm decrypt 4 KiB", [("bound_ed25519_verify_100B", 1), ("bound_hkdf_sha256_80", 1), ("bound_aes256cbc_4KiB", 1)]),
    ("megolm_new_inbound_decrypt_at_2_20", "Inbound session + decrypt at 2^20", [("bound_ed25519_verify_100B", 2), ("bound_hmac_sha256_32B_key", 20)]),
    ("megolm_advance_to_2_31-1", "advance_to 2^31-1", [("bound_hmac_sha256_32B_key", 1022)]),
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


def main():
    lines = []
    chart = []
    for group, label, bound in rows():
        p = median_ns(group, "protee")
        v = median_ns(group, "vodozemac")
        if p is None:
            continue
        parts = [(name, n, median_ns(name, "")) for name, n in bound]
        total = sum(n * (m or 0) for _, n, m in parts) if parts and all(m is not None for _, _, m in parts) else None
        r = ratio(group) if v else None
        speedup = "%.2f×" % r if r else "—"
        to_bound = "%.2f×" % (p / total) if total else "—"
        bound_text = " + ".join("%d × %s" % (n, name.replace("bound_", "")) for name, n, _ in parts) or "—"
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (label, fmt(p), fmt(v), speedup, fmt(total), to_bound, bound_text))
        if r:
            chart.append((label, r))

    faster = [label for label, r in chart if r > 1]
    slower = [(label, r) for label, r in chart if r <= 1]
    summary = "protee's median is lower than vodozemac's on %d of the %d rows measured for both" % (len(faster), len(chart))
    if slower:
        summary += "; not lower on: " + ", ".join("%s (%.2f×)" % (label, r) for label, r in slower)
    summary += "."
    prim = [g for g in criterion_groups() if g.startswith("bound_")]
    machine = open(os.path.join(ROOT, "benches", "machine.txt")).read().strip() if os.path.exists(os.path.join(ROOT, "benches", "machine.txt")) else "unknown"
    alloc = open(os.path.join(ROOT, "benches", "allocations.md")).read().strip() if os.path.exists(os.path.join(ROOT, "benches", "allocations.md")) else "(not measured)"
    out = [
        "# Benchmarks: protee vs vodozemac",
        "",
        "Generated by `bash benches/run.sh` (%d passes; each figure is the median over the passes of" % len(passes()),
        "criterion's median, and each ratio the median of the per-pass ratios; both libraries in the same run;",
        "vodozemac %s as a dev-dependency). Do not edit by hand." % os.environ.get("VODOZEMAC_VERSION", "0.11"),
        "",
        "Machine: " + machine,
        "",
        "`vodozemac / protee` above 1 means protee is faster. `bound` is the sum of the primitives",
        "the operation cannot avoid (measured alone in the same run, `benches/primitives.rs`);",
        "`protee / bound` is how far protee is from it. The X25519 primitive is measured the fastest",
        "way the dalek crates allow (`x25519_dh`: Edwards form; `x25519_dh_ladder`, the Montgomery",
        "ladder vodozemac uses, is listed for reference). protee / bound can be below 1 where protee",
        "shares work between primitives: one field inversion for several X25519 results, a peer",
        "key decoded once for two DH (spec/olm.md OLM-DH-3).",
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
