#!/usr/bin/env bash
# Lighthouse scores for one page of a built brief site — informative only,
# never a pass/fail gate (the browser suite in tests/browser is the gate).
#   tests/lighthouse/run.sh <site-dir> [page-path]
# page-path is relative to the site root, e.g. "mali-ecowas-military-support/"
# (default: the first briefing found, else the home page).
# Installs the pinned lighthouse (12.2.3: 13 needs a newer Node) with npm ci,
# serves the site with python3's http.server on 127.0.0.1, runs lighthouse
# against Debian's /usr/bin/chromium and prints the four category scores.
# The full JSON report is left in tests/lighthouse/report.json (git-ignored
# with node_modules via .gitignore in this folder).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
site="${1:?usage: $0 <site-dir> [page-path]}"
site="$(cd "$site" && pwd)"
page="${2:-}"
if [ -z "$page" ]; then
  first="$(cd "$site" && ls -d */index.html 2>/dev/null | head -1 || true)"
  page="${first%index.html}"
fi

# Chromium, python3, npm and Node 20 (the pinned one when the machine has none).
"$here/../browser/setup.sh"
. "$here/../browser/node-env.sh"
cd "$here"
if [ ! -x node_modules/.bin/lighthouse ] || ! grep -q '"version": "12.2.3"' node_modules/lighthouse/package.json 2>/dev/null; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

log="$(mktemp)"
python3 -u -m http.server --bind 127.0.0.1 0 --directory "$site" >"$log" 2>/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 50); do
  port="$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$log" | head -1)"
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "lighthouse: http.server did not start" >&2; exit 1; }
url="http://127.0.0.1:$port/$page"
echo "lighthouse: $url"

CHROME_PATH=/usr/bin/chromium node_modules/.bin/lighthouse "$url" \
  --chrome-flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --host-resolver-rules='MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'" \
  --only-categories=performance,accessibility,best-practices,seo \
  --output=json --output-path="$here/report.json" --quiet

node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const [id, c] of Object.entries(r.categories)) {
    console.log(`${c.title.padEnd(16)} ${c.score === null ? "n/a" : Math.round(c.score * 100)}`);
  }
  const low = Object.values(r.audits).filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "notApplicable" && a.scoreDisplayMode !== "manual");
  if (low.length) console.log("audits below 90:\n" + low.map((a) => `  ${a.id}: ${a.title}${a.displayValue ? " (" + a.displayValue + ")" : ""}`).join("\n"));
' "$here/report.json"
