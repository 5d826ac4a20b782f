"""Stop a report's work when nobody will read it: its deadline has passed or its client has gone.

A report reads many pages from the siblings and then renders (results for a whole network, PDFs). The router
builds a :class:`Cancellation` for the request and the use cases pass it down; before each unit of work (each
sibling call, each page, before rendering) they ``await cancel.check()``:

* the request's deadline (``mejora_common.deadlines``, from the gateway's ``X-Request-Deadline`` or the route
  class's own) has passed → 503 ``deadline_exceeded`` with ``Retry-After``;
* the client has disconnected → :class:`ClientGone`, answered by nobody.

A client that disconnects is noticed first by ``mejora_common.disconnect`` (every service's app has it), which
cancels the handler at once and counts the stop; the check here is the same rule between units of work. Either way
the stop is counted once in :class:`StoppedWork` (``app.state.stopped_work``), which tests and logs read.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from mejora_common import deadlines
from mejora_common.disconnect import ClientGone, StoppedWork, client_gone, current_work
from mejora_common.errors import ProblemError

logger = logging.getLogger("reports.cancellation")

RETRY_AFTER_SECONDS = "2"


__all__ = ["Cancellation", "ClientGone", "StoppedWork", "all_or_nothing", "check", "deadline_exceeded"]


def deadline_exceeded() -> ProblemError:
    return ProblemError(
        503,
        "deadline_exceeded",
        "El reporte tardó más de lo permitido y se detuvo. Intenta nuevamente en unos segundos.",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
        extra={"service": "reports"},
    )


@dataclass
class Cancellation:
    """Whether a request's work should stop; without ``is_disconnected`` only the deadline is checked."""

    is_disconnected: Callable[[], Awaitable[bool]] | None = None
    stopped: StoppedWork | None = None
    stopped_for: str | None = None
    """Why the work was stopped, once it was (``deadline`` or ``client_gone``)."""

    async def check(self, what: str = "the next unit of work") -> None:
        """Raise when the work should stop: 503 ``deadline_exceeded``, or :class:`ClientGone`."""
        if deadlines.expired():
            self._stop("deadline", what)
            raise deadline_exceeded()
        if client_gone():  # already counted by mejora_common.disconnect
            self.stopped_for = self.stopped_for or "client_gone"
            raise ClientGone(what)
        if self.is_disconnected is not None and await self.is_disconnected():
            # Outside a watched request (no mejora_common.disconnect around it) the stop is counted here.
            self._stop("client_gone", what, count=current_work() is None)
            raise ClientGone(what)

    def _stop(self, reason: str, what: str, *, count: bool = True) -> None:
        if self.stopped_for is None:  # one request counts once, whichever branch notices first
            self.stopped_for = reason
            if self.stopped is not None and count:
                self.stopped.count(reason, what)


async def check(cancel: Cancellation | None, what: str = "the next unit of work") -> None:
    """``cancel.check()``, or only the deadline when the caller passed no cancellation."""
    await (cancel or Cancellation()).check(what)


@asynccontextmanager
async def all_or_nothing() -> AsyncIterator[asyncio.TaskGroup]:
    """A task group whose first failure cancels the other reads and is raised as itself (not as a group)."""
    try:
        async with asyncio.TaskGroup() as group:
            yield group
    except BaseExceptionGroup as failed:
        first = failed.exceptions[0]
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from None
