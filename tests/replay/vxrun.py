"""Run vxswd on pcap files and read back what it sent.

Shared by the replay tests (tests/replay/replay.py) and the benchmark
(bench/bench.py). Only the Python standard library here; frames are crafted by
the callers (scapy for the tests, plain bytes for the benchmark).

Every DPDK port is a vdev (net_pcap reading/writing files, or net_null), so no
packet ever touches a network interface. Each daemon gets its own
--file-prefix; its runtime directory and the temporary files are removed when
the run ends.
"""
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("VXSW_BUILD", os.path.join(REPO, "build"))


def _exe(name):
    """BUILD/name/name (meson subdir layout), else BUILD/name."""
    for cand in (os.path.join(BUILD, name, name), os.path.join(BUILD, name)):
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    return os.path.join(BUILD, name, name)


VXSWD = os.environ.get("VXSWD", _exe("vxswd"))
VXSWCTL = os.environ.get("VXSWCTL", _exe("vxswctl"))

_seq = 0


# ---- pcap files (classic libpcap format, written and read by hand) ----

def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            fr = bytes(fr)
            f.write(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000,
                                len(fr), len(fr)))
            f.write(fr)


def read_pcap(path):
    """Frames of a pcap file (micro- or nanosecond, either byte order).
    A missing or empty file reads as no frames."""
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        e = ">"
    else:
        raise ValueError(f"{path}: not a pcap file (magic {magic:#x})")
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, caplen, wirelen = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if caplen != wirelen:
            raise ValueError(f"{path}: frame {len(out)} truncated in capture "
                             f"({caplen} of {wirelen} bytes)")
        out.append(data[off:off + caplen])
        off += caplen
    if off != len(data):
        raise ValueError(f"{path}: trailing garbage after frame {len(out)}")
    return out


# ---- the daemon ----

def hugepages_free():
    """Free 2 MiB pages; vxswd uses hugepages when there are >= 512 (1 GiB)."""
    try:
        with open("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 0


class DaemonError(Exception):
    pass


class Vxswd:
    """One vxswd process on vdev ports described in Python.

    ports: add_port(); the rest of the config: the attributes vtep, vnis,
    nexthops, static_fdb, global_ (plain dicts/lists in the JSON shape of
    the vxsw YANG module)."""

    def __init__(self, name, workers=1, keep=False, eal=(), host_tap_mac=None):
        global _seq
        _seq += 1
        self.name = name
        self.keep = keep
        self.dir = tempfile.mkdtemp(prefix=f"vxsw-{name}-")
        self.prefix = f"vxsw-{name}-{os.getpid()}-{_seq}"
        self.sock = os.path.join(self.dir, "ctl.sock")
        self.workers = workers
        self.eal = list(eal)
        # A host port needs a kernel interface (vxswd reads its MAC, and
        # without iface= in the devargs looks for "dtap0"). With host_tap_mac
        # vxswd runs in a private network namespace holding only a tap named
        # dtap0 that stays DOWN: no frame can go anywhere, and the namespace
        # and the tap vanish with the process.
        self.host_tap_mac = host_tap_mac
        self.ports = []          # dicts: name, role, devargs, inputs, out, cfg
        self.global_ = {"workers": workers}
        self.vtep = {}
        self.vnis = []
        self.nexthops = []
        self.static_fdb = []
        self.teams = []
        self.segments = []
        self.proc = None
        self.rc = None
        self._npcap = 0
        self._nnull = 0

    # -- configuration --

    def add_port(self, name, role, inputs=(), kind="pcap", infinite=False, queues=1, **leaves):
        """A port. kind "pcap": rx from a file of `inputs`, tx to a file
        (infinite: rx loops over the file, tx is dropped); with queues > 1,
        `inputs` is one list per rx queue and every tx queue writes its own
        file (output() reads them all, queue by queue). kind "null":
        net_null sink (no rx)."""
        per_queue = [list(q) for q in inputs] if queues > 1 else [list(inputs)]
        p = {"name": name, "role": role, "kind": kind,
             "inputs": [bytes(x) for q in per_queue for x in q]}
        if kind == "pcap":
            p["queue_inputs"] = [[bytes(x) for x in q] for q in per_queue]
            p["ins"] = [os.path.join(self.dir, f"{name}.in{q}.pcap") for q in range(queues)]
            p["outs"] = [os.path.join(self.dir, f"{name}.out{q}.pcap") for q in range(queues)]
            p["pcap_index"] = self._npcap
            dev = f"net_pcap{self._npcap}," + ",".join(f"rx_pcap={f}" for f in p["ins"])
            if infinite:
                dev += ",infinite_rx=1"
            else:
                dev += "," + ",".join(f"tx_pcap={f}" for f in p["outs"])
            if queues > 1:
                leaves.setdefault("rx_queues", queues)
            self._npcap += 1
        elif kind == "null":
            dev = f"net_null{self._nnull},no-rx=1"
            self._nnull += 1
        else:
            raise ValueError(kind)
        p["devargs"] = dev
        cfgp = {"name": name, "devargs": dev, "role": role}
        cfgp.update({k.replace("_", "-"): v for k, v in leaves.items()})
        p["cfg"] = cfgp
        self.ports.append(p)
        return p

    def pcap_mac(self, port_name):
        """The MAC net_pcap gives a device: 02:70:63:61:70:<n-th net_pcap device>."""
        p = self.port(port_name)
        return bytes([0x02, 0x70, 0x63, 0x61, 0x70, p["pcap_index"]])

    def port(self, name):
        for p in self.ports:
            if p["name"] == name:
                return p
        raise KeyError(name)

    def config(self):
        top = {"global": dict(self.global_, **{"ctl-socket": self.sock}),
               "vtep": self.vtep,
               "port": [p["cfg"] for p in self.ports]}
        if self.vnis:
            top["vni"] = self.vnis
        if self.nexthops:
            top["nexthop"] = self.nexthops
        if self.static_fdb:
            top["static-fdb"] = self.static_fdb
        if self.teams:
            top["team"] = self.teams
        if self.segments:
            top["vlan-segment"] = self.segments
        return {"vxsw:vxsw": top}

    # -- running --

    def start(self, extra_args=(), wait_socket=20.0, taskset=None):
        for p in self.ports:
            if p["kind"] == "pcap":
                for path, frames in zip(p["ins"], p["queue_inputs"]):
                    write_pcap(path, frames)
        self.cfg_path = os.path.join(self.dir, "vxswd.json")
        with open(self.cfg_path, "w") as f:
            json.dump(self.config(), f, indent=2)
        self.log_path = os.path.join(self.dir, "vxswd.log")
        cmd = [VXSWD, "--config", self.cfg_path, "--ctl-socket", self.sock, *extra_args,
               "--", "--file-prefix", self.prefix, *self.eal]
        if hugepages_free() >= 512 and "--no-huge" not in self.eal:
            # vxswd then uses hugepages; with no hugetlbfs mounted DPDK needs
            # --in-memory (which --no-huge, vxswd's choice otherwise, refuses).
            cmd.append("--in-memory")
        if self.host_tap_mac:
            cmd = ["unshare", "--net", "--", "sh", "-c",
                   f"ip tuntap add dev dtap0 mode tap && "
                   f"ip link set dtap0 address {self.host_tap_mac} && exec \"$@\"",
                   "sh"] + cmd
        if taskset:
            cmd = ["taskset", "-c", taskset] + cmd
        self.cmd = cmd
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + wait_socket
        while True:
            if self.proc.poll() is not None:
                raise DaemonError(f"vxswd exited with {self.proc.returncode} during start-up:\n"
                                  + self.log_tail())
            if os.path.exists(self.sock):
                try:
                    self.ctl("show", "ports", "--json")
                    return
                except DaemonError:
                    pass
            if time.monotonic() > deadline:
                raise DaemonError("vxswd did not open its control socket in time:\n"
                                  + self.log_tail())
            time.sleep(0.05)

    def ctl(self, *args, check=True):
        r = subprocess.run([VXSWCTL, "--socket", self.sock, *args], capture_output=True,
                           text=True, timeout=30)
        if check and r.returncode != 0:
            raise DaemonError(f"vxswctl {' '.join(args)}: exit {r.returncode}: "
                              f"{r.stderr.strip()}")
        return r.stdout

    def show(self, what):
        """`vxswctl show WHAT --json`, parsed; returns the vxsw:state object."""
        out = self.ctl("show", what, "--json")
        try:
            d = json.loads(out)
        except ValueError as e:
            raise DaemonError(f"show {what} --json: not JSON ({e}): {out[:300]!r}")
        return d.get("vxsw:state", d)

    def port_stats(self):
        st = self.show("ports")
        return {p["name"]: {k: _num(v) for k, v in p.items()} for p in st.get("port", [])}

    def drops(self):
        st = self.show("drops")
        return {d["name"]: int(d.get("count", 0)) for d in st.get("drop", [])}

    def counters(self):
        st = self.show("counters")
        return {d["name"]: int(d.get("value", 0)) for d in st.get("counter", [])}

    def vni_stats(self):
        st = self.show("vni")
        return {int(v["id"]): {k: _num(val) for k, val in v.items()} for v in st.get("vni", [])}

    def vtep_stats(self):
        st = self.show("vtep")
        return {r["address"]: r for r in st.get("vtep", {}).get("remote", [])}

    def segments_state(self):
        st = self.show("segments")
        return {g["name"]: {k: _num(v) for k, v in g.items()} for g in st.get("segment", [])}

    def segment_macs(self):
        st = self.show("segment-macs")
        return {(e["segment"], e["mac"].lower()): e for e in st.get("segment-mac", [])}

    def fdb(self):
        st = self.show("fdb")
        return st.get("fdb", {}).get("entry", [])

    def wait_consumed(self, timeout=20.0):
        """Wait until every pcap port has received all of its input frames."""
        want = {p["name"]: len(p["inputs"]) for p in self.ports if p["kind"] == "pcap"}
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise DaemonError(f"vxswd died with {self.proc.returncode}:\n" + self.log_tail())
            got = {n: s.get("rx-packets", 0) for n, s in self.port_stats().items()}
            if all(got.get(n, 0) >= c for n, c in want.items()):
                over = {n: got[n] for n, c in want.items() if got.get(n, 0) > c}
                if over:
                    raise DaemonError(f"ports received more than their input: {over} "
                                      f"(expected {want})")
                return got
            if time.monotonic() > deadline:
                raise DaemonError(f"input not consumed after {timeout} s: rx {got}, "
                                  f"expected {want}")
            time.sleep(0.05)

    def stop(self, timeout=20.0):
        """SIGTERM; returns the exit status (None if it had to be killed)."""
        if self.proc is None or self.rc is not None:
            return self.rc
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.rc = None
                self.log.close()
                return None
        self.rc = self.proc.returncode
        self.log.close()
        return self.rc

    def output(self, port_name):
        return [f for path in self.port(port_name)["outs"] for f in read_pcap(path)]

    def log_tail(self, n=25):
        try:
            if not self.log.closed:
                self.log.flush()
            with open(self.log_path, "rb") as f:
                lines = f.read().decode(errors="replace").splitlines()
            return "\n".join("    " + l for l in lines[-n:])
        except OSError:
            return "    (no log)"

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for base in ("/var/run/dpdk", os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/nonexistent"), "dpdk")):
            d = os.path.join(base, self.prefix)
            if os.path.isdir(d):
                shutil.rmtree(d, ignore_errors=True)
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


def _num(v):
    if isinstance(v, str) and v.isdigit():
        return int(v)
    return v
