#!/usr/bin/env python3
"""Checks, from the databases, what must hold after a chaos drill once the shop has settled.

Usage:
  scripts/chaos-invariants.py --catalog "Host=…;Port=…;Username=…;Password=…;Database=catalogdb" \
                              --ordering "Host=…;Port=…;Username=…;Password=…;Database=orderingdb" \
                              [--accepted FILE] [--doorbuster PRODUCT_ID=UNITS]

The connection strings are in the services' own (Npgsql) format; without --catalog/--ordering the
variables ConnectionStrings__catalogdb and ConnectionStrings__orderingdb are used. --accepted names
a file of order ids (one per line) the load generator saw accepted; --doorbuster a product that must
have sold exactly UNITS units. Prints one PASS/FAIL line per invariant and exits 1 on any failure
(2 when a database cannot be read). Needs psql (PostgreSQL client).
"""
import argparse
import os
import subprocess
import sys

FINAL = ("Paid", "Shipped", "Cancelled")  # Shipped comes only after Paid
PAID = ("Paid", "Shipped")
KEYS = {"host": "PGHOST", "server": "PGHOST", "port": "PGPORT", "username": "PGUSER", "user id": "PGUSER",
        "userid": "PGUSER", "user": "PGUSER", "password": "PGPASSWORD", "database": "PGDATABASE"}


def libpq_env(connection_string):
    env = dict(os.environ)
    for part in connection_string.split(";"):
        if "=" not in part:
            continue
        key, value = part.split("=", 1)
        name = KEYS.get(key.strip().lower())
        if name:
            env[name] = value.strip()
    return env


def query(connection_string, sql):
    """Rows as lists of strings (tab-separated psql output)."""
    result = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                            env=libpq_env(connection_string), capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        database = libpq_env(connection_string).get("PGDATABASE", "?")
        print(f"ERROR reading {database}: {result.stderr.strip()}", file=sys.stderr)
        sys.exit(2)
    return [line.split("\t") for line in result.stdout.splitlines() if line]


def sample(items, n=5):
    items = list(items)
    return ", ".join(items[:n]) + (f" … ({len(items)} in all)" if len(items) > n else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalog", default=os.environ.get("ConnectionStrings__catalogdb"))
    parser.add_argument("--ordering", default=os.environ.get("ConnectionStrings__orderingdb"))
    parser.add_argument("--accepted", help="file of order ids the load generator saw accepted")
    parser.add_argument("--doorbuster", help="PRODUCT_ID=UNITS: a product that must have sold exactly UNITS")
    args = parser.parse_args()
    if not args.catalog or not args.ordering:
        parser.error("give --catalog and --ordering (or set ConnectionStrings__catalogdb and ConnectionStrings__orderingdb)")

    results = []

    def check(name, failures):
        results.append(not failures)
        print(f"{'PASS' if not failures else 'FAIL'}  {name}" + (f": {failures}" if failures else ""))

    orders = {row[0]: row[1] for row in query(args.ordering, "SELECT id, status FROM orders")}
    print(f"orders: {len(orders)} ({', '.join(f'{s} {n}' for s, n in sorted(_count(orders.values()).items()))})")

    if args.accepted:
        with open(args.accepted) as f:
            accepted = {line.strip() for line in f if line.strip()}
        missing = sorted(accepted - orders.keys())
        check(f"every accepted order exists ({len(accepted)} accepted)", sample(missing) if missing else "")

    open_orders = sorted(f"{i} {s}" for i, s in orders.items() if s not in FINAL)
    check("every order is final (Paid, Shipped or Cancelled)", sample(open_orders) if open_orders else "")

    paid = {int(p): int(q) for p, q in query(args.ordering, f"""
        SELECT l.product_id, SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id
        WHERE o.status IN ({_list(PAID)}) GROUP BY l.product_id""")}
    sold = {int(p): int(q) for p, q in query(args.catalog, """
        SELECT l.product_id, SUM(l.quantity) FROM stock_reservation_lines l JOIN stock_reservations r USING (order_id)
        WHERE r.status = 'Committed' GROUP BY l.product_id""")}
    differ = sorted(f"product {p}: sold {sold.get(p, 0)}, paid {paid.get(p, 0)}"
                    for p in paid.keys() | sold.keys() if sold.get(p, 0) != paid.get(p, 0))
    check("for every product, units sold (committed in Catalog) equal paid quantities (Ordering)", sample(differ) if differ else "")

    reserved = [f"product {p}: {n} reserved" for p, n in query(args.catalog, "SELECT id, reserved_stock FROM products WHERE reserved_stock <> 0 ORDER BY id")]
    held = [f"order {o}" for (o,) in query(args.catalog, "SELECT order_id FROM stock_reservations WHERE status = 'Reserved' ORDER BY order_id")]
    check("nothing stays reserved", sample(reserved + held) if reserved or held else "")

    reservations = {row[0]: row[1] for row in query(args.catalog, "SELECT order_id, status FROM stock_reservations")}
    mismatched = sorted(f"order {i} {s}, reservation {reservations.get(i, 'none')}" for i, s in orders.items()
                        if (s in PAID and reservations.get(i) != "Committed")
                        or (s == "Cancelled" and reservations.get(i) not in (None, "Rejected", "Released")))
    check("every paid order's stock is committed and no cancelled order's is", sample(mismatched) if mismatched else "")

    approved = {row[0]: int(row[1]) for row in query(args.ordering,
        "SELECT order_id, COUNT(*) FROM payments WHERE status = 'Approved' GROUP BY order_id")}
    bad_paid = sorted(f"order {i}: {approved.get(i, 0)} approved" for i, s in orders.items() if s in PAID and approved.get(i, 0) != 1)
    check("every paid order has exactly one approved payment", sample(bad_paid) if bad_paid else "")
    bad_cancelled = sorted(f"order {i}: {approved[i]} approved" for i, s in orders.items() if s == "Cancelled" and approved.get(i, 0) > 0)
    check("no cancelled order has an approved payment", sample(bad_cancelled) if bad_cancelled else "")

    if args.doorbuster:
        product, units = (int(x) for x in args.doorbuster.split("=", 1))
        stock = query(args.catalog, f"SELECT available_stock FROM products WHERE id = {product}")
        left = int(stock[0][0]) if stock else None
        failure = "" if sold.get(product, 0) == units and left == 0 else f"sold {sold.get(product, 0)} of {units}, {left} left"
        check(f"doorbuster product {product} sold exactly its {units} units", failure)

    failed = results.count(False)
    print(f"{len(results) - failed} of {len(results)} invariants hold")
    return 1 if failed else 0


def _count(values):
    counts = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def _list(values):
    return ", ".join(f"'{v}'" for v in values)


if __name__ == "__main__":
    sys.exit(main())
