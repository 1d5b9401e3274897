-- Views over the canonical tables, made after schema.sql. Each answers one question; the header says which.

-- goszakup_lots: every goszakup lot (Kazakhstan's procurement portal) as one row: what goszakup has and
-- OCDS lacks (the release's `goszakup` extension object), typed, beside the canonical process, item and
-- buyer fields. One row per ocid (a lot is a contracting process); the values are those of the compiled
-- release, so a lot ingested again with a new status shows the latest. docs/sources/goszakup.md.
CREATE OR REPLACE VIEW goszakup_lots AS
WITH lots AS (
    SELECT dataset, ocid, n_releases, json::JSON -> '$.goszakup' AS g
    FROM compiled_releases
    WHERE starts_with(ocid, 'ocds-kz-goszakup-')
)
SELECT
    l.dataset,
    l.ocid,
    l.g ->> 'lot_id' AS lot_id,
    nullif(regexp_extract(l.g ->> 'lot_id', '^\d+-(\D+?)\d+$', 1), '') AS method_code,
    TRY_CAST(nullif(regexp_extract(l.g ->> 'lot_id', '^\d+-\D+?(\d+)$', 1), '') AS INTEGER) AS method_number,
    p.procurement_method,
    p.procurement_method_details,
    l.g ->> 'lot_status' AS lot_status,
    p.status AS tender_status,
    p.title AS name_ru,
    p.description AS desc_ru,
    l.g ->> 'extra_desc_ru' AS extra_desc_ru,
    coalesce(i.classification_id, l.g ->> 'category_code') AS category_code,
    l.g ->> 'category_name' AS category_name,
    p.value_amount AS budget,
    p.value_currency AS currency,
    i.quantity,
    i.unit_name AS unit,
    coalesce(i.unit_value_amount, TRY_CAST(l.g ->> 'unit_price' AS DOUBLE)) AS unit_price,
    TRY_CAST(p.tender_period_start AS TIMESTAMPTZ) AS publish_date,
    TRY_CAST(p.tender_period_end AS TIMESTAMPTZ) AS deadline_date,
    CAST(TRY_CAST(l.g ->> 'deadline_days' AS DOUBLE) AS INTEGER) AS deadline_days,
    CAST(TRY_CAST(l.g ->> 'participants_count' AS DOUBLE) AS INTEGER) AS participants_count,
    p.number_of_tenderers,
    TRY_CAST(l.g ->> 'advance_payment_pct' AS DOUBLE) AS advance_payment_pct,
    l.g ->> 'financing_source' AS financing_source,
    l.g ->> 'incoterms' AS incoterms,
    nullif(regexp_extract(l.g ->> 'incoterms', '^([A-Z]{3})\b', 1), '') AS incoterms_code,
    l.g ->> 'dumping_status' AS dumping_status,
    l.g ->> 'city' AS city,
    b.identifier AS customer_bin,
    b.check_digit_ok AS customer_bin_check_digit_ok,
    p.buyer_name AS customer_name,
    c.contact_name AS contact_person,
    l.g ->> 'contact_position' AS contact_position,
    c.contact_telephone AS contact_phone,
    c.contact_email,
    l.g ->> 'url' AS url,
    TRY_CAST(nullif(regexp_extract(l.g ->> 'url', '/index/(\d+)/\d+', 1), '') AS BIGINT) AS announcement_id,
    TRY_CAST(nullif(regexp_extract(l.g ->> 'url', '/index/\d+/(\d+)', 1), '') AS BIGINT) AS lot_page_id,
    coalesce(TRY_CAST(l.g ->> 'is_synthetic' AS BOOLEAN), false) AS is_synthetic,
    l.g -> 'other' AS other_fields,
    l.n_releases
FROM lots l
JOIN processes p ON p.dataset = l.dataset AND p.ocid = l.ocid
LEFT JOIN items i
    ON i.dataset = l.dataset AND i.ocid = l.ocid AND i.parent_type = 'tender' AND i.position = 0
LEFT JOIN party_identifiers b
    ON b.dataset = l.dataset AND b.ocid = l.ocid AND b.party_id = p.buyer_party_id AND b.is_primary
LEFT JOIN parties c
    ON c.dataset = l.dataset AND c.ocid = l.ocid AND c.party_id = p.buyer_party_id;
