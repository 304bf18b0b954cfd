"""The Teams app package: the manifest against the vendored v1.30 schema, the icons, the zip, and
`main`'s exit codes.

`schemas/MicrosoftTeams.schema.json` is `build/json-schemas/teams/v1.30/MicrosoftTeams.schema.json`
from npm `@microsoft/app-manifest` 1.1.2, unchanged (sha256 below). It is draft-04, which has no
`const`, so `manifestVersion` is also checked by hand.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from handlers.teams import package
from handlers.teams.package import PLACEHOLDER, PackageError, build_package, main

SCHEMA_FILE = Path(__file__).parent / "schemas" / "MicrosoftTeams.schema.json"
SCHEMA_SHA256 = "3339690aacd9049bc65ade66b258982803d8c6c6d3897a23f8a057b6ebe35479"
SCHEMA_URL = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.30/MicrosoftTeams.schema.json"
SOURCE = Path(__file__).resolve().parents[3] / "teams"
APP_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
COMMANDS = ["risk", "feedback", "project", "checkin", "standup", "summary", "scope", "lesson"]


def schema_errors(manifest: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    # The schema is well formed draft-04. Not `check_schema`: that also compiles every pattern with
    # Python's `re`, and a few of the schema's (`\p{L}`, for Office add-ins) are ECMA-only.
    Draft4Validator(Draft4Validator.META_SCHEMA).validate(schema)
    validator = Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(manifest)]


def read_png(data: bytes) -> tuple[int, int, int, list[list[tuple[int, ...]]]]:
    """Width, height, colour type and pixel rows of an 8-bit, non-interlaced PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, kind
        chunks.append((kind, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8 and interlace == 0 and colour in (2, 6)
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * channels
    assert len(raw) == height * (stride + 1)
    rows: list[list[tuple[int, ...]]] = []
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
            else:
                assert kind == 0, kind
        rows.append([tuple(line[x:x + channels]) for x in range(0, stride, channels)])
        previous = line
    return width, height, colour, rows


def source_manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((SOURCE / "manifest.json").read_text(encoding="utf-8"))
    return manifest


def test_the_vendored_schema_is_the_published_file() -> None:
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_the_source_manifest_is_valid_v1_30() -> None:
    manifest = source_manifest()
    assert schema_errors(manifest) == []
    assert manifest["$schema"] == SCHEMA_URL
    assert manifest["manifestVersion"] == "1.30"
    assert manifest["id"] == manifest["bots"][0]["botId"] == PLACEHOLDER
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}


def test_the_bot_serves_every_scope_with_the_eight_commands() -> None:
    (bot,) = source_manifest()["bots"]
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert bot["supportsFiles"] is False
    covered: set[str] = set()
    for command_list in bot["commandLists"]:
        assert [c["title"] for c in command_list["commands"]] == COMMANDS
        assert all(c["description"].strip() for c in command_list["commands"])
        covered.update(command_list["scopes"])
    assert covered == {"personal", "team", "groupChat"}


def test_the_schema_check_catches_a_broken_manifest() -> None:
    """The validation above means something: a missing field and a bad id are reported."""
    manifest = source_manifest()
    del manifest["developer"]
    manifest["bots"][0]["botId"] = "not-a-guid"
    errors = schema_errors(manifest)
    assert any("developer" in e for e in errors) and any(e.startswith("bots/0/botId") for e in errors)


def test_the_colour_icon_is_192_square_full_colour() -> None:
    width, height, _, rows = read_png((SOURCE / "color.png").read_bytes())
    assert (width, height) == (192, 192)
    colours = {px[:3] for row in rows for px in row}
    assert len(colours) > 1 and any(len(set(c)) > 1 for c in colours)  # not blank, not grey
    assert all(len(px) == 3 or px[3] == 255 for row in rows for px in row)


def test_the_outline_icon_is_32_square_white_on_transparent() -> None:
    width, height, colour, rows = read_png((SOURCE / "outline.png").read_bytes())
    assert (width, height, colour) == (32, 32, 6)
    pixels = [px for row in rows for px in row]
    assert any(px[3] == 0 for px in pixels)
    drawn = [px for px in pixels if px[3] > 0]
    assert drawn and all(px[:3] == (255, 255, 255) for px in drawn)


def test_the_package_holds_the_filled_in_manifest_and_the_icons(tmp_path: Path) -> None:
    written = build_package(APP_ID, tmp_path)
    assert written == tmp_path / "teams-app.zip"
    with zipfile.ZipFile(written) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.read("color.png") == (SOURCE / "color.png").read_bytes()
        assert archive.read("outline.png") == (SOURCE / "outline.png").read_bytes()
    assert manifest["id"] == manifest["bots"][0]["botId"] == APP_ID
    assert PLACEHOLDER not in json.dumps(manifest)
    assert schema_errors(manifest) == []
    expected = source_manifest()
    expected["id"] = expected["bots"][0]["botId"] = APP_ID
    assert manifest == expected  # nothing else changed
    assert not list(tmp_path.glob("*.partial"))


def test_the_package_is_the_same_bytes_each_time(tmp_path: Path) -> None:
    first = build_package(APP_ID, tmp_path / "a.zip").read_bytes()
    assert build_package(APP_ID, tmp_path / "b.zip").read_bytes() == first


@pytest.mark.parametrize("app_id", ["", "  ", "my-bot", APP_ID + "0", "{" + APP_ID + "}", PLACEHOLDER])
def test_an_app_id_that_is_not_a_guid_is_refused(tmp_path: Path, app_id: str) -> None:
    with pytest.raises(PackageError, match="TEAMS_APP_ID"):
        build_package(app_id, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_source_without_the_placeholder_is_refused(tmp_path: Path) -> None:
    manifest = source_manifest()
    manifest["id"] = APP_ID
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for icon in ("color.png", "outline.png"):
        (tmp_path / icon).write_bytes((SOURCE / icon).read_bytes())
    with pytest.raises(PackageError, match="placeholder"):
        build_package(APP_ID, tmp_path / "out.zip", source=tmp_path)


def test_main_writes_the_package_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    assert main([]) == 0
    with zipfile.ZipFile(tmp_path / "teams-app.zip") as archive:
        assert json.loads(archive.read("manifest.json"))["id"] == APP_ID
    assert "teams-app.zip" in capsys.readouterr().out


def test_main_takes_app_id_and_out_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEAMS_APP_ID", "not a guid")
    (tmp_path / "dist").mkdir()
    assert main(["--app-id", APP_ID, "--out", "dist"]) == 0
    assert (tmp_path / "dist" / "teams-app.zip").is_file()
    assert main(["--app-id", APP_ID, "--out", "named.zip"]) == 0
    assert (tmp_path / "named.zip").is_file()
    assert str(Path("dist") / "teams-app.zip") in capsys.readouterr().out


def test_main_falls_back_to_the_dot_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    (tmp_path / ".env").write_text(f"TEAMS_APP_ID={APP_ID}\n", encoding="utf-8")
    assert main([]) == 0
    with zipfile.ZipFile(tmp_path / "teams-app.zip") as archive:
        assert json.loads(archive.read("manifest.json"))["bots"][0]["botId"] == APP_ID


@pytest.mark.parametrize(("value", "says"), [(None, "not set"), ("", "not set"), ("abc", "must be a GUID")])
def test_main_exits_2_with_one_line_without_a_usable_app_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str | None, says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if value is None:
        monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    else:
        monkeypatch.setenv("TEAMS_APP_ID", value)
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: TEAMS_APP_ID") and says in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_main_exits_2_when_the_package_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--app-id", APP_ID, "--out", str(tmp_path / "missing" / "teams-app.zip")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot write")


def test_the_sources_are_the_repository_teams_folder() -> None:
    assert package.SOURCE == SOURCE
