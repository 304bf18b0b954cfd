"""The Microsoft Teams front end: Bot Framework activities in, the core's requests and views out.

It stands beside `handlers.slack` and `handlers.console` and imports neither. `auth` verifies the
token on every inbound request; `tokens` gets the bot's own token for the connector.
"""
