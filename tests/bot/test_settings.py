"""Settings from the environment and `.env`: a missing or malformed one is one line naming it and
saying how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import HOW_TO_FIX, SettingsError, load_settings

NAMES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "DATABASE_URL", "PORT",
         "BOT_MANAGERS", "BOT_TIMEZONE", "LOG_LEVEL", "TEAMS_APP_ID", "TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID",
         "TEAMS_OPENID_URL", "TEAMS_LOGIN_URL")
TOKEN = "xoxb-111-222-abcdef"
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"
APP_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
APP_PASSWORD = "Xy7~Q8s.teams-client-secret"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting from the developer's shell or a `.env` in the checkout leaks in."""
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def http_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING)


def problem(name: str) -> str:
    """load_settings() must fail on `name` with one line that names it and says how to fix it."""
    with pytest.raises(SettingsError) as e:
        load_settings()
    line = str(e.value)
    assert "\n" not in line and line.strip() == line
    assert name in line and HOW_TO_FIX[name] in line
    for secret in (TOKEN, SIGNING, APP_PASSWORD):
        assert secret not in line
    return line


def test_defaults(http_mode: None) -> None:
    s = load_settings()
    assert s.slack_bot_token.get_secret_value() == TOKEN
    assert (s.database_url, s.port, s.managers, s.bot_timezone, s.socket_mode) == (
        "sqlite:///data/bot.db", 3000, frozenset(), "UTC", False)
    assert s.slack_api_url == "https://slack.com/api/"


def test_every_setting_read(monkeypatch: pytest.MonkeyPatch, http_mode: None) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://bot@db/bot")
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("BOT_MANAGERS", " U012ABC, W034DEF ,")
    monkeypatch.setenv("BOT_TIMEZONE", "Europe/London")
    s = load_settings()
    assert (s.slack_api_url, s.database_url, s.port, s.managers, s.bot_timezone) == (
        "http://127.0.0.1:9999/api/", "postgresql+psycopg://bot@db/bot", 8080, frozenset({"U012ABC", "W034DEF"}),
        "Europe/London")
    assert set(s.secrets()) == {TOKEN, SIGNING}


def test_missing_bot_token() -> None:
    assert "missing" in problem("SLACK_BOT_TOKEN")


@pytest.mark.parametrize("value", ["xoxp-user-token", "abc", "", "xapp-1-A"])
def test_malformed_bot_token(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", value)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING)
    assert "xoxb-" in problem("SLACK_BOT_TOKEN")


@pytest.mark.parametrize("value", [None, "", "   "])
def test_signing_secret_is_required_in_http_mode(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    if value is not None:
        monkeypatch.setenv("SLACK_SIGNING_SECRET", value)
    assert "HTTP mode" in problem("SLACK_SIGNING_SECRET")


def test_socket_mode_needs_no_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1-A111-222-abc")
    s = load_settings()
    assert s.socket_mode and s.slack_signing_secret is None
    assert "xapp-1-A111-222-abc" in s.secrets()


def test_malformed_app_token(monkeypatch: pytest.MonkeyPatch, http_mode: None) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", "xoxb-not-an-app-token")
    problem("SLACK_APP_TOKEN")


def test_blank_app_token_means_http_mode(monkeypatch: pytest.MonkeyPatch, http_mode: None) -> None:
    monkeypatch.setenv("SLACK_APP_TOKEN", " ")
    assert load_settings().socket_mode is False


@pytest.mark.parametrize("value", ["abc", "0", "65536", "-1", "3000.5", ""])
def test_bad_port(monkeypatch: pytest.MonkeyPatch, http_mode: None, value: str) -> None:
    monkeypatch.setenv("PORT", value)
    problem("PORT")


@pytest.mark.parametrize("value", ["bob", "U1", "U012ABC;U034DEF", "<@U012ABC>", "u012abc"])
def test_bad_managers(monkeypatch: pytest.MonkeyPatch, http_mode: None, value: str) -> None:
    monkeypatch.setenv("BOT_MANAGERS", value)
    problem("BOT_MANAGERS")


@pytest.mark.parametrize("value", ["Mars/Base", "", "CEST+2", "../../etc/passwd"])
def test_bad_timezone(monkeypatch: pytest.MonkeyPatch, http_mode: None, value: str) -> None:
    monkeypatch.setenv("BOT_TIMEZONE", value)
    problem("BOT_TIMEZONE")


@pytest.mark.parametrize("value,says", [("nonsense", "not a database URL"), ("", "not a database URL"),
                                        ("foo://x/y", "unknown kind"), ("mysql://u@h/db", "driver")])
def test_bad_database_url(monkeypatch: pytest.MonkeyPatch, http_mode: None, value: str, says: str) -> None:
    monkeypatch.setenv("DATABASE_URL", value)
    assert says in problem("DATABASE_URL")


@pytest.mark.parametrize("value", ["postgres://u@h/db", "postgresql://u@h/db", "sqlite:///elsewhere/bot.db"])
def test_good_database_urls(monkeypatch: pytest.MonkeyPatch, http_mode: None, value: str) -> None:
    monkeypatch.setenv("DATABASE_URL", value)
    assert load_settings().database_url == value


def test_bad_api_url(monkeypatch: pytest.MonkeyPatch, http_mode: None) -> None:
    monkeypatch.setenv("SLACK_API_URL", "slack.com/api")
    problem("SLACK_API_URL")


def test_dot_env_in_the_working_directory_is_read(clean_env: Path) -> None:
    (clean_env / ".env").write_text(
        f"SLACK_BOT_TOKEN={TOKEN}\nSLACK_SIGNING_SECRET={SIGNING}\nPORT=4000\nBOT_TIMEZONE=Asia/Tokyo\n"
        "# a comment\nUNRELATED=1\n")
    s = load_settings()
    assert s.slack_bot_token.get_secret_value() == TOKEN and s.port == 4000 and s.bot_timezone == "Asia/Tokyo"


def test_the_environment_wins_over_dot_env(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (clean_env / ".env").write_text(f"SLACK_BOT_TOKEN={TOKEN}\nSLACK_SIGNING_SECRET={SIGNING}\nPORT=4000\n")
    monkeypatch.setenv("PORT", "5000")
    assert load_settings().port == 5000


def test_a_bad_value_in_dot_env_is_reported_too(clean_env: Path) -> None:
    (clean_env / ".env").write_text(f"SLACK_BOT_TOKEN={TOKEN}\nSLACK_SIGNING_SECRET={SIGNING}\nPORT=http\n")
    problem("PORT")


def test_no_dot_env_no_problem(http_mode: None, clean_env: Path) -> None:
    assert not (clean_env / ".env").exists()
    assert load_settings().port == 3000


# ---- Microsoft Teams ---------------------------------------------------------------------------------

@pytest.fixture
def teams(monkeypatch: pytest.MonkeyPatch, http_mode: None) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("TEAMS_APP_PASSWORD", APP_PASSWORD)
    monkeypatch.setenv("TEAMS_TENANT_ID", TENANT)


def test_teams_is_off_by_default(http_mode: None) -> None:
    s = load_settings()
    assert not s.teams_enabled
    assert (s.teams_app_id, s.teams_app_password, s.teams_tenant_id) == (None, None, None)
    assert s.teams_openid_url == "https://login.botframework.com/v1/.well-known/openidconfiguration"
    assert s.teams_login_url == "https://login.microsoftonline.com"
    assert set(s.secrets()) == {TOKEN, SIGNING}


@pytest.mark.parametrize("name", ["TEAMS_APP_ID", "TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID"])
def test_blank_teams_settings_are_unset(monkeypatch: pytest.MonkeyPatch, http_mode: None, name: str) -> None:
    monkeypatch.setenv(name, "  ")
    assert not load_settings().teams_enabled


def test_teams_settings_read(teams: None) -> None:
    s = load_settings()
    assert s.teams_enabled
    assert (s.teams_app_id, s.teams_tenant_id) == (APP_ID, TENANT)
    assert s.teams_app_password is not None and s.teams_app_password.get_secret_value() == APP_PASSWORD
    assert APP_PASSWORD not in repr(s) and APP_PASSWORD not in str(s)


def test_teams_settings_from_dot_env(clean_env: Path) -> None:
    (clean_env / ".env").write_text(
        f"SLACK_BOT_TOKEN={TOKEN}\nSLACK_SIGNING_SECRET={SIGNING}\nTEAMS_APP_ID={APP_ID}\n"
        f"TEAMS_APP_PASSWORD={APP_PASSWORD}\nTEAMS_TENANT_ID={TENANT}\nTEAMS_LOGIN_URL=https://127.0.0.1:8443/\n")
    s = load_settings()
    assert s.teams_enabled and s.teams_login_url == "https://127.0.0.1:8443"


def test_the_app_password_is_a_secret(teams: None) -> None:
    assert set(load_settings().secrets()) == {TOKEN, SIGNING, APP_PASSWORD}


def test_an_app_password_alone_is_still_a_secret(monkeypatch: pytest.MonkeyPatch, http_mode: None) -> None:
    monkeypatch.setenv("TEAMS_APP_PASSWORD", APP_PASSWORD)
    s = load_settings()
    assert not s.teams_enabled and APP_PASSWORD in s.secrets()


@pytest.mark.parametrize("value", [None, "", "  "])
def test_app_password_is_required_with_app_id(monkeypatch: pytest.MonkeyPatch, teams: None,
                                              value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("TEAMS_APP_PASSWORD")
    else:
        monkeypatch.setenv("TEAMS_APP_PASSWORD", value)
    line = problem("TEAMS_APP_PASSWORD")
    assert "required with TEAMS_APP_ID" in line and line.startswith("setting TEAMS_APP_PASSWORD ")


@pytest.mark.parametrize("value", [None, ""])
def test_tenant_is_required_with_app_id(monkeypatch: pytest.MonkeyPatch, teams: None, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("TEAMS_TENANT_ID")
    else:
        monkeypatch.setenv("TEAMS_TENANT_ID", value)
    line = problem("TEAMS_TENANT_ID")
    assert "required with TEAMS_APP_ID" in line and line.startswith("setting TEAMS_TENANT_ID ")


def test_missing_bot_token_names_both_platforms() -> None:
    line = problem("SLACK_BOT_TOKEN")
    assert "TEAMS_APP_ID" in line


def test_a_teams_only_bot_needs_no_slack_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("TEAMS_APP_PASSWORD", APP_PASSWORD)
    monkeypatch.setenv("TEAMS_TENANT_ID", TENANT)
    s = load_settings()
    assert s.teams_enabled and not s.slack_enabled and not s.socket_mode
    assert s.slack_bot_token is None and s.slack_signing_secret is None
    assert set(s.secrets()) == {APP_PASSWORD}


def test_a_slack_only_bot_needs_no_teams_setting(http_mode: None) -> None:
    s = load_settings()
    assert s.slack_enabled and not s.teams_enabled


def test_a_teams_only_bot_reports_its_own_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)  # no password, no tenant, and no Slack token either
    assert "required with TEAMS_APP_ID" in problem("TEAMS_APP_PASSWORD")


def test_managers_may_be_entra_object_ids(monkeypatch: pytest.MonkeyPatch, http_mode: None) -> None:
    monkeypatch.setenv("BOT_MANAGERS", f"U012ABC, {TENANT.upper()}")
    assert load_settings().managers == frozenset({"U012ABC", TENANT})


@pytest.mark.parametrize("name", ["TEAMS_APP_ID", "TEAMS_TENANT_ID"])
@pytest.mark.parametrize("value", ["my-bot", "1b4e28ba2fa111d2883f0016d3cca427",
                                   "{1b4e28ba-2fa1-11d2-883f-0016d3cca427}", "contoso.onmicrosoft.com"])
def test_ids_must_be_guids(monkeypatch: pytest.MonkeyPatch, teams: None, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    assert "GUID" in problem(name)


@pytest.mark.parametrize("name", ["TEAMS_OPENID_URL", "TEAMS_LOGIN_URL"])
@pytest.mark.parametrize("value", ["http://login.microsoftonline.com", "login.microsoftonline.com", "https://",
                                   "https:///path", "ftp://login.example.com", "https://host:port", "https://a b",
                                   ""])
def test_teams_urls_must_be_https(monkeypatch: pytest.MonkeyPatch, teams: None, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    assert "https URL" in problem(name)


def test_teams_urls_checked_without_app_id(monkeypatch: pytest.MonkeyPatch, http_mode: None) -> None:
    monkeypatch.setenv("TEAMS_OPENID_URL", "http://127.0.0.1:9999/openid")
    problem("TEAMS_OPENID_URL")


def test_teams_urls_may_point_at_a_local_stand_in(monkeypatch: pytest.MonkeyPatch, teams: None) -> None:
    monkeypatch.setenv("TEAMS_OPENID_URL", " https://127.0.0.1:8443/v1/.well-known/openidconfiguration ")
    monkeypatch.setenv("TEAMS_LOGIN_URL", "https://127.0.0.1:8443/login//")
    s = load_settings()
    assert s.teams_openid_url == "https://127.0.0.1:8443/v1/.well-known/openidconfiguration"
    assert s.teams_login_url == "https://127.0.0.1:8443/login"  # no trailing slash: {url}/{tenant}/oauth2/...
