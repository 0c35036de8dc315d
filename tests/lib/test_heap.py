import gc
from collections.abc import Iterator

import pytest

from summitdesk.core.management.commands.serve import Server


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_web_servers_worker_settles_its_heap_once_the_application_is_loaded(
    unfrozen: None,
) -> None:
    assert gc.get_freeze_count() == 0

    Server({"workers": 1}).load()

    assert gc.get_freeze_count() > 10_000  # Django and the application, out of the collector's way
