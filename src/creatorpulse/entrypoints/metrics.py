"""Prometheus metrics of one process: HTTP traffic, job runs, and the product's own events."""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Iterator
from itertools import accumulate

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.metrics_core import CounterMetricFamily, HistogramMetricFamily, Metric

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_LE = [*map(repr, BUCKETS), "+Inf"]  # as prometheus_client writes `le` (test_metrics checks)
_HTTP_LABELS = ("method", "route", "status")


class _Series:
    """One (method, route, status): a count per bucket (the last one +Inf), the sum of
    seconds, and when it was first seen."""

    __slots__ = ("counts", "created", "seconds")

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.seconds = 0.0
        self.created = time.time()


class HttpTraffic:
    """HTTP requests and their latency by (method, route, status), exposed exactly as a
    prometheus_client Counter and Histogram expose them, but recorded in one bisect: their
    labels() builds a key under a lock, and observe() walks the buckets in Python taking a lock
    per step, on every request. Recorded and collected on the event loop's thread only."""

    def __init__(self) -> None:
        self._series: dict[tuple[str, str, int], _Series] = {}

    def record(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = _Series()
        series.counts[bisect_left(BUCKETS, seconds)] += 1
        series.seconds += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "creatorpulse_http_requests", "HTTP requests", labels=_HTTP_LABELS
        )
        latency = HistogramMetricFamily(
            "creatorpulse_http_request_duration_seconds", "HTTP request latency",
            labels=_HTTP_LABELS,
        )  # fmt: skip
        for key, series in list(self._series.items()):
            labels = [key[0], key[1], str(key[2])]
            counts = list(accumulate(series.counts))
            requests.add_metric(labels, counts[-1], created=series.created)
            latency.add_metric(labels, list(zip(_LE, counts, strict=True)), series.seconds)
            latency.add_sample(
                "creatorpulse_http_request_duration_seconds_created",
                dict(zip(_HTTP_LABELS, labels, strict=True)), series.created,
            )  # fmt: skip
        yield requests
        yield latency


class Metrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.http = HttpTraffic()
        r.register(self.http)
        self.job_runs = Counter("creatorpulse_job_runs", "Job runs", ["job", "outcome"], registry=r)
        self.job_duration = Histogram(
            "creatorpulse_job_duration_seconds", "Job duration", ["job"], registry=r
        )
        self.events = Counter(
            "creatorpulse_events",
            "Product events: registrations, verifications, sources_added, "
            "style_trainings_completed, drafts_generated",
            ["event"], registry=r,
        )  # fmt: skip
        self.emails = Counter("creatorpulse_emails", "Emails by outcome", ["status"], registry=r)
        self.feedback = Counter(
            "creatorpulse_feedback", "Votes on drafts", ["type", "source"], registry=r
        )
        self.active_users = Gauge("creatorpulse_active_users", "Verified, active users", registry=r)
        self.failing_sources = Gauge(
            "creatorpulse_failing_sources", "Active sources whose last check failed", registry=r
        )

    def event(self, name: str, count: int = 1) -> None:
        self.events.labels(name).inc(count)

    def render(self) -> bytes:
        return generate_latest(self.registry)
