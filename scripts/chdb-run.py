#!/usr/bin/env python3
"""Run a SQL file against current ClickHouse, embedded through chdb (chdb-core), in one session.

Checks that bereik's SQL also works on a recent ClickHouse, next to the 18.16 server of the local
stack. Run it with the venv's Python that `ensureChdb()` in src/stack/chdb.ts installs:

    .stack/installs/chdb-venv/bin/python scripts/chdb-run.py schema.sql
    echo 'SELECT version();' | .stack/installs/chdb-venv/bin/python scripts/chdb-run.py -

Statements are separated by a `;` at the end of a line (a line holding only `;` works too);
lines that hold only a `--` comment are skipped. Each statement's result is printed in the chosen
format (TabSeparated by default). On an error the statement, its line number and ClickHouse's
message go to stderr and the exit code is 1; with --keep-going the remaining statements still
run (each failing one is reported) and the exit code is 1 when any failed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass


@dataclass
class Statement:
    line: int
    sql: str


def split_statements(text: str) -> list[Statement]:
    """Splits on `;` at the end of a line (not in a comment line); one inside a line is left to ClickHouse."""
    statements: list[Statement] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not current and (stripped == "" or stripped.startswith("--")):
            continue
        if not current:
            start = number
        if stripped.endswith(";") and not stripped.startswith("--"):
            current.append(raw.rstrip()[:-1])
            sql = "\n".join(current).strip()
            if sql:
                statements.append(Statement(start, sql))
            current = []
        else:
            current.append(raw)
    sql = "\n".join(current).strip()
    if sql and not all(l.strip() == "" or l.strip().startswith("--") for l in current):
        statements.append(Statement(start, sql))
    return statements


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="SQL file, or - for standard input")
    parser.add_argument("--format", default="TabSeparated", help="output format of results (default TabSeparated)")
    parser.add_argument("--keep-going", action="store_true", help="run every statement even after an error")
    parser.add_argument("--path", default=None, help="keep the session's data in this folder (default: temporary)")
    parser.add_argument("--echo", action="store_true", help="print each statement before its result")
    args = parser.parse_args()

    try:
        import chdb  # noqa: PLC0415 (imported here so --help works without chdb)
        from chdb import session as chdb_session  # noqa: PLC0415
    except ImportError as error:
        print(f"chdb is not installed in this Python ({sys.executable}): {error}", file=sys.stderr)
        return 2

    text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()
    statements = split_statements(text)
    failures = 0
    session = chdb_session.Session(args.path) if args.path else chdb_session.Session()
    try:
        for statement in statements:
            if args.echo:
                print(f"-- line {statement.line}: {statement.sql}", flush=True)
            try:
                result = session.query(statement.sql, args.format)
            except Exception as error:  # chdb raises ChdbError (a RuntimeError) with ClickHouse's message
                failures += 1
                print(f"ERROR at line {statement.line}: {statement.sql}\n  {error}", file=sys.stderr, flush=True)
                if not args.keep_going:
                    break
                continue
            output = str(result)
            if output:
                sys.stdout.write(output if output.endswith("\n") else output + "\n")
                sys.stdout.flush()
    finally:
        session.close()
    if args.echo:
        print(f"-- ClickHouse {chdb.engine_version}: {len(statements)} statements, {failures} failed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
