#!/usr/bin/python3
"""Replay benchmark: vxswd against Open vSwitch with DPDK and a dpdk-testpmd
io-forwarding ceiling, on the same pcaps and the same forwarding core.

Engines (one at a time, each started afresh for every run):
  testpmd  dpdk-testpmd --forward-mode=io: pcap in, null out (the raw-I/O ceiling)
  ovs      ovs-vswitchd-dpdk, userspace VXLAN, NORMAL with a pre-learned FDB,
           one PMD thread
  vxswd    one worker lcore, static FDB and next hops
All on CPU 1 (testpmd's forwarding lcore, the OVS PMD, vxswd's worker); the
rest of each engine and this script on CPU 0. Input: net_pcap with
infinite_rx=1; output: net_null,no-rx=1.

Round by round (so that drift on the shared host hits all engines alike):
for every case (flow set x direction) every engine runs a warm-up and a few
windows; the order of the engines rotates from round to round. A window
counts only if the forwarding thread got >= 0.95 of a CPU in it
(/proc/PID/task/TID/stat). Before the rounds every engine forwards a sample
of each pcap once into a pcap file, and what comes out is checked (right
VTEP, next hop, VNI, headers, checksums, inner frame unchanged, nothing lost
or duplicated), so a fast wrong answer fails the run.

Then vxswd alone: two workers with RSS-like queue split (1 -> 2 cores), an
FDB of 1M learned MACs against 1k (lookup rate, memory per entry), and a
MAC flood of random sources (rate held, memory flat).

Usage: bench.py [--smoke] [--rounds N] [--windows N] [--seconds S] [--warmup S]
                [--write-docs FILE] [--plot FILE] [--only SETS] [--no-extras]
"""
import argparse
import datetime
import hashlib
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import frames as F  # noqa: E402
import engines as E  # noqa: E402
import vxrun  # noqa: E402  (tests/replay, put on the path by engines)

SHARE_MIN = 0.95
CLK_TCK = os.sysconf("SC_CLK_TCK")
BEGIN, END = "<!-- replay-bench:begin -->", "<!-- replay-bench:end -->"
OLD_SECTION = "## Replay benchmark: first figures"
ENGINE_ORDER = ("testpmd", "ovs", "vxswd")
LABEL = {"testpmd": "testpmd io", "ovs": "OVS-DPDK", "vxswd": "vxswd"}
CHECK_SAMPLE = 1024

SETS = [
    F.FlowSet("1", "1 flow", 1, 1, 4096),
    F.FlowSet("1k", "1k flows (100 x 10)", 100, 10, 4096),
    F.FlowSet("100k", "100k flows (1000 x 100)", 1000, 100, 100000),
    F.FlowSet("100k-8k", "100k set, 8192-packet sample", 1000, 100, 8192),
    F.FlowSet("imix", "IMIX 7:4:1, 1k flows", 100, 10, 4104, sizes=F.IMIX),
]


DEFAULT_SETS = ["1", "1k", "100k", "imix"]


class Case:
    def __init__(self, fs, direction, tmp):
        self.fs, self.direction = fs, direction
        self.key, self.label = fs.key, fs.label
        self.n_local, self.n_remote = fs.n_local, fs.n_remote
        self.packets = fs.packets
        self.pcap = os.path.join(tmp, f"{fs.key}-{direction}.pcap")
        self.name = f"{fs.key} {direction}"

    def write(self):
        vxrun.write_pcap(self.pcap, self.fs.frames(self.direction))

    def sample_indices(self):
        n = min(CHECK_SAMPLE, self.packets)
        idx = list(range(n))
        if self.fs.sizes and self.direction == "encap":
            # a pcap output device has MTU 1500 (vxswd honours it): the
            # 1514-byte frames are left to the counters of the measured runs
            idx = [k for k in idx if self.fs.size_of(k) + F.OUTER <= 1514]
        return idx


# ---------------------------------------------------------------- machine facts

def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def tsc_hz():
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


def git_commit():
    r = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return "none (working tree)"
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return r.stdout.strip() + (" + uncommitted changes" if dirty else "")


def binary_id(path):
    try:
        with open(path, "rb") as f:
            h = hashlib.sha256(f.read()).hexdigest()[:12]
        t = datetime.datetime.fromtimestamp(os.path.getmtime(path))
        return f"sha256 {h}, built {t:%Y-%m-%d %H:%M}"
    except OSError:
        return "missing"


def mem_total_gib():
    with open("/proc/meminfo") as f:
        return int(f.readline().split()[1]) / 2**20


# ---------------------------------------------------------------- sampling

def thread_cpu(pid, tid):
    with open(f"/proc/{pid}/task/{tid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / CLK_TCK, int(rest[36])


def affinity(pid, tid):
    try:
        with open(f"/proc/{pid}/task/{tid}/status") as f:
            for line in f:
                if line.startswith("Cpus_allowed_list"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def cpu_steal(cpu):
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"cpu{cpu} "):
                return int(line.split()[8]) / CLK_TCK
    return 0.0


def ctxt_switches(pid, tid):
    """(voluntary, involuntary) context switches of a thread: a forwarding
    thread that blocks has voluntary ones; one that others preempt, involuntary."""
    vol = inv = 0
    with open(f"/proc/{pid}/task/{tid}/status") as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches"):
                vol = int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches"):
                inv = int(line.split()[1])
    return vol, inv


def sample(run, threads):
    c = run.counters()
    cpus, on, vol, inv = [], [], 0, 0
    for pid, tid, _ in threads:
        t, cpu = thread_cpu(pid, tid)
        cpus.append(t)
        on.append(cpu)
        v, i = ctxt_switches(pid, tid)
        vol, inv = vol + v, inv + i
    return {"t": time.monotonic(), "c": c, "cpu": cpus, "on": on, "vol": vol, "inv": inv,
            "steal": [cpu_steal(x) for x in on]}


def window(prev, cur):
    dt = cur["t"] - prev["t"]
    w = {"seconds": dt,
         "tx_pps": (cur["c"]["tx"] - prev["c"]["tx"]) / dt,
         "rx_pps": (cur["c"]["rx"] - prev["c"]["rx"]) / dt,
         "shares": [(b - a) / dt for a, b in zip(prev["cpu"], cur["cpu"])],
         "steal": max([(b - a) / dt for a, b in zip(prev["steal"], cur["steal"])] or [0.0])}
    w["share"] = min(w["shares"]) if w["shares"] else 0.0
    w["vol"], w["inv"] = cur["vol"] - prev["vol"], cur["inv"] - prev["inv"]
    w["cpu_sum"] = sum(w["shares"])
    for k in ("upcalls", "emc", "megaflow", "learn_events", "learn_refused"):
        if k in cur["c"]:
            w[k] = cur["c"][k] - prev["c"][k]
    return w


def measure(run, a, warmup, log=None):
    """Warm up, then windows until a.windows of them had every forwarding
    thread on a CPU >= SHARE_MIN of the time (at most a.max_windows)."""
    threads = run.threads()
    if not threads:
        raise E.EngineError(f"{run.engine}: no forwarding thread found")
    time.sleep(warmup)
    if run.engine == "ovs":
        ovs_settle(run, a)
    ws = []
    prev = sample(run, threads)
    while len(ws) < a.max_windows and sum(w["share"] >= SHARE_MIN for w in ws) < a.windows:
        time.sleep(a.seconds)
        cur = sample(run, threads)
        ws.append(window(prev, cur))
        prev = cur
    return ws, threads


def ovs_settle(run, a):
    """OVS installs megaflows on upcalls (and raises its flow limit slowly):
    wait for two quiet intervals without upcalls."""
    deadline = time.monotonic() + a.ovs_settle
    quiet, prev = 0, run.counters()["upcalls"]
    while quiet < 2 and time.monotonic() < deadline:
        time.sleep(min(1.0, a.seconds))
        cur = run.counters()["upcalls"]
        quiet = quiet + 1 if cur == prev else 0
        prev = cur


# ---------------------------------------------------------------- the main comparison

def start(engine, case, mode, sample_frames=None, **kw):
    cls = E.ENGINES[engine]
    return cls(case, mode, sample=sample_frames, **kw)


def run_check(engine, case):
    """Forward a sample once and check the output. Returns (ok, text)."""
    idx = case.sample_indices()
    fs = case.fs
    inputs = fs.frames(case.direction, idx)
    try:
        run = start(engine, case, "check", inputs)
    except (E.EngineError, vxrun.DaemonError) as e:
        return False, f"did not start: {str(e).strip().splitlines()[0]}"
    try:
        run.wait_consumed(len(inputs))
        problems = run.stop()
        out = run.output()
    finally:
        run.cleanup()
    if problems:
        return False, problems[0].splitlines()[0]
    if engine == "testpmd":
        p = F.check_identity(inputs, out)
    elif case.direction == "encap":
        p = F.check_encap(inputs, out, fs.n_remote)
    else:
        p = F.check_decap([fs.decap_inner(k) for k in idx], out)
    if p:
        return False, "; ".join(p[:4])
    return True, f"{len(out)}/{len(inputs)} ok"


def run_measure(engine, case, a):
    t0 = time.monotonic()
    try:
        run = start(engine, case, "measure")
    except (E.EngineError, vxrun.DaemonError) as e:
        msg = str(e).strip()
        line = next((x.strip() for x in msg.splitlines() if "mbufs" in x), msg.splitlines()[0])
        return {"error": line, "detail": msg}
    res = {"binary": run.binary}
    try:
        ws, threads = measure(run, a, a.warmup)
        res["windows"] = ws
        res["threads"] = ", ".join(f"{c} (CPU {affinity(p, t)})" for p, t, c in threads)
        # every packet in came out: rates of the measured windows (OVS may drop
        # a few packets while it starts, before ofproto knows the ports)
        gap = max(abs(w["rx_pps"] - w["tx_pps"]) / max(w["rx_pps"], 1) for w in ws)
        # (counters are read a few ms apart: looser for the smoke run's short windows)
        res["path"] = [f"rx and tx rates differ by {gap * 100:.1f} %"] \
            if gap > (0.02 if a.seconds >= 1 else 0.05) else []
        if engine == "vxswd":
            res["path"] += [p for p in run.path_check() if not p.startswith("rx ")]
        if engine == "ovs":
            res["flows"] = run.flows()
    except Exception as e:  # noqa: BLE001 - reported, run goes on
        res["error"] = f"{type(e).__name__}: {e}"
        res["detail"] = run.log_tail()
    finally:
        stop_problems = run.stop()
        run.cleanup()
    if stop_problems:
        res.setdefault("path", []).extend(p.splitlines()[0] for p in stop_problems)
    res["elapsed"] = time.monotonic() - t0
    return res


def summarize(windows, hz):
    if not windows:
        return None
    good = [w for w in windows if w["share"] >= SHARE_MIN]
    use = good or windows
    mpps = statistics.median(w["tx_pps"] for w in use) / 1e6
    cpu = statistics.median(w["cpu_sum"] for w in use)
    return {"mpps": mpps, "min": min(w["tx_pps"] for w in use) / 1e6,
            "max": max(w["tx_pps"] for w in use) / 1e6,
            "cpu": cpu, "kept": len(good), "total": len(windows),
            "cycles": hz * min(cpu, len(use[0]["shares"])) / (mpps * 1e6)
            if hz and mpps > 0 else None,
            "steal": max(w["steal"] for w in use),
            "upcalls": sum(w.get("upcalls", 0) for w in use),
            "vol": sum(w.get("vol", 0) for w in windows),
            "inv": sum(w.get("inv", 0) for w in windows),
            "dropped_shares": [round(w["share"], 2) for w in windows if w["share"] < SHARE_MIN]}


# ---------------------------------------------------------------- vxswd extras

def extra_scaling(a, tmp, hz, log):
    """1 worker on one pcap vs 2 workers on two (the flows split between them
    as RSS would: a flow's packets always on the same queue)."""
    fs = F.FlowSet("1k", "1k flows", 100, 10, 8192)
    case = Case(fs, "encap", tmp)
    allf = fs.frames("encap")
    single = os.path.join(tmp, "scale-1.pcap")
    q = [os.path.join(tmp, f"scale-q{i}.pcap") for i in range(2)]
    vxrun.write_pcap(single, allf)
    vxrun.write_pcap(q[0], allf[0::2])   # k even <=> flow index even (stride 7919 is odd)
    vxrun.write_pcap(q[1], allf[1::2])
    res = {1: [], 2: []}
    err = {}
    for r in range(a.extra_rounds):
        for workers in ((1, 2) if r % 2 == 0 else (2, 1)):
            kw = dict(in_pcaps=[single]) if workers == 1 else \
                dict(in_pcaps=q, workers=2, lcores=f"0@0,1@{E.FWD_CPU},2@0")
            try:
                run = E.VxswdRun(case, "measure", **kw)
            except vxrun.DaemonError as e:
                err[workers] = str(e).splitlines()[0]
                continue
            try:
                ws, _ = measure(run, a, a.warmup)
                res[workers] += ws
                p = run.path_check()
                if p:
                    err[workers] = "; ".join(p)
            finally:
                run.stop()
                run.cleanup()
    s1, s2 = summarize(res[1], hz), summarize(res[2], hz)
    out = {"one": s1, "two": s2, "errors": err,
           "two_shares": [round(x, 3) for w in res[2] for x in w["shares"]][:12]}
    if s1 and s2:
        out["scaling"] = s2["mpps"] / s1["mpps"]
    log(f"scaling 1 -> 2 workers: {fmt(s1)} -> {fmt(s2)} Mpps"
        + (f" (x{out['scaling']:.2f})" if "scaling" in out else "") + (f" {err}" if err else ""))
    return out


def fill_frames(n_macs, n_remote, fill_mac):
    """Decap frames from n_macs distinct remote source MACs (06:xx:...),
    to local VM 0: vxswd learns each source on its VTEP."""
    out = []
    for m in range(n_macs):
        j = m % n_remote
        src = bytes([0x06, 0x00, (m >> 24) & 255, (m >> 16) & 255, (m >> 8) & 255, m & 255])
        inner = F.inner_frame(F.local_mac(0), src, bytes([10, 1, 0, 1]), bytes([10, 0, 0, 0]),
                              2048, 1024, 64)
        out.append(F.vxlan(inner, F.vtep_ip(j), F.LOCAL4, fill_mac, F.nh_mac(j), 49152 + m % 16384))
    return out


def fdb_encap_frames(n_macs, packets, n_local=100):
    """Encap frames to remote MACs learned by fill_frames(n_macs): destinations
    spread over the whole table."""
    out = []
    for k in range(packets):
        m = (k * 7919 * max(1, n_macs // packets) + k) % n_macs
        i = k % n_local
        dst = bytes([0x06, 0x00, (m >> 24) & 255, (m >> 16) & 255, (m >> 8) & 255, m & 255])
        out.append(F.inner_frame(dst, F.local_mac(i), bytes([10, 0, 0, i]),
                                 bytes([10, 1, (m >> 8) & 255, m & 255]), 1024 + i, 2048 + m % 1000,
                                 64))
    return out


class PacedFeeder:
    """Feeds pcap records into a FIFO (which vxswd reads through net_pcap) at
    a bounded rate, pass after pass until close(): vxswd's control thread
    learns more slowly than a worker can send learn events (the 64k-event
    ring drops the excess), so a fill at line rate would learn only part of
    the table in one pass. The
    FIFO never stays empty for long: the worker reading it blocks meanwhile."""

    def __init__(self, fifo, records, rate):
        import threading
        self.fifo, self.records, self.rate = fifo, records, rate
        self.closing = threading.Event()
        self.passes = 0
        self.error = None
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        import struct
        try:
            fd = os.open(self.fifo, os.O_WRONLY)  # until net_pcap opens it
            try:
                os.write(fd, struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
                rec = len(self.records[0])
                blob = b"".join(self.records)
                per = 2000
                while not self.closing.is_set():
                    for off in range(0, len(blob), per * rec):
                        if self.closing.is_set():
                            break
                        t0 = time.monotonic()
                        view = memoryview(blob)[off:off + per * rec]
                        while view:
                            view = view[os.write(fd, view):]
                        time.sleep(max(0.0, per / self.rate - (time.monotonic() - t0)))
                    else:
                        self.passes += 1
            finally:
                os.close(fd)
        except OSError as e:
            self.error = e

    def close(self):
        self.closing.set()
        if self.t.is_alive():
            try:  # a writer still waiting for its reader
                os.close(os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK))
            except OSError:
                pass
        self.t.join(timeout=10)

    abort = close


def pcap_records(frames_):
    import struct
    return [struct.pack("<IIII", 1700000000, k % 1000000, len(fr), len(fr)) + fr
            for k, fr in enumerate(frames_)]


def extra_fdb(a, tmp, hz, log):
    """FDB of n_big learned MACs against 1k: encap lookup rate and memory."""
    n_big = a.fdb_macs
    fs = F.FlowSet("fdb", "fdb", 100, 10, 8192)
    case = Case(fs, "encap", tmp)
    fill_mac = bytes([0x02, 0x70, 0x63, 0x61, 0x70, 0x01])  # second net_pcap device
    cfgs = {}
    t0 = time.monotonic()
    for name, n, cap in (("1k", 1000, 2048), ("big", n_big, max(1048576, n_big + 4096))):
        meas = os.path.join(tmp, f"fdb-{name}.pcap")
        fill = os.path.join(tmp, f"fdb-{name}-fill.pcap")
        vxrun.write_pcap(meas, fdb_encap_frames(n, 8192))
        cfgs[name] = (meas, pcap_records(fill_frames(n, 10, fill_mac)), n, cap)
    log(f"fdb: pcaps written in {time.monotonic() - t0:.0f} s")
    res = {k: {"windows": [], "rss": [], "entries": [], "fill_s": []} for k in cfgs}
    err = {}
    for r in range(a.extra_rounds):
        for name in (("1k", "big") if r % 2 == 0 else ("big", "1k")):
            meas, records, n, cap = cfgs[name]
            fifo = os.path.join(tmp, f"fdb-fill-{r}-{name}.fifo")
            os.mkfifo(fifo)
            feeder = PacedFeeder(fifo, records, a.fdb_fill_rate)
            try:
                run = E.VxswdRun(case, "measure", in_pcaps=[meas], fdb_max=cap,
                                 extra_ports=[("fill", "uplink", f"net_pcap1,rx_pcap={fifo}")])
            except vxrun.DaemonError as e:
                err[name] = str(e).splitlines()[0]
                feeder.abort()
                continue
            try:
                rss0 = run.memory_kib()
                t1 = time.monotonic()
                # fill (paced, pass after pass) until every MAC is learned
                while time.monotonic() - t1 < a.fdb_fill_timeout and feeder.passes < 4:
                    cnt = run.d.vni_stats().get(F.VNI, {}).get("mac-count", 0)
                    if cnt >= n + 100 or feeder.error:
                        break
                    time.sleep(0.2)
                feeder.close()
                cnt = run.d.vni_stats().get(F.VNI, {}).get("mac-count", 0)
                if feeder.error:
                    raise E.EngineError(f"feeding the FDB fill: {feeder.error}")
                res[name]["fill_s"].append(time.monotonic() - t1)
                res[name]["entries"].append(cnt)
                ws, _ = measure(run, a, a.warmup)
                res[name]["windows"] += ws
                res[name]["rss"].append((rss0, run.memory_kib()))
                # (frames sent before their destination was learned were
                # dropped: judge the measured windows only)
                gap = max(abs(w["rx_pps"] - w["tx_pps"]) / max(w["rx_pps"], 1) for w in ws)
                if gap > 0.02:
                    err[name] = f"rx and tx rates differ by {gap * 100:.0f} % in a window"
            finally:
                feeder.abort()
                run.stop()
                run.cleanup()
    out = {"n_big": n_big, "errors": err}
    for name in cfgs:
        out[name] = summarize(res[name]["windows"], hz)
        out[name + "_entries"] = max(res[name]["entries"] or [0])
        out[name + "_rss"] = res[name]["rss"][-1] if res[name]["rss"] else None
        out[name + "_fill_s"] = max(res[name]["fill_s"] or [0])
        out[name + "_cap"] = cfgs[name][3]
    if out.get("1k_rss") and out.get("big_rss"):
        out["bytes_per_slot"] = (out["big_rss"][1] - out["1k_rss"][1]) * 1024 / \
            (cfgs["big"][3] - cfgs["1k"][3])
    log(f"fdb {n_big} vs 1k: {fmt(out['big'])} vs {fmt(out['1k'])} Mpps, entries "
        f"{out['big_entries']} / {out['1k_entries']}, RSS {out['big_rss']} / {out['1k_rss']} KiB"
        + (f" {err}" if err else ""))
    return out


def extra_flood(a, tmp, hz, log):
    """Encap traffic whose every packet has a random source MAC, against the
    same traffic from known sources; the VNI's MAC limit (1024) holds."""
    fs = F.FlowSet("1k", "1k", 100, 10, 4096)
    case = Case(fs, "encap", tmp)
    base = fs.frames("encap")
    rnd = random.Random(4242)
    flood = []
    for fr in base:
        mac = bytes([0x02 | (rnd.randrange(256) & 0xfc)] + [rnd.randrange(256) for _ in range(5)])
        flood.append(fr[:6] + mac + fr[12:])
    pb, pf = os.path.join(tmp, "flood-base.pcap"), os.path.join(tmp, "flood.pcap")
    vxrun.write_pcap(pb, base)
    vxrun.write_pcap(pf, flood)
    res = {"base": {"w": [], "rss": [], "cnt": []}, "flood": {"w": [], "rss": [], "cnt": []}}
    err = {}
    for r in range(a.extra_rounds):
        for name in (("base", "flood") if r % 2 == 0 else ("flood", "base")):
            try:
                run = E.VxswdRun(case, "measure", in_pcaps=[pb if name == "base" else pf],
                                 mac_limit=1024)
            except vxrun.DaemonError as e:
                err[name] = str(e).splitlines()[0]
                continue
            try:
                rss0 = run.memory_kib()
                c0 = run.d.counters()
                t0 = time.monotonic()
                ws, _ = measure(run, a, a.warmup)
                c1 = run.d.counters()
                dt = time.monotonic() - t0
                res[name]["w"] += ws
                res[name]["rss"].append((rss0, run.memory_kib()))
                res[name]["cnt"].append({
                    "learn_events_s": (c1.get("learn-events", 0) - c0.get("learn-events", 0)) / dt,
                    "refused_s": (c1.get("learn-refused", 0) - c0.get("learn-refused", 0)) / dt,
                    "macs": run.d.vni_stats().get(F.VNI, {}).get("mac-count", 0)})
                p = [x for x in run.path_check() if not x.startswith("drops")]
                if p:
                    err[name] = "; ".join(p)
            finally:
                run.stop()
                run.cleanup()
    out = {"errors": err}
    for name in res:
        out[name] = summarize(res[name]["w"], hz)
        out[name + "_rss"] = res[name]["rss"]
        out[name + "_cnt"] = res[name]["cnt"][-1] if res[name]["cnt"] else {}
    if out["base"] and out["flood"]:
        out["held"] = out["flood"]["mpps"] / out["base"]["mpps"]
    log(f"MAC flood: {fmt(out['flood'])} vs {fmt(out['base'])} Mpps, "
        f"RSS {out['flood_rss']}, {out['flood_cnt']}" + (f" {err}" if err else ""))
    return out


def kept(s):
    return f"{s['kept']}/{s['total']} windows kept" + ("" if s["kept"] else ", disturbed")


def fmt(s):
    return f"{s['mpps']:.2f}" if s else "-"


# ---------------------------------------------------------------- report

def ratio(a, b):
    return a / b if a and b else None


def rows_of(results, cases, hz):
    rows = []
    for case in cases:
        row = {"case": case, "s": {}, "res": {}}
        for e in ENGINE_ORDER:
            r = results.get((case.name, e))
            row["res"][e] = r
            row["s"][e] = summarize(r["windows"], hz) if r and r.get("windows") else None
        rows.append(row)
    return rows


def table(rows, checks):
    head = ("set", "dir", "testpmd io Mpps", "OVS-DPDK Mpps", "vxswd Mpps", "vxswd / OVS",
            "vxswd / ceiling", "cycles/pkt (io / OVS / vxswd)", "windows kept (io / OVS / vxswd)",
            "output check (OVS / vxswd)")
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        c, s = row["case"], row["s"]

        def m(e):
            if s[e]:
                return f"{s[e]['mpps']:.2f}" + ("†" if s[e]["kept"] == 0 else "")
            r = row["res"][e]
            return "n/a" if not r else "failed"

        def cyc(e):
            return f"{s[e]['cycles']:.0f}" if s[e] and s[e]["cycles"] else "-"

        def kept(e):
            return f"{s[e]['kept']}/{s[e]['total']}" if s[e] else "-"
        v, o, t = (s[e]["mpps"] if s[e] else None for e in ("vxswd", "ovs", "testpmd"))
        rv = ratio(v, o)
        rc = ratio(v, t)
        chk = " / ".join(checks.get((c.name, e), ("-",))[0] and "ok" or "FAIL"
                         if (c.name, e) in checks else "-" for e in ("ovs", "vxswd"))
        out.append(f"| {c.label} | {c.direction} | {m('testpmd')} | {m('ovs')} | {m('vxswd')} | "
                   f"{f'{rv:.2f}x' if rv else '-'} | {f'{rc * 100:.0f} %' if rc else '-'} | "
                   f"{cyc('testpmd')} / {cyc('ovs')} / {cyc('vxswd')} | "
                   f"{kept('testpmd')} / {kept('ovs')} / {kept('vxswd')} | {chk} |")
    return "\n".join(out)


def targets(rows):
    """The issue's targets, evaluated on this run's ratios."""
    by = {(r["case"].key, r["case"].direction): r["s"] for r in rows}
    out = []

    def mp(key, d, e):
        s = by.get((key, d), {}).get(e)
        if s and s["kept"] == 0:
            disturbed.add(f"{LABEL[e]} {key} {d}")
        return s["mpps"] if s else None

    disturbed = set()

    for key, want in (("1", 2), ("1k", 2), ("100k", 5), ("100k-8k", 5), ("imix", 2)):
        for d in ("encap", "decap"):
            if (key, d) not in by:
                continue
            disturbed.clear()
            r = ratio(mp(key, d, "vxswd"), mp(key, d, "ovs"))
            out.append((f"{key} {d}: vxswd >= {want}x OVS-DPDK",
                        (f"{r:.2f}x" if r else "not measured") + _dist(disturbed),
                        r is not None and r >= want))
    for (key, d), s in by.items():
        disturbed.clear()
        r = ratio(mp(key, d, "vxswd"), mp(key, d, "testpmd"))
        out.append((f"{key} {d}: vxswd >= 35 % of the testpmd io ceiling",
                    (f"{r * 100:.0f} %" if r else "not measured") + _dist(disturbed),
                    r is not None and r >= 0.35))
    for big in ("100k", "100k-8k"):
        for d in ("encap", "decap"):
            if (big, d) in by:
                disturbed.clear()
                r = ratio(mp(big, d, "vxswd"), mp("1", d, "vxswd"))
                out.append((f"{big} {d}: vxswd rate >= 60 % of its 1-flow rate",
                            (f"{r * 100:.0f} %" if r else "not measured") + _dist(disturbed),
                            r is not None and r >= 0.6))
    return out


def _dist(names):
    return f" (no undisturbed window for {', '.join(sorted(names))}: noisy)" if names else ""


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    labels = [f"{r['case'].key}\n{r['case'].direction}" for r in rows]
    fig, ax = plt.subplots(figsize=(max(8, len(rows) * 1.1), 4.2))
    width = 0.27
    colors = {"testpmd": "#bbbbbb", "ovs": "#4c72b0", "vxswd": "#dd8452"}
    for n, e in enumerate(ENGINE_ORDER):
        vals = [r["s"][e]["mpps"] if r["s"][e] else 0 for r in rows]
        xs = [i + (n - 1) * width for i in range(len(rows))]
        ax.bar(xs, vals, width, label=LABEL[e], color=colors[e])
        for x, v, r in zip(xs, vals, rows):
            if not r["s"][e]:
                ax.text(x, 0.2, "n/a", ha="center", va="bottom", fontsize=7, rotation=90)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("Mpps (median of kept windows)")
    ax.set_title("Replay benchmark: one forwarding core, pcap in, null out")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def write_region(path, text):
    with open(path) as f:
        old = f.read()
    region = f"{BEGIN}\n{text.rstrip()}\n{END}"
    if BEGIN in old and END in old:
        a, b = old.index(BEGIN), old.index(END) + len(END)
        new = old[:a] + region + old[b:]
    elif OLD_SECTION in old:
        # first time: the colleague's section becomes the region (up to the
        # next section or marked region)
        a = old.index(OLD_SECTION)
        ends = [i for i in (old.find("\n## ", a + 1), old.find("\n<!--", a + 1)) if i >= 0]
        b = min(ends) + 1 if ends else len(old)
        new = old[:a] + region + "\n\n" + old[b:].lstrip("\n")
    else:
        new = old.rstrip("\n") + "\n\n" + region + "\n"
    with open(path, "w") as f:
        f.write(new)


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true",
                    help="CI: 1k set, all engines, tiny windows, small extras, no docs")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--windows", type=int, default=2, help="kept windows per engine and round")
    ap.add_argument("--max-windows", type=int, default=0, help="default 2 x --windows")
    ap.add_argument("--seconds", type=float, default=1.5, help="window length")
    ap.add_argument("--warmup", type=float, default=1.0)
    ap.add_argument("--ovs-settle", type=float, default=90.0,
                    help="longest wait for OVS upcalls to stop")
    ap.add_argument("--only", default="",
                    help="comma-separated set keys (default 1,1k,100k,imix; also 100k-8k)")
    ap.add_argument("--no-extras", action="store_true")
    ap.add_argument("--extra-rounds", type=int, default=2)
    ap.add_argument("--fdb-macs", type=int, default=1000000)
    ap.add_argument("--fdb-fill-timeout", type=float, default=60.0)
    ap.add_argument("--fdb-fill-rate", type=float, default=400000.0,
                    help="frames/s of the FDB fill (paced below vxswd's learning rate)")
    ap.add_argument("--write-docs", metavar="FILE")
    ap.add_argument("--plot", metavar="FILE")
    ap.add_argument("--memory", default="")
    ap.add_argument("--cmdline", default="")
    a = ap.parse_args()
    if a.smoke:
        a.rounds, a.windows, a.max_windows, a.seconds, a.warmup = 1, 1, 1, 0.5, 0.3
        a.ovs_settle, a.extra_rounds, a.fdb_macs, a.fdb_fill_timeout = 3.0, 1, 20000, 10.0
        a.only = a.only or "1k"
        a.write_docs = a.plot = None
    a.max_windows = a.max_windows or 2 * a.windows
    for exe in (vxrun.VXSWD, vxrun.VXSWCTL):
        if not os.access(exe, os.X_OK):
            print(f"bench: {exe} not built (scripts/build.sh)", file=sys.stderr)
            return 1
    missing = [x for x in (E.OVS_VSWITCHD,) if not os.access(x, os.X_OK)]
    if shutil.which(E.TESTPMD) is None:
        missing.append(E.TESTPMD)
    if missing:
        print(f"bench: missing {', '.join(missing)} (scripts/setup.sh installs them)",
              file=sys.stderr)
        return 1
    try:
        os.sched_setaffinity(0, {0})
    except OSError:
        pass
    # SIGTERM (a CI timeout, a kill) unwinds like ^C: every engine started is stopped

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_term)
    hz = tsc_hz()
    t_start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="rb-pcaps-")
    failed, skipped = [], []

    def log(msg):
        print(f"[{time.monotonic() - t_start:6.0f} s] {msg}", flush=True)

    try:
        keys = [k for k in a.only.split(",") if k] or DEFAULT_SETS
        if "100k" in keys and not E.vxswd_takes_mbufs() and "100k-8k" not in keys:
            keys.append("100k-8k")  # an old vxswd cannot replay the full 100k pcap
        cases = [Case(fs, d, tmp) for fs in SETS if fs.key in keys for d in ("encap", "decap")]
        for c in cases:
            c.write()
        log(f"{len(cases)} pcaps written ({', '.join(c.name for c in cases)})")

        engines = list(ENGINE_ORDER)
        if not E.hugepages_ok():
            engines.remove("ovs")
            log("SKIPPING OVS-DPDK: fewer than 512 free 2 MiB hugepages (it runs DPDK with "
                "--in-memory, which needs them); bench/run.sh reserves them when it can")
            skipped.append("OVS-DPDK (no hugepages)")

        # 1. output checks
        checks = {}
        for c in cases:
            for e in engines:
                if e == "testpmd" and c.key != cases[0].key:
                    continue  # io forwarding: identity, checked on the first set only
                ok, text = run_check(e, c)
                checks[(c.name, e)] = (ok, text)
                log(f"check {c.name:14} {e:8} {'ok' if ok else 'FAILED'}: {text}")
                if not ok:
                    failed.append(f"output check {c.name} {e}: {text}")

        # 2. rounds
        results = {}
        for r in range(a.rounds):
            order = engines[r % len(engines):] + engines[:r % len(engines)]
            for c in cases:
                for e in order:
                    prev = results.get((c.name, e))
                    if prev and prev.get("error") and not prev.get("windows"):
                        continue  # did not start before: no point retrying each round
                    res = run_measure(e, c, a)
                    acc = results.setdefault((c.name, e), {"windows": [], "path": [],
                                                           "threads": "", "binary": ""})
                    acc["windows"] += res.get("windows", [])
                    acc["path"] += [p for p in res.get("path", []) if p not in acc["path"]]
                    for k in ("threads", "binary", "flows"):
                        if res.get(k):
                            acc[k] = res[k]
                    if res.get("error"):
                        acc["error"] = res["error"]
                        acc["detail"] = res.get("detail", "")
                    s = summarize(res.get("windows", []), hz)
                    extra = ""
                    if res.get("flows"):
                        extra = f" flows {res['flows'][0]} (limit {res['flows'][1]})"
                    if s and s["upcalls"]:
                        extra += f" upcalls {s['upcalls']}"
                    log(f"round {r + 1} {c.name:14} {e:8} "
                        + (f"{s['mpps']:7.2f} Mpps cpu {s['cpu']:.3f} kept {s['kept']}/{s['total']}"
                           if s else f"ERROR {res.get('error')}")
                        + extra + (f" path: {'; '.join(res['path'])}" if res.get("path") else ""))
        rows = rows_of(results, cases, hz)
        for row in rows:
            for e in ENGINE_ORDER:
                r = row["res"][e]
                if r and r.get("path"):
                    failed.append(f"{row['case'].name} {e}: {'; '.join(r['path'])}")
                if r and r.get("error") and not (e == "vxswd" and "mbufs" in r["error"]):
                    failed.append(f"{row['case'].name} {e}: {r['error']}")

        # 3. vxswd extras
        extras = {}
        if not a.no_extras:
            for name, fn in (("scaling", extra_scaling), ("fdb", extra_fdb),
                             ("flood", extra_flood)):
                try:
                    extras[name] = fn(a, tmp, hz, log)
                    for k, v in extras[name].get("errors", {}).items():
                        failed.append(f"{name} {k}: {v}")
                except Exception as e:  # noqa: BLE001
                    traceback.print_exc()
                    extras[name] = {"error": f"{type(e).__name__}: {e}"}
                    failed.append(f"{name}: {e}")
        elapsed = time.monotonic() - t_start

        print()
        print(table(rows, checks))
        print()
        for what, val, ok in targets(rows):
            print(f"  [{'met' if ok else 'NOT met'}] {what}: {val}")
        print()
        for row in rows:
            for e in ENGINE_ORDER:
                r = row["res"][e]
                if r and r.get("error"):
                    print(f"{row['case'].name} {e}: {r['error']}")
        if a.plot:
            if plot(rows, a.plot):
                log(f"wrote {a.plot}")
        if a.write_docs:
            write_region(a.write_docs, report(rows, checks, extras, hz, a, elapsed))
            log(f"wrote the replay-bench region of {a.write_docs}")
        log(f"done in {elapsed:.0f} s")
        if failed:
            print("\nPROBLEMS:")
            for f in failed:
                print("  " + f)
        if skipped:
            print("\nSKIPPED: " + ", ".join(skipped))
        # broken: a wrong output, an engine that failed, packets lost; not: noise
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(rows, checks, extras, hz, a, elapsed):
    v = E.versions()
    uname = platform.uname()
    now = datetime.datetime.now()
    lines = []
    w = lines.append
    w("## Replay benchmark: vxswd, OVS-DPDK and the testpmd io ceiling")
    w("")
    w(f"Measured {now:%Y-%m-%d %H:%M} by `{a.cmdline or 'bench/run.sh'}` "
      f"({elapsed / 60:.0f} min); this region is rewritten by every full run.")
    w("")
    w("Each engine forwards on **one core** (CPU 1: testpmd's forwarding lcore, the OVS PMD "
      "thread, vxswd's worker), reading the same pcap replayed without end by "
      "`net_pcap,infinite_rx=1` and sending into `net_null,no-rx=1`. OVS is Open vSwitch "
      "with DPDK (`ovs-vswitchd-dpdk`): userspace VXLAN with one vxlan port per remote VTEP "
      "on `br-int`, the uplink on `br-phy` holding the VTEP address, the NORMAL action and "
      "static FDB entries for every destination MAC (`fdb/add`), the VTEP next hops in its "
      "neighbour cache (`tnl/arp/set`), no flooding to the bridges' own ports. vxswd has "
      "static FDB entries and next hops from its config. testpmd is `--forward-mode=io` "
      "(no header work at all): the ceiling of this input and output.")
    w("")
    w(f"The engines take turns, round by round ({a.rounds} round{'s' if a.rounds > 1 else ''}, "
      f"engine order rotating), "
      f"each started afresh with {a.warmup:g} s of warm-up (OVS: until its upcalls stop) "
      f"and windows of {a.seconds:g} s until {a.windows} per round had the forwarding "
      f"thread on its CPU at least {SHARE_MIN} of the time (`/proc/PID/task/TID/stat`); the "
      f"figures are medians over the kept windows. **This host is a small shared KVM guest "
      f"(2 vCPUs) that other engineers use at the same time**: windows where the forwarding "
      f"thread got less than {SHARE_MIN} of a CPU are discarded, the tables say how many were "
      f"kept, and absolute numbers are noisy; compare only within one run. Cycles per packet "
      f"= TSC rate x CPU time of the forwarding thread / packets.")
    w("")
    w("Flow sets (one VNI): inner frames of 64 B (114 B with VXLAN), IMIX 7:4:1 of "
      "64/594/1514 B (1514 = 1518 on the wire with FCS, the largest frame at MTU 1500). "
      "A flow is a (local VM MAC, remote VM MAC) pair with its own IPs and ports; each "
      "remote MAC is behind its own VTEP. encap = VM port in, VXLAN out of the uplink; "
      "decap = VXLAN in, VM port out, the same flows. Packets walk the flows with a stride, "
      "so consecutive packets differ in both MACs. Packets per pcap: "
      + ", ".join(f"{fs.label} {fs.packets}" for fs in SETS) + ".")
    w("")
    w(f"Before the rounds, each engine forwarded a sample (up to {CHECK_SAMPLE} packets) of "
      "every pcap once into a pcap file, and the output was checked: nothing lost or "
      "duplicated, inner frame unchanged, outer next-hop MAC, VTEP addresses, UDP port, VNI, "
      "lengths and checksums right (bench/frames.py). IMIX encap samples leave out the "
      "1514-byte frames: a pcap output device has MTU 1500, which vxswd honours; the measured "
      "runs count them (no drops, rx = tx).")
    w("")
    w(table(rows, checks))
    w("")
    if "†" in table(rows, checks):
        w("† no window of this engine and case had its forwarding thread on a CPU >= "
          f"{SHARE_MIN} of the time: the figure is the median of all its windows, all "
          "disturbed.")
        w("")
    if a.plot:
        w(f"![replay benchmark](../bench/{os.path.basename(a.plot)})")
        w("")
    w("Targets of the issue, on this run's ratios:")
    w("")
    for what, val, ok in targets(rows):
        w(f"- {'met' if ok else '**not met**'}: {what}: {val}")
    w("")
    notes = []
    for row in rows:
        for e in ENGINE_ORDER:
            r = row["res"][e]
            if r and r.get("error"):
                notes.append(f"- {LABEL[e]}, {row['case'].label} {row['case'].direction}: "
                             f"did not run: `{r['error'][:300]}`")
            s = row["s"][e]
            if s and s["dropped_shares"]:
                notes.append(f"- {LABEL[e]}, {row['case'].label} {row['case'].direction}: "
                             f"windows left out had CPU shares "
                             f"{', '.join(map(str, s['dropped_shares'][:10]))}; the forwarding "
                             f"thread was preempted {s['inv']} times and blocked {s['vol']} "
                             f"times over all windows")
            if r and r.get("flows"):
                notes.append(f"- OVS-DPDK, {row['case'].label} {row['case'].direction}: "
                             f"{r['flows'][0]} datapath flows (limit {r['flows'][1]}), "
                             f"{s['upcalls'] if s else '?'} upcalls in the windows used")
    if any("mbufs" in (row["res"]["vxswd"] or {}).get("error", "") for row in rows):
        notes.append(
            "- **vxswd cannot replay the 100 000-packet pcap**: `net_pcap` with `infinite_rx` "
            "keeps every packet of the file in an mbuf of the port's rx pool, and vxswd sizes "
            "its one pool at ports x (1024 rx + 1024 tx descriptors) x workers + 8192 mbufs "
            "(12 288 here) with no setting to change it, so it refuses to start. The row "
            "\"100k set, 8192-packet sample\" replays 8192 of the 100k flows (1000 local x 100 "
            "remote MACs, every packet a different flow) on all three engines instead; OVS's "
            "flow cache is under less pressure there than with all 100k flows (compare its "
            "two 100k rows), so vxswd's ratio on the sample understates the full-set one.")
    if E.vxswd_takes_mbufs():
        notes.append("- vxswd runs with `global/mbufs` = its default pool (ports x 2048 x "
                     "workers + 8192) + the packets of its input pcap: `net_pcap` with "
                     "`infinite_rx` keeps the whole file in mbufs of the port's pool.")
    if notes:
        w("Notes on this run:")
        w("")
        lines.extend(notes)
        w("")
    # extras
    w("### vxswd alone: two workers, a 1M-MAC FDB, a MAC flood")
    w("")
    sc = extras.get("scaling") or {}
    if sc.get("one") and sc.get("two"):
        w(f"- **1 -> 2 workers** (1k flows encap, 8192 packets; the two workers' queues each "
          f"get half of the flows, as RSS would split them): {sc['one']['mpps']:.2f} -> "
          f"{sc['two']['mpps']:.2f} Mpps, x{sc['scaling']:.2f} (1 worker: {kept(sc['one'])}). "
          f"The machine has 2 CPUs, so "
          f"the second worker shares CPU 0 with vxswd's main thread, this script and whatever "
          f"else runs there; its windows are kept only when both workers got >= {SHARE_MIN} "
          f"of a CPU ({sc['two']['kept']}/{sc['two']['total']} kept; worker CPU shares: "
          f"{', '.join(map(str, sc['two_shares'][:8]))}).")
    elif sc:
        w(f"- 1 -> 2 workers: not measured ({sc.get('error') or sc.get('errors')})")
    fd = extras.get("fdb") or {}
    if fd.get("1k") and fd.get("big"):
        per = fd.get("bytes_per_slot")
        w(f"- **FDB of {fd['big_entries']:,} MACs vs 1k** (learned from a fill pcap of decap "
          f"frames, {fd['big_fill_s']:.1f} s to learn; encap traffic of 8192 packets to "
          f"destinations spread over the whole table): {fd['big']['mpps']:.2f} Mpps "
          f"({fd['big']['cycles'] or 0:.0f} cycles/pkt, {kept(fd['big'])}) vs "
          f"{fd['1k']['mpps']:.2f} Mpps ({fd['1k']['cycles'] or 0:.0f} cycles/pkt, "
          f"{kept(fd['1k'])}) with {fd['1k_entries']:,} entries, "
          f"{fd['big']['mpps'] / fd['1k']['mpps'] * 100:.0f} % of the small-table rate. "
          f"Memory: the table is allocated whole at start for `fdb-max-entries` "
          f"({fd['big_cap']:,} here vs {fd['1k_cap']:,}): vxswd's RSS "
          f"{fd['big_rss'][1] / 1024:.0f} MiB vs {fd['1k_rss'][1] / 1024:.0f} MiB, "
          + (f"{per:.0f} bytes per entry of capacity; " if per else "")
          + f"RSS before -> after learning {fd['big_entries']:,} MACs: "
          f"{fd['big_rss'][0] / 1024:.0f} -> {fd['big_rss'][1] / 1024:.0f} MiB.")
    elif fd:
        w(f"- FDB of 1M MACs: not measured ({fd.get('error') or fd.get('errors')})")
    fl = extras.get("flood") or {}
    if fl.get("base") and fl.get("flood"):
        cnt = fl.get("flood_cnt", {})
        rss = fl.get("flood_rss") or [(0, 0)]
        w(f"- **MAC flood** (the 1k encap pcap with every packet from a different random "
          f"source MAC, 4096 of them, VNI `mac-limit` 1024): {fl['flood']['mpps']:.2f} Mpps "
          f"({kept(fl['flood'])}) vs {fl['base']['mpps']:.2f} Mpps from known sources "
          f"({kept(fl['base'])}), {fl['held'] * 100:.0f} % held; "
          f"{cnt.get('learn_events_s', 0) / 1e6:.2f} M learn events/s, "
          f"{cnt.get('refused_s', 0) / 1e6:.2f} M/s refused at the limit, "
          f"{cnt.get('macs', 0)} MACs in the VNI; RSS {rss[-1][0] / 1024:.0f} -> "
          f"{rss[-1][1] / 1024:.0f} MiB over the measured windows.")
    elif fl:
        w(f"- MAC flood: not measured ({fl.get('error') or fl.get('errors')})")
    w("")
    hzs = f"TSC {hz / 1e9:.2f} GHz" if hz else "TSC rate unknown"
    w("Machine, versions, command:")
    w("")
    w(f"- {os.cpu_count()} vCPUs, {cpu_model()}, {mem_total_gib():.0f} GiB, {hzs}; "
      f"Linux {uname.release} (KVM guest, shared)")
    w(f"- DPDK {v.get('dpdk')}; Open vSwitch {v.get('ovs')} (package openvswitch-switch-dpdk "
      f"{v.get('ovs_pkg')}); dpdk-testpmd from DPDK {v.get('dpdk')}")
    w(f"- vxsw commit {git_commit()}; vxswd {binary_id(vxrun.VXSWD)} (`scripts/build.sh`, "
      "meson debugoptimized)")
    w(f"- memory: {a.memory or 'as found'}")
    w(f"- command: `{a.cmdline or 'bench/run.sh'}` ({elapsed:.0f} s); "
      "`bench/run.sh --smoke` is the CI variant (1k set, tiny windows, nothing written)")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
