"""Schema-driven fuzzing (schemathesis) of every operation in two OpenAPI documents — the app's
own and the front end's contract (schema_fuzz.py says how that one is read) — signed in, rate
limits off: whatever arrives, the answer is never a 5xx, never a 400 or 403 (the front end reads
those as "backend down"), always the contract's envelope, and valid against the document.

Always run: 10 cases per operation and document in memory, 3 on PostgreSQL. `slow`
(`.venv/bin/pytest -m slow tests/integration/http/test_http_fuzz.py`): 60 on each storage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from http_contract import CONTRACT
from http_support import START, Api, Creator, open_api
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schema_fuzz import PREFIX, frontend_document, operations, own_document, send

from creatorpulse.adapters.system import FixedClock
from pg import truncate_all

DOCUMENTS = {"own": operations(own_document()), "frontend": operations(frontend_document())}
# Signing out and deleting the account end the session the others use: fuzz them last.
LAST = ("POST /auth/logout", "POST /v1/auth/logout", "DELETE /v1/me")


def _cases(storage: str) -> list[Any]:
    cases = [(storage, doc, label) for doc, ops in DOCUMENTS.items() for label in ops]
    cases.sort(key=lambda c: (c[2] in LAST, LAST.index(c[2]) if c[2] in LAST else 0, c[1:]))
    return [pytest.param(*c, id=f"{c[0]}-{c[1]}-{c[2]}") for c in cases]


class Targets:
    """One app per storage with, per document, a signed-in creator with sources, a trained voice
    and drafts (so lists and reads answer real objects), built on first use. A failed build is
    remembered and raised again, so every test reports it rather than a retry's side effect."""

    def __init__(self, root: Any, request: pytest.FixtureRequest) -> None:
        self._root, self._request = root, request
        self.apps: dict[str, Api] = {}
        self._creators: dict[tuple[str, str], Creator] = {}
        self._failed: dict[str, BaseException] = {}

    async def get(self, storage: str, document: str) -> tuple[Api, Creator]:
        if storage in self._failed:
            raise AssertionError(f"building the {storage} app failed") from self._failed[storage]
        if storage not in self.apps:
            try:
                await self._build(storage)
            except Exception as error:
                self._failed[storage] = error
                raise
        return self.apps[storage], self._creators[storage, document]

    async def _build(self, storage: str) -> None:
        env = {}
        if storage == "postgres":
            url = self._request.getfixturevalue("pg_owner_url")
            truncate_all(url)
            env = {"CREATORPULSE_STORAGE": "postgres", "DATABASE_URL": url}
        api = await open_api(self._root / storage, FixedClock(START), **env)
        self.apps[storage] = api
        for document in DOCUMENTS:
            who = await api.creator_with_drafts(f"fuzz-{document}@example.com")
            self._creators[storage, document] = who


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def targets(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> AsyncIterator[Targets]:
    built = Targets(tmp_path_factory.mktemp("fuzz"), request)
    yield built
    for api in built.apps.values():
        await api.client.__aexit__(None, None, None)


pytestmark = pytest.mark.asyncio(loop_scope="module")


def _fuzz(examples: int) -> Any:
    @settings(
        max_examples=examples, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(data=st.data())
    async def run(
        targets: Targets, storage: str, document: str, label: str, data: st.DataObject
    ) -> None:
        api, who = await targets.get(storage, document)
        case = data.draw(DOCUMENTS[document][label], label="case")
        await send(api.client, case, PREFIX[document], who.headers)

    return run


SHARED = Path(__file__).parents[4] / "shared" / "contracts" / "frontend-openapi.yaml"


@pytest.mark.skipif(not SHARED.exists(), reason="no ../shared checkout beside this repository")
async def test_the_fuzzed_contract_is_the_front_ends_own() -> None:
    assert CONTRACT.read_bytes() == SHARED.read_bytes(), f"{CONTRACT} differs from {SHARED}"


def _over(cases: list[Any], examples: int) -> Any:
    return pytest.mark.parametrize(("storage", "document", "label"), cases)(_fuzz(examples))


test_no_answer_breaks_its_schema = _over(_cases("memory"), 10)
test_no_answer_breaks_its_schema_on_postgres = _over(_cases("postgres"), 3)
test_no_answer_breaks_its_schema_thoroughly = pytest.mark.slow(
    _over(_cases("memory") + _cases("postgres"), 60)
)
