"""The delivery ledger: keyed rows inserted before sending, so nothing goes twice."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage import clock
from storage.models_rhythm import Delivery


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def claim_new(*, session: Session, team_id: str, rows: list[dict[str, Any]], owner: str,
              lease: timedelta) -> list[int]:
    """Insert ledger rows that do not exist yet, owned by `owner`; returns the ids this call inserted.

    Each row: what, recipient, occurrence, payload (JSON text). A row whose key exists
    (sent, failed or pending elsewhere) is left alone: it will never be sent by this call."""
    if not rows:
        return []
    until = clock.now() + lease
    values = [{"team_id": team_id, "status": "pending", "attempts": 0, "owner": owner, "lease_until": until,
               "created_at": clock.now(), **r} for r in rows]
    ins = _insert(session)(Delivery).on_conflict_do_nothing(
        index_elements=["team_id", "what", "recipient", "occurrence"]).returning(Delivery.id)
    ids: list[int] = []
    for start in range(0, len(values), 500):
        ids += [int(i) for i in session.execute(ins, values[start:start + 500]).scalars()]
    return ids


def claim_stale(*, session: Session, owner: str, lease: timedelta, dead_owners: set[str],
                limit: int = 1000) -> list[int]:
    """Take over pending rows whose lease ran out or whose owner is known dead; returns their ids."""
    now = clock.now()
    expired = [col(Delivery.lease_until) < now, col(Delivery.lease_until).is_(None)]
    if dead_owners:
        expired.append(col(Delivery.owner).in_(dead_owners))
    cond = and_(col(Delivery.status) == "pending", or_(*expired))
    candidates = list(session.exec(select(Delivery.id).where(cond).order_by(col(Delivery.id)).limit(limit)))
    taken: list[int] = []
    for rid in candidates:
        res = session.execute(update(Delivery).where(col(Delivery.id) == rid, cond)
                              .values(owner=owner, lease_until=now + lease))
        if res.rowcount:  # type: ignore[attr-defined]
            taken.append(int(rid))  # type: ignore[arg-type]
    return taken


def get(*, session: Session, delivery_id: int) -> Delivery | None:
    return session.get(Delivery, delivery_id)


def start_attempt(*, session: Session, delivery_id: int, owner: str) -> Delivery | None:
    """Count an attempt on a row we own and still pending; None if it is no longer ours."""
    row = session.get(Delivery, delivery_id)
    if row is None or row.status != "pending" or row.owner != owner:
        return None
    row.attempts += 1
    session.add(row)
    return row


def mark(*, session: Session, delivery_id: int, status: str, channel: str | None = None, ts: str | None = None,
         error: str | None = None, payload: str | None = None) -> None:
    values: dict[str, Any] = {"status": status, "error": (error or None) and error[:200]}
    if payload is not None:
        values["payload"] = payload
    if channel:
        values["channel"] = channel
    if ts:
        values["ts"] = ts
    if status == "sent":
        values["sent_at"] = clock.now()
    session.execute(update(Delivery).where(col(Delivery.id) == delivery_id).values(**values))


def posted_parts(row: Delivery) -> list[tuple[str, str]]:
    """(channel, ts) of every part a sent row posted: its `posted` list for a message sent in
    several parts, else its one message."""
    try:
        posted = json.loads(row.payload or "{}").get("posted") or []
        parts = [(str(c), str(t)) for c, t in posted]
    except (ValueError, TypeError, AttributeError):
        parts = []
    if not parts and row.ts:
        parts = [(row.channel or row.recipient, row.ts)]
    return parts


def set_posted(*, session: Session, team_id: str, delivery_id: int, parts: list[tuple[str, str]]) -> None:
    """Record the parts a sent message has now (after it was redrawn with more or fewer parts)."""
    row = session.get(Delivery, delivery_id)
    if row is None or row.team_id != team_id:
        return
    payload = json.loads(row.payload or "{}")
    if "parts" not in payload:
        payload = {"parts": [payload], "thread": True}
    payload["posted"] = [list(p) for p in parts]
    row.payload = json.dumps(payload)
    session.add(row)


def owners_pending(*, session: Session) -> set[str]:
    return {o for o in session.exec(select(Delivery.owner).where(col(Delivery.status) == "pending").distinct())
            if o}


def status_counts(*, session: Session, team_id: str, what_prefix: str) -> dict[str, int]:
    rows = session.exec(select(Delivery.status, func.count()).where(
        Delivery.team_id == team_id, col(Delivery.what).startswith(what_prefix)).group_by(Delivery.status))
    return {s: int(n) for s, n in rows}


def recipients(*, session: Session, team_id: str, what: str) -> dict[str, str]:
    """recipient -> status for one `what` (e.g. everyone a poll went to)."""
    rows = session.exec(select(Delivery.recipient, Delivery.status).where(
        Delivery.team_id == team_id, Delivery.what == what))
    return dict(rows.all())


def exists(*, session: Session, team_id: str, what: str, recipient: str) -> bool:
    return session.exec(select(Delivery.id).where(
        Delivery.team_id == team_id, Delivery.what == what, Delivery.recipient == recipient)).first() is not None


def failures_since(*, session: Session, team_id: str, since: datetime) -> list[Delivery]:
    return list(session.exec(select(Delivery).where(
        Delivery.team_id == team_id, Delivery.status == "failed", col(Delivery.created_at) >= since)
        .order_by(col(Delivery.created_at).desc()).limit(200)))


def release(*, session: Session, delivery_id: int, error: str) -> None:
    """Leave a row pending but free it for the next recovery pass (its lease ends now)."""
    session.execute(update(Delivery).where(col(Delivery.id) == delivery_id, col(Delivery.status) == "pending")
                    .values(lease_until=clock.now() - timedelta(seconds=1), error=error[:200]))
