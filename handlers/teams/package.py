"""The Teams app package: `teams-app.zip` built from the sources in `teams/`.

Teams installs an app from a zip holding `manifest.json` and the two icons it names, all at the
root of the archive. The source manifest carries the nil GUID as a placeholder for the app id (so
it still validates against the manifest schema); the package fills in `TEAMS_APP_ID` as both the
app's `id` and its bot's `botId`, which is how a bot registered once is installed as one app.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

SOURCE = Path(__file__).resolve().parents[2] / "teams"
"""The package sources, `teams/` at the top of the repository."""

PACKAGE_NAME = "teams-app.zip"
MANIFEST = "manifest.json"
ICONS = ("color.png", "outline.png")
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"

GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
"""The manifest schema's `guid` pattern."""

# A fixed timestamp for every entry, so the same sources and app id give the same bytes.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class PackageError(ValueError):
    """The package cannot be built; the message says why in one line."""


def check_app_id(app_id: str) -> str:
    """The app id as the manifest wants it, or `PackageError` naming what is wrong."""
    value = app_id.strip()
    if not value:
        raise PackageError("TEAMS_APP_ID is not set; set it to the bot's Microsoft app (client) id")
    if GUID.fullmatch(value) is None:
        raise PackageError(f"TEAMS_APP_ID must be a GUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427, not {value!r}")
    if value == PLACEHOLDER:
        raise PackageError("TEAMS_APP_ID is the nil GUID; set it to the bot's Microsoft app (client) id")
    return value


def manifest_for(app_id: str, source: Path = SOURCE) -> dict[str, Any]:
    """The source manifest with the app id filled in where the placeholder stands."""
    manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    bots = manifest.get("bots") or []
    if manifest.get("id") != PLACEHOLDER or len(bots) != 1 or bots[0].get("botId") != PLACEHOLDER:
        raise PackageError(f"{source / MANIFEST} must hold the placeholder {PLACEHOLDER} as id and bots[0].botId")
    manifest["id"] = app_id
    bots[0]["botId"] = app_id
    return manifest


def build_package(app_id: str, out: Path, source: Path = SOURCE) -> Path:
    """Write the package and return its path.

    `out` is the zip to write, or a directory to write `teams-app.zip` into. Raises `PackageError`
    when the app id is not a GUID or the sources are not as expected.
    """
    manifest = manifest_for(check_app_id(app_id), source)
    for icon in ICONS:
        if not (source / icon).is_file():
            raise PackageError(f"the icon {source / icon} is missing")
    target = out / PACKAGE_NAME if out.is_dir() else out
    entries = [(MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))]
    entries += [(icon, (source / icon).read_bytes()) for icon in ICONS]
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    partial.replace(target)  # never leave a half-written package under the real name
    return target


def configured_app_id(environ: Mapping[str, str] | None = None) -> str:
    """`TEAMS_APP_ID` from the environment, else from `.env` in the current directory (as the bot reads it)."""
    env = os.environ if environ is None else environ
    value = env.get("TEAMS_APP_ID")
    if value is None and Path(".env").is_file():
        value = dotenv_values(".env").get("TEAMS_APP_ID")
    return value or ""


def main(argv: list[str] | None = None) -> int:
    """`python -m bot teams-package`: write the package; 2 with one line on stderr when it cannot."""
    parser = argparse.ArgumentParser(
        prog="python -m bot teams-package",
        description="Write the Teams app package (manifest.json, color.png, outline.png) with TEAMS_APP_ID filled in.",
    )
    parser.add_argument("--app-id", help="the bot's Microsoft app id (default: TEAMS_APP_ID)")
    parser.add_argument("--out", type=Path, default=Path(PACKAGE_NAME),
                        help=f"the zip to write, or a directory for {PACKAGE_NAME} (default: ./{PACKAGE_NAME})")
    args = parser.parse_args(argv)
    app_id = args.app_id if args.app_id is not None else configured_app_id()
    try:
        written = build_package(app_id, args.out)
    except PackageError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: cannot write {args.out} ({e.strerror or type(e).__name__})", file=sys.stderr)
        return 2
    print(f"wrote {written}")
    return 0
