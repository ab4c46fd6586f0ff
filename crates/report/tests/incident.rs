//! The incident report (事故報告書) read back with `pdftotext`: a personal-data incident opened
//! by counter staff with a citizen's name (a canary) typed into its description and into a
//! step's words, handled and closed by the manager; the paper must carry the number, the codes'
//! Japanese labels, the counts, the times, the channel and title reported to and the measures,
//! and none of the canary, in UTF-8 text or in the file's bytes (UTF-8 and UTF-16BE, as PDF
//! strings may hold it). Without poppler-utils the read-back is skipped with a note.
use std::path::Path;

use chrono::NaiveDate;
use madoguchi_core::{
    paperwork::incident::{
        FollowupWhat, IncidentCategory, IncidentImpact, IncidentKind, IncidentStep, NewIncident,
        NewIncidentStep,
    },
    people::Role,
    store::{NewStaff, Pin},
    Personal, Store,
};
use madoguchi_report::save_incident_report;

mod common;
use common::{assert_none_in_bytes, d, read_back, store_at};

const CANARY: &str = "炭酸カナリア子";
const CANARY_KANA: &str = "タンサンカナリアコ";

fn store(dir: &Path) -> Store {
    let store = store_at(
        dir,
        "テスト市 マイナンバーカード窓口",
        d("2026-12-01").and_hms_opt(10, 20, 0).unwrap(),
    );
    for (code, role, pin) in [
        ("M001", Role::Manager, "1234"),
        ("S001", Role::Staff, "3456"),
    ] {
        store
            .add_staff(NewStaff {
                code: code.into(),
                name: format!("職員 {code}"),
                role,
                pin: Pin::new(pin),
            })
            .unwrap();
    }
    store.sign_out().unwrap();
    store
}

fn step(step: IncidentStep, code: Option<&str>) -> NewIncidentStep {
    NewIncidentStep {
        step,
        code: code.map(str::to_owned),
        count: None,
        title: None,
        words: None,
    }
}

#[test]
fn the_incident_report_reads_back_through_pdftotext_without_the_citizen_s_words() {
    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path());
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    store.sign_in("S001", &Pin::new("3456")).unwrap();
    let i = store
        .open_incident(NewIncident {
            category: IncidentCategory::PersonalData,
            kind: IncidentKind::WrongHandover,
            impact: IncidentImpact::PersonalDataExposed,
            occurred_at: day.and_hms_opt(9, 50, 0).unwrap(),
            detected_at: day.and_hms_opt(10, 0, 0).unwrap(),
            persons_affected: 2,
            documents_affected: 3,
            minutes_stopped: 0,
            description: Personal::new(format!(
                "{CANARY}（{CANARY_KANA}）様に別の方の交付通知書を渡した"
            )),
            inquiry_id: None,
        })
        .unwrap();
    let mut action = step(IncidentStep::ImmediateAction, Some("documents_recovered"));
    action.words = Some(Personal::new(format!("{CANARY}様宅を訪問して回収")));
    store.take_incident_step(i.id, action).unwrap();

    store.sign_in("M001", &Pin::new("1234")).unwrap();
    let mut report = step(IncidentStep::FirstReport, Some("phone"));
    report.title = Some("市民課 担当係長".into());
    report.words = Some(Personal::new(format!("{CANARY}様の件を報告")));
    store.take_incident_step(i.id, report).unwrap();
    let mut assessed = step(IncidentStep::ImpactAssessed, None);
    assessed.count = Some(2);
    store.take_incident_step(i.id, assessed).unwrap();
    for (s, code) in [
        (IncidentStep::CityInstruction, None),
        (IncidentStep::Cause, Some("check_missed")),
        (IncidentStep::Measure, Some("double_check")),
        (IncidentStep::Measure, Some("retraining")),
        (IncidentStep::WrittenReport, None),
        (IncidentStep::FollowUpReport, None),
    ] {
        store.take_incident_step(i.id, step(s, code)).unwrap();
    }
    let i = store
        .set_incident_followup(i.id, FollowupWhat::EffectChecked, day)
        .unwrap();
    store
        .complete_incident_followup(i.followups[0].id, day)
        .unwrap();
    store.close_incident(i.id).unwrap();

    let path = save_incident_report(&store, &i.number).unwrap();
    assert_eq!(
        path.file_name().unwrap().to_str().unwrap(),
        format!("事故報告_{}.pdf", i.number)
    );
    let bytes = std::fs::read(&path).unwrap();
    assert_none_in_bytes(
        &bytes,
        &[CANARY, CANARY_KANA, "炭酸", "カナリア"],
        "the incident report",
    );
    let Some(text) = read_back(&path) else { return };
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/incident");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::copy(&path, out_dir.join("事故報告.pdf")).unwrap();
    std::fs::write(out_dir.join("事故報告.txt"), &text).unwrap();
    for canary in [CANARY, CANARY_KANA, "炭酸", "カナリア", "訪問"] {
        assert!(!text.contains(canary), "{canary} on paper:\n{text}");
    }
    for expected in [
        "事故報告書",
        i.number.as_str(),
        "個人情報の事故",
        "誤交付",
        "個人情報の漏えい・紛失",
        "2026-12-01 09:50",
        "2026-12-01 10:00",
        "2026-12-01 10:30",
        "市民課 担当係長",
        "電話",
        "書類を回収",
        "確認漏れ",
        "ダブルチェック",
        "再研修",
        "効果の確認",
        "① 市へ第一報",
        "⑦ 事後の措置状況の報告",
        "市民の個人情報を含みません",
        "完了",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    let squeezed: String = text.split_whitespace().collect();
    assert!(squeezed.contains("2人"), "persons affected:\n{text}");
    assert!(squeezed.contains("3件"), "documents affected:\n{text}");
}

/// The monthly report (月報) read back: its 事故・トラブル section lists December's incidents by
/// number with their labels and status, in the PDF and in the CSV, and none of the words typed
/// about them.
#[test]
fn the_monthly_report_lists_the_month_s_incidents_without_their_words() {
    use madoguchi_core::store::ReportKind;
    use madoguchi_report::{save, Format};

    let tmp = tempfile::tempdir().unwrap();
    let store = store(tmp.path());
    let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    store.sign_in("M001", &Pin::new("1234")).unwrap();
    let open = |category, kind, h: u32| {
        store
            .open_incident(NewIncident {
                category,
                kind,
                impact: IncidentImpact::ServiceStopped,
                occurred_at: day.and_hms_opt(h, 0, 0).unwrap(),
                detected_at: day.and_hms_opt(h, 5, 0).unwrap(),
                persons_affected: 4,
                documents_affected: 5,
                minutes_stopped: 15,
                description: Personal::new(format!("{CANARY}（{CANARY_KANA}）様の受付中")),
                inquiry_id: None,
            })
            .unwrap()
    };
    let outage = open(IncidentCategory::SystemOutage, IncidentKind::PrinterDown, 8);
    let mut report = step(IncidentStep::FirstReport, Some("phone"));
    report.title = Some("市民課 担当係長".into());
    store.take_incident_step(outage.id, report.clone()).unwrap();
    for (s, code) in [
        (IncidentStep::Cause, Some("equipment_fault")),
        (IncidentStep::Measure, Some("equipment_fixed")),
        (IncidentStep::Measure, Some("checklist_revised")),
    ] {
        store.take_incident_step(outage.id, step(s, code)).unwrap();
    }
    store.close_incident(outage.id).unwrap();
    let personal = open(
        IncidentCategory::PersonalData,
        IncidentKind::WrongHandover,
        9,
    );
    let mut note = step(IncidentStep::Note, None);
    note.words = Some(Personal::new(format!("{CANARY}様宅を訪問")));
    store.take_incident_step(personal.id, note).unwrap();

    let pdf = save(&store, ReportKind::Monthly, day, Format::Pdf).unwrap();
    let csv = save(&store, ReportKind::Monthly, day, Format::Csv).unwrap();
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    for expected in [
        "事故・トラブル",
        outage.number.as_str(),
        personal.number.as_str(),
        "プリンタの故障",
        "誤交付",
        "機器の修理、チェックリストの改訂",
        "完了",
        "未報告",
        "月末時点で対応中,1",
    ] {
        assert!(
            csv_text.contains(expected),
            "{expected} missing:\n{csv_text}"
        );
    }
    let bytes = std::fs::read(&pdf).unwrap();
    let canaries = [CANARY, CANARY_KANA, "炭酸", "カナリア", "訪問"];
    for canary in canaries {
        assert!(!csv_text.contains(canary), "{canary} in the CSV");
    }
    assert_none_in_bytes(&bytes, &canaries, "the monthly report's PDF");
    let Some(text) = read_back(&pdf) else { return };
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-output/incident");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::copy(&pdf, out_dir.join("月報_事故.pdf")).unwrap();
    std::fs::write(out_dir.join("月報_事故.txt"), &text).unwrap();
    for canary in [CANARY, CANARY_KANA, "炭酸", "カナリア", "訪問", "受付中"] {
        assert!(!text.contains(canary), "{canary} on paper:\n{text}");
    }
    for expected in [
        "月報",
        "事故・トラブル",
        outage.number.as_str(),
        personal.number.as_str(),
        "システム・機器の障害",
        "プリンタの故障",
        "個人情報の事故",
        "誤交付",
        "12/01 08:00",
        "12/01 09:05",
        "完了",
        "未報告",
        "機器の修理、チェックリストの改訂",
        "未記録",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    let squeezed: String = text.split_whitespace().collect();
    assert!(
        squeezed.contains("月末時点で対応中：1件"),
        "open at the month's end:\n{text}"
    );
}
