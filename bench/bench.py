#!/usr/bin/python3
"""Replay benchmark of vxswd: one worker lcore, pcap in, net_null out.

For each flow set (1 flow; 1k flows = 100 local VM MACs x 10 remote MACs) and
direction (encap: VM port in -> uplink out; decap: uplink in -> VM port out),
runs vxswd with the input port `net_pcap,rx_pcap=F,infinite_rx=1` and the
output port `net_null,no-rx=1`, and reads tx packet rates from
`vxswctl show ports --json` deltas over measured windows, together with the
CPU time the worker thread got in each window (/proc/PID/task/TID/stat).
Windows where the worker got less than 95 % of a core are flagged and left
out of the median. Not a test: no thresholds.

Usage: bench.py [--smoke] [--seconds S] [--windows N] [--warmup S] [--write-docs FILE]
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(REPO, "tests", "replay"))
import vxrun  # noqa: E402

LOCAL4 = bytes([192, 0, 2, 1])
PKTS = 4096                 # per pcap: small pcaps starve net_pcap's bursts
INNER_LEN = 64              # inner frame; 114 bytes once encapsulated (IPv4)
VNI = 100
SHARE_MIN = 0.95
CLK_TCK = os.sysconf("SC_CLK_TCK")
SECTION = "## Replay benchmark: first figures"


# ---- deterministic frames (built by hand: no scapy needed here) ----

def csum16(data):
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return 0xffff - s


def ipv4(src, dst, payload, ttl=64, df=True):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0x4000 if df else 0,
                      ttl, 17, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum16(hdr)) + hdr[12:]
    return hdr + payload


def local_mac(i):
    return bytes([0x02, 0x00, 0x00, 0x10, i >> 8, i & 0xff])


def remote_mac(j):
    return bytes([0x02, 0x00, 0x00, 0x20, j >> 8, j & 0xff])


def vtep_ip(j):
    return bytes([192, 0, 2, 10 + j])


def nh_mac(j):
    return bytes([0x02, 0x00, 0x00, 0xaa, 0x01, j])


def inner_frame(dst, src, sip, dip, sport, dport):
    udp_len = INNER_LEN - 14 - 20
    payload = struct.pack("!HHHH", sport, dport, udp_len, 0) + bytes(udp_len - 8)
    return dst + src + b"\x08\x00" + ipv4(sip, dip, payload)


def flow(f, n_local):
    """Flow f: local VM i, remote VM j."""
    return f % n_local, f // n_local


def encap_frames(n_local, n_remote):
    out = []
    for k in range(PKTS):
        i, j = flow(k % (n_local * n_remote), n_local)
        out.append(inner_frame(remote_mac(j), local_mac(i), bytes([10, 0, i >> 8, i & 0xff]),
                               bytes([10, 1, j >> 8, j & 0xff]), 1024 + i, 2048 + j))
    return out


def decap_frames(n_local, n_remote, uplink_mac):
    out = []
    for k in range(PKTS):
        f = k % (n_local * n_remote)
        i, j = flow(f, n_local)
        inner = inner_frame(local_mac(i), remote_mac(j), bytes([10, 1, j >> 8, j & 0xff]),
                            bytes([10, 0, i >> 8, i & 0xff]), 2048 + j, 1024 + i)
        vx = bytes([0x08, 0, 0, 0]) + VNI.to_bytes(3, "big") + b"\x00"
        sport = 49152 + (f * 37) % 16384
        udp = struct.pack("!HHHH", sport, 4789, 8 + len(vx) + len(inner), 0) + vx + inner
        out.append(uplink_mac + nh_mac(j) + b"\x08\x00" + ipv4(vtep_ip(j), LOCAL4, udp))
    return out


# ---- machine facts ----

def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def tsc_hz():
    """TSC rate: /proc/cpuinfo 'cpu MHz' on a CPU whose TSC runs at a known,
    constant frequency (flags constant_tsc/tsc_known_freq); else None."""
    mhz, flags = None, ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("cpu MHz") and mhz is None:
                mhz = float(line.split(":", 1)[1])
            elif line.startswith("flags") and not flags:
                flags = line
    if mhz and "constant_tsc" in flags and "tsc_known_freq" in flags:
        return mhz * 1e6
    return None


def dpdk_version():
    for cmd in (["pkg-config", "--modversion", "libdpdk"],
                ["dpkg-query", "-W", "-f=${Version}", "dpdk"]):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            if r.returncode == 0 and r.stdout.strip():
                return r.stdout.strip()
        except OSError:
            pass
    return "unknown"


def binary_id():
    """sha256 (12 hex digits) and mtime of the vxswd binary a case starts."""
    import hashlib
    with open(vxrun.VXSWD, "rb") as f:
        h = hashlib.sha256(f.read()).hexdigest()[:12]
    t = datetime.datetime.fromtimestamp(os.path.getmtime(vxrun.VXSWD))
    return f"sha256 {h}, built {t:%Y-%m-%d %H:%M:%S} (copied out of build/ for the run)" \
        if os.environ.get("VXSWD") else f"sha256 {h}, built {t:%Y-%m-%d %H:%M:%S}"


def binaries(rows):
    ids = sorted({r["binary"] for r, _ in rows})
    if len(ids) == 1:
        return ids[0]
    return ("CHANGED DURING THE RUN (rebuilt by someone): " +
            "; ".join(f"{r['set']} {r['direction']}: {r['binary']}" for r, _ in rows))


def git_commit():
    r = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return "none (no commit yet; working tree)"
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return r.stdout.strip() + (" + uncommitted changes" if dirty else "")


# ---- worker thread CPU time ----

def worker_tid(pid):
    """The thread of the (only) DPDK worker lcore: named lcore-worker-N or rte-worker-N."""
    for tid in sorted(os.listdir(f"/proc/{pid}/task"), key=int):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if "worker" in comm:
            return int(tid), comm
    return None, None


def thread_cpu(pid, tid):
    """(utime+stime in seconds, CPU it last ran on)."""
    with open(f"/proc/{pid}/task/{tid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    # rest[0] is field 3 (state); utime = field 14, stime = 15, processor = 39
    return (int(rest[11]) + int(rest[12])) / CLK_TCK, int(rest[36])


def cpu_steal(cpu):
    """Steal time of one CPU in seconds (/proc/stat: time the hypervisor ran
    something else while this vCPU wanted to run)."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"cpu{cpu} "):
                return int(line.split()[8]) / CLK_TCK
    return 0.0


def thread_affinity(pid, tid):
    try:
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                if line.startswith("Cpus_allowed_list"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


# ---- one measured case ----

def run_case(set_name, n_local, n_remote, direction, a, log):
    d = vxrun.Vxswd(f"bench-{set_name}-{direction}")
    binary = binary_id()
    try:
        d.vtep = {"local-ipv4": "192.0.2.1"}
        in_port, out_port = ("vm1", "up0") if direction == "encap" else ("up0", "vm1")
        if direction == "encap":
            d.add_port("vm1", "vm", encap_frames(n_local, n_remote), infinite=True,
                       access_vni=VNI)
            d.add_port("up0", "uplink", kind="null")
        else:
            d.add_port("vm1", "vm", kind="null", access_vni=VNI)
            # The uplink is the first net_pcap device: MAC 02:70:63:61:70:00.
            d.add_port("up0", "uplink",
                       decap_frames(n_local, n_remote, bytes([2, 0x70, 0x63, 0x61, 0x70, 0])),
                       infinite=True)
        d.vnis = [{"id": VNI}]
        d.nexthops = [{"vtep": ".".join(map(str, vtep_ip(j))), "mac": vxrun_mac(nh_mac(j))}
                      for j in range(n_remote)]
        d.static_fdb = ([{"vni": VNI, "mac": vxrun_mac(local_mac(i)), "port": "vm1"}
                         for i in range(n_local)] +
                        [{"vni": VNI, "mac": vxrun_mac(remote_mac(j)),
                          "remote-vtep": ".".join(map(str, vtep_ip(j)))}
                         for j in range(n_remote)])
        d.start()
        tid, comm = worker_tid(d.proc.pid)
        if tid is None:
            raise vxrun.DaemonError("no worker thread found")
        worker = f"{comm} (pinned to CPU {thread_affinity(d.proc.pid, tid)})"
        time.sleep(a.warmup)
        windows = []
        prev = sample(d, tid, in_port, out_port)
        # Up to max_windows windows, until `windows` of them had the worker on a
        # CPU at least SHARE_MIN of the time (the host is shared).
        while len(windows) < a.max_windows and \
                sum(w["share"] >= SHARE_MIN for w in windows) < a.windows:
            time.sleep(a.seconds)
            cur = sample(d, tid, in_port, out_port)
            dt = cur["t"] - prev["t"]
            w = {
                "seconds": dt,
                "tx_pps": (cur["tx"] - prev["tx"]) / dt,
                "rx_pps": (cur["rx"] - prev["rx"]) / dt,
                "drops": cur["drops"] - prev["drops"],
                "share": (cur["cpu"] - prev["cpu"]) / dt,
                "cpu_last": cur["cpu_on"],
                "steal": (cur["steal"] - prev["steal"]) / dt,
            }
            windows.append(w)
            prev = cur
        stats = d.port_stats()
        vni = d.vni_stats().get(VNI, {})
        rc = d.stop()
        if rc != 0:
            raise vxrun.DaemonError(f"vxswd exit status {rc}\n{d.log_tail()}")
        return {"set": set_name, "direction": direction, "windows": windows,
                "worker": worker,
                "final_ports": stats, "vni": vni, "in": in_port, "out": out_port,
                "binary": binary}
    finally:
        d.cleanup()


def vxrun_mac(b):
    return ":".join(f"{x:02x}" for x in b)


def sample(d, tid, in_port, out_port):
    ports = d.port_stats()
    cpu, on = thread_cpu(d.proc.pid, tid)
    drops = sum(d.drops().values())
    return {"t": time.monotonic(), "tx": ports[out_port]["tx-packets"],
            "rx": ports[in_port]["rx-packets"], "cpu": cpu, "cpu_on": on, "drops": drops,
            "steal": cpu_steal(on)}


def summarize(r, hz):
    ws = r["windows"]
    good = [w for w in ws if w["share"] >= SHARE_MIN]
    use = good or ws
    mpps = statistics.median(w["tx_pps"] for w in use) / 1e6
    share = statistics.median(w["share"] for w in use)
    cyc = hz * min(share, 1.0) / (mpps * 1e6) if hz and mpps > 0 else None
    return {
        "mpps": mpps,
        "min": min(w["tx_pps"] for w in use) / 1e6,
        "max": max(w["tx_pps"] for w in use) / 1e6,
        "share": share,
        "cycles": cyc,
        "kept": len(good),
        "total": len(ws),
        "low": [round(w["share"], 3) for w in ws if w["share"] < SHARE_MIN],
        "drops": sum(w["drops"] for w in ws),
        "rx_tx_gap": max(abs(w["rx_pps"] - w["tx_pps"]) / max(w["rx_pps"], 1) for w in ws),
        "path": path_check(r),
        "steal": max(w["steal"] for w in use),
    }


def path_check(r):
    """Did the frames take the intended path (unicast encap/decap, no flooding)?"""
    v, p = r["vni"], r["final_ports"]
    done = v.get("encap-packets" if r["direction"] == "encap" else "decap-packets", 0)
    tx = p[r["out"]]["tx-packets"]
    rx = p[r["in"]]["rx-packets"]
    problems = []
    if v.get("flood-packets", 0):
        problems.append(f"{v.get('flood-packets')} flooded")
    if not done or abs(done - tx) > 0.02 * tx:  # counters read ms apart under load
        problems.append(f"{r['direction']} {done} vs tx {tx}")
    if abs(rx - tx) > 0.02 * rx:
        problems.append(f"rx {rx} vs tx {tx}")
    return "ok" if not problems else "; ".join(problems)


def table(rows):
    head = ("set", "direction", "Mpps (median)", "min..max", "cycles/pkt", "worker CPU",
            "max steal", "windows >= 0.95")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r, s in rows:
        cyc = f"{s['cycles']:.0f}" if s["cycles"] else "n/a"
        flag = "" if s["kept"] == s["total"] else f" (low: {', '.join(map(str, s['low']))})"
        lines.append(f"| {r['set']} | {r['direction']} | {s['mpps']:.2f} | "
                     f"{s['min']:.2f}..{s['max']:.2f} | {cyc} | {s['share']:.3f} | {s['steal']:.3f} | "
                     f"{s['kept']}/{s['total']}{flag} |")
    return "\n".join(lines)


def write_docs(path, text):
    old = ""
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
    if SECTION in old:
        a = old.index(SECTION)
        b = old.find("\n## ", a + len(SECTION))
        new = old[:a] + text + ("" if b < 0 else old[b:])
    elif old:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        new = "# Performance\n\n" + text
    with open(path, "w") as f:
        f.write(new)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="~1 s per case, no docs")
    ap.add_argument("--seconds", type=float, default=3.0, help="window length")
    ap.add_argument("--windows", type=int, default=5,
                    help="windows wanted with worker CPU >= 0.95")
    ap.add_argument("--max-windows", type=int, default=0,
                    help="give up after this many windows (default 4 x --windows)")
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--write-docs", metavar="FILE", help="write the results section here")
    ap.add_argument("--memory", default="", help="how memory was set up (for the report)")
    ap.add_argument("--cmdline", default="", help="the command line (for the report)")
    a = ap.parse_args()
    if a.smoke:
        a.seconds, a.windows, a.max_windows, a.warmup, a.write_docs = 1.0, 1, 1, 0.3, None
    a.max_windows = a.max_windows or 4 * a.windows
    for exe in (vxrun.VXSWD, vxrun.VXSWCTL):
        if not os.access(exe, os.X_OK):
            print(f"bench: {exe} not built (scripts/build.sh)", file=sys.stderr)
            return 1
    # Keep this script, vxswctl and the control thread off the worker's core
    # (EAL pins lcore 0 = main to CPU 0 and lcore 1 = the worker to CPU 1).
    try:
        os.sched_setaffinity(0, {0})
    except OSError:
        pass
    hz = tsc_hz()
    mem = a.memory or ("2 MiB hugepages (--in-memory)" if vxrun.hugepages_free() >= 512
                       else "--no-huge -m 1024 (no hugepages)")
    t0 = time.monotonic()
    rows = []
    for set_name, n_local, n_remote in (("1 flow", 1, 1), ("1k flows (100 x 10)", 100, 10)):
        for direction in ("encap", "decap"):
            r = run_case(set_name, n_local, n_remote, direction, a, None)
            s = summarize(r, hz)
            rows.append((r, s))
            print(f"{set_name:22} {direction:6} {s['mpps']:7.2f} Mpps  "
                  f"{(s['cycles'] or 0):6.0f} cycles/pkt  worker CPU {s['share']:.3f}  "
                  f"windows kept {s['kept']}/{s['total']}  steal {s['steal']:.3f}  drops {s['drops']}  "
                  f"path {s['path']}",
                  flush=True)
            if s["kept"] < s["total"]:
                print(f"    windows with worker CPU < {SHARE_MIN}: {s['low']}", flush=True)
    elapsed = time.monotonic() - t0
    print()
    print(table(rows))
    tsc = f"TSC {hz / 1e9:.2f} GHz" if hz else "TSC rate unknown"
    print(f"vxswd: {binaries(rows)}")
    print(f"\n{len(rows)} cases in {elapsed:.0f} s; memory: {mem}; {tsc}")
    if a.write_docs:
        write_docs(a.write_docs, report(rows, hz, mem, a, elapsed))
        print(f"wrote {a.write_docs}")
    return 0


def report(rows, hz, mem, a, elapsed):
    uname = platform.uname()
    date = datetime.date.today().isoformat()
    w0 = rows[0][0]["worker"] if rows else "?"
    return f"""{SECTION}

The first figures of `bench/run.sh`: vxswd forwarding with one worker lcore, fed from a
pcap file replayed without end by `net_pcap` (`rx_pcap=F,infinite_rx=1`) and sending into
`net_null,no-rx=1`, which frees every packet. Inner frames are 64 bytes (114 bytes with the
IPv4 VXLAN header); every pcap holds {PKTS} packets. All FDB entries are static (local VM
MACs on the VM port, remote MACs on their VTEPs, next hops from the config), so the hot path
does lookups only, no learning or refresh writes.

Rates are the transmit counters of `vxswctl show ports --json` over windows of
{a.seconds:g} s after {a.warmup:g} s of warm-up, taken until {a.windows} windows had the
worker thread on a CPU at least {SHARE_MIN} of the time (from `/proc/PID/task/TID/stat`;
at most {a.max_windows} windows). The median is over those windows; the last column counts
them and lists the CPU shares of the windows left out. Cycles per packet = TSC rate x
worker CPU share / packet rate. "max steal" is the largest share of a window the hypervisor
took from the worker's vCPU (`/proc/stat` steal time; this machine is a KVM guest), which
the worker's own CPU time does not show.

The input side costs the worker too (net_pcap copies every packet into a fresh mbuf), so
these are figures for vxswd plus its replay harness, not for vxswd alone. They are noisy
absolute numbers from a small shared VM (min..max shows the spread between windows):
compare them only with figures from the same run; nothing else was measured here.

- encap: VM port in (inner frames to remote MACs), uplink out (VXLAN over IPv4).
- decap: uplink in (VXLAN to the local VTEP, VNI {VNI}), VM port out.
- 1 flow: one local and one remote MAC. 1k flows: 100 local VM MACs x 10 remote MACs (each
  remote MAC behind its own VTEP), every pair one flow (distinct addresses and ports).

{table(rows)}

Machine and run:
- {os.cpu_count()} CPUs (`nproc`), {cpu_model()}, TSC {f'{hz / 1e9:.2f} GHz (cpu MHz from /proc/cpuinfo, constant TSC)' if hz else 'rate unknown'}
- Linux {uname.release}, {date}
- DPDK {dpdk_version()}; memory: {mem}
- vxsw commit: {git_commit()}; vxswd {binaries(rows)}
  (`scripts/build.sh`, meson buildtype debugoptimized)
- EAL lcores `-l 0-1` (vxswd's default for one worker): main lcore and control thread on CPU 0
  with the benchmark script and vxswctl, the worker alone on CPU 1; worker thread {w0}
- command: `{a.cmdline or 'bench/run.sh'}` ({elapsed:.0f} s)
"""


if __name__ == "__main__":
    sys.exit(main())
