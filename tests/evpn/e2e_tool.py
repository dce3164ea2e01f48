#!/usr/bin/python3
"""Helpers of tests/evpn/e2e.sh and bench/evpn.sh (run inside a namespace where needed).

  state  WHAT [KEY]      read `vxswctl show ... --json` on stdin (one or more JSON
                         documents back to back) and print:
                           status              the EVPN status line
                           counter NAME        a leaf of the evpn container (arp-nd-suppressed)
                           mac MAC             evpn-mac row "origin port vteps state"
                           vni VNI             evpn-vni row "local-macs remote-macs
                                               local-neighs remote-neighs held flood"
                           frr MAC             FRR's view in that row "local-seq remote-seq
                                               moves frr"
                           neigh IP            evpn-neigh row "mac origin state"
                           fdb MAC             fdb entry "kind port|remote-vtep"
                           fdb-count           number of fdb entries
  arp IFACE MAC IP TARGET          ARP request (broadcast); prints the answer's MAC or "none"
  ns IFACE MAC IP6 TARGET6         neighbour solicitation (solicited-node multicast); prints
                                   the advertised MAC or "none"
  frames IFACE SRC_MAC [DST_MAC] [N]  N (1) raw frames (ethertype 0x88b5) from SRC_MAC
  rarp IFACE MAC                   a live-migration announcement (RARP) for MAC
  macs IFACE PREFIX N [DST_MAC]    N frames from N MACs PREFIX:xx:yy (PREFIX = 4 bytes)
  udp-send IP PORT PPS SECONDS     numbered datagrams; prints how many were sent
  udp-recv PORT SECONDS            prints "received N max M missing K" at the end
  vxlan-inject DST VNI SRC_MAC     one VXLAN packet (UDP 4789) with an inner frame from SRC_MAC
  flows-send IP PORT FLOWS PPS SECONDS [GO_FILE]
                                   numbered datagrams over FLOWS flows (source ports 40000 +
                                   seq % FLOWS); prints how many were sent; if GO_FILE is
                                   given, waits for it to exist first
  flows-recv PORT SECONDS FILE     writes "seq source-port" of every datagram received to FILE
  flows-report FLOWS SENT FILE...  per receiver file: datagrams and flows seen; then the
                                   datagrams missing from all of them and duplicates
"""
import json
import os
import select
import socket
import struct
import sys
import time


def docs(text):
    """Every JSON document in text (vxswctl show evpn --json prints several)."""
    dec = json.JSONDecoder()
    i, out = 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        obj, i = dec.raw_decode(text, i)
        out.append(obj)


def state(args):
    what = args[0]
    st = {}
    for d in docs(sys.stdin.read()):
        st.update(d.get("vxsw:state", {}))
    if what == "status":
        print(st.get("evpn", {}).get("status", ""))
    elif what == "counter":
        print(st.get("evpn", {}).get(args[1], ""))
    elif what == "vni":
        for r in st.get("evpn-vni", []):
            if str(r["vni"]) == args[1]:
                print(*(r.get(k, "-") for k in ("local-macs", "remote-macs", "local-neighs",
                                                "remote-neighs", "held", "flood")))
    elif what == "frr":
        for r in st.get("evpn-mac", []):
            if r["mac"].lower() == args[1].lower():
                print(*(r.get(k, "-") for k in ("local-seq", "remote-seq", "moves", "frr")))
    elif what == "mac":
        for r in st.get("evpn-mac", []):
            if r["mac"].lower() == args[1].lower():
                print(r.get("origin"), r.get("port"), r.get("vteps"), r.get("state"))
    elif what == "neigh":
        for r in st.get("evpn-neigh", []):
            if r["ip"] == args[1]:
                print(r.get("mac"), r.get("origin"), r.get("state"))
    elif what == "fdb":
        for r in st.get("fdb", {}).get("entry", []):
            if r["mac"].lower() == args[1].lower():
                print(r.get("kind"), r.get("port", r.get("remote-vtep", "-")))
    elif what == "fdb-count":
        print(len(st.get("fdb", {}).get("entry", [])))
    else:
        sys.exit("state: what?")


def mac_bytes(m):
    return bytes(int(x, 16) for x in m.split(":"))


def raw(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((iface, 0))
    return s


def frames(args):
    iface, src = args[0], mac_bytes(args[1])
    dst = mac_bytes(args[2]) if len(args) > 2 else b"\xff" * 6
    n = int(args[3]) if len(args) > 3 else 1
    s = raw(iface)
    for i in range(n):
        s.send(dst + src + b"\x88\xb5" + struct.pack("!I", i) + b"\0" * 42)


def rarp(args):
    """The announcement QEMU sends for a VM after live migration: a broadcast
    RARP request (op 3) with the VM's MAC as sender and target."""
    iface, mac = args[0], mac_bytes(args[1])
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 3) + mac + b"\0" * 4 + mac + b"\0" * 4
    raw(iface).send(b"\xff" * 6 + mac + b"\x80\x35" + body + b"\0" * 18)


def macs(args):
    iface, prefix, n = args[0], mac_bytes(args[1]), int(args[2])
    dst = mac_bytes(args[3]) if len(args) > 3 else b"\xff" * 6
    s = raw(iface)
    for i in range(n):
        s.send(dst + prefix + struct.pack("!H", i) + b"\x88\xb5" + b"\0" * 46)


def arp(args):
    from scapy.all import ARP, Ether, srp1
    iface, mac, ip, target = args
    r = srp1(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
             ARP(op=1, hwsrc=mac, psrc=ip, pdst=target), iface=iface, timeout=1, verbose=False)
    print(r[ARP].hwsrc if r is not None and ARP in r and r[ARP].op == 2 else "none")


def ns(args):
    from scapy.all import (Ether, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                           ICMPv6NDOptSrcLLAddr, IPv6, in6_getnsma, in6_getnsmac, inet_pton,
                           inet_ntop, srp1)
    iface, mac, ip6, target = args
    sn = inet_ntop(socket.AF_INET6, in6_getnsma(inet_pton(socket.AF_INET6, target)))
    p = (Ether(src=mac, dst=in6_getnsmac(inet_pton(socket.AF_INET6, sn))) /
         IPv6(src=ip6, dst=sn, hlim=255) / ICMPv6ND_NS(tgt=target) / ICMPv6NDOptSrcLLAddr(lladdr=mac))
    r = srp1(p, iface=iface, timeout=1, verbose=False)
    if r is not None and ICMPv6ND_NA in r and ICMPv6NDOptDstLLAddr in r:
        print(r[ICMPv6NDOptDstLLAddr].lladdr)
    else:
        print("none")


def udp_send(args):
    ip, port, pps, secs = args[0], int(args[1]), float(args[2]), float(args[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t0 = time.monotonic()
    i = 0
    while True:
        now = time.monotonic()
        if now - t0 >= secs:
            break
        due = t0 + i / pps
        if now < due:
            time.sleep(due - now)
        try:
            s.sendto(struct.pack("!Id", i, time.monotonic()), (ip, port))
        except OSError:
            pass
        i += 1
    print(i)


def datagrams(port, secs):
    """(data, address) of every UDP datagram to port for secs seconds."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind(("0.0.0.0", port))
    end = time.monotonic() + secs
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        if select.select([s], [], [], left)[0]:
            yield s.recvfrom(64)


def udp_recv(args):
    seen = set(struct.unpack("!Id", data[:12])[0]
               for data, _ in datagrams(int(args[0]), float(args[1])))
    mx = max(seen) if seen else -1
    print("received %d max %d missing %d" % (len(seen), mx, mx + 1 - len(seen)))


def flows_send(args):
    ip, port, flows, pps, secs = args[0], int(args[1]), int(args[2]), float(args[3]), float(args[4])
    if len(args) > 5:
        while not os.path.exists(args[5]):
            time.sleep(0.01)
    socks = []
    for f in range(flows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 40000 + f))
        socks.append(s)
    t0 = time.monotonic()
    i = 0
    while time.monotonic() - t0 < secs:
        due = t0 + i / pps
        now = time.monotonic()
        if now < due:
            time.sleep(due - now)
        try:
            socks[i % flows].sendto(struct.pack("!I", i), (ip, port))
        except OSError:
            pass
        i += 1
    print(i)


def flows_recv(args):
    with open(args[2], "w") as f:
        for data, addr in datagrams(int(args[0]), float(args[1])):
            f.write("%d %d\n" % (struct.unpack("!I", data[:4])[0], addr[1]))
            f.flush()


def flows_report(args):
    flows, sent = int(args[0]), int(args[1])
    seen = {}
    for path in args[2:]:
        n, fl = 0, set()
        for line in open(path):
            seq, sport = (int(x) for x in line.split())
            seen[seq] = seen.get(seq, 0) + 1
            fl.add(sport)
            n += 1
        print("%s: %d datagrams, %d flows" % (os.path.basename(path), n, len(fl)))
    missing = [i for i in range(sent) if i not in seen]
    print("missing %d duplicates %d" % (len(missing), sum(v - 1 for v in seen.values())))


def vxlan_inject(args):
    dst, vni, src = args[0], int(args[1]), mac_bytes(args[2])
    inner = b"\xff" * 6 + src + b"\x88\xb5" + b"\0" * 46
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(struct.pack("!II", 0x08000000, vni << 8) + inner, (dst, 4789))


CMDS = {"state": state, "arp": arp, "ns": ns, "frames": frames, "macs": macs, "rarp": rarp,
        "udp-send": udp_send, "udp-recv": udp_recv, "vxlan-inject": vxlan_inject,
        "flows-send": flows_send, "flows-recv": flows_recv, "flows-report": flows_report}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CMDS:
        sys.exit(__doc__)
    CMDS[sys.argv[1]](sys.argv[2:])
    sys.stdout.flush()
    os._exit(0)
