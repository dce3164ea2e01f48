#!/usr/bin/python3
"""pcap replay tests: vxswd forwarding checked frame by frame.

Each case crafts input frames with scapy, writes a vxswd config whose ports are
all net_pcap files (next hops static, so no kernel is involved), runs vxswd
until every input frame has been received (rx counters of `vxswctl show ports
--json`), stops it with SIGTERM (exit status must be 0) and compares every
output pcap with frames built here independently: exact bytes, except the
VXLAN UDP source port, which must be in 49152..65535 and the same for all
frames of one inner flow.

net_pcap starts reading its files as soon as the ports start, and two ports'
files have no order between them. So the cases only rely on order within one
ingress port, put all forwarding state in the static config, and where
learning could race with forwarding they are built so that both outcomes
deliver the same frames (e.g. a VNI with a single local port).

Usage: replay.py [-k SUBSTRING] [--keep] [--list] [-v]
Prints "PASS name" / "FAIL name" per case and "N passed, N failed".
"""
import argparse
import os
import struct
import sys
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vxrun  # noqa: E402

try:
    from scapy.layers.inet import ICMP, IP, TCP, UDP, IPOption
    from scapy.layers.inet6 import ICMPv6ND_NS, IPv6
    from scapy.layers.l2 import ARP, Dot1AD, Dot1Q, Ether
    from scapy.packet import Raw
except ImportError:
    print("replay: python3-scapy is missing (scripts/setup.sh installs it)", file=sys.stderr)
    sys.exit(2)

# ---- addresses used by every case ----
LOCAL4, LOCAL6 = "192.0.2.1", "2001:db8::1"
VTEP2, VTEP3, VTEP6 = "192.0.2.2", "192.0.2.3", "2001:db8::2"
NH2, NH3, NH6 = "02:00:00:aa:00:02", "02:00:00:aa:00:03", "02:00:00:aa:00:06"
TTL = 17          # not the default (64): the outer TTL must come from the config
VXLAN_PORT = 4789
BCAST = "ff:ff:ff:ff:ff:ff"

A = "02:00:00:00:01:01"   # a VM behind vm1
B = "02:00:00:00:01:02"   # a VM behind vm2
T = "02:00:00:00:01:10"   # a VM behind the trunk port
U = "02:00:00:00:09:99"   # a unicast MAC nobody has
R = "02:00:00:00:02:01"   # remote VMs
R2 = "02:00:00:00:02:02"
R3 = "02:00:00:00:02:03"
R6 = "02:00:00:00:02:06"


def mac_bytes(m):
    return bytes(int(x, 16) for x in m.split(":"))


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


# ---- frame builders ----

def pad(pkt, size):
    """pkt (scapy) as bytes, padded with a payload up to size bytes."""
    raw = bytes(pkt)
    if len(raw) > size:
        raise ValueError(f"frame of {len(raw)} bytes does not fit in {size}")
    return bytes(pkt / Raw(bytes((i * 7) & 0xff for i in range(size - len(raw)))))


def udp_frame(dst, src, size=100, sip="10.0.0.1", dip="10.0.0.2", sport=1000, dport=2000):
    return pad(Ether(dst=dst, src=src) / IP(src=sip, dst=dip, ttl=64) /
               UDP(sport=sport, dport=dport), size)


def tcp_frame(dst, src, size=80, sip="10.0.0.1", dip="10.0.0.2", sport=40000, dport=80):
    return pad(Ether(dst=dst, src=src) / IP(src=sip, dst=dip) /
               TCP(sport=sport, dport=dport, flags="S"), size)


def arp_request(src, sip="10.0.0.1", tip="10.0.0.9"):
    return pad(Ether(dst=BCAST, src=src) / ARP(op=1, hwsrc=src, psrc=sip, pdst=tip), 60)


def vxlan_hdr(vni, flags=0x08):
    return bytes([flags, 0, 0, 0]) + vni.to_bytes(3, "big") + b"\x00"


def vxlan_in(inner, vni, src_ip=VTEP2, dst_ip=LOCAL4, smac=NH2, dmac="02:70:63:61:70:00",
             flags=0x08, sport=50001, dport=VXLAN_PORT):
    """A VXLAN frame as a remote VTEP sends it to us."""
    payload = Raw(vxlan_hdr(vni, flags) + bytes(inner))
    if ":" in dst_ip:
        return bytes(Ether(dst=dmac, src=smac) / IPv6(src=src_ip, dst=dst_ip, hlim=64) /
                     UDP(sport=sport, dport=dport) / payload)
    return bytes(Ether(dst=dmac, src=smac) / IP(src=src_ip, dst=dst_ip, ttl=64, flags="DF", id=7) /
                 UDP(sport=sport, dport=dport, chksum=0) / payload)


def tagged(frame, vid, pcp=0, tpid=0x8100):
    """frame with an 802.1Q tag inserted after the MACs."""
    frame = bytes(frame)
    return frame[:12] + struct.pack("!HH", tpid, (pcp << 13) | vid) + frame[12:]


def csum16(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


class Vx:
    """An expected VXLAN frame whose UDP source port is only known within limits."""

    def __init__(self, dmac, smac, sip, dip, vni, inner, flow, ttl=TTL):
        self.dmac, self.smac, self.sip, self.dip = dmac, smac, sip, dip
        self.vni, self.inner, self.flow, self.ttl = vni, bytes(inner), flow, ttl
        self.v6 = ":" in dip

    def build(self, sport):
        payload = Raw(vxlan_hdr(self.vni) + self.inner)
        if self.v6:
            return bytes(Ether(dst=self.dmac, src=self.smac, type=0x86DD) /
                         IPv6(src=self.sip, dst=self.dip, hlim=self.ttl, tc=0, fl=0, nh=17) /
                         UDP(sport=sport, dport=VXLAN_PORT) / payload)
        return bytes(Ether(dst=self.dmac, src=self.smac, type=0x0800) /
                     IP(src=self.sip, dst=self.dip, ttl=self.ttl, id=0, tos=0, flags="DF",
                        frag=0, proto=17) /
                     UDP(sport=sport, dport=VXLAN_PORT, chksum=0) / payload)

    def __repr__(self):
        return f"VXLAN(vni {self.vni} {self.sip}->{self.dip}, flow {self.flow})"


def vxlan_sport(frame):
    """The UDP source port of a VXLAN frame, or None if it is not one."""
    if len(frame) < 14:
        return None
    et = frame[12:14]
    off = 34 if et == b"\x08\x00" else 54 if et == b"\x86\xdd" else None
    if off is None or len(frame) < off + 8:
        return None
    return struct.unpack("!H", frame[off:off + 2])[0]


def outer_problems(frame):
    """Independent checks of an encapsulated frame's outer headers (clearer
    messages than a byte diff): IPv4 DF, header checksum, UDP checksum 0;
    IPv6 UDP checksum valid; UDP port; VXLAN I flag."""
    p = []
    et = frame[12:14]
    if et == b"\x08\x00":
        ip = frame[14:34]
        if csum16(ip) != 0xffff:
            p.append("IPv4 header checksum invalid")
        if not (ip[6] & 0x40):
            p.append("IPv4 DF not set")
        if ip[6] & 0x3f or ip[7]:
            p.append("IPv4 fragment offset/MF set")
        if ip[8] != TTL:
            p.append(f"IPv4 TTL {ip[8]}, config says {TTL}")
        udp = frame[34:42]
        if udp[6:8] != b"\x00\x00":
            p.append(f"IPv4 UDP checksum {udp[6:8].hex()}, expected 0")
        vx = frame[42:50]
    elif et == b"\x86\xdd":
        ip6 = frame[14:54]
        udp = frame[54:62]
        if ip6[7] != TTL:
            p.append(f"IPv6 hop limit {ip6[7]}, config says {TTL}")
        plen = struct.unpack("!H", ip6[4:6])[0]
        seg = frame[54:54 + plen]
        pseudo = ip6[8:40] + struct.pack("!IxxxB", plen, 17)
        if udp[6:8] == b"\x00\x00":
            p.append("IPv6 UDP checksum is 0")
        elif csum16(pseudo + seg) != 0xffff:
            p.append("IPv6 UDP checksum invalid")
        vx = frame[62:70]
    else:
        return [f"not IPv4/IPv6 (ethertype {et.hex()})"]
    if struct.unpack("!H", udp[2:4])[0] != VXLAN_PORT:
        p.append(f"UDP destination port {struct.unpack('!H', udp[2:4])[0]}")
    sport = struct.unpack("!H", udp[0:2])[0]
    if not 49152 <= sport <= 65535:
        p.append(f"UDP source port {sport} outside 49152..65535")
    if len(vx) < 8 or vx[0] != 0x08:
        p.append(f"VXLAN flags {vx[:1].hex()}, expected 08")
    return p


def first_diff(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return min(len(a), len(b))


def describe(frame):
    try:
        return Ether(frame).summary()
    except Exception:  # noqa: BLE001 - a description only
        return frame[:32].hex()


# ---- the test harness ----

class Case:
    def __init__(self, name, keep, verbose):
        self.name, self.keep, self.verbose = name, keep, verbose
        self.errors = []
        self.daemons = []

    def check(self, cond, msg):
        if not cond:
            self.errors.append(msg)
        return cond

    def daemon(self, **kw):
        d = vxrun.Vxswd(self.name, keep=self.keep, **kw)
        d.vtep = {"local-ipv4": LOCAL4, "local-ipv6": LOCAL6, "ttl": TTL}
        self.daemons.append(d)
        return d

    def run(self, d, settle=0.2):
        """Start, wait for all input to be consumed, let the workers and the
        control thread finish the last burst (tx flush, learn events)."""
        d.start()
        d.wait_consumed()
        time.sleep(settle)

    def stop(self, d):
        rc = d.stop()
        self.check(rc == 0, f"vxswd exit status {rc} after SIGTERM, expected 0\n{d.log_tail()}")

    def expect_port(self, d, port, expected, ordered=True):
        """Compare a port's output with expected frames (bytes or Vx)."""
        got = d.output(port)
        exp = list(expected)
        flows = {}
        if len(got) != len(exp):
            self.errors.append(f"{port}: {len(got)} frames out, expected {len(exp)}")
            for i, g in enumerate(got[:12]):
                self.errors.append(f"    got[{i}] {describe(g)}")
            for i, e in enumerate(exp[:12]):
                self.errors.append(f"    exp[{i}] {e!r}" if isinstance(e, Vx)
                                   else f"    exp[{i}] {describe(e)}")
            return
        if ordered:
            pairs = list(zip(got, exp))
        else:
            pairs, left = [], list(exp)
            for g in got:
                match = next((e for e in left if self._matches(g, e)), None)
                if match is None:
                    self.errors.append(f"{port}: unexpected frame {describe(g)}")
                    continue
                left.remove(match)
                pairs.append((g, match))
        for i, (g, e) in enumerate(pairs):
            if isinstance(e, Vx):
                for prob in outer_problems(g):
                    self.errors.append(f"{port} frame {i}: {prob}")
                sport = vxlan_sport(g)
                if sport is None:
                    self.errors.append(f"{port} frame {i}: not a VXLAN frame: {describe(g)}")
                    continue
                flows.setdefault(e.flow, set()).add(sport)
                want = e.build(sport)
            else:
                want = e
            if g != want:
                at = first_diff(g, want)
                self.errors.append(
                    f"{port} frame {i}: differs at byte {at} (len {len(g)} vs {len(want)})\n"
                    f"      got {g[max(0, at - 8):at + 16].hex()}\n"
                    f"      exp {want[max(0, at - 8):at + 16].hex()}\n"
                    f"      got {describe(g)}\n      exp {describe(want)}")
        for flow, ports in flows.items():
            self.check(len(ports) == 1,
                       f"{port}: frames of flow {flow} left with different UDP source "
                       f"ports {sorted(ports)}")

    def _matches(self, g, e):
        if isinstance(e, Vx):
            s = vxlan_sport(g)
            return s is not None and e.build(s) == g
        return g == e

    def expect_drops(self, d, expected):
        """Every drop counter equal to expected (absent = 0)."""
        drops = d.drops()
        for name in expected:
            self.check(name in drops, f"drop reason '{name}' missing from show drops")
        for name, v in sorted(drops.items()):
            want = expected.get(name, 0)
            self.check(v == want, f"drop counter {name} = {v}, expected {want}")
        return drops

    def wait_fdb(self, d, want, timeout=5.0):
        """Poll show fdb until every (vni, mac) of want is present."""
        deadline = time.monotonic() + timeout
        while True:
            entries = {(int(e["vni"]), e["mac"].lower()): e for e in d.fdb()}
            if all(k in entries for k in want) or time.monotonic() > deadline:
                return entries
            time.sleep(0.05)

    def cleanup(self):
        for d in self.daemons:
            d.cleanup()


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def std_ports(d, vm1_in=(), vm2_in=(), up_in=(), vm2_vni=100, up_mtu=None):
    d.add_port("vm1", "vm", vm1_in, access_vni=100)
    d.add_port("vm2", "vm", vm2_in, access_vni=vm2_vni)
    extra = {"mtu": up_mtu} if up_mtu else {}
    d.add_port("up0", "uplink", up_in, **extra)


# ---- cases ----

@case
def encap_ipv4(t):
    """VM frame to a MAC statically mapped to a remote IPv4 VTEP: one VXLAN
    frame on the uplink, outer headers exact, inner frame untouched."""
    frames = [
        ("f1", udp_frame(R, A, 60)),
        ("f1", udp_frame(R, A, 200)),                     # same flow, other payload
        ("f2", udp_frame(R, A, 128, sport=1001)),
        ("f3", tcp_frame(R, A)),
        ("f1", udp_frame(R, A, 1400)),
        ("f4", pad(Ether(dst=R, src=A) / IPv6(src="fd00::1", dst="fd00::2") /
                   UDP(sport=7, dport=9), 90)),
    ]
    d = t.daemon()
    std_ports(d, vm1_in=[f for _, f in frames])
    d.vnis = [{"id": 100}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}]
    d.static_fdb = [{"vni": 100, "mac": R, "remote-vtep": VTEP2}]
    t.run(d)
    vni = d.vni_stats().get(100, {})
    t.check(vni.get("encap-packets") == len(frames),
            f"vni 100 encap-packets {vni.get('encap-packets')}, expected {len(frames)}")
    vt = d.vtep_stats().get(VTEP2, {})
    t.check(str(vt.get("tx-packets")) == str(len(frames)),
            f"vtep {VTEP2} tx-packets {vt.get('tx-packets')}, expected {len(frames)}")
    t.check(str(vt.get("resolved")).lower() == "true", f"vtep {VTEP2} not resolved: {vt}")
    t.expect_drops(d, {})
    t.stop(d)
    src = mac_str(d.pcap_mac("up0"))
    t.expect_port(d, "up0", [Vx(NH2, src, LOCAL4, VTEP2, 100, f, flow) for flow, f in frames])
    t.expect_port(d, "vm1", [])
    t.expect_port(d, "vm2", [])


@case
def encap_ipv6(t):
    """The same over an IPv6 underlay: outer IPv6, valid UDP checksum."""
    frames = [
        ("f1", udp_frame(R6, A, 60)),
        ("f2", udp_frame(R6, A, 333, sport=5555, dport=6666)),
        ("f1", udp_frame(R6, A, 1000)),
        ("f3", tcp_frame(R6, A, 66)),
    ]
    d = t.daemon()
    std_ports(d, vm1_in=[f for _, f in frames])
    d.vnis = [{"id": 100}]
    d.nexthops = [{"vtep": VTEP6, "mac": NH6}]
    d.static_fdb = [{"vni": 100, "mac": R6, "remote-vtep": VTEP6}]
    t.run(d)
    t.expect_drops(d, {})
    t.stop(d)
    src = mac_str(d.pcap_mac("up0"))
    t.expect_port(d, "up0", [Vx(NH6, src, LOCAL6, VTEP6, 100, f, flow) for flow, f in frames])
    t.expect_port(d, "vm2", [])


@case
def decap(t):
    """VXLAN from the uplink: inner frame to the port of its static entry,
    BUM and unknown unicast to every local port of the VNI and never back to
    the uplink (split horizon), known-remote destinations dropped. Outer
    IPv6, outer IPv4 options and Ethernet padding after the datagram are
    handled; the inner frame comes out byte for byte."""
    i_a = udp_frame(A, R2, 100)
    i_b = udp_frame(B, R2, 120, sport=3)
    i_bc = arp_request(R2)
    i_unk = udp_frame(U, R2, 90)
    i_a6 = udp_frame(A, R3, 150, sip="10.0.0.3")
    i_rem = udp_frame(R, R2, 70)
    i_mc = pad(Ether(dst="33:33:00:00:00:01", src=R2) / IPv6(src="fe80::2", dst="ff02::1") /
               UDP(sport=5, dport=5), 80)
    i_pad = udp_frame(A, R2, 64, sport=11)
    i_opt = udp_frame(B, R2, 64, sport=12)
    d = t.daemon()
    up_mac = "02:70:63:61:70:02"
    # Outer IPv4 with 4 bytes of options (NOP NOP NOP EOL), IHL 6.
    with_opts = bytes(Ether(dst=up_mac, src=NH2) /
                      IP(src=VTEP2, dst=LOCAL4, options=[IPOption(b"\x01\x01\x01\x00")]) /
                      UDP(sport=50002, dport=VXLAN_PORT, chksum=0) /
                      Raw(vxlan_hdr(100) + i_opt))
    inputs = [
        vxlan_in(i_a, 100, dmac=up_mac),
        vxlan_in(i_b, 100, dmac=up_mac),
        vxlan_in(i_bc, 100, dmac=up_mac),
        vxlan_in(i_unk, 100, dmac=up_mac),
        vxlan_in(i_a6, 100, src_ip=VTEP6, dst_ip=LOCAL6, smac=NH6, dmac=up_mac),
        vxlan_in(i_rem, 100, dmac=up_mac),
        vxlan_in(i_mc, 100, dmac=up_mac),
        vxlan_in(i_pad, 100, dmac=up_mac) + bytes(range(1, 11)),   # trailing padding
        with_opts,
    ]
    std_ports(d, up_in=inputs)
    # A flood list with resolved VTEPs: re-flooding decapsulated BUM to the
    # underlay would show up as VXLAN frames on up0.
    d.vnis = [{"id": 100, "flood-vtep": [VTEP2, VTEP3]}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}, {"vtep": VTEP3, "mac": NH3}]
    d.static_fdb = [{"vni": 100, "mac": A, "port": "vm1"},
                    {"vni": 100, "mac": B, "port": "vm2"},
                    {"vni": 100, "mac": R, "remote-vtep": VTEP2}]
    t.run(d)
    t.check(up_mac == mac_str(d.pcap_mac("up0")), "uplink MAC assumption")
    vni = d.vni_stats().get(100, {})
    t.check(vni.get("decap-packets") == len(inputs),
            f"vni 100 decap-packets {vni.get('decap-packets')}, expected {len(inputs)}")
    t.expect_drops(d, {"split-horizon": 1})
    t.stop(d)
    t.expect_port(d, "vm1", [i_a, i_bc, i_unk, i_a6, i_mc, i_pad])
    t.expect_port(d, "vm2", [i_b, i_bc, i_unk, i_mc, i_opt])
    t.expect_port(d, "up0", [])


@case
def flood(t):
    """BUM from a VM: a copy to the other local port of the VNI and one VXLAN
    copy per VTEP of the flood list (head-end replication); nothing to a port
    of another VNI."""
    b1 = arp_request(A)
    b2 = pad(Ether(dst="01:00:5e:00:00:fb", src=A) / IP(src="10.0.0.1", dst="224.0.0.251") /
             UDP(sport=5353, dport=5353), 100)
    b3 = udp_frame(U, A, 77)
    d = t.daemon()
    d.add_port("vm1", "vm", [b1, b2, b3], access_vni=100)
    d.add_port("vm2", "vm", access_vni=100)
    d.add_port("vm3", "vm", access_vni=200)
    d.add_port("up0", "uplink")
    d.vnis = [{"id": 100, "flood-vtep": [VTEP2, VTEP3]}, {"id": 200, "flood-vtep": [VTEP6]}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}, {"vtep": VTEP3, "mac": NH3},
                  {"vtep": VTEP6, "mac": NH6}]
    t.run(d)
    vni = d.vni_stats()
    t.check(vni.get(100, {}).get("encap-packets") == 6,
            f"vni 100 encap-packets {vni.get(100, {}).get('encap-packets')}, expected 6")
    vt = d.vtep_stats()
    for ip, n in ((VTEP2, 3), (VTEP3, 3), (VTEP6, 0)):
        t.check(str(vt.get(ip, {}).get("tx-packets")) == str(n),
                f"vtep {ip} tx-packets {vt.get(ip, {}).get('tx-packets')}, expected {n}")
    t.expect_drops(d, {})
    t.stop(d)
    src = mac_str(d.pcap_mac("up0"))
    exp = []
    for name, f in (("b1", b1), ("b2", b2), ("b3", b3)):
        exp += [Vx(NH2, src, LOCAL4, VTEP2, 100, f, name), Vx(NH3, src, LOCAL4, VTEP3, 100, f, name)]
    t.expect_port(d, "up0", exp)
    t.expect_port(d, "vm2", [b1, b2, b3])
    t.expect_port(d, "vm3", [])
    t.expect_port(d, "vm1", [])


@case
def trunk(t):
    """Trunk port: VLAN 10 -> VNI 100 and 20 -> VNI 200, encapsulated without
    the tag; decapsulated frames to the trunk come out tagged with the VNI's
    VLAN; unmapped VLANs, untagged frames on a trunk and tagged frames on an
    access port are dropped and counted."""
    p10 = udp_frame(R, T, 100)
    p20 = udp_frame(R, T, 110, sport=20)
    acc = udp_frame(R, A, 90, sport=30)
    vmt_in = [
        tagged(p10, 10),
        tagged(p20, 20, pcp=5),
        tagged(udp_frame(R, T, 100), 30),                  # VLAN 30: not mapped
        udp_frame(R, T, 100),                              # untagged on a trunk
        tagged(udp_frame(R, T, 100), 10, tpid=0x88A8),     # 802.1ad on a trunk
    ]
    vm1_in = [tagged(udp_frame(R, A, 100), 10), acc]
    u1 = udp_frame(T, R, 100)
    u2 = udp_frame(T, R, 130, sport=99)
    u3 = udp_frame(A, R, 140)
    u4 = arp_request(R)
    up_in = [vxlan_in(u1, 100), vxlan_in(u2, 200), vxlan_in(u3, 100), vxlan_in(u4, 100)]
    d = t.daemon()
    d.add_port("vm1", "vm", vm1_in, access_vni=100)
    d.add_port("vmt", "vm", vmt_in, mode="trunk",
               vlan=[{"id": 10, "vni": 100}, {"id": 20, "vni": 200}])
    d.add_port("up0", "uplink", up_in)
    d.vnis = [{"id": 100}, {"id": 200}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}]
    d.static_fdb = [{"vni": 100, "mac": R, "remote-vtep": VTEP2},
                    {"vni": 200, "mac": R, "remote-vtep": VTEP2},
                    {"vni": 100, "mac": T, "port": "vmt"},
                    {"vni": 200, "mac": T, "port": "vmt"},
                    {"vni": 100, "mac": A, "port": "vm1"}]
    t.run(d)
    t.expect_drops(d, {"vlan-not-allowed": 3, "tagged-on-access-port": 1})
    t.stop(d)
    src = mac_str(d.pcap_mac("up0"))
    # Two ingress ports feed up0: no order between them.
    t.expect_port(d, "up0", [Vx(NH2, src, LOCAL4, VTEP2, 100, p10, "p10"),
                             Vx(NH2, src, LOCAL4, VTEP2, 200, p20, "p20"),
                             Vx(NH2, src, LOCAL4, VTEP2, 100, acc, "acc")], ordered=False)
    t.expect_port(d, "vmt", [tagged(u1, 10), tagged(u2, 20), tagged(u4, 10)])
    t.expect_port(d, "vm1", [u3, u4])


@case
def isolation(t):
    """Two VNIs using the same MAC addresses do not leak into each other."""
    S, M = "02:00:00:00:05:05", "02:00:00:00:06:06"
    i1 = udp_frame(M, S, 100, sip="10.1.0.1", dip="10.1.0.2")
    i2 = arp_request(S, sip="10.1.0.1")
    j1 = udp_frame(M, S, 100, sip="10.2.0.1", dip="10.2.0.2")
    j2 = arp_request(S, sip="10.2.0.1")
    # Each VNI has a single local port, so whether S is learned yet or not,
    # these go to that port only.
    k1 = udp_frame(S, M, 100, sip="10.1.0.2", dip="10.1.0.1")
    k2 = udp_frame(S, M, 100, sip="10.2.0.2", dip="10.2.0.1")
    k3 = arp_request(M, sip="10.1.0.2")
    k4 = arp_request(M, sip="10.2.0.2")
    up_in = [vxlan_in(k1, 100), vxlan_in(k2, 200, src_ip=VTEP3, smac=NH3),
             vxlan_in(k3, 100), vxlan_in(k4, 200, src_ip=VTEP3, smac=NH3)]
    d = t.daemon()
    std_ports(d, vm1_in=[i1, i2], vm2_in=[j1, j2], up_in=up_in, vm2_vni=200)
    d.vnis = [{"id": 100, "flood-vtep": [VTEP2]}, {"id": 200, "flood-vtep": [VTEP3]}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}, {"vtep": VTEP3, "mac": NH3}]
    d.static_fdb = [{"vni": 100, "mac": M, "remote-vtep": VTEP2},
                    {"vni": 200, "mac": M, "remote-vtep": VTEP3}]
    t.run(d)
    fdb = t.wait_fdb(d, [(100, S), (200, S)])
    for vni, port in ((100, "vm1"), (200, "vm2")):
        e = fdb.get((vni, S))
        t.check(e is not None and e.get("kind") == "local" and e.get("port") == port,
                f"fdb vni {vni} {S}: {e}, expected local on {port}")
    t.expect_drops(d, {})
    t.stop(d)
    src = mac_str(d.pcap_mac("up0"))
    t.expect_port(d, "up0", [Vx(NH2, src, LOCAL4, VTEP2, 100, i1, "i1"),
                             Vx(NH2, src, LOCAL4, VTEP2, 100, i2, "i2"),
                             Vx(NH3, src, LOCAL4, VTEP3, 200, j1, "j1"),
                             Vx(NH3, src, LOCAL4, VTEP3, 200, j2, "j2")], ordered=False)
    t.expect_port(d, "vm1", [k1, k3])
    t.expect_port(d, "vm2", [k2, k4])


def punt_frames(up_mac):
    """Uplink frames that are not VXLAN for us: the host's business."""
    inner = udp_frame(A, R, 100)
    return [
        pad(Ether(dst=BCAST, src=NH2) / ARP(op=1, hwsrc=NH2, psrc=VTEP2, pdst=LOCAL4), 60),
        pad(Ether(dst=up_mac, src=NH2) / IP(src=VTEP2, dst=LOCAL4) / UDP(sport=33333, dport=53),
            80),
        vxlan_in(inner, 100, dst_ip="198.51.100.7", dmac=up_mac),       # VXLAN, not to us
        pad(Ether(dst=up_mac, src=NH2) / IP(src=VTEP2, dst=LOCAL4) / ICMP(), 64),
        bytes(Ether(dst="33:33:ff:00:00:01", src=NH6) /
              IPv6(src="fe80::2", dst="ff02::1:ff00:1", hlim=255) / ICMPv6ND_NS(tgt=LOCAL6)),
        tagged(vxlan_in(inner, 100, dmac=up_mac), 5),                    # outer 802.1Q
        vxlan_in(inner, 100, dmac=up_mac, dport=4790),                  # another UDP port
    ]


@case
def decap_drops(t):
    """Malformed VXLAN to us: each dropped with exactly its counter, nothing
    delivered, nothing learned. Frames for the host (not VXLAN to us) are
    dropped as no-host-port when there is no host port."""
    up_mac = "02:70:63:61:70:01"
    inner = udp_frame(A, R, 100)

    def v4(flags=0x08, vni=100, inner=inner):
        return vxlan_in(inner, vni, dmac=up_mac, flags=flags)

    def patch(frame, off, data):
        return frame[:off] + data + frame[off + len(data):]

    def ip_cksum(frame):                # recompute the IPv4 header checksum
        f = patch(frame, 24, b"\x00\x00")
        ihl = (f[14] & 0xf) * 4
        return patch(f, 24, struct.pack("!H", 0xffff - csum16(f[14:14 + ihl])))

    good = v4()
    frag_first = bytes(Ether(dst=up_mac, src=NH2) /
                       IP(src=VTEP2, dst=LOCAL4, flags="MF", id=9) /
                       UDP(sport=50001, dport=VXLAN_PORT, len=8 + 8 + len(inner)) /
                       Raw(vxlan_hdr(100) + inner[:40]))
    frag_later = bytes(Ether(dst=up_mac, src=NH2) /
                       IP(src=VTEP2, dst=LOCAL4, frag=6, id=9, proto=17) / Raw(inner[40:]))
    bad_udp_len = patch(good, 38, struct.pack("!H", len(good) - 34 + 8))
    udp_cut = bytes(Ether(dst=up_mac, src=NH2) / IP(src=VTEP2, dst=LOCAL4, proto=17) /
                    Raw(b"\xc3\x51"))
    v6_bad = patch(vxlan_in(inner, 100, src_ip=VTEP6, dst_ip=LOCAL6, smac=NH6, dmac=up_mac),
                   18, struct.pack("!H", 2000))
    bad_ihl = ip_cksum(patch(good, 14, b"\x44"))
    drop_inputs = [
        (v4(flags=0x00), "vxlan-i-flag-clear"),
        (v4(flags=0x00), "vxlan-i-flag-clear"),
        (v4(vni=999), "unknown-vni"),
        (patch(good, 24, struct.pack("!H", struct.unpack("!H", good[24:26])[0] ^ 0x1234)),
         "ipv4-bad-checksum"),
        (frag_first, "ipv4-fragment"),
        (frag_later, "ipv4-fragment"),
        (good[:14 + 12], "truncated"),                   # not even an IPv4 header
        (udp_cut, "truncated"),                          # UDP header cut short
        (v4(inner=tagged(inner, 10)), "inner-vlan-tagged"),
        (v4(inner=inner[:10]), "inner-truncated"),
        (bad_udp_len, "udp-bad-length"),
        (bad_ihl, "ipv4-bad-header"),
        (v6_bad, "ipv6-bad-header"),
    ]
    punts = punt_frames(up_mac)
    up_in = [f for f, _ in drop_inputs[:7]] + punts + [f for f, _ in drop_inputs[7:]]
    d = t.daemon()
    d.add_port("vm1", "vm", access_vni=100)
    d.add_port("up0", "uplink", up_in)
    d.vnis = [{"id": 100}]
    d.static_fdb = [{"vni": 100, "mac": A, "port": "vm1"}]
    t.run(d)
    t.check(up_mac == mac_str(d.pcap_mac("up0")), "uplink MAC assumption")
    want = {"no-host-port": len(punts)}
    for _, name in drop_inputs:
        want[name] = want.get(name, 0) + 1
    t.expect_drops(d, want)
    fdb = d.fdb()
    t.check(len(fdb) == 1, f"fdb holds {len(fdb)} entries, expected only the static one: {fdb}")
    t.stop(d)
    t.expect_port(d, "vm1", [])
    t.expect_port(d, "up0", [])


@case
def host_port(t):
    """With a host port: frames on the uplink that are not VXLAN for us are
    punted to it unchanged; frames from it go out of the first uplink
    unchanged; the outer source MAC of encapsulated frames is the host
    interface's MAC."""
    tap_mac = "02:00:00:00:ee:01"
    up_mac = "02:70:63:61:70:01"
    punts = punt_frames(up_mac)
    h1 = pad(Ether(dst=NH2, src=tap_mac) / ARP(op=2, hwsrc=tap_mac, psrc=LOCAL4, hwdst=NH2,
                                                pdst=VTEP2), 60)
    h2 = pad(Ether(dst=NH2, src=tap_mac) / IP(src=LOCAL4, dst=VTEP2) / ICMP(type=0), 98)
    e1 = udp_frame(R, A, 100)
    d = t.daemon(host_tap_mac=tap_mac)
    d.add_port("vm1", "vm", [e1], access_vni=100)
    d.add_port("up0", "uplink", punts)
    d.add_port("host", "host", [h1, h2])
    d.vnis = [{"id": 100}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}]
    d.static_fdb = [{"vni": 100, "mac": R, "remote-vtep": VTEP2}]
    t.run(d)
    t.check(up_mac == mac_str(d.pcap_mac("up0")), "uplink MAC assumption")
    cnt = d.counters()
    t.check(cnt.get("punted-to-host") == len(punts),
            f"punted-to-host {cnt.get('punted-to-host')}, expected {len(punts)}")
    t.expect_drops(d, {})
    t.stop(d)
    t.expect_port(d, "host", punts)
    # Two ingress ports (vm1, host) feed up0: no order between them.
    t.expect_port(d, "up0", [h1, h2, Vx(NH2, tap_mac, LOCAL4, VTEP2, 100, e1, "e1")],
                  ordered=False)
    t.expect_port(d, "vm1", [])


@case
def mtu(t):
    """An inner frame that would exceed the uplink MTU once encapsulated is
    dropped (mtu-exceeded); one that just fits passes. Uplink MTU 1000:
    IPv4 outer = 36 + inner, IPv6 outer = 56 + inner."""
    fit4 = udp_frame(R, A, 964)
    fit6 = udp_frame(R6, A, 944)
    small = udp_frame(R, A, 100, sport=2)
    vm1_in = [fit4, udp_frame(R, A, 965), udp_frame(R, A, 1000), fit6,
              udp_frame(R6, A, 945), small]
    d = t.daemon()
    std_ports(d, vm1_in=vm1_in, up_mtu=1000)
    d.vnis = [{"id": 100}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}, {"vtep": VTEP6, "mac": NH6}]
    d.static_fdb = [{"vni": 100, "mac": R, "remote-vtep": VTEP2},
                    {"vni": 100, "mac": R6, "remote-vtep": VTEP6}]
    t.run(d)
    t.expect_drops(d, {"mtu-exceeded": 3})
    t.stop(d)
    src = mac_str(d.pcap_mac("up0"))
    t.expect_port(d, "up0", [Vx(NH2, src, LOCAL4, VTEP2, 100, fit4, "fit4"),
                             Vx(NH6, src, LOCAL6, VTEP6, 100, fit6, "fit6"),
                             Vx(NH2, src, LOCAL4, VTEP2, 100, small, "small")])


@case
def learning(t):
    """Flood-and-learn: inner source MACs of decapsulated frames are learned
    as remote behind the outer source address (IPv4 and IPv6 VTEPs), VM
    source MACs as local; multicast, broadcast and zero source MACs and VNIs
    with learning off are not learned."""
    A1 = "02:00:00:00:01:11"
    mc_src = "01:00:5e:00:00:01"
    # Inner destinations are A1 (vm1, the only port of VNI 100) or broadcast:
    # learned or not, they end up on vm1.
    l_mc = udp_frame(A1, mc_src, 80)
    l_bsrc = udp_frame(A1, BCAST, 80)
    l1 = udp_frame(A1, R, 90)
    l2 = udp_frame(BCAST, R2, 90)
    l3 = udp_frame(A1, R3, 90)                           # VNI 200: learning off
    up_in = [vxlan_in(l_mc, 100), vxlan_in(l_bsrc, 100), vxlan_in(l1, 100),
             vxlan_in(l2, 100, src_ip=VTEP6, dst_ip=LOCAL6, smac=NH6),
             vxlan_in(l3, 200)]
    vm1_in = [udp_frame(BCAST, mc_src, 60), udp_frame(BCAST, "00:00:00:00:00:00", 60),
              udp_frame(BCAST, A1, 60)]
    d = t.daemon()
    std_ports(d, vm1_in=vm1_in, up_in=up_in, vm2_vni=200)
    d.vnis = [{"id": 100}, {"id": 200, "learning": False}]
    t.run(d)
    want = {(100, R): ("remote", VTEP2), (100, R2): ("remote", VTEP6),
            (100, A1): ("local", "vm1")}
    fdb = t.wait_fdb(d, list(want))
    time.sleep(0.3)                                      # let any stray event land
    fdb = {(int(e["vni"]), e["mac"].lower()): e for e in d.fdb()}
    for key, (kind, where) in want.items():
        e = fdb.get(key)
        got_where = None if e is None else e.get("remote-vtep" if kind == "remote" else "port")
        t.check(e is not None and e.get("kind") == kind and got_where == where,
                f"fdb vni {key[0]} {key[1]}: {e}, expected {kind} {where}")
    extra = sorted(set(fdb) - set(want))
    t.check(not extra, f"fdb has unexpected entries {extra}")
    vt = d.vtep_stats()
    t.check(VTEP6 in vt, f"learned VTEP {VTEP6} missing from show vtep: {sorted(vt)}")
    t.expect_drops(d, {})
    t.stop(d)
    t.expect_port(d, "vm1", [l_mc, l_bsrc, l1, l2])
    t.expect_port(d, "vm2", [l3])
    t.expect_port(d, "up0", [])


@case
def vm_port_drops(t):
    """VM-side drops: a runt, a frame to a MAC on its own ingress port, and a
    frame to a VTEP without a next hop."""
    d = t.daemon()
    runt = bytes(Ether(dst=R, src=A))[:12]
    same = udp_frame(A, B, 100)                          # A lives on vm1 itself
    unres = udp_frame(R3, B, 100)                        # VTEP3 has no next hop
    ok = udp_frame(R, B, 100)
    d.add_port("vm1", "vm", [runt, same, unres, ok], access_vni=100)
    d.add_port("up0", "uplink")
    d.vnis = [{"id": 100}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}]
    d.static_fdb = [{"vni": 100, "mac": A, "port": "vm1"},
                    {"vni": 100, "mac": R, "remote-vtep": VTEP2},
                    {"vni": 100, "mac": R3, "remote-vtep": VTEP3}]
    t.run(d)
    t.expect_drops(d, {"runt-frame": 1, "destination-is-ingress-port": 1,
                       "vtep-next-hop-unresolved": 1})
    vt = d.vtep_stats().get(VTEP3, {})
    t.check(str(vt.get("resolved")).lower() == "false", f"vtep {VTEP3} should be unresolved: {vt}")
    t.stop(d)
    src = mac_str(d.pcap_mac("up0"))
    t.expect_port(d, "up0", [Vx(NH2, src, LOCAL4, VTEP2, 100, ok, "ok")])
    t.expect_port(d, "vm1", [])


@case
def vni_counters(t):
    """Per-VNI counters mean what the YANG model says: encap-packets "Frames
    encapsulated", decap-packets "Frames decapsulated", flood-packets "Copies
    sent by head-end replication" (so 2 per BUM frame from a VM with 2 flood
    VTEPs, and none for decapsulated BUM, which is only flooded locally)."""
    bum = [arp_request(A), udp_frame(U, A, 77), arp_request(A, tip="10.0.0.8")]
    dec = [vxlan_in(arp_request(R2), 100), vxlan_in(udp_frame(A, R2, 80), 100)]
    d = t.daemon()
    std_ports(d, vm1_in=bum, up_in=dec)
    d.vnis = [{"id": 100, "flood-vtep": [VTEP2, VTEP3]}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}, {"vtep": VTEP3, "mac": NH3}]
    t.run(d)
    v = d.vni_stats().get(100, {})
    vt = d.vtep_stats()
    her = sum(int(vt.get(ip, {}).get("tx-packets", 0)) for ip in (VTEP2, VTEP3))
    t.check(her == 6, f"vtep tx-packets total {her}, expected 6")
    for leaf, want in (("encap-packets", 6), ("decap-packets", 2), ("flood-packets", 6),
                       ("drops", 0)):
        t.check(v.get(leaf) == want, f"vni 100 {leaf} = {v.get(leaf)}, expected {want}")
    t.expect_drops(d, {})
    t.stop(d)


@case
def static_not_moved(t):
    """Static entries are never moved by learning: a static MAC seen as the
    source on another VM port or behind a remote VTEP stays where the config
    put it (and frames to it still go there)."""
    from_vm2 = udp_frame(BCAST, A, 60)                   # A is static on vm1
    from_remote = udp_frame(A, B, 70)                    # B is static on vm2
    from_remote2 = udp_frame(A, R, 70)                   # R is static behind VTEP2
    d = t.daemon()
    std_ports(d, vm2_in=[from_vm2], up_in=[vxlan_in(from_remote, 100),
                                           vxlan_in(from_remote2, 100, src_ip=VTEP3)])
    d.vnis = [{"id": 100}]
    d.static_fdb = [{"vni": 100, "mac": A, "port": "vm1"},
                    {"vni": 100, "mac": B, "port": "vm2"},
                    {"vni": 100, "mac": R, "remote-vtep": VTEP2}]
    t.run(d, settle=0.4)
    fdb = {(int(e["vni"]), e["mac"].lower()): e for e in d.fdb()}
    for mac, kind, leaf, where in ((A, "static-local", "port", "vm1"),
                                   (B, "static-local", "port", "vm2"),
                                   (R, "static-remote", "remote-vtep", VTEP2)):
        e = fdb.get((100, mac))
        t.check(e is not None and e.get("kind") == kind and e.get(leaf) == where,
                f"fdb {mac}: {e}, expected {kind} {where}")
    t.check(len(fdb) == 3, f"fdb has {len(fdb)} entries, expected the 3 static ones: {sorted(fdb)}")
    t.expect_drops(d, {})
    t.stop(d)
    t.expect_port(d, "vm1", [from_vm2, from_remote, from_remote2])
    t.expect_port(d, "vm2", [])
    t.expect_port(d, "up0", [])


@case
def mac_limit(t):
    """A VNI's mac-limit caps what it learns: with limit 2, of five remote
    MACs seen in order behind one VTEP only the first two are learned."""
    macs = [f"02:00:00:00:07:{i:02x}" for i in range(1, 6)]
    frames = [udp_frame(BCAST, m, 60, sport=100 + i) for i, m in enumerate(macs)]
    d = t.daemon()
    std_ports(d, up_in=[vxlan_in(f, 100) for f in frames])
    d.vnis = [{"id": 100, "mac-limit": 2}]
    t.run(d)
    fdb = t.wait_fdb(d, [(100, macs[0]), (100, macs[1])])
    time.sleep(0.3)
    fdb = {(int(e["vni"]), e["mac"].lower()): e for e in d.fdb()}
    t.check(sorted(fdb) == [(100, macs[0]), (100, macs[1])],
            f"fdb {sorted(fdb)}, expected the first two MACs only")
    v = d.vni_stats().get(100, {})
    t.check(v.get("mac-count") == 2, f"vni 100 mac-count {v.get('mac-count')}, expected 2")
    c = d.counters()
    t.check(c.get("learn-refused") == 3, f"learn-refused {c.get('learn-refused')}, expected 3")
    t.expect_drops(d, {})
    t.stop(d)
    t.expect_port(d, "vm1", frames)
    t.expect_port(d, "vm2", frames)
    t.expect_port(d, "up0", [])


# ---- VLAN-backed segments ----

X = "02:00:00:00:0a:01"   # a host behind the physical switch
A3 = "02:00:00:00:01:03"  # a VM behind vm3


def seg_teams(d, *teams):
    """One active-backup team per (name, members): no LACP in a replay."""
    d.teams = [{"name": n, "mode": "active-backup", "member": list(m)} for n, m in teams]


@case
def vlan_segment_in_out(t):
    """VLAN-backed segments: a VM's frames leave the team tagged with the
    segment's VLAN (a trunk VM's own tag translated), the native segment's
    untagged; frames from the team are untagged (or re-tagged for a trunk)
    and reach the segment's local ports only, never the uplink again;
    unknown tags and untagged frames on a team without a native segment are
    dropped and counted; MACs are learned on both sides."""
    from_vm1 = [udp_frame(U, A, 80), arp_request(A)]
    from_vm2 = [tagged(arp_request(B, sip="10.0.1.2"), 5)]
    from_vm3 = [udp_frame(BCAST, A3, 70, sport=9)]
    up0_in = [tagged(udp_frame(A, X, 90), 20), tagged(arp_request(X, sip="10.0.0.7"), 20),
              tagged(udp_frame(BCAST, X, 66, sport=4), 30), tagged(udp_frame(A, X, 60), 99),
              tagged(udp_frame(BCAST, X, 60, sport=5), 20, tpid=0x88a8)]
    up1_in = [udp_frame(A3, X, 100, sport=6), tagged(udp_frame(A3, X, 100), 20)]
    up2_in = [udp_frame(BCAST, X, 64, sport=8)]
    d = t.daemon()
    d.add_port("vm1", "vm", from_vm1, access_segment="s20")
    d.add_port("vm2", "vm", from_vm2, mode="trunk", vlan=[{"id": 5, "segment": "s30"}])
    d.add_port("vm3", "vm", from_vm3, access_segment="plain")
    d.add_port("up0", "uplink", up0_in)
    d.add_port("up1", "uplink", up1_in)
    d.add_port("up2", "uplink", up2_in)
    seg_teams(d, ("t1", ["up0"]), ("t2", ["up1"]), ("t3", ["up2"]))
    d.segments = [{"name": "s20", "vlan": 20, "team": "t1"},
                  {"name": "s30", "vlan": 30, "team": "t1"},
                  {"name": "plain", "team": "t2"},
                  {"name": "s40", "vlan": 40, "team": "t3"}]
    t.run(d, settle=0.4)
    macs = d.segment_macs()
    for key, kind, port in ((("s20", A), "local", "vm1"), (("s20", X), "uplink", "t1"),
                            (("s30", B), "local", "vm2"), (("plain", A3), "local", "vm3"),
                            (("plain", X), "uplink", "t2")):
        e = macs.get(key)
        t.check(e is not None and e.get("kind") == kind and e.get("port") == port,
                f"segment-mac {key}: {e}, expected {kind} {port}")
    t.check(d.fdb() == [], f"show fdb lists segment MACs: {d.fdb()}")
    segs = d.segments_state()
    t.check(segs.get("s20", {}).get("kind") == "vlan" and segs["s20"].get("vlan") == 20
            and segs["s20"].get("team") == "t1" and segs["s20"].get("ports") == "vm1"
            and segs["s20"].get("mac-count") == 2, f"show segments s20: {segs.get('s20')}")
    t.check(segs.get("plain", {}).get("vlan") == "untagged", f"plain: {segs.get('plain')}")
    t.expect_drops(d, {"uplink-vlan-not-in-segment": 3, "uplink-untagged-no-segment": 1})
    t.stop(d)
    t.expect_port(d, "up0", [tagged(f, 20) for f in from_vm1] +
                  [tagged(arp_request(B, sip="10.0.1.2"), 30)], ordered=False)
    t.expect_port(d, "vm1", [udp_frame(A, X, 90), arp_request(X, sip="10.0.0.7")])
    t.expect_port(d, "vm2", [tagged(udp_frame(BCAST, X, 66, sport=4), 5)])
    t.expect_port(d, "vm3", [udp_frame(A3, X, 100, sport=6)])
    t.expect_port(d, "up1", from_vm3)
    t.expect_port(d, "up2", [])


@case
def vlan_segment_isolated_from_overlay(t):
    """A VLAN-backed segment and a VNI on the same team with the same MACs
    in both: frames stay in their own segment (VXLAN for the VNI, tag 20 for
    the segment), and each keeps its own FDB entry for the shared MAC."""
    from_vm1 = [arp_request(A), udp_frame(R, A, 90)]
    from_vm3 = [arp_request(A, sip="10.0.0.3"), udp_frame(R, A, 91)]
    up0_in = [vxlan_in(udp_frame(A, R, 100), 100), tagged(udp_frame(A, R, 110), 20)]
    d = t.daemon()
    d.add_port("vm1", "vm", from_vm1, access_vni=100)
    d.add_port("vm3", "vm", from_vm3, access_segment="s20")
    d.add_port("up0", "uplink", up0_in)
    seg_teams(d, ("t1", ["up0"]))
    d.vnis = [{"id": 100, "flood-vtep": [VTEP2]}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}]
    d.segments = [{"name": "s20", "vlan": 20, "team": "t1"}]
    t.run(d, settle=0.4)
    fdb = {(int(e["vni"]), e["mac"].lower()): e for e in d.fdb()}
    macs = d.segment_macs()
    t.check(fdb.get((100, A), {}).get("port") == "vm1", f"fdb vni 100 {A}: {fdb.get((100, A))}")
    t.check(macs.get(("s20", A), {}).get("port") == "vm3", f"segment s20 {A}: {macs.get(('s20', A))}")
    t.check(macs.get(("s20", R), {}).get("kind") == "uplink", f"segment s20 {R}: {macs}")
    t.expect_drops(d, {})
    t.stop(d)
    src = mac_str(d.pcap_mac("up0"))
    t.expect_port(d, "up0", [Vx(NH2, src, LOCAL4, VTEP2, 100, f, i) for i, f in enumerate(from_vm1)]
                  + [tagged(f, 20) for f in from_vm3], ordered=False)
    t.expect_port(d, "vm1", [udp_frame(A, R, 100)])
    t.expect_port(d, "vm3", [udp_frame(A, R, 110)])


# ---- rate limits and storm control ----

@case
def rate_limit_and_storm_control(t):
    """Ingress limits drop what is over them and count colours: a VM port at
    8 kbit/s with a 1600-byte bucket passes one 1000-byte frame of a burst of
    ten (nine red); a VNI with the same limit does the same for its ports
    together; storm control passes 1 broadcast, 2 multicast and 1 unknown
    unicast frame of three each (limits in frames/s, bucket one second deep)."""
    C = "02:00:00:00:01:0c"
    limited = [udp_frame(B, A, 1000, sport=i) for i in range(10)]
    bc = [arp_request(B, tip=f"10.0.0.{i}") for i in range(3)]
    mc = [pad(Ether(dst="01:00:5e:00:00:01", src=B) / IP(src="10.0.0.2", dst="224.0.0.1") /
              UDP(sport=i, dport=9), 70) for i in range(3)]
    uu = [udp_frame(U, B, 80, sport=i) for i in range(3)]
    seg = [udp_frame(C, T, 1000, sport=i) for i in range(5)]
    d = t.daemon()
    limit = {"average-rate": 8, "burst-size": 1600}
    d.add_port("vm1", "vm", limited, access_vni=100, rate_limit=limit)
    d.add_port("vm2", "vm", bc + mc + uu, access_vni=100,
               storm_control={"broadcast": 1, "multicast": 2, "unknown-unicast": 1})
    d.add_port("vm3", "vm", seg, access_vni=300)
    d.add_port("vm4", "vm", [], access_vni=300)
    d.add_port("up0", "uplink", [])
    d.vnis = [{"id": 100}, {"id": 300, "rate-limit": limit}]
    d.static_fdb = [{"vni": 100, "mac": A, "port": "vm1"}, {"vni": 100, "mac": B, "port": "vm2"},
                    {"vni": 300, "mac": C, "port": "vm4"}, {"vni": 300, "mac": T, "port": "vm3"}]
    t.run(d)
    lim = {p["name"]: p for p in d.show("limits").get("port-limit", [])}
    v1 = lim.get("vm1", {})
    t.check((v1.get("green"), v1.get("yellow"), v1.get("red")) == ("1", "0", "9"),
            f"vm1 colours {v1}")
    t.check(v1.get("rate-limit") == "8 kbit/s, burst 1600", f"vm1 limit {v1.get('rate-limit')}")
    v2 = lim.get("vm2", {})
    t.check((v2.get("broadcast-dropped"), v2.get("multicast-dropped"),
             v2.get("unknown-unicast-dropped")) == ("2", "1", "2"), f"vm2 storm {v2}")
    t.check(v2.get("storm-control") == "1/2/1", f"vm2 storm config {v2.get('storm-control')}")
    g = d.segments_state().get("vni:300", {})
    t.check((g.get("green"), g.get("red")) == (1, 4), f"vni:300 colours {g}")
    t.expect_drops(d, {"rate-limit-exceeded": 13, "storm-control": 5})
    t.stop(d)
    t.expect_port(d, "vm2", limited[:1])
    t.expect_port(d, "vm1", [bc[0], mc[0], mc[1], uu[0]])
    t.expect_port(d, "vm4", seg[:1])
    t.expect_port(d, "vm3", [])
    t.expect_port(d, "up0", [])


@case
def two_workers(t):
    """Two workers, each polling its own rx queue of every port and sending on
    its own tx queue: frames from both queues of a VM port are encapsulated
    (each flow keeps one UDP source port whichever worker sent it) and
    frames from both queues of the uplink are decapsulated, nothing lost,
    duplicated or changed; the per-lcore counters add up."""
    up_mac = "02:70:63:61:70:02"
    encap = [[("q0-%d" % (i % 4), udp_frame(R if i % 2 else R2, A, 64 + i, sport=100 + i % 4))
              for i in range(40)],
             [("q1-%d-%d" % (i % 3, i % 2), udp_frame(R2 if i % 2 else R, B, 80 + i, sport=200 + i % 3))
              for i in range(40)]]
    decap_in = [[udp_frame(A, R, 70 + i, sport=300 + i) for i in range(30)],
                [udp_frame(B, R2, 90 + i, sport=400 + i) for i in range(30)]]
    d = t.daemon(eal=("--lcores", "0@0,1@1,2@0"))
    d.global_["workers"] = 2
    d.add_port("vm1", "vm", [[f for _, f in encap[0]], []], queues=2, access_vni=100)
    d.add_port("vm2", "vm", [[], [f for _, f in encap[1]]], queues=2, access_vni=100)
    d.add_port("up0", "uplink", [[vxlan_in(f, 100, dmac=up_mac) for f in decap_in[0]],
                                 [vxlan_in(f, 100, src_ip=VTEP3, smac=NH3, dmac=up_mac)
                                  for f in decap_in[1]]], queues=2)
    d.vnis = [{"id": 100}]
    d.nexthops = [{"vtep": VTEP2, "mac": NH2}, {"vtep": VTEP3, "mac": NH3}]
    d.static_fdb = [{"vni": 100, "mac": A, "port": "vm1"},
                    {"vni": 100, "mac": B, "port": "vm2"},
                    {"vni": 100, "mac": R, "remote-vtep": VTEP2},
                    {"vni": 100, "mac": R2, "remote-vtep": VTEP3}]
    t.run(d)
    t.check(up_mac == mac_str(d.pcap_mac("up0")), "uplink MAC assumption")
    vni = d.vni_stats().get(100, {})
    t.check(vni.get("encap-packets") == 80 and vni.get("decap-packets") == 60,
            f"vni 100 encap/decap packets {vni.get('encap-packets')}/"
            f"{vni.get('decap-packets')}, expected 80/60")
    t.expect_drops(d, {})
    t.stop(d)
    src = mac_str(d.pcap_mac("up0"))
    t.expect_port(d, "up0", [Vx(NH2 if f[:6] == mac_bytes(R) else NH3, src, LOCAL4,
                                VTEP2 if f[:6] == mac_bytes(R) else VTEP3, 100, f, flow)
                             for q in encap for flow, f in q], ordered=False)
    t.expect_port(d, "vm1", decap_in[0], ordered=False)
    t.expect_port(d, "vm2", decap_in[1], ordered=False)
    # worker w sends on tx queue w: both queues of up0 carry the frames of
    # "their" VM port queue
    per_q = [len(vxrun.read_pcap(f)) for f in d.port("up0")["outs"]]
    t.check(per_q == [40, 40], f"up0 tx queues got {per_q} frames, expected [40, 40]")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", dest="pattern", help="run the cases whose name contains this")
    ap.add_argument("--keep", action="store_true", help="keep temporary files")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("-v", dest="verbose", action="store_true", help="print timings")
    a = ap.parse_args()
    cases = [c for c in CASES if not a.pattern or a.pattern in c.__name__.replace("_", "-")
             or a.pattern in c.__name__]
    if a.list:
        for c in cases:
            print(c.__name__.replace("_", "-"))
        return 0
    for exe in (vxrun.VXSWD, vxrun.VXSWCTL):
        if not os.access(exe, os.X_OK):
            print(f"replay: {exe} not built (scripts/build.sh)", file=sys.stderr)
            print(f"0 passed, {len(cases)} failed")
            return 1
    passed = failed = 0
    for fn in cases:
        name = fn.__name__.replace("_", "-")
        t = Case(name, a.keep, a.verbose)
        t0 = time.monotonic()
        try:
            fn(t)
        except vxrun.DaemonError as e:
            t.errors.append(str(e))
        except Exception:  # noqa: BLE001 - report and go on with the next case
            t.errors.append(traceback.format_exc())
        finally:
            for d in t.daemons:
                if d.proc is not None and d.rc is None and d.proc.poll() is None:
                    d.stop()
            if t.errors and a.keep:
                t.errors.append(f"files kept in {', '.join(d.dir for d in t.daemons)}")
            t.cleanup()
        dt = time.monotonic() - t0
        timing = f" ({dt:.1f} s)" if a.verbose else ""
        if t.errors:
            failed += 1
            print(f"FAIL {name}{timing}")
            for e in t.errors:
                print("  " + e.replace("\n", "\n  "))
        else:
            passed += 1
            print(f"PASS {name}{timing}")
        sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
