#!/usr/bin/env bash
# The web page against a bare axum handler, in one run: a company page and /feed.atom of a
# 100k-event store, and a fixed string, each driven by wrk (2 threads, 32 connections, 10 s).
# Prints p50, p99 and requests a second, and the ratios to the bare handler.
# Usage: bash benches/web_vs_bare.sh   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin layoffs-bot --example bare_http
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
python3 benches/gen_layoffs_csv.py "$work/big.csv" 100000
export DATABASE_URL="sqlite://$work/big.db"
target/release/layoffs-bot import "$work/big.csv" >/dev/null
company=$(sed -n 2p "$work/big.csv" | cut -d, -f1 | tr 'A-Z ' 'a-z-')
WEB_LISTEN_ADDR=127.0.0.1:18080 target/release/layoffs-bot web &
target/release/examples/bare_http 127.0.0.1:18081 &
for port in 18080 18081; do
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.1; done
done
run() { # url -> "p50_ms p99_ms rps"
  wrk -t2 -c32 -d10s --latency "$1" | awk '
    / 50%/ {p50=$2} / 99%/ {p99=$2} /Requests\/sec/ {rps=$2}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END { printf "%.3f %.3f %.0f\n", ms(p50), ms(p99), rps }'
}
read -r bp50 bp99 brps < <(run "http://127.0.0.1:18081/")
printf "%-28s %9s %9s %9s %8s %8s\n" what p50_ms p99_ms req/s p50_x rps_x
printf "%-28s %9s %9s %9s\n" "bare axum handler" "$bp50" "$bp99" "$brps"
for path in "/companies/$company" "/feed.atom" "/"; do
  read -r p50 p99 rps < <(run "http://127.0.0.1:18080$path")
  printf "%-28s %9s %9s %9s %8.2f %8.2f\n" "$path" "$p50" "$p99" "$rps" \
    "$(echo "$p50 / $bp50" | bc -l)" "$(echo "$rps / $brps" | bc -l)"
done
