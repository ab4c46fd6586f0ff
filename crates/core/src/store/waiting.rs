//! The waiting room (issue 22): what the call display (呼出表示) on a monitor in the waiting
//! area shows: who is called to which seat — by reservation number only, never a name — the
//! last few calls, the numbers expected next, the wait per time band and a congestion lamp
//! (Tosu's: green under 20 minutes, yellow 20–40, red over; the thresholds are the manager's).
//! It follows every seat's calls: a call made at another seat reaches this store by sync.
//!
//! The display's settings are this PC's own (`display_settings`, migration 0028).
use chrono::{NaiveDateTime, Timelike};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{
    visits::{parse_datetime, state_from_code},
    Store, DATE,
};
use crate::{reservation_number::ReservationNumber, visit::VisitState, Error, Result};

/// How many calls the display lists, the newest first (the newest one large).
pub const DISPLAY_CALLS: usize = 6;
/// How many numbers expected next it lists.
pub const DISPLAY_NEXT: usize = 5;

/// The congestion lamp (混雑表示).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Lamp {
    /// Under the yellow threshold.
    Green,
    /// From the yellow threshold, under the red one.
    Yellow,
    /// From the red threshold.
    Red,
}

/// One call as the display shows it: a number and a seat, never a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DisplayCall {
    /// The reservation number (with its check digit).
    pub number: ReservationNumber,
    /// The seat (窓口) called to.
    pub seat_no: u32,
    /// When.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub called_at: NaiveDateTime,
}

/// The wait in one hour of the day: the average minutes from check-in to call of those called
/// in that hour (`None`: nobody called in it yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct BandWait {
    /// The hour (9 for 9:00–9:59).
    pub hour: u32,
    /// Average minutes waited.
    pub minutes: Option<u32>,
    /// How many were called in it.
    pub called: u32,
}

/// What the call display shows now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct CallDisplay {
    /// The site's name (the counter the display hangs in).
    pub site_name: String,
    /// The store's time now.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub now: NaiveDateTime,
    /// The last calls, the newest first.
    pub calls: Vec<DisplayCall>,
    /// The numbers expected next, in serving order (checked in, not called yet).
    pub next: Vec<ReservationNumber>,
    /// How many are waiting to be called.
    pub waiting: u32,
    /// The wait now: the minutes the one waiting longest has waited (0 when nobody waits).
    pub wait_minutes: u32,
    /// The lamp for `wait_minutes` by this PC's thresholds.
    pub lamp: Lamp,
    /// The wait per hour of the day so far.
    pub bands: Vec<BandWait>,
    /// This PC's display settings (the chime and voice the window plays).
    pub settings: DisplaySettings,
    /// A training store's display says 研修モード (a waiting room in a training session).
    pub store_kind: crate::training_mode::StoreKind,
}

/// This PC's call display settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DisplaySettings {
    /// From this many minutes of waiting, the lamp is yellow.
    pub yellow_minutes: u32,
    /// From this many, red.
    pub red_minutes: u32,
    /// A chime at each call.
    pub chime: bool,
    /// A spoken announcement in Japanese at each call (where the OS offers a Japanese voice).
    pub voice: bool,
}

impl DisplaySettings {
    /// Refuses thresholds out of order or out of 1–600 minutes.
    pub fn validate(&self) -> Result<()> {
        let ok = (1..=600).contains(&self.yellow_minutes)
            && (1..=600).contains(&self.red_minutes)
            && self.yellow_minutes < self.red_minutes;
        if ok {
            Ok(())
        } else {
            Err(Error::Invalid(
                "the lamp's thresholds are 1–600 minutes, yellow before red".into(),
            ))
        }
    }

    /// The lamp for a wait of `minutes`.
    pub fn lamp(&self, minutes: u32) -> Lamp {
        if minutes >= self.red_minutes {
            Lamp::Red
        } else if minutes >= self.yellow_minutes {
            Lamp::Yellow
        } else {
            Lamp::Green
        }
    }
}

/// Where this PC puts the display window, so that it comes back after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct DisplayWindow {
    /// The monitor's name as the OS gives it (`None`: the primary one).
    pub monitor: Option<String>,
    /// Whether the window is open (it opens again when the app is unlocked).
    pub open: bool,
}

/// One case as the display needs it: no person in it.
#[derive(Debug, Clone)]
struct Case {
    number: ReservationNumber,
    state: VisitState,
    seat_no: Option<u32>,
    checked_in_at: NaiveDateTime,
    called_at: Option<NaiveDateTime>,
}

/// The display as made from the day's cases in serving order (pure: tested on its own).
fn display_of(
    cases: &[Case],
    now: NaiveDateTime,
    site_name: String,
    settings: DisplaySettings,
) -> CallDisplay {
    let mut calls: Vec<DisplayCall> = cases
        .iter()
        .filter_map(|c| {
            Some(DisplayCall {
                number: c.number,
                seat_no: c.seat_no?,
                called_at: c.called_at?,
            })
        })
        .collect();
    // One line per booking: a household's members are called together.
    calls.sort_by(|a, b| b.called_at.cmp(&a.called_at).then(a.number.cmp(&b.number)));
    calls.dedup_by_key(|c| c.number);
    calls.truncate(DISPLAY_CALLS);
    let waiting: Vec<&Case> = cases
        .iter()
        .filter(|c| c.state == VisitState::Waiting)
        .collect();
    let mut next: Vec<ReservationNumber> = Vec::new();
    for c in &waiting {
        if !next.contains(&c.number) && next.len() < DISPLAY_NEXT {
            next.push(c.number);
        }
    }
    let wait_minutes = waiting
        .iter()
        .map(|c| minutes_between(c.checked_in_at, now))
        .max()
        .unwrap_or(0);
    let mut bands: Vec<BandWait> = Vec::new();
    for c in cases {
        let Some(called) = c.called_at else { continue };
        let hour = called.hour();
        let waited = minutes_between(c.checked_in_at, called);
        match bands.iter_mut().find(|b| b.hour == hour) {
            Some(b) => {
                let total = b.minutes.unwrap_or(0) * b.called + waited;
                b.called += 1;
                b.minutes = Some((total + b.called / 2) / b.called);
            }
            None => bands.push(BandWait {
                hour,
                minutes: Some(waited),
                called: 1,
            }),
        }
    }
    // Every hour from the first check-in to now, so an hour with nobody called shows as such.
    let first = cases.iter().map(|c| c.checked_in_at.hour()).min();
    if let Some(first) = first {
        for hour in first..=now.hour().max(first) {
            if !bands.iter().any(|b| b.hour == hour) {
                bands.push(BandWait {
                    hour,
                    minutes: None,
                    called: 0,
                });
            }
        }
    }
    bands.sort_by_key(|b| b.hour);
    CallDisplay {
        store_kind: Default::default(),
        site_name,
        now,
        calls,
        next,
        waiting: waiting.len() as u32,
        wait_minutes,
        lamp: settings.lamp(wait_minutes),
        bands,
        settings,
    }
}

fn minutes_between(from: NaiveDateTime, to: NaiveDateTime) -> u32 {
    u32::try_from((to - from).num_minutes()).unwrap_or(0)
}

impl Store {
    /// What the call display shows now: today's calls at this PC's site, by number and seat.
    /// It holds no personal data, so nobody needs to be signed in (the display stays up while
    /// the counter's staff sign in and out) and it is not a read of personal data.
    pub fn call_display(&self) -> Result<CallDisplay> {
        let now = self.now();
        let site = self.serving_site()?;
        // Numbers, states and times only: never a person's row (that would be a read of
        // personal data, refused with nobody signed in, and audited).
        let cases = self
            .conn()
            .prepare_cached(
                "SELECT r.number, v.state, v.seat_no, v.checked_in_at, v.called_at
                 FROM visits v JOIN reservations r ON r.id = v.reservation_id
                 WHERE v.day = ?1 AND v.site_id = ?2
                 ORDER BY r.late, r.starts, v.checked_in_at, r.id, v.position",
            )?
            .query_map(
                params![now.date().format(DATE).to_string(), site.as_str()],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<u32>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                },
            )?
            .map(|row| {
                let (number, state, seat_no, checked_in, called) = row?;
                Ok(Case {
                    number: ReservationNumber::from_i64(number)?,
                    state: state_from_code(&state)?,
                    seat_no,
                    checked_in_at: parse_datetime(&checked_in)?,
                    called_at: called.as_deref().map(parse_datetime).transpose()?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let site_name = self
            .sites()?
            .into_iter()
            .find(|s| s.id == site)
            .map(|s| s.name)
            .unwrap_or_default();
        Ok(CallDisplay {
            store_kind: self.kind(),
            ..display_of(&cases, now, site_name, self.display_settings()?)
        })
    }

    /// This PC's call display settings.
    pub fn display_settings(&self) -> Result<DisplaySettings> {
        Ok(self.conn().query_row(
            "SELECT yellow_minutes, red_minutes, chime, voice FROM display_settings WHERE id = 1",
            [],
            |r| {
                Ok(DisplaySettings {
                    yellow_minutes: r.get(0)?,
                    red_minutes: r.get(1)?,
                    chime: r.get(2)?,
                    voice: r.get(3)?,
                })
            },
        )?)
    }

    /// Changes this PC's call display settings (a manager or deputy: the thresholds are the
    /// counter's promise to the waiting room).
    pub fn set_display_settings(&self, settings: &DisplaySettings) -> Result<DisplaySettings> {
        let actor = self.require(crate::people::Permission::ChangePlan)?;
        settings.validate()?;
        self.conn().execute(
            "UPDATE display_settings SET yellow_minutes = ?1, red_minutes = ?2, chime = ?3, voice = ?4
             WHERE id = 1",
            params![
                settings.yellow_minutes,
                settings.red_minutes,
                settings.chime,
                settings.voice
            ],
        )?;
        self.audit(
            &actor,
            "set_display_settings",
            "",
            &format!(
                "yellow {} red {} chime {} voice {}",
                settings.yellow_minutes, settings.red_minutes, settings.chime, settings.voice
            ),
        )?;
        self.display_settings()
    }

    /// Where the display window goes on this PC.
    pub fn display_window(&self) -> Result<DisplayWindow> {
        Ok(self.conn().query_row(
            "SELECT monitor, open FROM display_settings WHERE id = 1",
            [],
            |r| {
                Ok(DisplayWindow {
                    monitor: r.get(0)?,
                    open: r.get(1)?,
                })
            },
        )?)
    }

    /// Keeps where the display window is (the app, when it is opened, moved or closed).
    pub fn set_display_window(&self, window: &DisplayWindow) -> Result<()> {
        if window
            .monitor
            .as_ref()
            .is_some_and(|m| m.chars().count() > 200)
        {
            return Err(Error::Invalid(
                "a monitor name is at most 200 characters".into(),
            ));
        }
        self.conn().execute(
            "UPDATE display_settings SET monitor = ?1, open = ?2 WHERE id = 1",
            params![window.monitor, window.open],
        )?;
        Ok(())
    }
}

/// The words a call is announced with (Japanese): the number read digit by digit in groups,
/// and the seat. Never a name.
pub fn announcement(call: &DisplayCall) -> String {
    let digits: String = call
        .number
        .to_string()
        .chars()
        .filter(char::is_ascii_digit)
        .map(|d| {
            [
                "ゼロ",
                "イチ",
                "ニ",
                "サン",
                "ヨン",
                "ゴ",
                "ロク",
                "ナナ",
                "ハチ",
                "キュウ",
            ][d.to_digit(10).unwrap_or(0) as usize]
        })
        .collect::<Vec<_>>()
        .join("、");
    format!(
        "予約番号、{digits}の方、{}番窓口へお越しください。",
        call.seat_no
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    fn case(
        n: i64,
        state: VisitState,
        checked_in_at: NaiveDateTime,
        call: Option<(u32, NaiveDateTime)>,
    ) -> Case {
        Case {
            number: ReservationNumber::from_i64(n).unwrap(),
            state,
            seat_no: call.map(|c| c.0),
            checked_in_at,
            called_at: call.map(|c| c.1),
        }
    }

    fn settings() -> DisplaySettings {
        DisplaySettings {
            yellow_minutes: 20,
            red_minutes: 40,
            chime: true,
            voice: false,
        }
    }

    #[test]
    fn the_display_shows_numbers_and_seats_the_newest_call_first_and_the_lamp_by_the_longest_wait()
    {
        let numbers: Vec<i64> = (0..4)
            .map(|_| ReservationNumber::random(&mut rand::thread_rng()).as_i64())
            .collect();
        let cases = vec![
            case(
                numbers[0],
                VisitState::Completed,
                at(9, 0),
                Some((1, at(9, 10))),
            ),
            case(
                numbers[1],
                VisitState::Called,
                at(9, 5),
                Some((2, at(9, 35))),
            ),
            case(numbers[2], VisitState::Waiting, at(9, 20), None),
            case(numbers[3], VisitState::Waiting, at(9, 40), None),
        ];
        let d = display_of(&cases, at(9, 50), "本庁舎".into(), settings());
        assert_eq!(d.calls.len(), 2);
        assert_eq!(
            (d.calls[0].number.as_i64(), d.calls[0].seat_no),
            (numbers[1], 2)
        );
        assert_eq!(
            d.next.iter().map(|n| n.as_i64()).collect::<Vec<_>>(),
            numbers[2..]
        );
        assert_eq!((d.waiting, d.wait_minutes), (2, 30));
        assert_eq!(d.lamp, Lamp::Yellow);
        // 9時台: waited 10 and 30 minutes.
        assert_eq!(
            d.bands,
            vec![BandWait {
                hour: 9,
                minutes: Some(20),
                called: 2
            }]
        );
        assert_eq!(
            display_of(&cases, at(10, 1), String::new(), settings()).lamp,
            Lamp::Red
        );
        assert_eq!(
            display_of(&cases[..2], at(10, 1), String::new(), settings()).lamp,
            Lamp::Green
        );
    }

    #[test]
    fn thresholds_out_of_order_are_refused_and_the_announcement_reads_digits_and_seat() {
        let mut s = settings();
        s.red_minutes = 20;
        assert!(s.validate().is_err());
        let call = DisplayCall {
            number: "12345674"
                .parse()
                .unwrap_or_else(|_| ReservationNumber::random(&mut rand::thread_rng())),
            seat_no: 3,
            called_at: at(9, 0),
        };
        let words = announcement(&call);
        assert!(words.contains("3番窓口"), "{words}");
        assert!(words.starts_with("予約番号、"), "{words}");
    }
}
