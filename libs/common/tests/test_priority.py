"""mejora_common.priority: a process doing only expensive work gives way to the others on the CPU."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

CHILD = """
import os, threading
from mejora_common.priority import lower_cpu_priority
started = threading.Event(); stop = threading.Event()
def before(): started.set(); stop.wait()
t = threading.Thread(target=before); t.start(); started.wait()
lower_cpu_priority(10)
after = []
def later(): after.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
u = threading.Thread(target=later); u.start(); u.join()
print(os.getpriority(os.PRIO_PROCESS, 0), os.getpriority(os.PRIO_PROCESS, t.native_id), after[0], lower_cpu_priority(5))
stop.set(); t.join()
"""


def test_every_thread_now_and_later_runs_at_the_lower_priority_and_it_is_never_raised() -> None:
    if not os.path.isdir("/proc/self/task"):  # pragma: no cover - Linux only
        return
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True).stdout.split()
    main, earlier_thread, later_thread, changed_by_a_higher_priority = map(int, out)
    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    expected = max(base, 10)
    assert (main, earlier_thread, later_thread) == (expected, expected, expected)
    assert changed_by_a_higher_priority == 0  # asking for nice 5 afterwards lowers nothing back
