"""The session memo keeps what a session check found only while nothing may have changed it."""

from __future__ import annotations

from builders import make_user
from creatorpulse.domain.model.sessions import SessionMemo


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _live(**kwargs: object) -> SessionMemo:
    memo = SessionMemo(**kwargs)  # type: ignore[arg-type]
    memo.live = True
    return memo


def test_keeps_a_read_and_hands_out_copies() -> None:
    memo, user = _live(), make_user()
    memo.put(user.id, "t" * 32, (user, False), memo.stamp())
    kept = memo.get(user.id, "t" * 32)
    assert kept == (user, False)
    assert kept[0] is not user
    kept[0].active = False  # what one request does to its copy, the next never sees
    assert memo.get(user.id, "t" * 32) == (user, False)
    assert memo.get(user.id, "u" * 32) is None  # another token of the same account: not kept


def test_a_read_that_raced_a_change_is_not_kept() -> None:
    memo, user = _live(), make_user()
    stamp = memo.stamp()
    memo.clear()  # a change committed while the read was under way
    memo.put(user.id, "t" * 32, (user, False), stamp)
    assert memo.get(user.id, "t" * 32) is None


def test_nothing_is_kept_while_changes_cannot_be_heard() -> None:
    memo, user = SessionMemo(), make_user()
    memo.put(user.id, "t" * 32, (user, False), memo.stamp())
    assert memo.get(user.id, "t" * 32) is None


def test_clear_forgets_everything() -> None:
    memo, user = _live(), make_user()
    memo.put(user.id, "t" * 32, (user, False), memo.stamp())
    memo.put(user.id, "u" * 32, (None, True), memo.stamp())
    memo.clear()
    assert memo.get(user.id, "t" * 32) is None
    assert memo.get(user.id, "u" * 32) is None


def test_entries_age_out_and_the_oldest_goes_first_when_full() -> None:
    ticks = Ticks()
    memo = _live(max_age=30.0, size=2, clock=ticks)
    users = [make_user() for _ in range(3)]
    for user in users[:2]:
        memo.put(user.id, "t" * 32, (user, False), memo.stamp())
    memo.put(users[2].id, "t" * 32, (users[2], True), memo.stamp())
    assert memo.get(users[0].id, "t" * 32) is None  # pushed out
    assert memo.get(users[2].id, "t" * 32) == (users[2], True)
    ticks.now = 29.9
    assert memo.get(users[1].id, "t" * 32) == (users[1], False)
    ticks.now = 30.0
    assert memo.get(users[1].id, "t" * 32) is None
