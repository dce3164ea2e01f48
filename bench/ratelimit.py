#!/usr/bin/python3
"""Rate-limit benchmark of vxswd (not a test: no thresholds).

Each case runs vxswd with one worker on vdev ports only: VM ports read a pcap
file without end (net_pcap, infinite_rx=1), so they offer as much as the worker
takes; their frames go to VM ports on net_null, which free them. Delivered rates
are read from the tx byte counters of the net_null ports over a few windows
(after a warm-up) and compared with the configured average rate. The isolation
cases run an unlimited port group next to a limited one and compare its packet
rate with the same group running alone.

Usage: ratelimit.py [--seconds S] [--windows N] [--warmup S] [--write-docs FILE]
"""
import argparse
import datetime
import os
import statistics
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "replay"))
import vxrun  # noqa: E402

BEGIN, END = "<!-- ratelimit-bench:begin -->", "<!-- ratelimit-bench:end -->"
SIZE = 1000  # frame bytes (what the meters count)


def mac(i):
    return bytes([2, 0, 0, 0, i >> 8, i & 0xff])


def mac_s(i):
    return ":".join(f"{x:02x}" for x in mac(i))


def frame(dst, src, sport):
    """An Ethernet/IPv4/UDP frame of SIZE bytes (checksums irrelevant here)."""
    udp_len = SIZE - 14 - 20
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0x4000, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    udp = struct.pack("!HHHH", sport, 2000, udp_len, 0)
    return mac(dst) + mac(src) + b"\x08\x00" + ip + udp + bytes(udp_len - 8)


def src_frames(dst, src):
    return [frame(dst, src, 1000 + i) for i in range(64)]


class Group:
    """A port group: VNI vni with sender port tx (pcap without end) and a
    net_null receiver rx; the receiver's MAC is static in the VNI."""

    def __init__(self, d, n, vni, port_limit=None, vni_limit=None, active=True):
        self.tx, self.rx, self.vni = f"vm{n}", f"sink{n}", vni
        dst, src = 100 + n, 200 + n
        leaves = {"access_vni": vni}
        if port_limit:
            leaves["rate_limit"] = port_limit
        if active:
            d.add_port(self.tx, "vm", src_frames(dst, src), infinite=True, **leaves)
        d.add_port(self.rx, "vm", kind="null", access_vni=vni)
        v = {"id": vni}
        if vni_limit:
            v["rate-limit"] = vni_limit
        if all(x["id"] != vni for x in d.vnis):
            d.vnis.append(v)
        d.static_fdb.append({"vni": vni, "mac": mac_s(dst), "port": self.rx})


def measure(d, ports, a):
    """Median tx bytes/s and packets/s of each port over the windows."""
    def snap():
        st = d.port_stats()
        return time.monotonic(), {p: (st[p]["tx-bytes"], st[p]["tx-packets"]) for p in ports}
    time.sleep(a.warmup)
    t0, s0 = snap()
    rates = {p: [] for p in ports}
    for _ in range(a.windows):
        time.sleep(a.seconds)
        t1, s1 = snap()
        for p in ports:
            rates[p].append(((s1[p][0] - s0[p][0]) / (t1 - t0), (s1[p][1] - s0[p][1]) / (t1 - t0)))
        t0, s0 = t1, s1
    return {p: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v),
                min(r[0] for r in v), max(r[0] for r in v)) for p, v in rates.items()}


def run(name, build, a):
    d = vxrun.Vxswd(f"rl-{name}")
    d.vtep = {"local-ipv4": "192.0.2.1"}
    try:
        groups = build(d)
        d.start()
        m = measure(d, [g.rx for g in groups], a)
        extra = {"limits": {p["name"]: p for p in d.show("limits").get("port-limit", [])},
                 "segments": d.segments_state(), "drops": d.drops()}
        rc = d.stop()
        if rc != 0:
            raise vxrun.DaemonError(f"vxswd exit {rc}\n{d.log_tail()}")
        return m, extra
    finally:
        d.cleanup()


def kbit(bps):
    return bps * 8 / 1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--windows", type=int, default=3)
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--write-docs")
    ap.add_argument("--cmdline", default="bench/ratelimit.sh")
    a = ap.parse_args()
    t_start = time.monotonic()
    rows, iso = [], []

    # Bursts of 20 ms at the average rate: the worker shares 2 CPUs with everything
    # else, and tokens that arrive while it is descheduled beyond a full bucket are lost.
    def burst(kbps):
        return max(65536, kbps * 125 // 50)

    limit_cases = [
        ("port 10 Mbit/s", "port", {"average-rate": 10000, "burst-size": burst(10000)}, 10000),
        ("port 100 Mbit/s", "port", {"average-rate": 100000, "burst-size": burst(100000)},
         100000),
        ("port 1 Gbit/s", "port", {"average-rate": 1000000, "burst-size": burst(1000000)},
         1000000),
        ("port 1 Gbit/s, 64 KiB burst", "port", {"average-rate": 1000000}, 1000000),
        ("port 1 Gbit/s, peak 2 Gbit/s (peak bucket 20 ms)", "port",
         {"average-rate": 1000000, "peak-rate": 2000000, "burst-size": burst(1000000),
          "peak-burst-size": burst(2000000)}, 1000000),
        ("port 1 Gbit/s, peak 2 Gbit/s (default peak bucket, 1 ms)", "port",
         {"average-rate": 1000000, "peak-rate": 2000000, "burst-size": burst(1000000)},
         1000000),
        ("VNI 500 Mbit/s, 2 ports", "vni", {"average-rate": 500000, "burst-size": burst(500000)},
         500000),
    ]
    for label, where, lim, want in limit_cases:
        def build(d, where=where, lim=lim):
            if where == "port":
                return [Group(d, 1, 100, port_limit=lim)]
            g1 = Group(d, 1, 100, vni_limit=lim)
            Group(d, 2, 100, active=True)  # a second sender into the same VNI
            d.static_fdb = [e for e in d.static_fdb if e["port"] != "sink2"]
            d.ports = [p for p in d.ports if p["name"] != "sink2"]
            # both senders go to sink1: rewrite vm2's frames to sink1's MAC
            d.port("vm2")["inputs"] = src_frames(101, 202)
            return [g1]
        m, ex = run(f"{where}{len(rows)}", build, a)
        bps, pps, lo, hi = m["sink1"]
        got = kbit(bps)
        rows.append((label, want, got, kbit(lo), kbit(hi), (got - want) / want * 100))
        print(f"{label:56} configured {want / 1000:8.1f} Mbit/s  delivered {got / 1000:8.1f} "
              f"Mbit/s  ({(got - want) / want * 100:+.2f} %)", flush=True)

    def alone(d):
        return [Group(d, 2, 200)]

    def with_limited(d):
        return [Group(d, 1, 100, vni_limit={"average-rate": 100000, "burst-size": 262144}),
                Group(d, 2, 200)]

    def with_unlimited(d):
        return [Group(d, 1, 100), Group(d, 2, 200)]

    for label, build in (("unlimited group alone", alone),
                         ("next to a group limited to 100 Mbit/s", with_limited),
                         ("next to an unlimited group", with_unlimited)):
        m, _ = run(f"iso{len(iso)}", build, a)
        bps, pps, lo, hi = m["sink2"]
        other = m.get("sink1")
        iso.append((label, pps, kbit(bps), kbit(other[0]) if other else None))
        print(f"{label:40} unlimited group {pps / 1e6:6.3f} Mpps ({kbit(bps) / 1e6:6.2f} Gbit/s)"
              + (f", other group {kbit(other[0]) / 1e3:8.1f} Mbit/s" if other else ""), flush=True)

    elapsed = time.monotonic() - t_start
    if a.write_docs:
        write_docs(a.write_docs, report(rows, iso, a, elapsed))


def report(rows, iso, a, elapsed):
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    try:
        commit = subprocess.run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    lines = [BEGIN, "### Rate limits (bench/ratelimit.sh)", "",
             f"Run {now}; command `{a.cmdline}` ({elapsed:.0f} s); vxsw {commit}; one worker; "
             f"VM ports read a pcap of {SIZE}-byte frames without end (net_pcap infinite_rx) and "
             f"send to net_null VM ports; rates from the sinks' tx byte counters, median of "
             f"{a.windows} windows of {a.seconds:g} s after {a.warmup:g} s warm-up, on the same "
             f"2 shared CPUs as everything else. Frame bytes as received are what the meters "
             f"count (no preamble, FCS or gap). Burst sizes are 20 ms of the average rate (64 KiB "
             f"at least) unless the row says otherwise: the worker shares the CPUs, and tokens "
             f"that arrive while it is off the CPU beyond a full bucket are lost, which a small "
             f"bucket shows as a rate below the limit (the 64 KiB row, and the default peak "
             f"bucket of 1 ms at the peak rate).", "",
             "**Delivered rate against the configured average rate** (offered load: as much as "
             "the worker reads, several Gbit/s)", "",
             "| limit | configured Mbit/s | delivered Mbit/s (median) | min..max | error |",
             "|---|---|---|---|---|"]
    for label, want, got, lo, hi, err in rows:
        lines.append(f"| {label} | {want / 1000:.1f} | {got / 1000:.1f} | "
                     f"{lo / 1000:.1f}..{hi / 1000:.1f} | {err:+.2f} % |")
    lines += ["", "**A limited port group does not slow an unlimited one** (two VNIs, one "
              "sender each, the same worker)", "",
              "| unlimited group (VNI 200) | Mpps | Gbit/s | the other group (VNI 100) Mbit/s |",
              "|---|---|---|---|"]
    for label, pps, kb, other in iso:
        lines.append(f"| {label} | {pps / 1e6:.3f} | {kb / 1e6:.2f} | "
                     f"{'-' if other is None else f'{other / 1e3:.1f}'} |")
    lines += ["", "The worker is CPU-bound in these runs: every sender offers as much as the worker "
              "reads, so a busy neighbour costs the unlimited group the worker time spent "
              "receiving the neighbour's frames. A limited neighbour costs less than an unlimited "
              "one (its excess is dropped by the meter right after classification, before FDB "
              "lookups and transmit), and no limit is ever applied to the unlimited group's own "
              "frames: meters are per port and per port group, per worker, with no shared queue "
              "or lock. With a neighbour that offers only a little above its limit, the cost "
              "shrinks to that excess."]
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_docs(path, text):
    old = open(path).read() if os.path.exists(path) else "# Performance\n"
    if BEGIN in old and END in old:
        a, b = old.index(BEGIN), old.index(END) + len(END)
        new = old[:a] + text.rstrip("\n") + old[b:]
    else:
        new = old.rstrip("\n") + "\n\n" + text
    with open(path, "w") as f:
        f.write(new)


if __name__ == "__main__":
    sys.exit(main())
