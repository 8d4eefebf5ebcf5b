/**
 * What the holder runs once `unshare` has given it fresh mount, network, PID, UTS, IPC, cgroup
 * and time namespaces (it is PID 1 of its PID namespace). It mounts the sandbox's `/` that
 * root-plan.ts laid out in the sandbox's own folder: the host's top-level trees bound on their
 * mount points (one `mount --all` of the first fstab), then, once pivot_root has made it `/`,
 * its own `/proc` and the rest (the second fstab). proc and sysfs are mounted while the host's
 * are still in view: in a user namespace the kernel mounts them only beside a fully visible
 * instance. Every mount is made in the new mount namespace with private propagation: the
 * host's mount table never sees one. `/ubunturoot` is not made: inside, it is a plain
 * directory of the sandbox's `/`, which the copy lesson's `mkdir` creates and `reset --purge`
 * deletes, exactly as on a host. Then it says `ready` with its PID as the host sees it, and
 * becomes a reaper: orphans of the lessons' shells are reparented to it, and `sleep` would leave
 * them zombies.
 *
 * Arguments: root, the two fstabs, and the v2 leaf to move to inside (or ''): the holder joined
 * the sandbox's groups and unshared its cgroup namespace just before.
 */
export const holderScript = String.raw`set -eu
root=$1 before=$2 after=$3 init_group=$4
read -r self _ < /proc/self/stat
mount --make-rprivate /
mount --all --fstab "$before"
mount --rbind "$root" "$root"
cd "$root"
pivot_root . .rootcamp-host
cd /
mount -t proc -o nosuid,nodev,noexec proc /proc
mount --all --fstab "$after"
umount -l /.rootcamp-host
rmdir /.rootcamp-host
if [ -n "$init_group" ]; then
	mkdir -p "$init_group"
	echo 0 > "$init_group/cgroup.procs"
fi
ip link set lo up
echo "ready $self"
if command -v perl > /dev/null; then
	exec perl -e 'while (1) { sleep 1 if wait() == -1 }' < /dev/null > /dev/null 2>&1
fi
exec sleep infinity < /dev/null > /dev/null 2>&1
`;

/**
 * Puts this very process into each group until `--`, then runs the rest: on the host before
 * `nsenter`, and in the holder before it unshares its cgroup namespace. A group it cannot join
 * ends it: the process would stand outside the sandbox's groups, and a cgroup namespace made
 * there would show the host's.
 */
export const joinGroupsScript = 'while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 1; shift; done; shift; exec "$@"';
