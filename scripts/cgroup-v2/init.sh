#!/bin/busybox sh
# Stage one, in the guest's initramfs (busybox): load the drivers for the shared folder, mount
# this machine's / read-only over 9p with a tmpfs on top (writes stay in the guest's memory),
# and switch to it. The modules are listed in load order in /modules.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for module in $(cat /modules); do
	insmod "/lib/modules/$module.ko" || echo "rootcamp-guest: insmod $module failed"
done

mkdir -p /mnt/lower /mnt/rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=524288 host /mnt/lower
mount -t tmpfs -o size=75% rw /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work /newroot
run=$(sed -n 's/.*rootcamp.run=\([^ ]*\).*/\1/p' /proc/cmdline)
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/sh "$run"
