//! データ消去証明書 as an A4 PDF: the printout of the certificate's JSON, with a line for the
//! city officer who confirms it and the digest that ties the two together.
use chrono::{DateTime, Local, Utc};
use madoguchi_core::wipe::{Certificate, WipeItemKind};

use crate::{
    layout::{Align, Col, Composer},
    Result,
};

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local)
        .format("%Y年%m月%d日 %H:%M:%S")
        .to_string()
}

fn kind_label(kind: WipeItemKind) -> &'static str {
    match kind {
        WipeItemKind::DataKey => "データ鍵",
        WipeItemKind::KeyFileTemp => "データ鍵（更新中）",
        WipeItemKind::Database => "データベース",
        WipeItemKind::DatabaseWal => "データベースWAL",
        WipeItemKind::DatabaseShm => "WAL索引",
        WipeItemKind::WebView => "画面部品の保存領域",
        WipeItemKind::Logs => "ログ",
        WipeItemKind::Reports => "保存した報告書",
        WipeItemKind::ChecklistRules => "書類チェック規則",
        WipeItemKind::StoreKindHint => "ストア種別の表示用ファイル",
        WipeItemKind::UpgradeBackups => "更新前のバックアップ（暗号化）",
        WipeItemKind::Unknown => "その他のファイル",
        WipeItemKind::OsWebView => "画面部品のデータ・キャッシュ",
        WipeItemKind::TempFile => "一時ファイル",
    }
}

fn check_label(check: &str) -> &str {
    match check {
        "items_removed" => "全項目の削除",
        "data_dir_empty" => "データフォルダが空",
        "store_unopenable" => "ストアが開けない",
        "canary_scan" => "個人情報の残存検索",
        other => other,
    }
}

fn result_label(result: &str) -> &str {
    match result {
        "passed" => "合格",
        "failed" => "不合格",
        "not_run" => "実施せず",
        other => other,
    }
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / f64::from(1 << 10)),
        b => format!("{b} B"),
    }
}

/// The certificate's PDF.
pub fn pdf(cert: &Certificate) -> Result<Vec<u8>> {
    let mut c = Composer::new(
        "データ消去証明書",
        format!("{}　データ消去証明書", cert.site_name),
        cert.store_kind,
    )?;
    c.title(
        if cert.store_kind.is_training() {
            "データ消去証明書（研修用ストア・架空データのみ）"
        } else {
            "データ消去証明書"
        },
        &format!("{}　{}", cert.site_name, cert.contract),
    );
    c.paragraph(&statement(cert));

    c.heading("実施者");
    c.facts(&[
        ("氏名".into(), cert.performer.name.clone()),
        ("役職".into(), cert.performer.role.clone()),
        ("所属".into(), cert.performer.organisation.clone()),
        ("職員ID".into(), cert.performer.staff_code.clone()),
    ]);

    c.heading("対象の端末");
    let m = &cert.machine;
    c.facts(&[
        ("端末名（ホスト名）".into(), m.host_name.clone()),
        (
            "種別".into(),
            if cert.hub {
                "ハブ（同期の中継）"
            } else {
                "窓口端末"
            }
            .into(),
        ),
        ("席".into(), cert.seat_name.clone()),
        (
            "製造元・型番".into(),
            m.model.clone().unwrap_or_else(|| "（取得できず）".into()),
        ),
        (
            "製造番号".into(),
            m.serial
                .clone()
                .unwrap_or_else(|| "（取得できず・銘板を確認）".into()),
        ),
        (
            "マシンID".into(),
            m.machine_id
                .clone()
                .unwrap_or_else(|| "（取得できず）".into()),
        ),
    ]);
    c.paragraph(&format!("OS：{}", m.os));
    c.paragraph(&format!("データフォルダ：{}", cert.data_dir.display()));
    c.paragraph(&format!("ストアID：{}", cert.store_id));

    c.heading("消去の方法と日時");
    c.paragraph(&format!("方法：{}", cert.method));
    c.paragraph(&format!("ツール：{}", cert.tool));
    c.facts(&[
        ("開始".into(), local(cert.started_at)),
        (
            "データ鍵の破棄".into(),
            cert.key_destroyed_at.map_or_else(|| "—".into(), local),
        ),
        ("完了".into(), local(cert.completed_at)),
        (
            "中断後の再実行".into(),
            if cert.resumed { "あり" } else { "なし" }.into(),
        ),
    ]);

    c.heading("データの引渡し（消去前のエクスポート）");
    match &cert.handover {
        Some(h) => {
            c.facts(&[
                ("テーブル数".into(), h.tables.to_string()),
                ("件数".into(), format!("{} 件", h.rows)),
                ("作成".into(), local(h.created_at)),
                ("読み戻し確認".into(), local(h.verified_at)),
            ]);
            c.paragraph(&format!("エクスポートID：{}", h.export_id));
            c.paragraph(&format!(
                "ファイル：{}（{}）",
                h.file.display(),
                size(h.bytes)
            ));
            c.paragraph(&format!("SHA-256：{}", h.sha256));
            c.paragraph(&format!("暗号化の宛先（市の公開鍵）：{}", h.recipient));
        }
        None => c.paragraph(
            "なし（この端末の変更はすべてハブに送信済み。引渡しはハブのエクスポートによる）",
        ),
    }

    c.heading("消去した項目");
    let rows: Vec<Vec<String>> = cert
        .items
        .iter()
        .map(|i| {
            vec![
                kind_label(i.kind).to_owned(),
                shorten(&i.path.display().to_string(), 58),
                i.files.to_string(),
                size(i.bytes),
                if i.removed { "削除済" } else { "未" }.to_owned(),
            ]
        })
        .collect();
    c.table(
        &[
            Col("種別", 40.0, Align::Left),
            Col("場所", 92.0, Align::Left),
            Col("ファイル", 14.0, Align::Right),
            Col("サイズ", 18.0, Align::Right),
            Col("結果", 14.0, Align::Left),
        ],
        &rows,
    );

    c.heading("検証（確認したのは以下の項目のみ）");
    for check in &cert.verification {
        c.paragraph(&format!(
            "【{}】{}：{}",
            result_label(&check.result),
            check_label(&check.check),
            check.detail
        ));
    }

    if cert.hub {
        c.heading("ハブが受け取った窓口端末の消去証明書");
        if cert.seat_certificates.is_empty() {
            c.paragraph("なし");
        }
        let rows: Vec<Vec<String>> = cert
            .seat_certificates
            .iter()
            .map(|s| {
                vec![
                    s.seat_name.clone(),
                    local(s.completed_at),
                    shorten(&s.digest, 40),
                ]
            })
            .collect();
        if !rows.is_empty() {
            c.table(
                &[
                    Col("席", 40.0, Align::Left),
                    Col("完了", 50.0, Align::Left),
                    Col("ダイジェスト（SHA-256）", 88.0, Align::Left),
                ],
                &rows,
            );
        }
        if !cert.sites.is_empty() {
            // Every seat of every site: a seat whose certificate has not reached the hub is
            // listed as such, so nobody reads this as "every PC was wiped".
            c.heading("拠点ごとの窓口端末（ハブに登録されていたもの）");
            let rows: Vec<Vec<String>> = cert
                .sites
                .iter()
                .flat_map(|site| {
                    site.seats.iter().map(move |seat| {
                        let state = match (&seat.certificate, &seat.revoked_at) {
                            (Some(c), _) => format!("消去証明書 受領（{}）", local(c.completed_at)),
                            (None, Some(_)) => "登録取消済み・消去証明書 未受領".to_owned(),
                            (None, None) => "消去証明書 未受領".to_owned(),
                        };
                        vec![site.name.clone(), seat.name.clone(), state]
                    })
                })
                .collect();
            c.table(
                &[
                    Col("拠点", 50.0, Align::Left),
                    Col("席", 40.0, Align::Left),
                    Col("状態", 88.0, Align::Left),
                ],
                &rows,
            );
        }
    }

    c.heading("消去が及ばない範囲");
    for limit in &cert.limitations {
        c.paragraph(&format!("・{limit}"));
    }

    c.heading("市の確認欄");
    c.paragraph("上記の消去を確認しました。");
    c.blank(4.0);
    c.paragraph("確認日：　　　　年　　月　　日　　　所属：　　　　　　　　　　　　　　");
    c.blank(4.0);
    c.paragraph("職・氏名：　　　　　　　　　　　　　　　　　　　　　　　　　　　　　　印");

    c.blank(4.0);
    c.paragraph(&format!("証明書番号：{}", cert.wipe_id));
    c.paragraph(&format!("ダイジェスト（SHA-256）：{}", cert.digest));
    c.paragraph("JSON版の内容と照合できます: madoguchi certificate check <JSONファイル>");
    Ok(c.finish(&format!(
        "データ消去証明書　{}　{}",
        cert.seat_name,
        local(cert.completed_at)
    )))
}

/// The opening statement: what is certified, and no more than the checks support.
pub fn statement(cert: &Certificate) -> String {
    let mut text = "下記の端末について、下記の方法でこのアプリのデータを消去し、「検証」に記載した確認を行ったことを証明します。確認の結果は各項目に記載のとおりです。「消去が及ばない範囲」に記載した事項は確認していません。".to_owned();
    let not_run: Vec<&str> = cert
        .verification
        .iter()
        .filter(|c| c.result == "not_run")
        .map(|c| check_label(&c.check))
        .collect();
    if !not_run.is_empty() {
        text.push_str(&format!(
            "なお、次の確認は実施していません（理由は各項目に記載）：{}。",
            not_run.join("、")
        ));
    }
    text
}

/// Keeps the end of a long path (the informative part) within `max` characters.
fn shorten(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        s.to_owned()
    } else {
        format!("…{}", s.chars().skip(n - max + 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_paths_keep_their_end() {
        assert_eq!(shorten("abcdef", 4), "…def");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
