#!/bin/busybox sh
# init of the Debian arm64 guest: busybox's applets, /proc, /sys and /dev mounted, then a shell
# on the console (its controlling terminal, so that ^C and job control work). The machine
# powers off when the shell exits.
/bin/busybox mkdir -p /sbin /usr/bin /usr/sbin /sys /tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "init: $(grep -c ^processor /proc/cpuinfo) CPUs online, Linux $(uname -r)"
setsid cttyhack sh
poweroff -f
