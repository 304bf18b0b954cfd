"""Logging set-up: one format, and tokens and secrets never reach a log line."""

from __future__ import annotations

import logging
import re
import sys

# Slack tokens look like xoxb-…, xapp-…, xoxp-…; mask any that slip into a message.
TOKEN = re.compile(r"\bx(?:ox[abposr]|app)-[A-Za-z0-9-]+")


class RedactingFilter(logging.Filter):
    """Masks known secrets and anything shaped like a Slack token."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 8]  # shorter ones would mask ordinary words

    def redact(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, "***")
        return TOKEN.sub("x***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def setup_logging(level: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Bolt and the SDK log request bodies at DEBUG; they may carry the author of
    # anonymous feedback, so they stay at INFO whatever the level asked for.
    for name in ("slack_bolt", "slack_sdk"):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
    for name in ("apscheduler", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
