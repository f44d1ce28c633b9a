"""A/B two checkouts with `manage.py benchmark`, interleaved so the machine's drift hits both.

    python scripts/ab_benchmark.py \
        --a /srv/old postgres://postgres@127.0.0.1:5432/bench_old \
        --b /srv/new postgres://postgres@127.0.0.1:5432/bench_new \
        --rounds 4 --runs 8 --json ab.json

Each round runs A's benchmark, then B's (B first in odd rounds), each on its own database
holding the same data set (e.g. `createdb -T bench_old bench_new`, then migrate B's copy).
The table gives, per case, the median of every timed request of all rounds, the change from
A to B and both query counts. Only compare figures of one run of this script.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess  # nosec B404 - runs our own manage.py with a fixed argument list
import sys
import tempfile
from pathlib import Path


def run(checkout: str, database_url: str, args, out: Path) -> list[dict]:
    python = Path(checkout) / ".venv" / "bin" / "python"
    command = [
        str(python),
        "manage.py",
        "benchmark",
        "--runs",
        str(args.runs),
        "--warmup",
        str(args.warmup),
        "--json",
        str(out),
    ]
    for text in args.only:
        command += ["--only", text]
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false"}
    env.setdefault("SECRET_KEY", "ab-benchmark-only")
    subprocess.run(command, cwd=checkout, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603  # nosec B603 - no shell
    return json.loads(out.read_text())["rows"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a", nargs=2, metavar=("CHECKOUT", "DATABASE_URL"), required=True)
    parser.add_argument("--b", nargs=2, metavar=("CHECKOUT", "DATABASE_URL"), required=True)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()

    timings: dict[str, dict[str, list[float]]] = {"A": {}, "B": {}}
    queries: dict[str, dict[str, int]] = {"A": {}, "B": {}}
    order: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for round_no in range(args.rounds):
            sides = ("A", "B") if round_no % 2 == 0 else ("B", "A")
            for side in sides:
                checkout, url = args.a if side == "A" else args.b
                out = Path(tmp) / f"{side}{round_no}.json"
                print(f"round {round_no + 1}/{args.rounds}: {side}", file=sys.stderr)
                for row in run(checkout, url, args, out):
                    if row["name"] not in order:
                        order.append(row["name"])
                    timings[side].setdefault(row["name"], []).extend(row["timings_ms"])
                    queries[side][row["name"]] = row["queries"]

    lines = [
        "| case | A median ms | B median ms | B vs A | A queries | B queries |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    result = []
    for name in order:
        a, b = timings["A"].get(name), timings["B"].get(name)
        if not a or not b:
            continue
        med_a, med_b = statistics.median(a), statistics.median(b)
        change = (med_b - med_a) / med_a * 100 if med_a else 0.0
        qa, qb = queries["A"].get(name), queries["B"].get(name)
        lines.append(f"| {name} | {med_a:.1f} | {med_b:.1f} | {change:+.0f} % | {qa} | {qb} |")
        result.append(
            {"case": name, "a_ms": med_a, "b_ms": med_b, "change_pct": change, "a_q": qa, "b_q": qb}
        )
    print("\n".join(lines))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
