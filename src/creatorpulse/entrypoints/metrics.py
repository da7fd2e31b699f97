"""Prometheus metrics of one process: HTTP traffic, job runs, and the product's own events."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.requests = Counter(
            "creatorpulse_http_requests", "HTTP requests", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "creatorpulse_http_request_duration_seconds", "HTTP request latency",
            ["method", "route", "status"], buckets=BUCKETS, registry=r,
        )  # fmt: skip
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
