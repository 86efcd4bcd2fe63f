"""What the load test knows about the running shop: where it is, how to sign its tokens, how to call it.

Shared by the setup, the Locust file and the report, so all three talk to the same stack the same
way. Only the standard library plus Debian's python3-jwt (PyJWT, with python3-cryptography).
"""
from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key

REPO = Path(__file__).resolve().parent.parent

# The token contract of ARCHITECTURE.md; services reject anything else.
ISSUER = "commerce-web"
AUDIENCE = "commerce"
# Tokens live at most 15 minutes; shoppers mint a fresh one well before that.
TOKEN_LIFETIME_S = 10 * 60


@dataclass(frozen=True)
class Stack:
    """The locally running shop, found with the same variables and defaults as ./run.sh."""

    web: str
    catalog: str
    cart: str
    ordering: str
    home: Path

    @staticmethod
    def from_env() -> "Stack":
        def url(var: str, default: int) -> str:
            return f"http://127.0.0.1:{os.environ.get(var, default)}"

        home = Path(os.environ.get("COMMERCE_HOME", REPO / ".commerce")).resolve()
        return Stack(
            web=url("COMMERCE_WEB_PORT", 5100),
            catalog=url("COMMERCE_CATALOG_PORT", 5101),
            cart=url("COMMERCE_CART_PORT", 5102),
            ordering=url("COMMERCE_ORDERING_PORT", 5103),
            home=home,
        )

    @property
    def signing_key_path(self) -> Path:
        return self.home / "secrets" / "auth-signing-key.pem"


class TokenSigner:
    """Mints RS256 tokens exactly as the storefront does, from the run's private key.

    The key never leaves .commerce/secrets: it is read here, in memory, and never printed.
    """

    def __init__(self, private_key_pem: str):
        # Parsed once: PyJWT given the PEM parses and checks the key on every call, 35 ms of CPU per
        # token, which was most of the load generator's cost per journey (docs/performance.md).
        self._key = load_pem_private_key(private_key_pem.encode(), password=None)

    @staticmethod
    def for_stack(stack: Stack) -> "TokenSigner":
        path = stack.signing_key_path
        if not path.is_file():
            raise SystemExit(f"{path} is missing: start the shop with ./run.sh first (it generates the key pair).")
        return TokenSigner(path.read_text())

    def mint(self, buyer_id: str, admin: bool = False, lifetime_s: int = TOKEN_LIFETIME_S) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": buyer_id, "iat": now, "nbf": now, "exp": now + lifetime_s,
                  "jti": uuid.uuid4().hex}
        if admin:
            claims["role"] = "admin"
        return jwt.encode(claims, self._key, algorithm="RS256")


class HttpError(Exception):
    def __init__(self, method: str, url: str, status: int, body: str):
        super().__init__(f"{method} {url} answered {status}: {body[:300]}")
        self.status = status
        self.body = body


def call(method: str, url: str, token: str | None = None, body: object | None = None,
         headers: dict[str, str] | None = None, timeout: float = 30) -> object | None:
    """One JSON call with urllib (setup and report only; shoppers use Locust's client)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        raise HttpError(method, url, error.code, error.read().decode(errors="replace")) from None


def healthy(base_url: str, timeout: float = 3) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def query(params: dict[str, object]) -> str:
    return urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
