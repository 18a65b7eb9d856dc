#!/usr/bin/env bash
# Builds a Linux kernel image (arch/ARCH/boot/TARGET: Image by default, bzImage for x86) from
# Debian's linux-source tarball with a config fragment applied over allnoconfig; also keeps
# usr/gen_init_cpio, the kernel's own initramfs writer. CROSS_COMPILE may be empty (the host's
# gcc).
#
#   build_kernel.sh TARBALL ARCH CROSS_COMPILE FRAGMENT OUT_IMAGE OUT_GEN_INIT_CPIO [TARGET]
set -euo pipefail
tarball=$1 arch=$2 cross=$3 fragment=$4 out_image=$5 out_cpio_tool=$6 target=${7:-Image}
fragment=$(realpath "$fragment")
work=$(mktemp -d "${TMPDIR:-/tmp}/axvm-linux.XXXXXX")
trap 'rm -rf "$work"' EXIT
top=$(basename "$tarball" .tar.xz)
# Device trees and the firmware blobs of other architectures are never needed.
tar -xJf "$tarball" -C "$work" --exclude="$top/arch/*/boot/dts" \
	--exclude="$top/drivers/gpu/drm/amd/include/asic_reg"
src="$work/$top"
make -s -C "$src" ARCH="$arch" CROSS_COMPILE="$cross" KCONFIG_ALLCONFIG="$fragment" \
	allnoconfig >/dev/null
# Every symbol the fragment sets must have survived (a typo or a missing dependency would
# silently build a different kernel).
grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment" | while read -r line; do
	grep -qxF "$line" "$src/.config" || { echo "config: $line did not take" >&2; exit 1; }
done
make -s -C "$src" ARCH="$arch" CROSS_COMPILE="$cross" KBUILD_BUILD_TIMESTAMP=2026-01-01 \
	KBUILD_BUILD_USER=axvm KBUILD_BUILD_HOST=axvm -j"$(nproc)" "$target"
cp "$src/arch/$arch/boot/$target" "$out_image"
cp "$src/usr/gen_init_cpio" "$out_cpio_tool"
