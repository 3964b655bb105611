"""The deck format as pydantic models: a Deck and its eight card types.

Every model forbids unknown keys and is frozen. Cards are told apart by ``type`` (a
discriminated union). Checks that span fields (an answer index inside the options, no option
twice, a known generator) raise ``PydanticCustomError`` whose context carries ``subloc``: the
path below the model where the problem is, so the loader can point at the exact line and column.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from studyrnn import limits
from studyrnn.untrusted import forbidden_char, lookalike_key, one_line

DECK_ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
CARD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
FORMAT_VERSION = 1
MAX_RTOL = 0.5  # a wider band would accept answers off by a factor of 2 or more


def problem(message: str, *subloc: str | int) -> PydanticCustomError:
    """A validation error at ``subloc`` below the model raising it (see the module docstring)."""
    return PydanticCustomError(
        "deck_rule", "{message}", {"message": message, "subloc": tuple(subloc)}
    )


def _as_text(value: Any) -> Any:
    """Numbers are fine where text is expected (``answers: [42]``); keep the YAML spelling."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return getattr(value, "source", None) or str(value)
    return value


def _not_bool(value: Any) -> Any:
    """``true`` is not the number 1 in a deck."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "bool_not_number", "expected a number, got {value}", {"value": str(value).lower()}
        )
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be empty")
    return value


def _no_control(value: str) -> str:
    """Deck text holds no control characters, bidi overrides or noncharacters (see
    ``studyrnn.untrusted.forbidden_char``): they would reach a terminal or a database raw."""
    index = forbidden_char(value)
    if index is not None:
        raise PydanticCustomError(
            "control_character",
            "holds the control character {char} at character {index}",
            {"char": value[index], "index": index + 1},
        )
    return value


def _quoted(value: object) -> str:
    """A deck value as a message quotes it: one line, shortened."""
    return one_line(value, limits.QUOTE_WIDTH)


# Required text: numbers accepted as their YAML spelling, never empty or only spaces.
Text = Annotated[
    str,
    StringConstraints(min_length=1),
    BeforeValidator(_as_text),
    AfterValidator(_not_blank),
    AfterValidator(_no_control),
]
Tag = Annotated[Text, Field(max_length=limits.MAX_TAG)]
Title = Annotated[Text, Field(max_length=limits.MAX_TITLE)]


def _few_lines(value: str) -> str:
    lines = sum(1 for line in value.splitlines() if line.strip())
    if lines > limits.MAX_NOTES_LINES:
        raise PydanticCustomError(
            "too_many_lines",
            "has {lines} non-blank lines; at most {max_lines} are allowed",
            {"lines": lines, "max_lines": limits.MAX_NOTES_LINES},
        )
    return value


# Notes render in one piece in the TUI; the bounds keep that fast (see docs/authoring.md).
Notes = Annotated[
    str,
    StringConstraints(max_length=limits.MAX_NOTES_CHARS),
    BeforeValidator(_as_text),
    AfterValidator(_no_control),
    AfterValidator(_few_lines),
]
# Optional text (explanation, source, unit): may be absent, not empty when given.
OptText = Union[Text, None]
Number = Annotated[float, BeforeValidator(_not_bool)]
Index = Annotated[int, BeforeValidator(_not_bool)]
CardId = Annotated[
    str,
    StringConstraints(pattern=CARD_ID_PATTERN, max_length=limits.MAX_CARD_ID),
    BeforeValidator(_as_text),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tolerance(_Model):
    """How close a numeric answer must be: ``rtol``/``atol`` (|given - expected| <= atol +
    rtol * |expected|), or ``sigfigs`` (equal when both are rounded to that many significant
    figures). Not both."""

    rtol: Annotated[
        Number | None,
        Field(
            default=None,
            ge=0,
            le=MAX_RTOL,
            allow_inf_nan=False,
            description=f"Relative tolerance (default 1e-2; at most {MAX_RTOL}).",
        ),
    ]
    atol: Annotated[
        Number | None,
        Field(
            default=None,
            ge=0,
            allow_inf_nan=False,
            description="Absolute tolerance (default 1e-8; at most the answer's size, or 1).",
        ),
    ]
    sigfigs: Annotated[
        Index | None,
        Field(default=None, ge=1, le=17, description="Compare to this many significant figures."),
    ]

    @model_validator(mode="after")
    def _one_kind(self) -> Tolerance:
        if self.sigfigs is not None and (self.rtol is not None or self.atol is not None):
            raise problem("give either rtol/atol or sigfigs, not both")
        if self.sigfigs is None and self.rtol is None and self.atol is None:
            raise problem("a tolerance needs rtol and/or atol, or sigfigs")
        return self


class _CardBase(_Model):
    id: CardId = Field(
        description="Stable id, unique in the deck: progress is keyed by deck id + card id."
    )
    type: str
    explanation: OptText = Field(
        default=None, description="Shown after answering: why the answer is right."
    )
    tags: list[Tag] = Field(default_factory=list, description="Free-form tags for filtering.")
    source: OptText = Field(
        default=None, description='Where the fact comes from, e.g. "GBC §10.2".'
    )


def _option_index(options: Any, answer: Any, where: tuple[str | int, ...]) -> Any:
    """Turn an answer given as an option's text into its index (ints are indexes already)."""
    if isinstance(answer, bool) or not isinstance(options, list):
        return answer
    texts = [_as_text(o) for o in options]
    spelled = _as_text(answer) if isinstance(answer, float) else answer
    if not isinstance(spelled, str):
        return answer
    if spelled in texts:
        return texts.index(spelled)
    if spelled.strip().isdigit():
        return answer  # a quoted index: pydantic reads it as the int
    strings = [t for t in texts if isinstance(t, str)]
    # difflib is quadratic in the text's length: no suggestion for a long answer
    close = (
        difflib.get_close_matches(spelled, strings, n=1, cutoff=0.6) if len(spelled) < 200 else []
    )
    hint = (
        f"; did you mean '{_quoted(close[0])}'?"
        if close
        else " (give the option's exact text or its index, from 0)"
    )
    raise problem(f"answer '{_quoted(spelled)}' is not one of the options{hint}", *where)


def _check_distinct(texts: list[str], word: str) -> None:
    """No two options (or items) that a reader cannot tell apart: equal after NFKC, case
    folding, dropping invisible characters and mapping look-alike letters (``lookalike_key``)."""
    seen: dict[str, int] = {}
    for i, text in enumerate(texts):
        key = lookalike_key(text)
        if key in seen:
            j = seen[key]
            same = "appears twice" if texts[j] == text else f"looks the same as {word} {j}"
            raise problem(f"{word} '{_quoted(text)}' {same} ({word}s {j} and {i})", f"{word}s", i)
        seen[key] = i


def _check_options(options: list[str]) -> None:
    _check_distinct(options, "option")


def _check_index(index: int, n: int, *where: str | int, word: str = "answer") -> None:
    if not 0 <= index < n:
        raise problem(f"{word} {index} is out of range ({n} options, numbered from 0)", *where)


class FlashcardCard(_CardBase):
    """A front and a back; the learner reveals the back and rates themselves."""

    type: Literal["flashcard"] = "flashcard"
    front: Text = Field(description="The question side.")
    back: Text = Field(description="The answer side.")


class ChoiceCard(_CardBase):
    """One right option among several."""

    type: Literal["choice"] = "choice"
    prompt: Text
    options: list[Text] = Field(min_length=2, description="The options, shown in this order.")
    answer: Annotated[
        Index, BeforeValidator(lambda v: v, json_schema_input_type=Union[int, str])
    ] = Field(description="The right option: its index (from 0) or its exact text.")

    @model_validator(mode="before")
    @classmethod
    def _answer_by_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and "answer" in data:
            index = _option_index(data.get("options"), data["answer"], ("answer",))
            if index is not data["answer"]:
                data = {**data, "answer": index}
        return data

    @model_validator(mode="after")
    def _check(self) -> ChoiceCard:
        _check_options(self.options)
        _check_index(self.answer, len(self.options), "answer")
        return self


class MultiCard(_CardBase):
    """Every right option among several ("select all that apply")."""

    type: Literal["multi"] = "multi"
    prompt: Text
    options: list[Text] = Field(min_length=2, description="The options, shown in this order.")
    answers: list[
        Annotated[Index, BeforeValidator(lambda v: v, json_schema_input_type=Union[int, str])]
    ] = Field(min_length=1, description="The right options: indexes (from 0) or exact texts.")

    @model_validator(mode="before")
    @classmethod
    def _answers_by_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("answers"), list):
            answers = data["answers"]
            fixed = [
                _option_index(data.get("options"), a, ("answers", i)) for i, a in enumerate(answers)
            ]
            if any(f is not a for f, a in zip(fixed, answers)):
                data = {**data, "answers": fixed}
        return data

    @model_validator(mode="after")
    def _check(self) -> MultiCard:
        _check_options(self.options)
        seen: set[int] = set()
        for i, index in enumerate(self.answers):
            _check_index(index, len(self.options), "answers", i)
            if index in seen:
                raise problem(f"answer {index} is listed twice", "answers", i)
            seen.add(index)
        return self


class TrueFalseCard(_CardBase):
    """A statement the learner marks true or false."""

    type: Literal["true_false"] = "true_false"
    statement: Text
    answer: bool = Field(description="Whether the statement is true.")


class OrderCard(_CardBase):
    """Items to put in order; listed here in the correct order, shown shuffled."""

    type: Literal["order"] = "order"
    prompt: Text
    items: list[Text] = Field(min_length=2, description="The items in the correct order.")

    @model_validator(mode="after")
    def _check(self) -> OrderCard:
        _check_distinct(self.items, "item")
        return self


class Mistake(_Model):
    """A typical wrong answer to a numeric card and the feedback a learner gets for it."""

    answer: Annotated[
        Number, Field(allow_inf_nan=False, description="The number the wrong method gives.")
    ]
    feedback: Text = Field(
        description="Names the mistake and says the fix, e.g. 'that is the sum; divide by T'."
    )
    id: Annotated[
        str | None,
        StringConstraints(pattern=CARD_ID_PATTERN, max_length=100),
        Field(description="A name for reports (default mistake-1, mistake-2, ...)."),
    ] = None

    @property
    def value(self) -> float:
        return self.answer


class NumericCard(_CardBase):
    """A number to type; graded with a tolerance."""

    type: Literal["numeric"] = "numeric"
    prompt: Text
    answer: Annotated[Number, Field(allow_inf_nan=False, description="The exact answer.")]
    tolerance: Tolerance | None = Field(
        default=None, description="How close counts as right (default rtol 1e-2, atol 1e-8)."
    )
    unit: OptText = Field(
        default=None, description="Unit shown after the answer, e.g. 's' or 'MB'."
    )
    mistakes: list[Mistake] = Field(
        default_factory=list,
        exclude_if=lambda v: not v,  # a dump (JSON/YAML export) leaves an empty list out
        description="Typical wrong answers, each outside the tolerance, with feedback naming them.",
    )

    @model_validator(mode="after")
    def _check(self) -> NumericCard:
        from studyrnn.tolerance import NumericRule

        tol = self.tolerance
        if tol is not None and tol.atol is not None:
            # as wide as the answer itself at most: Moodle's own 3 ± 2 ('a number from 1 to 5')
            # passes; a band that makes every answer right does not
            limit = max(abs(self.answer), 1.0)
            if tol.atol > limit:
                raise problem(
                    f"tolerance atol {tol.atol:g} is too wide for the answer {self.answer:g} "
                    f"(at most {limit:g})",
                    "tolerance",
                    "atol",
                )
        rule = NumericRule.from_tolerance(tol)
        seen: set[str] = set()
        for i, m in enumerate(self.mistakes):
            if rule.matches(m.answer, self.answer):
                raise problem(
                    f"mistake answer {m.answer:g} is inside the tolerance of the answer "
                    f"{self.answer:g}: a learner giving it would be graded right",
                    "mistakes",
                    i,
                    "answer",
                )
            name = m.id or f"mistake-{i + 1}"
            if name in seen:
                raise problem(f"mistake id '{name}' appears twice", "mistakes", i, "id")
            seen.add(name)
        return self


class TextCard(_CardBase):
    """A short text answer compared with the accepted answers."""

    type: Literal["text"] = "text"
    prompt: Text
    answers: list[Text] = Field(min_length=1, description="Every accepted answer.")
    match: Literal["exact", "casefold", "fuzzy"] = Field(
        default="casefold",
        description="exact, casefold (ignore case and surrounding spaces) or fuzzy (small typos).",
    )


class GeneratedCard(_CardBase):
    """A numeric question drawn fresh from a generator at every review."""

    type: Literal["generated"] = "generated"
    generator: Text = Field(description="The generator's name (see `studyrnn generate --list`).")
    params: dict[str, Any] = Field(
        default_factory=dict, description="Fixed params for the generator."
    )
    prompt: OptText = Field(
        default=None, description="Optional lead-in text shown before the question."
    )

    @model_validator(mode="after")
    def _check(self) -> GeneratedCard:
        from studyrnn.decks.generators import generator_problem

        found = generator_problem(self.generator, self.params)
        if found is not None:
            where, message = found
            raise problem(message, *where)
        return self


CARD_MODELS: dict[str, type[_CardBase]] = {
    "flashcard": FlashcardCard,
    "choice": ChoiceCard,
    "multi": MultiCard,
    "true_false": TrueFalseCard,
    "order": OrderCard,
    "numeric": NumericCard,
    "text": TextCard,
    "generated": GeneratedCard,
}
CARD_TYPES: tuple[str, ...] = tuple(CARD_MODELS)

Card = Annotated[
    FlashcardCard
    | ChoiceCard
    | MultiCard
    | TrueFalseCard
    | OrderCard
    | NumericCard
    | TextCard
    | GeneratedCard,
    Field(discriminator="type"),
]


class Deck(_Model):
    """A deck: study notes and the cards that quiz them. ``path`` is the file it came from."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="studyrnn deck",
        json_schema_extra={
            "description": "A studyrnn deck (format version 1). See `studyrnn new` for a starter."
        },
    )

    version: Literal[1] = Field(default=1, description="Deck format version; only 1 exists.")
    id: Annotated[
        str, StringConstraints(pattern=DECK_ID_PATTERN, max_length=limits.MAX_DECK_ID)
    ] = Field(
        description="Stable deck id: lowercase letters, digits and hyphens. Progress is keyed by it."
    )
    title: Title
    language: Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)] = Field(
        default="en", description="BCP 47 language tag, e.g. en, de, pt-BR."
    )
    notes: Notes = Field(default="", description="Markdown study notes, read before quizzing.")
    cards: list[Card] = Field(min_length=1, description="The cards; ids unique in the deck.")

    _path: Path | None = PrivateAttr(default=None)
    _positions: Any = PrivateAttr(default=None)  # yamlsafe.Positions, when loaded from YAML
    _index: dict[str, Any] | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _generator_language(cls, data: Any) -> Any:
        """A generated card of a deck in another language than English gets that language as its
        generator's ``language`` param, where the generator writes that language and the card
        does not set it: a German deck's generated questions come out in German."""
        if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
            return data
        language = data.get("language")
        if not isinstance(language, str) or language.split("-")[0].lower() in ("", "en"):
            return data
        from studyrnn.decks.generators import generator_languages

        primary = language.split("-")[0].lower()
        cards = []
        for card in data["cards"]:
            if (
                isinstance(card, dict)
                and card.get("type") == "generated"
                and isinstance(card.get("generator"), str)
                and isinstance(card.get("params", {}), dict)
                and "language" not in card.get("params", {})
                and primary in generator_languages(card["generator"])
            ):
                card = {**card, "params": {**card.get("params", {}), "language": primary}}
            cards.append(card)
        return {**data, "cards": cards}

    @model_validator(mode="after")
    def _unique_card_ids(self) -> Deck:
        seen: dict[str, int] = {}
        for i, card in enumerate(self.cards):
            if card.id in seen:
                raise problem(duplicate_card_message(card.id, seen[card.id]), "cards", i, "id")
            seen[card.id] = i
        return self

    @property
    def path(self) -> Path | None:
        """The file this deck was loaded from (None when built in code or from a string)."""
        return self._path

    def card(self, card_id: str) -> Card:
        """The card with this id; ``UnknownCard`` (a KeyError and a UsageError) if none."""
        if self._index is None:
            self._index = {c.id: c for c in self.cards}
        try:
            return self._index[card_id]
        except KeyError:
            from studyrnn.decks.errors import UnknownCard

            close = difflib.get_close_matches(str(card_id), list(self._index), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise UnknownCard(f"deck '{self.id}' has no card '{_quoted(card_id)}'{hint}") from None

    def location(self, *where: str | int) -> tuple[int, int] | None:
        """``(line, col)`` (1-based) where a value starts in the deck's YAML, e.g.
        ``deck.location("cards", 3, "answer")``; None when unknown (a deck built in code)."""
        return self._positions.value(tuple(where)) if self._positions is not None else None

    def card_location(self, card_id: str) -> tuple[int, int] | None:
        """``(line, col)`` (1-based) where the card starts in its file, when loaded from YAML."""
        for i, card in enumerate(self.cards):
            if card.id == card_id:
                return self.location("cards", i)
        return None


def duplicate_card_message(card_id: str, first_index: int) -> str:
    return f"duplicate card id '{_quoted(card_id)}' (first used by card #{first_index + 1})"
