"""The Microsoft Teams front end: Bot Framework activities in, the core's requests and views out.

It stands beside `handlers.slack` and `handlers.console` and imports neither. `front` serves
`POST /api/messages` (built by the composition root, `bot.app.create_teams`): `auth` verifies the
token of every request before anything else, `activity` reads it with the Teams SDK's models,
`seen` stores who and where, and `listeners` dispatches by activity type to `commands` (a table
of command words), `actions` (a table of card verbs) and the installation welcome; `session.Turn`
carries requests to the core and answers. Outbound: `tokens` (MSAL), `connector` (Bot Framework
REST, paced and retried), `ports` and `platform` (the core's ports over both), `render` (Adaptive
Cards). Every Teams identifier is in `ids`.
"""
