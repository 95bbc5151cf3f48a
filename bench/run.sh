#!/usr/bin/env bash
# Benchmark brief against Hugo (and Zola), and the pulldown-cmark floor.
#
#   bench/run.sh [N ...]        default N: 1000 10000 (100000 as an option)
#
# Environment:
#   RUNS=5                 timed runs per tool and N (interleaved)
#   TOOLS="brief brief-min hugo floor"  which tools to run: brief with its
#                          built-in templates (and the no-change rebuild),
#                          brief-min with templates doing what the peers'
#                          minimal ones do, hugo, zola (with ZOLA), floor
#   ZOLA=/path/to/zola     also time Zola on its twin of the corpus
#   PREVIEW=1              time `brief serve` from save to served on the
#                          10000-page corpus (examples/bench_serve); 0: skip
#   COLD=21                runs of the cold-start timing (`brief build` of the
#                          bundled one-briefing site); 0: skip
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
ZOLA=${ZOLA:-}
PREVIEW=${PREVIEW:-1}
COLD=${COLD:-21}
if [ -n "${TOOLS:-}" ]; then :; elif [ -n "$ZOLA" ]; then TOOLS="brief brief-min hugo zola floor"; else TOOLS="brief brief-min hugo floor"; fi
CACHE=${BENCH_CACHE:-$ROOT/target/bench-corpus}
TMPFS_SIZE=${TMPFS_SIZE:-8g}
RESULTS=$ROOT/bench/results
BEFORE=${BEFORE:-}
if [ "$#" -gt 0 ]; then SIZES=("$@"); else SIZES=(1000 10000); fi

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

case "$RUNS" in '' | *[!0-9]* | 0) die "RUNS must be a positive integer, got '$RUNS'" ;; esac
for n in "${SIZES[@]}"; do
  case "$n" in '' | *[!0-9]* | 0) die "page counts must be positive integers, got '$n'" ;; esac
done
for t in $TOOLS; do
  case "$t" in
    brief | brief-min | hugo | floor) ;;
    zola) [ -n "$ZOLA" ] || die "TOOLS has 'zola' but ZOLA is not set" ;;
    before) [ -n "$BEFORE" ] || die "TOOLS has 'before' but BEFORE is not set" ;;
    *) die "unknown tool '$t' in TOOLS" ;;
  esac
done
has_tool() { case " $TOOLS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if [ -n "$ZOLA" ]; then
  [ -f "$ZOLA" ] && [ -x "$ZOLA" ] || die "ZOLA='$ZOLA' is not an executable file"
  ZOLA=$(cd "$(dirname "$ZOLA")" && pwd)/$(basename "$ZOLA")
  has_tool zola || TOOLS="$TOOLS zola"
fi
case "$PREVIEW$COLD" in *[!0-9]*) die "PREVIEW and COLD must be numbers" ;; esac
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
cargo build --release --quiet --bin brief --example bench_corpus --example bench_floor --example bench_serve
BRIEF=$ROOT/target/release/brief
CORPUS_BIN=$ROOT/target/release/examples/bench_corpus
FLOOR=$ROOT/target/release/examples/bench_floor
SERVE_BENCH=$ROOT/target/release/examples/bench_serve
HUGO_VERSION=$(command -v hugo >/dev/null && hugo version 2>/dev/null | awk '{print $2}' || echo "not installed")
ZOLA_VERSION=$([ -n "$ZOLA" ] && "$ZOLA" --version 2>/dev/null | awk '{print $2}' || echo "not measured")

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

# aside DIR: moves an earlier output out of the way before a timed run, so
# every timed build is a clean one and nobody is timed deleting the last
# output; it is deleted afterwards, outside the timing.
aside() {
  [ -e "$1" ] || return 0
  mv "$1" "$WORK/aside"
  rm -rf "$WORK/aside"
}

run_tool() {
  local n=$1 tool=$2 run=$3
  local src=$WORK/site-$n out=$WORK/out-$tool
  [ -z "${DEAD[$n/$tool]:-}" ] || return 0
  aside "$out"
  case "$tool" in
    brief | before | brief-min)
      local bin=$BRIEF
      [ "$tool" != before ] || bin=$BEFORE
      [ "$tool" != brief-min ] || src=$WORK/min-$n
      measure "$n" "$tool" "$run" "$out" -- "$bin" build --root "$src" --output "$out" --quiet || return 0
      # The same build again into the output just written: nothing changed.
      [ "$tool" != brief-min ] || { aside "$out"; return 0; }
      [ -z "${DEAD[$n/$tool-rebuild]:-}" ] || return 0
      measure "$n" "$tool-rebuild" "$run" "$out" -- "$bin" build --root "$src" --output "$out" --quiet || true
      ;;
    hugo)
      measure "$n" hugo "$run" "$out" -- hugo --source "$src/hugo" --destination "$out" \
        --cacheDir "$WORK/hugo-cache" --quiet || true
      ;;
    zola)
      measure "$n" zola "$run" "$out" -- "$ZOLA" --root "$WORK/zola-$n" build --output-dir "$out" || true
      ;;
    floor)
      measure "$n" floor "$run" "$out" -- "$FLOOR" "$src/content" "$out" || true
      ;;
  esac
  aside "$out"
}

# twins N: beside the corpus copy SITE-N (brief's built-in design and the
# Hugo twin), the brief site with minimal templates (bench/brief-min) and,
# with ZOLA, the Zola twin (bench/zola), each with its own copy of the
# content (brief reads no file through a symbolic link).
twins() {
  local n=$1 src=$WORK/site-$1
  rm -rf "$WORK/min-$n" "$WORK/zola-$n"
  mkdir -p "$WORK/min-$n"
  cp -a "$ROOT/bench/brief-min/." "$WORK/min-$n/"
  cp -a "$src/content" "$WORK/min-$n/content"
  if has_tool zola; then
    mkdir -p "$WORK/zola-$n"
    cp -a "$ROOT/bench/zola/." "$WORK/zola-$n/"
    cp -a "$src/content" "$WORK/zola-$n/content"
    # Zola's front matter: `description`, and tags under [taxonomies]
    # (the corpus writes `tags` last). Sections: the root lists every page;
    # the topic folders pass theirs up and have no page of their own.
    find "$WORK/zola-$n/content" -name '*.md' -print0 |
      xargs -0 perl -0pi -e 's/^summary = /description = /m; s/^(tags = \[[^\n]*\]\n)/[taxonomies]\n$1/m'
    printf '+++\nsort_by = "date"\n+++\n' >"$WORK/zola-$n/content/_index.md"
    find "$WORK/zola-$n/content" -mindepth 1 -type d -print0 | while IFS= read -r -d '' dir; do
      printf '+++\ntransparent = true\nrender = false\nsort_by = "date"\n+++\n' >"$dir/_index.md"
    done
  fi
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

ALL_ROWS="brief brief-rebuild before before-rebuild brief-min hugo zola floor"
verdict() { awk -v x="$1" -v lim="$2" 'BEGIN { if (x == "–" || x == "nan" || x == "") print "not measured"; else if (x + 0 <= lim) print "met"; else print "MISSED" }'; }

summarize() {
  local n=$1 load=$2 tool label
  local -A W L C M
  for tool in $ALL_ROWS; do
    # shellcheck disable=SC2016
    L[$tool]=$(stat_min "$n" "$tool" '$4')
    # shellcheck disable=SC2016 # awk expressions, expanded by awk
    W[$tool]=$(stat "$n" "$tool" '$4')
    # shellcheck disable=SC2016
    C[$tool]=$(stat "$n" "$tool" '$5 + $6')
    # shellcheck disable=SC2016
    M[$tool]=$(stat "$n" "$tool" '$7 / 1024')
  done
  # The faster peer on the same work: Hugo, or Zola when it was timed and faster.
  local peer=hugo
  if [ "${W[zola]}" != nan ] && { [ "${W[hugo]}" = nan ] || awk -v z="${W[zola]}" -v h="${W[hugo]}" 'BEGIN { exit !(z < h) }'; }; then
    peer=zola
  fi
  echo
  echo "### N = $n pages"
  echo
  echo "Medians of $RUNS interleaved runs; outputs on $STORAGE; load average before: $load."
  echo
  echo "| tool | wall (s) | min wall (s) | CPU user+sys (s) | CPU / wall | peak RSS (MB) | ok runs |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for tool in $ALL_ROWS; do
    case "$tool" in
      brief) label="brief, built-in templates" ;;
      brief-rebuild) label="brief, no-change rebuild" ;;
      before) label="before" ;;
      before-rebuild) label="before, no-change rebuild" ;;
      brief-min) label="brief, minimal templates" ;;
      hugo) label="Hugo $HUGO_VERSION, minimal templates" ;;
      zola) label="Zola $ZOLA_VERSION, minimal templates" ;;
      floor) label="floor (pulldown-cmark only)" ;;
    esac
    local ok
    ok=$(awk -F'\t' -v n="$n" -v t="$tool" 'NR > 1 && $1 == n && $2 == t && $9 == "ok"' "$RAW" | wc -l)
    local tried
    tried=$(awk -F'\t' -v n="$n" -v t="$tool" 'NR > 1 && $1 == n && $2 == t' "$RAW" | wc -l)
    if [ "$tried" -eq 0 ]; then
      [ "$tool" != zola ] || echo "| Zola | not measured (set ZOLA=/path/to/zola) | | | | | |"
      continue
    fi
    echo "| $label | $(fmt "${W[$tool]}" 3) | $(fmt "${L[$tool]}" 3) | $(fmt "${C[$tool]}") | $(ratio "${C[$tool]}" "${W[$tool]}") | $(fmt "${M[$tool]}" 1) | $ok/$tried |"
  done
  echo
  row() { echo "| $1 | $(ratio "${W[$2]}" "${W[$3]}") | $(ratio "${L[$2]}" "${L[$3]}") | $(ratio "${C[$2]}" "${C[$3]}") | $(ratio "${M[$2]}" "${M[$3]}") |"; }
  echo "| ratio | wall | min wall | CPU | peak RSS |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  row "brief minimal / $peer (same work)" brief-min "$peer"
  row "brief minimal / floor" brief-min floor
  row "brief built-in / $peer" brief "$peer"
  row "brief built-in / floor" brief floor
  row "no-change rebuild / brief built-in" brief-rebuild brief
  if has_tool before; then
    row "before / $peer" before "$peer"
    row "brief / before" brief before
    row "brief / before, no-change rebuild" brief-rebuild before-rebuild
  fi
  echo
  local same floor_ratio full rebuild m_full m_min
  same=$(ratio "${W[brief-min]}" "${W[$peer]}")
  floor_ratio=$(ratio "${W[brief-min]}" "${W[floor]}")
  full=$(ratio "${W[brief]}" "${W[$peer]}")
  rebuild=$(ratio "${W[brief-rebuild]}" "${W[brief]}")
  m_full=$(fmt "${M[brief]}" 1)
  m_min=$(fmt "${M[brief-min]}" 1)
  if [ "$n" = 10000 ]; then
    echo "Targets (N = 10000):"
    echo "- same work: brief minimal / $peer wall $same ≤ 0.10: $(verdict "$same" 0.10); brief minimal / floor $floor_ratio ≤ 1.8: $(verdict "$floor_ratio" 1.8)"
    echo "- full design: brief built-in / $peer wall $full ≤ 0.15: $(verdict "$full" 0.15)"
    echo "- memory: peak $m_full MB (built-in), $m_min MB (minimal) ≤ 64: $(verdict "$m_full" 64), $(verdict "$m_min" 64)"
    echo "- no-change rebuild / full build $rebuild ≤ 0.03: $(verdict "$rebuild" 0.03)"
  else
    echo "Peak memory: $m_full MB (built-in), $m_min MB (minimal); the targets are set for N = 10000."
  fi
}

# preview N: times `brief serve` from save to served on a fresh copy of the
# corpus (it edits one briefing and puts it back).
preview() {
  local n=$1 site=$WORK/serve-$1 log=$WORK/preview.txt
  rm -rf "$site"
  cp -a "$(corpus_for "$n")" "$site"
  sleep 4
  say "N=$n: timing the preview (brief serve, save to served)"
  if ! (cd "$WORK" && "$SERVE_BENCH" "$site" --brief "$BRIEF" --edits 7) >"$log" 2>&1; then
    FAILED=1
    warn "bench_serve failed:"
    tail -n 20 "$log" >&2
    return 0
  fi
  rm -rf "$site"
  echo
  echo "### Preview, N = $n: save to served (median of 7 edits each)"
  echo
  grep -E '^(body|title) edit' "$log" | sed 's/^/- /'
  local body title
  body=$(awk '/^body edit, rename/ { for (i = 1; i <= NF; i++) if ($i == "median") { print $(i + 1); exit } }' "$log")
  title=$(awk '/^title edit, rename/ { for (i = 1; i <= NF; i++) if ($i == "median") { print $(i + 1); exit } }' "$log")
  echo
  echo "Targets (editor's write-rename-chmod save): body $body ms ≤ 50: $(verdict "$body" 50); title $title ms ≤ 80: $(verdict "$title" 80)."
}

# cold_start: `brief build` of the bundled one-briefing site into a clean
# output, COLD times, the median.
cold_start() {
  local site=$WORK/bundled out=$WORK/bundled-out times=() i start end
  mkdir -p "$site"
  cp -a "$ROOT/site.toml" "$ROOT/content" "$ROOT/templates" "$ROOT/static" "$site/"
  sleep 4
  for ((i = 0; i < COLD; i++)); do
    aside "$out"
    start=$EPOCHREALTIME
    "$BRIEF" build --root "$site" --output "$out" --quiet || { FAILED=1; warn "cold start build failed"; return 0; }
    end=$EPOCHREALTIME
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f", (b - a) * 1000}')")
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | median)
  echo
  echo "### Cold start: the bundled site"
  echo
  echo "\`brief build\` of the bundled one-briefing site into a clean output, median of $COLD runs: $(fmt "$med" 1) ms (min $(printf '%s\n' "${times[@]}" | sort -g | head -n 1) ms). Target < 10 ms: $(verdict "$med" 9.999)."
}

# --- main loop -----------------------------------------------------------------
{
  echo "## brief benchmark, $STAMP"
  echo
  echo "brief $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), Hugo $HUGO_VERSION, Zola $ZOLA_VERSION," \
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
  twins "$n"
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
      run_tool "$n" "$tool" "$run"
    done
  done
  rm -rf "$src" "$WORK/min-$n" "$WORK/zola-$n" "$WORK/hugo-cache"
  summarize "$n" "$load" | tee -a "$SUMMARY"
  # Not in a pipeline, so a failure reaches FAILED.
  if [ "$n" = 10000 ] && [ "$PREVIEW" != 0 ]; then
    preview "$n" >"$WORK/section.md"
    tee -a "$SUMMARY" <"$WORK/section.md"
  fi
done
if [ "$COLD" != 0 ]; then
  cold_start >"$WORK/section.md"
  tee -a "$SUMMARY" <"$WORK/section.md"
fi

say "raw numbers: $RAW"
say "summary:     $SUMMARY"
if [ "$FAILED" -ne 0 ]; then
  warn "at least one tool failed; see the warnings above and the status column in $RAW"
  exit 1
fi
