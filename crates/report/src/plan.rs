//! The capacity and staffing plan as PDF and CSV, for the proposal and the monthly meeting:
//! month by month, visits a day, places needed against the slot plan, staff per task, and the
//! waiting to expect; the assumptions it rests on; a chart of the load against the plan.
use madoguchi_core::store::CapacityPlan;
use madoguchi_core::training_mode::StoreKind;

use crate::{
    layout::{Align, Col, Composer},
    Result,
};

fn wait(w: f64) -> String {
    if w.is_finite() {
        format!("{w:.1}")
    } else {
        "∞".into()
    }
}

fn assumptions(plan: &CapacityPlan) -> Vec<(String, String)> {
    let a = &plan.assumptions;
    let pct = |v: f64| format!("{:.0}%", v * 100.0);
    vec![
        ("カードの来庁率".into(), pct(a.take_up_card)),
        ("電子証明書の来庁率".into(), pct(a.take_up_certificate)),
        ("前月に来庁する割合".into(), pct(a.early_share)),
        (
            "カード手続きの時間".into(),
            format!("{:.0} 分", a.minutes_card),
        ),
        (
            "電子証明書の時間".into(),
            format!("{:.0} 分", a.minutes_certificate),
        ),
        (
            "窓口の時間（1日）".into(),
            format!("{:.1} 時間", a.counter_hours),
        ),
        ("現在の席数".into(), format!("{} 席", a.seats)),
        ("稼働率".into(), pct(a.utilisation)),
        ("予約の来庁なし".into(), pct(a.no_show_rate)),
        ("当日来庁（予約比）".into(), pct(a.walk_in_share)),
        (
            "電話（1来庁あたり）".into(),
            format!("{:.1} 件・{:.0} 分", a.calls_per_visit, a.call_minutes),
        ),
        (
            "バックオフィス（1件）".into(),
            format!("{:.0} 分", a.backoffice_minutes),
        ),
    ]
}

/// The plan as PDF.
pub fn pdf(site: &str, plan: &CapacityPlan, kind: StoreKind) -> Result<Vec<u8>> {
    let mut c = Composer::new("窓口の体制計画", format!("{site}　窓口の体制計画"), kind)?;
    c.title("窓口の体制計画（見込）", site);
    c.heading("前提");
    c.facts(&assumptions(plan));
    c.heading("月別の見込（業務内容別の人数）");
    let cols = [
        Col("月", 18.0, Align::Left),
        Col("開庁日", 13.0, Align::Right),
        Col("来庁/日", 15.0, Align::Right),
        Col("必要枠", 14.0, Align::Right),
        Col("枠", 12.0, Align::Right),
        Col("過不足", 14.0, Align::Right),
        Col("窓口", 12.0, Align::Right),
        Col("受付", 12.0, Align::Right),
        Col("後方", 12.0, Align::Right),
        Col("電話", 12.0, Align::Right),
        Col("計", 10.0, Align::Right),
        Col("待ち(式)", 16.0, Align::Right),
        Col("待ち(模擬)", 18.0, Align::Right),
    ];
    let rows: Vec<Vec<String>> = plan
        .months
        .iter()
        .map(|m| {
            vec![
                m.month.clone(),
                m.open_days.to_string(),
                format!("{:.0}", m.visits_per_day),
                m.places_needed.to_string(),
                m.places_offered.to_string(),
                format!("{:+}", m.slack),
                m.staff.counter.to_string(),
                m.staff.reception.to_string(),
                m.staff.backoffice.to_string(),
                m.staff.phone.to_string(),
                m.staff.total().to_string(),
                wait(m.erlang.mean),
                wait(m.simulated.mean),
            ]
        })
        .collect();
    c.table(&cols, &rows);
    c.line("待ち：平均の分（式＝アーラン C、模擬＝予約・遅れ・来庁なし・当日来庁を入れた1日の模擬の平均）");
    let bars: Vec<(String, f64)> = plan
        .months
        .iter()
        .map(|m| (m.month[2..].replace('-', "/"), m.visits_per_day))
        .collect();
    c.bar_chart("月別の来庁見込（1日あたり）", &bars, "人");
    if !plan.actual.is_empty() {
        c.heading("実績");
        let rows: Vec<Vec<String>> = plan
            .actual
            .iter()
            .map(|a| {
                vec![
                    a.month.clone(),
                    a.days.to_string(),
                    format!("{:.0}", a.visits_per_day),
                    format!("{:.0}%", a.no_show_rate * 100.0),
                    format!("{:.1}", a.mean_wait),
                    a.p90_wait.to_string(),
                ]
            })
            .collect();
        c.table(
            &[
                Col("月", 20.0, Align::Left),
                Col("日数", 16.0, Align::Right),
                Col("来庁/日", 20.0, Align::Right),
                Col("来庁なし", 20.0, Align::Right),
                Col("平均待ち", 20.0, Align::Right),
                Col("90%待ち", 20.0, Align::Right),
            ],
            &rows,
        );
    }
    Ok(c.finish("見込は市の有効期限切れ予定数と上記の前提からの計算です。集計値のみ。"))
}

/// The plan as CSV (UTF-8 with BOM).
pub fn csv(plan: &CapacityPlan) -> String {
    let mut out = String::from("\u{feff}月,開庁日,カード来庁,電子証明書来庁,来庁/日,必要枠/日,枠/日,過不足,必要席数,窓口,受付,後方,電話,計,平均待ち(式),90%待ち(式),平均待ち(模擬),90%待ち(模擬)\r\n");
    for m in &plan.months {
        let cells = [
            m.month.clone(),
            m.open_days.to_string(),
            format!("{:.1}", m.card_visits),
            format!("{:.1}", m.certificate_visits),
            format!("{:.1}", m.visits_per_day),
            m.places_needed.to_string(),
            m.places_offered.to_string(),
            m.slack.to_string(),
            m.seats_needed.to_string(),
            m.staff.counter.to_string(),
            m.staff.reception.to_string(),
            m.staff.backoffice.to_string(),
            m.staff.phone.to_string(),
            m.staff.total().to_string(),
            wait(m.erlang.mean),
            wait(m.erlang.p90),
            wait(m.simulated.mean),
            wait(m.simulated.p90),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}
