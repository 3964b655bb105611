"""Translatable wording without a translator: messages that are their English text and keep
their template and fields, so a front end can show them in a deck's language.

Stdlib only and at the bottom of the layers: grading builds verdict messages with it and the
tolerance rules describe themselves with it, neither knowing about languages or catalogues.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def N_(message: str) -> str:
    """Mark a template for the catalogue (``studyrnn.i18n`` stays out of grading)."""
    return message


class Message(str):
    """A verdict's wording: the English text (it *is* that ``str``), and the template and fields
    it was made from, so a front end can show it in a deck's language without grading knowing
    about languages: ``Message("you gave {given}", given="0.3").translated(de)``.

    Fields that are Messages themselves are translated too; other fields (deck text, numbers)
    are shown as given. The templates are msgids of the UI catalogue.
    """

    template: str
    fields: dict[str, Any]

    def __new__(cls, template: str, **fields: Any) -> Message:
        self = super().__new__(cls, template.format(**fields) if fields else template)
        self.template = template
        self.fields = fields
        return self

    def translated(self, gettext: Callable[[str], str]) -> str:
        fields = {k: wording(v, gettext) for k, v in self.fields.items()}
        return gettext(self.template).format(**fields) if fields else gettext(self.template)


def wording(message: Any, gettext: Callable[[str], str]) -> Any:
    """``message`` in the language of ``gettext`` when it is a Message; anything else as given."""
    return message.translated(gettext) if isinstance(message, Message) else message
