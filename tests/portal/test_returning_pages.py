"""Returning delegations on the pages: the focal point starts the reply from the delegation
to PrepCom-2 (everyone ticked, one dropped); each returning delegate confirms on their own
page and may reuse their photo; staff do the same on the organisation's behalf; the API and
the exports say who returns, from where, and whether they confirmed."""

import datetime
import re
from dataclasses import replace

import pytest
from django.test import Client
from django.utils import timezone

from summitdesk.accreditation.models import Accreditation
from summitdesk.correspondence.models import Circular
from summitdesk.delegations import queries, services
from summitdesk.delegations.data import PersonData
from summitdesk.delegations.models import Delegate, Reply
from summitdesk.exports import kinds
from summitdesk.exports import services as export_services
from tests.api.conftest import ApiClient, make_token
from tests.conftest import Sink
from tests.delegations.returning_builders import (
    PEOPLE,
    STAFF,
    Process3,
    attended,
    build,
    delegate_link,
)
from tests.factories import MeetingFactory, OrganisationFactory
from tests.portal.builders import plain
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsis() -> Process3:
    return build()


def earlier_ids(wsis: Process3) -> dict[str, int]:
    return {m.family_name: m.pk for m in wsis.earlier_members()}


def copy_from_portal(wsis: Process3, dropped: str = "Volkov") -> None:
    ids = earlier_ids(wsis)
    picked = [str(pk) for name, pk in ids.items() if name != dropped]
    response = Client().post(f"{wsis.url}earlier/", {"from": "prepcom-2", "member": picked})
    assert response.status_code == 302


def submitted(wsis: Process3) -> list[Delegate]:
    data = replace(
        services.reply_data(wsis.reply),
        focal_point=PersonData(family_name="Focal", given_name="Fay", email="fay@example.org"),
    )
    services.save_reply(wsis.reply, data, submit=True, actor=STAFF)
    return list(services.active_delegates(wsis.reply))


def test_focal_point_starts_from_the_earlier_delegation_and_drops_one(wsis: Process3) -> None:
    client = Client()
    page = client.get(wsis.url).content.decode()
    assert f'href="{wsis.url}earlier/"' in page and "Start from an earlier meeting" in page

    choice = client.get(f"{wsis.url}earlier/").content.decode()
    for name in ("Amina Diallo", "Bruno Müller", "Carla Senior", "Dmitri Volkov"):
        assert name in choice
    assert choice.count(" checked>") == 4

    ids = earlier_ids(wsis)
    picked = [str(ids[name]) for name in ("Diallo", "Müller", "Senior")]
    response = client.post(f"{wsis.url}earlier/", {"from": "prepcom-2", "member": picked})
    assert response.status_code == 302 and response["Location"] == wsis.url
    after = client.get(wsis.url).content.decode()
    assert "3 people come again from prepcom-2" in after
    # The form is prefilled; the returning delegates are listed as still to confirm.
    assert 'value="Diallo"' in after and 'value="Volkov"' not in after
    assert 'id="awaiting-confirmation"' in after
    copied = list(services.active_delegates(wsis.reply))
    assert [d.returning_from_id for d in copied] == [ids[n] for n in ("Diallo", "Müller", "Senior")]


def test_copying_into_a_closed_reply_is_refused_and_nothing_changes(wsis: Process3) -> None:
    Circular.objects.filter(reference="DM-3003").update(
        reply_deadline=timezone.now() - datetime.timedelta(days=1)
    )
    client = Client()
    assert "can no longer be changed here" in client.get(f"{wsis.url}earlier/").content.decode()
    ids = list(earlier_ids(wsis).values())
    response = client.post(f"{wsis.url}earlier/", {"from": "prepcom-2", "member": ids})
    assert response.status_code == 400
    assert "The deadline has passed" in response.content.decode()
    assert not wsis.reply.delegates.exists()


def test_another_process_or_organisation_cannot_be_copied(wsis: Process3) -> None:
    other = MeetingFactory(code="other-1", start_date=datetime.date(2001, 1, 1))
    attended(wsis.acme, other, PEOPLE[:1], photo_days_ago=None)
    stranger = attended(OrganisationFactory(name="Stranger"), wsis.prepcom2, PEOPLE[:1])
    client = Client()
    response = client.post(
        f"{wsis.url}earlier/",
        {"from": "other-1", "member": [other.replies.get().delegates.get().pk]},
    )
    # Another process's meeting is no earlier meeting: nothing to start from.
    assert response.status_code == 302
    assert "no earlier delegation" in client.get(wsis.url).content.decode()
    forged = client.post(
        f"{wsis.url}earlier/",
        {"from": "prepcom-2", "member": [str(stranger.delegates.get().pk), "x", "-3", "9" * 30]},
    )
    assert forged.status_code == 400
    assert "Only members of that earlier delegation" in forged.content.decode()
    assert not wsis.reply.delegates.exists()


def test_no_earlier_delegation_offers_nothing(wsis: Process3) -> None:
    wsis.earlier.delegates.all().update(returning_from=None)
    Accreditation.objects.filter(delegate__reply=wsis.earlier).delete()
    wsis.earlier.delegates.all().delete()
    page = Client().get(wsis.url).content.decode()
    assert "Start from an earlier meeting" not in page
    assert Client().get(f"{wsis.url}earlier/").status_code == 302


def test_returning_delegate_confirms_on_their_own_page_reusing_their_photo(
    wsis: Process3,
) -> None:
    copy_from_portal(wsis)
    amina = submitted(wsis)[0]
    url = delegate_link(amina)
    client = Client()
    page = client.get(url).content.decode()
    assert "Are you coming?" in page and "Reuse my photo from PrepCom-2" in page
    assert "confirmation of attendance" in page
    # Identity data is never carried over: the form is empty.
    assert "DIALLO" not in page and "P1234567" not in page

    # The earlier photo, shown to them (and to nobody through the focal point's view).
    earlier_photo = client.get(f"{url}earlier-photo.jpg")
    assert earlier_photo.status_code == 200 and earlier_photo["Content-Type"] == "image/jpeg"
    focal = f"/accreditation/from-reply/{wsis.token}/{amina.pk}/earlier-photo.jpg"
    assert client.get(focal).status_code == 404
    response = client.post(f"{url}confirm/", {"reuse_photo": "yes"})
    assert response.status_code == 302 and response["Location"] == url
    after = client.get(url).content.decode()
    assert "with your earlier photo" in after
    assert "You confirmed that you are coming again after PrepCom-2." in after
    assert 'id="current-photo"' in after and "confirmation of attendance" not in after
    # Once reused (the accreditation has a photo), the earlier one is offered no more.
    assert client.get(f"{url}earlier-photo.jpg").status_code == 404
    accreditation = Accreditation.objects.get(delegate=amina)
    assert accreditation.photo and amina.__class__.objects.get(pk=amina.pk).confirmed_at


def test_returning_delegate_may_refuse_the_photo(wsis: Process3) -> None:
    copy_from_portal(wsis)
    bruno = submitted(wsis)[1]
    url = delegate_link(bruno)
    client = Client()
    assert client.post(f"{url}confirm/", {}).status_code == 302
    after = client.get(url).content.decode()
    assert "you confirmed that you are coming" in after.lower()
    assert not Accreditation.objects.get(delegate=bruno).photo
    # Still offered afterwards, the choice stays theirs.
    assert "Reuse the photo" in after


def test_photo_too_old_is_not_offered(wsis: Process3) -> None:
    copy_from_portal(wsis)
    carla = submitted(wsis)[2]
    Accreditation.objects.filter(delegate=carla.returning_from).update(
        photo_uploaded_at=timezone.now() - datetime.timedelta(days=400)
    )
    url = delegate_link(carla)
    client = Client()
    page = client.get(url).content.decode()
    assert 'id="photo-too-old"' in page and "reuse_photo" not in page
    assert client.get(f"{url}earlier-photo.jpg").status_code == 404
    refused = client.post(f"{url}confirm/", {"reuse_photo": "yes"}, follow=True)
    assert "too old" in refused.content.decode()
    assert not Accreditation.objects.get(delegate=carla).photo
    assert Delegate.objects.get(pk=carla.pk).confirmed_at is None


def test_focal_point_sees_unconfirmed_but_cannot_confirm_for_them(wsis: Process3) -> None:
    copy_from_portal(wsis)
    amina = submitted(wsis)[0]
    page = Client().get(f"/accreditation/from-reply/{wsis.token}/{amina.pk}/").content.decode()
    assert "not confirmed yet" in page and "I confirm that I am coming" not in page
    delegation = Client().get(f"{wsis.url}delegation/").content.decode()
    assert "confirmation of attendance" in delegation
    # The confirmation exists only under the delegate's own link.
    response = Client().post(f"/accreditation/from-reply/{wsis.token}/{amina.pk}/confirm/")
    assert response.status_code == 404
    assert Delegate.objects.get(pk=amina.pk).confirmed_at is None


def test_a_forged_confirmation_link_answers_like_any_unknown_link(wsis: Process3) -> None:
    response = Client().post("/accreditation/not-a-token/confirm/", {"reuse_photo": "yes"})
    assert response.status_code == 404


def test_staff_copy_on_behalf_and_see_who_confirmed(
    wsis: Process3, secretary_client: Client
) -> None:
    base = f"/organisations/{wsis.acme.pk}/replies/prepcom-3/"
    detail = secretary_client.get(base).content.decode()
    assert f'href="{base}earlier/"' in detail
    page = secretary_client.get(f"{base}earlier/").content.decode()
    assert page.count(" checked>") == 4
    ids = earlier_ids(wsis)
    response = secretary_client.post(
        f"{base}earlier/",
        {
            "from": "prepcom-2",
            "version": queries.version(wsis.reply),
            "member": [ids["Diallo"], ids["Volkov"]],
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{base}edit/"
    detail = secretary_client.get(base).content.decode()
    assert detail.count("Returning from prepcom-2") == 2 and "not confirmed yet" in detail
    reply = wsis.reply
    assert reply.entered_on_behalf and reply.delegates.count() == 2


def test_staff_copy_refused_makes_no_reply(wsis: Process3, secretary_client: Client) -> None:
    other = OrganisationFactory(name="Newcomer")
    attended(other, wsis.prepcom2, PEOPLE[:1], photo_days_ago=None)
    base = f"/organisations/{other.pk}/replies/prepcom-3/"
    refused = secretary_client.post(f"{base}earlier/", {"from": "prepcom-2", "version": ""})
    assert refused.status_code == 400
    assert not Reply.objects.filter(organisation=other, meeting=wsis.prepcom3).exists()


def test_staff_page_refuses_what_cannot_be_copied(wsis: Process3, secretary_client: Client) -> None:
    base = f"/organisations/{wsis.acme.pk}/replies/prepcom-3/"
    nothing = secretary_client.post(f"{base}earlier/", {"from": "prepcom-2", "version": ""})
    assert nothing.status_code == 400 and "Tick at least one" in nothing.content.decode()
    other = secretary_client.post(f"{base}earlier/", {"from": "nowhere", "member": ["1"]})
    assert other.status_code == 400
    ids = list(earlier_ids(wsis).values())
    stale = secretary_client.post(
        f"{base}earlier/", {"from": "prepcom-2", "version": "stale", "member": ids}
    )
    assert stale.status_code == 400 and "changed while you were choosing" in stale.content.decode()
    assert not wsis.reply.delegates.exists()


def test_api_and_exports_say_who_returns_and_whether_they_confirmed(wsis: Process3) -> None:
    copy_from_portal(wsis)
    amina, bruno, _carla = submitted(wsis)
    Delegate.objects.filter(pk=amina.pk).update(confirmed_at=timezone.now())
    api = ApiClient(make_token())
    reply = api.get(f"/replies/{wsis.reply.pk}").json()
    shown = {d["family_name"]: (d["returning_from"], d["confirmed"]) for d in reply["delegates"]}
    assert shown == {
        "Diallo": ("prepcom-2", True),
        "Müller": ("prepcom-2", False),
        "Senior": ("prepcom-2", False),
    }
    earlier = api.get(f"/replies/{wsis.earlier.pk}").json()
    assert {(d["returning_from"], d["confirmed"]) for d in earlier["delegates"]} == {(None, None)}
    accreditation = Accreditation.objects.get(delegate=bruno)
    one = api.get(f"/accreditations/{accreditation.pk}").json()
    assert (one["delegate"]["returning_from"], one["delegate"]["confirmed"]) == ("prepcom-2", False)

    kind = kinds.KINDS["delegates"]
    chosen, header = export_services.columns(kind, identity=False)
    rows = list(kind.cells(kinds.parse_filters(kind, {"meeting": ["prepcom-3"]}), chosen))
    at = header.index("Returning from")
    assert [(r[at], r[at + 1]) for r in rows] == [
        ("prepcom-2", "yes"),
        ("prepcom-2", "no"),
        ("prepcom-2", "no"),
    ]


def test_returning_delegate_is_asked_by_email_to_confirm_through_their_link(
    wsis: Process3, smtp: Sink
) -> None:
    copy_from_portal(wsis)
    submitted(wsis)
    run_queued_tasks()
    received = {m.message["To"]: plain(m.message) for m in smtp.received}
    body = received["amina@acme.example.org"]
    assert "You were in the delegation to \u2068PrepCom-2\u2069: on your page, confirm" in body
    [token] = re.findall(r"/accreditation/([\w-]+)/", body)
    client = Client()
    assert "Are you coming?" in client.get(f"/accreditation/{token}/").content.decode()
    assert (
        client.post(f"/accreditation/{token}/confirm/", {"reuse_photo": "yes"}).status_code == 302
    )
    assert Delegate.objects.get(email="amina@acme.example.org", reply=wsis.reply).confirmed_at
