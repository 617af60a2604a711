#!/usr/bin/env python3
"""Prints the figures of benches/results/*.json against the targets of issue 9, as Markdown."""

import json
import os
import sys


def load(d, name):
    p = os.path.join(d, name + ".json")
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def ok(cond):
    if cond is None:
        return "n/a"
    return "met" if cond else "**missed**"


def rows(d, suffix):
    out = []
    s = load(d, "startup" + suffix)
    if s:
        out.append(("6. start-up to first 200", f"{s['first_200_ms_median']} ms (median of {s['runs']})", "< 300 ms",
                    ok(s["first_200_ms_median"] < 300)))
        out.append(("6. idle memory (RSS)", f"{s['idle_rss_mb_median']} MB", "< 30 MB", ok(s["idle_rss_mb_median"] < 30)))
    p = load(d, "pages" + suffix)
    if p:
        r = p["runs"]
        a = r["asset"]
        out.append(("1. static asset (reference)", f"{a['throughput_rps']:.0f} req/s, p50 {a['p50_ms']:.2f} ms, p99 {a['p99_ms']:.2f} ms, {a['errors']} errors, peak {a['peak_rss_mb']} MB", "", ""))
        for k, label in (("page", "1. contest page (HTML)"), ("json", "1. contest JSON")):
            x = r[k]
            ratio = x["throughput_rps"] / a["throughput_rps"]
            out.append((label, f"{x['throughput_rps']:.0f} req/s = {ratio:.2f}× asset, p50 {x['p50_ms']:.2f} ms, p99 {x['p99_ms']:.2f} ms, {x['errors']} errors, peak {x['peak_rss_mb']} MB",
                        "≥ 0.5× asset, p99 < 20 ms", ok(ratio >= 0.5 and x["p99_ms"] < 20 and x["errors"] == 0)))
        for k in ("page", "json"):
            c = p["conditional_get"][k]
            out.append((f"1. {k}: ETag / 304", f"ETag {'present' if c['etag'] else 'absent'}; If-None-Match → {c['if_none_match_status']}",
                        "ETag, 304 on match", ok(bool(c["etag"]) and c["if_none_match_status"] == 304)))
    r = load(d, "rush" + suffix)
    if r:
        # wrk never counts the answers of the requests in flight when it stops; the exact check
        # (every answer read) decides whether rows = 201s.
        if "exact_check" in r:
            r["rows_equal_201s"] = r["exact_check"]["equal"]
        out.append(("2. deadline rush (64 conns)",
                    f"{r['accepted_per_s']:.0f} accepted/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, {r['errors']} errors "
                    f"(status {r['status']}), exact check rows {'=' if r['rows_equal_201s'] else '≠'} 201s, peak {r['peak_rss_mb']} MB",
                    "≥ 1000/s, p99 < 100 ms, 0 errors, rows = 201s",
                    ok(r["accepted_per_s"] >= 1000 and r["p99_ms"] < 100 and r["errors"] == 0 and r["rows_equal_201s"])))
    j = load(d, "jury" + suffix)
    if j:
        out.append((f"3. jury (32 jurors, {j['entries']} entries)",
                    f"{j['throughput_rps']:.0f} sheets/s, p50 {j['p50_ms']:.1f} ms, p99 {j['p99_ms']:.1f} ms, {j['errors']} errors, peak {j['peak_rss_mb']} MB",
                    "p99 < 20 ms", ok(j["p99_ms"] < 20 and j["errors"] == 0)))
    w = load(d, "award" + suffix)
    if w:
        for size, x in w["runs"].items():
            target = "< 2 s, < 200 MB" if size == "10000" else "linear"
            cond = (x["status"] == 200 and x["seconds"] < 2 and x["peak_rss_mb"] < 200) if size == "10000" else None
            fig = (f"{x['seconds']:.2f} s, peak {x['peak_rss_mb']} MB (from {x['rss_before_mb']} MB)"
                   if x["status"] == 200 else f"status {x['status']} after {x['seconds']:.1f} s: {str(x.get('error'))[:80]}")
            out.append((f"4. award {int(size):,} × 10 × 5", fig, target, ok(cond) if cond is not None else ("" if x["status"] == 200 else "**failed**")))
    m = load(d, "mail" + suffix)
    if m:
        fig = (f"{m['seconds_to_all_delivered']} s ({m['messages_per_s']:.0f}/s), peak {m['peak_rss_mb']} MB"
               if m["seconds_to_all_delivered"] is not None
               else f"{m['delivered']} of {m['messages']} in {m['timed_out_after_s']} s ({m['messages_per_s']:.0f}/s)")
        out.append(("5. mail, 10,000 messages to SMTP", fig, "< 20 s",
                    ok(m["seconds_to_all_delivered"] is not None and m["seconds_to_all_delivered"] < 20)))
    return out


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results")
    for suffix, name in (("", "SQLite"), ("-postgres", "PostgreSQL")):
        rs = rows(d, suffix)
        if not rs:
            continue
        print(f"\n### {name}\n")
        print("| scenario | measured | target | |")
        print("| --- | --- | --- | --- |")
        for r in rs:
            print("| " + " | ".join(str(c) for c in r) + " |")


if __name__ == "__main__":
    main()
