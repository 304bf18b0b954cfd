"""Bare Bolt apps whose only listener acks, each on one serving stack: the floor the bot is measured against.

`python -m bench.bare_apps STACK --port P --api-url URL`, STACK one of:
- `asgi`: AsyncApp behind Bolt's ASGI adapter on uvicorn;
- `starlette`: a sync App behind Bolt's Starlette adapter on uvicorn (needs the `bench` extra);
- `wsgi`: a sync App behind Bolt's WSGI adapter on wsgiref's server with a thread per request.
The uvicorn stacks use the bot's own uvicorn settings (`bot.server.uvicorn_config`), so the
comparison differs only in the app.
"""

from __future__ import annotations

import argparse
import importlib.util
import socketserver
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bench.common import SECRET, TOKEN

STACKS = ("asgi", "starlette", "wsgi")
COMMANDS = ("/risk", "/feedback")


def available(stack: str) -> bool:
    """Whether this stack's packages are installed (Starlette comes with the `bench` extra only)."""
    return stack != "starlette" or importlib.util.find_spec("starlette") is not None


def asgi_app(api_url: str) -> Any:
    from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    app = AsyncApp(client=AsyncWebClient(token=TOKEN, base_url=api_url), signing_secret=SECRET)

    async def only_ack(ack: Any) -> None:
        await ack()

    for command in COMMANDS:
        app.command(command)(only_ack)
    return AsyncSlackRequestHandler(app, path="/slack/events")


def sync_app(api_url: str) -> Any:
    from slack_bolt import App
    from slack_sdk.web import WebClient

    app = App(client=WebClient(token=TOKEN, base_url=api_url), signing_secret=SECRET)

    def only_ack(ack: Any) -> None:
        ack()

    for command in COMMANDS:
        app.command(command)(only_ack)
    return app


def starlette_app(api_url: str) -> Any:
    from slack_bolt.adapter.starlette import SlackRequestHandler
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.routing import Route

    handler = SlackRequestHandler(sync_app(api_url))

    async def events(request: Request) -> Any:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", endpoint=events, methods=["POST"])])


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 1024  # the listen backlog uvicorn is given too


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def serve(stack: str, port: int, api_url: str) -> None:
    if stack == "wsgi":
        from slack_bolt.adapter.wsgi import SlackRequestHandler

        httpd = make_server("0.0.0.0", port, SlackRequestHandler(sync_app(api_url)),
                            server_class=ThreadingWSGIServer, handler_class=QuietHandler)
        httpd.serve_forever()
        return
    import uvicorn

    from bot.server import uvicorn_config

    app = asgi_app(api_url) if stack == "asgi" else starlette_app(api_url)
    uvicorn.Server(uvicorn_config(app, port)).run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stack", choices=STACKS)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    serve(args.stack, args.port, args.api_url)


if __name__ == "__main__":
    main()
