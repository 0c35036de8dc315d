"""The API tests' fixtures, for the venue's API tests."""

from tests.api.conftest import api_for

__all__ = ["api_for"]
