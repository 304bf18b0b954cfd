"""The console's loop: read a line, carry it out through the core, print what happened.

A command is parsed by its feature's grammar (after `handlers.console.text.to_core`) and carried out
by the feature's service (`handlers.console.commands`); a number presses a button
(`handlers.console.buttons`). A refusal or bad input (`UserError`) is shown as the core words it;
anything unexpected is logged with its traceback and the person is told, and the loop goes on.
"""

from __future__ import annotations

import logging

from bot.errors import UserError
from handlers.console import buttons, commands
from handlers.console.session import Console, EndOfInput
from handlers.console.text import places, to_core
from storage import clock

log = logging.getLogger(__name__)

HELP = """Type the commands you would type in Slack; people are @name, channels #name (you are in #sales):
  /project new NAME [client="…"] [channel=#c] · /project list · /project show NAME
  /risk (a form) · /risk add TITLE p=1-5 i=1-5 [project=NAME] · /risk list · /risk show R-1 · /risk help
  /feedback (a form) · /feedback TEXT [project=NAME] · /feedback list · /feedback help
  /checkin add @ann project=NAME · /checkin send project=NAME · /checkin results project=NAME
  /standup setup members=@ann,@bo time=09:30 · /standup now · /standup report · /standup help
  /summary
A number in [brackets] presses that button. `as NAME` speaks as someone else, `time` shows the
console's clock, `exit` (or `quit`, or end of input) leaves."""
SORRY = ("Sorry, something went wrong on my side and that was not finished; the details are in the log. "
         "Please try again, or type `help`.")


async def run(console: Console) -> None:
    """Until `exit`, `quit` or the end of input."""
    console.screen.write(f"Console: you are @{console.user} in #{console.channel}. Type `help`, or `exit` to leave.")
    while True:
        line = await console.read(f"@{console.user} #{console.channel}> ")
        if line is None or line.strip().lower() in ("exit", "quit"):
            return
        if not await handle(console, line):
            return


async def handle(console: Console, line: str) -> bool:
    """Carry out one line; False when the input ended inside it (in a form)."""
    try:
        await dispatch(console, line.strip())
    except EndOfInput:
        return False
    except UserError as e:
        console.say(e)
    except Exception:  # noqa: BLE001 - the console goes on; the log has the cause
        log.exception("the console could not carry out %r", line[:200])
        console.say(SORRY)
    return True


async def dispatch(console: Console, line: str) -> None:
    if not line:
        return
    if line.isdecimal():
        await buttons.press(console, int(line))
        return
    word, _, rest = line.partition(" ")
    low = word.lower()
    if low in ("help", "?", "/help"):
        console.say(HELP)
    elif low == "as":
        switch(console, rest.strip().lstrip("@"))
    elif low == "time":
        console.say(f"The console's clock says {clock.now():%a %Y-%m-%d %H:%M:%S} UTC.")
    elif low.startswith("/") and low[1:] in commands.COMMANDS:
        core = to_core(rest)
        console.screen.channels.update(places(core))
        await commands.COMMANDS[low[1:]](console, core)
    elif low.startswith("/"):
        console.say(f"I don't know `{word}`. Type `help` for the commands.")
    else:
        console.say("Type a command such as `/risk list`, a number to press a button, or `help`.")


def switch(console: Console, name: str) -> None:
    """`as NAME`: speak as someone else (a manager only if named a manager at start)."""
    if not name or not all(c.isalnum() or c in "_.-" for c in name):
        console.say("Who? e.g. `as ann`.")
        return
    console.user = name
    console.say(f"You are now @{name}.")
