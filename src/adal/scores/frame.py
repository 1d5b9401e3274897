"""One row per contracting process with what the scores need: when, where, who bought, who won, what market,
how much, how many bid, which key fields were published, and the risk components the indicators found.

Built in SQL over the canonical tables and the stored flags (run ``adal indicators`` first), one dataset at
a time: processes of different publishers, currencies or worlds are never mixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.warehouse.executor import Executor

# Single bidding is the outcome GTI calibrates against, and a CRI component itself (R018: one tenderer in a
# competitive procedure). The other components are adal's CRI-… indicators, whichever are registered.
SINGLE_BID = "R018"

# ProACT's transparency list, as canonical columns: a process scores the share of these it publishes.
TRANSPARENCY_FIELDS = (
    "title",
    "procurement_method",
    "tender_value",
    "tender_period_start",
    "tender_period_end",
    "bidders",
    "buyer_identifier",
    "award_date",
    "award_value",
    "supplier_identifier",
    "contract_value",
    "item_classification",
)

FRAME_SQL = """
WITH main_currency AS (
    -- The commonest currency of the awards' values; where awards carry none, of the tenders' estimates.
    SELECT currency FROM (
        SELECT value_currency AS currency, 0 AS preference FROM awards
        WHERE dataset = $1 AND value_currency IS NOT NULL AND value_amount IS NOT NULL
        UNION ALL
        SELECT value_currency, 1 FROM processes
        WHERE dataset = $1 AND value_currency IS NOT NULL AND value_amount IS NOT NULL
    ) GROUP BY currency ORDER BY min(preference), count(*) DESC, currency LIMIT 1
), active AS (
    SELECT a.ocid, a.award_id, a.date, a.value_amount, a.value_currency
    FROM awards a WHERE a.dataset = $1 AND coalesce(a.status, 'active') = 'active'
), awarded AS (
    SELECT ocid, min(date) AS first_award,
           sum(value_amount) FILTER (WHERE value_currency = (SELECT currency FROM main_currency)) AS amount,
           count(*) FILTER (WHERE value_amount IS NOT NULL) AS valued
    FROM active GROUP BY ocid
), winners AS (
    SELECT s.ocid, s.org_key, s.name,
           row_number() OVER (PARTITION BY s.ocid ORDER BY a.value_amount DESC NULLS LAST, s.award_position, s.party_id) AS n
    FROM award_suppliers s JOIN active a ON a.ocid = s.ocid AND a.award_id IS NOT DISTINCT FROM s.award_id
    WHERE s.dataset = $1
), buyer AS (
    SELECT pa.ocid, pa.org_key, pa.name, pa.region,
           row_number() OVER (PARTITION BY pa.ocid ORDER BY pa.position) AS n
    FROM parties pa JOIN processes p ON p.dataset = pa.dataset AND p.ocid = pa.ocid
         AND coalesce(p.buyer_party_id, p.procuring_entity_party_id) = pa.party_id
    WHERE pa.dataset = $1
), market AS (
    SELECT ocid, arg_min(classification_id, position) AS classification
    FROM items WHERE dataset = $1 AND classification_id IS NOT NULL GROUP BY ocid
), bidders AS (
    SELECT ocid, count(DISTINCT org_key) AS tenderers FROM bid_tenderers WHERE dataset = $1 GROUP BY ocid
), contracted AS (
    SELECT ocid, bool_or(value_amount IS NOT NULL) AS valued FROM contracts WHERE dataset = $1 GROUP BY ocid
)
SELECT
    p.ocid,
    coalesce(w.first_award, p.tender_period_start, p.date) AS period_date,
    coalesce(b.org_key, p.buyer_party_id, p.procuring_entity_party_id) AS buyer,
    coalesce(b.name, p.buyer_name, p.procuring_entity_name) AS buyer_name, b.region AS buyer_region,
    win.org_key AS supplier, win.name AS supplier_name,
    m.classification,
    coalesce(w.amount, CASE WHEN p.value_currency = (SELECT currency FROM main_currency) THEN p.value_amount END) AS amount,
    (SELECT currency FROM main_currency) AS currency,
    coalesce(bd.tenderers, p.number_of_tenderers) AS tenderers,
    p.procurement_method,
    p.title IS NOT NULL AS title,
    p.procurement_method IS NOT NULL AS procurement_method_known,
    p.value_amount IS NOT NULL AS tender_value,
    p.tender_period_start IS NOT NULL AS tender_period_start,
    p.tender_period_end IS NOT NULL AS tender_period_end,
    (bd.tenderers IS NOT NULL OR p.number_of_tenderers IS NOT NULL) AS bidders,
    b.org_key IS NOT NULL AND b.org_key LIKE '%-%' AS buyer_identifier,
    w.first_award IS NOT NULL AS award_date,
    coalesce(w.valued, 0) > 0 AS award_value,
    win.org_key IS NOT NULL AND win.org_key LIKE '%-%' AS supplier_identifier,
    coalesce(c.valued, false) AS contract_value,
    m.classification IS NOT NULL AS item_classification
FROM processes p
LEFT JOIN awarded w ON w.ocid = p.ocid
LEFT JOIN (SELECT * FROM winners WHERE n = 1) win ON win.ocid = p.ocid
LEFT JOIN (SELECT * FROM buyer WHERE n = 1) b ON b.ocid = p.ocid
LEFT JOIN market m ON m.ocid = p.ocid
LEFT JOIN bidders bd ON bd.ocid = p.ocid
LEFT JOIN contracted c ON c.ocid = p.ocid
WHERE p.dataset = $1
ORDER BY p.ocid
"""

FLAGS_SQL = """
SELECT subject_id AS ocid,
       count(*) FILTER (WHERE state = 'flagged') AS flagged,
       count(*) FILTER (WHERE state <> 'not_computable') AS computable,
       list(code ORDER BY code) FILTER (WHERE state = 'flagged') AS codes
FROM flags
WHERE dataset = $1 AND subject_type = 'process' AND run_id = (SELECT max(run_id) FROM flags WHERE dataset = $1)
GROUP BY subject_id
"""

COMPONENTS_SQL = """
SELECT f.subject_id AS ocid, f.code, f.state, f.value
FROM flags f
WHERE f.dataset = $1 AND f.subject_type = 'process' AND (f.code LIKE 'CRI-%' OR f.code = $2)
  AND f.run_id = (SELECT max(run_id) FROM flags WHERE dataset = $1)
"""


@dataclass
class ProcessRow:
    ocid: str
    year: int | None  # of the first active award, else the tender period's start, else the release date
    buyer: str | None
    buyer_name: str | None
    region: str  # KATO of the buyer's region, "republican" for central bodies, or the address region, or "unknown"
    buyer_kind: str | None  # from the bodies register
    supplier: str | None
    supplier_name: str | None
    market: str | None  # the first item's classification division (two characters)
    amount: float | None  # awarded (else estimated) value in the dataset's main currency
    tenderers: int | None
    transparency: float  # share of TRANSPARENCY_FIELDS published
    components: dict[str, float]  # CRI component -> risk score in [0, 1] (computable ones only)
    single_bid: float | None  # 1 single bid, 0 several, None not computable
    flagged: int = 0  # process-level red flags raised (every indicator)
    computable: int = 0  # process-level indicators that could judge the process
    codes: tuple[str, ...] = ()  # the red flags raised
    weights: dict[str, float] | None = None  # calibrated component weights; None: equal weights
    month: int | None = None  # 1..12, of the same date as ``year``

    @property
    def risk(self) -> float | None:
        """The share of the red flags that could judge the process which it raised (None: none could)."""
        return self.flagged / self.computable if self.computable else None

    @property
    def cri(self) -> float | None:
        """The Corruption Risk Index of the process: the mean of its computable components, with equal
        weights or the calibrated ones (components weighted 0 left out)."""
        if not self.components:
            return None
        if self.weights is None:
            return sum(self.components.values()) / len(self.components)
        usable = {c: v for c, v in self.components.items() if self.weights.get(c, 0.0) > 0}
        total = sum(self.weights[c] for c in usable)
        if total <= 0:
            return None
        return sum(self.weights[c] * v for c, v in usable.items()) / total


def component_score(state: str, value: float | None) -> float | None:
    """A flag as a CRI component score: not flagged 0; flagged its value when that is a band score in
    [0, 1], else 1 (days, shares and counts are measures, not scores); not computable: no score."""
    if state == "not_flagged":
        return 0.0
    if state != "flagged":
        return None
    if value is not None and 0.0 <= value <= 1.0:
        return float(value) if value > 0 else 1.0
    return 1.0


def frame(executor: Executor, dataset: str, registers: Any = None) -> tuple[list[ProcessRow], str | None]:
    """The processes of ``dataset`` with what the scores need, and the dataset's main currency."""
    from adal.indicators.registers import bin_of

    components: dict[str, dict[str, float]] = {}
    single: dict[str, float] = {}
    if executor.has_table("flags"):
        for ocid, code, state, value in executor.query(COMPONENTS_SQL, [dataset, SINGLE_BID]):
            score = component_score(state, value)
            if score is None:
                continue
            components.setdefault(ocid, {})[code] = score
            if code == SINGLE_BID:
                single[ocid] = 1.0 if state == "flagged" else 0.0
    raised: dict[str, tuple[int, int, tuple[str, ...]]] = {}
    if executor.has_table("flags"):
        for ocid, flagged, computable, codes in executor.query(FLAGS_SQL, [dataset]):
            raised[ocid] = (int(flagged), int(computable), tuple(codes or ()))
    bodies = registers.bodies if registers is not None else {}
    rows = []
    currency = None
    for record in executor.connection.execute(FRAME_SQL, [dataset]).fetchall():
        (ocid, period_date, buyer, buyer_name, buyer_region, supplier, supplier_name, classification, amount, currency,
         tenderers, _method, *published) = record  # fmt: skip
        body = bodies.get(bin_of(buyer) or "") if buyer else None
        if body is not None:
            region = body.get("region_kato") or (
                "republican" if body.get("level") == "republican" else "unknown"
            )
            kind = body.get("kind")
        else:
            region, kind = (buyer_region or "unknown"), None
        year, month = _year_month(period_date)
        rows.append(
            ProcessRow(
                ocid,
                year,
                buyer,
                buyer_name,
                region,
                kind,
                supplier,
                supplier_name,
                _division(classification),
                amount,
                tenderers,
                sum(bool(v) for v in published) / len(published),
                components.get(ocid, {}),
                single.get(ocid),
                *raised.get(ocid, (0, 0, ())),
                month=month,
            )
        )
    return rows, currency


def _year_month(date: str | None) -> tuple[int | None, int | None]:
    """Year and month of an OCDS date (``YYYY-MM…``), each None when it does not read."""
    if not date or len(date) < 4 or not date[:4].isdigit():
        return None, None
    month = int(date[5:7]) if len(date) >= 7 and date[4] == "-" and date[5:7].isdigit() else None
    return int(date[:4]), month if month is not None and 1 <= month <= 12 else None


def _division(classification: str | None) -> str | None:
    """The market of a classification code: its first two characters (CPV, UNSPSC, ENS TRU divisions)."""
    if not classification:
        return None
    return classification.strip()[:2] or None
