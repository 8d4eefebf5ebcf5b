#!/bin/sh
# The Debian packages rootcamp and its tests use on the host: util-linux (unshare, nsenter),
# iproute2 (ip), procps (ps), debootstrap and busybox-static (two ways to get a rootfs),
# iputils-ping (the wire lesson pings across its veth pair), bsdutils (`script`: the app's shell key
# gives the container's shell a terminal of its own), tmux (the end-to-end test drives
# the app in a real terminal).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends util-linux iproute2 procps tar coreutils bsdutils debootstrap busybox-static iputils-ping tmux
