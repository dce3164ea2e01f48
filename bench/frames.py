"""Deterministic frames for the replay benchmark, and the checks of what an
engine sent back. Plain bytes and the standard library only (no scapy).

Addressing (one VNI, 100):
  local VM i:   MAC 02:00:00:10:ii:ii, IPv4 10.0.i/16
  remote VM j:  MAC 02:00:00:20:jj:jj, IPv4 10.1.j/16, behind VTEP 192.0.2.(10+j) ... (see vtep_ip)
  VTEP j's next hop (the MAC the underlay frame goes to): 02:00:00:aa:jj:jj
  local VTEP:   192.0.2.1, uplink MAC UPLINK_MAC (decap frames are sent to it)
A flow is one (local VM, remote VM) pair with its own addresses and UDP ports.
"""
import struct

LOCAL4 = bytes([192, 0, 2, 1])
LOCAL4_STR = "192.0.2.1"
VNI = 100
VXLAN_PORT = 4789
OUTER = 50                        # Ethernet + IPv4 + UDP + VXLAN
UPLINK_MAC = bytes([0x02, 0x70, 0x63, 0x61, 0x70, 0x00])  # first net_pcap device
IMIX = ((64, 7), (594, 4), (1514, 1))  # 1514 B = 1518 B on the wire with FCS: MTU 1500
IMIX_ORDER = (64, 594, 64, 594, 64, 594, 64, 594, 64, 64, 64, 1514)  # 7:4:1, interleaved
assert sorted(IMIX_ORDER) == sorted(s for s, c in IMIX for _ in range(c))


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def ip_str(b):
    return ".".join(map(str, b))


def local_mac(i):
    return bytes([0x02, 0x00, 0x00, 0x10, i >> 8, i & 0xff])


def remote_mac(j):
    return bytes([0x02, 0x00, 0x00, 0x20, j >> 8, j & 0xff])


def vtep_ip(j):
    """VTEP of remote VM j: 192.0.2.(10 + j), j < 240."""
    assert j < 240
    return bytes([192, 0, 2, 10 + j])


def nh_mac(j):
    return bytes([0x02, 0x00, 0x00, 0xaa, j >> 8, j & 0xff])


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return 0xffff - s


def ipv4(src, dst, payload, ttl=64, ident=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000,
                      ttl, 17, 0, src, dst)
    return hdr[:10] + struct.pack("!H", csum16(hdr)) + hdr[12:] + payload


def inner_frame(dst, src, sip, dip, sport, dport, length):
    udp_len = length - 14 - 20
    payload = struct.pack("!HHHH", sport, dport, udp_len, 0) + bytes(udp_len - 8)
    return dst + src + b"\x08\x00" + ipv4(sip, dip, payload)


class FlowSet:
    """n_local x n_remote flows; packets walk the flows in a scattered order
    (a stride coprime with the flow count), so consecutive packets differ in
    both MACs."""

    def __init__(self, key, label, n_local, n_remote, packets, sizes=None):
        self.key, self.label = key, label
        self.n_local, self.n_remote = n_local, n_remote
        self.flows = n_local * n_remote
        self.packets = packets
        self.sizes = sizes            # None: all 64 B; else IMIX pattern

    def flow_of(self, k):
        # 7919 is prime and coprime with every flow count used here: the first
        # min(packets, flows) packets are distinct flows spread over the set.
        f = (k * 7919) % self.flows
        return f % self.n_local, f // self.n_local

    def size_of(self, k):
        if not self.sizes:
            return 64
        return IMIX_ORDER[k % len(IMIX_ORDER)]

    def encap_in(self, k):
        i, j = self.flow_of(k)
        return inner_frame(remote_mac(j), local_mac(i), bytes([10, 0, i >> 8, i & 0xff]),
                           bytes([10, 1, j >> 8, j & 0xff]), 1024 + i % 60000, 2048 + j,
                           self.size_of(k))

    def decap_inner(self, k):
        i, j = self.flow_of(k)
        return inner_frame(local_mac(i), remote_mac(j), bytes([10, 1, j >> 8, j & 0xff]),
                           bytes([10, 0, i >> 8, i & 0xff]), 2048 + j, 1024 + i % 60000,
                           self.size_of(k))

    def decap_in(self, k, uplink_mac=UPLINK_MAC):
        i, j = self.flow_of(k)
        inner = self.decap_inner(k)
        f = i + j * self.n_local
        return vxlan(inner, vtep_ip(j), LOCAL4, uplink_mac, nh_mac(j),
                     49152 + (f * 37) % 16384)

    def frames(self, direction, indices=None):
        idx = range(self.packets) if indices is None else indices
        fn = self.encap_in if direction == "encap" else self.decap_in
        return [fn(k) for k in idx]


def vxlan(inner, sip, dip, dst_mac, src_mac, sport, vni=VNI):
    vx = bytes([0x08, 0, 0, 0]) + vni.to_bytes(3, "big") + b"\x00"
    udp = struct.pack("!HHHH", sport, VXLAN_PORT, 8 + len(vx) + len(inner), 0) + vx + inner
    return dst_mac + src_mac + b"\x08\x00" + ipv4(sip, dip, udp)


# ---- checks of an engine's output ----

def check_encap(inputs, outputs, n_remote):
    """Every input frame must come out once, VXLAN-encapsulated to the VTEP of
    its destination MAC with the right next-hop MAC, VNI and checksums.
    Order is not required (a flow's first packet may take a slow path).
    Returns a list of problems (empty = fine)."""
    problems = []
    if len(outputs) != len(inputs):
        problems.append(f"{len(outputs)} frames out for {len(inputs)} in")
    want = {}
    for fr in inputs:
        want[fr] = want.get(fr, 0) + 1
    src_macs, sports = set(), set()
    for n, out in enumerate(outputs):
        p = _encap_problem(out, n_remote)
        if p:
            problems.append(f"frame {n}: {p}")
        else:
            inner = out[OUTER:]
            if want.get(inner, 0) == 0:
                problems.append(f"frame {n}: inner frame not among the inputs (or duplicated)")
            else:
                want[inner] -= 1
            src_macs.add(out[6:12])
            sports.add(out[34:36])
        if len(problems) > 10:
            problems.append("...")
            break
    if len(src_macs) > 1:
        problems.append(f"{len(src_macs)} different outer source MACs")
    return problems


def _encap_problem(out, n_remote):
    if len(out) < OUTER + 14:
        return f"too short ({len(out)} B)"
    inner = out[OUTER:]
    dmac = inner[0:6]
    if dmac[:4] != b"\x02\x00\x00\x20":
        return f"inner destination {mac_str(dmac)} is not a remote VM"
    j = (dmac[4] << 8) | dmac[5]
    if j >= n_remote:
        return f"inner destination {mac_str(dmac)} out of the set"
    if out[0:6] != nh_mac(j):
        return f"outer destination MAC {mac_str(out[0:6])}, want {mac_str(nh_mac(j))}"
    if out[6] & 1:
        return "outer source MAC is multicast"
    if out[12:14] != b"\x08\x00":
        return "outer ethertype not IPv4"
    ip = out[14:34]
    if ip[0] != 0x45 or ip[9] != 17:
        return "outer IPv4 header: not 20 bytes or not UDP"
    if csum16(ip) != 0:
        return "outer IPv4 header checksum wrong"
    if struct.unpack("!H", ip[2:4])[0] != len(out) - 14:
        return "outer IPv4 total length wrong"
    if ip[8] == 0:
        return "outer TTL 0"
    if ip[12:16] != LOCAL4 or ip[16:20] != vtep_ip(j):
        return f"outer {ip_str(ip[12:16])} -> {ip_str(ip[16:20])}, want " \
               f"{LOCAL4_STR} -> {ip_str(vtep_ip(j))}"
    sport, dport, ulen, ucsum = struct.unpack("!HHHH", out[34:42])
    if dport != VXLAN_PORT or ulen != len(out) - 34:
        return f"outer UDP port {dport} / length {ulen} wrong"
    if ucsum != 0:
        ph = ip[12:20] + struct.pack("!BBH", 0, 17, ulen)
        if csum16(ph + out[34:]) not in (0, 0xffff):
            return "outer UDP checksum wrong"
    if out[42] != 0x08 or int.from_bytes(out[46:49], "big") != VNI:
        return f"VXLAN flags {out[42]:#x} / VNI {int.from_bytes(out[46:49], 'big')} wrong"
    return None


def check_decap(expected_inner, outputs):
    """Every inner frame must come out once, unchanged (any order)."""
    problems = []
    if len(outputs) != len(expected_inner):
        problems.append(f"{len(outputs)} frames out for {len(expected_inner)} in")
    want = {}
    for fr in expected_inner:
        want[fr] = want.get(fr, 0) + 1
    for n, out in enumerate(outputs):
        if want.get(out, 0) == 0:
            problems.append(f"frame {n}: not an expected inner frame "
                            f"({len(out)} B, dst {mac_str(out[0:6])}, src {mac_str(out[6:12])})")
        else:
            want[out] -= 1
        if len(problems) > 10:
            problems.append("...")
            break
    return problems


def check_identity(inputs, outputs):
    return check_decap(inputs, outputs)
