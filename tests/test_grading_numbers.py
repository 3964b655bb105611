"""Typed numbers: what the parser accepts and refuses, tolerances and significant figures."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from studyrnn.errors import StudyrnnError
from studyrnn.grading import (
    NotANumber,
    NumericRule,
    format_sigfigs,
    matches_sigfigs,
    parse_number,
    within_tolerance,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.3", 0.3),
        (".3", 0.3),
        ("3.", 3.0),
        ("3", 3.0),
        ("3e-1", 0.3),
        ("3E-01", 0.3),
        ("3e+2", 300.0),
        ("3/10", 0.3),
        ("-0.3", -0.3),
        ("+0.3", 0.3),
        ("\u22120.3", -0.3),  # Unicode minus sign
        ("\u20130.3", -0.3),  # en dash, as word processors substitute it
        ("\uff0d0.3", -0.3),  # full-width hyphen-minus
        ("3e\u22121", 0.3),  # Unicode minus in the exponent
        ("  0.3  ", 0.3),
        ("\t0.3\n", 0.3),
        ("\u00a00.3\u2009", 0.3),  # no-break and thin spaces around
        ("- 0.3", -0.3),
        ("3 / 10", 0.3),
        ("\u22123/10", -0.3),
        ("3/-10", -0.3),
        ("-3/-10", 0.3),
        ("1.5/3", 0.5),
        ("1e-3/2", 0.0005),
        ("3\u204410", 0.3),  # fraction slash
        ("0", 0.0),
        ("-0", 0.0),
        ("007", 7.0),
        ("1e-400", 0.0),  # underflows to zero: still a finite number
    ],
)
def test_accepts(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value, rel=1e-15, abs=0)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "not a number: 'abc'"),
        ("0.3abc", "not a number"),
        ("1,000", "commas"),  # thousands separator or a German decimal comma: ambiguous
        ("0,5", "dot"),
        ("1/0", "divides by zero"),
        ("0/0", "divides by zero"),
        ("1/0.0", "divides by zero"),
        ("nan", "not a finite number"),
        ("NaN", "not a finite number"),
        ("inf", "not a finite number"),
        ("-Infinity", "not a finite number"),
        ("1e999", "not a finite number"),
        ("1e308/1e-10", "not a finite number"),
        ("1/2/3", "at most one '/'"),
        ("3/", "each side"),
        ("/3", "each side"),
        ("1 000", "space inside"),
        ("30%", "percentage"),
        ("3x10^-1", "powers of ten"),
        ("3*10**-1", "powers of ten"),
        ("--3", "two signs"),
        ("+-3", "two signs"),
        ("-", "not a number"),
        (".", "not a number"),
        ("e5", "not a number"),
        ("1e", "not a number"),
        ("1.2.3", "not a number"),
        ("0x10", "not a number"),
        ("1_000", "not a number"),
        ("2*3", "not a number"),
        ("\u0663", "not a number"),  # Arabic-Indic three: float() takes it, a grader should not
        ("\uff11", "not a number"),  # full-width one
        ("\u00bd", "not a number"),  # vulgar fraction one half
        ("10\u00b2", "not a number"),  # superscript two
        ("\u20140.3", "not a number"),  # em dash is not a minus
        ("__import__('os')", "not a number"),
        ("1" * 500, "too long"),
    ],
)
def test_refuses_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(NotANumber) as info:
        parse_number(text)
    assert reason in str(info.value)
    assert isinstance(info.value, StudyrnnError)


def test_refusal_names_the_input() -> None:
    with pytest.raises(NotANumber, match="'abc'"):
        parse_number("abc")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
@example("1e99999999999999999999")
@example("\x00")
@example("-\u2212")
def test_never_raises_anything_but_not_a_number(text: str) -> None:
    try:
        value = parse_number(text)
    except NotANumber as err:
        assert str(err)
    else:
        assert isinstance(value, float) and math.isfinite(value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789.eE+-/ \u2212,%", max_size=15))
def test_never_raises_on_number_like_junk(text: str) -> None:
    try:
        assert math.isfinite(parse_number(text))
    except NotANumber:
        pass


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_repr_of_a_finite_float_round_trips_exactly(x: float) -> None:
    assert parse_number(repr(x)) == x
    assert parse_number(f" {x!r} ") == x


@settings(max_examples=300, deadline=None)
@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6).filter(
        lambda b: b != 0
    ),
)
def test_a_fraction_is_the_quotient(a: float, b: float) -> None:
    assume(math.isfinite(a / b))
    assert parse_number(f"{a!r}/{b!r}") == a / b


@settings(max_examples=100, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=1e-300))
def test_unicode_minus_is_a_minus(x: float) -> None:
    assert parse_number("\u2212" + repr(x)) == -x


# --- tolerance -------------------------------------------------------------------------------


def test_default_tolerance_boundary_by_hand() -> None:
    # expected 2.0: atol + rtol·|expected| = 1e-8 + 0.01·2 = 0.02000001
    rule = NumericRule()
    assert rule.matches(2.02, 2.0)
    assert rule.matches(1.98, 2.0)
    assert rule.matches(2.0 + 0.02000001 * 0.999, 2.0)
    assert not rule.matches(2.0 + 0.02000001 * 1.001, 2.0)
    assert not rule.matches(2.021, 2.0)
    assert not rule.matches(1.979, 2.0)


def test_tolerance_is_relative_to_the_expected_answer_not_the_given_one() -> None:
    # rtol scales |expected|: 110 is within 10% of 100, but 100 is not within 10% of 111.2
    assert within_tolerance(110.0, 100.0, rtol=0.1, atol=0.0)
    assert not within_tolerance(100.0, 111.2, rtol=0.1, atol=0.0)
    assert within_tolerance(90.0, 100.0, rtol=0.1, atol=0.0)
    assert not within_tolerance(89.9, 100.0, rtol=0.1, atol=0.0)


def test_expected_zero_uses_the_absolute_tolerance() -> None:
    rule = NumericRule()
    assert rule.matches(5e-9, 0.0)
    assert not rule.matches(2e-8, 0.0)
    band = NumericRule.from_tolerance({"rtol": 0, "atol": 0.001})
    assert band.matches(-0.001, 0.0) and not band.matches(0.0011, 0.0)


def test_tolerance_from_a_card() -> None:
    assert NumericRule.from_tolerance(None) == NumericRule(rtol=0.01, atol=1e-8)
    # what a tolerance leaves out takes its default, as the deck schema documents
    only_atol = NumericRule.from_tolerance({"atol": 0.5})
    assert (only_atol.rtol, only_atol.atol) == (0.01, 0.5)
    assert only_atol.matches(101.5, 100.0) and not only_atol.matches(101.6, 100.0)  # 0.5 + 0.01·100
    band = NumericRule.from_tolerance({"rtol": 0, "atol": 0.5})
    assert band.matches(100.5, 100.0) and not band.matches(100.6, 100.0)
    only_rtol = NumericRule.from_tolerance({"rtol": 0.05})
    assert only_rtol.matches(105.0, 100.0) and not only_rtol.matches(105.1, 100.0)
    both = NumericRule.from_tolerance({"rtol": 0.1, "atol": 1.0})
    assert both.matches(12.0, 10.0) and not both.matches(12.01, 10.0)  # 1 + 0.1·10 = 2

    class Tol:  # a pydantic model is read by attribute
        rtol = None
        atol = None
        sigfigs = 3

    assert NumericRule.from_tolerance(Tol()).sigfigs == 3


# --- significant figures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected", "n", "ok"),
    [
        (0.13, 0.1251, 2, True),
        (0.125, 0.1251, 2, True),  # more digits than asked, rounds the same
        (0.12, 0.1251, 2, False),  # 0.1251 is 0.13 to 2 figures
        (0.13, 0.125, 2, True),  # half up, as taught at school
        (0.12, 0.125, 2, True),  # half even, and within half a unit: also right
        (0.1249, 0.125, 2, True),  # more digits, closer than 0.13: right
        (0.14, 0.125, 2, False),
        (0.1, 0.0996, 2, True),  # 0.0996 → 0.10 crosses a decade; 0.1 is 0.10
        (0.10, 0.0996, 2, True),
        (0.099, 0.0996, 2, False),
        (1230.0, 1234.5, 3, True),
        (1240.0, 1234.5, 3, False),
        (1234.0, 1234.5, 4, True),  # 1234.5 → 1235 half-up, but 1234 is half a unit away: right
        (1233.9, 1234.5, 4, False),
        (-0.13, -0.1251, 2, True),
        (0.13, -0.1251, 2, False),
        (3.0, 2.96, 1, True),
        (2.0, 2.96, 1, False),
        (0.0, 0.0, 3, True),
        (0.001, 0.0, 3, False),
    ],
)
def test_sigfigs(given: float, expected: float, n: int, ok: bool) -> None:
    assert matches_sigfigs(given, expected, n) is ok


def test_format_sigfigs_keeps_trailing_zeros() -> None:
    assert format_sigfigs(0.0996, 2) == "0.10"
    assert format_sigfigs(0.125, 2) == "0.13"
    assert format_sigfigs(1234.5, 3) == "1230"
    assert format_sigfigs(-2.0, 3) == "-2.00"
    assert format_sigfigs(6.02e23, 3) == "6.02e23"


def test_the_shown_answer_is_always_accepted() -> None:
    for expected in [0.123456789, 1 / 3, 2e-7, 123456.789, -5.5]:
        for tol in [None, {"rtol": 0, "atol": 1e-9}, {"rtol": 1e-9}, {"sigfigs": 3}]:
            rule = NumericRule.from_tolerance(tol)
            shown = rule.format_expected(expected)
            assert rule.matches(parse_number(shown), expected), (expected, tol, shown)


def test_the_shown_answer_is_written_as_a_person_would() -> None:
    """Pinned by hand (not derived from format_expected): six significant figures under the
    default 1% tolerance, exactly the card's figures under sigfigs, all the digits an absolute
    tolerance can tell apart, and no float noise."""
    cases = [
        (1 / 3, None, "0.333333"),
        (0.123456789, None, "0.123457"),
        (123456.789, None, "123457"),
        (-5.5, None, "-5.5"),
        (1 / 3, {"sigfigs": 3}, "0.333"),
        (2e-7, {"sigfigs": 3}, "2.00e-7"),
        (123456.789, {"sigfigs": 3}, "123000"),
        (-5.5, {"sigfigs": 3}, "-5.50"),
        (123456.789, {"rtol": 0, "atol": 1e-9}, "123456.789"),
        (0.1 + 0.2, {"rtol": 0, "atol": 1e-9}, "0.3"),
    ]
    for expected, tol, text in cases:
        assert NumericRule.from_tolerance(tol).format_expected(expected) == text, (expected, tol)
