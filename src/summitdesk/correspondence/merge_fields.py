"""Merge fields in a circular's subject and body: `{{ organisation }}` and its kin.

The language is deliberately tiny: a fixed list of names, nothing else. An unknown name
or a stray brace is an error shown before anything is sent. Values are plain text; each
output (PDF, email, HTML page) escapes them as it does all text, so no value can become
markup.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELDS = {
    "organisation": gettext_lazy("the organisation's name"),
    "acronym": gettext_lazy("the organisation's acronym"),
    "chief_executive": gettext_lazy("the chief executive's title and name"),
    "chief_executive_title": gettext_lazy("the chief executive's title (Mr, Dr, H.E.)"),
    "chief_executive_name": gettext_lazy("the chief executive's given and family name"),
    "country": gettext_lazy("the organisation's country"),
    "reply_link": gettext_lazy("the personal reply link"),
    "deadline": gettext_lazy("the reply deadline, with its time zone"),
    "reference": gettext_lazy("the circular's reference"),
    "meeting": gettext_lazy("the meeting's title"),
}

_FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


@dataclass(frozen=True)
class MergeFieldProblem:
    name: str
    message: str


def problems(text: str) -> list[MergeFieldProblem]:
    """Everything wrong with the merge fields of `text`, in order; empty when all is well."""
    found = []
    for match in _FIELD.finditer(text):
        name = match.group(1)
        if name not in FIELDS:
            found.append(
                MergeFieldProblem(
                    name,
                    _("Unknown merge field {{ %(name)s }}. Known fields: %(known)s.")
                    % {"name": name, "known": ", ".join(FIELDS)},
                )
            )
    leftover = _FIELD.sub("", text)
    if "{{" in leftover or "}}" in leftover:
        found.append(
            MergeFieldProblem("", _("A merge field is not closed: write it as {{ organisation }}."))
        )
    return found


def merge(text: str, values: dict[str, str]) -> str:
    """`text` with each field replaced by its value (call `problems` first)."""
    return _FIELD.sub(lambda match: values.get(match.group(1), match.group(0)), text)
