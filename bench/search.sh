#!/usr/bin/env bash
# Search index cost, side by side with Pagefind's own CLI (npm `pagefind`,
# which ships its binary), on the bench corpus at each N given:
#
#   bench/search.sh [N...]            (default: 1000 10000)
#
# For each N, RUNS times (default 3), interleaved, outputs on /dev/shm:
#   off   brief build of the corpus, search off
#   on    brief build of the same corpus with search = true
#   cli   pagefind --site <off's output>, i.e. what a Hugo-style site does
#         after its build
# and prints medians of wall time and peak RSS (GNU time). brief's indexing
# time is on - off; the CLI's is its own run. Needs a release build of brief
# and bench_corpus (cargo build --release --example bench_corpus) and
# `npm install pagefind@<the crate's version>` in $PAGEFIND_DIR (default
# /tmp/pfcli). Writes nothing into the repository.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-3}
BRIEF=${BRIEF:-$ROOT/target/release/brief}
CORPUS_BIN=${CORPUS_BIN:-$ROOT/target/release/examples/bench_corpus}
PAGEFIND=${PAGEFIND:-${PAGEFIND_DIR:-/tmp/pfcli}/node_modules/.bin/pagefind}
WORK=$(mktemp -d /dev/shm/brief-search-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
[ "$#" -gt 0 ] || set -- 1000 10000

# measure LABEL CMD...: prints "LABEL wall_s maxrss_kb"
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
  echo "$label $(cat "$WORK/time")"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "brief: $BRIEF; pagefind: $("$PAGEFIND" --version 2>&1 | tail -1); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "$@"; do
  corpus=$WORK/corpus-$n
  "$CORPUS_BIN" --pages "$n" --out "$corpus" >/dev/null
  cp -r "$corpus" "$corpus-search"
  printf '\nsearch = true\n' >>"$corpus-search/site.toml"
  : >"$WORK/rows-$n"
  for run in $(seq "$RUNS"); do
    rm -rf "$WORK/off" "$WORK/on"
    measure off "$BRIEF" build --quiet --root "$corpus" --output "$WORK/off" >>"$WORK/rows-$n"
    measure on "$BRIEF" build --quiet --root "$corpus-search" --output "$WORK/on" >>"$WORK/rows-$n"
    rm -rf "$WORK/off/pagefind"
    measure cli "$PAGEFIND" --site "$WORK/off" >>"$WORK/rows-$n"
  done
  echo "== $n pages ($RUNS runs, medians)"
  for label in off on cli; do
    wall=$(awk -v l=$label '$1==l {print $2}' "$WORK/rows-$n" | median)
    rss=$(awk -v l=$label '$1==l {print $3}' "$WORK/rows-$n" | median)
    printf '%-4s wall %6.3f s  peak RSS %7.1f MB\n' "$label" "$wall" "$(echo "$rss / 1024" | bc -l)"
  done
  echo "records: $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['languages']['en']['page_count'])" "$WORK/on/pagefind/pagefind-entry.json") in brief's index, $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['languages']['en']['page_count'])" "$WORK/off/pagefind/pagefind-entry.json") pages in the CLI's"
  echo "index size: brief $(du -sk --apparent-size "$WORK/on/pagefind" | cut -f1) KB, CLI $(du -sk --apparent-size "$WORK/off/pagefind" | cut -f1) KB; search page $(wc -c <"$WORK/on/search/index.html") bytes"
  if [ -n "${KEEP:-}" ]; then cp -r "$WORK/on" "$KEEP-$n"; fi
done
