"""Ids in page URLs beyond what a 64-bit primary key holds: the same 404 as an unknown id,
never a server error (one `<id:...>` converter serves every route)."""

import pytest
from django.test import Client

from summitdesk.lib.ids import MAX_ID
from tests.portal.builders import delegation_url, submit
from tests.portal.conftest import Invited

pytestmark = pytest.mark.django_db

HUGE = 2**64


def test_portal_delegate_id_beyond_64_bits_is_not_found(acme: Invited) -> None:
    submit(acme)

    response = Client().get(f"{delegation_url(acme)}{HUGE}/withdraw/")

    assert response.status_code == 404


def test_portal_delegate_id_at_the_bound_is_not_found(acme: Invited) -> None:
    submit(acme)

    response = Client().get(f"{delegation_url(acme)}{MAX_ID}/withdraw/")

    assert response.status_code == 404


def test_backoffice_id_beyond_64_bits_is_not_found(admin_client: Client) -> None:
    response = admin_client.get(f"/organisations/{HUGE}/")

    assert response.status_code == 404
