"""/scope at the console: the commands, the forms by number, and the Approve / Reject buttons."""

from __future__ import annotations

from tests.handlers.console.driving import Drive

ACME = '/project new Acme client="Acme Corp" target=100k'


def test_baseline_change_and_approve_by_button(drive: Drive) -> None:
    out = drive([ACME, "/scope set project=Acme days=40 in=\"reports\"", "as ann",
                 "/scope change project=Acme Add SSO days=6", "as manager", "1", "/project show Acme", "/scope Acme"])
    assert "/scope set project=Acme" in out  # the reminder on /project new
    assert "Set the scope baseline of Acme (days, in)." in out
    assert "Logged change request on Acme: C-1 Add SSO (+6 d) — pending, asked by @ann" in out
    assert "[DM @manager] Change request on Acme to decide: C-1 Add SSO (+6 d)" in out
    assert "Approved C-1 on Acme: Add SSO (by @manager)" in out
    assert "[DM @ann] Your change request C-1 on Acme was approved by @manager: Add SSO" in out
    assert "Scope: 40 d baseline, +6 d approved (+15%)" in out
    assert "Target: booked nothing of 100,000 target (0%)" in out
    assert "Change requests: 1 (0 pending)" in out


def test_forms_and_refusals(drive: Drive) -> None:
    out = drive([ACME, "/scope set project=Acme", "40", "reports", "", "",
                 "/scope change", "Extra export", "2", "2.5", "",
                 "/scope reject C-1 too late", "/scope approve C-1", "/scope set project=Acme days=x"])
    assert "Scope baseline of Acme (Enter keeps" in out
    assert "Set the scope baseline of Acme (days, in)." in out
    assert "C-1 Extra export (+2.5 d) — pending" in out
    assert "Rejected C-1 on Acme: Extra export (by @manager)" in out
    assert "C-1 is already rejected." in out
    assert "person-days" in out and "Usage of /scope" in out


def test_a_member_may_ask_but_not_decide(drive: Drive) -> None:
    out = drive([ACME, "/checkin add @ann project=Acme", "as bob", "/scope change project=Acme Add SSO", "1",
                 "/scope approve C-1", "/scope set project=Acme days=3", "/scope set project=Acme", "/scope Acme"])
    assert "Sent to @manager to approve or reject." in out
    assert out.count("Sorry, only managers can approve or reject change requests.") == 2  # button and command
    assert out.count("only managers can set a project's scope baseline") == 2  # command and form
    assert "Change requests: 1 (1 pending)" in out


def test_a_checkin_comment_becomes_a_change_request_and_the_flag_shows(drive: Drive) -> None:
    out = drive(["/project new Acme target=10 booked=20", "/checkin add @ann project=Acme",
                 "/checkin send project=Acme", "as ann", "9", "Need an SAP export", "2", "as manager", "29", "", "2",
                 "4", "", "/project show Acme"])
    assert "[DM @manager] Heads up: @ann answered the Acme check-in with 2/5" in out
    assert "New change request (Enter keeps" in out and "Change [Need an SAP export]" in out
    assert "Logged change request on Acme: C-1 Need an SAP export (+4 d) — pending, asked by @manager" in out
    assert "! on target, client satisfaction falling" in out
