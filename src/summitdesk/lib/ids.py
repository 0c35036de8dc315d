"""Ids in URLs and API input: whole numbers the database can hold.

Primary keys are 64-bit signed integers. A larger number typed into a URL or sent to the
API matches no row, but handing it to the database raises an overflow error (a server
error) instead of finding nothing; so ids are bounded where they come in.
"""

from django.urls import register_converter

#: The largest id a 64-bit signed primary key can hold.
MAX_ID = 2**63 - 1


class IdConverter:
    """`<id:pk>` in a URL: like `<int:pk>`, but a number beyond MAX_ID matches nothing
    (so it is the same 404 as any unknown id)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(value)  # Django reads this as "no match"
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")


def parse_id(value: str) -> int:
    """An id posted in a form, as a number the database can hold; ValueError otherwise."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number
