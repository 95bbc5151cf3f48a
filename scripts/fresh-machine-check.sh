#!/usr/bin/env bash
# Proves the README's quick start on a fresh, minimal Debian 12: builds a
# `debootstrap --variant=minbase bookworm` chroot, installs in it only what the
# quick start says a machine needs (build-essential, git, ca-certificates),
# lends it the host's Rust toolchain read-only with an empty cargo home, clones
# this repository's committed HEAD into it and runs the README's two commands:
#   cargo run --release -- build
#   ./scripts/test.sh
# Exits non-zero if either fails. Not part of CI: it downloads a Debian system
# (about 300 MB with what the tests install) and compiles brief cold.
#
# Usage (as root, on a Debian or Ubuntu host with a Rust toolchain):
#   scripts/fresh-machine-check.sh [CHROOT-DIR]    (default /var/tmp/brief-fresh-check)
#   scripts/fresh-machine-check.sh --install-only [CHROOT-DIR]
#       runs `./scripts/test.sh --install-only` instead of the two commands,
#       then shows the node, npm, chromium and java it got: a quick first look.
# Environment: RUST_TOOLCHAIN=DIR (a toolchain folder holding bin/cargo and
# bin/rustc; default: `rustc --print sysroot`), DEBIAN_MIRROR=URL (default
# http://deb.debian.org/debian).
# The chroot is left in place for inspection, with nothing mounted in it, and
# replaced by the next run (only a folder this script made, marked by
# .brief-fresh-check, is replaced).
set -euo pipefail

# Everything runs in a mount namespace of its own: the chroot's mounts (the
# host's /dev, /sys, /proc among them) exist only there and vanish with this
# script however it ends, even killed. A chroot left behind is then plain
# files, which `rm -rf` can remove without reaching the host's /dev.
if [ -z "${BRIEF_FRESH_CHECK_NS:-}" ] && [ "$(id -u)" -eq 0 ]; then
  BRIEF_FRESH_CHECK_NS=1 exec unshare --mount --propagation private -- "$0" "$@"
fi

mode=full
if [ "${1:-}" = "--install-only" ]; then
  mode=install-only
  shift
fi
root="${1:-/var/tmp/brief-fresh-check}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
repo="$(cd "$(dirname "$0")/.." && pwd)"

if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-machine-check: needs root (debootstrap, chroot and mounts)" >&2
  exit 2
fi
toolchain="${RUST_TOOLCHAIN:-$(rustc --print sysroot 2>/dev/null || true)}"
if [ -z "$toolchain" ] || [ ! -x "$toolchain/bin/cargo" ] || [ ! -x "$toolchain/bin/rustc" ]; then
  echo "fresh-machine-check: no Rust toolchain found; set RUST_TOOLCHAIN to a folder with bin/cargo and bin/rustc" >&2
  exit 2
fi
commit="$(git -C "$repo" rev-parse HEAD)"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "fresh-machine-check: note: uncommitted changes are not tested, only $commit"
fi

if [ -e "$root" ]; then
  if [ ! -e "$root/.brief-fresh-check" ]; then
    echo "fresh-machine-check: $root exists and was not made by this script; give another folder" >&2
    exit 2
  fi
  # An earlier run: make sure nothing of it is still mounted, then start over.
  { grep -o " $root/[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r m; do umount -l "$m"; done
  rm -rf --one-file-system "$root"
fi

# Everything mounted under the chroot, unmounted (last first) however the run ends.
mounts=()
unmount_all() {
  local i m
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    m="${mounts[i]}"
    if mountpoint -q "$m" 2>/dev/null; then umount -R "$m" 2>/dev/null || umount -R -l "$m"; fi
  done
}
trap unmount_all EXIT
# bind_ro FROM TO: a read-only view of a host folder.
bind_ro() {
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounts+=("$2")
  mount -o remount,bind,ro "$2"
}

if ! command -v debootstrap >/dev/null; then
  echo "== Installing debootstrap on the host"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
fi

echo "== debootstrap --variant=minbase bookworm $root"
mkdir -p "$root"
touch "$root/.brief-fresh-check"
debootstrap --variant=minbase bookworm "$root" "$mirror"
# A Debian 12 installation also has the updates and security suites.
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"

# Chromium needs /proc and /dev/shm; the host's /dev brings /dev/shm and /dev/pts.
mount -t proc proc "$root/proc" && mounts+=("$root/proc")
mount --rbind /sys "$root/sys" && mounts+=("$root/sys") && mount --make-rslave "$root/sys"
mount --rbind /dev "$root/dev" && mounts+=("$root/dev") && mount --make-rslave "$root/dev"
# The host's toolchain, read-only; cargo's home (registry, git) stays empty.
bind_ro "$toolchain" "$root/opt/rust"

# The chroot starts from an empty environment, but shares the host's network:
# its proxy settings and, when its TLS traffic goes through an intercepting
# proxy, the CA certificates the host adds to its trust store (below) and the
# NODE_EXTRA_CA_CERTS it gives Node. A machine on an open network needs none.
network_env=()
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY NODE_EXTRA_CA_CERTS; do
  if [ -n "${!v:-}" ]; then network_env+=("$v=${!v}"); fi
done
in_chroot() {
  chroot "$root" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
    PATH=/opt/rust/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    CARGO_HOME=/root/.cargo "${network_env[@]}" /bin/bash -c "$1"
}

echo "== The quick start's prerequisites: apt-get install build-essential git ca-certificates"
in_chroot 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends build-essential git ca-certificates'
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  echo "== The host's own CA certificates (/usr/local/share/ca-certificates), for its network"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  in_chroot 'update-ca-certificates'
fi
in_chroot 'cargo --version && rustc --version && ls -A "$CARGO_HOME" 2>/dev/null | wc -l | sed "s/^/files in the cargo home: /"'

echo "== Clone $commit"
# The chroot's own git clones from a read-only view of this repository.
bind_ro "$repo" "$root/mnt/origin"
common="$(cd "$repo" && cd "$(git rev-parse --git-common-dir)" && pwd)"
if [ "$common" != "$repo/.git" ]; then
  # A git worktree: its .git is a file naming the main repository's folder.
  bind_ro "$common" "$root$common"
fi
in_chroot "git config --global --add safe.directory '*' && git clone -q --no-checkout /mnt/origin /root/brief && git -C /root/brief checkout -q --detach $commit"
umount "$root/mnt/origin"
if [ "$common" != "$repo/.git" ]; then umount "$root$common"; fi

if [ "$mode" = install-only ]; then
  in_chroot 'cd /root/brief && ./scripts/test.sh --install-only'
  in_chroot 'cd /root/brief && . tests/browser/node-env.sh && command -v node npm && node --version && npm --version && /usr/bin/chromium --version && java -version 2>&1 | head -1'
  exit 0
fi

status=0
step() {
  local name="$1" start end rc
  start=$(date +%s)
  echo "== [chroot] $name"
  set +e
  in_chroot "cd /root/brief && $name"
  rc=$?
  set -e
  end=$(date +%s)
  echo "== [chroot] $name: exit $rc after $((end - start)) s"
  results+=("$name: exit $rc, $((end - start)) s")
  [ "$rc" -eq 0 ] || status=1
}
results=()
step 'cargo run --release -- build'
step './scripts/test.sh'

echo "== fresh-machine-check of $commit on debootstrap minbase bookworm"
printf '   %s\n' "${results[@]}"
if [ "$status" -eq 0 ]; then echo "== PASS"; else echo "== FAIL"; fi
exit "$status"
