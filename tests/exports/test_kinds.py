"""The columns and values of each kind of export, its filters and their error messages."""

import datetime
from typing import Any

import pytest

from summitdesk.exports import services
from summitdesk.exports.kinds import KINDS, ExportError, Filters, get_kind, parse_filters
from tests.exports.conftest import World


def table(kind_name: str, data: dict[str, list[str]], *, identity: bool = False) -> list[list[Any]]:
    """The header and rows of an export; None is an empty cell."""
    kind = KINDS[kind_name]
    chosen, header = services.columns(kind, identity=identity)
    return [header, *kind.cells(parse_filters(kind, data), chosen)]


def test_organisations_export_every_current_organisation_in_directory_order(world: World) -> None:
    rows = table("organisations", {})

    assert rows[0] == [
        "Organisation ID", "Organisation", "Acronym", "Category", "Stakeholder group",
        "Country code", "Country", "Region", "External ID", "ITU sectors", "Language",
        "General email", "Website", "Postal address", "Status",
    ]  # fmt: skip
    assert [row[1] for row in rows[1:]] == [
        "Anatel", "=Egyptian Telecom", "NTT", "Sonatel", "Swiss Federal Office of Communications",
    ]  # fmt: skip
    assert rows[4] == [
        world.senegal.pk, "Sonatel", "", "Sector Member", "Private sector", "SN", "Senegal",
        "Africa", None, "ITU-D", "English", "", "", "", "Active",
    ]  # fmt: skip


def test_replies_export_the_trackers_columns(world: World) -> None:
    rows = table("replies", {"meeting": ["wsis-2026"]})

    assert rows[0] == [
        "Organisation ID", "Organisation", "Acronym", "Category", "Stakeholder group",
        "Country code", "Country", "Region", "Reply", "Estimated participants",
        "Level of the head of delegation", "Delegates named", "Entered by the secretariat",
        "Submitted",
    ]  # fmt: skip
    assert rows[5] == [
        world.swiss.pk, "Swiss Federal Office of Communications", "OFCOM", "Member State",
        "Governments", "CH", "Switzerland", "Europe", "Submitted", 3, "Chief executive", 2, "",
        datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC),
    ]  # fmt: skip
    assert [(row[1], row[8], row[11], row[12]) for row in rows[1:]] == [
        ("Anatel", "Declined", 0, ""),
        ("=Egyptian Telecom", "Amended", 1, "yes"),
        ("NTT", "Not opened", 0, ""),
        ("Sonatel", "Submitted", 1, ""),
        ("Swiss Federal Office of Communications", "Submitted", 2, ""),
    ]


def test_delegates_export_names_and_accreditation(world: World) -> None:
    rows = table("delegates", {"meeting": ["wsis-2026"]})

    assert rows[0][8:] == [
        "Reply", "Head of delegation", "Title", "Given name", "Family name", "Function", "Email",
        "Nationality", "Returning from", "Confirmed coming", "May be published", "Accreditation",
        "Badge number", "Participant type", "Protocol level", "Affiliation", "Relationship",
        "Online only",
    ]  # fmt: skip
    assert [row[8:] for row in rows[1:]] == [
        ["Amended", "yes", "", "Omar", "+Hassan", "", "", "", "", "", "", "Approved", "000003",
         "Delegate", "", "", "", ""],
        ["Submitted", "yes", "", "Awa", "Diop", "", "", "", "", "", "", "Approved", "000002",
         "Delegate", "", "", "", ""],
        ["Submitted", "yes", "Mr", "Bernard", "Müller", "Director", "bernard@example.ch", "CH",
         "", "", "yes", "Approved", "000001", "Delegate", "Chief executive", "", "", ""],
        ["Submitted", "", "", "Anna", "Weber", "", "", "", "", "", "", "Pending", "", "Delegate",
         "", "", "", ""],
    ]  # fmt: skip


def test_accreditations_export_with_identity_columns_when_allowed(world: World) -> None:
    rows = table("accreditations", {"meeting": ["wsis-2026"]}, identity=True)

    assert rows[0][-5:] == [
        "Given name(s) as in the passport", "Family name as in the passport", "Date of birth",
        "Identity document number", "Identity document expiry",
    ]  # fmt: skip
    assert rows[3] == [
        world.approved_head.pk, "Approved", "000001", "", world.swiss.pk,
        "Swiss Federal Office of Communications", "OFCOM", "Member State", "Governments", "CH",
        "Switzerland", "Europe", "yes", "Mr", "Bernard", "Müller", "Director",
        "bernard@example.ch", "CH", "", "", "Delegate", "Chief executive", "", "", "",
        "Bernard Louis", "MUELLER", datetime.date(1970, 5, 17), "X1234567",
        datetime.date(2030, 1, 31),
    ]  # fmt: skip


def test_accreditations_export_without_identity_columns_otherwise(world: World) -> None:
    rows = table("accreditations", {"meeting": ["wsis-2026"]}, identity=False)

    assert len(rows[0]) == 26
    assert "Identity document number" not in rows[0]
    assert all("X1234567" not in row for row in rows)


def test_approved_accreditations_of_three_regions(world: World) -> None:
    rows = table(
        "accreditations",
        {
            "meeting": ["wsis-2026"],
            "status": ["approved"],
            "region": ["europe,africa", "Asia-Pacific"],
        },
    )

    assert [(row[5], row[15]) for row in rows[1:]] == [
        ("Sonatel", "Diop"),
        ("Swiss Federal Office of Communications", "Müller"),
    ]


@pytest.mark.parametrize(
    ("kind", "data", "names"),
    [
        ("organisations", {"country": ["sn", "Japan"]}, ["NTT", "Sonatel"]),
        ("organisations", {"sector": ["ITU-D"]}, ["Sonatel"]),
        (
            "organisations",
            {"q": ["swiss communications"]},
            ["Swiss Federal Office of Communications"],
        ),
        (
            "organisations",
            {"category": ["member_state"], "meeting": ["wsis-2026"]},
            ["Anatel", "Swiss Federal Office of Communications"],
        ),
        ("replies", {"meeting": ["wsis-2026"], "state": ["silent"]}, ["NTT"]),
        (
            "replies",
            {"meeting": ["wsis-2026"], "state": ["attending", "declined"]},
            ["Anatel", "=Egyptian Telecom", "Sonatel", "Swiss Federal Office of Communications"],
        ),
        (
            "replies",
            {"meeting": ["wsis-2026"], "circular": ["CL-26/01"], "region": ["arab-states"]},
            ["=Egyptian Telecom"],
        ),
        (
            "delegates",
            {"meeting": ["wsis-2026"], "stakeholder_group": ["governments"]},
            ["Swiss Federal Office of Communications"] * 2,
        ),
        ("accreditations", {"meeting": ["wsis-2026"], "organisation": ["sonat"]}, ["Sonatel"]),
    ],
)
def test_filters_narrow_the_rows(
    world: World, kind: str, data: dict[str, list[str]], names: list[str]
) -> None:
    rows = table(kind, data)
    column = rows[0].index("Organisation")

    assert [row[column] for row in rows[1:]] == names


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("accreditations", {}, "An export of accreditations needs a meeting."),
        ("replies", {"meeting": ["nope"]}, "No meeting with the code nope."),
        ("accreditations", {"meeting": ["wsis-2026"], "region": ["europe,atlantis"]},
         "Unknown region atlantis; choose from africa, americas, arab-states, asia-pacific, "
         "cis, europe, unknown."),
        ("accreditations", {"meeting": ["wsis-2026"], "status": ["aproved"]},
         "Unknown status aproved; choose from pending, approved, rejected, withdrawn, revoked."),
        ("organisations", {"country": ["Narnia"]},
         "Unknown country Narnia; give its ISO code (such as CH) or its name."),
        ("organisations", {"category": ["ngo"]},
         "Unknown category ngo; choose from member_state, sector_member, associate, academia, "
         "business_entity, civil_society, international_organisation, media."),
        ("replies", {"meeting": ["wsis-2026"], "circular": ["CL-99/99"]},
         "No circular CL-99/99 about the meeting wsis-2026."),
    ],
)  # fmt: skip
def test_bad_filter_values_are_refused_with_a_precise_message(
    world: World, kind: str, data: dict[str, list[str]], message: str
) -> None:
    with pytest.raises(ExportError) as raised:
        parse_filters(KINDS[kind], data)

    assert str(raised.value) == message


def test_strict_parsing_refuses_a_filter_of_another_kind(world: World) -> None:
    with pytest.raises(ExportError) as raised:
        parse_filters(KINDS["organisations"], {"status": ["approved"]}, strict=True)

    assert str(raised.value) == "The filter status does not apply to organisations."


def test_lenient_parsing_ignores_other_parameters(world: World) -> None:
    assert parse_filters(KINDS["organisations"], {"page": ["3"], "status": ["x"]}) == Filters()


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ExportError) as raised:
        get_kind("people")

    assert str(raised.value) == (
        "Unknown kind of export people; "
        "choose from organisations, replies, delegates, accreditations, join_requests, "
        "protocol, admission-recommended, admission-admitted."
    )


def test_filters_as_data_round_trip(world: World) -> None:
    kind = KINDS["accreditations"]
    parsed = parse_filters(
        kind, {"meeting": ["wsis-2026"], "region": ["europe,africa"], "status": ["approved"]}
    )

    assert parsed.as_data() == {
        "meeting": ["wsis-2026"], "region": ["europe", "africa"], "status": ["approved"],
    }  # fmt: skip
    assert parse_filters(kind, parsed.as_data()) == parsed


def test_protocol_list_export_names_the_high_level_participants(world: World) -> None:
    rows = table("protocol", {"meeting": ["wsis-2026"]})

    assert rows[0] == [
        "Protocol level", "Head of delegation", "Title", "Given name", "Family name",
        "Function", "Organisation", "Country", "Participant type", "Online only",
    ]  # fmt: skip
    assert rows[1:] == [
        ["Chief executive", "yes", "Mr", "Bernard", "Müller", "Director",
         "Swiss Federal Office of Communications", "Switzerland", "Delegate", ""],
    ]  # fmt: skip


def test_protocol_list_export_needs_a_meeting(world: World) -> None:
    with pytest.raises(ExportError, match="An export of protocol needs a meeting"):
        parse_filters(KINDS["protocol"], {})
