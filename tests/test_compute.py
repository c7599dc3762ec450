"""Pure work on worker processes: same results in the same order, and a dead worker
costs nothing but a restart."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from marsad.core.compute import Compute, PoolCompute


def square(number: int) -> int:
    return number * number


def refuse_seven(number: int) -> int:
    if number == 7:
        raise ValueError("seven is refused")
    return number


def die_once(marker: str) -> int:
    """Kills its worker the first time it sees an existing marker file."""
    path = Path(marker)
    if path.exists():
        path.unlink()
        os._exit(9)
    return os.getpid()


@pytest.fixture
def pool() -> Iterator[PoolCompute]:
    compute = PoolCompute(2)
    yield compute
    compute.close()


def test_results_come_back_in_order(pool: PoolCompute) -> None:
    numbers = list(range(200))
    assert pool.map(square, numbers) == Compute().map(square, numbers)


def test_an_exception_reaches_the_caller(pool: PoolCompute) -> None:
    with pytest.raises(ValueError, match="seven is refused"):
        pool.map(refuse_seven, range(20))


def test_a_dead_worker_is_replaced(pool: PoolCompute, tmp_path: Path) -> None:
    marker = tmp_path / "die"
    marker.touch()
    pids = pool.map(die_once, [str(marker)] * 8)
    assert len(pids) == 8
    assert not marker.exists()
    assert pool.map(square, [3, 4]) == [9, 16]  # the new pool goes on working


def test_workers_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        PoolCompute(0)
