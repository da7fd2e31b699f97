"""Two queues, so user-facing work (drafts, the daily email) never waits behind bulk fetching:
`interactive` and `bulk`. NATS JetStream when NATS_URL is set, else in-process brokers."""

from __future__ import annotations

from datetime import timedelta

from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StreamConfig
from taskiq import AsyncBroker, InMemoryBroker
from taskiq_nats import PullBasedJetStreamBroker

QUEUES = ("interactive", "bulk")
TASK_TIMEOUT = timedelta(minutes=10)  # the longest a task may run (a label on every task)
RETRY_DELAY_CAP = timedelta(minutes=5)  # the longest a retry waits (inside the failed delivery)
# A message is redelivered when its worker has not acked it in this long (it crashed): longer
# than the longest task plus its longest retry wait, so a live task is never run twice.
ACK_WAIT = TASK_TIMEOUT + RETRY_DELAY_CAP + timedelta(minutes=1)
MAX_DELIVER = 5  # a message that crashed its worker this often is dropped (the sweeps re-find it)


class Brokers:
    def __init__(self, interactive: AsyncBroker, bulk: AsyncBroker) -> None:
        self.interactive, self.bulk = interactive, bulk

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter((self.interactive, self.bulk))

    async def startup(self) -> None:
        for broker in self:
            await broker.startup()

    async def shutdown(self) -> None:
        for broker in self:
            await broker.shutdown()


def in_memory_brokers() -> Brokers:
    return Brokers(InMemoryBroker(), InMemoryBroker())


def nats_brokers(
    url: str, *, prefix: str = "creatorpulse", ack_wait: timedelta = ACK_WAIT
) -> Brokers:
    def one(queue: str) -> PullBasedJetStreamBroker:
        durable = f"{prefix}-{queue}-workers"
        return PullBasedJetStreamBroker(
            servers=[server.strip() for server in url.split(",")],
            subject=f"{prefix}.tasks.{queue}",
            stream_name=f"{prefix}-{queue}",
            durable=durable,
            # Work-queue retention: a task is gone once a worker acks it; every worker pulls
            # from the one durable consumer, so each task goes to exactly one of them.
            stream_config=StreamConfig(retention=RetentionPolicy.WORK_QUEUE),
            consumer_config=ConsumerConfig(
                durable_name=durable,
                ack_policy=AckPolicy.EXPLICIT,
                ack_wait=ack_wait.total_seconds(),
                max_deliver=MAX_DELIVER,
            ),
            pull_consume_batch=1,
            pull_consume_timeout=1.0,
        )

    return Brokers(one("interactive"), one("bulk"))


def make_brokers(nats_url: str | None, **options: object) -> Brokers:
    return nats_brokers(nats_url, **options) if nats_url else in_memory_brokers()  # type: ignore[arg-type]
