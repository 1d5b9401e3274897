"""Scores per process and per group (region, buyer, supplier, market; per year and over all years), with
shrinkage, 90 % intervals, rank intervals and a verdict against peers; stored in the warehouse.

Three indices, 0–100 with 100 the best:

- **integrity** = 100 × (1 − risk), the risk being the share of the red flags that could judge a process
  which it raised (every indicator), shrunk per group toward its peers; the CRI (the mean of the CRI-…
  components and single bidding, R018, equal or calibrated weights) is shown beside it;
- **competition** = 100 × the mean of (1 − the single-bid rate, shrunk the same way), the bidders score and
  (1 − the concentration of the group's awarded value, HHI);
- **transparency** = 100 × the share of ProACT's key fields the group's processes publish.

Groups are compared within peers: regions with regions, buyers with buyers of the same kind (from the
bodies register, where known), suppliers with suppliers, markets with markets. The 20 regions (and the
"republican" group of central bodies) are always listed for a Kazakh dataset, the small ones with wide
intervals.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from adal.scores import stats
from adal.scores.frame import ProcessRow, frame
from adal.warehouse.executor import Executor

LEVELS = ("region", "buyer", "supplier", "market")
ALL_YEARS = 0  # the period "all years"
WHOLE_YEAR = 0  # the month of a yearly (or all-years) score

SCHEMA = """
CREATE TABLE IF NOT EXISTS score_runs (
    run_id INTEGER, computed_at TIMESTAMP, dataset VARCHAR, weights VARCHAR, currency VARCHAR, processes BIGINT,
    calibration VARCHAR  -- the calibration report (Markdown), for calibrated weights
);
CREATE TABLE IF NOT EXISTS score_calibration (
    run_id INTEGER, dataset VARCHAR, component VARCHAR, band VARCHAR, coefficient DOUBLE, standard_error DOUBLE,
    p_value DOUBLE, processes BIGINT, weight DOUBLE
);
CREATE TABLE IF NOT EXISTS process_scores (
    run_id INTEGER, dataset VARCHAR, ocid VARCHAR, year INTEGER, month INTEGER, region VARCHAR, buyer VARCHAR, buyer_kind VARCHAR,
    supplier VARCHAR, market VARCHAR, amount DOUBLE, currency VARCHAR, tenderers BIGINT, single_bid DOUBLE,
    cri DOUBLE, risk DOUBLE, flags_raised INTEGER, flags_computable INTEGER, flags VARCHAR,
    integrity DOUBLE, competition DOUBLE, transparency DOUBLE, components VARCHAR
);
CREATE TABLE IF NOT EXISTS group_scores (
    run_id INTEGER, dataset VARCHAR, level VARCHAR, subject_id VARCHAR, subject_name VARCHAR, peer_group VARCHAR,
    year INTEGER, month INTEGER, processes BIGINT, amount DOUBLE,
    integrity DOUBLE, integrity_low DOUBLE, integrity_high DOUBLE, cri_raw DOUBLE,
    competition DOUBLE, competition_low DOUBLE, competition_high DOUBLE, single_bid_raw DOUBLE,
    mean_bidders DOUBLE, hhi DOUBLE, transparency DOUBLE,
    rank INTEGER, rank_low INTEGER, rank_high INTEGER, ranked INTEGER, verdict VARCHAR, change DOUBLE,
    components VARCHAR, top_processes VARCHAR, contributors VARCHAR,
    population BIGINT, amount_per_capita DOUBLE, risk_by_value DOUBLE
);

"""


@dataclass
class Group:
    level: str
    subject: str
    name: str | None
    peer_group: str
    year: int
    month: int = WHOLE_YEAR
    rows: list[ProcessRow] = field(default_factory=list)


@dataclass
class GroupScore:
    group: Group
    values: dict[str, Any]


def _key_of(level: str) -> Callable[[ProcessRow], str | None]:
    return {
        "region": lambda r: r.region,
        "buyer": lambda r: r.buyer,
        "supplier": lambda r: r.supplier,
        "market": lambda r: r.market,
    }[level]


def _peer_of(level: str, row: ProcessRow) -> str:
    if level == "buyer":
        return row.buyer_kind or "buyers"
    return {"region": "regions", "supplier": "suppliers", "market": "markets"}[level]


def groups(
    rows: list[ProcessRow], level: str, names: dict[str, str], listed: Iterable[str] = ()
) -> list[Group]:
    """The groups of ``level``, over all years, per year and per month (``listed`` subjects appear in every
    period even without processes)."""
    key = _key_of(level)
    found: dict[tuple[str, int, int], Group] = {}
    for row in rows:
        subject = key(row)
        if subject is None:
            continue
        name = names.get(subject) or (
            row.buyer_name if level == "buyer" else row.supplier_name if level == "supplier" else None
        )
        periods = [(ALL_YEARS, WHOLE_YEAR)]
        if row.year is not None:
            periods.append((row.year, WHOLE_YEAR))
            if row.month is not None:
                periods.append((row.year, row.month))
        for year, month in periods:
            g = found.get((subject, year, month))
            if g is None:
                g = found[(subject, year, month)] = Group(
                    level, subject, name, _peer_of(level, row), year, month
                )
            g.rows.append(row)
    periods_seen = {(y, m) for _, y, m in found} or {(ALL_YEARS, WHOLE_YEAR)}
    for subject in listed:
        for year, month in periods_seen:
            if (subject, year, month) not in found:
                found[(subject, year, month)] = Group(
                    level, subject, names.get(subject), "regions", year, month
                )
    return sorted(found.values(), key=lambda g: (g.year, g.month, g.subject))


def score_groups(
    all_groups: list[Group],
    *,
    replicates: int = 200,
    seed: int = 0,
    populations: dict[str, int] | None = None,
) -> list[GroupScore]:
    """Shrunk indices, intervals, ranks with intervals, and verdicts, per (peer group, year); with
    ``populations`` (regions), spending per resident beside them."""
    by_peers: dict[tuple[str, int, int], list[Group]] = defaultdict(list)
    for g in all_groups:
        by_peers[(g.peer_group, g.year, g.month)].append(g)
    out: list[GroupScore] = []
    for _, peers in sorted(by_peers.items()):
        risk = [np.array([c for r in g.rows if (c := r.risk) is not None]) for g in peers]
        single = [np.array([r.single_bid for r in g.rows if r.single_bid is not None]) for g in peers]
        risk_prior = stats.fit_prior([float(a.sum()) for a in risk], [len(a) for a in risk])
        single_prior = stats.fit_prior([float(a.sum()) for a in single], [len(a) for a in single])
        ranks = stats.rank_intervals(risk, risk_prior, replicates=replicates, seed=seed)
        risk_shrunk = stats.shrink_many([float(a.sum()) for a in risk], [len(a) for a in risk], risk_prior)
        single_shrunk = stats.shrink_many(
            [float(a.sum()) for a in single], [len(a) for a in single], single_prior
        )
        for g, r_values, ranked, cri, sb in zip(peers, risk, ranks, risk_shrunk, single_shrunk, strict=True):
            values: dict[str, Any] = {
                "processes": len(g.rows),
                "amount": sum(r.amount for r in g.rows if r.amount is not None) if g.rows else None,
                "integrity": 100 * (1 - cri.mean),
                "integrity_low": 100 * (1 - cri.high),
                "integrity_high": 100 * (1 - cri.low),
                "cri_raw": _mean([c for r in g.rows if (c := r.cri) is not None]),
                **_competition(g.rows, sb),
                "single_bid_raw": sb.raw,
                "mean_bidders": _mean([float(r.tenderers) for r in g.rows if r.tenderers is not None]),
                "hhi": _hhi(g.rows),
                "population": (populations or {}).get(g.subject),
                "risk_by_value": _by_value(g.rows),
                "transparency": _percent(_mean([r.transparency for r in g.rows])),
                "rank": ranked.rank,
                "rank_low": ranked.low,
                "rank_high": ranked.high,
                "ranked": len(peers),
                "verdict": _verdict(cri, risk_prior, len(r_values)),
                "components": _components(g.rows),
                "top_processes": _top(g.rows),
                "contributors": _contributors(g) if g.level == "region" else [],
            }
            out.append(GroupScore(g, values))
    for score in out:
        v = score.values
        v["amount_per_capita"] = v["amount"] / v["population"] if v["amount"] and v["population"] else None
    _changes(out)
    return out


def _verdict(cri: stats.Shrunk, prior: stats.Prior, n: int) -> str:
    if n == 0:
        return "no processes with a risk score"
    # Risk higher than peers means integrity lower than peers.
    return {
        "higher than peers": "riskier than peers",
        "lower than peers": "less risky than peers",
    }.get(stats.verdict(cri, prior.mean), "not distinguishable from peers")


def _competition(rows: list[ProcessRow], single: stats.Shrunk) -> dict[str, float | None]:
    """The competition index, 0–100: the mean of (1 − shrunk single-bid rate), the bidders score (mean
    bidders − 1, out of 4: five or more bidders score full) and (1 − HHI of the awarded value), over those
    known; its interval carries the single-bid rate's."""
    bidders = _mean([float(r.tenderers) for r in rows if r.tenderers is not None])
    others = []
    if bidders is not None:
        others.append(min(max(bidders - 1, 0.0), 4.0) / 4)
    hhi = _hhi(rows)
    if hhi is not None:
        others.append(1 - hhi)

    def index(single_rate: float) -> float:
        parts = [1 - single_rate, *others]
        return 100 * sum(parts) / len(parts)

    return {
        "competition": index(single.mean),
        "competition_low": index(single.high),
        "competition_high": index(single.low),
    }


def _by_value(rows: list[ProcessRow]) -> float | None:
    """Risk weighted by money: the share of the group's spending that went through risky processes' flags
    (sum of risk × amount over the sum of amounts), fairer where a few large purchases carry the stakes."""
    pairs = [(r.risk, r.amount) for r in rows if r.risk is not None and r.amount is not None and r.amount > 0]
    whole = sum(a for _, a in pairs)
    return sum(risk * a for risk, a in pairs) / whole if whole else None


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _hhi(rows: list[ProcessRow]) -> float | None:
    """Concentration of the group's awarded value among suppliers: sum of squared shares (0–1)."""
    totals: dict[str, float] = defaultdict(float)
    for r in rows:
        if r.supplier is not None and r.amount is not None and r.amount > 0:
            totals[r.supplier] += r.amount
    whole = sum(totals.values())
    if whole <= 0:
        return None
    return sum((v / whole) ** 2 for v in totals.values())


def _components(rows: list[ProcessRow]) -> dict[str, dict[str, float]]:
    """Per CRI component: processes computable, and the mean score among them."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        for code, value in r.components.items():
            sums[code][0] += 1
            sums[code][1] += value
    return {code: {"computable": n, "mean": total / n} for code, (n, total) in sorted(sums.items())}


def _top(rows: list[ProcessRow], n: int = 5) -> list[dict[str, Any]]:
    """The processes that drive the group's risk: risk × money at stake (risk alone where no amount)."""
    scored = [(r, r.risk or 0.0) for r in rows if r.risk]
    scored.sort(key=lambda item: (-(item[1] * (item[0].amount or 0.0)), -item[1], item[0].ocid))
    return [
        {
            "ocid": r.ocid,
            "risk": round(risk, 4),
            "cri": None if r.cri is None else round(r.cri, 4),
            "amount": r.amount,
            "flags": list(r.codes),
        }
        for r, risk in scored[:n]
    ]


def _contributors(g: Group, n: int = 5) -> list[dict[str, Any]]:
    """The buyers of a region that carry its risk: their share of the region's summed process risk."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    names: dict[str, str | None] = {}
    for r in g.rows:
        if r.buyer is None or r.risk is None:
            continue
        totals[r.buyer][0] += r.risk
        totals[r.buyer][1] += 1
        names[r.buyer] = r.buyer_name
    whole = sum(t for t, _ in totals.values())
    ordered = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))[:n]
    return [
        {"buyer": b, "name": names[b], "processes": int(k), "share_of_risk": (t / whole) if whole else None}
        for b, (t, k) in ordered
    ]


def _changes(scores: list[GroupScore]) -> None:
    """Each yearly or monthly score's change in integrity against the same subject a year before."""
    by_key = {(s.group.level, s.group.subject, s.group.year, s.group.month): s for s in scores}
    for s in scores:
        s.values["change"] = None
        if s.group.year == ALL_YEARS:
            continue
        before = by_key.get((s.group.level, s.group.subject, s.group.year - 1, s.group.month))
        if before is not None and before.values["processes"] and s.values["processes"]:
            s.values["change"] = s.values["integrity"] - before.values["integrity"]


def region_populations(registers: Any) -> dict[str, int]:
    """Residents per region or city (territory register); the republican group has none."""
    return {
        kato: int(row["population"])
        for kato, row in getattr(registers, "territory", {}).items()
        if row.get("kind") in {"region", "city"} and row.get("population")
    }


def region_names(registers: Any) -> tuple[dict[str, str], list[str]]:
    """Names of the regions (and the republican group), and the 20 regions + republican that are always listed."""
    names: dict[str, str] = {"republican": "Central (republican) bodies"}
    listed: list[str] = []
    for kato, row in getattr(registers, "territory", {}).items():
        if row.get("kind") in {"region", "city"}:
            names[kato] = row.get("name_en") or row.get("name_ru") or kato
            listed.append(kato)
    if listed:
        listed.append("republican")
    return names, sorted(listed)


@dataclass
class ScoreRun:
    run_id: int
    datasets: dict[str, int]  # processes per dataset


def compute(
    path: str, *, only: str | None = None, replicates: int = 200, seed: int = 0, weights: str = "equal"
) -> ScoreRun:
    """Score every dataset (or ``only``) of the warehouse at ``path`` and store the scores in one transaction.

    ``weights``: ``equal`` (the CRI is the mean of its components) or ``calibrated`` (weighted by how strongly
    each predicts single bidding in the dataset: :mod:`adal.scores.calibrate`)."""
    from adal.errors import UsageError
    from adal.indicators.registers import Registers
    from adal.scores.calibrate import calibrate, report

    with Executor(path, read_only=True) as ex:
        datasets = [r[0] for r in ex.query("SELECT DISTINCT dataset FROM processes ORDER BY 1")]
        if only is not None:
            if only not in datasets:
                raise UsageError(f"{path}: no dataset {only!r} (datasets: {', '.join(datasets) or 'none'})")
            datasets = [only]
        registers = Registers.from_warehouse(ex)
        computed = {}
        for dataset in datasets:
            rows, currency = frame(ex, dataset, registers)
            calibration = None
            if weights == "calibrated":
                calibration = calibrate(rows)
                for r in rows:
                    r.weights = calibration.weights
            names, listed = region_names(registers)
            kazakh = any(r.region in names for r in rows)
            scored: list[GroupScore] = []
            for level in LEVELS:
                level_groups = groups(
                    rows,
                    level,
                    names if level == "region" else {},
                    listed if level == "region" and kazakh else (),
                )
                populations = region_populations(registers) if level == "region" else None
                scored.extend(
                    score_groups(level_groups, replicates=replicates, seed=seed, populations=populations)
                )
            computed[dataset] = (rows, currency, scored, calibration)
    with Executor(path) as ex:
        _schema(ex)
        ex.execute("BEGIN TRANSACTION")
        try:
            run_id = int(ex.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM score_runs"))
            for dataset, (rows, currency, scored, calibration) in computed.items():
                for table in ("process_scores", "group_scores", "score_runs", "score_calibration"):
                    ex.execute(f"DELETE FROM {table} WHERE dataset = ?", [dataset])
                text = report(calibration, dataset) if calibration is not None else None
                ex.execute(
                    "INSERT INTO score_runs VALUES (?, now(), ?, ?, ?, ?, ?)",
                    [run_id, dataset, weights, currency, len(rows), text],
                )
                if calibration is not None and calibration.terms:
                    ex.connection.executemany(
                        "INSERT INTO score_calibration VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [
                            [run_id, dataset, t.component, t.band, t.coefficient, t.standard_error, t.p_value,
                             t.processes, calibration.weights.get(t.component, 0.0)]
                            for t in calibration.terms
                        ],
                    )  # fmt: skip
                _insert(ex, "process_scores", [_process_record(run_id, dataset, currency, r) for r in rows])
                _insert(ex, "group_scores", [_group_record(run_id, dataset, s) for s in scored])
            ex.execute("COMMIT")
        except BaseException:
            ex.execute("ROLLBACK")
            raise
    return ScoreRun(run_id, {d: len(c[0]) for d, c in computed.items()})


def _process_record(run_id: int, dataset: str, currency: str | None, r: ProcessRow) -> tuple[Any, ...]:
    risk = r.risk
    return (
        run_id, dataset, r.ocid, r.year, r.month, r.region, r.buyer, r.buyer_kind, r.supplier, r.market, r.amount, currency,
        r.tenderers, r.single_bid, r.cri, risk, r.flagged, r.computable, json.dumps(list(r.codes)),
        None if risk is None else 100 * (1 - risk),
        None if r.single_bid is None else 100 * (1 - r.single_bid), 100 * r.transparency, json.dumps(r.components),
    )  # fmt: skip


def _group_record(run_id: int, dataset: str, s: GroupScore) -> tuple[Any, ...]:
    g, v = s.group, s.values
    return (
        run_id, dataset, g.level, g.subject, g.name, g.peer_group, g.year, g.month, v["processes"], v["amount"],
        v["integrity"], v["integrity_low"], v["integrity_high"], v["cri_raw"],
        v["competition"], v["competition_low"], v["competition_high"], v["single_bid_raw"],
        v["mean_bidders"], v["hhi"], v["transparency"], v["rank"], v["rank_low"], v["rank_high"], v["ranked"],
        v["verdict"], v["change"], json.dumps(v["components"]), json.dumps(v["top_processes"]),
        json.dumps(v["contributors"], ensure_ascii=False), v["population"], v["amount_per_capita"], v["risk_by_value"],
    )  # fmt: skip


def _schema(ex: Executor) -> None:
    """Create the score tables; tables of an older layout are dropped first (scores are derived data, and
    the run that follows writes them again)."""
    import duckdb

    probe = duckdb.connect()
    probe.execute(SCHEMA)
    for (table,) in probe.execute("SELECT table_name FROM information_schema.tables").fetchall():
        wanted = [r[0] for r in probe.execute(f"DESCRIBE {table}").fetchall()]
        if ex.has_table(table) and [r[0] for r in ex.query(f"DESCRIBE {table}")] != wanted:
            ex.execute(f"DROP TABLE {table}")
    probe.close()
    ex.connection.execute(SCHEMA)


def _insert(ex: Executor, table: str, rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    import pyarrow as pa

    names = [
        r[0]
        for r in ex.query(
            f"SELECT column_name FROM information_schema.columns WHERE table_name = '{table}' ORDER BY ordinal_position"
        )
    ]
    data = pa.table(
        {name: pa.array(list(column)) for name, column in zip(names, zip(*rows, strict=True), strict=True)}
    )
    ex.connection.register("_rows", data)
    try:
        ex.execute(f"INSERT INTO {table} SELECT * FROM _rows")
    finally:
        ex.connection.unregister("_rows")


def ensure(path: str, console: Any = None, weights: str | None = "equal") -> None:
    """Score the warehouse when it has no scores, when its flags are newer than its scores, or when it was
    scored with other ``weights`` (None: any will do); compute the flags first when it has none, or when data
    were loaded after them. Says what it does on ``console``."""
    from adal.errors import UsageError
    from adal.indicators import settings as settings_module
    from adal.indicators.registry import REGISTRY
    from adal.indicators.warehouse import compute as compute_flags

    with Executor(path, read_only=True) as ex:
        if not ex.scalar("SELECT count(*) FROM processes"):
            raise UsageError(f"{path}: the warehouse holds no processes; run `adal ingest PATH` first")
        flags_at = (
            ex.scalar("SELECT max(finished_at) FROM indicator_runs")
            if ex.has_table("indicator_runs")
            else None
        )
        scores_at = (
            ex.scalar("SELECT max(computed_at) FROM score_runs") if ex.has_table("score_runs") else None
        )
        if (
            scores_at is not None
            and weights is not None
            and ex.scalar("SELECT count(*) FROM score_runs WHERE weights <> ?", [weights])
        ):
            scores_at = None  # scored with other weights
        loaded_at = ex.scalar("SELECT max(finished_at) FROM ingest_runs WHERE loaded > 0")
    if flags_at is None or (loaded_at is not None and flags_at < loaded_at):
        if console is not None:
            why = "has no flags yet" if flags_at is None else "holds data loaded after its flags"
            console.print(f"adal: {path} {why}: running every indicator first (adal indicators)")
        versions = {code: i.version for code, i in REGISTRY.items()}
        compute_flags(path, settings_module.defaults(list(REGISTRY)), versions, arguments="scores")
        flags_at = None  # newer than any score now
    if scores_at is None or flags_at is None or scores_at < flags_at:
        if console is not None:
            console.print(f"adal: scoring {path} (indices, intervals, ranks; {weights or 'equal'} weights)")
        compute(path, weights=weights or "equal")
