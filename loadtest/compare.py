"""One line per results folder, the figures docs/performance.md quotes.

Usage: compare.py RESULTS_DIR ... (each a folder written by loadtest/run.sh)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

PAGES = ("web: home", "web: catalog filter", "web: search", "web: product")
BROWSE_API = ("api: catalog filter", "api: catalog newest", "api: product", "api: search")


def figures(folder: Path) -> dict:
    s = json.loads((folder / "summary.json").read_text())
    e = s["endpoints"]

    def worst(names, key):
        values = [e[n][key] for n in names if n in e and e[n][key] is not None]
        return max(values) if values else None

    cpu = s.get("cpuMsPerPaidOrder", {})
    return {
        "run": folder.name,
        "load": (s["machine"]["loadAverageBefore"] or [None])[0],
        "users": s["shoppers"].get("baseUsers"),
        "rps": s["totals"]["rps"],
        "errors": s["totals"]["failures"],
        "paid/s": s["orders"]["paidPerSecondAtPeak"],
        "checkout p50": e.get("api: checkout", {}).get("p50Ms"),
        "checkout p95": e.get("api: checkout", {}).get("p95Ms"),
        "to Paid p50/p95": [s["orders"].get("submittedToPaid", {}).get(k) for k in ("p50Ms", "p95Ms")],
        "pages p95 (worst)": worst(PAGES, "p95Ms"),
        "browse/search API p50 (worst)": worst(BROWSE_API, "p50Ms"),
        "loadgen cores": (s["loadGenerator"]["cpuCores"] or {}).get("avg"),
        "CPU ms/order": {k: v for k, v in cpu.items() if k not in ("loadgen",)},
        "invariants": "ok" if all(i["ok"] for i in s["invariants"]) else "FAIL",
    }


def main() -> None:
    for folder in sys.argv[1:]:
        print(json.dumps(figures(Path(folder))))


if __name__ == "__main__":
    main()
