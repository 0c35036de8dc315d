"""The demo's returning delegations: PrepCom-2 delegations copied into PrepCom-3's replies,
some of their delegates confirmed (one reusing their photo), others not yet."""

import pytest
from pytest_django.fixtures import Settings

from summitdesk.accreditation import completeness
from summitdesk.accreditation.models import Accreditation
from summitdesk.delegations.models import Delegate, Reply, in_delegation
from tests.conftest import Demo


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_has_prepcom_3_delegations_copied_from_prepcom_2(demo: Demo) -> None:
    returning = Delegate.objects.filter(reply__meeting__code="prepcom-3").exclude(
        returning_from=None
    )
    replies = Reply.objects.filter(delegates__in=returning).distinct()

    assert replies.count() == 3
    assert {r.state for r in replies} == {"submitted"}
    assert set(returning.values_list("returning_from__reply__meeting__code", flat=True)) == {
        "prepcom-2"
    }
    confirmed = returning.exclude(confirmed_at=None)
    assert 0 < confirmed.count() < returning.count()
    # Each copied delegation dropped one name of the earlier one.
    for reply in replies:
        earlier = Reply.objects.get(organisation=reply.organisation, meeting__code="prepcom-2")
        assert reply.delegates.count() == earlier.delegates.filter(in_delegation()).count() - 1
    # Nothing of the identity document came with them.
    later = Accreditation.objects.filter(delegate__in=returning)
    assert later.count() == returning.count()
    assert not later.exclude(document_number="").exists()
    assert not later.exclude(date_of_birth=None).exists()
    # A confirmed delegate reused their recent photo, under a name of its own.
    reused = later.exclude(photo="").select_related("delegate__returning_from__accreditation")
    assert reused.exists()
    for accreditation in reused:
        source = accreditation.delegate.returning_from
        assert source is not None
        earlier_photo = source.accreditation.photo.name
        assert accreditation.photo.name != earlier_photo
    waiting = later.filter(delegate__confirmed_at=None).select_related("delegate")
    assert all("confirmed" in completeness.missing_names(a) for a in waiting)
