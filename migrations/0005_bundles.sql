-- 0005 bundles: the documents the city specifies for each procedure's case bundle (seed 000
-- §5(2)イ-E: 予め本市が指定する手続き毎に必要な書類等を1件ごとに整え…手交). A JSON array of
-- document names; the manager edits them in the settings screen. A bundle is accepted only
-- when it holds every listed document of the case's procedures.
ALTER TABLE procedures ADD COLUMN bundle_items TEXT NOT NULL DEFAULT '[]';

UPDATE procedures SET bundle_items = '["交付通知書（はがき）","本人確認記録票","通知カード・旧カード（返納分）","暗証番号設定依頼書"]' WHERE code = 'card_issue';
UPDATE procedures SET bundle_items = '["再交付申請書","本人確認記録票","暗証番号設定依頼書"]' WHERE code = 'card_reissue';
UPDATE procedures SET bundle_items = '["記載事項変更届","本人確認記録票"]' WHERE code = 'details_change';
UPDATE procedures SET bundle_items = '["電子証明書発行申請書","本人確認記録票"]' WHERE code = 'certificate_issue';
UPDATE procedures SET bundle_items = '["電子証明書更新申請書","有効期限通知書"]' WHERE code = 'certificate_renewal';
