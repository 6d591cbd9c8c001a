#!/usr/bin/env bash
# `layoffs-bot import` of a generated WARN file (consolidated layout, 300,000 notices by
# default, 20,000 companies) into an empty store and again into one holding it (all
# duplicates): wall time and how long the store's write lock was held (the bot's writes wait
# up to its 10 s busy timeout). Usage: benches/warn_import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-300000}
SQLX_OFFLINE=true cargo build --release --quiet
bin=target/release/layoffs-bot
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/warn.csv" "$ROWS" <<'PY'
import sys
out, n = sys.argv[1], int(sys.argv[2])
with open(out, "w") as f:
    f.write("hash_id,postal_code,company,location,notice_date,effective_date,jobs,"
            "is_temporary,is_closure,is_amendment\n")
    for i in range(n):
        f.write(f"h{i},WA,Company {i % 20000},City {i % 97},2024-{1 + i % 12:02}-"
                f"{1 + i % 28:02},,{10 + i % 500},False,False,False\n")
PY
echo "file: $ROWS notices, $(du -h "$work/warn.csv" | cut -f1)"
for run in first again; do
  start=$(date +%s.%N)
  lock=$(DATABASE_URL="sqlite://$work/ours.db" RUST_LOG=layoffs_bot=info "$bin" import "$work/warn.csv" 2>&1 >/dev/null \
    | sed 's/\x1b\[[0-9;]*m//g' | grep -o 'write_lock_ms=[0-9]*' | cut -d= -f2)
  end=$(date +%s.%N)
  printf '%-6s import: %.2f s wall, write lock held %s ms\n' "$run" "$(awk "BEGIN { print $end - $start }")" "$lock"
done
