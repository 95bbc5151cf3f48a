#!/usr/bin/env bash
# Runs every test of brief, installing what the tests need first.
# Usage: ./scripts/test.sh   (from anywhere; on a fresh Debian machine it needs
# root, or sudo, to apt-get the few system packages the tests use)
#        ./scripts/test.sh --install-only   (just those packages)
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

if ! command -v cc >/dev/null || ! command -v make >/dev/null; then
  echo "== Installing a C compiler and make (build-essential): jemalloc is built from source"
  apt_install build-essential
fi
if ! command -v xmllint >/dev/null; then
  echo "== Installing xmllint (libxml2-utils) for the feed and sitemap schema tests"
  apt_install libxml2-utils
fi
if [ "${1:-}" = "--install-only" ]; then
  exit 0
fi

echo "== Rust tests (unit, integration, snapshots)"
cargo test --all-targets --locked

echo "== Build the sites the browser checks"
cargo build --release --locked
sites=target/browser-sites
rm -rf "$sites"
./target/release/brief build --quiet --output "$sites/mali"
./target/release/brief build --quiet --base-url https://briefings.example.org/mali/ --output "$sites/mali-published"
./target/release/brief build --quiet --root tests/fixtures/minimal --output "$sites/minimal"

echo "== Real-browser suite (Chromium, axe-core, Nu HTML Checker)"
BRIEF_BROWSER_ARGS='--expect-headings "mali-ecowas-military-support=The request|Diplomacy|Historical context"' \
  tests/browser/run-all.sh "$sites/mali" "$sites/mali-published" "$sites/minimal"
