#!/usr/bin/env bash
# `layoffs-bot import` of a generated 100,000-row layoffs.fyi file against the sqlite3 shell's
# `.import --csv` of the same file into a one-table database on disk, side by side: the
# median of 5 runs each, the ratio, the re-import of the same file (all duplicates), the
# write-lock time of the 4,277-row sample, and peak memory. Usage: benches/import_vs_sqlite3.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000}
RUNS=${RUNS:-5}

if ! command -v sqlite3 >/dev/null; then
  apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null
fi
SQLX_OFFLINE=true cargo build --release --quiet
bin=target/release/layoffs-bot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 benches/gen_layoffs_csv.py "$work/big.csv" "$ROWS"
echo "file: $ROWS rows, $(du -h "$work/big.csv" | cut -f1)"

# Wall time of a command, in seconds.
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); awk "BEGIN { print $e - $s }"; }
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }
median() { sort -g | awk '{ a[NR] = $1 } END { printf "%.3f", a[int((NR + 1) / 2)] }'; }

sqlite_runs=() ours_runs=() again_runs=()
for i in $(seq "$RUNS"); do
  rm -f "$work/plain.db" "$work/ours.db"*
  sqlite_runs+=("$(seconds sqlite3 "$work/plain.db" ".import --csv $work/big.csv layoffs")")
  ours_runs+=("$(DATABASE_URL="sqlite://$work/ours.db" seconds "$bin" import "$work/big.csv")")
  again_runs+=("$(DATABASE_URL="sqlite://$work/ours.db" seconds "$bin" import "$work/big.csv")")
done
sqlite=$(printf '%s\n' "${sqlite_runs[@]}" | median)
ours=$(printf '%s\n' "${ours_runs[@]}" | median)
again=$(printf '%s\n' "${again_runs[@]}" | median)
printf 'sqlite3 .import:          %s s\n' "$sqlite"
printf 'layoffs-bot import:       %s s  (%sx)\n' "$ours" "$(ratio "$ours" "$sqlite")"
printf 'layoffs-bot re-import:    %s s  (%sx)\n' "$again" "$(ratio "$again" "$sqlite")"

rm -f "$work/ours.db"*
DATABASE_URL="sqlite://$work/ours.db" /usr/bin/time -f '%M' -o "$work/rss" "$bin" import "$work/big.csv" >/dev/null
echo "peak memory of the import: $(( $(cat "$work/rss") / 1024 )) MB"
rm -f "$work/ours.db"*
DATABASE_URL="sqlite://$work/ours.db" RUST_LOG=layoffs_bot=info "$bin" import tests/data/layoffs_fyi_sample.csv 2>&1 >/dev/null \
  | sed 's/\x1b\[[0-9;]*m//g' | grep -o 'write_lock_ms=[0-9]*' | sed 's/^/write lock held for the 4,277-row sample: /; s/$/ ms/'
