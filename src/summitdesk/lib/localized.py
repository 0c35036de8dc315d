"""Names of things in the six languages: a meeting's title, a process's name.

The English name is the model's own field (`Meeting.title`), which every other language
falls back to; the others sit beside it in a JSON field named after it
(`Meeting.title_translations`), {language: text} with the directory's language codes
(fr, es, ar, ru, zh), entered by staff. One accessor reads them, `localized(obj, "title")`,
in the active language unless given one, and the template filter of the same name
(`{{ meeting|localized:"title" }}`, core/templatetags/summitdesk.py) calls it.

What is translated by the catalogues (enum labels such as categories and stakeholder
groups) does not come here: those are gettext strings.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

#: English is the field itself; these are the other five, as the directory codes them.
TRANSLATED_LANGUAGES = ("fr", "es", "ar", "ru", "zh")


def language_key(language: str | None = None) -> str:
    """The directory's code of `language` (Django's "zh-hans" is "zh"); the active one
    when None."""
    code = (language or translation.get_language() or "en").lower().replace("_", "-")
    return code.split("-")[0]


def translations_field(field: str) -> str:
    return f"{field}_translations"


def localized(obj: object, field: str, language: str | None = None) -> str:
    """`obj.<field>` in `language` (the active one when None), else the English."""
    english = str(getattr(obj, field))
    key = language_key(language)
    if key == "en":
        return english
    translations = getattr(obj, translations_field(field), None)
    if not isinstance(translations, Mapping):
        return english
    text = translations.get(key)
    if isinstance(text, str) and text.strip():
        return text.strip()
    return english


def cleaned(translations: Mapping[str, object]) -> dict[str, str]:
    """{language: text} kept to the five languages, texts trimmed, empty ones left out."""
    return {
        language: str(translations[language]).strip()
        for language in TRANSLATED_LANGUAGES
        if isinstance(translations.get(language), str) and str(translations[language]).strip()
    }


class TranslationsValidator:
    """A translations field holds {language: text} for the five languages, each text no
    longer than the English field allows."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __call__(self, value: object) -> None:
        if not isinstance(value, Mapping):
            raise ValidationError(_("Translations must map a language to a text."))
        for language, text in value.items():
            if language not in TRANSLATED_LANGUAGES:
                raise ValidationError(
                    _("%(language)s is not one of the languages translated: %(languages)s.")
                    % {"language": language, "languages": ", ".join(TRANSLATED_LANGUAGES)}
                )
            if not isinstance(text, str):
                raise ValidationError(_("Each translation must be a text."))
            if len(text) > self.max_length:
                raise ValidationError(
                    _("The %(language)s text is longer than %(limit)d characters.")
                    % {"language": language, "limit": self.max_length}
                )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TranslationsValidator) and other.max_length == self.max_length

    def __hash__(self) -> int:
        return hash(self.max_length)

    def deconstruct(self) -> tuple[str, tuple[int], dict[str, object]]:
        return ("summitdesk.lib.localized.TranslationsValidator", (self.max_length,), {})
