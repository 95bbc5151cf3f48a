#!/usr/bin/env bash
# Installs what the browser suite needs, only where it is missing, so it can
# run on a fresh Debian machine and costs next to nothing when run again. One
# script checks and installs the prerequisites of every test, so this runs it:
#   * Chromium from Debian (/usr/bin/chromium) — browser downloads by test
#     tools do not work here, so playwright-core drives the system browser;
#   * a Java runtime for the Nu HTML Checker (vnu.jar), and python3;
#   * Node.js 20 or newer: when the machine has none, Node 20.20.2 from the
#     npm registry, pinned in node-runtime/package-lock.json, into
#     node-runtime/node_modules/ (node-env.sh puts it on PATH);
#   * the npm packages pinned in package-lock.json (playwright-core, axe-core,
#     vnu-jar). Scripts are disabled: vnu-jar's install script would try to
#     download a Java runtime of its own; the jar itself ships in the package.
# Needs root (or sudo) for apt-get.
set -euo pipefail
exec "$(dirname "$0")/../../scripts/test.sh" --install-only
