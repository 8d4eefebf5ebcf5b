# Stage two, in the guest on this machine's own userland: a v2-only host (booted with
# cgroup_no_v1=all, no systemd), where the cgroup tests run as root. The kernel command line
# says where the project is and which tests to run; the last line on the console is the marker
# the host reads: ROOTCAMP-GUEST-EXIT=<status>.
set -u
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
# /tmp and /var/tmp stay the overlay's (writes land in the guest's memory all the same): the
# project may live under one of them, as a CI checkout may.
for dir in /run /dev/shm; do
	mkdir -p "$dir" && mount -t tmpfs tmpfs "$dir"
done
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
ip link set lo up
hostname rootcamp-guest
arg() { sed -n "s/.*rootcamp.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }
finish() {
	echo "ROOTCAMP-GUEST-EXIT=$1"
	echo o > /proc/sysrq-trigger
	sleep 60 2>/dev/null # the power-off takes the shared folder away under it
}
project=$(arg project)
tests=$(arg tests | tr ',' ' ')
cd "$project" || { echo "rootcamp-guest: the project is not at $project in the guest"; finish 1; }
echo "rootcamp-guest: kernel $(uname -r), /sys/fs/cgroup is $(stat -fc %T /sys/fs/cgroup), controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
# A group has memory files only when its parent hands memory down: turn it on for the probe, then off
# again, so the tests find the root as a host without systemd has it (handing down nothing).
probe=/sys/fs/cgroup/rootcamp-guest-probe
echo +memory > /sys/fs/cgroup/cgroup.subtree_control && mkdir "$probe"
echo "rootcamp-guest: swap accounting $(test -e "$probe/memory.swap.max" && echo on || echo 'off (no memory.swap.max)')"
rmdir "$probe" && echo -memory > /sys/fs/cgroup/cgroup.subtree_control
echo "rootcamp-guest: the root group hands down: '$(cat /sys/fs/cgroup/cgroup.subtree_control)'"
echo "rootcamp-guest: rootcamp doctor says:"
node dist/cli.js doctor --no-color 2>&1 | sed 's/^/  /'
# shellcheck disable=SC2086 # the test files are words
CI=true HOME=/root node node_modules/ava/entrypoints/cli.mjs $tests
finish $?
