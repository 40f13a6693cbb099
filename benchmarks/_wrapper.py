"""Run one command, report its wall time and peak RSS as one JSON object (stdlib only).

Executed as a fresh process by the harness (`python _wrapper.py OUT.json TIMEOUT -- CMD...`),
so `RUSAGE_CHILDREN` here covers exactly one child: the whole measured process, start-up
and imports included. The wrapper's own start-up is outside the timed span.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def _lines(data: bytes) -> list[str]:
    return [ln.strip()[:500] for ln in data.decode("utf-8", "replace").splitlines() if ln.strip()]


def _last_line(data: bytes) -> str:
    lines = _lines(data)
    return lines[-1] if lines else ""


def main(argv: list[str]) -> int:
    """Run `argv[3:]` (after `OUT TIMEOUT --`), write the measurement to `OUT`."""
    out, timeout, sep, *cmd = argv
    assert sep == "--", "usage: _wrapper.py OUT TIMEOUT -- CMD..."
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        stdout, stderr = proc.communicate(timeout=float(timeout))
        timed_out = False
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
        timed_out = True
    wall = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rss_kb = rss / 1024 if sys.platform == "darwin" else rss  # macOS reports bytes
    result = {
        "wall_s": wall,
        "peak_rss_kb": rss_kb,
        "returncode": proc.returncode,
        "timed_out": timed_out,
        "stdout_last": _last_line(stdout),
        "stderr_last": _last_line(stderr),
        "tail": "\n".join((_lines(stdout) + _lines(stderr))[-40:]),
    }
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
