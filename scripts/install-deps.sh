#!/bin/sh
# The Debian packages rootcamp and its tests use on the host: util-linux (unshare, nsenter),
# iproute2 (ip), procps (ps), debootstrap and busybox-static (two ways to get a rootfs),
# iputils-ping (the wire lesson pings across its veth pair), bsdutils (`script`: the app's shell key
# gives the container's shell a terminal of its own), tmux (the end-to-end test drives
# the app in a real terminal), runc and libcap2-bin (the runtime lesson runs runc's container beside
# the learner's and drops the shell's capabilities with capsh), socat (the faas lesson's service listens on
# a Unix socket with it), attr (`rootcamp image layers` marks opaque directories with setfattr),
# slirp4netns (a sandbox's user-mode network: the apt lessons reach the mirror from inside one
# without touching the host's interfaces, routes or firewall), uidmap (newuidmap and newgidmap: a
# rootless sandbox maps the user's /etc/subuid block with them).
# With --tests, QEMU too, for the cgroup v2 guest, and umoci and skopeo, which build the images
# the image route's tests import (and unpack the trees they must equal).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends util-linux iproute2 procps tar coreutils bsdutils debootstrap busybox-static iputils-ping tmux runc libcap2-bin socat attr slirp4netns uidmap
# --tests: what `npm run test:cgroup-v2` needs besides: QEMU boots Debian's kernel, which it fetches
# itself with apt-get download (and dpkg-deb, which every Debian host has), never installing it.
if [ "${1:-}" = --tests ]; then
	apt-get install -y --no-install-recommends qemu-system-x86 umoci skopeo
	# The classroom's tests: its JUnit exports are read back by a real consumer (junitparser), and
	# its dashboard is driven in headless Chromium by puppeteer-core (which never downloads a browser),
	# and its PostgreSQL backend runs on a private server the test makes with initdb on a Unix socket.
	apt-get install -y --no-install-recommends python3-junitparser chromium postgresql-15
fi
