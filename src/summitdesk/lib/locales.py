"""The reader's language as the Unicode CLDR describes it (through Babel): lists of items
joined with the language's own separators ("A, B and C", "A وB وC", "A、B和C").

Django's language codes are mapped to CLDR's here, once; the language is the active one
(django.utils.translation) unless a caller names another.
"""

from collections.abc import Iterable
from functools import cache
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from django.utils.translation import get_language

__all__ = ["FSI", "PDI", "cldr_locale", "isolate", "join_list"]

#: Django's codes that CLDR spells otherwise. English is the secretariat's British English
#: (no serial comma: "A, B and C").
_CLDR_CODES = {"en": "en_GB", "zh-hans": "zh_Hans", "zh": "zh_Hans"}

ListStyle = Literal["standard", "or", "unit", "unit-narrow"]

#: FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: what <bdi> is to HTML, in plain text.
FSI = "\u2068"
PDI = "\u2069"


def cldr_locale(language: str | None = None) -> Locale:
    """The CLDR locale of Django's language code `language` (the active language if
    None); English for a code CLDR does not know."""
    return _locale((language or get_language() or "en").lower())


@cache
def _locale(code: str) -> Locale:
    try:
        return Locale.parse(_CLDR_CODES.get(code, code.replace("-", "_")))
    except (ValueError, LookupError, UnknownLocaleError):
        return Locale.parse(_CLDR_CODES["en"])


def join_list(
    items: Iterable[object], *, style: ListStyle = "standard", language: str | None = None
) -> str:
    """`items` as one phrase in the reader's language: "and" between the last two
    (`style="or"`: "or"), the language's comma between the others. "" for no items."""
    texts = [str(item) for item in items]
    if not texts:
        return ""
    return format_list(texts, style=style, locale=cldr_locale(language))


def isolate(text: str) -> str:
    """`text` isolated for direction in plain text (FSI ... PDI): its own first strong
    letter sets its direction, and the sentence around it keeps its order and punctuation
    ("Dear <Arabic name>," in English, a Latin name in Arabic). "" stays ""."""
    return f"{FSI}{text}{PDI}" if text else ""
