"""Each kind of Web API failure gets its own retries, whatever came before it in the same call."""

from __future__ import annotations

import asyncio

from slack_sdk.web.async_client import AsyncWebClient

from handlers.slack.retries import retry_handlers
from tests.slack_stub import SlackStub


def test_a_server_error_after_a_run_of_rate_limits_is_still_retried(stub: SlackStub) -> None:
    client = AsyncWebClient(token="xoxb-test-token-000", base_url=stub.api_url, retry_handlers=retry_handlers())
    stub.fail("chat.postMessage", status=429, times=3)  # as many as a 5xx may be retried
    stub.fail("chat.postMessage", status=503)
    resp = asyncio.run(client.chat_postMessage(channel="CTEAM", text="Once"))
    assert resp["ok"] and len(stub.find("chat.postMessage")) == 1 and not stub.failures["chat.postMessage"]
