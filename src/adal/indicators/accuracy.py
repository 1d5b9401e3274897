"""How well each indicator finds what was planted: precision and recall against a synthetic world's ground
truth, the flag rate on clean subjects, and the firing rate on real data.

The synthetic world (``adal synth``) plants schemes and writes ``ground_truth.jsonl``: each case names its
scheme, its processes (ocids), buyers and suppliers (BINs). An indicator is scored at the level it flags:

- a process-level (or lot-level) flag is right for a scheme when its process is one of a case's processes;
- a buyer / procuring-entity flag when the organisation is one of a case's buyers;
- a tenderer flag when it is one of a case's suppliers.

For each indicator and level: **precision** = flagged subjects that are in some case / flagged subjects;
**recall** for a scheme = that scheme's subjects the indicator flagged / that scheme's subjects (a subject
it could not compute counts as missed); the **clean flag rate** = flagged subjects in no case / subjects in
no case that the indicator looked at. On real data there is no truth, only the **firing rate**: flagged
processes / processes the indicator could compute (of datasets with at least ``MIN_PROCESSES``). An indicator that fires on most of them is a
false-positive machine on that data, and its page says so.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adal.indicators.registers import bin_of

# Levels scored against the ground truth, and what of a case they are scored against.
_TRUTH_FIELD = {
    "process": "ocids",
    "lot": "ocids",
    "buyer": "buyers",
    "procuring_entity": "buyers",
    "tenderer": "suppliers",
}
FALSE_POSITIVE_MACHINE = 0.5  # firing on at least half the computable processes of a real dataset …
MIN_PROCESSES = 100  # … of at least this many: a handful of processes says nothing either way


@dataclass(frozen=True)
class Truth:
    """The planted cases of a world: per scheme, the subjects of each kind."""

    schemes: tuple[str, ...]
    subjects: dict[str, dict[str, set[str]]]  # kind (ocids|buyers|suppliers) -> scheme -> subjects
    cases: int

    @classmethod
    def read(cls, path: str | Path) -> Truth:
        subjects: dict[str, dict[str, set[str]]] = {
            k: defaultdict(set) for k in ("ocids", "buyers", "suppliers")
        }
        schemes: dict[str, None] = {}
        cases = 0
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                case = json.loads(line)
                cases += 1
                scheme = case["scheme"]
                schemes[scheme] = None
                for kind in subjects:
                    subjects[kind][scheme].update(case.get(kind) or ())
        return cls(tuple(schemes), {k: dict(v) for k, v in subjects.items()}, cases)

    def positives(self, kind: str) -> set[str]:
        return set().union(*self.subjects[kind].values()) if self.subjects[kind] else set()


def _subject_key(level: str, subject: str) -> str:
    """The ground truth's name for a flagged subject: the ocid of a lot; the BIN digits of an organisation."""
    if level == "lot":
        return subject.split("/lots/", 1)[0]
    if level in ("buyer", "procuring_entity", "tenderer"):
        return bin_of(subject) or subject
    return subject


@dataclass
class Score:
    code: str
    level: str
    flagged: int
    looked_at: int  # subjects with any result (flagged, not flagged or not computable)
    precision: float | None  # None: nothing flagged
    clean_rate: float | None
    recall: dict[str, float | None] = field(default_factory=dict)  # scheme -> recall (None: no such subjects)
    scheme_precision: dict[str, float | None] = field(default_factory=dict)

    def best(self) -> tuple[str, float] | None:
        """The scheme this indicator finds best (highest recall), if it finds any."""
        found = [(s, r) for s, r in self.recall.items() if r]
        return max(found, key=lambda item: item[1]) if found else None

    def lift(self) -> float | None:
        """The best recall over the clean flag rate: how much likelier a planted subject is flagged than a
        clean one (1: no better than chance)."""
        best = self.best()
        if best is None or not self.clean_rate:
            return None
        return best[1] / self.clean_rate


def score(
    truth: Truth, rows: Iterable[tuple[str, str, str, str]], universe: dict[str, set[str]] | None = None
) -> list[Score]:
    """Scores from flag rows ``(code, subject_type, subject_id, state)`` of the world's dataset.

    ``universe`` (kind -> subjects: every process, buyer and supplier of the world) is what the clean flag
    rate is taken over; without it, over the subjects the indicator gave a result for (an indicator that
    speaks only of the organisations it flags then has no clean rate to show)."""
    states: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for code, level, subject, state in rows:
        if level not in _TRUTH_FIELD:
            continue
        key = _subject_key(level, subject)
        seen = states[(code, level)]
        # A process with several lots is flagged when one of its lots is.
        if seen.get(key) != "flagged":
            seen[key] = state
    out = []
    for (code, level), seen in sorted(states.items()):
        kind = _TRUTH_FIELD[level]
        positives = truth.positives(kind)
        flagged = {s for s, state in seen.items() if state == "flagged"}
        clean = (universe[kind] if universe and kind in universe else set(seen)) - positives
        scored = Score(
            code,
            level,
            len(flagged),
            len(seen),
            _ratio(len(flagged & positives), len(flagged)),
            _ratio(len(flagged & clean), len(clean)),
        )
        for scheme in truth.schemes:
            planted = truth.subjects[kind].get(scheme, set())
            scored.recall[scheme] = _ratio(len(flagged & planted), len(planted))
            scored.scheme_precision[scheme] = _ratio(len(flagged & planted), len(flagged))
        out.append(scored)
    return out


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return f"{100 * value:.0f} %" if value >= 0.095 or value == 0 else f"{100 * value:.1f} %"


@dataclass
class Report:
    """Everything ``adal accuracy`` measured, as written to ``accuracy.json``."""

    world: dict[str, Any]  # scale, seed, generator version, processes, cases
    scores: list[Score]
    real: dict[str, dict[str, tuple[int, int]]]  # dataset -> code -> (flagged, computable)
    codes: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "world": self.world,
            "scores": [vars(s) for s in self.scores],
            "real": {d: {c: list(v) for c, v in counts.items()} for d, counts in self.real.items()},
            "codes": self.codes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls(
            data["world"],
            [Score(**s) for s in data["scores"]],
            {d: {c: (v[0], v[1]) for c, v in counts.items()} for d, counts in data["real"].items()},
            data["codes"],
        )

    def noisy(self, code: str) -> list[tuple[str, float]]:
        """Real datasets on which ``code`` fires on most computable processes: (dataset, rate)."""
        out = []
        for dataset, counts in self.real.items():
            flagged, computable = counts.get(code, (0, 0))
            if computable >= MIN_PROCESSES and flagged / computable >= FALSE_POSITIVE_MACHINE:
                out.append((dataset, flagged / computable))
        return out


def markdown(report: Report) -> str:
    """``docs/indicators/accuracy.md``."""
    w = report.world
    schemes = list(dict.fromkeys(s for sc in report.scores for s in sc.recall))
    lines = [
        "# Detection accuracy",
        "",
        "<!-- Generated by `adal accuracy`; do not edit by hand. -->",
        "",
        f"Measured by `{w['command']}` on the synthetic world of scale `{w['scale']}`, seed {w['seed']}"
        f" (generator {w['generator_version']}): {w['processes']:,} processes, {w['cases']:,} planted cases"
        f" of {len(schemes)} schemes. The same command regenerates this page exactly.",
        "",
        "A flag is a reason to look closer, not a finding. The synthetic world plants known schemes among honest",
        "noise (single bids, data gaps, late deliveries that are nobody's fault), so these figures say how often",
        "an indicator points at a planted case, and how often at an honest one. They are measured on synthetic",
        "data: real schemes are subtler, and real data has gaps the world only imitates.",
        "",
        "- **precision**: of the subjects flagged, the share that belong to a planted case (any scheme);",
        "- **clean flag rate**: of the subjects in no case that the indicator looked at, the share flagged;",
        "- **recall**: of a scheme's subjects (its processes, buyers or suppliers, by the indicator's level),",
        "  the share flagged — a subject the indicator could not compute counts as missed.",
        "",
        "What the world cannot measure yet: it plants no foreign supplier (CRI-TAX-HAVEN), no price-offers",
        "purchase above its limit (KZ-MRP-THRESHOLD), no overpayment (R068), no company missing from the",
        "register (R045); and its honest buyers keep buying from suppliers on the register of unscrupulous",
        "suppliers, which the real portal would refuse — so R046 and KZ-DEBARRED-BIDDER fire on honest",
        "processes here, and their precision below says more about the world than about them.",
        "",
        "## Summary",
        "",
        "- **lift**: the best recall over the clean flag rate — how much likelier a planted subject is flagged",
        "  than a clean one (1×: no better than chance; — : no clean subject flagged).",
        "",
        "| Code | Level | Flagged | Precision | Clean flag rate | Finds best | Recall there | Lift |",
        "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    by_code: dict[str, list[Score]] = defaultdict(list)
    for s in report.scores:
        by_code[s.code].append(s)
    for code in report.codes:
        anchor = f'<a id="{code.lower()}"></a>'
        if not by_code.get(code):
            lines.append(f"| {anchor}{code} | — | 0 | — | — | nothing scored in the world | — | — |")
            continue
        for i, s in enumerate(by_code[code]):
            best = s.best()
            lines.append(
                f"| {anchor if i == 0 else ''}{code} | {s.level} | {s.flagged:,} | {percent(s.precision)} | "
                f"{percent(s.clean_rate)} | {best[0].replace('_', ' ') if best else '—'} | "
                f"{percent(best[1]) if best else '—'} | {_times(s.lift())} |"
            )
    lines += [
        "",
        "## Recall by scheme",
        "",
        "The share of each scheme's subjects (processes, buyers or suppliers, by the level) the indicator flags.",
        "",
        "| Code | Level | " + " | ".join(s.replace("_", " ") for s in schemes) + " |",
        "| --- | --- | " + " | ".join("---:" for _ in schemes) + " |",
    ]
    for code in report.codes:
        for s in by_code.get(code, []):
            lines.append(
                f"| {code} | {s.level} | " + " | ".join(percent(s.recall.get(x)) for x in schemes) + " |"
            )
    datasets = sorted(
        d
        for d, counts in report.real.items()
        if max((n for _, n in counts.values()), default=0) >= MIN_PROCESSES
    )
    small = sorted(set(report.real) - set(datasets))
    lines += [
        "",
        "## Firing rate on real data",
        "",
        "Flagged processes / processes the indicator could compute, per real dataset (`—`: none computable),",
        f"for the datasets where some indicator could compute {MIN_PROCESSES} processes or more.",
        f"**Bold**: fires on {FALSE_POSITIVE_MACHINE:.0%} or more of them — on that data the indicator is a",
        "false-positive machine, and its page says so.",
        "",
    ]
    if datasets:
        lines += [
            "| Code | " + " | ".join(f"`{d}`" for d in datasets) + " |",
            "| --- | " + " | ".join("---:" for _ in datasets) + " |",
        ]
        for code in report.codes:
            cells = []
            for d in datasets:
                flagged, computable = report.real[d].get(code, (0, 0))
                rate = flagged / computable if computable else None
                text = percent(rate)
                if rate is not None and rate >= FALSE_POSITIVE_MACHINE and computable >= MIN_PROCESSES:
                    text = f"**{text}**"
                cells.append(f"{text} ({flagged:,}/{computable:,})" if computable else text)
            lines.append(f"| {code} | " + " | ".join(cells) + " |")
    else:
        lines.append("No real dataset large enough was given (`--real`).")
    if small:
        lines += ["", f"Smaller datasets, in `accuracy.json` only: {', '.join(f'`{d}`' for d in small)}."]
    return "\n".join(lines) + "\n"


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}×"


# -- the generated line on each methodology page ------------------------------------------------------------

BEGIN, END = "<!-- accuracy: generated by adal accuracy -->", "<!-- /accuracy -->"

_TEXT = {
    "en": {
        "measured": "Measured on the synthetic world (`{scale}`, seed {seed}): {levels}.",
        "level": "{level}: precision {precision}, clean flag rate {clean}, best recall {recall} ({scheme}), lift {lift}",
        "none": "Measured on the synthetic world (`{scale}`, seed {seed}): it flagged nothing there.",
        "noisy": "**On real data it fires on most processes it can compute ({where}): there it is a false-positive "
        "machine — read its flags as context, not as leads.**",
        "table": "Full tables: [accuracy.md](accuracy.md#{anchor}).",
    },
    "ru": {
        "measured": "Измерено на синтетическом мире (`{scale}`, seed {seed}): {levels}.",
        "level": "{level}: точность {precision}, доля флагов среди чистых {clean}, лучшая полнота {recall} ({scheme}), "
        "подъём {lift}",
        "none": "Измерено на синтетическом мире (`{scale}`, seed {seed}): там индикатор ничего не отметил.",
        "noisy": "**На реальных данных индикатор срабатывает на большинстве процессов, которые может оценить "
        "({where}): там он — машина ложных срабатываний; его флаги — фон, а не зацепки.**",
        "table": "Полные таблицы: [accuracy.md](../accuracy.md#{anchor}).",
    },
}


def page_block(report: Report, code: str, language: str) -> str:
    """The generated lines of a page's Accuracy section (``language``: en, or ru for the ru and kk pages)."""
    t = _TEXT[language]
    w = report.world
    scores = [s for s in report.scores if s.code == code]
    parts = []
    for s in scores:
        best = s.best()
        parts.append(
            t["level"].format(
                level=s.level,
                precision=percent(s.precision),
                clean=percent(s.clean_rate),
                recall=percent(best[1]) if best else "—",
                scheme=best[0].replace("_", " ") if best else "—",
                lift=_times(s.lift()),
            )
        )
    lines = [BEGIN]
    if parts:
        lines.append(t["measured"].format(scale=w["scale"], seed=w["seed"], levels="; ".join(parts)))
    else:
        lines.append(t["none"].format(scale=w["scale"], seed=w["seed"]))
    noisy = report.noisy(code)
    if noisy:
        where = ", ".join(f"`{d}` {percent(rate)}" for d, rate in noisy)
        lines += ["", t["noisy"].format(where=where)]
    lines += ["", t["table"].format(anchor=code.lower()), END]
    return "\n".join(lines)


def with_block(text: str, block: str, heading: str) -> str:
    """``text`` with the generated block replaced, or inserted under ``heading`` when it has none."""
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + block + tail
    marker = f"\n## {heading}\n"
    if marker not in text:
        raise ValueError(f"no section {heading!r}")
    head, tail = text.split(marker, 1)
    return f"{head}{marker}\n{block}\n{tail}"
