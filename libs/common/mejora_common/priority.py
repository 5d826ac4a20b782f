"""CPU priority for a process that does only expensive work (issue 9, point 2: cheap reads stay fast under load).

The reports service answers only routes of the ``expensive`` class (``mejora_common.overload``). Its gates bound how
many of them run at once, but on a machine with few cores the ones admitted still compete for the CPU with the
processes answering everyone's cheap reads and logins; measured on two cores (docs/benchmarks.md, "Cheap reads under
expensive load"), giving the reports process a lower scheduling priority brought the cheap reads' p95 under load from
5-6x to under 3x their floor, while the expensive answers kept being served (they only wait when others need the CPU).

Linux keeps a nice value per thread and a new thread takes its creator's, so every thread of the process is set now
and the threads it starts later (worker threads, executors) inherit it. Setting a higher nice value needs no
privilege; it is never lowered here.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

logger = logging.getLogger("mejora.priority")

EXPENSIVE_ONLY_NICE = 10
"""The nice value of a process serving only expensive routes (0 is the default; 19 the lowest priority)."""


def lower_cpu_priority(nice: int = EXPENSIVE_ONLY_NICE) -> int:
    """Give every thread of this process at least ``nice``; the number of threads changed (0 where unsupported)."""
    tasks = Path("/proc/self/task")
    thread_ids = [int(t.name) for t in tasks.iterdir()] if tasks.is_dir() else [0]
    changed = 0
    for tid in thread_ids:
        try:
            if os.getpriority(os.PRIO_PROCESS, tid) < nice:
                os.setpriority(os.PRIO_PROCESS, tid, nice)
                changed += 1
        except OSError:  # the thread ended meanwhile, or the platform refuses: run at the usual priority
            continue
    logger.info("cpu priority lowered to nice %s (%s threads)", nice, changed)
    return changed
