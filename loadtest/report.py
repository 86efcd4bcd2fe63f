"""After a load run: waits for every order to end, reads the truth from the shop's admin APIs,
writes <results>/summary.json and the charts, checks the invariants and exits 1 if one fails.

Usage: report.py RESULTS_DIR ENDED_AT_EPOCH
"""
from __future__ import annotations

import csv
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

from shop import Stack, TokenSigner, call, query

FINAL_WAIT_S = 60
PENDING = ("Submitted", "StockReserved")


def parse_time(text: str) -> float:
    text = re.sub(r"(\.\d{6})\d+", r"\1", text.replace("Z", "+00:00"))
    return datetime.fromisoformat(text).timestamp()


def scan_orders(stack: Stack, admin: str, since: float, status: str | None = None) -> list[dict]:
    """This run's orders (created since `since`), newest first, through Ordering's admin API."""
    found, page = [], 1
    while True:
        result = call("GET", f"{stack.ordering}/api/admin/orders?{query({'status': status, 'page': page, 'pageSize': 100})}", admin, timeout=60)
        items = result["items"]
        for order in items:
            if parse_time(order["createdAt"]) < since:
                return found
            found.append(order)
        if len(items) < 100:
            return found
        page += 1


def read_csv(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open() as f:
        return list(csv.DictReader(f))


def number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "", "N/A") else None
    except ValueError:
        return None


def endpoint_stats(results: Path) -> tuple[dict, dict]:
    endpoints, total = {}, {}
    for row in read_csv(results / "locust_stats.csv"):
        entry = {
            "type": row["Type"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 2),
            "p50Ms": number(row["50%"]),
            "p95Ms": number(row["95%"]),
            "p99Ms": number(row["99%"]),
            "avgMs": round(float(row["Average Response Time"]), 1),
            "maxMs": number(row["Max Response Time"]),
        }
        if row["Name"] == "Aggregated":
            total = entry
        else:
            endpoints[row["Name"]] = entry
    return endpoints, total


def load_generated(results: Path, profile: str, asked_peak: int, planned_s: float, think: float) -> dict:
    """Whether Locust produced the load the run asked for, from its per-second history: a run whose
    workers never connected, or that stopped early, must not pass on the invariants of too little load.

    Thresholds are loose on purpose (a busy machine slows the generator): the peak shopper count
    within 90 % of the asked one, the run lasting 90 % of its planned length, and at least half
    the requests that shoppers waiting the longest think time between actions would send."""
    rows = [r for r in read_csv(results / "locust_stats_history.csv") if r.get("Name") == "Aggregated"]
    if not rows:
        return {"name": "the asked load was generated", "ok": False,
                "detail": "Locust recorded no history: no load was generated (did its workers connect? see locust.out)"}
    times = [int(r["Timestamp"]) for r in rows]
    users = [int(number(r["User Count"]) or 0) for r in rows]
    requests = int(number(rows[-1].get("Total Request Count")) or 0)
    span = times[-1] - times[0]
    user_seconds = sum(u * (t1 - t0) for u, t0, t1 in zip(users, times, times[1:]))
    longest_think = {"orders": 1.0, "journey": 0.0}.get(profile, 5.0) * think
    expected_min = int(0.5 * user_seconds / (longest_think + 1.0))
    peak = max(users)
    problems = []
    if peak < 0.9 * asked_peak:
        problems.append(f"peak {peak} shoppers of {asked_peak} asked")
    if span < 0.9 * planned_s:
        problems.append(f"ran {span} s of {planned_s:.0f} s planned")
    if requests < expected_min:
        problems.append(f"{requests} requests, fewer than the {expected_min} that {user_seconds} shopper-seconds send at the least")
    detail = (f"peak {peak} shoppers (asked {asked_peak}), {span} s (planned {planned_s:.0f} s), {requests} requests "
              f"(at least {expected_min} expected)")
    return {"name": "the asked load was generated", "ok": not problems,
            "detail": detail if not problems else "too little load: " + "; ".join(problems)}


def cpu_summary(results: Path, start: float, end: float) -> dict:
    rows = [r for r in read_csv(results / "cpu.csv") if start <= float(r["time"]) <= end]
    if not rows:
        return {}
    columns = [c for c in rows[0] if c not in ("time",)]
    summary = {}
    for c in columns:
        values = [float(r[c]) for r in rows if r[c] not in ("", None)]
        if values:
            summary[c] = {"avg": round(sum(values) / len(values), 2), "max": round(max(values), 2)}
    return summary


def window_rate(orders: list[dict], statuses: set[str], start: float, end: float) -> float:
    n = sum(1 for o in orders if o["status"] in statuses and start <= parse_time(o["createdAt"]) < end)
    return round(n / max(end - start, 1), 2)


def to_paid_ms(orders: list[dict]) -> dict:
    """Submitted → Paid as Ordering recorded it (creation to the last update of a Paid order), p50/p95:
    what the shopper waits for, without the storefront's polling steps."""
    waits = sorted((parse_time(o["updatedAt"]) - parse_time(o["createdAt"])) * 1000 for o in orders if o["status"] == "Paid")
    if not waits:
        return {"orders": 0, "p50Ms": None, "p95Ms": None}
    pick = lambda q: round(waits[min(len(waits) - 1, int(q * len(waits)))])  # noqa: E731
    return {"orders": len(waits), "p50Ms": pick(0.50), "p95Ms": pick(0.95)}


def charts(results: Path, phases: dict, summary: dict) -> list[str]:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    history = read_csv(results / "locust_stats_history.csv")
    if not history:
        return []
    t0 = phases.get("testStart") or float(history[0]["Timestamp"])
    made = []

    def mark(ax):
        if "surgeStart" in phases:
            ax.axvspan(phases["surgeStart"] - t0, phases["fallStart"] - t0, color="orange", alpha=0.15, label="surge")
            ax.axvline(phases["surgeFull"] - t0, color="orange", linestyle=":", linewidth=1)

    by_name: dict[str, list[dict]] = defaultdict(list)
    for row in history:
        by_name[row["Name"]].append(row)

    def series(name: str, column: str):
        xs, ys = [], []
        for row in by_name.get(name, []):
            v = number(row[column])
            if v is not None:
                xs.append(float(row["Timestamp"]) - t0)
                ys.append(v)
        return xs, ys

    # Throughput: requests/s, checkouts/s and paid orders/s, with the shoppers on a second axis.
    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=90)
    xs, ys = series("Aggregated", "Requests/s")
    ax.plot(xs, ys, label="requests/s (all)", color="tab:blue")
    xs, ys = series("Aggregated", "Failures/s")
    if any(ys):
        ax.plot(xs, ys, label="failures/s", color="tab:red")
    checkout = defaultdict(float)
    for name in ("api: checkout", "api: checkout doorbuster"):
        for row in by_name.get(name, []):
            checkout[round(float(row["Timestamp"]) - t0)] += number(row["Requests/s"]) or 0
    if checkout:
        ks = sorted(checkout)
        ax.plot(ks, [checkout[k] for k in ks], label="checkouts/s", color="tab:green")
    timeline = read_csv(results / "orders_timeline.csv")
    if len(timeline) > 1:
        px, py = [], []
        for a, b in zip(timeline, timeline[1:]):
            dt = float(b["time"]) - float(a["time"])
            px.append(float(b["time"]) - t0)
            py.append((int(b["paid"]) - int(a["paid"])) / dt if dt > 0 else 0)
        ax.plot(px, py, label="orders paid/s (Ordering)", color="tab:purple", linestyle="--")
    mark(ax)
    ax.set_xlabel("seconds since start")
    ax.set_ylabel("per second")
    ax2 = ax.twinx()
    ux, uy = series("Aggregated", "User Count")
    ax2.plot(ux, uy, color="grey", linewidth=1, alpha=0.6, label="shoppers")
    ax2.set_ylabel("shoppers")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="upper left", fontsize=8)
    ax.set_title(f"Throughput — {summary['profile']} ({summary['mode']})")
    fig.tight_layout()
    fig.savefig(results / "throughput.png")
    plt.close(fig)
    made.append("throughput.png")

    # p95 over time per request group.
    fig, ax = plt.subplots(figsize=(10, 4.5), dpi=90)
    interesting = ["web: home", "web: catalog filter", "web: search", "web: product", "api: catalog filter", "api: search",
                   "api: product", "api: cart add", "api: checkout", "api: checkout doorbuster"]
    for name in interesting:
        xs, ys = series(name, "95%")
        if len(xs) > 2:
            ax.plot(xs, ys, label=name, linewidth=1.2)
    ax.set_yscale("log")
    mark(ax)
    ax.set_xlabel("seconds since start")
    ax.set_ylabel("p95 ms (log)")
    ax.axhline(200, color="red", linestyle=":", linewidth=1)
    ax.legend(loc="upper left", fontsize=7, ncol=3)
    ax.set_title("p95 response time over time (red dotted: 200 ms)")
    fig.tight_layout()
    fig.savefig(results / "latency_p95.png")
    plt.close(fig)
    made.append("latency_p95.png")

    # CPU by part of the shop: what the two cores are spent on.
    cpu = read_csv(results / "cpu.csv")
    if cpu:
        fig, ax = plt.subplots(figsize=(10, 4), dpi=90)
        cols = [c for c in cpu[0] if c not in ("time", "machine", "load1")]
        xs = [float(r["time"]) - t0 for r in cpu]
        stacks = [[float(r[c] or 0) for r in cpu] for c in cols]
        ax.stackplot(xs, stacks, labels=cols, alpha=0.8)
        ax.plot(xs, [float(r["machine"]) for r in cpu], color="black", linewidth=1, label="machine (all processes)")
        mark(ax)
        ax.set_ylabel("cores busy")
        ax.set_xlabel("seconds since start")
        ax.legend(loc="upper left", fontsize=7, ncol=3)
        ax.set_title(f"CPU by part (machine has {os.cpu_count()} cores; others' builds are the gap to the black line)")
        fig.tight_layout()
        fig.savefig(results / "cpu.png")
        plt.close(fig)
        made.append("cpu.png")
    return made


def main() -> int:
    results, ended_at = Path(sys.argv[1]), float(sys.argv[2])
    stack = Stack.from_env()
    admin = TokenSigner.for_stack(stack).mint("loadtest-admin", admin=True)
    run = json.loads((results / "run.json").read_text())
    phases = json.loads((results / "phases.json").read_text()) if (results / "phases.json").is_file() else {}
    since = run["startedAt"] - 1

    # 1. Every order final within 60 s of the end.
    waited_from = time.time()
    deadline = ended_at + FINAL_WAIT_S
    while True:
        pending = sum(len(scan_orders(stack, admin, since, s)) for s in PENDING)
        if pending == 0 or time.time() > deadline:
            break
        time.sleep(2)
    final_after = round(time.time() - ended_at, 1)
    orders = scan_orders(stack, admin, since)
    by_status = Counter(o["status"] for o in orders)
    not_final = sum(by_status[s] for s in PENDING)

    # 2. The doorbuster: paid units against stock, and Catalog's own count.
    door = run["doorbuster"]
    sold = sum(l["quantity"] for o in orders if o["status"] in ("Paid", "Shipped") for l in o["lines"] if l["productId"] == door["id"])
    door_orders = [o for o in orders if any(l["productId"] == door["id"] for l in o["lines"])]
    product = call("GET", f"{stack.catalog}/api/catalog/products/{door['id']}")
    available_after = product["availableStock"]

    endpoints, total = endpoint_stats(results)
    statuses = json.loads((results / "status_codes.json").read_text()) if (results / "status_codes.json").is_file() else {}
    server_errors = {name: {c: n for c, n in codes.items() if int(c) >= 500 or int(c) == 0}
                     for name, codes in statuses.items()}
    server_errors = {k: v for k, v in server_errors.items() if v}
    n_server_errors = sum(sum(v.values()) for v in server_errors.values())

    start = phases.get("testStart", run["startedAt"])
    cpu = cpu_summary(results, start, ended_at)
    profile = phases.get("profile", os.environ.get("LT_PROFILE", "flash"))
    hold = None
    if profile != "flash":
        ramp = float(os.environ.get("LT_RAMP", "15"))
        hold = (start + ramp, ended_at)
    elif "surgeFull" in phases:
        hold = (phases["surgeFull"], phases["fallStart"])

    summary = {
        "mode": os.environ.get("LT_MODE", "?"),
        "profile": profile,
        "startedAt": datetime.fromtimestamp(start).isoformat(timespec="seconds"),
        "durationS": round(ended_at - start, 1),
        "shoppers": {k: phases[k] for k in ("baseUsers", "surgeUsers") if k in phases},
        "machine": {
            "cores": os.cpu_count(),
            "loadAverageBefore": json.loads(os.environ.get("LT_LOAD_BEFORE", "null")),
            "loadAverageAfter": [round(x, 2) for x in os.getloadavg()],
            "cpuCoresBusyAvg": cpu.get("machine", {}).get("avg"),
        },
        "loadGenerator": {
            "processes": int(os.environ.get("LT_WORKERS", "1")),
            "cpuCores": cpu.get("loadgen"),
            "note": "1.0 = one core busy; the generator must stay well below the cores it has",
        },
        "cpuByPart": {k: v for k, v in cpu.items() if k not in ("machine", "load1", "loadgen")},
        # CPU spent per paid order, whatever else ran: steadier under other load than orders/s.
        "cpuMsPerPaidOrder": {k: round(v["avg"] * (ended_at - start) * 1000 / max(by_status["Paid"] + by_status["Shipped"], 1), 1)
                              for k, v in cpu.items() if k not in ("machine", "load1")},
        "totals": {
            "requests": total.get("requests", 0),
            "failures": total.get("failures", 0),
            "errorRate": round(total.get("failures", 0) / max(total.get("requests", 0), 1), 5),
            "rps": total.get("rps"),
            "p50Ms": total.get("p50Ms"), "p95Ms": total.get("p95Ms"), "p99Ms": total.get("p99Ms"),
        },
        "endpoints": endpoints,
        "statusCodes": statuses,
        "orders": {
            "submitted": len(orders),
            "paid": by_status["Paid"] + by_status["Shipped"],
            "cancelled": by_status["Cancelled"],
            "notFinal": not_final,
            "finalSecondsAfterEnd": final_after if not_final == 0 else None,
            "byStatus": dict(by_status),
            "cancelReasons": dict(Counter(o.get("statusReason") or "?" for o in orders if o["status"] == "Cancelled").most_common(5)),
            "acceptedPerSecondAtPeak": window_rate(orders, {"Paid", "Shipped", "Cancelled", *PENDING}, *hold) if hold else None,
            "paidPerSecondAtPeak": window_rate(orders, {"Paid", "Shipped"}, *hold) if hold else None,
            "peakWindowS": round(hold[1] - hold[0], 1) if hold else None,
            "submittedToPaid": to_paid_ms(orders),
        },
        "doorbuster": {
            "productId": door["id"],
            "stock": door["stock"],
            "unitsSold": sold,
            "ordersTried": len(door_orders),
            "ordersPaid": sum(1 for o in door_orders if o["status"] in ("Paid", "Shipped")),
            "ordersCancelled": sum(1 for o in door_orders if o["status"] == "Cancelled"),
            "catalogAvailableAfter": available_after,
        },
        "serverErrors": server_errors,
    }

    invariants = [
        {"name": "no unit oversold", "ok": sold <= door["stock"] and available_after >= 0 and available_after == door["stock"] - sold,
         "detail": f"doorbuster: {sold} units paid of {door['stock']} in stock; Catalog shows {available_after} left "
                   f"(expected {door['stock'] - sold})"},
        {"name": "every order final within 60 s of the end", "ok": not_final == 0,
         "detail": f"{len(orders)} orders, {not_final} not final"
                   + (f"; all final {final_after:.0f} s after the end" if not_final == 0 else f" {final_after:.0f} s after the end")},
        {"name": "no 5xx", "ok": n_server_errors == 0,
         "detail": "no 5xx and no connection error" if n_server_errors == 0 else f"{n_server_errors} 5xx or connection errors: {server_errors}"},
        load_generated(results, profile,
                       asked_peak=int(float(os.environ.get("LT_ASKED_PEAK") or phases.get("surgeUsers") or phases.get("baseUsers") or 0)),
                       planned_s=float(os.environ.get("LT_PLANNED_S", "0")),
                       think=float(os.environ.get("LT_THINK", "1"))),
    ]
    summary["invariants"] = invariants
    summary["charts"] = charts(results, phases, summary)
    (results / "summary.json").write_text(json.dumps(summary, indent=2))

    o, t = summary["orders"], summary["totals"]
    print(f"\nresults: {results}")
    print(f"  requests {t['requests']} ({t['rps']}/s), failures {t['failures']} ({t['errorRate']:.3%}), p50 {t['p50Ms']} ms, p95 {t['p95Ms']} ms, p99 {t['p99Ms']} ms")
    print(f"  orders: {o['submitted']} submitted, {o['paid']} paid, {o['cancelled']} cancelled, {o['notFinal']} not final"
          + (f"; peak window {o['peakWindowS']} s: {o['acceptedPerSecondAtPeak']}/s accepted, {o['paidPerSecondAtPeak']}/s paid" if o["peakWindowS"] else ""))
    w = o["submittedToPaid"]
    print(f"  submitted → Paid (Ordering's timestamps, {w['orders']} orders): p50 {w['p50Ms']} ms, p95 {w['p95Ms']} ms")
    d = summary["doorbuster"]
    print(f"  doorbuster: {d['unitsSold']} of {d['stock']} sold to {d['ordersTried']} orders ({d['ordersCancelled']} cancelled)")
    lg = summary["loadGenerator"]["cpuCores"] or {}
    print(f"  load generator CPU: avg {lg.get('avg')} cores, max {lg.get('max')} (machine busy avg {summary['machine']['cpuCoresBusyAvg']} of {os.cpu_count()} cores;"
          f" load average before {summary['machine']['loadAverageBefore']}, after {summary['machine']['loadAverageAfter']})")
    width = max((len(n) for n in endpoints), default=10)
    for name, e in sorted(endpoints.items()):
        print(f"    {name:<{width}} {e['requests']:>7} req {e['rps']:>7}/s  p50 {e['p50Ms']:>6} p95 {e['p95Ms']:>6} p99 {e['p99Ms']:>6} ms  fail {e['failures']}")
    for inv in invariants:
        print(f"  [{'PASS' if inv['ok'] else 'FAIL'}] {inv['name']}: {inv['detail']}")
    return 0 if all(i["ok"] for i in invariants) else 1


if __name__ == "__main__":
    sys.exit(main())
