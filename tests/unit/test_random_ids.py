"""Ids drawn in batches are still random version-4 UUIDs, never repeated, not across a fork."""

from __future__ import annotations

import os
import uuid

from creatorpulse.adapters.system import RandomIds


def test_ids_are_distinct_version_4_uuids() -> None:
    ids = RandomIds()
    drawn = [ids.new_id() for _ in range(3 * RandomIds.BATCH + 7)]
    assert len(set(drawn)) == len(drawn)
    assert all(i.version == 4 and i.variant == uuid.RFC_4122 for i in drawn)


def test_a_forked_child_does_not_reuse_its_parents_ids() -> None:
    ids = RandomIds()
    ids.new_id()  # the parent holds a batch now
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.write(write, ids.new_id().bytes)
        os._exit(0)
    os.waitpid(child, 0)
    from_child = uuid.UUID(bytes=os.read(read, 16))
    os.close(read)
    os.close(write)
    assert from_child not in {ids.new_id() for _ in range(RandomIds.BATCH)}
