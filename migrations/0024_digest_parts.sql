-- The digests are kept per table and part since this version (`table@site`, issue 21), and
-- 0021 and 0023 changed synced rows (a new procedure; two columns of `sites`): the hub's
-- digests logged after earlier entries, and the one a seat verified last, use the old form. As
-- 0018 did: a seat behind the head loads a snapshot ('compacted') instead of replaying entries
-- it could not verify, and a seat at the head goes on comparing the recomputed digests only.
UPDATE hub_state SET floor = (SELECT coalesce(max(version), 0) FROM hub_log);
UPDATE sync_link SET hub_digest = NULL;
