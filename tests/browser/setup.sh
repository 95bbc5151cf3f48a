#!/usr/bin/env bash
# Installs what the browser suite needs, only where it is missing, so it can
# run on a fresh Debian machine and costs next to nothing when run again:
#   * Chromium from Debian (/usr/bin/chromium) — browser downloads by test
#     tools do not work here, so playwright-core drives the system browser;
#   * a Java runtime for the Nu HTML Checker (vnu.jar);
#   * the npm packages pinned in package-lock.json (playwright-core, axe-core,
#     vnu-jar). Scripts are disabled: vnu-jar's install script would try to
#     download a Java runtime of its own; the jar itself ships in the package.
# Needs root (or sudo) for apt-get.
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@"
}

if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing chromium from Debian"
  apt_install chromium
fi
if ! command -v java >/dev/null 2>&1; then
  echo "setup: installing a Java runtime for the Nu HTML Checker"
  apt_install default-jre-headless
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "setup: installing python3 (its http.server serves the sites)"
  apt_install python3
fi
# Node 20+ is a prerequisite (playwright-core needs it; Debian's own nodejs
# package is older), so it is checked, not installed.
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  echo "setup: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci wipes node_modules, so skip it when the installed tree already
# matches the lock file (npm records the tree it installed).
in_sync() {
  node -e '
    const fs = require("fs");
    const pick = (f) => { const p = JSON.parse(fs.readFileSync(f, "utf8")).packages; delete p[""];
      return JSON.stringify(Object.entries(p).map(([k, v]) => [k, v.version, v.integrity]).sort()); };
    process.exit(pick("package-lock.json") === pick("node_modules/.package-lock.json") ? 0 : 1);
  ' 2>/dev/null && [ -f node_modules/vnu-jar/build/dist/vnu.jar ]
}
if ! in_sync; then
  echo "setup: npm ci (scripts disabled)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
echo "setup: ready ($(/usr/bin/chromium --version 2>/dev/null | head -1); $(java -version 2>&1 | head -1))"
