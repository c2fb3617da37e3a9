"""The benchmark's child processes: their own peak memory (not the parent's), and a
memory cap that stops a child holding too much."""

from __future__ import annotations

import os
import sys

import numpy as np

from emporix_data.bench.child import run_child

HOLD_AND_WAIT = "import numpy, signal; a = numpy.ones(400 * 2**20 // 8); signal.pause()"


def test_a_small_child_of_a_large_parent_is_measured_small():
    held = np.ones(300 * 2**20 // 8)  # the parent is large, as the benchmark is by then
    run = run_child([sys.executable, "-c", "import json"], dict(os.environ), cap_mb=2048)
    assert held.sum() > 0
    assert run.returncode == 0 and not run.stopped
    assert run.peak_mb < 100  # a bare interpreter, not the parent's 300 MB


def test_a_child_past_the_cap_is_stopped_and_its_peak_kept():
    run = run_child([sys.executable, "-c", HOLD_AND_WAIT], dict(os.environ), cap_mb=200)
    assert run.stopped and run.returncode == -9
    assert run.peak_mb > 200
