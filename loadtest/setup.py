"""Prepares the shop for a load run and writes what the shoppers need to <results>/run.json.

- the doorbuster: one product (SKU LT-DOORBUSTER), created through Catalog's admin API on the first
  run and reused after, its available stock set to the run's limited stock;
- the regular checkout products: a fixed set of seeded products restocked (only ever upwards) so
  that ordinary checkouts test the order flow rather than run the shelves empty;
- the catalogue's ids, brands, categories and words, for browsing and searching.

Usage: setup.py RESULTS_DIR DOORBUSTER_STOCK
"""
from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from shop import Stack, TokenSigner, call, healthy, query

DOORBUSTER_SKU = "LT-DOORBUSTER"
RESTOCKED_PRODUCTS = 60
RESTOCK_BELOW = 20_000
RESTOCK_TO = 100_000


def all_products(stack: Stack) -> list[dict]:
    products, page = [], 1
    while True:
        result = call("GET", f"{stack.catalog}/api/catalog/products?{query({'page': page, 'pageSize': 100, 'sort': 'newest'})}")
        products += result["items"]
        if len(products) >= result["total"] or not result["items"]:
            return products
        page += 1


def ensure_doorbuster(stack: Stack, admin: str, stock: int, products: list[dict]) -> dict:
    existing = next((p for p in products if p["sku"] == DOORBUSTER_SKU), None)
    if existing is None:
        created = call("POST", f"{stack.catalog}/api/catalog/products", admin, {
            "sku": DOORBUSTER_SKU,
            "name": "Doorbuster Wireless Noise Cancelling Headphones",
            "description": "The flash-sale deal: limited stock, one per shopper while it lasts.",
            "brand": "Brightwave",
            "category": "Headphones",
            "price": 49.00,
            "currency": "EUR",
            "availableStock": stock,
        })
        return created
    delta = stock - existing["availableStock"]
    if delta != 0:
        return call("POST", f"{stack.catalog}/api/catalog/products/{existing['id']}/stock", admin, {"delta": delta})
    return existing


def restock(stack: Stack, admin: str, products: list[dict], currency: str) -> list[int]:
    # Every other seeded product with one currency: ordinary carts mix them freely.
    chosen = [p for p in sorted(products, key=lambda p: p["id"])
              if p["sku"] != DOORBUSTER_SKU and p["currency"] == currency][::2][:RESTOCKED_PRODUCTS]
    for p in chosen:
        if p["availableStock"] < RESTOCK_BELOW:
            call("POST", f"{stack.catalog}/api/catalog/products/{p['id']}/stock", admin,
                 {"delta": RESTOCK_TO - p["availableStock"]})
    return [p["id"] for p in chosen]


def main() -> None:
    results, stock = Path(sys.argv[1]), int(sys.argv[2])
    stack = Stack.from_env()
    admin = TokenSigner.for_stack(stack).mint("loadtest-admin", admin=True)
    products = all_products(stack)
    doorbuster = ensure_doorbuster(stack, admin, stock, products)
    restocked = restock(stack, admin, products, doorbuster["currency"])
    browse = [p for p in products if p["sku"] != DOORBUSTER_SKU]
    words = sorted({w.lower() for p in browse for w in re.findall(r"[A-Za-z]{4,}", p["name"])})
    run = {
        "startedAt": time.time(),
        "stack": {"web": stack.web, "catalog": stack.catalog, "cart": stack.cart, "ordering": stack.ordering},
        # Without the storefront the shoppers use the APIs only.
        "webUp": healthy(stack.web),
        "doorbuster": {"id": doorbuster["id"], "sku": DOORBUSTER_SKU, "stock": stock},
        "checkoutProductIds": restocked,
        "productIds": [p["id"] for p in browse],
        "brands": sorted({p["brand"] for p in browse}),
        "categories": sorted({p["category"] for p in browse}),
        "searchWords": words,
    }
    (results / "run.json").write_text(json.dumps(run, indent=2))
    print(f"setup: doorbuster #{doorbuster['id']} with {stock} units; {len(restocked)} checkout products restocked; "
          f"{len(browse)} products, {len(words)} search words; storefront {'up' if run['webUp'] else 'not running: APIs only'}")


if __name__ == "__main__":
    main()
