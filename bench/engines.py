"""The three forwarding engines the replay benchmark runs on the same pcaps:
vxswd, Open vSwitch with DPDK (userspace VXLAN, NORMAL, pre-learned FDB) and
dpdk-testpmd io forwarding (the raw-I/O ceiling).

Each engine runs in one of two modes:
  measure: input = net_pcap with infinite_rx=1 (the pcap replayed without end),
           output = net_null,no-rx=1 (a sink);
  check:   input = net_pcap reading a sample once, output = net_pcap writing a
           pcap file, so the benchmark can check what came out.
Every port is a DPDK vdev: no packet touches a network interface. OVS runs in
a private network namespace (its bridges' internal ports are taps there) with
its database, sockets and logs in a temporary directory of its own.

A started engine is a Run: counters() gives its packet counters, threads()
the (pid, tid) of its forwarding threads, stop() ends it (the processes it
started, by PID) and says whether it exited cleanly.
"""
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

import frames as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
import sys  # noqa: E402
sys.path.insert(0, os.path.join(REPO, "tests", "replay"))
import vxrun  # noqa: E402

OVS_VSWITCHD = os.environ.get("OVS_VSWITCHD_DPDK",
                              "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk")
OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
TESTPMD = os.environ.get("TESTPMD", "dpdk-testpmd")
FWD_CPU = 1          # the forwarding core; everything else stays on CPU 0
_seq = [0]


class EngineError(Exception):
    pass


def _prefix(name):
    _seq[0] += 1
    return f"rb-{name}-{os.getpid()}-{_seq[0]}"


def _pcap_count(path):
    """Packets in a pcap file written by vxrun.write_pcap (16-byte record headers)."""
    n = 0
    with open(path, "rb") as f:
        f.seek(24)
        while True:
            h = f.read(16)
            if len(h) < 16:
                return n
            f.seek(struct.unpack("<IIII", h)[2], 1)
            n += 1


def hugepages_ok():
    return vxrun.hugepages_free() >= 512


def threads_named(pid, pred):
    out = []
    try:
        tids = sorted(os.listdir(f"/proc/{pid}/task"), key=int)
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if pred(comm):
            out.append((pid, int(tid), comm))
    return out


def _wait_path(path, proc, timeout, what, log=None):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if proc.poll() is not None:
            raise EngineError(f"{what} exited with {proc.returncode} during start-up"
                              + (f":\n{_tail(log)}" if log else ""))
        if time.monotonic() > deadline:
            raise EngineError(f"{what}: {path} did not appear in {timeout} s"
                              + (f":\n{_tail(log)}" if log else ""))
        time.sleep(0.02)


def _tail(path, n=15):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode(errors="replace").splitlines()
        return "\n".join("    " + x for x in lines[-n:])
    except OSError:
        return "    (no log)"


def _stop_proc(proc, timeout=15.0, sig=signal.SIGTERM):
    """Stop a process we started; returns its exit status (None if killed)."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return None
    return proc.returncode


def _rm_runtime(prefix):
    for base in ("/var/run/dpdk", os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/nonexistent"),
                                               "dpdk")):
        d = os.path.join(base, prefix)
        if os.path.isdir(d):
            shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- vxswd

_mbufs_ok = []


def vxswd_takes_mbufs():
    """Does this vxswd know global/mbufs (the packet pool size)? Older ones
    size the pool from ports, queues and workers only (12288 buffers for the
    benchmark's two ports and one worker), too small to replay a big pcap."""
    if not _mbufs_ok:
        d = tempfile.mkdtemp(prefix="rb-probe-")
        try:
            p = os.path.join(d, "c.json")
            with open(p, "w") as f:
                json.dump({"vxsw:vxsw": {"global": {"mbufs": 16384},
                                         "vtep": {"local-ipv4": F.LOCAL4_STR},
                                         "port": [{"name": "p", "role": "uplink",
                                                   "devargs": "net_null0"}]}}, f)
            r = subprocess.run([vxrun.VXSWD, "--config", p, "--check"], capture_output=True,
                               timeout=30)
            _mbufs_ok.append(r.returncode == 0)
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return _mbufs_ok[0]


def vxswd_default_mbufs(n_ports, workers):
    return n_ports * 2048 * workers + 8192


def wait_settled(counters, n, deadline, period):
    """Poll counters() until rx reached n and tx stopped growing for three polls
    in a row (or the deadline passed); the last counters."""
    last, still = -1, 0
    while time.monotonic() < deadline:
        c = counters()
        if c["rx"] >= n:
            if c["tx"] == last:
                still += 1
                if still >= 3:
                    return c
            else:
                still = 0
            last = c["tx"]
        time.sleep(period)
    return counters()


class VxswdRun:
    engine = "vxswd"

    def __init__(self, case, mode, workers=1, sample=None, out_dir=None, fdb_max=None,
                 mac_limit=None, extra_ports=(), in_pcaps=None, lcores=None, static=True):
        """case: bench.Case; mode 'measure' or 'check' (sample = frames to send).
        in_pcaps: several input pcaps = several rx queues (RSS emulated by
        splitting the flows); extra_ports: (name, role, devargs) added after
        the two ports (e.g. a filler uplink)."""
        self.case, self.mode = case, mode
        self.in_name, self.out_name = ("vm1", "up0") if case.direction == "encap" \
            else ("up0", "vm1")
        eal = []
        if lcores:
            eal = ["--lcores", lcores]
        d = vxrun.Vxswd(f"rb-{case.key}-{case.direction}", workers=workers, eal=eal)
        self.d = d
        roles = {"vm1": "vm", "up0": "uplink"}
        leaves = {"vm1": {"access_vni": F.VNI}, "up0": {}}
        try:
            d.vtep = {"local-ipv4": F.LOCAL4_STR}
            # net_pcap with infinite_rx keeps its whole file in mbufs of the
            # pool: room for that on top of vxswd's own sizing
            resident = sum(_pcap_count(x) for x in (in_pcaps or [case.pcap])) \
                if mode == "measure" else 0
            self.mbufs = None
            if resident and vxswd_takes_mbufs():
                self.mbufs = vxswd_default_mbufs(2 + len(extra_ports), workers) + resident
                d.global_["mbufs"] = self.mbufs
            if fdb_max:
                d.global_["fdb-max-entries"] = fdb_max
            # the input port first: it is then the first net_pcap device, whose
            # MAC (02:70:63:61:70:00) the decap pcaps are addressed to
            if mode == "measure":
                p = d.add_port(self.in_name, roles[self.in_name], (), kind="pcap", infinite=True,
                               **leaves[self.in_name])
                pcaps = in_pcaps or [case.pcap]
                dev = f"net_pcap{p['pcap_index']}," + ",".join(f"rx_pcap={x}" for x in pcaps) \
                    + ",infinite_rx=1"
                p["devargs"] = p["cfg"]["devargs"] = dev
                d.add_port(self.out_name, roles[self.out_name], kind="null",
                           **leaves[self.out_name])
            else:
                d.add_port(self.in_name, roles[self.in_name], sample, kind="pcap",
                           **leaves[self.in_name])
                d.add_port(self.out_name, roles[self.out_name], (), kind="pcap",
                           **leaves[self.out_name])
            for name, role, dev in extra_ports:
                d.ports.append({"name": name, "role": role, "inputs": [], "kind": "extra",
                                "devargs": dev, "cfg": {"name": name, "devargs": dev,
                                                        "role": role}})
            vni = {"id": F.VNI}
            if mac_limit:
                vni["mac-limit"] = mac_limit
            d.vnis = [vni]
            d.nexthops = [{"vtep": F.ip_str(F.vtep_ip(j)), "mac": F.mac_str(F.nh_mac(j))}
                          for j in range(case.n_remote)]
            if static:
                d.static_fdb = ([{"vni": F.VNI, "mac": F.mac_str(F.local_mac(i)), "port": "vm1"}
                                 for i in range(case.n_local)] +
                                [{"vni": F.VNI, "mac": F.mac_str(F.remote_mac(j)),
                                  "remote-vtep": F.ip_str(F.vtep_ip(j))}
                                 for j in range(case.n_remote)])
            d.start(wait_socket=60)
        except BaseException:  # (KeyboardInterrupt too: nothing left running)
            d.cleanup()
            raise
        self.pid = d.proc.pid
        self.binary = vxrun.VXSWD

    def threads(self):
        return threads_named(self.pid, lambda c: "worker" in c)

    def counters(self):
        st = self.d.port_stats()
        return {"tx": st[self.out_name]["tx-packets"], "rx": st[self.in_name]["rx-packets"]}

    def memory_kib(self):
        """VmRSS of the daemon (the FDB lives in ordinary memory)."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def path_check(self):
        """Did the frames take the intended path (unicast encap/decap, no flooding)?"""
        v = self.d.vni_stats().get(F.VNI, {})
        p = self.d.port_stats()
        done = v.get("encap-packets" if self.case.direction == "encap" else "decap-packets", 0)
        tx, rx = p[self.out_name]["tx-packets"], p[self.in_name]["rx-packets"]
        problems = []
        if v.get("flood-packets", 0):
            problems.append(f"{v.get('flood-packets')} flooded")
        if not done or abs(done - tx) > 0.02 * tx:
            problems.append(f"{self.case.direction} {done} vs tx {tx}")
        if abs(rx - tx) > 0.02 * max(rx, 1):
            problems.append(f"rx {rx} vs tx {tx}")
        drops = {k: n for k, n in self.d.drops().items() if n}
        if drops:
            problems.append("drops " + ", ".join(f"{k} {n}" for k, n in sorted(drops.items())))
        return problems

    def wait_consumed(self, n, timeout=30.0):
        return wait_settled(self.counters, n, time.monotonic() + timeout, 0.05)

    def output(self):
        return self.d.output(self.out_name)

    def stop(self):
        rc = self.d.stop()
        return [] if rc == 0 else [f"vxswd exit status {rc}:\n{self.d.log_tail()}"]

    def cleanup(self):
        self.d.cleanup()

    def log_tail(self):
        return self.d.log_tail()


# ---------------------------------------------------------------- testpmd

class TelemetryClient:
    def __init__(self, path, timeout=5.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.s.recv(4096)  # the greeting

    def query(self, cmd):
        self.s.send(cmd.encode())
        return json.loads(self.s.recv(1 << 16).decode())

    def close(self):
        self.s.close()


class TestpmdRun:
    engine = "testpmd"

    def __init__(self, case, mode, sample=None, tmp=None):
        self.case, self.mode = case, mode
        self.dir = tempfile.mkdtemp(prefix="rb-testpmd-")
        self.prefix = _prefix("testpmd")
        self.log_path = os.path.join(self.dir, "testpmd.log")
        if mode == "measure":
            rx = f"net_pcap0,rx_pcap={case.pcap},infinite_rx=1"
            tx = "net_null0,no-rx=1"
            nbufs = case.packets + 16384
        else:
            self.in_pcap = os.path.join(self.dir, "in.pcap")
            self.out_pcap = os.path.join(self.dir, "out.pcap")
            empty = os.path.join(self.dir, "empty.pcap")
            vxrun.write_pcap(self.in_pcap, sample)
            vxrun.write_pcap(empty, [])
            rx = f"net_pcap0,rx_pcap={self.in_pcap}"
            tx = f"net_pcap1,rx_pcap={empty},tx_pcap={self.out_pcap}"
            nbufs = 16384
        mem = ["--in-memory"] if hugepages_ok() else ["--no-huge", "-m", "1024"]
        # testpmd's -l picks the forwarding lcore: main on CPU 0, forwarding on FWD_CPU
        self.cmd = ["stdbuf", "-oL", TESTPMD, "-l", f"0,{FWD_CPU}", *mem, "--no-pci",
                    "--file-prefix", self.prefix, "--vdev", rx, "--vdev", tx,
                    "--log-level=lib.eal:warning", "--",
                    "--forward-mode=io", "--auto-start", "--no-flush-rx", "--nb-cores=1",
                    "--rxq=1", "--txq=1", f"--total-num-mbufs={nbufs}", "--stats-period=1000",
                    "--no-lsc-interrupt", "--no-rmv-interrupt"]
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.pid = self.proc.pid
        self.tel = None
        try:
            sock = None
            for base in ("/var/run/dpdk", os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/x"),
                                                       "dpdk")):
                cand = os.path.join(base, self.prefix, "dpdk_telemetry.v2")
                sock = sock or cand
            _wait_path(sock, self.proc, 60, "dpdk-testpmd", self.log_path)
            self.tel = TelemetryClient(sock)
            deadline = time.monotonic() + 60
            while "Press enter" not in open(self.log_path, errors="replace").read() and \
                    not self._started():
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise EngineError("dpdk-testpmd did not start forwarding:\n"
                                      + _tail(self.log_path))
                time.sleep(0.05)
        except BaseException:  # (KeyboardInterrupt too: nothing left running)
            self.cleanup()
            raise
        self.binary = shutil.which(TESTPMD) or TESTPMD

    def _started(self):
        with open(self.log_path, errors="replace") as f:
            return "io packet forwarding" in f.read()

    def threads(self):
        # main lcore thread keeps the process name; the forwarding lcore is a worker
        return threads_named(self.pid, lambda c: "worker" in c)

    def counters(self):
        tx = self.tel.query("/ethdev/stats,1")["/ethdev/stats"]["opackets"]
        rx = self.tel.query("/ethdev/stats,0")["/ethdev/stats"]["ipackets"]
        return {"tx": tx, "rx": rx}

    def path_check(self):
        c = self.counters()
        return [] if abs(c["rx"] - c["tx"]) <= 0.02 * max(c["rx"], 1) else \
            [f"rx {c['rx']} vs tx {c['tx']}"]

    def wait_consumed(self, n, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            c = self.counters()
            if c["rx"] >= n and c["tx"] >= c["rx"]:
                return c
            time.sleep(0.05)
        return self.counters()

    def output(self):
        return vxrun.read_pcap(self.out_pcap)

    def stop(self):
        if self.tel:
            self.tel.close()
            self.tel = None
        rc = _stop_proc(self.proc, sig=signal.SIGINT)
        self.log.close()
        return [] if rc == 0 else [f"dpdk-testpmd exit status {rc}:\n{_tail(self.log_path)}"]

    def cleanup(self):
        if self.tel:
            self.tel.close()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log.closed:
            self.log.close()
        _rm_runtime(self.prefix)
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self):
        return _tail(self.log_path)


# ---------------------------------------------------------------- OVS-DPDK

class Unixctl:
    """JSON-RPC over an OVS unixctl socket: one connection, many commands."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.n = 0
        self.buf = b""
        self.dec = json.JSONDecoder()

    def call(self, method, *params):
        self.n += 1
        self.s.sendall(json.dumps({"method": method, "params": list(params),
                                   "id": self.n}).encode())
        while True:
            try:
                text = self.buf.decode()
                obj, end = self.dec.raw_decode(text)
                self.buf = text[end:].encode()
                break
            except ValueError:
                chunk = self.s.recv(1 << 20)
                if not chunk:
                    raise EngineError(f"unixctl {method}: connection closed")
                self.buf += chunk
        if obj.get("error"):
            raise EngineError(f"ovs-appctl {method} {' '.join(params)}: {obj['error']}")
        return obj.get("result") or ""

    def close(self):
        self.s.close()


def _parse_pmd_stats(text):
    """dpif-netdev/pmd-stats-show of the (only) PMD thread: name -> number."""
    out, inpmd = {}, False
    for line in text.splitlines():
        if line.startswith("pmd thread"):
            inpmd = True
            continue
        if line and not line.startswith(" "):
            inpmd = False
        if inpmd and ":" in line:
            k, v = line.strip().split(":", 1)
            try:
                out[k] = float(v.split()[0])
            except (ValueError, IndexError):
                pass
    return out


# An STP BPDU (IEEE 802.1D, to 01:80:c2:00:00:00): bridges drop it by default.
PRIMER = (bytes.fromhex("0180c2000000") + bytes.fromhex("02000000ff01") + (38).to_bytes(2, "big")
          + bytes.fromhex("424203") + bytes(35) + bytes(8))


class _FifoFeeder:
    """Writes a pcap file into a FIFO: the 24-byte header as soon as the
    reader opens it, the frames after go()."""

    def __init__(self, fifo, pcap):
        import threading
        self.fifo, self.pcap = fifo, pcap
        self.ev = threading.Event()
        self.stop = False
        self.error = None
        self.primers = 0
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        try:
            with open(self.pcap, "rb") as f:
                data = f.read()
            fd = os.open(self.fifo, os.O_WRONLY)   # blocks until net_pcap opens it
            try:
                os.write(fd, data[:24])
                # Until go(), a BPDU every few ms (NORMAL drops those): the PMD
                # reading the FIFO must not block long, or it never takes part
                # in the reconfiguration that adds the port.
                n = 0
                while not self.ev.wait(0.005):
                    os.write(fd, struct.pack("<IIII", 1700000000, n, len(PRIMER), len(PRIMER))
                             + PRIMER)
                    n += 1
                self.primers = n
                if not self.stop:
                    view = memoryview(data)[24:]
                    while view:
                        n = os.write(fd, view)
                        view = view[n:]
            finally:
                os.close(fd)
        except OSError as e:
            self.error = e

    def go(self):
        self.ev.set()

    def abort(self):
        self.stop = True
        self.ev.set()
        if self.t.is_alive():
            # unblock a writer still waiting for its reader
            try:
                fd = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
                os.close(fd)
            except OSError:
                pass
            self.t.join(timeout=2)


class OvsRun:
    engine = "ovs"

    def __init__(self, case, mode, sample=None):
        self.case, self.mode = case, mode
        self.dir = tempfile.mkdtemp(prefix="rb-ovs-")
        self.prefix = _prefix("ovs")
        self.env = dict(os.environ, OVS_RUNDIR=self.dir, OVS_DBDIR=self.dir,
                        OVS_LOGDIR=self.dir, OVS_SYSCONFDIR=self.dir)
        self.db = None
        self.vsd = None
        self.ctl = None
        self.feeder = None
        self.in_port, self.out_port = ("vm1", "up0") if case.direction == "encap" \
            else ("up0", "vm1")
        self.in_br = "br-int" if self.in_port == "vm1" else "br-phy"
        self.out_br = "br-int" if self.out_port == "vm1" else "br-phy"
        try:
            self._start(sample)
        except BaseException:  # (KeyboardInterrupt too: nothing left running)
            self.cleanup()
            raise
        self.binary = OVS_VSWITCHD

    def _run(self, *cmd, check=True):
        r = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=120)
        if check and r.returncode != 0:
            raise EngineError(f"{' '.join(cmd[:6])}...: exit {r.returncode}: "
                              f"{r.stderr.strip()[:500]}")
        return r.stdout

    def vsctl(self, *args):
        return self._run("ovs-vsctl", f"--db=unix:{self.dir}/db.sock", "--timeout=60", *args)

    def _start(self, sample):
        d, case = self.dir, self.case
        if not hugepages_ok():
            raise EngineError("OVS-DPDK needs hugepages (it runs DPDK with --in-memory): "
                              "fewer than 512 free 2 MiB pages")
        self._run("ovsdb-tool", "create", f"{d}/conf.db", OVS_SCHEMA)
        self.db_log = open(f"{d}/ovsdb.out", "wb")
        self.db = subprocess.Popen(
            ["taskset", "-c", "0", "ovsdb-server", f"{d}/conf.db", f"--remote=punix:{d}/db.sock",
             f"--unixctl={d}/ovsdb.ctl", f"--log-file={d}/ovsdb.log", "--no-chdir"],
            env=self.env, stdout=self.db_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _wait_path(f"{d}/db.sock", self.db, 20, "ovsdb-server", f"{d}/ovsdb.log")
        extra = f"--no-pci --file-prefix={self.prefix} --log-level=lib.eal:warning"
        self.vsctl("--no-wait", "init", "--", "set", "Open_vSwitch", ".",
                   "other_config:dpdk-init=true", "other_config:dpdk-lcore-mask=0x1",
                   f"other_config:pmd-cpu-mask={1 << FWD_CPU:#x}",
                   f"other_config:dpdk-extra={extra}",
                   "other_config:dpdk-socket-limit=2048",
                   "other_config:mac-table-size=200000",
                   "other_config:flow-limit=400000")
        self.vsd_log = open(f"{d}/vswitchd.out", "wb")
        # Private network namespace: the bridges' internal ports (taps) and the
        # VTEP address live there and vanish with the process. No IPv6 there,
        # so the taps send nothing by themselves.
        self.vsd = subprocess.Popen(
            ["unshare", "--net", "--", "sh", "-c",
             "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1;"
             " ip link set lo up; exec \"$@\"", "sh",
             "taskset", "-c", "0", OVS_VSWITCHD, f"unix:{d}/db.sock", f"--unixctl={d}/vswitchd.ctl",
             f"--log-file={d}/vswitchd.log", "--no-chdir"],
            env=self.env, stdout=self.vsd_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.pid = self.vsd.pid
        _wait_path(f"{d}/vswitchd.ctl", self.vsd, 60, "ovs-vswitchd-dpdk", f"{d}/vswitchd.log")
        deadline = time.monotonic() + 60
        while self.vsctl("get", "Open_vSwitch", ".", "dpdk_initialized").strip() != "true":
            if self.vsd.poll() is not None or time.monotonic() > deadline:
                raise EngineError("ovs-vswitchd-dpdk: DPDK did not initialise:\n"
                                  + _tail(f"{d}/vswitchd.log"))
            time.sleep(0.1)
        self.ctl = Unixctl(f"{d}/vswitchd.ctl")
        # devargs of the two data ports
        if self.mode == "measure":
            in_dev = f"net_pcap0,rx_pcap={case.pcap},infinite_rx=1"
            out_dev = "net_null0,no-rx=1"
        else:
            # The sample comes through a FIFO: OVS polls a new port before
            # ofproto knows it, and those packets fail their upcalls. The
            # writer sends the pcap header at once (net_pcap opens the file
            # when the port is added) and the frames only when the port is
            # in the bridge.
            self.in_pcap = f"{d}/in.pcap"
            self.out_pcap = f"{d}/out.pcap"
            vxrun.write_pcap(self.in_pcap, sample)
            vxrun.write_pcap(f"{d}/empty.pcap", [])
            fifo = f"{d}/in.fifo"
            os.mkfifo(fifo)
            self.feeder = _FifoFeeder(fifo, self.in_pcap)
            in_dev = f"net_pcap0,rx_pcap={fifo}"
            out_dev = f"net_pcap1,rx_pcap={d}/empty.pcap,tx_pcap={self.out_pcap}"
        devs = {self.in_port: in_dev, self.out_port: out_dev}
        # Everything but the input port first (the input starts sending as soon
        # as it exists): bridges, vxlan ports, output port.
        args = ["add-br", "br-phy", "--", "set", "bridge", "br-phy", "datapath_type=netdev",
                f"other_config:hwaddr={F.mac_str(F.UPLINK_MAC)}",
                "--", "add-br", "br-int", "--", "set", "bridge", "br-int", "datapath_type=netdev"]
        for j in range(case.n_remote):
            args += ["--", "add-port", "br-int", f"vx{j}", "--", "set", "Interface", f"vx{j}",
                     "type=vxlan", f"options:remote_ip={F.ip_str(F.vtep_ip(j))}",
                     f"options:key={F.VNI}", f"ofport_request={10 + j}"]
        self.vsctl(*args)
        self._add_dpdk_port(self.out_port, devs[self.out_port])
        ns = ["nsenter", "-t", str(self.pid), "-n"]
        self._run(*ns, "ip", "addr", "add", f"{F.LOCAL4_STR}/24", "dev", "br-phy")
        self._run(*ns, "ip", "link", "set", "br-phy", "up")
        # the VTEP route comes from the namespace's kernel table over netlink:
        # tunnel pushes fail until OVS has it
        deadline = time.monotonic() + 20
        while "192.0.2.0/24" not in self.ctl.call("ovs/route/show"):
            if time.monotonic() > deadline:
                raise EngineError("OVS did not learn the route to the VTEPs:\n"
                                  + self.ctl.call("ovs/route/show"))
            time.sleep(0.05)
        for j in range(case.n_remote):
            self.ctl.call("tnl/arp/set", "br-phy", F.ip_str(F.vtep_ip(j)), F.mac_str(F.nh_mac(j)))
        # NORMAL must not flood into the kernel: no flooding to the bridges'
        # own ports, and br-phy knows its own MAC on LOCAL
        for br in ("br-int", "br-phy"):
            self._run("ovs-ofctl", "mod-port", br, br, "no-flood")
        self.ctl.call("fdb/add", "br-phy", "br-phy", "0", F.mac_str(F.UPLINK_MAC))
        self._fdb(skip=self.in_port)
        time.sleep(float(os.environ.get("RB_OVS_SETTLE", "0")))
        # The input port's own MACs are sources only: NORMAL learns them from
        # the traffic (fdb/add after the port exists would race with it).
        self._add_dpdk_port(self.in_port, devs[self.in_port])
        if self.feeder:
            # the port is in ofproto once OpenFlow shows it
            deadline = time.monotonic() + 20
            while f"({self.in_port})" not in self._run("ovs-ofctl", "show", self.in_br):
                if time.monotonic() > deadline:
                    raise EngineError(f"OVS: {self.in_port} did not appear in {self.in_br}")
                time.sleep(0.05)
            time.sleep(0.3)
            self.feeder.go()

    def _add_dpdk_port(self, name, dev):
        br = "br-int" if name == "vm1" else "br-phy"
        extra = ["mtu_request=1600"] if name == "up0" else []
        self.vsctl("add-port", br, name, "--", "set", "Interface", name, "type=dpdk",
                   f"options:dpdk-devargs={dev}", f"ofport_request={1 if name == 'vm1' else 2}",
                   *extra)
        st = self.vsctl("get", "Interface", name, "error").strip()
        if st not in ("[]", ""):
            raise EngineError(f"OVS port {name} ({dev}): {st}")

    def _fdb(self, skip=None):
        """Static FDB entries for every destination: local VM MACs on vm1,
        remote VM MACs on their VTEP's vxlan port, next-hop MACs on up0
        (not for the input port, which does not exist yet)."""
        c = self.case
        if skip != "vm1":
            for i in range(c.n_local):
                self.ctl.call("fdb/add", "br-int", "vm1", "0", F.mac_str(F.local_mac(i)))
        for j in range(c.n_remote):
            self.ctl.call("fdb/add", "br-int", f"vx{j}", "0", F.mac_str(F.remote_mac(j)))
        if skip != "up0":
            for j in range(c.n_remote):
                self.ctl.call("fdb/add", "br-phy", "up0", "0", F.mac_str(F.nh_mac(j)))

    def threads(self):
        return threads_named(self.pid, lambda c: c.startswith("pmd"))

    def _port_stats(self, br, port):
        out = self._run("ovs-ofctl", "dump-ports", br, port)
        rx = tx = 0
        for line in out.splitlines():
            line = line.strip()
            if "rx pkts=" in line:
                rx = int(line.split("rx pkts=")[1].split(",")[0])
            if line.startswith("tx pkts="):
                tx = int(line.split("tx pkts=")[1].split(",")[0])
        return rx, tx

    def counters(self):
        _, tx = self._port_stats(self.out_br, self.out_port)
        rx, _ = self._port_stats(self.in_br, self.in_port)
        c = {"tx": tx, "rx": rx}
        st = _parse_pmd_stats(self.ctl.call("dpif-netdev/pmd-stats-show"))
        c["upcalls"] = int(st.get("miss with success upcall", 0) +
                           st.get("miss with failed upcall", 0))
        c["emc"] = int(st.get("emc hits", 0))
        c["megaflow"] = int(st.get("megaflow hits", 0))
        c["smc"] = int(st.get("smc hits", 0))
        return c

    def flows(self):
        """(current datapath flows, flow limit) from upcall/show."""
        text = self.ctl.call("upcall/show")
        cur = lim = None
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("flows") and "current" in line:
                try:
                    cur = int(line.split("current")[1].split(")")[0])
                    lim = int(line.split("limit")[1].split(")")[0]) if "limit" in line else None
                except (ValueError, IndexError):
                    pass
            elif line.startswith("flow limit"):
                try:
                    lim = int(line.split()[-1])
                except ValueError:
                    pass
        return cur, lim

    def path_check(self):
        c = self.counters()
        problems = []
        if abs(c["rx"] - c["tx"]) > 0.02 * max(c["rx"], 1):
            problems.append(f"rx {c['rx']} vs tx {c['tx']}")
        # flooding into the vxlan ports shows up as tx on br-int ports other than the target
        return problems

    def wait_consumed(self, n, timeout=30.0):
        deadline = time.monotonic() + timeout
        if self.feeder:
            self.feeder.t.join(timeout)
            if self.feeder.error:
                raise EngineError(f"feeding the sample to OVS: {self.feeder.error}")
            n += self.feeder.primers
        return wait_settled(self.counters, n, deadline, 0.1)

    def output(self):
        return vxrun.read_pcap(self.out_pcap)

    def stop(self):
        problems = []
        if self.ctl:
            try:
                self.ctl.close()
            except OSError:
                pass
            self.ctl = None
        if self.vsd and self.vsd.poll() is None:
            try:
                self._run("ovs-appctl", "-t", f"{self.dir}/vswitchd.ctl", "exit", check=False)
                self.vsd.wait(timeout=20)
            except (subprocess.TimeoutExpired, EngineError):
                pass
        rc = _stop_proc(self.vsd)
        if rc not in (0, None) and rc != -signal.SIGTERM:
            problems.append(f"ovs-vswitchd-dpdk exit status {rc}:\n{self.log_tail()}")
        _stop_proc(self.db)
        return problems

    def cleanup(self):
        if self.ctl:
            try:
                self.ctl.close()
            except OSError:
                pass
        if self.feeder:
            self.feeder.abort()
        for p in (self.vsd, self.db):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
        for f in ("db_log", "vsd_log"):
            if hasattr(self, f):
                getattr(self, f).close()
        _rm_runtime(self.prefix)
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self):
        return _tail(f"{self.dir}/vswitchd.log")


ENGINES = {"testpmd": TestpmdRun, "vxswd": VxswdRun, "ovs": OvsRun}


def versions():
    v = {}
    try:
        r = subprocess.run([OVS_VSWITCHD, "--version"], capture_output=True, text=True, timeout=10)
        v["ovs"] = " ".join(r.stdout.split("\n")[0].split()[-1:]) + \
            (" (" + r.stdout.split("\n")[1].strip() + ")" if "DPDK" in r.stdout else "")
    except OSError:
        v["ovs"] = "not installed"
    try:
        r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "dpdk"], capture_output=True,
                           text=True, timeout=10)
        v["dpdk"] = r.stdout.strip() or "unknown"
        r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "openvswitch-switch-dpdk"],
                           capture_output=True, text=True, timeout=10)
        v["ovs_pkg"] = r.stdout.strip() or "not installed"
    except OSError:
        v["dpdk"] = "unknown"
    return v
