"""One rule decides whether an organisation's letter can go by email: the query and the
single-organisation form agree, and the audience table shows the same."""

from typing import Any

import pytest

from summitdesk.backoffice.views.circulars import with_delivery
from summitdesk.correspondence import services
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation, Position
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db


def _made(name: str, *, own: str, ceo: str | None, focal: str = "") -> Organisation:
    organisation: Organisation = OrganisationFactory(name=name, email=own)
    if ceo is not None:
        PositionFactory(
            organisation=organisation,
            role=PositionRole.CHIEF_EXECUTIVE,
            person=PersonFactory(email=ceo),
        )
    if focal:
        PositionFactory(
            organisation=organisation,
            role=PositionRole.FOCAL_POINT,
            person=PersonFactory(email=focal),
        )
    return organisation


def _by_recipients(organisation: Organisation) -> bool:
    people = {
        position.role: position
        for position in Position.objects.filter(organisation=organisation).select_related("person")
    }
    to, _cc = services.recipients(organisation, people)
    return bool(to)


def test_letter_goes_by_email_by_the_same_rule_everywhere() -> None:
    _made("Ceo mail", own="", ceo="ceo@a.example")
    _made("Own mail", own="info@b.example", ceo="")
    _made("Both", own="info@c.example", ceo="ceo@c.example", focal="focal@c.example")
    _made("Ceo without mail", own="", ceo="")
    _made("No ceo", own="", ceo=None)
    _made("Focal point only", own="", ceo="", focal="focal@f.example")
    everyone = Organisation.objects.order_by("name")

    by_query = set(
        everyone.filter(services.organisations_with_email()).values_list("name", flat=True)
    )
    annotated: list[Any] = list(with_delivery(everyone))  # by_email is an annotation
    by_annotation = {o.name for o in annotated if o.by_email}
    by_recipients = {o.name for o in everyone if _by_recipients(o)}

    assert by_query == by_annotation == by_recipients == {"Both", "Ceo mail", "Own mail"}
    assert everyone.filter(services.organisations_with_email()).count() == 3
