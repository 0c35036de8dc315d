"""One number everywhere: every surface that shows a figure shows the same one, on data
whose figures are counted by hand.

PrepCom-2, one dispatched circular to seven organisations:

    SUB submitted  S1 approved, consented, entered (then a re-entry)
                   S2 approved, no consent (a refusal at the door too)
                   S3 pending, consented
                   S4 withdrawn, consented: entered before the withdrawal (out of the
                      delegation, but its entry stays)
                   S5 revoked (substituted), consented
    AMD amended    A1 approved, consent withdrawn since
                   A2 rejected (still in the delegation: the secretariat may reconsider)
                   A3 no accreditation yet
    DEC declined   (a declining reply names nobody)
    DRF draft      D1, D2 named in a draft: not registered
    OPN opened     nobody named
    SIL reply row, never opened
    VIS no reply; its link visited (a GET opens nothing)

    invited 7, opened 5 (SUB, AMD, DEC, DRF, OPN), attending 2, declined 1, answered 3,
    silent 4 (DRF, OPN, SIL, VIS), response rate 3/7 = 42.9%
    registered 6 (S1 S2 S3, A1 A2 A3), approved 3 (S1 S2 A1), checked in 2 (S1 S4)
    List of Participants: shown 1 (S1), not shown 2 (S2, A1)
"""

import csv
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.models import Circular
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.directory.models import Organisation
from summitdesk.exports import services as export_services
from summitdesk.exports.kinds import KINDS, ExportError, parse_filters
from summitdesk.meetings.models import Meeting
from summitdesk.reports import dashboard, figures
from summitdesk.reports.participants import listing
from summitdesk.reports.public_statistics import set_public_statistics
from tests.api.conftest import ApiClient, make_token
from tests.factories import MeetingFactory, OrganisationFactory
from tests.reports.dashboard_data import DISPATCHED, circular, invite
from tests.reports.test_public_statistics import ACTOR

pytestmark = pytest.mark.django_db

A = AccreditationStatus
INVITED = 7
OPENED = 5
ATTENDING = 2
DECLINED = 1
ANSWERED = 3
SILENT = 4
RESPONSE_PERCENT = "42.9"
REGISTERED = 6
APPROVED = 3
CHECKED_IN = 2
SHOWN = 1
NOT_SHOWN = 2


@dataclass(frozen=True)
class Data:
    meeting: Meeting
    circular: Circular


def _reply(organisation: Organisation, meeting: Meeting, state: str) -> Reply:
    return Reply.objects.create(
        organisation=organisation,
        meeting=meeting,
        state=state,
        attending=None
        if state in (ReplyState.NOT_OPENED, ReplyState.OPENED)
        else (state != ReplyState.DECLINED),
        submitted_at=timezone.now() if state in ("submitted", "amended", "declined") else None,
    )


def _delegates(
    reply: Reply, meeting: Meeting, people: list[tuple[str, str | None, bool]]
) -> dict[str, Accreditation]:
    """(name, accreditation status or None, consent) in reply order."""
    made: dict[str, Accreditation] = {}
    for position, (name, status, consent) in enumerate(people):
        delegate = Delegate.objects.create(
            reply=reply,
            position=position,
            is_head=position == 0,
            given_name=name,
            family_name=f"Person {name}",
            consent_to_publish=consent,
        )
        if status is not None:
            given = status in (A.REJECTED, A.WITHDRAWN, A.REVOKED)
            made[name] = Accreditation.objects.create(
                delegate=delegate, meeting=meeting, status=status, reason="Given" if given else ""
            )
    return made


def _entered(accreditation: Accreditation, result: str = CheckInResult.ENTERED) -> None:
    CheckIn.objects.create(
        accreditation=accreditation, meeting=accreditation.meeting, result=result, desk="A"
    )


def build() -> Data:
    meeting = MeetingFactory(code="prepcom-2", title="PrepCom-2")
    dm = circular(meeting, "DM-2000")
    keys = ["SUB", "AMD", "DEC", "DRF", "OPN", "SIL", "VIS"]
    o = {key: OrganisationFactory(name=f"Organisation {key}") for key in keys}
    invite(dm, list(o.values()), DISPATCHED)
    # Another meeting's delegates must not count anywhere.
    elsewhere = MeetingFactory(code="prepcom-1")
    _delegates(
        _reply(o["SUB"], elsewhere, ReplyState.SUBMITTED), elsewhere, [("X1", A.APPROVED, True)]
    )

    sub = _delegates(
        _reply(o["SUB"], meeting, ReplyState.SUBMITTED),
        meeting,
        [
            ("S1", A.APPROVED, True),
            ("S2", A.APPROVED, False),
            ("S3", A.PENDING, True),
            ("S4", A.WITHDRAWN, True),
            ("S5", A.REVOKED, True),
        ],
    )
    _entered(sub["S1"])
    _entered(sub["S1"], CheckInResult.REENTERED)
    _entered(sub["S2"], CheckInResult.REFUSED)
    _entered(sub["S4"])
    _delegates(
        _reply(o["AMD"], meeting, ReplyState.AMENDED),
        meeting,
        [("A1", A.APPROVED, False), ("A2", A.REJECTED, True), ("A3", None, True)],
    )
    _reply(o["DEC"], meeting, ReplyState.DECLINED)
    _delegates(
        _reply(o["DRF"], meeting, ReplyState.DRAFT),
        meeting,
        [("D1", None, True), ("D2", None, True)],
    )
    _reply(o["OPN"], meeting, ReplyState.OPENED)
    _reply(o["SIL"], meeting, ReplyState.NOT_OPENED)
    _link, token = reply_links.issue(o["VIS"], meeting)
    Client().get(f"/reply/{token}/")
    return Data(meeting, dm)


@pytest.fixture
def data() -> Data:
    return build()


def headline(page: str) -> dict[str, str]:
    """{label: number} of a page's <dl> of figures."""
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>(?:<a [^>]*>)?(\d+)", page))


def rate(page: str) -> str:
    """The response rate of a page's <dl> of figures, as shown."""
    found = re.search(r"<dt>Response rate</dt><dd>([^<]*)</dd>", page)
    assert found is not None
    return found.group(1)


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def csv_column_sum(content: bytes, column: str, *, where: tuple[str, set[str]]) -> int:
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    return sum(int(row[column] or 0) for row in rows if row[where[0]] in where[1])


def test_figures_counted_by_hand(data: Data) -> None:
    meeting = data.meeting

    assert figures.opened(meeting) == OPENED
    answers = figures.total(figures.answers([meeting]))
    assert (
        answers.invited,
        answers.opened,
        answers.attending,
        answers.declined,
        answers.answered,
        answers.silent,
    ) == (INVITED, OPENED, ATTENDING, DECLINED, ANSWERED, SILENT)
    assert answers.response_rate == ANSWERED / INVITED
    by_circular = figures.total(figures.answers([meeting], circular=data.circular))
    assert by_circular == answers
    assert figures.registered([meeting]) == REGISTERED
    assert figures.registered_delegates([meeting]).count() == REGISTERED
    assert figures.approved_accreditations([meeting]).count() == APPROVED
    assert figures.entered_check_ins([meeting]).count() == CHECKED_IN
    assert figures.listed(meeting) == figures.Listed(shown=SHOWN, not_shown=NOT_SHOWN)


def test_tracker_page_and_csv_show_the_figures(data: Data, viewer_client: Client) -> None:
    for url in (f"/circulars/{data.circular.pk}/replies/", "/meetings/prepcom-2/replies/"):
        page = viewer_client.get(url).content.decode()
        shown = headline(page)
        assert {
            k: shown[k]
            for k in ("Invited", "Opened", "Attending", "Declined", "Silent", "Delegates named")
        } == {
            "Invited": str(INVITED),
            "Opened": str(OPENED),
            "Attending": str(ATTENDING),
            "Declined": str(DECLINED),
            "Silent": str(SILENT),
            "Delegates named": str(REGISTERED),
        }
        # The breakdowns' totals: invited, the seven states, silent.
        totals = viewer_client.get(url).context["tracker"].totals
        assert (totals.cells[0], totals.cells[-2]) == (INVITED, SILENT)
        # The list, narrowed as the headline's links narrow it, has as many rows.
        for state, expected in (
            ("attending", ATTENDING),
            ("declined", DECLINED),
            ("silent", SILENT),
        ):
            listed = viewer_client.get(f"{url}?state={state}").context["rows"]
            assert len(listed) == expected
        # The list's column adds up to the headline figure.
        rows = viewer_client.get(f"{url}?state=attending").context["rows"]
        assert sum(row.named for row in rows) == REGISTERED

    for url in (f"/circulars/{data.circular.pk}/replies.csv", "/meetings/prepcom-2/replies.csv"):
        content = viewer_client.get(url).content
        every = {state.value for state in ReplyState}
        assert csv_column_sum(content, "named_delegates", where=("state", every)) == REGISTERED
        states = [row["state"] for row in csv_rows(content)]
        assert (
            len(states),
            sum(state in ("submitted", "amended") for state in states),
            states.count("declined"),
        ) == (INVITED, ATTENDING, DECLINED)


def test_replies_export_sums_the_registered_delegates(data: Data) -> None:
    kind = KINDS["replies"]
    out = io.BytesIO()
    export_services.write_export(
        kind, parse_filters(kind, {"meeting": ["prepcom-2"]}), "csv", out, identity=False
    )

    every = {str(label) for _value, label in ReplyState.choices}
    total = csv_column_sum(out.getvalue(), "Delegates named", where=("Reply", every))
    assert total == REGISTERED
    replies = [row["Reply"] for row in csv_rows(out.getvalue())]
    assert (
        len(replies),
        sum(reply in ("Submitted", "Amended") for reply in replies),
        replies.count("Declined"),
    ) == (INVITED, ATTENDING, DECLINED)


def _export(name: str, data: dict[str, list[str]]) -> list[dict[str, str]]:
    kind = KINDS[name]
    out = io.BytesIO()
    export_services.write_export(kind, parse_filters(kind, data), "csv", out, identity=False)
    return csv_rows(out.getvalue())


def test_delegates_export_of_attending_replies_lists_the_registered(data: Data) -> None:
    rows = _export("delegates", {"meeting": ["prepcom-2"], "state": ["attending"]})

    assert sorted(row["Given name"] for row in rows) == ["A1", "A2", "A3", "S1", "S2", "S3"]
    assert len(rows) == REGISTERED


def test_tracker_offers_the_delegates_export_with_the_withdrawn_on_request(
    data: Data, viewer_client: Client
) -> None:
    page = viewer_client.get("/meetings/prepcom-2/replies/?state=attending").content.decode()

    actions = [html.unescape(a) for a in re.findall(r'action="(/exports/delegates/[^"]*)"', page)]
    assert actions == [
        "/exports/delegates/?meeting=prepcom-2&state=attending",
        "/exports/delegates/?meeting=prepcom-2&state=attending&withdrawn=yes",
    ]


def test_delegates_export_lists_the_withdrawn_only_on_request(data: Data) -> None:
    asked = {"meeting": ["prepcom-2"], "state": ["attending"], "withdrawn": ["yes"]}
    rows = _export("delegates", asked)

    withdrawn = {row["Given name"]: row["Accreditation"] for row in rows}
    assert len(rows) == REGISTERED + 2
    assert (withdrawn["S4"], withdrawn["S5"]) == ("Withdrawn", "Revoked")


def test_dashboard_and_public_statistics_show_the_figures(
    data: Data, viewer_client: Client
) -> None:
    totals = dashboard.meeting_dashboard(data.meeting).totals
    assert (totals.invited, totals.registered, totals.approved, totals.checked_in) == (
        INVITED,
        REGISTERED,
        APPROVED,
        CHECKED_IN,
    )
    assert (totals.attending, totals.declined, totals.answered, totals.response_percent) == (
        ATTENDING,
        DECLINED,
        ANSWERED,
        RESPONSE_PERCENT,
    )
    replied = ("Invited", "Answered", "Attending", "Declined")
    expected = {
        "Invited": str(INVITED),
        "Answered": str(ANSWERED),
        "Attending": str(ATTENDING),
        "Declined": str(DECLINED),
    }
    assert sum(g.count for g in dashboard.meeting_dashboard(data.meeting).genders) == REGISTERED

    page = viewer_client.get("/reports/meetings/prepcom-2/").content.decode()
    assert {k: headline(page)[k] for k in replied} == expected
    assert rate(page) == f"{RESPONSE_PERCENT}%"
    assert {k: headline(page)[k] for k in ("Registered", "Approved", "Checked in")} == {
        "Registered": str(REGISTERED),
        "Approved": str(APPROVED),
        "Checked in": str(CHECKED_IN),
    }

    set_public_statistics(data.meeting, enabled=True, actor=ACTOR)
    public = Client().get("/meetings/prepcom-2/statistics/").content.decode()
    assert {k: headline(public)[k] for k in replied} == expected
    assert rate(public) == f"{RESPONSE_PERCENT}%"
    assert {
        k: headline(public)[k] for k in ("Invited", "Registered", "Approved", "Checked in")
    } == {
        "Invited": str(INVITED),
        "Registered": str(REGISTERED),
        "Approved": str(APPROVED),
        "Checked in": str(CHECKED_IN),
    }


def test_check_in_desk_shows_checked_in_of_accredited(data: Data, admin_client: Client) -> None:
    response = admin_client.get("/meetings/prepcom-2/check-in/count.json")

    assert response.json() == {"entered": CHECKED_IN, "approved": APPROVED}


def test_list_of_participants_shows_and_counts_the_approved(data: Data) -> None:
    current = listing.build_list(data.meeting)

    assert (current.shown, current.not_shown) == (SHOWN, NOT_SHOWN)
    assert current.shown + current.not_shown == APPROVED


def test_api_shows_the_figures(data: Data) -> None:
    api = ApiClient(make_token())

    replies: list[dict[str, Any]] = api.walk("/replies?meeting=prepcom-2")
    approved = api.walk("/accreditations?meeting=prepcom-2&status=approved")

    assert sum(reply["delegates_registered"] for reply in replies) == REGISTERED
    states = [reply["state"] for reply in replies]
    assert (
        sum(state in ("submitted", "amended") for state in states),
        states.count("declined"),
    ) == (ATTENDING, DECLINED)
    assert len(approved) == APPROVED
    one = next(reply for reply in replies if reply["state"] == "submitted")
    body = api.get(f"/replies/{one['id']}").json()
    assert body["delegates_registered"] == len(body["delegates"]) == 3


def test_delegates_export_refuses_an_unknown_withdrawn_value(data: Data) -> None:
    kind = KINDS["delegates"]

    with pytest.raises(ExportError) as error:
        parse_filters(kind, {"meeting": ["prepcom-2"], "withdrawn": ["maybe"]})

    assert str(error.value) == "Unknown withdrawn maybe; choose from yes, no."


def test_export_command_lists_the_withdrawn_only_with_the_option(
    data: Data, tmp_path: Path
) -> None:
    counted = []
    for extra in ([], ["--withdrawn"]):
        out = tmp_path / f"delegates{len(extra)}.csv"
        args = ["delegates", "--meeting", "prepcom-2", "--status", "attending", "--out", str(out)]
        call_command("export", *args, *extra, stdout=io.StringIO(), stderr=io.StringIO())
        counted.append(len(csv_rows(out.read_bytes())))

    assert counted == [REGISTERED, REGISTERED + 2]
