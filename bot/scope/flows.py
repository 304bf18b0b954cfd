"""The DMs of a change request, through the delivery ledger so each reaches each person once:
the project's managers are asked to decide it, and the requester is told the decision."""

from __future__ import annotations

from bot.database import Database
from bot.delivery import Deliverer, Envelope, Report
from bot.scope import service
from bot.scope.views import ChangeDecided, ChangeLogged


async def _send(deliverer: Deliverer, team_id: str, plan: service.Plan | None) -> Report:
    if plan is None:
        return Report()
    return await deliverer.send_all(team_id, [
        Envelope(plan.what, who, plan.occurrence, plan.message) for who in plan.recipients])


async def alert_managers(deliverer: Deliverer, db: Database, team_id: str, change_id: int) -> Report:
    """A new change request: each of the project's managers gets it with Approve / Reject, once."""
    return await _send(deliverer, team_id, await db.read(service.alert_plan, team_id=team_id, change_id=change_id))


async def tell_requester(deliverer: Deliverer, db: Database, team_id: str, change_id: int) -> Report:
    """A decided change request: the person who asked for it is told, once."""
    return await _send(deliverer, team_id, await db.read(service.notice_plan, team_id=team_id,
                                                         change_id=change_id))


async def after(deliverer: Deliverer, db: Database, team_id: str, reply: object) -> None:
    """What a front end does after a `/scope` request's reply: the DMs its outcome calls for."""
    if isinstance(reply, ChangeLogged) and reply.change.id is not None:
        await alert_managers(deliverer, db, team_id, reply.change.id)
    elif isinstance(reply, ChangeDecided) and reply.change.id is not None:
        await tell_requester(deliverer, db, team_id, reply.change.id)
