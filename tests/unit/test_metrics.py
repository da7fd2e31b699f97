"""HttpTraffic exposes what prometheus_client's Counter and Histogram would, for the same
requests: scrapers and dashboards see the same series, buckets, counts and sums."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from creatorpulse.entrypoints.metrics import BUCKETS, HttpTraffic, Metrics

LABELS = ["method", "route", "status"]
requests_seen = st.lists(
    st.tuples(
        st.sampled_from(["GET", "POST"]),
        st.sampled_from(["/v1/drafts", "/health/live", "unmatched"]),
        st.sampled_from([200, 401, 500]),
        st.one_of(
            st.sampled_from(BUCKETS),  # on a bound: counted in that bound's bucket
            st.floats(min_value=0, max_value=30, allow_nan=False),
        ),
    ),
    max_size=40,
)


def _exposition(registry: CollectorRegistry) -> list[str]:
    """The text format without `_created` values (each side stamps its own clock)."""
    text = generate_latest(registry).decode()
    return sorted(re.sub(r"(_created\{.*\}) \S+$", r"\1", line) for line in text.splitlines())


@given(requests_seen)
def test_the_exposition_is_prometheus_clients_own(seen: list[tuple[str, str, int, float]]) -> None:
    reference = CollectorRegistry()
    counter = Counter("creatorpulse_http_requests", "HTTP requests", LABELS, registry=reference)
    histogram = Histogram(
        "creatorpulse_http_request_duration_seconds", "HTTP request latency", LABELS,
        buckets=BUCKETS, registry=reference,
    )  # fmt: skip
    ours = CollectorRegistry()
    traffic = HttpTraffic()
    ours.register(traffic)
    for method, route, status, seconds in seen:
        counter.labels(method, route, str(status)).inc()
        histogram.labels(method, route, str(status)).observe(seconds)
        traffic.record(method, route, status, seconds)
    assert _exposition(ours) == _exposition(reference)


def test_the_apps_metrics_carry_http_traffic() -> None:
    metrics = Metrics()
    metrics.http.record("GET", "/v1/drafts", 200, 0.012)
    text = metrics.render().decode()
    series = '{method="GET",route="/v1/drafts",status="200"}'
    assert f"creatorpulse_http_requests_total{series} 1.0" in text
    assert (
        'creatorpulse_http_request_duration_seconds_bucket{le="0.025",method="GET",'
        'route="/v1/drafts",status="200"} 1.0'
    ) in text
