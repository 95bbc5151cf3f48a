#!/usr/bin/env bash
# The one entry point of the real-browser suite, for the repo's test script:
#   tests/browser/run-all.sh <site-dir> [<site-dir> ...]
# 1. setup.sh   — installs what is missing (scripts/test.sh --install-only):
#                 Chromium, Java, python3, Node 20, the pinned npm packages;
# 2. selftest   — proves every check catches its deliberate fault in
#                 fixtures/broken and that fixtures/clean passes;
# 3. run.mjs    — checks each built site given as an argument;
# 4. the pages of every PDF drawn as PNGs (pdftoppm) into artifacts/pdf/;
# 5. search.mjs — search in the browser, on the sites with search-fixture.json.
# Extra run.mjs options can be passed through BRIEF_BROWSER_ARGS, e.g.
#   BRIEF_BROWSER_ARGS='--expect-headings "mali-ecowas-military-support=The request|Diplomacy|Historical context"'
# Exits non-zero if any step fails.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$#" -eq 0 ]; then
  echo "usage: $0 <site-dir> [<site-dir> ...]" >&2
  exit 2
fi
echo "== browser suite: setup"
"$here/setup.sh"
# The pinned Node, when setup installed it (no Node 20 on the machine).
. "$here/node-env.sh"
echo "== browser suite: self-test (fixtures)"
node "$here/selftest.mjs"
echo "== browser suite: built site(s)"
eval "extra=(${BRIEF_BROWSER_ARGS:-})"
status=0
node "$here/run.mjs" "${extra[@]}" "$@" || status=1
# The pages of every PDF edition as PNGs beside the screenshots, for a person
# to look at (tests/browser/artifacts/pdf/<site>/<briefing>-<page>.png).
echo "== browser suite: PDF pages as images"
for site in "$@"; do
  while IFS= read -r -d '' pdf; do
    dest="$here/artifacts/pdf/$(basename "$site")"
    mkdir -p "$dest"
    rel="${pdf#"$site"/}"
    name="${rel%.pdf}"
    if pdftoppm -png -r 60 "$pdf" "$dest/${name//\//_}"; then
      echo "   $rel: $(find "$dest" -name "${name//\//_}-*.png" | wc -l) page(s)"
    else
      echo "FAIL pdftoppm could not draw $pdf" >&2
      status=1
    fi
  done < <(find "$site" -name '*.pdf' -print0 | sort -z)
done
# Search as a reader uses it, on the sites that ship search-fixture.json
# (tests/fixtures/search); the others are skipped.
echo "== browser suite: search"
node "$here/search.mjs" "$@" || status=1
exit "$status"
