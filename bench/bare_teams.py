"""A bare Teams SDK app whose only message handler does nothing: the floor the bot's Teams front end is
measured against (`bench/teams_ack_latency.py`).

`python -m bench.bare_teams --port P --base URL`: the SDK's own `App` on its own FastAPI adapter, served by
uvicorn with the bot's settings (`bot.server.uvicorn_config`), verifying every inbound token itself against
the stand-in at URL (its cloud overrides), as a Teams bot must. It sends nothing: a static outbound token
keeps it from asking for one.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from tests.teams_stub import APP_ID, TENANT_ID


def build(port: int, base: str) -> Any:
    import uvicorn
    from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
    from microsoft_teams.apps import App
    from microsoft_teams.apps.http.fastapi_adapter import FastAPIAdapter

    def server(fastapi: Any) -> uvicorn.Server:
        config = uvicorn.Config(fastapi, host="127.0.0.1", port=port, lifespan="on", log_level="warning",
                                access_log=False, server_header=False, backlog=1024)
        return uvicorn.Server(config)

    cloud = with_overrides(PUBLIC, openid_metadata_url=f"{base}/v1/.well-known/openidconfiguration",
                           login_endpoint=base)
    app = App(client_id=APP_ID, tenant_id=TENANT_ID, token=lambda *_: "bench-static-token", cloud=cloud,
              http_server_adapter=FastAPIAdapter(server_factory=server),
              dangerously_allow_unauthenticated_requests=False)

    @app.on_message
    async def only_answer(ctx: Any) -> None:
        return None

    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--base", required=True)
    args = parser.parse_args()
    asyncio.run(build(args.port, args.base).start(args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
