"""Black Friday at the Commerce shop: shoppers browsing, searching, filling carts and checking out,
through the storefront's pages (when Web runs) and the services' APIs, under a flash-sale shape.

Configured by loadtest/run.sh through LT_* variables (see its --help); run.json from setup.py
names the doorbuster, the products and the search words.
"""
from __future__ import annotations

import json
import os
import random
import string
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import gevent
import locust.runners
from locust import FastHttpUser, LoadTestShape, between, constant, events, task
from locust.runners import WorkerRunner

# Debian's python3-locust reports an empty version; its master then refuses every worker as
# "pre 2.0" and --workers N never starts. Master and workers load this file before they connect,
# so both announce the same stand-in version.
if not locust.runners.__version__:
    locust.runners.__version__ = "2-debian"

from shop import Stack, TokenSigner, call

RESULTS = Path(os.environ.get("LT_RESULTS", "."))
RUN = json.loads((RESULTS / "run.json").read_text()) if (RESULTS / "run.json").is_file() else None
PROFILE = os.environ.get("LT_PROFILE", "flash")          # flash | steady | orders | journey
BASE_USERS = int(os.environ.get("LT_USERS", "20"))       # flash: the baseline; steady/orders: all
SURGE_FACTOR = float(os.environ.get("LT_SURGE_FACTOR", "10"))
# Seconds: baseline, ramp to the surge (at most 60), hold, fall back, tail.
PHASES = [float(x) for x in os.environ.get("LT_PHASES", "25,20,45,15,15").split(",")]
DURATION = float(os.environ.get("LT_DURATION", "180"))   # steady/orders
RAMP = float(os.environ.get("LT_RAMP", "15"))            # steady/orders
WEB_SHARE = float(os.environ.get("LT_WEB_SHARE", "0.5"))
DOORBUSTER_SHARE = float(os.environ.get("LT_DOORBUSTER_SHARE", "0.5"))
THINK = float(os.environ.get("LT_THINK", "1"))           # scales every think time
SESSION_ACTIONS = (5, 25)                                 # a shopper leaves after this many actions

CARD = {"cardNumber": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123", "cardholderName": "Load Test"}
FINAL = {"Paid", "Shipped", "Cancelled"}

_signer: TokenSigner | None = None
_started_at: float | None = None
# Per process: status codes per request name, shipped to the master with each report.
_statuses: dict[str, Counter] = defaultdict(Counter)
_all_statuses: dict[str, Counter] = defaultdict(Counter)


def signer() -> TokenSigner:
    global _signer
    if _signer is None:
        _signer = TokenSigner.for_stack(Stack.from_env())
    return _signer


def flash_stages() -> list[tuple[float, int]]:
    """(end offset in seconds, users) per phase; the ramps are shaped by the spawn rate."""
    baseline, ramp, hold, fall, tail = PHASES
    surge = int(round(BASE_USERS * SURGE_FACTOR))
    t = 0.0
    stages = []
    for length, users in ((baseline, BASE_USERS), (ramp + hold, surge), (fall + tail, BASE_USERS)):
        t += length
        stages.append((t, users))
    return stages


def surge_window() -> tuple[float, float]:
    baseline, ramp, hold, _, _ = PHASES
    return baseline, baseline + ramp + hold


class FlashSaleShape(LoadTestShape):
    """flash: baseline, surge to SURGE_FACTOR× within the ramp, hold, fall back, tail.
    steady/orders/journey: LT_USERS for LT_DURATION after a ramp of LT_RAMP."""

    def tick(self):
        t = self.get_run_time()
        if PROFILE != "flash":
            if t > RAMP + DURATION:
                return None
            return BASE_USERS, max(1.0, BASE_USERS / max(RAMP, 1))
        baseline, ramp, hold, fall, tail = PHASES
        surge = int(round(BASE_USERS * SURGE_FACTOR))
        if t < baseline:
            return BASE_USERS, max(1.0, BASE_USERS / 5)
        if t < baseline + ramp + hold:
            return surge, (surge - BASE_USERS) / max(ramp, 1)
        if t < baseline + ramp + hold + fall + tail:
            return BASE_USERS, (surge - BASE_USERS) / max(fall, 1)
        return None


def typo(word: str) -> str:
    if len(word) < 4:
        return word
    i = random.randrange(1, len(word) - 1)
    kind = random.choice(("swap", "drop", "replace", "double"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "replace":
        return word[:i] + random.choice(string.ascii_lowercase) + word[i + 1:]
    return word[:i] + word[i] + word[i:]


class Shopper(FastHttpUser):
    """One shopper at a time: after a session of a few actions it leaves and a new one arrives
    (new buyer id, new token, empty cart), so the shop keeps seeing new shoppers."""

    host = RUN["stack"]["catalog"] if RUN else "http://127.0.0.1:5101"
    wait_time = {"orders": between(0.2 * THINK, 1.0 * THINK), "journey": constant(0)}.get(PROFILE, between(1.0 * THINK, 5.0 * THINK))
    # The services answer within milliseconds; a stuck call should show as a failure, not hang a shopper.
    network_timeout = 30.0
    connection_timeout = 10.0

    def on_start(self):
        self.catalog = RUN["stack"]["catalog"]
        self.cart_api = RUN["stack"]["cart"]
        self.ordering = RUN["stack"]["ordering"]
        self.web = RUN["stack"]["web"] if RUN.get("webUp") else None
        self.arrive()

    def arrive(self):
        self.buyer = f"lt-{uuid.uuid4().hex[:16]}"
        self.token = signer().mint(self.buyer)
        self.token_at = time.time()
        self.cart: dict[int, int] = {}
        self.actions_left = random.randint(*SESSION_ACTIONS)
        self.tried_doorbuster = False

    def auth(self) -> dict[str, str]:
        if time.time() - self.token_at > 9 * 60:
            self.token, self.token_at = signer().mint(self.buyer), time.time()
        return {"Authorization": f"Bearer {self.token}"}

    def request(self, method: str, url: str, name: str, expected=(200,), **kwargs):
        """One call; a status outside `expected` is a failure. Returns (status, parsed JSON or None)."""
        with self.client.request(method, url, name=name, catch_response=True, **kwargs) as response:
            status = response.status_code or 0
            _statuses[name][status] += 1
            if status in expected:
                response.success()
            else:
                response.failure(f"{status} {(response.text or '')[:160]}")
            data = None
            if status in expected and response.headers and "json" in (response.headers.get("Content-Type") or ""):
                try:
                    data = response.json()
                except ValueError:
                    data = None
            return status, data

    def via_web(self) -> bool:
        return self.web is not None and random.random() < WEB_SHARE

    def counted(self):
        """Called by every task: the session ends after its actions, and the surge draws shoppers to the doorbuster."""
        self.actions_left -= 1
        if self.actions_left <= 0:
            self.arrive()
        if _started_at is not None and PROFILE == "flash" and not self.tried_doorbuster and RUN["doorbuster"]["id"]:
            start, end = surge_window()
            if start <= time.time() - _started_at <= end:
                self.tried_doorbuster = True
                if random.random() < DOORBUSTER_SHARE:
                    self.buy_doorbuster()

    # --- browse and filter (60%) ---------------------------------------------------------------
    @task(60) if PROFILE not in ("orders", "journey") else (lambda f: f)
    def browse(self):
        self.counted()
        kind = random.random()
        if kind < 0.2:
            if self.via_web():
                self.request("GET", f"{self.web}/", "web: home")
            else:
                self.request("GET", f"{self.catalog}/api/catalog/products?sort=newest&pageSize=12", "api: catalog newest")
                self.request("GET", f"{self.catalog}/api/catalog/categories", "api: categories")
        elif kind < 0.6:
            params = {"category": random.choice(RUN["categories"])}
            if random.random() < 0.4:
                params["brand"] = random.choice(RUN["brands"])
            if random.random() < 0.3:
                low = random.choice((0, 25, 50, 100))
                params["minPrice"], params["maxPrice"] = low, low + random.choice((50, 100, 200))
            params["sort"] = random.choice(("relevance", "price_asc", "price_desc", "newest", "name"))
            if random.random() < 0.25:
                params["page"] = 2
            qs = urllib.parse.urlencode(params)  # brands like "Tundra & Co" need it
            if self.via_web():
                self.request("GET", f"{self.web}/catalog?{qs}", "web: catalog filter")
            else:
                self.request("GET", f"{self.catalog}/api/catalog/products?{qs}&pageSize=24", "api: catalog filter")
        else:
            pid = random.choice(RUN["productIds"])
            if self.via_web():
                self.request("GET", f"{self.web}/products/{pid}", "web: product")
            else:
                self.request("GET", f"{self.catalog}/api/catalog/products/{pid}", "api: product")

    # --- search, with typos and as-you-type (20%) ----------------------------------------------
    @task(20) if PROFILE not in ("orders", "journey") else (lambda f: f)
    def search(self):
        self.counted()
        words = random.sample(RUN["searchWords"], k=random.choice((1, 1, 2)))
        if random.random() < 0.3:
            words = [typo(w) for w in words]
        text = " ".join(words)
        if random.random() < 0.25:
            prefix = text[:random.randint(3, max(3, min(6, len(text))))]
            if self.via_web():
                self.request("GET", f"{self.web}/search/suggest?q={prefix}", "web: suggest")
            else:
                self.request("GET", f"{self.catalog}/api/catalog/suggest?q={prefix}", "api: suggest")
        q = text.replace(" ", "+")
        if self.via_web():
            self.request("GET", f"{self.web}/catalog?q={q}", "web: search")
        else:
            self.request("GET", f"{self.catalog}/api/catalog/products?q={q}&pageSize=24", "api: search")

    # --- add to cart (12%) ---------------------------------------------------------------------
    @task(12) if PROFILE not in ("orders", "journey") else (lambda f: f)
    def add_to_cart(self):
        self.counted()
        self.add_one()
        if random.random() < 0.5:
            self.request("GET", f"{self.cart_api}/api/cart", "api: cart", headers=self.auth())

    def add_one(self, product_id: int | None = None, quantity: int | None = None) -> bool:
        pid = product_id or random.choice(RUN["checkoutProductIds"])
        qty = quantity or self.cart.get(pid, 0) + random.choice((1, 1, 1, 2))
        # 409: out of stock (the doorbuster once it is gone) is an answer, not an error.
        status, _ = self.request("PUT", f"{self.cart_api}/api/cart/items/{pid}",
                                 "api: cart add" if pid != RUN["doorbuster"]["id"] else "api: cart add doorbuster",
                                 expected=(200, 409), json={"quantity": qty}, headers=self.auth())
        if status == 200:
            self.cart[pid] = qty
        return status == 200

    # --- checkout (5%) -------------------------------------------------------------------------
    @task(5) if PROFILE in ("steady", "flash") else (task(1) if PROFILE == "orders" else (lambda f: f))
    def checkout(self):
        self.counted()
        if not self.cart and not self.add_one():
            return
        self.place_order("api: checkout")

    # --- the whole journey, back to back (journey profile) -------------------------------------
    @task(1) if PROFILE == "journey" else (lambda f: f)
    def journey(self):
        """A new shopper goes from browsing to a paid order without pausing: a category page, a
        search, a product page, the product into the cart, checkout, the order page until Paid."""
        self.arrive()
        params = urllib.parse.urlencode({"category": random.choice(RUN["categories"]), "sort": "relevance"})
        if self.via_web():
            self.request("GET", f"{self.web}/catalog?{params}", "web: catalog filter")
        else:
            self.request("GET", f"{self.catalog}/api/catalog/products?{params}&pageSize=24", "api: catalog filter")
        q = "+".join(random.sample(RUN["searchWords"], k=1))
        if self.via_web():
            self.request("GET", f"{self.web}/catalog?q={q}", "web: search")
        else:
            self.request("GET", f"{self.catalog}/api/catalog/products?q={q}&pageSize=24", "api: search")
        pid = random.choice(RUN["checkoutProductIds"])
        if self.via_web():
            self.request("GET", f"{self.web}/products/{pid}", "web: product")
        else:
            self.request("GET", f"{self.catalog}/api/catalog/products/{pid}", "api: product")
        if self.add_one(pid, 1):
            self.place_order("api: checkout", first_poll=0.05)

    def place_order(self, name: str, first_poll: float = 0.25):
        body = {
            "shippingAddress": {"name": "Load Test", "street": "1 Flash Street", "city": "Berlin", "postalCode": "10115", "country": "DE"},
            "payment": CARD,
        }
        headers = {**self.auth(), "Idempotency-Key": uuid.uuid4().hex}
        submitted = time.time()
        status, order = self.request("POST", f"{self.ordering}/api/orders", name, expected=(202,), json=body, headers=headers)
        if status != 202 or not order:
            return
        # Cart clears itself when it hears of the order; the shopper starts afresh.
        self.cart = {}
        self.follow(order["id"], submitted, first_poll)

    def follow(self, order_id: str, submitted: float, first_poll: float = 0.25):
        """Waits on the order page like a shopper: each read waits on the server while the order is on
        its way (waitWhile), as the storefront's page does; a quick unchanged answer (the server could
        not wait) falls back to polling with back-off."""
        delay = first_poll
        while time.time() - submitted < 30:
            asked = time.time()
            status, order = self.request("GET", f"{self.ordering}/api/orders/{order_id}?waitWhile=Submitted,StockReserved",
                                         "api: order status", headers=self.auth())
            if status != 200 or not order or (order["status"] not in FINAL and time.time() - asked < 1.0):
                gevent.sleep(delay)
                delay = min(delay * 1.6, 2.0)
            if status == 200 and order and order["status"] in FINAL:
                outcome = "paid" if order["status"] != "Cancelled" else "cancelled"
                events.request.fire(request_type="FLOW", name=f"order submitted → {outcome} (seen)",
                                    response_time=(time.time() - submitted) * 1000, response_length=0,
                                    exception=None, context={})
                return

    # --- order history (3%) --------------------------------------------------------------------
    @task(3) if PROFILE not in ("orders", "journey") else (lambda f: f)
    def history(self):
        self.counted()
        _, page = self.request("GET", f"{self.ordering}/api/orders?page=1&pageSize=10", "api: order history", headers=self.auth())
        if page and page.get("items"):
            order = random.choice(page["items"])
            self.request("GET", f"{self.ordering}/api/orders/{order['id']}", "api: order detail", headers=self.auth())

    # --- the doorbuster ------------------------------------------------------------------------
    def buy_doorbuster(self):
        pid = RUN["doorbuster"]["id"]
        if self.via_web():
            self.request("GET", f"{self.web}/products/{pid}", "web: doorbuster product")
        else:
            self.request("GET", f"{self.catalog}/api/catalog/products/{pid}", "api: doorbuster product")
        # A fresh cart holding only the deal: the shopper rushes to the checkout.
        for other in list(self.cart):
            self.request("DELETE", f"{self.cart_api}/api/cart/items/{other}", "api: cart remove",
                         expected=(200, 204, 404), headers=self.auth())
        self.cart = {}
        if self.add_one(pid, 1):
            self.place_order("api: checkout doorbuster")


# --- events: start time, status codes to the master, the paid-orders timeline -------------------
@events.test_start.add_listener
def on_test_start(environment, **_):
    global _started_at
    _started_at = time.time()
    if isinstance(environment.runner, WorkerRunner) or RUN is None:
        return
    baseline, ramp, hold, fall, tail = PHASES
    phases = {"testStart": _started_at, "profile": PROFILE, "baseUsers": BASE_USERS}
    if PROFILE == "flash":
        phases.update(surgeStart=_started_at + baseline, surgeFull=_started_at + baseline + ramp,
                      fallStart=_started_at + baseline + ramp + hold, fallEnd=_started_at + baseline + ramp + hold + fall,
                      surgeUsers=int(round(BASE_USERS * SURGE_FACTOR)))
    (RESULTS / "phases.json").write_text(json.dumps(phases, indent=2))
    gevent.spawn(watch_orders, environment)


def watch_orders(environment):
    """Every 5 s, the shop's order counts by status from Ordering's admin API (the paid timeline)."""
    admin = signer().mint("loadtest-admin", admin=True)
    admin_at = time.time()
    out = (RESULTS / "orders_timeline.csv").open("w")
    out.write("time,paid,cancelled,submitted,stockreserved\n")
    while environment.runner is not None and environment.runner.state not in ("stopped", "quitting"):
        if time.time() - admin_at > 9 * 60:
            admin, admin_at = signer().mint("loadtest-admin", admin=True), time.time()
        try:
            counts = [call("GET", f"{RUN['stack']['ordering']}/api/admin/orders?status={s}&pageSize=1", admin, timeout=10)["total"]
                      for s in ("Paid", "Cancelled", "Submitted", "StockReserved")]
            out.write(f"{time.time():.1f},{','.join(map(str, counts))}\n")
            out.flush()
        except Exception as error:  # noqa: BLE001 - the timeline is best effort; the report re-reads the truth
            print(f"orders timeline: {error}")
        gevent.sleep(5)
    out.close()


@events.report_to_master.add_listener
def on_report_to_master(data, **_):
    data["status_codes"] = {name: dict(c) for name, c in _statuses.items()}
    _statuses.clear()


@events.worker_report.add_listener
def on_worker_report(data, **_):
    for name, codes in data.get("status_codes", {}).items():
        for code, n in codes.items():
            _all_statuses[name][int(code)] += n


@events.quitting.add_listener
def on_quitting(environment, **_):
    if isinstance(environment.runner, WorkerRunner):
        return
    merged = defaultdict(Counter, {k: Counter(v) for k, v in _all_statuses.items()})
    for name, codes in _statuses.items():  # the local runner keeps its own
        merged[name].update(codes)
    (RESULTS / "status_codes.json").write_text(json.dumps({n: dict(c) for n, c in sorted(merged.items())}, indent=2))
