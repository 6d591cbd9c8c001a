#!/usr/bin/env python3
"""Writes N rows (default 100,000) in the newer layoffs.fyi layout, deterministically: 10,000
made-up companies, realistic field shapes (numbers as "16000.0", fractions, M/D/YYYY dates,
source links), about 15 MB. Usage: gen_layoffs_csv.py OUT [N]"""
import csv
import random
import sys

SYLLABLES = ["am", "zon", "bri", "cor", "dex", "el", "fin", "gal", "hex", "io", "jet", "kai",
             "lum", "mo", "nex", "or", "pix", "qua", "ra", "sol", "tri", "ul", "vex", "wa"]
CITIES = ["SF Bay Area", "Seattle", "New York City", "Austin", "Boston", "London", "Berlin",
          "Bengaluru", "Toronto", "Sydney", "Tel Aviv", "Singapore", "Sao Paulo", "Paris"]
INDUSTRIES = ["Retail", "Consumer", "Fintech", "Healthcare", "Transportation", "Food",
              "Crypto", "Real Estate", "Marketing", "Security", "Education", "Hardware"]
COUNTRIES = ["United States", "United Kingdom", "Germany", "India", "Canada", "Australia",
             "Israel", "Singapore", "Brazil", "France"]
STAGES = ["Seed", "Series A", "Series B", "Series C", "Post-IPO", "Acquired", "Unknown"]


def company(i):
    rng = random.Random(i)
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    return name.capitalize() + (" Labs" if i % 7 == 0 else "") + f" {i}"


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    rng = random.Random(42)
    companies = [company(i) for i in range(10_000)]
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["company", "location", "total_laid_off", "date", "percentage_laid_off",
                    "industry", "source", "stage", "funds_raised", "country", "date_added"])
        for i in range(n):
            c = rng.randrange(len(companies))
            year, month, day = rng.randint(2020, 2026), rng.randint(1, 12), rng.randint(1, 28)
            count = f"{rng.randint(5, 20000)}.0" if rng.random() < 0.7 else ""
            pct = f"{rng.randint(1, 100) / 100}" if rng.random() < 0.5 else ""
            w.writerow([
                companies[c], rng.choice(CITIES), count, f"{month}/{day}/{year}", pct,
                INDUSTRIES[c % len(INDUSTRIES)],
                f"https://news.example.com/{year}/{month:02}/{companies[c].lower().replace(' ', '-')}-layoffs-{i}",
                rng.choice(STAGES), str(rng.randint(1, 5000)), COUNTRIES[c % len(COUNTRIES)],
                f"{month}/{day}/{year}",
            ])


if __name__ == "__main__":
    main()
