"""``python -m tests.contracts [key ...]``: run contracts, one table row each (whether the claim
holds, CPU and wall seconds, what was measured). Exit status 1 if any claim fails."""
from __future__ import annotations

import sys
import time

from . import check, questions


def main(keys: list[str] | None = None) -> int:
    failed = 0
    print("| question | holds | CPU s | wall s | measured |\n|---|---|---|---|---|")
    for key in keys or [c.key for _, c in questions()]:
        cpu, wall = time.process_time(), time.perf_counter()
        outcome = check(key)
        failed += not outcome.holds
        print(f"| {key} | {outcome.holds} | {time.process_time() - cpu:.1f} | "
              f"{time.perf_counter() - wall:.1f} | {outcome.summary[:160]} |")
        sys.stdout.flush()
    return int(failed > 0)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
