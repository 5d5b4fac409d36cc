// The history schema, as numbered migrations applied in order at open (apply-migrations.ts). A migration is
// never edited once released: a change is a new number. Every key carries chain_id except where the key is
// globally unique by itself (plan ids, transaction hashes, config hashes, alert keys).
//
// Numbers: block numbers, nonces and gas are int8 (bigint in TS); times are int8 seconds or milliseconds as the
// column name says; measurements are double precision, which stores NaN and ±Infinity as they are.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "history tables",
    sql: `
CREATE TABLE book_samples (
  chain_id integer NOT NULL,
  book_id text NOT NULL,
  block_number bigint NOT NULL,
  timestamp_sec bigint NOT NULL,
  base_price_usd double precision NOT NULL,
  lp_value_usd double precision NOT NULL,
  hedge_value_usd double precision NOT NULL,
  perp_mark_price_usd double precision NOT NULL,
  perp_index_price_usd double precision NOT NULL,
  pool_price_usd double precision NOT NULL,
  funding_rate_daily double precision NOT NULL,
  perp_size_base double precision,
  -- What the dashboard charts: NULL when the sample came through SampleStore.put (a plain BookSample).
  drift_bps double precision,
  threshold_bps double precision,
  hedge_ratio double precision,
  target_hedge_ratio double precision,
  impermanent_loss_usd double precision,
  book_value_usd double precision,
  PRIMARY KEY (chain_id, book_id, block_number)
);
-- series(): per-bucket probes "last sample at or before t" for one book.
CREATE INDEX book_samples_by_book_time ON book_samples (book_id, timestamp_sec, block_number);
-- removeFrom(): a reorg drops every book's samples from a block on.
CREATE INDEX book_samples_by_chain_block ON book_samples (chain_id, block_number);

CREATE TABLE depeg_samples (
  chain_id integer NOT NULL,
  book_id text NOT NULL,
  block_number bigint NOT NULL,
  token text NOT NULL,
  timestamp_sec bigint NOT NULL,
  symbol text NOT NULL,
  price_usd double precision,
  deviation_bps double precision,
  tier text NOT NULL CHECK (tier IN ('ok', 'watch', 'warn', 'act')),
  tier_note text,
  exposure_usd double precision NOT NULL,
  sources jsonb NOT NULL,
  PRIMARY KEY (chain_id, book_id, block_number, token)
);
-- depeg(): the latest reading per token.
CREATE INDEX depeg_samples_by_token_block ON depeg_samples (chain_id, token, block_number);
CREATE INDEX depeg_samples_by_chain_block ON depeg_samples (chain_id, block_number);

CREATE TABLE book_status (
  chain_id integer NOT NULL,
  book_id text NOT NULL,
  block_number bigint NOT NULL,
  timestamp_sec bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('ok', 'watch', 'act', 'stale')),
  drift_bps double precision NOT NULL,
  threshold_bps double precision NOT NULL,
  hedge_ratio double precision NOT NULL,
  target_hedge_ratio double precision NOT NULL,
  impermanent_loss_usd double precision NOT NULL,
  book_value_usd double precision NOT NULL,
  effectiveness double precision,
  detail jsonb NOT NULL,
  PRIMARY KEY (chain_id, book_id)
);

CREATE TABLE decisions (
  chain_id integer NOT NULL,
  book_id text NOT NULL,
  block_number bigint NOT NULL,
  at_ms bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('noop', 'plan', 'skipped')),
  reason text NOT NULL,
  plan_id text,
  drift_bps double precision,
  PRIMARY KEY (chain_id, book_id, block_number)
);
CREATE INDEX decisions_by_time ON decisions (at_ms);
CREATE INDEX decisions_by_book_time ON decisions (book_id, at_ms);
CREATE INDEX decisions_by_chain_block ON decisions (chain_id, block_number);

CREATE TABLE plans (
  plan_id text PRIMARY KEY,
  chain_id integer NOT NULL,
  book_id text NOT NULL,
  lane text NOT NULL,
  mode text NOT NULL,
  status text NOT NULL,
  reason text NOT NULL,
  block_number bigint NOT NULL,
  created_at_ms bigint NOT NULL,
  updated_at_ms bigint NOT NULL
);
CREATE INDEX plans_by_created ON plans (created_at_ms);
CREATE INDEX plans_by_book_created ON plans (book_id, created_at_ms);

CREATE TABLE transactions (
  tx_hash text PRIMARY KEY,
  plan_id text NOT NULL,
  chain_id integer NOT NULL,
  nonce bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('plan', 'replacement', 'cancel')),
  status text NOT NULL CHECK (status IN ('broadcast', 'mined', 'reverted', 'replaced', 'dropped')),
  replaces text,
  gas_used bigint,
  block_number bigint,
  at_ms bigint NOT NULL
);
CREATE INDEX transactions_by_plan_time ON transactions (plan_id, at_ms);

CREATE TABLE alerts (
  key text NOT NULL,
  status text NOT NULL CHECK (status IN ('firing', 'resolved')),
  at_sec bigint NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  title text NOT NULL,
  text text NOT NULL,
  book_id text,
  PRIMARY KEY (key, status, at_sec)
);
CREATE INDEX alerts_by_time ON alerts (at_sec);

CREATE TABLE config_versions (
  hash text PRIMARY KEY,
  text text NOT NULL,
  first_seen_at_ms bigint NOT NULL,
  -- The version in force is the one recorded last (a config can return to an earlier text).
  last_seen_at_ms bigint NOT NULL
);
CREATE INDEX config_versions_by_last_seen ON config_versions (last_seen_at_ms);
`,
  },
  {
    version: 2,
    name: "hedged item, base oracle round, effectiveness window",
    sql: `
-- The whole hedged item (LP + fees owed + base spot), what target-relative effectiveness is measured on, and the
-- base oracle's round behind the sample (volatility counts one observation per round). NULL in samples written
-- before them. A round id is phase-encoded, (phaseId << 64) | aggregatorRoundId: wider than bigint.
ALTER TABLE book_samples ADD COLUMN hedged_item_value_usd double precision;
ALTER TABLE book_samples ADD COLUMN base_oracle_round_id numeric(78, 0);
ALTER TABLE book_samples ADD COLUMN base_oracle_updated_at_sec bigint;
-- Which window the status block's effectiveness was measured over (live, 1h, 1d, 7d, 30d).
ALTER TABLE book_status ADD COLUMN effectiveness_window text;
`,
  },
  {
    version: 3,
    name: "plan executions",
    sql: `
-- What each mined plan actually paid, measured from its receipt against the plan's quote at decision time
-- (src/execution/realized-execution.ts): one row per plan, written when its transaction is final. Prices are
-- the single trade leg's (NULL when the plan has none or several: legs holds each); slippage is positive when
-- worse than quoted. A gas price is wei: numeric, as a chain may price gas beyond bigint.
CREATE TABLE plan_executions (
  plan_id text PRIMARY KEY,
  chain_id integer NOT NULL,
  book_id text NOT NULL,
  block_number bigint NOT NULL,
  tx_hash text NOT NULL,
  mined_at_sec bigint NOT NULL,
  recorded_at_ms bigint NOT NULL,
  gas_used bigint NOT NULL,
  effective_gas_price numeric(78, 0) NOT NULL,
  gas_usd double precision NOT NULL,
  fees_usd double precision NOT NULL,
  slippage_usd double precision NOT NULL,
  total_cost_usd double precision NOT NULL,
  expected_cost_usd double precision NOT NULL,
  quoted_price double precision,
  realized_price double precision,
  slippage_bps double precision,
  notional_usd double precision NOT NULL,
  risk_removed_usd double precision NOT NULL,
  legs jsonb NOT NULL
);
-- executions(): a book's mined plans newest first, within a time range.
CREATE INDEX plan_executions_by_book_time ON plan_executions (book_id, mined_at_sec);
CREATE INDEX plan_executions_by_time ON plan_executions (mined_at_sec);
`,
  },
  {
    version: 4,
    name: "attribution inputs",
    sql: `
-- What the performance report splits a book's P&L with (src/performance/attribution.ts): the LP fees owed apart
-- from lp_value_usd (which includes them), the LP's base delta and the base held as spot (delta P&L and the LP's
-- gamma), and the perp's pending funding, USD, positive = owed (carry). NULL in samples written before them.
ALTER TABLE book_samples ADD COLUMN lp_fees_owed_usd double precision;
ALTER TABLE book_samples ADD COLUMN lp_delta_base double precision;
ALTER TABLE book_samples ADD COLUMN spot_base double precision;
ALTER TABLE book_samples ADD COLUMN pending_funding_usd double precision;
`,
  },
  {
    version: 5,
    name: "perp account books, collateral moved",
    sql: `
-- The perp account's books at each sample (Perp v2 AccountBalance.getPnlAndPendingFee, Vault.getBalance), USD:
-- a withdrawal settles the owed realized P&L into the collateral, so the hedge's value (account value − collateral)
-- drops by what was settled; the report adds it back (src/store/report-period.ts). NULL in samples before them.
ALTER TABLE book_samples ADD COLUMN perp_owed_realized_pnl_usd double precision;
ALTER TABLE book_samples ADD COLUMN perp_unrealized_pnl_usd double precision;
ALTER TABLE book_samples ADD COLUMN perp_pending_fee_usd double precision;
ALTER TABLE book_samples ADD COLUMN perp_collateral_usd double precision;
-- Settlement collateral a plan's transaction moved into the perp vault (negative = withdrawn), USD, from the
-- Vault's Deposited/Withdrawn events: the collateral change that was not settled P&L. NULL before it.
ALTER TABLE plan_executions ADD COLUMN perp_collateral_moved_usd double precision;
`,
  },
  {
    version: 6,
    name: "funding settled by an execution",
    sql: `
-- The perp funding a plan's transaction settled for the Safe, USD, positive = paid, from the ClearingHouse's
-- FundingPaymentSettled events (src/execution/perp-funding-settled.ts): over a step where a plan executed, carry is
-- the fall in pending funding less this, exactly (src/store/report-period.ts). NULL in rows recorded before it.
ALTER TABLE plan_executions ADD COLUMN perp_funding_settled_usd double precision;
`,
  },
  {
    version: 7,
    name: "aave liquidations, health factor",
    sql: `
-- Each Aave v3 LiquidationCall whose user is a book's Safe (src/indexers/aave-liquidations.ts), from the Pool's
-- logs: the event's amounts in the tokens' units (numeric: uint256), and their USD value at the Aave oracle's prices
-- of the block the keeper read it at. protocol_fee: the collateral Aave's treasury took as its share of the bonus
-- (not in the event; from the reserve's liquidation protocol fee at the block). bonus_usd = collateral_seized_usd +
-- protocol_fee_usd − debt_covered_usd: what the Safe lost beyond the debt repaid for it.
CREATE TABLE aave_liquidations (
  chain_id integer NOT NULL,
  book_id text NOT NULL,
  block_number bigint NOT NULL,
  tx_hash text NOT NULL,
  log_index integer NOT NULL,
  timestamp_sec bigint NOT NULL,
  account text NOT NULL,
  liquidator text NOT NULL,
  collateral_asset text NOT NULL,
  collateral_symbol text NOT NULL,
  collateral_seized numeric(78, 0) NOT NULL,
  collateral_seized_usd double precision NOT NULL,
  protocol_fee numeric(78, 0) NOT NULL,
  protocol_fee_usd double precision NOT NULL,
  debt_asset text NOT NULL,
  debt_symbol text NOT NULL,
  debt_covered numeric(78, 0) NOT NULL,
  debt_covered_usd double precision NOT NULL,
  -- The debt covered in the book's base (0 when the debt asset is not the base): the short it bought back.
  debt_covered_base double precision NOT NULL,
  bonus_usd double precision NOT NULL,
  PRIMARY KEY (chain_id, book_id, tx_hash, log_index)
);
CREATE INDEX aave_liquidations_by_book_time ON aave_liquidations (book_id, timestamp_sec);
CREATE INDEX aave_liquidations_by_chain_block ON aave_liquidations (chain_id, block_number);
-- The Aave leg's health factor at each sample and the floor it was judged against; NULL without an Aave leg or
-- without debt (an infinite health factor), and in samples before them.
ALTER TABLE book_samples ADD COLUMN aave_health_factor double precision;
ALTER TABLE book_samples ADD COLUMN aave_health_factor_floor double precision;
-- The Aave leg's base position (supplied − owed of the short asset, base units; negative = short): the size its
-- value (in hedge_value_usd) moves with, which the report's hedge price term marks. NULL without an Aave leg.
ALTER TABLE book_samples ADD COLUMN aave_delta_base double precision;
`,
  },
  {
    version: 8,
    name: "lp withdrawal principal and fees collected",
    sql: `
-- What a plan's LP withdrawal paid the Safe (src/execution/v4-withdrawal-payout.ts), USD at the feeds' answers of its
-- block: the principal (liquidity turned back into tokens: a transfer out of the LP, not a loss) and the fees it
-- collected (earned, not principal). 0 for a plan that withdrew nothing; NULL in rows recorded before them, or when
-- the payout could not be read (the report then counts none and says so: src/store/report-period.ts).
ALTER TABLE plan_executions ADD COLUMN lp_withdrawn_principal_usd double precision;
ALTER TABLE plan_executions ADD COLUMN lp_fees_collected_usd double precision;
`,
  },
  {
    version: 9,
    name: "every funding settlement, hedge trades of swaps",
    sql: `
-- Every Perp v2 ClearingHouse FundingPaymentSettled whose trader is a book's Safe, whoever sent the transaction (a
-- plan, the Safe's owners' own settleAllFunding or trade, a liquidator), from the book indexer's getLogs
-- (src/indexers/perp-funding-settlements.ts). funding_payment_usd: the event's fundingPayment, 18 decimals, 1:1 with
-- the settlement dollar, positive = the Safe paid.
CREATE TABLE perp_funding_settlements (
  chain_id integer NOT NULL,
  book_id text NOT NULL,
  block_number bigint NOT NULL,
  tx_hash text NOT NULL,
  log_index integer NOT NULL,
  timestamp_sec bigint NOT NULL,
  base_token text NOT NULL,
  funding_payment_usd double precision NOT NULL,
  PRIMARY KEY (chain_id, book_id, tx_hash, log_index)
);
CREATE INDEX perp_funding_settlements_by_book_block ON perp_funding_settlements (book_id, block_number);
CREATE INDEX perp_funding_settlements_by_chain_block ON perp_funding_settlements (chain_id, block_number);
-- The first block of the span whose FundingPaymentSettled logs the sample's indexer read (through the sample's own
-- block): every settlement in it is in perp_funding_settlements. NULL without a perp or when the span is unknown.
ALTER TABLE book_samples ADD COLUMN funding_scanned_from_block bigint;
-- The base a plan's swaps traded against the quote token (signed: + bought), from the pool's Swap event, and the
-- same at the plan's quoted base price, USD: the cash side of a lending short's trade (src/execution/hedge-swaps.ts).
-- NULL in rows recorded before them.
ALTER TABLE plan_executions ADD COLUMN swapped_base double precision;
ALTER TABLE plan_executions ADD COLUMN swapped_base_at_quote_usd double precision;
`,
  },
  {
    version: 10,
    name: "a lending short's interest and its swaps' fill",
    sql: `
-- The Aave leg's short asset at the sample's block (src/engine/aave-accrual.ts): the Safe's scaled variable debt and
-- scaled supply (whole units) and the reserve's normalized variable borrow and liquidity indexes (ReserveLogic
-- getNormalizedDebt / getNormalizedIncome at the block, 1 = none accrued). The report's carry of a lending short is
-- scaled_{i−1} × (index_i − index_{i−1}) on each side. NULL without an Aave leg, and in samples before them.
ALTER TABLE book_samples ADD COLUMN aave_scaled_debt_base double precision;
ALTER TABLE book_samples ADD COLUMN aave_scaled_supplied_base double precision;
ALTER TABLE book_samples ADD COLUMN aave_debt_index double precision;
ALTER TABLE book_samples ADD COLUMN aave_supply_index double precision;
-- What a plan's swaps of the base really received (+) or paid (−) in the other token, and the pool fees and slippage
-- against the quote they paid, USD (src/execution/hedge-swaps.ts): the report counts a lending short's cash at the
-- fill and those as costs. NULL in rows recorded before them.
ALTER TABLE plan_executions ADD COLUMN swapped_cash_usd double precision;
ALTER TABLE plan_executions ADD COLUMN swapped_fees_usd double precision;
ALTER TABLE plan_executions ADD COLUMN swapped_slippage_usd double precision;
`,
  },
  {
    version: 11,
    name: "every LP principal flow",
    sql: `
-- The principal that went into (−) or out of (+) a book's LP positions and the fees collected from them, per
-- transaction and position, whoever sent it (the keeper, the Safe's owners), from the position manager's
-- IncreaseLiquidity / DecreaseLiquidity / Collect logs the book indexer reads (src/indexers/lp-principal-flows.ts),
-- USD at the feeds of the block the keeper read it at. The *_to_spot_usd parts are the base token's share that moved
-- to or from the Safe's balance (in the sample's spot_base already).
CREATE TABLE lp_principal_flows (
  chain_id integer NOT NULL,
  book_id text NOT NULL,
  block_number bigint NOT NULL,
  tx_hash text NOT NULL,
  log_index integer NOT NULL,
  timestamp_sec bigint NOT NULL,
  position text NOT NULL,
  principal_usd double precision NOT NULL,
  principal_to_spot_usd double precision NOT NULL,
  fees_collected_usd double precision NOT NULL,
  fees_to_spot_usd double precision NOT NULL,
  PRIMARY KEY (chain_id, book_id, tx_hash, log_index)
);
CREATE INDEX lp_principal_flows_by_book_block ON lp_principal_flows (book_id, block_number);
-- The first block of the span whose position-manager logs the sample's indexer read (through the sample's own
-- block): every LP principal flow in it is in lp_principal_flows. NULL when the span is unknown.
ALTER TABLE book_samples ADD COLUMN lp_flows_scanned_from_block bigint;
`,
  },
  {
    version: 12,
    name: "every perp collateral move",
    sql: `
-- Every Perp v2 Vault Deposited / Withdrawn whose trader is a book's Safe, whoever sent the transaction (a plan, the
-- Safe's owners in a transaction of their own), from the book indexer's getLogs (src/indexers/perp-collateral-move-logs.ts).
-- moved_usd: the event's amount in the settlement token's decimals, valued 1:1 with the dollar as the vault does;
-- positive = deposited, negative = withdrawn. The scan is the funding settlements' (the same getLogs), so
-- book_samples.funding_scanned_from_block vouches for these too: no column of its own.
CREATE TABLE perp_collateral_moves (
  chain_id integer NOT NULL,
  book_id text NOT NULL,
  block_number bigint NOT NULL,
  tx_hash text NOT NULL,
  log_index integer NOT NULL,
  timestamp_sec bigint NOT NULL,
  collateral_token text NOT NULL,
  moved_usd double precision NOT NULL,
  PRIMARY KEY (chain_id, book_id, tx_hash, log_index)
);
CREATE INDEX perp_collateral_moves_by_book_block ON perp_collateral_moves (book_id, block_number);
CREATE INDEX perp_collateral_moves_by_chain_block ON perp_collateral_moves (chain_id, block_number);
`,
  },
  {
    version: 13,
    name: "a lending short's collateral supply interest",
    sql: `
-- The Aave leg's collateral reserves at the sample's block (src/engine/aave-collateral-interest.ts), one JSON object
-- per reserve read besides the short asset: {asset, symbol, scaledSupplied (whole units), incomeIndex (ReserveLogic
-- getNormalizedIncome at the block, 1 = none accrued), priceUsd (AaveOracle.getAssetPrice)}. The report's carry of a
-- lending short adds Σ scaledSupplied_{i−1} × (incomeIndex_i − incomeIndex_{i−1}) × priceUsd_i. jsonb, not a side
-- table: a book reads any number of reserves, the readings are written with their sample in the same row and read
-- back by the report's bucketed sample query (a bucket's last sample, read-series.ts) with no join, never queried
-- into. NULL without an Aave leg and in samples before it: unknown, never an empty list.
ALTER TABLE book_samples ADD COLUMN aave_collateral_accrual jsonb;
`,
  },
  {
    version: 14,
    name: "book status detail as json",
    sql: `
-- Every book's status row is rewritten at every block (~9 kB of detail: the stress table, the steward windows):
-- jsonb parsed it into its binary form each time, for a document only ever read back whole (no query looks into it).
-- json keeps the text as sent, validated; a read parses it the same.
ALTER TABLE book_status ALTER COLUMN detail TYPE json USING detail::text::json;
`,
  },
  {
    version: 15,
    name: "book status detail parts shared by a block's books",
    sql: `
-- The sections of a block's details that several books share (the books of a treasury read one snapshot), stored
-- once (src/store/book-status-parts.ts): keyed by the sha256 of the part's JSON text, so a replayed write finds it
-- already there. body = {keys: the detail's keys in order, sections: the shared sections}. block_number is the newest
-- block a write referenced it at: a part no status references any more is deleted a few blocks later
-- (sql-history-store.ts putBookStatuses). A status row's detail_part names its part; NULL: the detail is whole.
CREATE TABLE book_status_parts (
  chain_id integer NOT NULL,
  hash text NOT NULL,
  block_number bigint NOT NULL,
  body json NOT NULL,
  PRIMARY KEY (chain_id, hash)
);
CREATE INDEX book_status_parts_by_block ON book_status_parts (chain_id, block_number);
ALTER TABLE book_status ADD COLUMN detail_part text;
CREATE INDEX book_status_by_detail_part ON book_status (chain_id, detail_part) WHERE detail_part IS NOT NULL;
`,
  },
];
