#!/usr/bin/python3
"""Traffic and timing helpers of bench/team.sh (run inside the namespaces with ip netns exec).

  flow.py recv PORT OUT                 count UDP datagrams of `send` on PORT until SIGTERM;
                                        then write OUT: one "seq send_time recv_time" a line
  flow.py send DST PORT RATE SECONDS SPORT
                                        datagrams with a sequence number and the send time,
                                        RATE a second on a fixed schedule (a late sender catches
                                        up, so seq / RATE stays the send time), from UDP SPORT
  flow.py gaps OUT T_CUT T_RESTORE      the longest outage (ms) that began around the cut and
                                        around the repair: "cut_ms cut_lost restore_ms
                                        restore_lost received" (times: Unix seconds)
  flow.py droptime CTL SOCK MEMBER SECONDS [OVS_CTL OVS_MEMBER] -- BLOCK-CMD...
                                        run BLOCK-CMD, then poll `vxswctl show team-members`
                                        (and `ovs-appctl bond/show`) until MEMBER stops
                                        distributing; prints "block_to_out_ms
                                        last_pdu_to_out_ms ovs_block_to_out_ms" (-1: never)
  flow.py now                           the time (Unix seconds, float)
"""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time

HDR = struct.Struct("!Qd")


def recv(port, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind(("", int(port)))
    s.settimeout(0.2)
    rows = []
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    while not stop:
        try:
            data = s.recv(2048)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if len(data) >= HDR.size:
            seq, ts = HDR.unpack_from(data)
            rows.append((seq, ts, time.time()))
    with open(out, "w") as f:
        for r in rows:
            f.write("%d %.6f %.6f\n" % r)


def send(dst, port, rate, seconds, sport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", int(sport)))
    rate, seconds = float(rate), float(seconds)
    period = 1.0 / rate
    n = int(rate * seconds)
    t0 = time.time()
    pad = b"\0" * 32
    for seq in range(n):
        due = t0 + seq * period
        delay = due - time.time()
        if delay > 0:
            time.sleep(delay)
        try:
            s.sendto(HDR.pack(seq, due) + pad, (dst, int(port)))
        except OSError:
            pass


def gaps(out, t_cut, t_restore):
    t_cut, t_restore = float(t_cut), float(t_restore)
    rows = []
    with open(out) as f:
        for line in f:
            seq, ts, _ = line.split()
            rows.append((int(seq), float(ts)))
    rows = sorted(set(rows))
    best = {"cut": (0.0, 0), "restore": (0.0, 0)}
    for (a, ta), (b, tb) in zip(rows, rows[1:]):
        if b - a <= 1:
            continue
        # The outage: from the last datagram that got through to the next one that did.
        span_ms = (tb - ta) * 1000.0
        if t_cut - 0.3 <= ta < t_restore - 0.3:
            key = "cut"
        elif ta >= t_restore - 0.3:
            key = "restore"
        else:
            continue
        if span_ms > best[key][0]:
            best[key] = (span_ms, b - a - 1)
    print("%.1f %d %.1f %d %d" % (best["cut"][0], best["cut"][1], best["restore"][0],
                                  best["restore"][1], len(rows)))


def droptime(ctl, sock, member, seconds, rest):
    ovs_ctl = ovs_member = None
    if rest and rest[0] != "--":
        ovs_ctl, ovs_member = rest[0], rest[1]
        rest = rest[2:]
    cmd = rest[1:] if rest and rest[0] == "--" else rest
    def state():
        r = subprocess.run([ctl, "--socket", sock, "show", "team-members", "--json"],
                           capture_output=True, text=True)
        return next((x for x in json.loads(r.stdout)["vxsw:state"]["team-member"]
                     if x["port"] == member), {})

    # Watch the LACPDU counter for 1.5 s first: the last one before the block counts.
    last_rx, last_rx_t = None, None
    t_watch = time.time()
    while time.time() < t_watch + 1.5:
        rx = state().get("lacpdu-rx")
        if rx != last_rx:
            last_rx, last_rx_t = rx, time.time()
        time.sleep(0.005)
    t_block = time.time()
    subprocess.run(cmd, check=True)
    out_t, ovs_out_t = None, None
    end = t_block + float(seconds)
    while time.time() < end and (out_t is None or (ovs_ctl and ovs_out_t is None)):
        now = time.time()
        m = state()
        rx = m.get("lacpdu-rx")
        if rx != last_rx:  # one more that was already on its way
            last_rx, last_rx_t = rx, now
        if out_t is None and m.get("distributing") != "yes":
            out_t = now
        if ovs_ctl and ovs_out_t is None:
            r = subprocess.run(["ovs-appctl", "-t", ovs_ctl, "bond/show", "bond0"],
                               capture_output=True, text=True)
            if "member %s: enabled" % ovs_member not in r.stdout:
                ovs_out_t = time.time()
        time.sleep(0.005)
    ms = lambda t, base: -1 if t is None else round((t - base) * 1000)
    print(ms(out_t, t_block), ms(out_t, last_rx_t), ms(ovs_out_t, t_block))


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    if a[0] == "recv":
        recv(*a[1:3])
    elif a[0] == "send":
        send(*a[1:6])
    elif a[0] == "gaps":
        gaps(*a[1:4])
    elif a[0] == "droptime":
        droptime(a[1], a[2], a[3], a[4], a[5:])
    elif a[0] == "now":
        print("%.6f" % time.time())
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
