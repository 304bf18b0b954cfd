"""A local HTTPS stand-in for the Microsoft services a Teams bot talks to.

One HTTPS server on loopback (a thread; its certificate is signed by a throw-away CA that the tests
trust through `SSL_CERT_FILE` / `REQUESTS_CA_BUNDLE`, and aiohttp through `trust_in_aiohttp`) plays
three parts:
- Bot Framework's OpenID metadata (`/v1/.well-known/openidconfiguration`) and key set (`/keys`),
  publishing the public half of an RSA key of the tests', so that `mint()` makes inbound tokens the
  bot must accept (or, with another key or other claims, refuse);
- the Entra login authority for client credentials, as MSAL asks it with `instance_discovery=False`
  (`/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/oauth2/v2.0/token`);
- the connector at `{service_url}v3/conversations…`, recording every request and answering with
  Bot Framework's shapes; `fail_next()` makes it answer 429 (with `Retry-After`) or 5xx.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import ssl
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from storage import clock
from tests.clock import wall_now

ISSUER = "https://api.botframework.com"
SCOPE = "https://api.botframework.com/.default"
APP_ID = "00000000-0000-4000-8000-0000000000a1"
TENANT_ID = "00000000-0000-4000-8000-00000000007e"
PASSWORD = "stub-client-secret"
KID = "stub-key-1"


# ---- keys and certificates -----------------------------------------------------------------------

def rsa_key() -> rsa.RSAPrivateKey:
    """A fresh RSA key for signing tokens."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    """The JWKS entry publishing `key`'s public half under `kid`, as Bot Framework lists its keys."""
    entry: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    entry.update(kid=kid, use="sig")
    return entry


@dataclass(frozen=True)
class Pki:
    """A throw-away CA and a server certificate for 127.0.0.1 and localhost, as PEM files."""

    ca_file: Path
    cert_file: Path
    key_file: Path

    @classmethod
    def create(cls, directory: Path) -> Pki:
        # Certificates are checked by OpenSSL against the real clock, whatever time the test travels to.
        start, end = wall_now() - timedelta(days=1), wall_now() + timedelta(days=30)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Teams stub test CA")])
        ca = (
            x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
            .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        pki = cls(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")
        pki.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        pki.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        pki.key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
        return pki

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def trust_in_aiohttp(pki: Pki) -> None:
    """Make aiohttp's default TLS context trust the stand-in's CA too.

    aiohttp builds that context once, when it is imported, so `SSL_CERT_FILE` set later (as the
    fixture does) reaches only clients given a context made afterwards. The CA is a throw-away one
    made for the test run, so trusting it for the rest of the process is harmless."""
    try:
        from aiohttp import connector
    except ImportError:
        return
    context = getattr(connector, "_SSL_CONTEXT_VERIFIED", None)
    if isinstance(context, ssl.SSLContext):
        context.load_verify_locations(cafile=pki.ca_file)


# ---- what the connector was sent -----------------------------------------------------------------

@dataclass
class ConnectorCall:
    """One request to the connector: `kind` is "create" (a conversation), "send", "reply" or "update"."""

    kind: str
    method: str
    path: str
    conversation_id: str | None
    activity_id: str | None
    body: Any
    authorization: str | None
    status: int = 0


@dataclass
class _Failure:
    status: int
    retry_after: float | None
    conversation_id: str | None


@dataclass
class TeamsStub:
    """The stand-in; `start()` serves it, `stop()` ends it. Attributes are read and set by tests."""

    pki: Pki
    signing_key: rsa.RSAPrivateKey
    app_id: str = APP_ID
    tenant_id: str = TENANT_ID
    password: str = PASSWORD
    kid: str = KID
    token_expires_in: int = 3600
    token_error: tuple[int, str, str] | None = None  # (status, error, error_description) for token requests
    keys_delay_s: float = 0.0  # how long /keys takes to answer
    check_tokens: bool = True  # the connector answers 401 to a bearer token it did not issue
    published: list[dict[str, Any]] = field(default_factory=list)  # the key set; the tests' key by default
    metadata_fetches: int = 0
    key_fetches: int = 0
    token_requests: list[dict[str, str]] = field(default_factory=list)  # form fields, the secret left out
    issued_tokens: list[str] = field(default_factory=list)
    calls: list[ConnectorCall] = field(default_factory=list)
    base: str = ""

    def __post_init__(self) -> None:
        if not self.published:
            self.published.append(public_jwk(self.signing_key, self.kid))
        self._lock = threading.Lock()
        self._failures: list[_Failure] = []
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None

    # ---- addresses --------------------------------------------------------------------------------
    @property
    def openid_url(self) -> str:
        return f"{self.base}/v1/.well-known/openidconfiguration"

    @property
    def login_url(self) -> str:
        return self.base

    @property
    def service_url(self) -> str:
        """A serviceUrl as Teams sends it (with a region path and the trailing slash)."""
        return f"{self.base}/amer/"

    # ---- tokens ------------------------------------------------------------------------------------
    def mint(self, key: rsa.RSAPrivateKey | None = None, kid: str | None = None, **claims: Any) -> str:
        """An inbound Bot Framework token: good by default; any claim given replaces the default one,
        and a claim given as None is left out."""
        now = int(clock.now().timestamp())
        body: dict[str, Any] = {
            "iss": ISSUER, "aud": self.app_id, "iat": now, "nbf": now, "exp": now + 300,
            "serviceurl": self.service_url,
        }
        body.update(claims)
        body = {name: value for name, value in body.items() if value is not None}
        return jwt.encode(body, key or self.signing_key, algorithm="RS256", headers={"kid": kid or self.kid})

    def publish(self, key: rsa.RSAPrivateKey, kid: str) -> None:
        """Add a key to the published set (a key rotation)."""
        with self._lock:
            self.published.append(public_jwk(key, kid))

    # ---- connector behaviour -----------------------------------------------------------------------
    def fail_next(self, status: int = 429, retry_after: float | None = 1, times: int = 1,
                  conversation_id: str | None = None) -> None:
        """Answer the next `times` connector requests (to `conversation_id`, or any) with `status`."""
        with self._lock:
            self._failures.extend(_Failure(status, retry_after, conversation_id) for _ in range(times))

    def sent(self, conversation_id: str | None = None) -> list[ConnectorCall]:
        """The activities the connector accepted (sent, replied or updated), oldest first."""
        with self._lock:
            return [c for c in self.calls if c.kind != "create" and 200 <= c.status < 300
                    and (conversation_id is None or c.conversation_id == conversation_id)]

    # ---- lifecycle ----------------------------------------------------------------------------------
    def start(self) -> TeamsStub:
        self._server = _TlsServer(("127.0.0.1", 0), _handler_for(self), self.pki.server_context())
        self.base = f"https://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), name="teams-stub", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # ---- answering ----------------------------------------------------------------------------------
    def _answer(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], Any]:
        parts = [urllib.parse.unquote(p) for p in path.split("/") if p]
        if method == "GET" and path == "/v1/.well-known/openidconfiguration":
            with self._lock:
                self.metadata_fetches += 1
            return 200, {}, {"issuer": ISSUER, "authorization_endpoint": "https://invalid.example/",
                             "jwks_uri": f"{self.base}/keys", "id_token_signing_alg_values_supported": ["RS256"],
                             "token_endpoint_auth_methods_supported": ["private_key_jwt"]}
        if method == "GET" and path == "/keys":
            if self.keys_delay_s:
                time.sleep(self.keys_delay_s)
            with self._lock:
                self.key_fetches += 1
                return 200, {}, {"keys": list(self.published)}
        if parts[:1] == [self.tenant_id] and parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            return 200, {}, self._login_metadata()
        if parts[:1] == [self.tenant_id] and parts[1:] == ["oauth2", "v2.0", "token"] and method == "POST":
            return self._token(dict(urllib.parse.parse_qsl(raw.decode())))
        if "v3" in parts and parts[parts.index("v3") + 1:][:1] == ["conversations"]:
            return self._connector(method, path, parts[parts.index("v3") + 2:], headers, raw)
        return 404, {}, {"error": {"code": "NotFound", "message": f"no such endpoint: {method} {path}"}}

    def _login_metadata(self) -> dict[str, Any]:
        root = f"{self.base}/{self.tenant_id}"
        return {"issuer": f"{root}/v2.0", "token_endpoint": f"{root}/oauth2/v2.0/token",
                "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
                "jwks_uri": f"{self.base}/{self.tenant_id}/discovery/v2.0/keys",
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"]}

    def _token(self, form: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            self.token_requests.append({k: v for k, v in form.items() if k != "client_secret"})
            if self.token_error is not None:
                status, error, description = self.token_error
                return status, {}, {"error": error, "error_description": description}
            if form.get("client_id") != self.app_id or form.get("client_secret") != self.password:
                return 401, {}, {"error": "invalid_client",
                                 "error_description": "AADSTS7000215: Invalid client secret provided."}
            if form.get("grant_type") != "client_credentials" or SCOPE not in form.get("scope", "").split():
                return 400, {}, {"error": "invalid_scope", "error_description": "AADSTS70011: invalid scope."}
            token = f"stub-token-{next(self._ids)}-{uuid.uuid4().hex[:8]}"
            self.issued_tokens.append(token)
            return 200, {}, {"token_type": "Bearer", "expires_in": self.token_expires_in,
                             "ext_expires_in": self.token_expires_in, "access_token": token}

    def _connector(self, method: str, path: str, rest: list[str], headers: dict[str, str],
                   raw: bytes) -> tuple[int, dict[str, str], Any]:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        conversation = rest[0] if rest else None
        activity = rest[2] if len(rest) > 2 else None
        if method == "POST" and not rest:
            kind = "create"
        elif method == "POST" and len(rest) == 2 and rest[1] == "activities":
            kind = "send"
        elif method in ("POST", "PUT", "DELETE") and len(rest) == 3 and rest[1] == "activities":
            kind = {"POST": "reply", "PUT": "update", "DELETE": "delete"}[method]
        else:
            return 404, {}, {"error": {"code": "NotFound", "message": f"no such endpoint: {method} {path}"}}
        call = ConnectorCall(kind, method, path, conversation, activity, body, headers.get("authorization"))
        with self._lock:
            self.calls.append(call)
            call.status, extra, answer = self._connector_answer(call)
        return call.status, extra, answer

    def _connector_answer(self, call: ConnectorCall) -> tuple[int, dict[str, str], Any]:
        """What the connector answers `call` (the lock is held)."""
        for failure in self._failures:
            if failure.conversation_id in (None, call.conversation_id):
                self._failures.remove(failure)
                extra = {} if failure.retry_after is None else {"Retry-After": f"{failure.retry_after:g}"}
                return failure.status, extra, {"error": {"code": "Throttled" if failure.status == 429
                                                         else "ServiceError", "message": "stub failure"}}
        scheme, _, token = (call.authorization or "").partition(" ")
        if self.check_tokens and (scheme.lower() != "bearer" or token not in self.issued_tokens):
            return 401, {}, {"message": "Authorization has been denied for this request."}
        if call.kind == "create":
            return 201, {}, {"id": f"a:stub-conversation-{next(self._ids)}"}
        if call.kind == "update":
            return 200, {}, {"id": call.activity_id}
        if call.kind == "delete":
            return 200, {}, None
        return 201, {}, {"id": f"stub-activity-{next(self._ids)}"}


class _TlsServer(ThreadingHTTPServer):
    """An HTTPS server whose TLS handshakes happen in each connection's own thread."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 context: ssl.SSLContext) -> None:
        super().__init__(address, handler)
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            with self.context.wrap_socket(request, server_side=True) as connection:
                self.RequestHandlerClass(connection, client_address, self)  # type: ignore[arg-type]
        except (OSError, ssl.SSLError):
            pass  # a client that refused the certificate, or went away

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


def _handler_for(stub: TeamsStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 10

        def log_message(self, *args: Any) -> None:
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            url = urllib.parse.urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, answer = stub._answer(self.command, url.path, headers, raw)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(TimeoutError, BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

    return Handler
