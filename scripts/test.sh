#!/usr/bin/env bash
# Runs every test of brief, installing what the tests need first.
# Usage: ./scripts/test.sh   (from anywhere; needs root, or sudo, for apt-get on a fresh machine)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust tests (unit, integration, snapshots)"
cargo test --all-targets --locked

echo "== Build the bundled briefing"
cargo run --release --locked -- build --output target/site/public
