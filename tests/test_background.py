"""Work overlapped in a thread (jixiao.output.background): order kept, errors raised where the
caller is, nothing left running, no more than two items held."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from jixiao.output.background import in_background


def test_items_come_in_order_with_one_produced_ahead() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for i in range(5):
            produced.append(i)
            yield i

    seen = []
    for item in in_background(items()):
        seen.append((item, len(produced)))
    assert [item for item, _ in seen] == [0, 1, 2, 3, 4]
    assert all(count <= item + 2 for item, count in seen)  # the one used, and the next


def test_an_error_in_producing_is_raised_to_the_caller_after_the_items_before() -> None:
    def items() -> Iterator[int]:
        yield 1
        raise ValueError("broken row group")

    seen = []
    with pytest.raises(ValueError, match="broken row group"):
        for item in in_background(items()):
            seen.append(item)
    assert seen == [1]


def test_a_caller_that_stops_early_leaves_no_thread_running() -> None:
    before = threading.active_count()
    made: list[int] = []

    def items() -> Iterator[int]:
        for i in range(100):
            made.append(i)
            yield i

    for item in in_background(items()):
        if item == 2:
            break
    assert threading.active_count() == before
    assert len(made) <= 4
