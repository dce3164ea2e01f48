#!/usr/bin/python3
"""Report of bench/team.sh.

  report.py RESULTS ELAPSED_S COMMAND PARTS TRIALS   print the Markdown section from the
                                                    RESULT lines of the parts
  report.py --doc FILE < SECTION                    put SECTION between the team-bench markers
                                                    of FILE (the markers are appended if absent);
                                                    nothing else of FILE changes
"""
import os
import platform
import statistics
import subprocess
import sys
import time

BEGIN = "<!-- team-bench:begin -->"
END = "<!-- team-bench:end -->"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True,
                              timeout=20).stdout.strip()
    except Exception:
        return ""


def spread(vals, unit=""):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "-"
    if len(vals) == 1:
        return "%g%s" % (vals[0], unit)
    return "%g%s (%g–%g, n=%d)" % (round(statistics.median(vals), 1), unit, min(vals),
                                   max(vals), len(vals))


def machine():
    cpu = sh("lscpu | sed -n 's/^Model name: *//p'") or platform.processor()
    commit = sh("git -C %s rev-parse --short HEAD" % ROOT)
    dirty = sh("git -C %s status --porcelain -- dataplane lacp vxswd config" % ROOT)
    return [
        "- machine: %s, %s CPUs, %s GiB; Linux %s" % (
            cpu, os.cpu_count(),
            round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            platform.release()),
        "- versions: vxsw %s%s, DPDK %s, %s, %s" % (
            commit, " (with uncommitted daemon changes)" if dirty else "",
            sh("pkg-config --modversion libdpdk"),
            sh("ovs-vswitchd --version | head -n 1"), sh("nft --version")),
    ]


def report(path, elapsed, command, parts, trials):
    rows = [l.split()[1:] for l in open(path) if l.startswith("RESULT ")]
    out = ["### Uplink teams (bench/team.sh)", ""]
    out.append("Run %s; command `%s` (%s s; parts: %s; %s trials each)." % (
        time.strftime("%Y-%m-%d %H:%M"), command.strip() or "bench/team.sh", elapsed, parts,
        trials))
    out += [""] + machine() + [
        "- set-up: tests/team/lib.sh: vxswd (1 worker) in a namespace with two net_af_packet "
        "uplinks on veths in team `underlay`, a wire namespace (nftables netdev `fwd`) to the "
        "peer, a kernel VXLAN VTEP as ToR; all on the same 2 CPUs as the peers and the "
        "traffic generators (Python at 1 kHz), so the figures include scheduling noise.", ""]

    out_rows = [r for r in rows if r[0] == "outage"]
    if out_rows:
        out += ["**Traffic outage when a member's link is cut** (1 kHz UDP each way; outage = "
                "longest gap in the received sequence numbers, from the last datagram through "
                "to the next, so 0 means no datagram lost; each direction counted in the trials "
                "whose cut member carried it; 'at repair' = the same when the member comes "
                "back; median (min–max, n trials))", "",
                "| peer, mode | cut | VM→remote outage ms | lost | remote→VM outage ms | "
                "at repair ms (VM→remote / remote→VM) |",
                "|---|---|---|---|---|---|"]
        labels = []
        for r in out_rows:
            if r[1] not in labels:
                labels.append(r[1])
        for lab in labels:
            rs = [r for r in out_rows if r[1] == lab]
            # A flow counts in the trials whose cut member carried it.
            f = [list(map(float, r[5:10])) for r in rs if r[2] == r[3]]
            b = [list(map(float, r[10:15])) for r in rs if r[2] == r[4]]
            name, where = {
                "lacp-ovs": ("LACP (fast) vs OVS 3.1 balance-tcp", "both ends"),
                "ab-bridge-both": ("active-backup vs Linux bridge", "both ends"),
                "ab-bridge-hv": ("active-backup vs Linux bridge", "vxswd's end only"),
            }.get(lab, (lab, "?"))
            out.append("| %s | %s | %s | %s | %s | %s / %s |" % (
                name, where, spread([x[0] for x in f]), spread([x[1] for x in f]),
                spread([x[0] for x in b]), spread([x[2] for x in f]), spread([x[2] for x in b])))
        out += ["", "For comparison (shared notes on the LACP peers): Open vSwitch's own bond "
                "against another OVS bond, 64 flows, carrier lost: member out after 13 ms, "
                "traffic outage 33 ms. VM→remote is vxswd's own failover (carrier loss seen "
                "through netlink); remote→VM is the peer's (OVS's carrier detection, or the "
                "bridge relearning the VTEP MAC from vxswd's gratuitous ARP). With LACP the "
                "VM→remote flow can lose a few ms when it moves back to the repaired member: "
                "vxswd distributes on it as soon as OVS's LACPDU shows it in sync (coupled "
                "control); where those frames are lost was not isolated.", ""]

    drops = [list(map(float, r[1:4])) for r in rows if r[0] == "droptime"]
    if drops:
        out += ["**Time to take a member out after its LACPDUs stop** (both directions blocked "
                "with nftables, fast rate; 802.1AX short timeout 3 s after the last LACPDU; "
                "polled every ~15 ms)", "",
                "| | ms |", "|---|---|",
                "| vxswd: block → member out | %s |" % spread([d[0] for d in drops]),
                "| vxswd: last LACPDU counted → member out | %s |" % spread([d[1] for d in drops]),
                "| OVS 3.1: block → member disabled | %s |" % spread(
                    [d[2] for d in drops if d[2] >= 0]),
                "", "OVS against OVS was measured at 2.86 s from the block (notes).", ""]

    dist = [r for r in rows if r[0] == "distribution"]
    if dist:
        n, k, d0, d1 = (int(x) for x in dist[-1][1:5])
        tot = max(d0 + d1, 1)
        out += ["**Distribution of %d UDP flows over the members** (%d datagrams each, one VM, "
                "LACP team with hash-policy l3-l4; per-member tx packets, LACPDUs included: "
                "%d for %d datagrams sent)" % (n, k, d0 + d1, n * k),
                "", "| up0 | up1 |", "|---|---|",
                "| %d (%.1f %%) | %d (%.1f %%) |" % (d0, 100.0 * d0 / tot, d1, 100.0 * d1 / tot),
                "", "A fair hash puts 50 %% ± %.1f %% (one standard deviation) of %d flows on "
                "each member." % (100 * (0.25 / n) ** 0.5, n), ""]

    rate = [r for r in rows if r[0] == "rate"]
    if rate:
        out += ["**Forwarding rate, VM → uplinks** (dpdk-testpmd txonly, 64-byte frames, "
                "multi-flow, on net_af_packet as the VM; what vxswd sends is dropped in the wire "
                "namespace; runs alternate 1 member / team)", "",
                "| uplinks | forwarded pps: median (min–max) | per member (medians) | runs |",
                "|---|---|---|---|"]
        med = {}
        for lab, name in (("single", "1 member"), ("team", "team of 2 (static-ip-hash)")):
            rs = [list(map(float, r[2:5])) for r in rate if r[1] == lab]
            if not rs:
                continue
            tot = [x[1] + x[2] for x in rs]
            med[lab] = tot
            out.append("| %s | %d (%d–%d) | %s | %d |" % (
                name, statistics.median(tot), min(tot), max(tot),
                " + ".join("%d" % statistics.median([x[i] for x in rs]) for i in (1, 2))
                if lab == "team" else "%d" % statistics.median(tot), len(rs)))
        loads = [float(r[5]) for r in rate if len(r) > 5]
        if "single" in med and "team" in med:
            ratios = ["%.2f" % (t / s_) for s_, t in zip(med["single"], med["team"]) if s_ > 0]
            out += ["", "Team / 1 member, back-to-back pairs: %s. 1-minute load average during "
                    "the runs %s–%s on 2 CPUs (this part alone makes about 2)." % (
                        ", ".join(ratios), min(loads, default=0), max(loads, default=0))]
            lo = max(min(med["single"]), min(med["team"]))
            hi = min(max(med["single"]), max(med["team"]))
            if lo <= hi:
                out += ["", "The two ranges overlap: on this machine the difference between a "
                        "team and a single uplink is within the noise, so no conclusion is drawn "
                        "from these figures."]
        out += ["", "What this can and cannot show: one worker on one core moving frames "
                "between AF_PACKET sockets of veths, the generator busy on the other core with "
                "the kernel's veth work (and whatever else runs on the machine); a team adds "
                "one send system call per burst and splits bursts. It says nothing about a "
                "team's capacity on NICs, where the point of a team is the second link's "
                "bandwidth.", ""]

    failed = [r[1] for r in rows if r[0] == "failed"]
    if failed:
        out += ["**Parts that did not complete:** %s (their figures are missing or partial)."
                % ", ".join(failed), ""]
    return "\n".join(out).rstrip() + "\n"


def rewrite(doc, section):
    text = open(doc).read() if os.path.exists(doc) else ""
    if BEGIN not in text or END not in text:
        if text and not text.endswith("\n"):
            text += "\n"
        text += "\n" + BEGIN + "\n" + END + "\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(doc + ".tmp", "w") as f:
        f.write(head + BEGIN + "\n" + section.rstrip("\n") + "\n" + END + tail)
    os.replace(doc + ".tmp", doc)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--doc":
        rewrite(sys.argv[2], sys.stdin.read())
    elif len(sys.argv) == 6:
        sys.stdout.write(report(*sys.argv[1:6]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
