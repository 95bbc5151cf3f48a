#!/usr/bin/env bash
# Runs every test of brief, installing what the tests need first.
# Usage: ./scripts/test.sh   (from anywhere; on a fresh Debian machine it needs
# root, or sudo, to apt-get the few system packages the tests use)
set -euo pipefail
cd "$(dirname "$0")/.."

# apt-get as root, or through sudo; `apt-get update` once, only when needed.
apt_updated=0
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ "$apt_updated" -eq 0 ]; then
    $sudo apt-get update -q
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$@"
}

if ! command -v xmllint >/dev/null; then
  echo "== Installing xmllint (libxml2-utils) for the feed and sitemap schema tests"
  apt_install libxml2-utils
fi

echo "== Rust tests (unit, integration, snapshots)"
cargo test --all-targets --locked

echo "== Build the bundled briefing"
cargo run --release --locked -- build --output target/site/public
