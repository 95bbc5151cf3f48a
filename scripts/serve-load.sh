#!/usr/bin/env bash
# Load on `brief serve` with wrk while the site rebuilds: a copy of
# tests/fixtures/many is served on 127.0.0.1 (a free port), wrk requests
# every page in turn, and a loop edits a briefing and a template the whole
# time. Fails on any socket error or non-2xx response.
#
#   scripts/serve-load.sh [SECONDS] [CONNECTIONS]     (default 5 and 8)
#
# BRIEF=/path/to/brief uses that binary; otherwise `cargo build --release`.
# Installs wrk with apt-get when it is missing (needs root). Only 127.0.0.1
# is contacted. The assertions on whole pages (every response ends with
# </html>) are in tests/integration/serve_load.rs.
set -euo pipefail

seconds="${1:-5}"
connections="${2:-8}"
repo="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null
fi
if [ -z "${BRIEF:-}" ]; then
    cargo build --release --quiet --manifest-path "$repo/Cargo.toml"
    BRIEF="${CARGO_TARGET_DIR:-$repo/target}/release/brief"
fi

work="$(mktemp -d)"
server=""
editor=""
cleanup() {
    [ -n "$editor" ] && kill "$editor" 2>/dev/null || true
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

site="$work/site"
cp -r "$repo/tests/fixtures/many" "$site"
mkdir -p "$site/templates"
cp "$repo/templates/base.html" "$site/templates/base.html"

# Every HTML page of a build, as request paths.
"$BRIEF" build --quiet --root "$site" --output "$work/public"
(cd "$work/public" && find . -name index.html | sed -e 's|^\.||' -e 's|index\.html$||' | sort) >"$work/paths"
pages="$(wc -l <"$work/paths")"

"$BRIEF" serve --root "$site" --port 0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
port=""
for _ in $(seq 100); do
    port="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" | head -n1 | sed 's/.*://' || true)"
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "serve-load: brief serve printed no address" >&2; cat "$work/serve.err" >&2; exit 1; }

cat >"$work/paths.lua" <<LUA
local paths = {}
for line in io.lines("$work/paths") do paths[#paths + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
LUA

# Edit a briefing and a template in place, in turn, until stopped.
briefing="$site/content/sahel/mali-security-0.md"
(
    n=0
    while true; do
        if [ $((n % 2)) -eq 0 ]; then
            printf '\nEdit number %s.\n' "$n" >>"$briefing"
        else
            printf '{# edit %s #}\n' "$n" >>"$site/templates/base.html"
        fi
        n=$((n + 1))
        sleep 0.15
    done
) &
editor=$!

wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/paths.lua" "http://127.0.0.1:$port" | tee "$work/wrk.out"
kill "$editor"
editor=""
rebuilds="$(grep -c 'Rebuilt' "$work/serve.out" || true)"
echo "serve-load: $pages pages, $rebuilds rebuilds during the run"
if grep -q -e 'Socket errors' -e 'Non-2xx' "$work/wrk.out"; then
    echo "serve-load: FAILED: socket errors or non-2xx responses" >&2
    exit 1
fi
echo "serve-load: no socket errors, no non-2xx responses"
