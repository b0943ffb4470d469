"""Session times are typed the way people type them: with or without a colon, a dot, am/pm,
上午/下午, or a Chinese keyboard's full-width digits; nothing else is taken for a time."""

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from organiser.admin.clock_time import clock_time_parse

FULL_WIDTH = str.maketrans("0123456789:", "０１２３４５６７８９：")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("0930", time(9, 30)),
        ("930", time(9, 30)),
        ("9.30", time(9, 30)),
        ("9:30", time(9, 30)),
        ("０９：３０", time(9, 30)),
        ("０９:３０", time(9, 30)),
        ("9:30 am", time(9, 30)),
        ("2:15 pm", time(14, 15)),
        ("2:15 P.M.", time(14, 15)),
        ("12:05 am", time(0, 5)),
        ("12 pm", time(12)),
        ("下午2:15", time(14, 15)),
        ("14", time(14)),
        (" 14:30:00 ", time(14, 30)),
    ],
)
def test_a_time_typed_any_usual_way_is_read(typed, meant):
    assert clock_time_parse(typed) == meant


@pytest.mark.parametrize("typed", ["", "24:00", "9:60", "13 pm", "0 am", "12345", "noon", "9:3"])
def test_what_is_not_a_time_is_not_taken_for_one(typed):
    assert clock_time_parse(typed) is None


@given(hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_every_way_of_writing_a_time_reads_the_same(hour, minute):
    half_day = f"{hour % 12 or 12}:{minute:02d} {'pm' if hour >= 12 else 'am'}"
    written = [
        f"{hour:02d}:{minute:02d}",
        f"{hour:02d}{minute:02d}",
        f"{hour}{minute:02d}",
        f"{hour}.{minute:02d}",
        f"{hour:02d}:{minute:02d}".translate(FULL_WIDTH),
        half_day,
    ]
    assert {typed: clock_time_parse(typed) for typed in written} == dict.fromkeys(
        written, time(hour, minute)
    )


@given(st.text(max_size=20))
def test_any_text_is_a_time_or_none_never_an_error(text):
    assert clock_time_parse(text) is None or isinstance(clock_time_parse(text), time)
