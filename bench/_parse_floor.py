"""The throughput floor: parse every line of a JSON Lines file with orjson, single-threaded, and nothing else.

Why: any ingest has to at least read and parse every release, so this is the speed no single-threaded Python
ingest can beat; ``ingest_bench.py`` reports adal's throughput as a fraction of it. It runs as its own
process so its wall time and peak RSS are measured exactly like the other steps. Prints the number of
parsed lines, which the harness cross-checks against its own line count.
"""

from __future__ import annotations

import sys

import orjson


def parse_all(path: str) -> int:
    """Parse every non-blank line of ``path`` and return how many there were."""
    loads = orjson.loads
    count = 0
    with open(path, "rb", buffering=1 << 20) as handle:
        for line in handle:
            if line.isspace():
                continue
            loads(line)
            count += 1
    return count


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: _parse_floor.py FILE.jsonl", file=sys.stderr)
        return 2
    print(parse_all(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
