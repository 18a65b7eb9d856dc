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

# libfdt sources, extracted once from Debian's linux-source package so that Bazel can build
# libfdt for every target platform.
libfdt_dir="$repo_root/third_party/libfdt/src"
if [ ! -f "$libfdt_dir/fdt.c" ]; then
  tarball=$(ls /usr/src/linux-source-*.tar.xz | sort -V | tail -n 1)
  tmp=$(mktemp -d)
  top=$(basename "$tarball" .tar.xz)
  tar -xJf "$tarball" -C "$tmp" "$top/scripts/dtc/libfdt"
  mkdir -p "$libfdt_dir"
  cp "$tmp/$top/scripts/dtc/libfdt/"*.[ch] "$libfdt_dir/"
  rm -rf "$tmp"
fi
