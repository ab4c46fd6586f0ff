-- A seat's outbox found by index (issue 20).
--
-- `mutations` keeps every change the seat ever made (a contract's worth: hundreds of
-- thousands), and every round asks it for the ones the hub has not answered
-- (`hub_version IS NULL`: the push, the 同期 indicator's count) and for those further in the log
-- than the seat's rows (`hub_version > cursor`: replayed on top of each pull). Without an index
-- each ask read the whole table, with the store locked.
CREATE INDEX mutations_hub_version ON mutations (hub_version, seq);

-- The escrowed places a mutation used, released when the hub answers it.
CREATE INDEX sync_quota_use_mutation ON sync_quota_use (mutation_id);
