//! The business calendar of the counter.
//!
//! Open on weekdays 9:00–17:00; closed on Saturdays, Sundays, national holidays (振替休日 and
//! 国民の休日 included, as the Cabinet Office lists them) and over the year end (12/29–1/3).
//! The city may designate Saturday/Sunday holiday sessions (休日交付, reservation only) and the
//! site may close the counter or part of a day (maintenance, disaster, a J-LIS outage).
//!
//! National holidays come from the Cabinet Office list shipped in `assets/holidays/` (see its
//! README for the source and how to update it). A day beyond the years the list covers is
//! reported as [`ClosedReason::NoCalendarData`] rather than guessed, so nobody books a holiday.
use std::{collections::BTreeMap, sync::OnceLock};

use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The Cabinet Office list (内閣府「国民の祝日について」syukujitsu.csv), UTF-8, 2025 onwards.
const BUNDLED_CSV: &str = include_str!("../../../assets/holidays/syukujitsu.csv");

/// Counter hours on an open day.
pub const OPENS: NaiveTime = NaiveTime::from_hms_opt(9, 0, 0).expect("valid time");
/// Counter hours on an open day.
pub const CLOSES: NaiveTime = NaiveTime::from_hms_opt(17, 0, 0).expect("valid time");

/// National holidays by date, with the years the list covers.
#[derive(Debug, Clone)]
pub struct Holidays {
    days: BTreeMap<NaiveDate, String>,
    first_year: i32,
    last_year: i32,
}

impl Holidays {
    /// The list shipped with the app.
    pub fn bundled() -> &'static Holidays {
        static BUNDLED: OnceLock<Holidays> = OnceLock::new();
        BUNDLED.get_or_init(|| {
            Holidays::from_csv(BUNDLED_CSV).expect("the bundled holiday list parses (tested)")
        })
    }

    /// Parses the Cabinet Office CSV layout: a header line, then `YYYY/M/D,名称` per line.
    /// Every year from the first to the last listed is taken as covered.
    pub fn from_csv(text: &str) -> Result<Holidays> {
        let mut days = BTreeMap::new();
        for (n, line) in text.lines().enumerate().skip(1) {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (date, name) = line
                .split_once(',')
                .ok_or_else(|| Error::Invalid(format!("holiday list line {}: no comma", n + 1)))?;
            let date = NaiveDate::parse_from_str(date.trim(), "%Y/%m/%d")
                .map_err(|e| Error::Invalid(format!("holiday list line {}: {e}", n + 1)))?;
            days.insert(date, name.trim().to_owned());
        }
        let (Some(first), Some(last)) = (days.keys().next(), days.keys().next_back()) else {
            return Err(Error::Invalid("the holiday list is empty".into()));
        };
        Ok(Holidays {
            first_year: first.year(),
            last_year: last.year(),
            days,
        })
    }

    /// The holiday's name, if `day` is one.
    pub fn name(&self, day: NaiveDate) -> Option<&str> {
        self.days.get(&day).map(String::as_str)
    }

    /// Whether the list covers `day`'s year.
    pub fn covers(&self, day: NaiveDate) -> bool {
        (self.first_year..=self.last_year).contains(&day.year())
    }

    /// The last year the list covers.
    pub fn last_year(&self) -> i32 {
        self.last_year
    }

    /// Every holiday in the list, in date order.
    pub fn iter(&self) -> impl Iterator<Item = (NaiveDate, &str)> {
        self.days.iter().map(|(d, n)| (*d, n.as_str()))
    }
}

/// Why the counter closes (or closes early) on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ClosureReason {
    /// Planned maintenance (of the building, the network or the city's systems).
    Maintenance,
    /// Disaster or weather warning (seed 000 §6(3)).
    Disaster,
    /// The national card system (J-LIS) is down: no card can be issued.
    SystemOutage,
    /// Anything else, explained in the note.
    Other,
}

/// A closure of the counter on one day: the whole day, or the period `from`–`until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Closure {
    /// Why.
    pub reason: ClosureReason,
    /// What happened, for the incident record.
    pub note: String,
    /// Start of the closed period (`None`: from opening).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub from: Option<NaiveTime>,
    /// End of the closed period (`None`: until closing).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub until: Option<NaiveTime>,
}

impl Closure {
    /// A closure of the whole day.
    pub fn all_day(reason: ClosureReason, note: impl Into<String>) -> Self {
        Closure {
            reason,
            note: note.into(),
            from: None,
            until: None,
        }
    }

    /// The closed period within the day's hours.
    pub fn period(&self, opens: NaiveTime, closes: NaiveTime) -> (NaiveTime, NaiveTime) {
        (
            self.from.unwrap_or(opens).max(opens),
            self.until.unwrap_or(closes).min(closes),
        )
    }

    fn validate(&self) -> Result<()> {
        match (self.from, self.until) {
            (Some(f), Some(u)) if u <= f => Err(Error::Invalid(
                "a closed period must end after it starts".into(),
            )),
            _ => Ok(()),
        }
    }
}

/// Which kind of open day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Session {
    /// A weekday.
    Regular,
    /// A designated Saturday/Sunday session (休日交付): reservation only.
    HolidaySession,
}

/// Why the counter is closed on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClosedReason {
    /// Saturday or Sunday without a holiday session.
    Weekend,
    /// A national holiday (振替休日 and 国民の休日 included).
    NationalHoliday {
        /// Its name, as the Cabinet Office writes it.
        name: String,
    },
    /// 12/29–1/3.
    YearEnd,
    /// Closed by the site for the whole day.
    Closure {
        /// The closure.
        closure: Closure,
    },
    /// The shipped holiday list does not reach this year: update `assets/holidays/`.
    NoCalendarData,
    /// An outreach site (出張申請) opens on its own day only.
    NotItsDay,
}

/// What the counter does on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayStatus {
    /// Open.
    Open {
        /// Opening time.
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        opens: NaiveTime,
        /// Closing time.
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        closes: NaiveTime,
        /// A weekday or a holiday session.
        session: Session,
        /// Part of the day closed (maintenance, an outage), if any.
        closure: Option<Closure>,
    },
    /// Closed all day.
    Closed {
        /// Why.
        reason: ClosedReason,
    },
}

/// Holidays plus the site's holiday sessions and closures.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    holidays: Holidays,
    sessions: BTreeMap<NaiveDate, ()>,
    closures: BTreeMap<NaiveDate, Closure>,
}

/// 12/29–1/3 (年末年始).
pub fn is_year_end(day: NaiveDate) -> bool {
    matches!((day.month(), day.day()), (12, 29..=31) | (1, 1..=3))
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

impl BusinessCalendar {
    /// A calendar with national holidays only.
    pub fn new(holidays: Holidays) -> Self {
        BusinessCalendar {
            holidays,
            sessions: BTreeMap::new(),
            closures: BTreeMap::new(),
        }
    }

    /// Designates a holiday session (休日交付). Only a day the counter is otherwise closed for
    /// the week's rhythm (a Saturday, Sunday or national holiday) can be one.
    pub fn add_holiday_session(&mut self, day: NaiveDate) -> Result<()> {
        if !is_weekend(day) && self.holidays.name(day).is_none() {
            return Err(Error::Invalid(format!(
                "{day} is a weekday: holiday sessions are on Saturdays, Sundays or holidays"
            )));
        }
        self.sessions.insert(day, ());
        Ok(())
    }

    /// Closes the counter for all or part of a day.
    pub fn add_closure(&mut self, day: NaiveDate, closure: Closure) -> Result<()> {
        closure.validate()?;
        self.closures.insert(day, closure);
        Ok(())
    }

    /// The national holidays this calendar uses.
    pub fn holidays(&self) -> &Holidays {
        &self.holidays
    }

    /// Whether city hall works that day (a weekday that is no holiday and not in 12/29–1/3):
    /// the days report deadlines count. Holiday sessions and counter closures do not change it.
    pub fn is_business_day(&self, day: NaiveDate) -> bool {
        !is_weekend(day) && !is_year_end(day) && self.holidays.name(day).is_none()
    }

    /// What the counter does on `day`.
    pub fn day(&self, day: NaiveDate) -> DayStatus {
        if !self.holidays.covers(day) {
            return DayStatus::Closed {
                reason: ClosedReason::NoCalendarData,
            };
        }
        let session = if self.sessions.contains_key(&day) {
            Session::HolidaySession
        } else if is_year_end(day) {
            return DayStatus::Closed {
                reason: ClosedReason::YearEnd,
            };
        } else if let Some(name) = self.holidays.name(day) {
            return DayStatus::Closed {
                reason: ClosedReason::NationalHoliday {
                    name: name.to_owned(),
                },
            };
        } else if is_weekend(day) {
            return DayStatus::Closed {
                reason: ClosedReason::Weekend,
            };
        } else {
            Session::Regular
        };
        self.with_closures(day, session)
    }

    /// What an outreach session (出張申請) does on its `day`: it opens whatever the weekday (a
    /// shopping centre on a Saturday), except at the year end; the city's closures apply.
    pub fn outreach_day(&self, day: NaiveDate) -> DayStatus {
        if !self.holidays.covers(day) {
            return DayStatus::Closed {
                reason: ClosedReason::NoCalendarData,
            };
        }
        if is_year_end(day) {
            return DayStatus::Closed {
                reason: ClosedReason::YearEnd,
            };
        }
        self.with_closures(day, Session::Regular)
    }

    /// A day at a site that also opens on Saturdays and Sundays (a station counter): as
    /// [`BusinessCalendar::day`], except that a Saturday or Sunday that is not a national holiday
    /// (nor 12/29–1/3) opens, with the holiday-session plan.
    pub fn weekend_site_day(&self, day: NaiveDate) -> DayStatus {
        match self.day(day) {
            DayStatus::Closed {
                reason: ClosedReason::Weekend,
            } => self.with_closures(day, Session::HolidaySession),
            other => other,
        }
    }

    fn with_closures(&self, day: NaiveDate, session: Session) -> DayStatus {
        match self.closures.get(&day) {
            Some(c) => {
                let (from, until) = c.period(OPENS, CLOSES);
                if from <= OPENS && until >= CLOSES {
                    DayStatus::Closed {
                        reason: ClosedReason::Closure { closure: c.clone() },
                    }
                } else {
                    DayStatus::Open {
                        opens: OPENS,
                        closes: CLOSES,
                        session,
                        closure: Some(c.clone()),
                    }
                }
            }
            None => DayStatus::Open {
                opens: OPENS,
                closes: CLOSES,
                session,
                closure: None,
            },
        }
    }

    /// Whether the counter opens at all on `day`.
    pub fn is_open(&self, day: NaiveDate) -> bool {
        matches!(self.day(day), DayStatus::Open { .. })
    }

    /// The first day on or after `from` that the counter opens, looking at most a year ahead.
    pub fn next_open_day(&self, from: NaiveDate) -> Option<NaiveDate> {
        from.iter_days().take(366).find(|d| self.is_open(*d))
    }

    /// The business day `n` business days after `day` (`n = 0`: `day` itself if it is one,
    /// else the next). Used for report deadlines (翌開庁日, 翌月7開庁日以内).
    pub fn add_business_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut d = day;
        while !self.is_business_day(d) {
            d = d + Days::new(1);
        }
        for _ in 0..n {
            d = d + Days::new(1);
            while !self.is_business_day(d) {
                d = d + Days::new(1);
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn calendar() -> BusinessCalendar {
        BusinessCalendar::new(Holidays::bundled().clone())
    }

    /// The national holidays of 2026–2028 as the Cabinet Office published them, written out
    /// independently of the shipped file.
    const KNOWN: &[(i32, u32, u32)] = &[
        (2026, 1, 1),
        (2026, 1, 12),
        (2026, 2, 11),
        (2026, 2, 23),
        (2026, 3, 20),
        (2026, 4, 29),
        (2026, 5, 3),
        (2026, 5, 4),
        (2026, 5, 5),
        (2026, 5, 6),
        (2026, 7, 20),
        (2026, 8, 11),
        (2026, 9, 21),
        (2026, 9, 22),
        (2026, 9, 23),
        (2026, 10, 12),
        (2026, 11, 3),
        (2026, 11, 23),
        (2027, 1, 1),
        (2027, 1, 11),
        (2027, 2, 11),
        (2027, 2, 23),
        (2027, 3, 21),
        (2027, 3, 22),
        (2027, 4, 29),
        (2027, 5, 3),
        (2027, 5, 4),
        (2027, 5, 5),
        (2027, 7, 19),
        (2027, 8, 11),
        (2027, 9, 20),
        (2027, 9, 23),
        (2027, 10, 11),
        (2027, 11, 3),
        (2027, 11, 23),
        (2028, 1, 1),
        (2028, 1, 10),
        (2028, 2, 11),
        (2028, 2, 23),
        (2028, 3, 20),
        (2028, 4, 29),
        (2028, 5, 3),
        (2028, 5, 4),
        (2028, 5, 5),
        (2028, 7, 17),
        (2028, 8, 11),
        (2028, 9, 18),
        (2028, 9, 22),
        (2028, 10, 9),
        (2028, 11, 3),
        (2028, 11, 23),
    ];

    #[test]
    fn the_bundled_list_matches_the_known_holidays_of_2026_to_2028() {
        let listed: Vec<NaiveDate> = Holidays::bundled()
            .iter()
            .map(|(d, _)| d)
            .filter(|d| (2026..=2028).contains(&d.year()))
            .collect();
        let known: Vec<NaiveDate> = KNOWN.iter().map(|&(y, m, day)| d(y, m, day)).collect();
        assert_eq!(listed, known);
        assert!(Holidays::bundled().last_year() >= 2028);
    }

    #[test]
    fn substitute_and_sandwiched_holidays_close_the_counter() {
        let c = calendar();
        // 振替休日: 2026-05-03 is a Sunday, so 05-06 (Wed) is off; 2027-03-21 Sunday → 03-22.
        for day in [d(2026, 5, 6), d(2027, 3, 22)] {
            assert_eq!(
                c.day(day),
                DayStatus::Closed {
                    reason: ClosedReason::NationalHoliday {
                        name: "休日".into()
                    }
                },
                "{day}"
            );
        }
        // 国民の休日: 2026-09-22 sits between 敬老の日 and 秋分の日.
        assert!(!c.is_open(d(2026, 9, 22)));
        // Every listed 休日 directly follows a holiday (checks the shipped file is sane).
        for (day, name) in Holidays::bundled().iter().filter(|(_, n)| *n == "休日") {
            assert!(
                Holidays::bundled().name(day.pred_opt().unwrap()).is_some(),
                "{day} {name} follows a holiday"
            );
        }
    }

    #[test]
    fn year_end_closure_runs_from_12_29_to_1_3() {
        let c = calendar();
        for day in [
            d(2026, 12, 29),
            d(2026, 12, 30),
            d(2026, 12, 31),
            d(2027, 1, 2),
            d(2027, 1, 3),
        ] {
            assert!(!c.is_open(day), "{day}");
        }
        assert_eq!(
            c.day(d(2026, 12, 29)),
            DayStatus::Closed {
                reason: ClosedReason::YearEnd
            }
        );
        assert!(c.is_open(d(2026, 12, 28)), "Monday 12/28 is open");
        assert!(c.is_open(d(2027, 1, 4)), "Monday 1/4 is open");
        assert_eq!(c.next_open_day(d(2026, 12, 29)), Some(d(2027, 1, 4)));
        // 2028-01-03 is a Monday but still closed.
        assert!(!c.is_open(d(2028, 1, 3)));
    }

    #[test]
    fn weekdays_open_weekends_close_and_sessions_open_weekends() {
        let mut c = calendar();
        assert!(matches!(
            c.day(d(2026, 11, 24)),
            DayStatus::Open {
                session: Session::Regular,
                ..
            }
        ));
        assert_eq!(
            c.day(d(2026, 11, 28)),
            DayStatus::Closed {
                reason: ClosedReason::Weekend
            }
        );
        c.add_holiday_session(d(2026, 11, 28)).unwrap();
        assert!(matches!(
            c.day(d(2026, 11, 28)),
            DayStatus::Open {
                session: Session::HolidaySession,
                ..
            }
        ));
        assert!(
            c.add_holiday_session(d(2026, 11, 24)).is_err(),
            "a weekday cannot be a holiday session"
        );
    }

    #[test]
    fn closures_close_all_or_part_of_a_day() {
        let mut c = calendar();
        let day = d(2026, 11, 24);
        c.add_closure(day, Closure::all_day(ClosureReason::Disaster, "暴風警報"))
            .unwrap();
        assert!(matches!(
            c.day(day),
            DayStatus::Closed {
                reason: ClosedReason::Closure { .. }
            }
        ));
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let outage = Closure {
            reason: ClosureReason::SystemOutage,
            note: "J-LIS".into(),
            from: Some(t(10)),
            until: Some(t(12)),
        };
        c.add_closure(day, outage.clone()).unwrap();
        assert_eq!(
            c.day(day),
            DayStatus::Open {
                opens: t(9),
                closes: t(17),
                session: Session::Regular,
                closure: Some(outage)
            }
        );
        let backwards = Closure {
            from: Some(t(12)),
            until: Some(t(10)),
            ..Closure::all_day(ClosureReason::Other, "")
        };
        assert!(c.add_closure(day, backwards).is_err());
        // A closure does not change city hall's business days (report deadlines).
        assert!(c.is_business_day(day));
    }

    #[test]
    fn business_days_skip_weekends_holidays_and_the_year_end() {
        let c = calendar();
        assert_eq!(
            c.add_business_days(d(2026, 11, 20), 1),
            d(2026, 11, 24),
            "Fri → Tue over Sat, Sun and 勤労感謝の日"
        );
        assert_eq!(c.add_business_days(d(2026, 12, 28), 1), d(2027, 1, 4));
        assert_eq!(c.add_business_days(d(2026, 11, 22), 0), d(2026, 11, 24));
        assert_eq!(
            c.add_business_days(d(2026, 4, 30), 7),
            d(2026, 5, 14),
            "over Golden Week"
        );
    }

    #[test]
    fn beyond_the_list_nothing_is_guessed() {
        assert_eq!(
            calendar().day(d(2031, 6, 2)),
            DayStatus::Closed {
                reason: ClosedReason::NoCalendarData
            }
        );
        assert!(Holidays::from_csv("header\n").is_err());
        assert!(
            Holidays::from_csv("header\n2026-01-01,元日\n").is_err(),
            "wrong date layout"
        );
    }
}
