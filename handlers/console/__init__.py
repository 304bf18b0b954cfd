"""The console: a terminal front end over the same core as Slack.

It parses what is typed with each feature's grammar, carries the requests out with the features'
services and flows, and prints their views as plain text (`handlers.console.render`). Buttons are
numbered choices, forms are questions asked one at a time. `python -m bot console` starts it.
"""
