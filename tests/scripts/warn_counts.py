#!/usr/bin/env python3
"""Independent count of a Washington State WARN file: rows, and distinct filings (same state,
filed name, notice date, location and jobs), written apart from the Rust importer.

Usage: tests/scripts/warn_counts.py FILE"""
import csv
import re
import sys
from datetime import datetime


def key(text):
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
seen = set()
for r in rows:
    notice = datetime.strptime(r["Received Date"].strip(), "%m/%d/%Y").date()
    seen.add(("WA", key(r["Company"]), notice, key(r["Location"]), r["# of Workers"].strip()))
print(f"read={len(rows)} filings={len(seen)} duplicates={len(rows) - len(seen)}")
