"""The Slack front end: Bolt listeners, Block Kit renderers, the Web API client and every Slack
identifier. `register(app)` wires the listeners onto a Bolt app: each listener package's own
`register` (commands, actions, views, events) lists its listeners, every one wrapped in
`handlers.slack.errors.guarded`; none is registered anywhere else."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    # Imported here, not at the top, so that importing one Slack module (the renderers, the ids)
    # does not load every listener with it.
    from handlers.slack import actions, commands, events, views

    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
