#!/usr/bin/python3
"""EVPN convergence through vxswd, measured from one process (bench/evpn.sh runs it as root).

Sockets are opened inside the rig's namespaces (setns), so one clock (CLOCK_MONOTONIC)
times every step:
  - raw AF_PACKET sockets on eth0 of vm1 and of rhost send the "first frame" of a new MAC;
  - rtnetlink sockets (RTNLGRP_NEIGH) in hv and in the ToR see bridge fdb entries appear:
      hv  : the agent's entry on a stand-in port (local MAC), zebra's vxlan100 entry
            "dst <ToR VTEP>" (remote MAC)
      ToR : the bridge learning rhost's new MAC on rh0, zebra's vxlan100 entry "dst <hv VTEP>"
  - vxswd's FDB is watched over its control socket (what vxswctl sends): the VNI's MAC
    count in `show vni` every POLL_MS (2 ms; every 0.2 ms once zebra's entry is in the
    shadow; 5 ms in batches), then `show fdb` checks the
    MAC(s) are there; the local-learn direction does not poll (so as not to wake vxswd's
    control thread).

Usage: conv.py --hv NS --tor NS --vm1 NS --rhost NS [--sock PATH] --hv-ip IP --tor-ip IP
               --vm1-mac MAC --rh-mac MAC [--samples N] [--batch N] [--rounds N] [--json FILE]
Prints one line per sample, then a summary; --json writes every figure.
"""
import argparse
import ctypes
import json
import os
import random
import select
import socket
import statistics
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
RTM_NEWNEIGH, RTM_DELNEIGH = 28, 29
AF_BRIDGE = 7
NDA_DST, NDA_LLADDR = 1, 2
RTMGRP_NEIGH = 4
POLL_MS = 2

libc = ctypes.CDLL(None, use_errno=True)
SELF_NS = os.open("/proc/self/ns/net", os.O_RDONLY)


def in_ns(ns, fn):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns " + ns)
        return fn()
    finally:
        libc.setns(SELF_NS, CLONE_NEWNET)
        os.close(fd)


def now():
    return time.monotonic_ns()


def mac_b(m):
    return bytes(int(x, 16) for x in m.split(":"))


def mac_s(b):
    return ":".join("%02x" % x for x in b)


class NeighMon:
    """Bridge fdb notifications of one namespace: (t_ns, mac, dst or None, ifindex)."""

    def __init__(self, ns):
        def mk():
            s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
            s.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE
            s.bind((0, RTMGRP_NEIGH))
            return s
        self.sock = in_ns(ns, mk)
        self.sock.setblocking(False)
        self.overruns = 0

    def fileno(self):
        return self.sock.fileno()

    def read(self):
        out = []
        while True:
            try:
                data = self.sock.recv(1 << 20)
            except BlockingIOError:
                return out
            except OSError as e:  # ENOBUFS: events lost
                if e.errno == 105:
                    self.overruns += 1
                    continue
                raise
            t = now()
            off = 0
            while off + 16 <= len(data):
                ln, typ = struct.unpack_from("=IH", data, off)
                if ln < 16:
                    break
                if typ == RTM_NEWNEIGH and ln >= 28:
                    fam, ifindex = struct.unpack_from("=B3xi", data, off + 16)
                    if fam == AF_BRIDGE:
                        mac = dst = None
                        a = off + 28
                        while a + 4 <= off + ln:
                            alen, atype = struct.unpack_from("=HH", data, a)
                            if alen < 4:
                                break
                            val = data[a + 4:a + alen]
                            if atype == NDA_LLADDR and len(val) == 6:
                                mac = mac_s(val)
                            elif atype == NDA_DST and len(val) in (4, 16):
                                dst = socket.inet_ntop(socket.AF_INET if len(val) == 4
                                                       else socket.AF_INET6, val)
                            a += (alen + 3) & ~3
                        if mac:
                            out.append((t, mac, dst, ifindex))
                off += (ln + 3) & ~3


class Vxswd:
    def __init__(self, path):
        self.path = path

    def ask(self, *args):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.path)
        s.sendall("\x1f".join(args).encode() + b"\n")
        chunks = []
        while True:
            c = s.recv(1 << 20)
            if not c:
                break
            chunks.append(c)
        s.close()
        return b"".join(chunks).decode()

    def mac_count(self, vni="100"):
        """VNI's MAC count from `show vni` (cheap for vxswd, unlike a full `show fdb`)."""
        for line in self.ask("show", "vni").splitlines()[1:]:
            f = line.split()
            if len(f) >= 3 and f[0] == vni:
                return int(f[2])
        return -1

    def fdb_macs(self):
        macs = set()
        for line in self.ask("show", "fdb").splitlines()[1:]:
            f = line.split()
            if len(f) >= 3 and f[0].isdigit():
                macs.add(f[1])
        return macs


def raw_sock(ns, iface):
    def mk():
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        s.bind((iface, 0))
        return s
    return in_ns(ns, mk)


def frame(src, dst):
    return mac_b(dst) + mac_b(src) + b"\x88\xb5" + b"\0" * 46


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def summary(name, xs):
    if not xs:
        return {"name": name, "n": 0}
    return {"name": name, "n": len(xs), "median": statistics.median(xs), "p10": pct(xs, 10),
            "p90": pct(xs, 90), "min": min(xs), "max": max(xs)}


def send_batch(tx, macs, dst):
    """~50 frames per 0.5 ms (a burst, but not more than the rings hold at once)."""
    for k in range(0, len(macs), 50):
        for m in macs[k:k + 50]:
            tx.send(frame(m, dst))
        time.sleep(0.0005)


def batch_local(a, r, mon_hv, mon_tor, tx_vm1):
    """n new MACs from vm1: last one in the hv shadow, last one in the ToR's kernel fdb."""
    n = a.batch
    macs = ["02:3%x:00:00:%02x:%02x" % (r, i >> 8, i & 255) for i in range(n)]
    want = set(macs)
    mon_hv.read(); mon_tor.read()
    got_sh, got_tor = {}, {}
    t0 = now()
    send_batch(tx_vm1, macs, a.rh_mac)
    t_sent = now()
    end = t0 + 30_000_000_000
    while (len(got_tor) < n or len(got_sh) < n) and now() < end:
        select.select([mon_hv, mon_tor], [], [], 0.05)
        for t, m, dst, _ in mon_hv.read():
            if m in want and m not in got_sh:
                got_sh[m] = t
        for t, m, dst, _ in mon_tor.read():
            if m in want and dst == a.hv_ip and m not in got_tor:
                got_tor[m] = t
    return {"sent_ms": (t_sent - t0) / 1e6,
            "shadow": len(got_sh), "shadow_ms": (max(got_sh.values()) - t0) / 1e6 if got_sh else None,
            "tor": len(got_tor), "tor_ms": (max(got_tor.values()) - t0) / 1e6 if got_tor else None,
            "overruns": mon_hv.overruns + mon_tor.overruns}


def batch_remote(a, r, mon_hv, mon_tor, tx_rh, vx):
    """n new MACs from rhost: last one learnt by the ToR's bridge, in the hv shadow (zebra),
    in vxswd's FDB (the VNI's MAC count, polled every 5 ms)."""
    n = a.batch
    macs = ["02:4%x:00:00:%02x:%02x" % (r, i >> 8, i & 255) for i in range(n)]
    want = set(macs)
    mon_hv.read(); mon_tor.read()
    got_l, got_sh = {}, {}
    t_fdb = None
    base = vx.mac_count() if vx else 0
    t0 = now()
    send_batch(tx_rh, macs, a.vm1_mac)
    t_sent = now()
    end = t0 + 30_000_000_000
    next_poll = t0
    while (len(got_sh) < n or (vx and t_fdb is None)) and now() < end:
        select.select([mon_hv, mon_tor], [], [], 0.005)
        for t, m, dst, _ in mon_tor.read():
            if m in want and dst is None and m not in got_l:
                got_l[m] = t
        for t, m, dst, _ in mon_hv.read():
            if m in want and dst == a.tor_ip and m not in got_sh:
                got_sh[m] = t
        if vx and t_fdb is None and now() >= next_poll:
            next_poll = now() + 5_000_000
            if vx.mac_count() - base >= n:
                t_fdb = now()
    n_fdb = len(want & vx.fdb_macs()) if vx else 0
    return {"sent_ms": (t_sent - t0) / 1e6, "tor_learned": len(got_l),
            "shadow": len(got_sh), "shadow_ms": (max(got_sh.values()) - t0) / 1e6 if got_sh else None,
            "fdb": n_fdb, "fdb_ms": (t_fdb - t0) / 1e6 if t_fdb else None,
            "overruns": mon_hv.overruns + mon_tor.overruns}


def main():
    ap = argparse.ArgumentParser()
    for k in ("hv", "tor", "vm1", "rhost", "hv-ip", "tor-ip", "vm1-mac", "rh-mac"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--sock", help="vxswd's control socket; none: a kernel VTEP in hv")
    ap.add_argument("--samples", type=int, default=20)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3, help="batches each way")
    ap.add_argument("--json")
    a = ap.parse_args()

    mon_hv, mon_tor = NeighMon(a.hv), NeighMon(a.tor)
    tx_vm1, tx_rh = raw_sock(a.vm1, "eth0"), raw_sock(a.rhost, "eth0")
    vx = Vxswd(a.sock) if a.sock else None
    res = {"samples": a.samples, "batch": a.batch, "rounds": a.rounds}

    # ---- single MACs: local learn -> ToR kernel fdb
    loc_shadow, loc_tor = [], []
    for i in range(a.samples):
        mac = "02:10:00:00:%02x:%02x" % (i >> 8, i & 255)
        mon_hv.read(); mon_tor.read()
        t0 = now()
        tx_vm1.send(frame(mac, a.rh_mac))
        t_sh = t_tor = None
        end = t0 + 5_000_000_000
        while t_tor is None and now() < end:
            select.select([mon_hv, mon_tor], [], [], 0.05)
            for t, m, dst, _ in mon_hv.read():
                if m == mac and t_sh is None:
                    t_sh = t
            for t, m, dst, _ in mon_tor.read():
                if m == mac and dst == a.hv_ip:
                    t_tor = t
        sh = (t_sh - t0) / 1e6 if t_sh else None
        tr = (t_tor - t0) / 1e6 if t_tor else None
        print("local  %2d %s: in hv shadow %s ms, in ToR kernel fdb %s ms" %
              (i, mac, "%.1f" % sh if sh is not None else "-",
               "%.1f" % tr if tr is not None else "TIMEOUT"), flush=True)
        if sh is not None:
            loc_shadow.append(sh)
        if tr is not None:
            loc_tor.append(tr)
        time.sleep(0.2 + random.random() * 0.1)

    # ---- single MACs: remote first frame -> vxswd FDB
    rem_torl, rem_shadow, rem_fdb = [], [], []
    for i in range(a.samples):
        mac = "02:20:00:00:%02x:%02x" % (i >> 8, i & 255)
        mon_hv.read(); mon_tor.read()
        base = vx.mac_count() if vx else 0
        t0 = now()
        tx_rh.send(frame(mac, a.vm1_mac))
        t_l = t_sh = t_fdb = None
        end = t0 + 5_000_000_000
        next_poll = t0
        while (t_fdb if vx else t_sh) is None and now() < end:
            select.select([mon_hv, mon_tor], [], [], POLL_MS / 1000 if t_sh is None else 0.0002)
            for t, m, dst, _ in mon_tor.read():
                if m == mac and t_l is None and dst is None:
                    t_l = t
            for t, m, dst, _ in mon_hv.read():
                if m == mac and dst == a.tor_ip and t_sh is None:
                    t_sh = t
            if vx and now() >= next_poll:
                # every POLL_MS, every 0.2 ms once zebra has put it in the shadow
                next_poll = now() + (POLL_MS * 1_000_000 if t_sh is None else 200_000)
                if vx.mac_count() > base:
                    t_fdb = now()
        if t_fdb is not None and mac not in vx.fdb_macs():
            print("remote %d: the MAC count rose but %s is not in the FDB" % (i, mac))
            t_fdb = None
        vals = [(x - t0) / 1e6 if x else None for x in (t_l, t_sh, t_fdb)]
        print("remote %2d %s: ToR learns %s ms, in hv shadow %s ms, in vxswd FDB %s ms" % (
            (i, mac) + tuple("%.1f" % v if v is not None else "-" for v in vals)), flush=True)
        for lst, v in zip((rem_torl, rem_shadow, rem_fdb), vals):
            if v is not None:
                lst.append(v)
        time.sleep(0.2 + random.random() * 0.1)

    res["single"] = [summary("local: first frame -> hv shadow (vxswd + agent)", loc_shadow),
                     summary("local: first frame -> ToR kernel fdb", loc_tor),
                     summary("remote: first frame -> ToR bridge learns", rem_torl),
                     summary("remote: first frame -> hv shadow (zebra)", rem_shadow),
                     summary("remote: first frame -> vxswd FDB", rem_fdb)]
    # the agent's own share, per sample pair
    res["single"].append(summary("remote: hv shadow -> vxswd FDB (agent; polled every 0.2 ms)",
                                 [f - s for f, s in zip(rem_fdb, rem_shadow)]
                                 if len(rem_fdb) == len(rem_shadow) else []))

    # ---- batches, a.rounds of each
    n = a.batch
    if n > 0:
        res["batch_local"], res["batch_remote"] = [], []
        for r in range(a.rounds):
            res["batch_local"].append(batch_local(a, r, mon_hv, mon_tor, tx_vm1))
            print("batch local  %d, round %d: %s" % (n, r, res["batch_local"][-1]), flush=True)
            time.sleep(1)
            res["batch_remote"].append(batch_remote(a, r, mon_hv, mon_tor, tx_rh, vx))
            print("batch remote %d, round %d: %s" % (n, r, res["batch_remote"][-1]), flush=True)
            time.sleep(1)

    for s in res["single"]:
        if s["n"]:
            print("%-48s n=%2d median %6.1f ms  p10 %6.1f  p90 %6.1f  max %6.1f" % (
                s["name"], s["n"], s["median"], s["p10"], s["p90"], s["max"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
