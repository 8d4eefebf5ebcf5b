/**
 * What the holder runs once `unshare` has given it fresh mount, network, PID, UTS, IPC and cgroup
 * namespaces (it is PID 1 of its PID namespace). It builds the sandbox's `/` in place, in the
 * sandbox's own folder: a copy of each of the host's top-level trees (the one that holds the
 * sandbox first, so that copy does not carry the binds made after it), private `/proc`, `/sys`,
 * `/tmp` and `/dev/shm` (proc and sysfs are mounted while the host's are still in view: in a
 * user namespace the kernel mounts them only beside a fully visible instance), the cgroup
 * filesystems rooted at the sandbox's groups, and rootcamp's
 * state and cache folders bound from the sandbox's own. Every mount is made in the new mount
 * namespace with private propagation: the host's mount table never sees one. `/ubunturoot` is
 * not made: inside, it is a plain directory of the sandbox's `/`, which the copy lesson's
 * `mkdir` creates and `reset --purge` deletes, exactly as on a host. Then it says `ready` with
 * its PID as the host sees it, and becomes a reaper: orphans of the lessons' shells are
 * reparented to it, and `sleep` would leave them zombies.
 *
 * Arguments: root, state, cache (rootcamp's folders as the engine computes them), the sandbox's
 * own state and cache, the top-level tree holding root, the v2 group to join inside (or ''), then
 * the mounts to make as type, options, target triples.
 */
export const holderScript = String.raw`set -eu
root=$1 state=$2 cache=$3 own_state=$4 own_cache=$5 first=$6 init_group=$7
shift 7
read -r self _ < /proc/self/stat
mount --make-rprivate /
cd /
made=' '
for name in "$first" * .[!.]*; do
	[ -e "/$name" ] || [ -L "/$name" ] || continue
	case $name in proc|sys|tmp|ubunturoot|.rootcamp-host) continue ;; esac
	case $made in *" $name "*) continue ;; esac
	made="$made$name "
	target=$root/$name
	if [ -L "/$name" ]; then
		[ -L "$target" ] || ln -s "$(readlink "/$name")" "$target"
	elif [ -d "/$name" ]; then
		mkdir -p "$target"
		mount --rbind "/$name" "$target"
	else
		[ -e "$target" ] || : > "$target"
		mount --bind "/$name" "$target"
	fi
done
mkdir -p "$root/proc" "$root/sys" "$root/tmp" "$root/.rootcamp-host"
chmod 1777 "$root/tmp"
mount --rbind "$root" "$root"
cd "$root"
pivot_root . .rootcamp-host
cd /
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
umount -l /.rootcamp-host
rmdir /.rootcamp-host
mount -t tmpfs -o mode=1777,nosuid,nodev tmp /tmp
if [ -d /dev/shm ]; then mount -t tmpfs -o mode=1777,nosuid,nodev shm /dev/shm; fi
while [ $# -ge 3 ]; do
	mkdir -p "$3"
	if [ -n "$2" ]; then mount -t "$1" -o "$2" "$1" "$3"; else mount -t "$1" "$1" "$3"; fi
	shift 3
done
if [ -n "$init_group" ]; then
	mkdir -p "$init_group"
	echo 0 > "$init_group/cgroup.procs"
fi
mkdir -p "$state" "$cache"
mount --bind "$own_cache" "$cache"
mount --bind "$own_state" "$state"
ip link set lo up
echo "ready $self"
if command -v perl > /dev/null; then
	exec perl -e 'while (1) { sleep 1 if wait() == -1 }' < /dev/null > /dev/null 2>&1
fi
exec sleep infinity < /dev/null > /dev/null 2>&1
`;

/** Run on the host before `exec`: puts this very process into each group until `--`, then runs the rest. */
export const joinGroupsScript = 'while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs"; shift; done; shift; exec "$@"';
