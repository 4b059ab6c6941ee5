-- 035_campaign_sender_lease.sql - the one campaign sender is judged by a lease (issue 12,
-- lists4). The holder renews expires_at while it holds the part (every third of
-- [campaign] sender_lease); another process takes the part over only once expires_at has
-- passed, wherever the holder ran. pidns names the holder's pid namespace (Linux
-- /proc/self/ns/pid): a holder of this host and this namespace whose pid is gone is
-- certainly dead and is taken over at once; a pid can say nothing across hosts or
-- namespaces. A row without expires_at (written before this migration) counts as expired.
ALTER TABLE campaign_sender ADD COLUMN expires_at INTEGER;
ALTER TABLE campaign_sender ADD COLUMN pidns TEXT;
