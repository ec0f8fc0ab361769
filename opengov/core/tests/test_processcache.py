"""Per-process reuse of hot-path rows (core/processcache.py)."""

from opengov.core import processcache
from opengov.core.processcache import Reused


def test_a_copy_is_reused_for_its_seconds_then_loaded_again(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(processcache.time, "monotonic", lambda: now[0])
    loads = []
    reused = Reused(seconds=2.0)

    def load():
        loads.append(1)
        return len(loads)

    assert reused.get("k", load) == 1
    now[0] += 1.9
    assert reused.get("k", load) == 1
    now[0] += 0.2
    assert reused.get("k", load) == 2
    reused.forget("k")
    assert reused.get("k", load) == 3


def test_only_what_keep_accepts_is_kept_and_the_copies_are_bounded():
    reused = Reused(seconds=60.0, kept=2)
    answers = iter([None, 5])
    assert reused.get("k", lambda: next(answers)) is None
    assert reused.get("k", lambda: next(answers)) == 5  # None was not kept
    reused.get("a", lambda: 1)
    assert reused.get("b", lambda: 2) == 2  # the third key dropped the others
    assert reused.get("k", lambda: 6) == 6
