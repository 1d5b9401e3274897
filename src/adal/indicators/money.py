"""Amounts in other currencies, converted at the rate of their date from a dated rate table.

The table is CSV with columns ``date`` (YYYY-MM-DD), ``from``, ``to`` and ``rate`` (units of ``to`` for one
unit of ``from``). An amount converts at the latest rate on or before its date; an amount without a date,
or dated before the first rate, does not convert, and is left out as Cardinal leaves out every amount in
another currency. Only adal's format converts; ``--format cardinal`` keeps Cardinal's rule.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
from pathlib import Path

from adal.errors import UsageError


class Rates:
    def __init__(self, table: dict[tuple[str, str], list[tuple[dt.date, float]]], path: str) -> None:
        self.table = {key: sorted(rows) for key, rows in table.items()}
        self.days = {key: [d for d, _ in rows] for key, rows in self.table.items()}
        self.path = path

    @classmethod
    def read(cls, path: str) -> Rates:
        table: dict[tuple[str, str], list[tuple[dt.date, float]]] = {}
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                reader = csv.DictReader(f)
                missing = {"date", "from", "to", "rate"} - set(reader.fieldnames or ())
                if missing:
                    raise UsageError(
                        f"{path}: a rate table needs the columns date, from, to, rate (missing {', '.join(sorted(missing))})"
                    )
                for row in reader:
                    where = f"{path}: line {reader.line_num}"
                    try:
                        day = dt.date.fromisoformat(row["date"].strip())
                    except ValueError:
                        raise UsageError(f"{where}: date is {row['date']!r}, expected YYYY-MM-DD") from None
                    try:
                        rate = float(row["rate"])
                    except ValueError:
                        raise UsageError(f"{where}: rate is {row['rate']!r}, expected a number") from None
                    if not rate > 0:
                        raise UsageError(f"{where}: rate is {rate}, expected a positive number")
                    table.setdefault((row["from"].strip(), row["to"].strip()), []).append((day, rate))
        except OSError as error:
            raise UsageError(f"{path}: cannot read the rate table ({error.strerror or error})") from error
        return cls(table, str(Path(path)))

    def convert(self, amount: float, source: str, target: str, date: str | None) -> float | None:
        """``amount`` of ``source`` in ``target`` at the rate of ``date`` (an ISO date or timestamp), or None."""
        if source == target:
            return amount
        if date is None or len(date) < 10:
            return None
        try:
            day = dt.date.fromisoformat(date[:10])
        except ValueError:
            return None
        for key, inverse in (((source, target), False), ((target, source), True)):
            days = self.days.get(key)
            if not days:
                continue
            at = bisect.bisect_right(days, day) - 1
            if at < 0:
                return None
            rate = self.table[key][at][1]
            return amount / rate if inverse else amount * rate
        return None
