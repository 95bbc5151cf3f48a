#!/usr/bin/env bash
# Benchmark brief against Hugo and the pulldown-cmark floor.
#
#   bench/run.sh [N ...]        default N: 1000 10000 50000
#
# Environment:
#   RUNS=5                 timed runs per tool and N (interleaved)
#   TOOLS="brief hugo floor"  which tools to run (brief includes the
#                          no-change rebuild)
#   BENCH_CACHE=target/bench-corpus   where generated corpora are kept
#   TMPFS_SIZE=8g          size of the tmpfs that holds inputs and outputs
#   BEFORE=/path/to/brief  also time this other brief binary as the tool
#                          "before", exactly like brief (same corpus, same
#                          command, its own no-change rebuild), interleaved
#                          with the others, to compare two versions in one run
#
# See bench/README.md for what the columns mean.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
TOOLS=${TOOLS:-"brief hugo floor"}
CACHE=${BENCH_CACHE:-$ROOT/target/bench-corpus}
TMPFS_SIZE=${TMPFS_SIZE:-8g}
RESULTS=$ROOT/bench/results
BEFORE=${BEFORE:-}
if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000 50000); fi

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

case "$RUNS" in '' | *[!0-9]* | 0) die "RUNS must be a positive integer, got '$RUNS'" ;; esac
for n in "${SIZES[@]}"; do
  case "$n" in '' | *[!0-9]* | 0) die "page counts must be positive integers, got '$n'" ;; esac
done
for t in $TOOLS; do
  case "$t" in
    brief | hugo | floor) ;;
    before) [ -n "$BEFORE" ] || die "TOOLS has 'before' but BEFORE is not set" ;;
    *) die "unknown tool '$t' in TOOLS" ;;
  esac
done
has_tool() { case " $TOOLS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if [ -n "$BEFORE" ]; then
  [ -f "$BEFORE" ] && [ -x "$BEFORE" ] || die "BEFORE='$BEFORE' is not an executable file"
  BEFORE=$(cd "$(dirname "$BEFORE")" && pwd)/$(basename "$BEFORE")
  # Right after brief, so the two versions run next to each other in time.
  if ! has_tool before; then
    if has_tool brief; then TOOLS=$(echo " $TOOLS " | sed 's/ brief / brief before /'); else TOOLS="$TOOLS before"; fi
  fi
fi

# --- prerequisites -----------------------------------------------------------
apt_install() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    die "$1 is missing; install Debian package '$2'"
  fi
  say "installing Debian package $2"
  if ! apt-get install -y -qq "$2" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq "$2" >/dev/null || die "could not install $2"
  fi
}
[ -x /usr/bin/time ] || apt_install /usr/bin/time time
if has_tool hugo && ! command -v hugo >/dev/null; then apt_install hugo hugo; fi

cd "$ROOT"
say "building brief and the bench examples (release)"
cargo build --release --quiet --bin brief --example bench_corpus --example bench_floor
BRIEF=$ROOT/target/release/brief
CORPUS_BIN=$ROOT/target/release/examples/bench_corpus
FLOOR=$ROOT/target/release/examples/bench_floor
HUGO_VERSION=$(command -v hugo >/dev/null && hugo version 2>/dev/null | awk '{print $2}' || echo "not installed")

# --- scratch space on tmpfs -----------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/brief-bench.XXXXXX")
MOUNTED=0
cleanup() {
  cd /
  if [ "$MOUNTED" = 1 ]; then umount "$WORK" 2>/dev/null || umount -l "$WORK" || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if mount -t tmpfs -o "size=$TMPFS_SIZE" tmpfs "$WORK" 2>/dev/null; then
  MOUNTED=1
  STORAGE="tmpfs ($TMPFS_SIZE)"
else
  STORAGE="disk ($(df -P "$WORK" | awk 'NR==2{print $1}'))"
  warn "could not mount a tmpfs on $WORK (not root?); inputs and outputs stay on disk,"
  warn "so timings include disk writeback and are noisier and slower than on tmpfs"
fi

mkdir -p "$RESULTS" "$CACHE"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW=$RESULTS/raw-$STAMP.tsv
SUMMARY=$RESULTS/summary-$STAMP.md
printf 'n\ttool\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\tpages\tstatus\n' >"$RAW"

# Corpora are cached per N and regenerated whenever the generator or the Hugo
# skeleton changes, so a stale corpus can never be measured.
mapfile -t corpus_inputs < <(echo examples/bench_corpus.rs; find bench/hugo -type f | sort)
corpus_key=$(cat "${corpus_inputs[@]}" | sha256sum | cut -c1-16)
corpus_for() {
  local n=$1 dir=$CACHE/$1
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$corpus_key" ]; then
    say "generating corpus of $n pages in $dir"
    "$CORPUS_BIN" --pages "$n" --out "$dir" >/dev/null
    echo "$corpus_key" >"$dir/.stamp"
  fi
  echo "$dir"
}

count_pages() { find "$1" -path '*/briefing-*/index.html' 2>/dev/null | wc -l; }

FAILED=0
declare -A DEAD=()

# measure N TOOL RUN OUT -- CMD...: runs CMD under /usr/bin/time, appends a row
# to the raw file and checks that OUT holds N pages.
measure() {
  local n=$1 tool=$2 run=$3 out=$4
  shift 5
  local tf=$WORK/time.txt log=$WORK/log-$tool.txt start end status=ok wall pages
  start=$EPOCHREALTIME
  if ! /usr/bin/time -f '%e %U %S %M' -o "$tf" -- "$@" >"$log" 2>&1; then
    status=failed
  fi
  end=$EPOCHREALTIME
  # Wall time from the shell clock: /usr/bin/time's %e has 10 ms resolution.
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b - a}')
  read -r _ user sys rss < <(tail -n 1 "$tf")
  pages=$(count_pages "$out")
  if [ "$status" = ok ] && [ "$pages" -ne "$n" ]; then status=wrong-page-count; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$run" "$wall" "$user" "$sys" "$rss" "$pages" "$status" >>"$RAW"
  if [ "$status" != ok ]; then
    FAILED=1
    DEAD[$n/$tool]=1
    warn "$tool failed at N=$n run $run ($status; $pages of $n pages). Last output:"
    tail -n 20 "$log" >&2
    return 1
  fi
}

run_tool() {
  local n=$1 tool=$2 run=$3 src=$4
  local out=$WORK/out-$tool
  [ -z "${DEAD[$n/$tool]:-}" ] || return 0
  rm -rf "$out"
  case "$tool" in
    brief | before)
      local bin=$BRIEF
      [ "$tool" = brief ] || bin=$BEFORE
      measure "$n" "$tool" "$run" "$out" -- "$bin" build --root "$src" --output "$out" --quiet || return 0
      # The same build again into the output just written: nothing changed.
      [ -z "${DEAD[$n/$tool-rebuild]:-}" ] || return 0
      measure "$n" "$tool-rebuild" "$run" "$out" -- "$bin" build --root "$src" --output "$out" --quiet || true
      ;;
    hugo)
      measure "$n" hugo "$run" "$out" -- hugo --source "$src/hugo" --destination "$out" \
        --cacheDir "$WORK/hugo-cache" --quiet || true
      ;;
    floor)
      measure "$n" floor "$run" "$out" -- "$FLOOR" "$src/content" "$out" || true
      ;;
  esac
  rm -rf "$out"
}

# --- summary -------------------------------------------------------------------
median() {
  sort -g | awk '{v[NR] = $1} END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# stat N TOOL COLUMN-EXPRESSION: median over the successful runs.
stat() {
  awk -F'\t' -v n="$1" -v t="$2" 'NR > 1 && $1 == n && $2 == t && $9 == "ok" { print '"$3"' }' "$RAW" | median
}
# The fastest run is the one least disturbed by other load on a shared machine.
stat_min() {
  awk -F'\t' -v n="$1" -v t="$2" 'NR > 1 && $1 == n && $2 == t && $9 == "ok" { print '"$3"' }' "$RAW" | sort -g | head -n 1
}
fmt() { awk -v x="$1" -v p="${2:-2}" 'BEGIN { if (x == "nan" || x == "") print "–"; else printf "%.*f", p, x }'; }
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || a == "" || b == "" || b == 0) print "–"; else printf "%.2f", a / b }'
}

summarize() {
  local n=$1 load=$2 tool label
  local -A W L C M
  for tool in brief brief-rebuild before before-rebuild hugo floor; do
    # shellcheck disable=SC2016
    L[$tool]=$(stat_min "$n" "$tool" '$4')
    # shellcheck disable=SC2016 # awk expressions, expanded by awk
    W[$tool]=$(stat "$n" "$tool" '$4')
    # shellcheck disable=SC2016
    C[$tool]=$(stat "$n" "$tool" '$5 + $6')
    # shellcheck disable=SC2016
    M[$tool]=$(stat "$n" "$tool" '$7 / 1024')
  done
  echo
  echo "### N = $n pages"
  echo
  echo "Medians of $RUNS interleaved runs; outputs on $STORAGE; load average before: $load."
  echo
  echo "| tool | wall (s) | min wall (s) | CPU user+sys (s) | CPU / wall | peak RSS (MB) | ok runs |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for tool in brief brief-rebuild before before-rebuild hugo floor; do
    case "$tool" in
      brief) label="brief" ;;
      brief-rebuild) label="brief, no-change rebuild" ;;
      before) label="before" ;;
      before-rebuild) label="before, no-change rebuild" ;;
      hugo) label="Hugo $HUGO_VERSION" ;;
      floor) label="floor (pulldown-cmark only)" ;;
    esac
    local ok
    ok=$(awk -F'\t' -v n="$n" -v t="$tool" 'NR > 1 && $1 == n && $2 == t && $9 == "ok"' "$RAW" | wc -l)
    local tried
    tried=$(awk -F'\t' -v n="$n" -v t="$tool" 'NR > 1 && $1 == n && $2 == t' "$RAW" | wc -l)
    [ "$tried" -gt 0 ] || continue
    echo "| $label | $(fmt "${W[$tool]}" 3) | $(fmt "${L[$tool]}" 3) | $(fmt "${C[$tool]}") | $(ratio "${C[$tool]}" "${W[$tool]}") | $(fmt "${M[$tool]}" 1) | $ok/$tried |"
  done
  echo
  echo "| ratio | wall | min wall | CPU | peak RSS |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  echo "| brief / Hugo | $(ratio "${W[brief]}" "${W[hugo]}") | $(ratio "${L[brief]}" "${L[hugo]}") | $(ratio "${C[brief]}" "${C[hugo]}") | $(ratio "${M[brief]}" "${M[hugo]}") |"
  echo "| brief / floor | $(ratio "${W[brief]}" "${W[floor]}") | $(ratio "${L[brief]}" "${L[floor]}") | $(ratio "${C[brief]}" "${C[floor]}") | $(ratio "${M[brief]}" "${M[floor]}") |"
  echo "| no-change rebuild / brief | $(ratio "${W[brief-rebuild]}" "${W[brief]}") | $(ratio "${L[brief-rebuild]}" "${L[brief]}") | $(ratio "${C[brief-rebuild]}" "${C[brief]}") | $(ratio "${M[brief-rebuild]}" "${M[brief]}") |"
  if has_tool before; then
    row() { echo "| $1 | $(ratio "${W[$2]}" "${W[$3]}") | $(ratio "${L[$2]}" "${L[$3]}") | $(ratio "${C[$2]}" "${C[$3]}") | $(ratio "${M[$2]}" "${M[$3]}") |"; }
    row "before / Hugo" before hugo
    row "before / floor" before floor
    row "brief / before" brief before
    row "brief / before, no-change rebuild" brief-rebuild before-rebuild
  fi
  echo
  local vh vf vm
  vh=$(ratio "${W[brief]}" "${W[hugo]}")
  vf=$(ratio "${W[brief]}" "${W[floor]}")
  vm=$(fmt "${M[brief]}" 1)
  verdict() { awk -v x="$1" -v lim="$2" 'BEGIN { if (x == "–") print "not measured"; else if (x + 0 <= lim) print "met"; else print "MISSED" }'; }
  # The memory limit is for 10000 pages; other sizes show how it grows.
  local memory
  memory="brief peak RSS $vm MB < 150: $(verdict "$vm" 149.99)."
  [ "$n" = 10000 ] || memory="brief peak RSS $vm MB (the 150 MB limit is set for N = 10000)."
  echo "Targets (set for N = 10000): brief/Hugo wall $vh ≤ 0.20: $(verdict "$vh" 0.20);" \
    "brief/floor wall $vf ≤ 3: $(verdict "$vf" 3);" \
    "$memory"
}

# --- main loop -----------------------------------------------------------------
{
  echo "## brief benchmark, $STAMP"
  echo
  echo "brief $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), Hugo $HUGO_VERSION," \
    "$(nproc) CPUs, $(rustc --version 2>/dev/null | awk '{print $1, $2}'), storage: $STORAGE."
  if has_tool before; then
    echo
    echo "before: \`$BEFORE\` ($("$BEFORE" --version 2>/dev/null || echo '?'), sha256 $(sha256sum "$BEFORE" | cut -c1-12))."
  fi
} >"$SUMMARY"

read -r -a TOOL_LIST <<<"$TOOLS"
for n in "${SIZES[@]}"; do
  cached=$(corpus_for "$n")
  src=$WORK/site-$n
  say "N=$n: copying the corpus to $src"
  rm -rf "$src"
  cp -a "$cached" "$src"
  # brief's fingerprint reads the bytes of files changed in the last three
  # seconds instead of trusting their times, so a no-change rebuild timed
  # right after the copy would be a full build: let the copy settle first.
  sleep 4
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  for ((run = 1; run <= RUNS; run++)); do
    # Rotate the order every run so no tool always follows the same neighbour.
    k=${#TOOL_LIST[@]}
    for ((i = 0; i < k; i++)); do
      tool=${TOOL_LIST[$(((i + run - 1) % k))]}
      say "N=$n run $run/$RUNS: $tool"
      run_tool "$n" "$tool" "$run" "$src"
    done
  done
  rm -rf "$src" "$WORK/hugo-cache"
  summarize "$n" "$load" | tee -a "$SUMMARY"
done

say "raw numbers: $RAW"
say "summary:     $SUMMARY"
if [ "$FAILED" -ne 0 ]; then
  warn "at least one tool failed; see the warnings above and the status column in $RAW"
  exit 1
fi
