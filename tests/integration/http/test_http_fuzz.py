"""Schema-driven fuzzing (schemathesis) of every operation in the app's own OpenAPI document,
signed in, rate limits off: whatever arrives, the answer is never a 5xx, never a 400 or 403
(the front end reads those as "backend down"), and always the contract's envelope.

The always-run pass sends 12 cases per operation (positive and negative); the `slow` one 60."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import schemathesis
from http_support import JWT_SECRET, START, Api, Creator, open_api
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creatorpulse.adapters.system import FixedClock
from creatorpulse.entrypoints.http.app import create_app
from creatorpulse.entrypoints.settings import Settings


def _operations() -> dict[str, Any]:
    """The app's own document, as served at /schema/openapi.json (built without a server)."""
    env = {"CREATORPULSE_STORAGE": "memory", "JWT_SECRET": JWT_SECRET,
           "CREATORPULSE_DATA_DIR": str(Path("/nonexistent-never-written"))}  # fmt: skip
    document = create_app(Settings.from_env(env)).openapi_schema.to_schema()
    schema = schemathesis.openapi.from_dict(document)
    operations = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations[operation.label] = st.one_of(
            operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
        )
    return operations


OPERATIONS = _operations()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fuzz_target(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[Api, Creator]]:
    """One app and one signed-in creator for every operation (they are built once)."""
    api = await open_api(tmp_path_factory.mktemp("fuzz"), FixedClock(START))
    yield api, await api.creator("fuzz@example.com")
    await api.client.__aexit__(None, None, None)


# Signing out and deleting the account end the session the others use: fuzz them last.
LAST = ("POST /v1/auth/logout", "DELETE /v1/me")
LABELS = sorted(
    OPERATIONS, key=lambda label: (label in LAST, LAST.index(label) if label in LAST else 0, label)
)
pytestmark = pytest.mark.asyncio(loop_scope="module")


async def _send(api: Api, who: Creator, case: Any) -> None:
    kwargs = case.as_transport_kwargs(base_url="http://testserver.local", headers=who.headers)
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json"] = kwargs["json"]
    elif "data" in kwargs:
        data = kwargs["data"]
        body["content"] = data if isinstance(data, bytes | str) else str(data)
    answer = await api.client.request(
        kwargs["method"], kwargs["url"], params=kwargs.get("params"),
        headers=kwargs.get("headers"), **body,
    )  # fmt: skip
    where = f"{case.operation.label} {case.path_parameters} {case.query} {case.body!r:.200}"
    assert answer.status_code < 500, f"{where} -> {answer.status_code} {answer.text}"
    assert answer.status_code not in (400, 403), f"{where} -> {answer.status_code} {answer.text}"
    if answer.headers.get("content-type", "").startswith("application/json"):
        envelope = answer.json()
        if case.operation.path.startswith("/v1/"):
            assert envelope["success"] is (answer.status_code < 400), where
            if answer.status_code >= 400:
                assert set(envelope) == {"success", "error", "detail"}, where


def _fuzz(examples: int) -> Any:
    @settings(
        max_examples=examples, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(data=st.data())
    async def run(fuzz_target: tuple[Api, Creator], label: str, data: st.DataObject) -> None:
        api, who = fuzz_target
        await _send(api, who, data.draw(OPERATIONS[label], label="case"))

    return run


test_no_operation_answers_5xx = pytest.mark.parametrize("label", LABELS)(_fuzz(12))
test_no_operation_answers_5xx_thoroughly = pytest.mark.slow(
    pytest.mark.parametrize("label", LABELS)(_fuzz(60))
)
