#!/usr/bin/env python3
"""Independent count of what importing layoffs.fyi files one after another should give under
the merge rule of the "one layoff, one event" issue: read, imported, merged, probable
duplicates, duplicates and rejected, per file. Written apart from the Rust code (no shared
logic) so that each checks the other.

Usage: tests/scripts/merge_counts.py [--alias NAME=COMPANY ...] FILE... (in import order)
"""
import csv
import re
import sys
from datetime import datetime

SUFFIXES = {"inc", "llc", "ltd", "corp", "corporation", "co", "gmbh", "plc", "sa", "ag", "limited", "incorporated", "company"}


def key(name):
    words = re.sub(r"[^0-9a-z]+", " ", name.lower()).split()
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return " ".join(words)


def city(location):
    return (location or "").split(",")[0].strip().lower()


def number(text):
    text = (text or "").strip()
    if text in ("", "NULL"):
        return None
    value = float(text)
    return int(value) if value >= 1 else None


def percent(text):
    text = (text or "").strip()
    if text in ("", "NULL"):
        return None
    value = float(text) * 100
    return value if 0 < value <= 100 else None


def strip_non_us(location):
    """"Sydney, Non-U.S." is layoffs.fyi's way of saying Sydney, outside the US."""
    text = location.strip()
    if text.endswith("Non-U.S."):
        text = text[: -len("Non-U.S.")].rstrip().rstrip(",").rstrip()
    return text


def same_pct(a, b):
    return abs(a - b) <= 0.5


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            yield line, row


def parse(row):
    try:
        date = datetime.strptime(row["date"].strip(), "%m/%d/%Y").date()
    except ValueError:
        return None
    name = row["company"].strip()
    if not name:
        return None
    count = row.get("total_laid_off")
    return {
        "key": key(name), "name": name, "date": date, "hc": number(count), "pct": percent(row.get("percentage_laid_off")),
        "location": strip_non_us(row.get("location") or ""), "industry": (row.get("industry") or "").strip().lower(),
    }


def fingerprint(e, k):
    return (k, e["date"], e["hc"], None if e["pct"] is None else round(e["pct"], 6), " ".join(e["location"].lower().split()))


def compatible(a, b):
    if a["hc"] is not None and b["hc"] is not None and a["hc"] != b["hc"]:
        return False
    if a["pct"] is not None and b["pct"] is not None and not same_pct(a["pct"], b["pct"]):
        return False
    same_number = (a["hc"] is not None and a["hc"] == b["hc"]) or (
        a["pct"] is not None and b["pct"] is not None and same_pct(a["pct"], b["pct"]))
    return same_number or (city(a["location"]) != "" and city(a["location"]) == city(b["location"]))


def main(args):
    aliases = {}
    events = []          # dicts with "company" (key) and "file"
    fingerprints = set()
    industry_of = {}
    while args:
        arg = args.pop(0)
        if arg == "--alias":
            # From here on, NAME is COMPANY.
            name, company = args.pop(0).split("=", 1)
            aliases[key(name)] = key(company)
        else:
            import_file(arg, aliases, events, fingerprints, industry_of)


def import_file(path, aliases, events, fingerprints, industry_of):
    counts = dict(read=0, imported=0, merged=0, probable=0, duplicates=0, rejected=0)
    for line, row in rows(path):
        counts["read"] += 1
        e = parse(row)
        if e is None:
            counts["rejected"] += 1
            print(f"  rejected line {line}", file=sys.stderr)
            continue
        company = aliases.get(e["key"], e["key"])
        fp = fingerprint(e, e["key"])
        if fp in fingerprints:
            counts["duplicates"] += 1
            continue
        target = next((x for x in events if x["company"] == company and x["date"] == e["date"] and compatible(x, e)), None)
        if target is not None:
            counts["merged"] += 1
            fingerprints.add(fp)
            for field in ("hc", "pct"):
                if target[field] is None:
                    target[field] = e[field]
            if not target["location"]:
                target["location"] = e["location"]
            print(f"  merged line {line}: {e['name']} {e['date']}", file=sys.stderr)
            continue
        industry = industry_of.get(company, e["industry"])
        probable = next((x for x in events if x["file"] != path and x["company"] != company and x["date"] == e["date"]
                         and ((e["hc"] is not None and x["hc"] == e["hc"]) or (e["pct"] is not None and x["pct"] is not None and same_pct(x["pct"], e["pct"])))
                         and city(x["location"]) != "" and city(x["location"]) == city(e["location"]) and industry_of.get(x["company"]) == industry), None)
        if probable is not None:
            counts["probable"] += 1
            print(f"  probable line {line}: {e['name']} {e['date']} looks like {probable['name']}", file=sys.stderr)
            continue
        counts["imported"] += 1
        fingerprints.add(fp)
        industry_of.setdefault(company, e["industry"])
        events.append(dict(e, company=company, file=path))
    print(path, " ".join(f"{k}={v}" for k, v in counts.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
