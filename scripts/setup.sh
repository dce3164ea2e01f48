#!/usr/bin/env bash
# Install what vxsw needs to build, test and run its demo (Debian 12, as root).
# Idempotent: a machine that has everything gets no changes.
set -euo pipefail

PKGS=(
  build-essential meson ninja-build pkg-config python3 clang libclang-rt-14-dev
  dpdk libdpdk-dev libbpf-dev libxdp-dev libyang2-dev libyang2-tools libcunit1-dev libmnl-dev libjson-c-dev
  libpcap-dev iproute2 iputils-ping tcpdump python3-scapy procps
  frr
  openvswitch-switch nftables dpdk-dev ethtool
  openvswitch-switch-dpdk python3-matplotlib gobgpd
)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it installs packages with apt-get)" >&2
  exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
