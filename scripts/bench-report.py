#!/usr/bin/env python3
"""Turns the JSON lines of the bench drivers into bench/results/latest.{md,json,png}, or checks the
performance targets (issue 3 part 2, issue 12 part 2) against a latest.json (`make bench-check`). Standard library only; the plot
is drawn by gnuplot (scripts/install-bench-deps.sh).

  bench-report.py report --out DIR --machine machine.json rows.jsonl...
  bench-report.py check DIR/latest.json
"""
import json
import os
import subprocess
import sys
import tempfile

SIZES = [16, 4 << 10, 64 << 10, 1 << 20]
BASELINE = "raw cgo"


def size_label(n):
    if n >= 1 << 20:
        return f"{n >> 20} MiB"
    if n >= 1 << 10:
        return f"{n >> 10} KiB"
    return f"{n} B"


def load(paths):
    rows = []
    for p in paths:
        with open(p) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    rows.append(json.loads(line))
    return rows


def add_ratios(rows):
    """sync rows: ratio to the raw cgo row of the same direction and payload row. gRPC rows: how many
    times the cxx2go sync p50 of the same call is lower."""
    raw = {(r["direction"], r["row"]): r["ns_per_call"] for r in rows
           if r["kind"] == "sync" and r["mechanism"] == BASELINE}
    lat = {r["direction"]: r["p50_ns"] for r in rows
           if r["kind"] == "latency" and r["mechanism"] == "cxx2go sync"}
    for r in rows:
        if r["kind"] == "sync" and r["mechanism"] != BASELINE and (r["direction"], r["row"]) in raw:
            r["baseline"] = BASELINE
            r["ratio"] = r["ns_per_call"] / raw[(r["direction"], r["row"])]
        if r["kind"] == "latency" and r["mechanism"].startswith("gRPC") and r["direction"] in lat:
            r["baseline"] = "cxx2go sync p50"
            r["ratio"] = r["p50_ns"] / lat[r["direction"]]


def fmt_ns(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e4:
        return f"{ns / 1e3:.1f} µs"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def fmt_allocs(r, key):
    return f"{r[key]:.2f}" if key in r else "—"


def costs(r):
    """The per-call cost columns: CPU time of the process, Go heap objects, C++ operator new calls."""
    cpu = fmt_ns(r["cpu_ns_per_call"]) if "cpu_ns_per_call" in r else "—"
    return f"{cpu} | {fmt_allocs(r, 'go_allocs_per_call')} | {fmt_allocs(r, 'cpp_allocs_per_call')}"


def spread(r):
    reps = r.get("reps_ns") or []
    if len(reps) < 2:
        return ""
    return f"{fmt_ns(min(reps))} – {fmt_ns(max(reps))}"


def markdown(rows, machine):
    out = []
    out.append("# cxx2go benchmark results\n")
    out.append(f"Measured {machine.get('date', '?')} on **{machine.get('cpu', '?')}**, {machine.get('nproc', '?')} "
               f"vCPUs ({machine.get('kernel', '?')}); {machine.get('go', '?')}; {machine.get('gxx', '?')}; "
               f"commit {machine.get('commit', '?')}. Sync rows: median of {machine.get('reps', '?')} repetitions "
               "(the range is min – max); the machine is shared and noisy.\n")
    dirs = [("cpp->go", "C++ → Go"), ("go->cpp", "Go → C++")]
    for d, title in dirs:
        sync = [r for r in rows if r["direction"] == d and r["kind"] == "sync"]
        if not sync:
            continue
        out.append(f"\n## {title}, synchronous (ns per call)\n")
        out.append("| row | mechanism | ns/call (median) | range | ratio to raw cgo | CPU per call | Go allocs "
                   "per call | C++ allocs per call |")
        out.append("|---|---|---:|---|---:|---:|---:|---:|")
        for r in sync:
            ratio = f"{r['ratio']:.2f}×" if "ratio" in r else ("1.00× (baseline)" if r["mechanism"] == BASELINE else "—")
            out.append(f"| {r['row']} | {r['mechanism']} | {fmt_ns(r['ns_per_call'])} | {spread(r)} | {ratio} | "
                       f"{costs(r)} |")
    other = [r for r in rows if r["kind"] in ("async", "latency")]
    if other:
        out.append("\n## Latency and throughput (calls in flight)\n")
        out.append("| direction | row | mechanism | calls/s | p50 | p99 | CPU per call | Go allocs per call | "
                   "C++ allocs per call | ratio |")
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in other:
            dn = dict(dirs).get(r["direction"], r["direction"])
            ratio = f"{r['ratio']:.0f}× slower than cxx2go sync p50" if "ratio" in r else "—"
            out.append(f"| {dn} | {r['row']} | {r['mechanism']} | {r['calls_per_s']:,.0f} | {fmt_ns(r['p50_ns'])} | "
                       f"{fmt_ns(r['p99_ns'])} | {costs(r)} | {ratio} |")
    out.append("\n## Targets (issue 3 part 2, issue 12 part 2)\n")
    for ok, text in check(rows):
        out.append(f"- **{ok}** {text}")
    out.append("")
    return "\n".join(out)


def find(rows, direction, row, mech, kind="sync"):
    for r in rows:
        if r["direction"] == direction and r["row"] == row and r["mechanism"] == mech and r["kind"] == kind:
            return r
    return None


def check(rows):
    res = []
    # 1. sync overhead <= 1.10x raw cgo, for methods the schema binds directly (@direct, issue 12); the other
    # synchronous mechanisms for comparison
    for d, mech, name in (("cpp->go", "cxx2go @direct", "C++ → Go (@direct)"),
                          ("go->cpp", "cxx2go @direct", "Go → C++ (@direct)")):
        for row in ("empty", "small struct"):
            res.append(ratio_target(f"sync overhead {name}, {row}, vs raw cgo", find(rows, d, row, mech),
                                    find(rows, d, row, BASELINE), "ns_per_call", fmt_ns, at_most=1.10))
    for d, mech, name in (("cpp->go", "cxx2go", "C++ → Go"), ("go->cpp", "cxx2go @inline", "Go → C++ (@inline)")):
        for row in ("empty", "small struct"):
            r, b = find(rows, d, row, mech), find(rows, d, row, BASELINE)
            if r and b:
                res.append(("INFO", f"sync overhead {name}, {row}: {fmt_ns(r['ns_per_call'])} vs raw cgo "
                            f"{fmt_ns(b['ns_per_call'])} = {r['ns_per_call'] / b['ns_per_call']:.2f}×"))
    # 2. zero copy: 1 MiB <= 1.2x 16 B
    for d, mech, name in (("cpp->go", "cxx2go", "C++ → Go"), ("go->cpp", "cxx2go @inline", "Go → C++ (@inline)"),
                          ("go->cpp", "cxx2go executor", "Go → C++ (executor)")):
        for kind in ("string", "bytes"):
            a, b = find(rows, d, f"{kind} 16 B", mech), find(rows, d, f"{kind} 1 MiB", mech)
            if not a or not b:
                res.append(("MISSING", f"zero copy {name}, {kind}: not measured"))
                continue
            q = b["ns_per_call"] / a["ns_per_call"]
            res.append(("HOLDS" if q <= 1.2 else "FAILS",
                        f"zero copy {name}, {kind}: 1 MiB {fmt_ns(b['ns_per_call'])} vs 16 B "
                        f"{fmt_ns(a['ns_per_call'])} = {q:.2f}× (target ≤ 1.2×)"))
    # 3. >= 100x lower p50 than gRPC
    grpc = [r for r in rows if r["kind"] == "latency" and r["mechanism"].startswith("gRPC")]
    if not grpc:
        res.append(("MISSING", "≥ 100× lower p50 than gRPC over a Unix socket: gRPC not measured"))
    for g in grpc:
        c = find(rows, g["direction"], g["row"], "cxx2go sync", "latency")
        if not c:
            res.append(("MISSING", f"gRPC comparison: no cxx2go sync latency row for {g['row']}"))
            continue
        q = g["p50_ns"] / c["p50_ns"]
        res.append(("HOLDS" if q >= 100 else "FAILS",
                    f"p50 vs gRPC ({g['mechanism']}, {g['row']}): cxx2go {fmt_ns(c['p50_ns'])} vs "
                    f"{fmt_ns(g['p50_ns'])} = {q:.0f}× lower (target ≥ 100×)"))
    # 4. ring transport (docs/ring.md): the async rows of the ring runs against the same rows over cgo
    for d, cgo_mech, name in (("cpp->go", "cxx2go async (Future)", "C++ → Go"),
                              ("go->cpp", "cxx2go executor", "Go → C++")):
        cgo = find(rows, d, "small struct, 1024 in flight", cgo_mech, "async")
        rings = [r for r in rows if r["kind"] == "async" and r["direction"] == d
                 and r["mechanism"].startswith(cgo_mech + " over ring") and "under load" not in r["mechanism"]]
        if not cgo or not rings:
            res.append(("MISSING", f"ring transport {name}: not measured"))
            continue
        for mech in sorted({r["mechanism"] for r in rings}):
            r = find(rows, d, "small struct, 1024 in flight", mech, "async")
            if r:
                q = r["calls_per_s"] / cgo["calls_per_s"]
                res.append(("HOLDS" if q >= 2 else "FAILS",
                            f"ring throughput {name} ({mech}), 1,024 in flight: {r['calls_per_s']:,.0f} vs "
                            f"{cgo['calls_per_s']:,.0f} calls/s over cgo = {q:.2f}× (target ≥ 2×)"))
            one = find(rows, d, "small struct, 1 in flight", mech, "async")
            if one:
                res.append(("HOLDS" if one["p50_ns"] <= 1000 else "FAILS",
                            f"ring round trip {name} ({mech}), 1 in flight: p50 {fmt_ns(one['p50_ns'])} "
                            f"(target ≤ 1 µs; over cgo {fmt_ns(find(rows, d, 'small struct, 1 in flight', cgo_mech, 'async')['p50_ns'])})"))
    # 4b. the rings on a busy machine (bench/load beside the process): never slower than cgo
    for d, cgo_mech, name in (("cpp->go", "cxx2go async (Future)", "C++ → Go"),
                              ("go->cpp", "cxx2go executor", "Go → C++")):
        for k in (1, 1024):
            row = f"small struct, {k} in flight"
            cgo = find(rows, d, row, cgo_mech + ", under load", "async")
            ring = find(rows, d, row, cgo_mech + " over ring, spin 20 µs, under load", "async")
            if not cgo or not ring:
                res.append(("MISSING", f"ring under load {name}, {k} in flight: not measured"))
                continue
            q = ring["calls_per_s"] / cgo["calls_per_s"]
            res.append(("HOLDS" if q >= 1 else "FAILS",
                        f"ring under load {name}, {k} in flight: {ring['calls_per_s']:,.0f} vs {cgo['calls_per_s']:,.0f} "
                        f"calls/s over cgo = {q:.2f}×, p50 {fmt_ns(ring['p50_ns'])} vs {fmt_ns(cgo['p50_ns'])}, "
                        f"CPU per call {fmt_ns(ring.get('cpu_ns_per_call', 0))} vs {fmt_ns(cgo.get('cpu_ns_per_call', 0))} "
                        "(target: not slower than cgo)"))
    res += check_echo(rows)
    res += check_isolation(rows)
    # 5. noescape / nocallback
    for row in ("empty", "bytes 1 MiB"):
        r, b = find(rows, "go->cpp", row, "raw cgo noescape+nocallback"), find(rows, "go->cpp", row, BASELINE)
        if r and b:
            res.append(("INFO", f"#cgo noescape+nocallback on raw cgo ({row}): {fmt_ns(r['ns_per_call'])} vs "
                        f"{fmt_ns(b['ns_per_call'])} without; generated code does not use them "
                        "(runtime/go/cxx2go/c2gimpl/call.go: @inline implementations may call back into Go)"))
    return res


def check_isolation(rows):
    """The targets of isolated services (docs/isolation.md): bench.CppBench in a worker process."""
    iso, ring, cgo = "cxx2go executor, isolated", "cxx2go executor over ring, spin 20 µs", "cxx2go executor"
    one = "small struct, 1 in flight"
    res = [ratio_target("isolated round trip p50, 1 in flight, vs the in-process ring", find(rows, "go->cpp", one, iso, "async"),
                        find(rows, "go->cpp", one, ring, "async"), "p50_ns", fmt_ns, at_most=3.0)]
    grpc = [r for r in rows if r["kind"] == "latency" and r["mechanism"].startswith("gRPC")]
    i = find(rows, "go->cpp", one, iso, "async")
    if not grpc or not i:
        res.append(("MISSING", "isolated p50 vs gRPC over a Unix socket: not measured"))
    for g in grpc if i else []:
        q = g["p50_ns"] / i["p50_ns"]
        res.append(("HOLDS" if q >= 30 else "FAILS", f"isolated p50 vs gRPC ({g['mechanism']}, {g['row']}): "
                    f"{fmt_ns(i['p50_ns'])} vs {fmt_ns(g['p50_ns'])} = {q:.0f}× lower (target ≥ 30×)"))
    many = "small struct, 1024 in flight"
    res.append(ratio_target("isolated throughput, 1,024 in flight, vs in-process async over cgo",
                            find(rows, "go->cpp", many, iso, "async"), find(rows, "go->cpp", many, cgo, "async"),
                            "calls_per_s", calls, at_least=1.0))
    return res


# The mechanisms of the echo workload (issue 12), per direction: cxx2go's sync and async over cgo, and the
# hand-written floors.
ECHO = {"cpp->go": ("C++ → Go", "cxx2go", "cxx2go async (Future)"),
        "go->cpp": ("Go → C++", "cxx2go @inline", "cxx2go executor")}
RAW_ASYNC = "raw async cgo"


def ratio_target(label, r, b, field, show, at_most=None, at_least=None):
    """One target that is the ratio of row r's `field` to row b's: HOLDS, FAILS or MISSING, and a line."""
    if not r or not b or field not in r or field not in b:
        return ("MISSING", f"{label}: not measured")
    q = r[field] / b[field]
    holds = q <= at_most if at_most is not None else q >= at_least
    bound = f"≤ {at_most}×" if at_most is not None else f"≥ {at_least}×"
    return ("HOLDS" if holds else "FAILS", f"{label}: {show(r[field])} vs {show(b[field])} = {q:.2f}× (target {bound})")


def calls(v):
    return f"{v:,.0f} calls/s"


def check_echo(rows):
    """The targets of issue 12 part 2, each a ratio of two rows of the same run."""
    res = []
    for d, (name, sync_mech, async_mech) in ECHO.items():
        ring_mech = async_mech + " over ring, spin 20 µs"

        def async_row(k, mech):
            return find(rows, d, f"echo, {k} in flight", mech, "async")

        res.append(ratio_target(f"echo sync {name} (cxx2go @direct) vs raw cgo", find(rows, d, "echo", "cxx2go @direct"),
                                find(rows, d, "echo", BASELINE), "ns_per_call", fmt_ns, at_most=1.25))
        s, b = find(rows, d, "echo", sync_mech), find(rows, d, "echo", BASELINE)
        if s and b:
            res.append(("INFO", f"echo sync {name} ({sync_mech}): {fmt_ns(s['ns_per_call'])} vs raw cgo "
                        f"{fmt_ns(b['ns_per_call'])} = {s['ns_per_call'] / b['ns_per_call']:.2f}×"))
        for k in (64, 1024):
            res.append(ratio_target(f"echo async over cgo {name}, {k} in flight, vs raw async cgo",
                                    async_row(k, async_mech), async_row(k, RAW_ASYNC), "calls_per_s", calls,
                                    at_least=0.9))
        res.append(ratio_target(f"echo over the ring {name}, 1,024 in flight, vs raw async cgo",
                                async_row(1024, ring_mech), async_row(1024, RAW_ASYNC), "calls_per_s", calls,
                                at_least=1.5))
        res.append(ratio_target(f"echo over the ring {name}, 1 in flight, p50 vs raw async cgo",
                                async_row(1, ring_mech), async_row(1, RAW_ASYNC), "p50_ns", fmt_ns, at_most=0.2))
        res.append(ratio_target(f"echo vs small struct {name}, 1,024 in flight over cgo, CPU per call",
                                async_row(1024, async_mech),
                                find(rows, d, "small struct, 1024 in flight", async_mech, "async"), "cpu_ns_per_call",
                                fmt_ns, at_most=1.2))
    # What per-method metrics cost (issue 13 part 3): at most 3 % on the sync empty row; the async echo row
    # for information.
    for d, mech in (("cpp->go", "cxx2go"), ("cpp->go", "cxx2go @direct"), ("go->cpp", "cxx2go @inline"),
                    ("go->cpp", "cxx2go @direct")):
        res.append(ratio_target(f"metrics cost, sync empty {ECHO[d][0]} {mech}, metrics on vs off",
                                find(rows, d, "empty", mech + ", metrics on"), find(rows, d, "empty", mech),
                                "ns_per_call", fmt_ns, at_most=1.03))
    for d, (name, _, async_mech) in ECHO.items():
        on = find(rows, d, "echo, 64 in flight", async_mech + ", metrics on", "async")
        off = find(rows, d, "echo, 64 in flight", async_mech, "async")
        if on and off:
            res.append(("INFO", f"metrics cost, async echo {name}, 64 in flight: {calls(on['calls_per_s'])} with "
                        f"metrics vs {calls(off['calls_per_s'])} without = {on['calls_per_s'] / off['calls_per_s']:.2f}×"))
    # Zero C++ heap allocations per sync call for arguments that are views.
    for d, mech in (("cpp->go", "cxx2go"), ("go->cpp", "cxx2go @inline"), ("cpp->go", "cxx2go @direct"),
                    ("go->cpp", "cxx2go @direct")):
        for row in ("string 16 B", "bytes 16 B", "string 1 MiB", "bytes 1 MiB"):
            r = find(rows, d, row, mech)
            if r and "cpp_allocs_per_call" in r:
                n = r["cpp_allocs_per_call"]
                res.append(("HOLDS" if n < 0.01 else "FAILS",
                            f"C++ allocations per sync call, {ECHO[d][0]} {mech}, {row}: {n:.2f} (target 0)"))
    return res


def plot(rows, path):
    series = {}
    for r in rows:
        if r["kind"] != "sync":
            continue
        kind = r["row"].split(" ")[0]
        if kind not in ("string", "bytes") or r["payload_bytes"] not in SIZES:
            continue
        key = (r["direction"], f"{r['mechanism']} ({kind})")
        series.setdefault(key, []).append((r["payload_bytes"], r["ns_per_call"]))
    if not series:
        return
    with tempfile.TemporaryDirectory() as tmp:
        panels = []
        for d, title in (("cpp->go", "C++ → Go, sync"), ("go->cpp", "Go → C++, sync")):
            plots = []
            for i, ((dd, name), pts) in enumerate(sorted(series.items())):
                if dd != d:
                    continue
                f = os.path.join(tmp, f"s{i}.dat")
                with open(f, "w") as fh:
                    for x, y in sorted(pts):
                        fh.write(f"{x} {y}\n")
                plots.append(f"'{f}' using 1:2 with linespoints lw 2 title '{name}'")
            if plots:
                panels.append((title, plots))
        script = [
            "set terminal pngcairo noenhanced size 1400,600 font 'sans,10'",
            f"set output '{path}'",
            f"set multiplot layout 1,{len(panels)}",
            "set logscale xy",
            "set xtics ('16 B' 16, '4 KiB' 4096, '64 KiB' 65536, '1 MiB' 1048576)",
            "set xlabel 'argument size'",
            "set ylabel 'ns per call (median)'",
            "set grid",
            "set key top left",
        ]
        for title, plots in panels:
            script.append(f"set title '{title}'")
            script.append("plot " + ", ".join(plots))
        script.append("unset multiplot")
        sf = os.path.join(tmp, "plot.gp")
        with open(sf, "w") as fh:
            fh.write("\n".join(script) + "\n")
        try:
            subprocess.run(["gnuplot", sf], check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"bench-report: no plot ({e}); scripts/install-bench-deps.sh installs gnuplot", file=sys.stderr)


def summary(rows):
    """The compact table of the README: the sync rows of the targets, median ns/call per mechanism."""
    mechs = {"cpp->go": ["raw cgo", "cxx2go"],
             "go->cpp": ["raw cgo", "cxx2go @inline", "cxx2go executor", "SWIG"]}
    names = ["empty", "small struct", "string 16 B", "string 1 MiB", "bytes 16 B", "bytes 1 MiB",
             "list<string> x100", "nested struct"]
    out = ["| row | C++ → Go raw cgo | C++ → Go cxx2go | Go → C++ raw cgo | Go → C++ cxx2go @inline | "
           "Go → C++ cxx2go executor | Go → C++ SWIG |", "|---|" + "---:|" * 6]
    for n in names:
        cells = []
        for d, ms in mechs.items():
            for m in ms:
                r = find(rows, d, n, m)
                if not r:
                    cells.append("—")
                elif "ratio" in r:
                    cells.append(f"{fmt_ns(r['ns_per_call'])} ({r['ratio']:.1f}×)")
                else:
                    cells.append(fmt_ns(r["ns_per_call"]))
        out.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv):
    if len(argv) >= 3 and argv[1] == "summary":
        with open(argv[2]) as f:
            print(summary(json.load(f)["rows"]))
        return 0
    if len(argv) >= 2 and argv[1] == "check":
        with open(argv[2]) as f:
            data = json.load(f)
        m = data["machine"]
        print(f"Targets of issues 3 and 12 (part 2), from {argv[2]} ({m.get('date')}, {m.get('cpu')}, {m.get('nproc')} vCPUs):")
        for ok, text in check(data["rows"]):
            print(f"  [{ok}] {text}")
        return 0
    if len(argv) < 6 or argv[1] != "report" or argv[2] != "--out" or argv[4] != "--machine":
        print(__doc__, file=sys.stderr)
        return 2
    out, machine_path, inputs = argv[3], argv[5], argv[6:]
    with open(machine_path) as f:
        machine = json.load(f)
    rows = load(inputs)
    add_ratios(rows)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "latest.json"), "w") as f:
        json.dump({"machine": machine, "rows": rows, "targets": [{"status": s, "text": t} for s, t in check(rows)]},
                  f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(out, "latest.md"), "w") as f:
        f.write(markdown(rows, machine))
    plot(rows, os.path.join(out, "latest.png"))
    print(f"bench-report: wrote {out}/latest.md, latest.json, latest.png ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
