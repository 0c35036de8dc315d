"""Fuzzing the API from its own OpenAPI document (schemathesis, through the WSGI
application, in the test database): once without a token, so every operation must refuse
cleanly, and once with a token holding every scope and `If-Match: *`, so the handlers
behind authentication, the writes included, are fuzzed too. Checks: no server error, and
every documented response matches its schema.

Bounded for CI: a few examples per operation, derandomized (the same cases every run),
no shrinking phase; the whole module takes well under a minute on two cores.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from pytest_django import Settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.badges import badge_code
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.correspondence.models import Invitation
from summitdesk.delegations.models import Reply
from summitdesk.wsgi import application
from tests.accreditation.builders import (
    STAFF,
    accreditations,
    meeting,
    members,
    submitted_reply,
)
from tests.api.conftest import circular, make_token
from tests.factories import OrganisationFactory

CHECKS = [not_a_server_error, response_schema_conformance]
BOUNDED = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


pytestmark = pytest.mark.integration  # the whole API, fuzzed


@dataclass(frozen=True)
class Target:
    """The loaded OpenAPI document, and rows of the seeded data that fuzzed requests aim
    at: random ids alone would nearly always answer 404 and leave the handlers untried."""

    schema: Any
    path_ids: dict[str, int]
    bodies: dict[str, dict[str, Any]]


def seed() -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    """A little of everything; the ids by path parameter name, and fixed bodies."""
    summit = meeting()
    organisation = OrganisationFactory(name="Orange")
    letter = circular(summit, "DM-1048")
    Invitation.objects.create(circular=letter, organisation=organisation, language="en")
    reply = submitted_reply(organisation, summit, members(2))
    approved, _pending = accreditations(reply)
    accreditation_services.transition(approved, AccreditationStatus.APPROVED, actor=STAFF)
    approved.refresh_from_db()
    # Another organisation's, out of reach of the fuzzed writes to the reply above.
    other = OrganisationFactory(name="Sonatel")
    [pending] = accreditations(submitted_reply(other, summit, members(1, prefix="Sn")))
    path_ids = {
        "organisation_id": organisation.pk,
        "person_id": Reply.objects.get(pk=reply.pk).focal_point_id or 0,
        "meeting_id": summit.pk,
        "circular_id": letter.pk,
        "reply_id": reply.pk,
        "accreditation_id": pending.pk,
    }
    scan = {"meeting": summit.code, "code": badge_code(approved), "desk": "Gate 1"}
    return path_ids, {"POST /api/v1/check-ins": scan}


@pytest.fixture
def target(db: None, settings: Settings) -> Iterator[Target]:
    """The OpenAPI document as the WSGI application serves it. Like Django's test client,
    requests keep the test's database connection (and its transaction) open."""
    settings.SUMMITDESK_API_RATE_LIMIT = 1_000_000
    path_ids, bodies = seed()

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        yield Target(schema, path_ids, bodies)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def strategies(target: Target, operation: Any) -> SearchStrategy[schemathesis.Case]:
    """Valid and invalid input anywhere, and valid input aimed at the seeded rows."""
    chosen = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    names = re.findall(r"{(\w+)}", operation.path)
    pinned = {name: target.path_ids[name] for name in names if name in target.path_ids}
    if pinned:
        chosen.append(operation.as_strategy(path_parameters=pinned))
    if operation.label in target.bodies:
        chosen.append(operation.as_strategy(body=target.bodies[operation.label]))
    return st.one_of(chosen)


def fuzz(target: Target, headers: dict[str, str]) -> list[str]:
    """Run every operation's cases; the failures, by operation.

    Driven with Hypothesis directly: schemathesis' pytest integration does not work with
    the installed pytest 9 (it reaches for a private attribute pytest no longer has).
    """
    failures: list[str] = []
    for result in target.schema.get_all_operations():
        operation = result.ok()

        @BOUNDED
        @given(case=strategies(target, operation))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as failure:  # reported once all have run
            found = failure.exceptions if isinstance(failure, BaseExceptionGroup) else [failure]
            failures.extend(f"{operation.label}: {problem}" for problem in found)
    return failures


def test_api_without_a_token(target: Target) -> None:
    if failures := fuzz(target, {}):
        pytest.fail("\n\n".join(failures))


def test_api_with_every_scope(target: Target) -> None:
    headers = {"Authorization": f"Bearer {make_token()}", "If-Match": "*"}

    if failures := fuzz(target, headers):
        pytest.fail("\n\n".join(failures))
