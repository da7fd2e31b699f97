"""Two queues, so user-facing work (drafts, the daily email) never waits behind bulk fetching:
`interactive` and `bulk`. NATS JetStream when NATS_URL is set, else in-process brokers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import timedelta

import structlog
from nats import errors as nats_errors
from nats.js import errors as jetstream_errors
from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StreamConfig
from taskiq import AckableMessage, AsyncBroker, BrokerMessage, InMemoryBroker
from taskiq.exceptions import UnknownTaskError
from taskiq_nats import PullBasedJetStreamBroker

QUEUES = ("interactive", "bulk")
TASK_TIMEOUT = timedelta(minutes=10)  # the longest a task may run (a label on every task)
RETRY_DELAY_CAP = timedelta(minutes=5)  # the longest a retry waits (inside the failed delivery)
# A message is redelivered when its worker has not acked it in this long (it crashed): longer
# than the longest task plus its longest retry wait, so a live task is never run twice.
ACK_WAIT = TASK_TIMEOUT + RETRY_DELAY_CAP + timedelta(minutes=1)
MAX_DELIVER = 5  # a message that crashed its worker this often is dropped (the sweeps re-find it)
# What a pull answers while NATS restarts or JetStream is not ready yet: pull again shortly.
_PASSING = (
    jetstream_errors.APIError, nats_errors.NoRespondersError,
    nats_errors.ConnectionReconnectingError, nats_errors.StaleConnectionError,
)  # fmt: skip
log = structlog.get_logger("creatorpulse.worker")


class JetStreamQueue(PullBasedJetStreamBroker):
    """taskiq-nats' pull loop ends on any error but a timeout, and with it the worker; a NATS
    restart answers pulls with 503 (JetStream not ready) or no responders for a moment."""

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        while True:
            try:
                pulled = await self.consumer.fetch(
                    batch=self.pull_consume_batch, timeout=self.pull_consume_timeout
                )
            except nats_errors.TimeoutError:
                continue
            except _PASSING as error:
                log.warning("queue_unavailable", subject=self.subject, error=repr(error))
                await asyncio.sleep(1.0)
                continue
            for message in pulled:
                yield AckableMessage(data=message.data, ack=message.ack)


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

    def connected(self) -> bool:
        """Every queue's server connection is up; in-process queues have none and always are."""
        return all(getattr(getattr(b, "client", None), "is_connected", True) for b in self)


# Tasks of each queue running at once in one worker process (the bulk queue's jobs are long).
CONCURRENCY = {"interactive": 16, "bulk": 4}


class BoundedInMemoryBroker(InMemoryBroker):
    """taskiq's in-process broker starts every kicked task at once: a sweep over 10,000
    creators would have them all wait on a 10-connection pool together, and time out. Here at
    most `max_async_tasks` run at a time, as a worker's receiver allows; the rest wait their
    turn without holding anything."""

    def __init__(self, max_async_tasks: int) -> None:
        super().__init__(max_async_tasks=max_async_tasks)
        self._turns = asyncio.Semaphore(max_async_tasks)

    async def kick(self, message: BrokerMessage) -> None:
        if self.find_task(message.task_name) is None:
            raise UnknownTaskError(task_name=message.task_name)
        task = asyncio.create_task(self._in_turn(message))
        self._running_tasks.add(task)
        task.add_done_callback(self._running_tasks.discard)

    async def _in_turn(self, message: BrokerMessage) -> None:
        async with self._turns:
            await self.receiver.callback(message=message.message)


def in_memory_brokers() -> Brokers:
    return Brokers(
        BoundedInMemoryBroker(CONCURRENCY["interactive"]),
        BoundedInMemoryBroker(CONCURRENCY["bulk"]),
    )


def nats_brokers(
    url: str, *, prefix: str = "creatorpulse", ack_wait: timedelta = ACK_WAIT
) -> Brokers:
    def one(queue: str) -> JetStreamQueue:
        durable = f"{prefix}-{queue}-workers"
        return JetStreamQueue(
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
            # nats-py gives up after 60 reconnect attempts (about two minutes): a NATS restart
            # or a longer outage would leave the process connected to nothing, for good.
            max_reconnect_attempts=-1,
            reconnect_time_wait=1,
        )

    return Brokers(one("interactive"), one("bulk"))


def make_brokers(nats_url: str | None, **options: object) -> Brokers:
    return nats_brokers(nats_url, **options) if nats_url else in_memory_brokers()  # type: ignore[arg-type]
