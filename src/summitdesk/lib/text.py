"""Folding text for search and duplicate detection, the same way in every script."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)

# Letters that carry no combining mark in Unicode but that people type without the stroke.
_PLAIN_LETTERS = str.maketrans(
    {
        "\u00f8": "o",  # o with stroke
        "\u0111": "d",  # d with stroke
        "\u0142": "l",  # l with stroke
        "\u00df": "ss",  # sharp s
        "\u00e6": "ae",
        "\u0153": "oe",
        "\u0131": "i",  # dotless i
        "\u0640": "",  # Arabic tatweel, a stretching stroke with no meaning
    }
)


def fold(text: str) -> str:
    """Lower case without accents or marks: "Télécom" -> "telecom", "Ростелеком" -> "ростелеком".

    Combining marks (Latin accents, the Cyrillic breve, Arabic vowel signs) are removed
    after compatibility decomposition; Chinese is left as it is.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).translate(_PLAIN_LETTERS)


def search_words(query: str) -> list[str]:
    """The folded words of a search query, punctuation dropped."""
    return [word for word in _NOT_WORD.split(fold(query)) if word]


def search_document(*parts: str) -> str:
    """Text stored beside a record and matched against `search_words`."""
    return " ".join(" ".join(search_words(part)) for part in parts if part)


def name_key(name: str) -> str:
    """A name reduced to its letters and digits, to spot the same name written differently."""
    return "".join(search_words(name))
