"""The search gate lets a few calls run at once and the rest in the order they arrived."""
import threading
import time

import pytest

from vankien.services.gate import FairGate


def _crowd(width: int) -> tuple[list[int], int]:
    """Twelve threads arriving one by one at a gate held shut; returns the order they got in and the
    most that were inside at once."""
    gate = FairGate(width=width)
    entered, inside, most_inside = [], [0], [0]
    lock = threading.Lock()
    release = threading.Event()

    def call(n: int) -> None:
        with gate.enter():
            with lock:
                entered.append(n)
                inside[0] += 1
                most_inside[0] = max(most_inside[0], inside[0])
            release.wait(5)
            time.sleep(0.005)
            with lock:
                inside[0] -= 1

    threads = []
    for n in range(12):  # started one by one, so arrival order is n
        t = threading.Thread(target=call, args=(n,))
        t.start()
        threads.append(t)
        time.sleep(0.02)
    release.set()
    for t in threads:
        t.join(10)
    return entered, most_inside[0]


def test_waiting_threads_enter_in_arrival_order():
    entered, most_inside = _crowd(width=1)
    assert entered == list(range(12)) and most_inside == 1


def test_never_more_than_width_inside():
    entered, most_inside = _crowd(width=2)
    assert sorted(entered) == list(range(12)) and most_inside == 2
    assert entered[:2] in ([0, 1], [1, 0])  # the first two went straight in


def test_a_failing_call_still_lets_the_next_in():
    gate = FairGate(width=1)
    with pytest.raises(RuntimeError):
        with gate.enter():
            raise RuntimeError("hỏng")
    done = threading.Event()
    t = threading.Thread(target=lambda: (gate.enter().__enter__(), done.set()))
    t.start()
    assert done.wait(2)


def test_width_must_be_positive():
    with pytest.raises(ValueError):
        FairGate(0)
