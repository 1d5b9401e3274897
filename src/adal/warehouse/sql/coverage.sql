-- Field coverage: for each dataset, how many processes, and the share of processes that carry each
-- field the red-flag indicators rely on. This is the data-quality view: a field at 0 % means the
-- indicators that need it cannot be computed for that dataset.
WITH
  bid_stats AS (
    SELECT dataset, ocid, count(*) AS n, bool_or(value_amount IS NOT NULL) AS priced,
           bool_or(status IS NOT NULL) AS with_status
    FROM bids GROUP BY ALL),
  tenderer_ids AS (SELECT DISTINCT dataset, ocid FROM bid_tenderers WHERE org_key IS NOT NULL),
  award_stats AS (
    SELECT dataset, ocid, bool_or(date IS NOT NULL) AS dated, bool_or(value_amount IS NOT NULL) AS valued
    FROM awards GROUP BY ALL),
  supplier_ids AS (SELECT DISTINCT dataset, ocid FROM award_suppliers WHERE org_key IS NOT NULL),
  contract_stats AS (
    SELECT dataset, ocid, bool_or(value_amount IS NOT NULL) AS valued, bool_or(date_signed IS NOT NULL) AS signed
    FROM contracts GROUP BY ALL),
  classified AS (SELECT DISTINCT dataset, ocid FROM items WHERE classification_id IS NOT NULL),
  amended AS (SELECT DISTINCT dataset, ocid FROM amendments),
  paid AS (SELECT DISTINCT dataset, ocid FROM transactions)
SELECT p.dataset,
       count(*) AS processes,
       avg((p.buyer_party_id IS NOT NULL OR p.procuring_entity_party_id IS NOT NULL)::INT) AS buyer,
       avg((p.procurement_method IS NOT NULL)::INT) AS procurement_method,
       avg((p.status IS NOT NULL)::INT) AS tender_status,
       avg((p.value_amount IS NOT NULL)::INT) AS tender_value,
       avg((p.tender_period_end IS NOT NULL)::INT) AS tender_period,
       avg((cl.ocid IS NOT NULL)::INT) AS item_classification,
       avg((b.ocid IS NOT NULL)::INT) AS bids,
       avg(coalesce(b.priced, false)::INT) AS bid_values,
       avg(coalesce(b.with_status, false)::INT) AS bid_statuses,
       avg((t.ocid IS NOT NULL)::INT) AS tenderer_identifier,
       avg((a.ocid IS NOT NULL)::INT) AS awards,
       avg(coalesce(a.dated, false)::INT) AS award_date,
       avg(coalesce(a.valued, false)::INT) AS award_value,
       avg((s.ocid IS NOT NULL)::INT) AS supplier_identifier,
       avg((c.ocid IS NOT NULL)::INT) AS contracts,
       avg(coalesce(c.valued, false)::INT) AS contract_value,
       avg(coalesce(c.signed, false)::INT) AS contract_signed,
       avg((am.ocid IS NOT NULL)::INT) AS amendments,
       avg((pd.ocid IS NOT NULL)::INT) AS transactions
FROM processes p
LEFT JOIN bid_stats b USING (dataset, ocid)
LEFT JOIN tenderer_ids t USING (dataset, ocid)
LEFT JOIN award_stats a USING (dataset, ocid)
LEFT JOIN supplier_ids s USING (dataset, ocid)
LEFT JOIN contract_stats c USING (dataset, ocid)
LEFT JOIN classified cl USING (dataset, ocid)
LEFT JOIN amended am USING (dataset, ocid)
LEFT JOIN paid pd USING (dataset, ocid)
GROUP BY p.dataset
ORDER BY processes DESC, p.dataset
