#!/usr/bin/env bash
# Installs everything the build and the tests need from Debian's packages.
# Idempotent and quiet when nothing is missing; safe to run before every command.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
  bazel-bootstrap bazel-bootstrap-source
  clang lld llvm clang-format libclang-rt-14-dev
  qemu-system-misc qemu-system-arm qemu-system-x86 opensbi
  bochs bochsbios vgabios bochs-term
  grub-pc-bin grub-common xorriso mtools
  device-tree-compiler libfdt-dev
  googletest libgtest-dev
  linux-source-6.1
  gcc make bc flex bison gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  libelf-dev
  u-boot-qemu
  xz-utils
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's arm64 Linux and busybox for the aarch64 guests: the packages are another
# architecture's, so they are downloaded and unpacked here rather than installed.
arm64_dir="$repo_root/third_party/debian_arm64/root"
if ! compgen -G "$arm64_dir/boot/vmlinuz-*" >/dev/null || [ ! -x "$arm64_dir/bin/busybox" ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "setup: adding the arm64 architecture to apt" >&2
    "${sudo_cmd[@]}" dpkg --add-architecture arm64
    "${sudo_cmd[@]}" apt-get update -qq
  fi
  kernel=$(apt-cache depends linux-image-arm64:arm64 | sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*\).*/\1/p' | head -n 1)
  [ -n "$kernel" ] || { echo "setup: apt knows no linux-image-arm64:arm64" >&2; exit 1; }
  echo "setup: downloading $kernel:arm64 and busybox-static:arm64" >&2
  tmp=$(mktemp -d)
  chmod 0755 "$tmp"
  (cd "$tmp" && apt-get download -qq "$kernel:arm64" busybox-static:arm64 2>/dev/null)
  rm -rf "$arm64_dir"
  mkdir -p "$arm64_dir"
  for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$arm64_dir"; done
  rm -rf "$tmp"
fi

# libfdt and usr/gen_init_cpio.c (which packs the guests' initramfs images), extracted once
# from Debian's linux-source package so that Bazel can build them.
libfdt_dir="$repo_root/third_party/libfdt/src"
cpio_dir="$repo_root/third_party/gen_init_cpio/src"
if [ ! -f "$libfdt_dir/fdt.c" ] || [ ! -f "$cpio_dir/gen_init_cpio.c" ]; then
  tarball=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n 1)
  tmp=$(mktemp -d)
  top=$(basename "$tarball" .tar.xz)
  tar -xJf "$tarball" -C "$tmp" "$top/scripts/dtc/libfdt" "$top/usr/gen_init_cpio.c"
  mkdir -p "$libfdt_dir" "$cpio_dir"
  cp "$tmp/$top/scripts/dtc/libfdt/"*.[ch] "$libfdt_dir/"
  cp "$tmp/$top/usr/gen_init_cpio.c" "$cpio_dir/"
  rm -rf "$tmp"
fi
