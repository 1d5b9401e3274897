-- Canonical warehouse tables. Everything here can be rebuilt from the sources.
-- Every process-level row carries dataset + ocid; rows also carry where they came from:
-- source_id (the file), locator (line or JSON path in it) and release_id (the release that last set them).

CREATE SEQUENCE IF NOT EXISTS source_seq START 1;

CREATE TABLE IF NOT EXISTS ingest_runs (
    run_id        INTEGER PRIMARY KEY,
    started_at    TIMESTAMP,
    finished_at   TIMESTAMP,
    arguments     VARCHAR,
    items_read    BIGINT,
    loaded        BIGINT,
    new_releases  BIGINT,
    quarantined   BIGINT,
    skipped       BIGINT,
    recompiled    BIGINT
);

CREATE TABLE IF NOT EXISTS sources (
    source_id   INTEGER PRIMARY KEY,
    path        VARCHAR NOT NULL,
    sha256      VARCHAR,
    size_bytes  BIGINT,
    mtime_ns    BIGINT,             -- modification time on disk: with path and size, an unchanged file
    encoding    VARCHAR,            -- the decoding used
    encoding_option VARCHAR,        -- what --encoding said ('' for the default)
    format      VARCHAR,            -- json | json-lines | concatenated-json | json-streamed
    dataset_option VARCHAR,
    status      VARCHAR NOT NULL,   -- loaded | skipped | quarantined
    note        VARCHAR,
    items       BIGINT,             -- items read from it: releases, compiled releases, problems, or the file
    items_loaded BIGINT,
    items_quarantined BIGINT,
    run_id      INTEGER,
    source_kind VARCHAR             -- what --source said: auto | ocds | goszakup (NULL: before the option)
);
-- Warehouses made before --source existed gain the column (NULL for the files they hold).
ALTER TABLE sources ADD COLUMN IF NOT EXISTS source_kind VARCHAR;

CREATE TABLE IF NOT EXISTS releases (
    dataset     VARCHAR NOT NULL,
    ocid        VARCHAR NOT NULL,
    release_id  VARCHAR NOT NULL,
    date        VARCHAR,
    hash        VARCHAR NOT NULL,   -- content identity: blake2b of the canonical JSON
    seq         BIGINT NOT NULL,    -- input order, across runs: breaks date ties
    ocds_version VARCHAR,
    stdlib      BOOLEAN,            -- needs the standard library's parser (big integers, NaN, lone surrogates)
    source_id   INTEGER,
    locator     VARCHAR,
    json        VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS publisher_compiled (
    dataset     VARCHAR NOT NULL,
    ocid        VARCHAR NOT NULL,
    hash        VARCHAR NOT NULL,
    linked_only BOOLEAN,
    source_id   INTEGER,
    locator     VARCHAR,
    json        VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
    run_id      INTEGER,
    source_id   INTEGER,
    path        VARCHAR,
    locator     VARCHAR,
    dataset     VARCHAR,
    ocid        VARCHAR,
    release_id  VARCHAR,
    kind        VARCHAR,            -- file | json | release | merge
    reason      VARCHAR NOT NULL,
    raw         VARCHAR
);

CREATE TABLE IF NOT EXISTS compiled_releases (
    dataset     VARCHAR NOT NULL,
    ocid        VARCHAR NOT NULL,
    compiled_by VARCHAR NOT NULL,   -- adal | publisher (only linked releases were available)
    n_releases  INTEGER,
    json        VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS processes (
    dataset VARCHAR NOT NULL, ocid VARCHAR NOT NULL, compiled_id VARCHAR, date VARCHAR,
    initiation_type VARCHAR, title VARCHAR, description VARCHAR, status VARCHAR,
    procurement_method VARCHAR, procurement_method_details VARCHAR, main_procurement_category VARCHAR,
    award_criteria VARCHAR, submission_method VARCHAR,
    value_amount DOUBLE, value_currency VARCHAR,
    tender_period_start VARCHAR, tender_period_end VARCHAR, award_period_start VARCHAR, award_period_end VARCHAR,
    number_of_tenderers BIGINT,
    buyer_party_id VARCHAR, buyer_name VARCHAR, procuring_entity_party_id VARCHAR, procuring_entity_name VARCHAR,
    planning_budget_amount DOUBLE, planning_budget_currency VARCHAR,
    n_releases INTEGER, first_release_date VARCHAR, last_release_date VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS lots (
    dataset VARCHAR, ocid VARCHAR, lot_id VARCHAR, title VARCHAR, status VARCHAR,
    value_amount DOUBLE, value_currency VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS items (
    dataset VARCHAR, ocid VARCHAR, parent_type VARCHAR, parent_id VARCHAR, item_id VARCHAR, position INTEGER,
    description VARCHAR, classification_scheme VARCHAR, classification_id VARCHAR, quantity DOUBLE,
    unit_name VARCHAR, unit_value_amount DOUBLE, unit_value_currency VARCHAR, related_lot VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS bids (
    dataset VARCHAR, ocid VARCHAR, bid_id VARCHAR, position INTEGER, date VARCHAR, status VARCHAR,
    value_amount DOUBLE, value_currency VARCHAR, related_lots VARCHAR[],
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS bid_tenderers (
    dataset VARCHAR, ocid VARCHAR, bid_id VARCHAR, bid_position INTEGER, party_id VARCHAR, name VARCHAR, org_key VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS awards (
    dataset VARCHAR, ocid VARCHAR, award_id VARCHAR, position INTEGER, title VARCHAR, status VARCHAR, date VARCHAR,
    value_amount DOUBLE, value_currency VARCHAR, related_lots VARCHAR[], related_bids VARCHAR[],
    contract_period_start VARCHAR, contract_period_end VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS award_suppliers (
    dataset VARCHAR, ocid VARCHAR, award_id VARCHAR, award_position INTEGER, party_id VARCHAR, name VARCHAR, org_key VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS contracts (
    dataset VARCHAR, ocid VARCHAR, contract_id VARCHAR, position INTEGER, award_id VARCHAR, title VARCHAR,
    status VARCHAR, value_amount DOUBLE, value_currency VARCHAR, period_start VARCHAR, period_end VARCHAR,
    date_signed VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS amendments (
    dataset VARCHAR, ocid VARCHAR, parent_type VARCHAR, parent_id VARCHAR, amendment_id VARCHAR, position INTEGER,
    date VARCHAR, rationale VARCHAR, description VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS transactions (
    dataset VARCHAR, ocid VARCHAR, contract_id VARCHAR, transaction_id VARCHAR, position INTEGER, date VARCHAR,
    value_amount DOUBLE, value_currency VARCHAR, payer_party_id VARCHAR, payee_party_id VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS milestones (
    dataset VARCHAR, ocid VARCHAR, parent_type VARCHAR, parent_id VARCHAR, milestone_id VARCHAR, position INTEGER,
    title VARCHAR, type VARCHAR, status VARCHAR, due_date VARCHAR, date_met VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS parties (
    dataset VARCHAR, ocid VARCHAR, party_id VARCHAR, position INTEGER, name VARCHAR,
    identifier_scheme VARCHAR, identifier_id VARCHAR, org_key VARCHAR, roles VARCHAR[],
    street_address VARCHAR, locality VARCHAR, region VARCHAR, postal_code VARCHAR, country_name VARCHAR,
    contact_name VARCHAR, contact_email VARCHAR, contact_telephone VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS party_identifiers (
    dataset VARCHAR, ocid VARCHAR, party_id VARCHAR, scheme VARCHAR, identifier VARCHAR, legal_name VARCHAR,
    is_primary BOOLEAN, org_key VARCHAR,
    check_digit_ok BOOLEAN,             -- KZ-BIN/KZ-IIN: whether the check digit is right; NULL for other schemes
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

CREATE TABLE IF NOT EXISTS documents (
    dataset VARCHAR, ocid VARCHAR, parent_type VARCHAR, parent_id VARCHAR, document_id VARCHAR, position INTEGER,
    document_type VARCHAR, title VARCHAR, url VARCHAR, date_published VARCHAR, format VARCHAR, language VARCHAR,
    release_id VARCHAR, source_id INTEGER, locator VARCHAR
);

-- Indicator results: one row per subject and indicator, three states (flagged, not_flagged, not_computable).
-- flag_id is stable (code:version:subject type:dataset:subject), so that feedback can attach to it.
CREATE TABLE IF NOT EXISTS indicator_runs (
    run_id      INTEGER PRIMARY KEY,
    started_at  TIMESTAMP,
    finished_at TIMESTAMP,
    arguments   VARCHAR,
    settings    VARCHAR,            -- the settings file, or 'defaults'
    indicators  VARCHAR[]
);

CREATE TABLE IF NOT EXISTS flags (
    flag_id     VARCHAR NOT NULL,
    run_id      INTEGER NOT NULL,
    dataset     VARCHAR NOT NULL,
    subject_type VARCHAR NOT NULL,  -- process | buyer | procuring_entity | tenderer | lot | region
    subject_id  VARCHAR NOT NULL,   -- an ocid, or an organisation as scheme-identifier where known
    code        VARCHAR NOT NULL,
    state       VARCHAR NOT NULL,
    value       DOUBLE,
    reason      VARCHAR,            -- why not computable
    evidence    VARCHAR,            -- JSON: the bids, thresholds, quartiles and fences used
    indicator_version VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS indicator_meta (
    run_id      INTEGER NOT NULL,
    dataset     VARCHAR NOT NULL,
    code        VARCHAR NOT NULL,
    key         VARCHAR NOT NULL,   -- Cardinal's Meta: q1, q3, lower_fence, upper_fence, Buyer_q1, ...
    value       DOUBLE
);
