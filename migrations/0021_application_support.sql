-- 申請サポート (issue 21): card application assistance at an outreach session or a counter:
-- the face photo taken and the application form (個人番号カード交付申請書) filled in with the
-- citizen. No card is issued; the citizen receives it later at the counter (交付時来庁方式).
-- 15 minutes by default (the manager changes it in 設定). The bundle handed to city staff is
-- the filled-in form with its photo (総務省「福祉施設・支援団体の方向けマイナンバーカード取得・
-- 管理マニュアル【資料編】」Ver.2, 2023-12: 申請時に必要な書類 (1) 交付申請書 (2) 顔写真).
INSERT INTO procedures (code, minutes, bundle_items)
VALUES ('application_support', 15, '["個人番号カード交付申請書（顔写真貼付）"]');
