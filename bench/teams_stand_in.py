"""The Microsoft side of the Teams benchmark, as a process of its own: `python -m bench.teams_stand_in DIR`.

It serves the tests' HTTPS stand-in (`tests/teams_stub.py`: OpenID metadata and keys, the login authority,
the connector) on loopback, writes its CA and the private key that signs inbound tokens into DIR, and prints
one line, `ready BASE`. Two additions for the benchmark: `GET /bench/stats` counts what the connector
accepted (the bot's answers), and the key set is also served at `/v1/.well-known/keys`, where the Teams SDK
looks for it (it derives the address from the metadata's own instead of reading its `jwks_uri`).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization

from tests.teams_stub import Pki, TeamsStub, rsa_key


class BenchStub(TeamsStub):
    def _answer(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], Any]:
        if method == "GET" and path == "/bench/stats":
            with self._lock:
                accepted = sum(1 for c in self.calls if c.kind != "create" and 200 <= c.status < 300)
                self.calls.clear()  # the count is of what was accepted since the last look
            self._accepted = getattr(self, "_accepted", 0) + accepted
            return 200, {}, {"responses": self._accepted}
        if method == "GET" and path == "/v1/.well-known/keys":
            path = "/keys"
        return super()._answer(method, path, headers, raw)


def main() -> int:
    directory = Path(sys.argv[1])
    key = rsa_key()
    stub = BenchStub(pki=Pki.create(directory), signing_key=key).start()
    (directory / "signing-key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    print(f"ready {stub.base}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stub.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
