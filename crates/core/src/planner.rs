//! The capacity and staffing planner: from the city's monthly forecast of expiries to visits a
//! day, places and seats needed against the slot plan, staff per task (the city asks for
//! 月毎・業務内容毎の見込人数, seed 000 §8(2)エ), and the waiting to expect: analytically with
//! Erlang C (M/M/c) and by simulating a day of booked arrivals (lateness, no-shows, walk-ins,
//! spread-out service times). Pure: the store feeds it the forecast, calendar and slot plan.
use rand::{rngs::StdRng, Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// What the plan assumes; every figure is editable on the planner screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Assumptions {
    /// Share of expiring cards whose holders come to this counter (0–1).
    pub take_up_card: f64,
    /// Share of expiring certificates renewed at this counter (0–1; others go elsewhere).
    pub take_up_certificate: f64,
    /// Share who come in the month before the expiry month rather than in it (0–1).
    pub early_share: f64,
    /// Counter minutes for a card visit (交付, often with the certificate).
    pub minutes_card: f64,
    /// Counter minutes for a certificate-only visit (更新).
    pub minutes_certificate: f64,
    /// Counter hours a day (9:00–17:00 is 8).
    pub counter_hours: f64,
    /// Seats the current plan opens.
    pub seats: u32,
    /// Share of a seat's time spent serving (the rest: calling, breaks, paperwork).
    pub utilisation: f64,
    /// Share of bookings that do not come.
    pub no_show_rate: f64,
    /// Walk-ins as a share of booked visits.
    pub walk_in_share: f64,
    /// Phone calls per visit (bookings, changes, inquiries).
    pub calls_per_visit: f64,
    /// Minutes a call takes.
    pub call_minutes: f64,
    /// Back-office minutes per case (交付前事務, 発送準備, form counting).
    pub backoffice_minutes: f64,
    /// Visitors one reception guide handles in an hour.
    pub reception_per_hour: f64,
    /// How busy each weekday is, Monday to Sunday (Saturday and Sunday count on holiday
    /// sessions); 1.0 each means an even spread.
    #[serde(default = "even_week")]
    pub weekday_weights: Vec<f64>,
}

fn even_week() -> Vec<f64> {
    vec![1.0; 7]
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            take_up_card: 0.9,
            take_up_certificate: 0.45,
            early_share: 0.3,
            minutes_card: 30.0,
            minutes_certificate: 15.0,
            counter_hours: 8.0,
            seats: 4,
            utilisation: 0.85,
            no_show_rate: 0.07,
            walk_in_share: 0.1,
            calls_per_visit: 0.8,
            call_minutes: 5.0,
            backoffice_minutes: 8.0,
            reception_per_hour: 30.0,
            weekday_weights: even_week(),
        }
    }
}

impl Assumptions {
    /// Refuses shares outside 0–1 and non-positive durations.
    pub fn validate(&self) -> crate::Result<()> {
        let shares = [
            self.take_up_card,
            self.take_up_certificate,
            self.early_share,
            self.utilisation,
            self.no_show_rate,
            self.walk_in_share,
        ];
        let positive = [
            self.minutes_card,
            self.minutes_certificate,
            self.counter_hours,
            self.call_minutes,
            self.backoffice_minutes,
            self.reception_per_hour,
        ];
        if shares.iter().any(|s| !(0.0..=1.0).contains(s)) || self.utilisation == 0.0 {
            return Err(crate::Error::Invalid("shares are between 0 and 1".into()));
        }
        if self.weekday_weights.len() != 7
            || self
                .weekday_weights
                .iter()
                .any(|w| !(*w > 0.0 && w.is_finite()))
        {
            return Err(crate::Error::Invalid(
                "seven positive weekday weights".into(),
            ));
        }
        if positive.iter().any(|v| !(*v > 0.0 && v.is_finite()))
            || self.seats == 0
            || self.calls_per_visit < 0.0
        {
            return Err(crate::Error::Invalid(
                "durations, hours and seats must be positive".into(),
            ));
        }
        Ok(())
    }
}

/// The forecast of one month and the days the counter opens in it.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthInput {
    /// YYYY-MM.
    pub month: String,
    /// Cards expiring this month.
    pub card: u32,
    /// Certificates expiring this month.
    pub certificate: u32,
    /// Cards expiring next month (some come early).
    pub card_next: u32,
    /// Certificates expiring next month.
    pub certificate_next: u32,
    /// Days the counter opens (weekdays and holiday sessions).
    pub open_days: u32,
    /// Of those, how many fall on each weekday, Monday to Sunday.
    pub open_by_weekday: [u32; 7],
    /// Places the slot plan offers on a regular day.
    pub places_per_day: u32,
}

/// Expected waiting, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Wait {
    /// Mean minutes.
    pub mean: f64,
    /// 90th percentile, minutes.
    pub p90: f64,
}

/// The plan of one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct MonthPlan {
    /// YYYY-MM.
    pub month: String,
    /// Days the counter opens.
    pub open_days: u32,
    /// Card visits expected in the month.
    pub card_visits: f64,
    /// Certificate-only visits expected in the month.
    pub certificate_visits: f64,
    /// Visits a day (booked and walk-in, after no-shows).
    pub visits_per_day: f64,
    /// Places a day the bookings need (no-shows hold a place).
    pub places_needed: u32,
    /// Places a day the slot plan offers.
    pub places_offered: u32,
    /// offered − needed (negative: short).
    pub slack: i32,
    /// Counter seats needed a day.
    pub seats_needed: u32,
    /// Staff per task: counter, reception, back office, phone.
    pub staff: Staff,
    /// Phone lines needed (at most 2 in the contract).
    pub phone_lines: u32,
    /// Waiting with the plan's seats, by Erlang C (stationary, the day's mean load).
    pub erlang: Wait,
    /// Waiting with the plan's seats, by simulating booked days.
    pub simulated: Wait,
    /// Each weekday the counter opens on, Monday (1) to Sunday (7).
    pub by_weekday: Vec<WeekdayLoad>,
    /// An average day hour by hour from opening (simulated).
    pub hourly: Vec<HourLoad>,
}

/// The load of one weekday of the month.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct WeekdayLoad {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    /// Open days on this weekday in the month.
    pub days: u32,
    /// Visits such a day.
    pub visits: f64,
    /// Places such a day needs.
    pub places_needed: u32,
    /// Seats such a day needs.
    pub seats_needed: u32,
}

/// One hour of an average day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct HourLoad {
    /// Clock hour it starts at (9 = 9:00–10:00).
    pub hour: u32,
    /// Arrivals in the hour.
    pub arrivals: f64,
    /// Mean wait of those arrivals, minutes.
    pub mean_wait: f64,
}

/// The counter opens at 9:00.
pub const OPENS_AT: u32 = 9;

/// People per task on an ordinary day of the month (月毎・業務内容毎の見込人数).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Staff {
    /// Counter staff (one per seat).
    pub counter: u32,
    /// Reception and guidance.
    pub reception: u32,
    /// Back office.
    pub backoffice: u32,
    /// Phone.
    pub phone: u32,
}

impl Staff {
    /// Everyone.
    pub fn total(&self) -> u32 {
        self.counter + self.reception + self.backoffice + self.phone
    }
}

/// The probability that an arrival waits in an M/M/c queue with offered load `a = λ/μ` (in
/// erlangs) and `c` servers (Erlang's C formula), or 1 when the queue is unstable.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    if c == 0 || a >= f64::from(c) {
        return 1.0;
    }
    // Erlang B by its stable recursion, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let rho = a / f64::from(c);
    b / (1.0 - rho + rho * b)
}

/// Mean and 90th-percentile wait (minutes) in M/M/c: arrivals `per_hour`, mean service
/// `service_minutes`, `c` servers. Infinite when the queue is unstable.
pub fn erlang_wait(c: u32, per_hour: f64, service_minutes: f64) -> Wait {
    let lambda = per_hour / 60.0; // per minute
    let mu = 1.0 / service_minutes;
    let a = lambda / mu;
    if a >= f64::from(c) {
        return Wait {
            mean: f64::INFINITY,
            p90: f64::INFINITY,
        };
    }
    let pw = erlang_c(c, a);
    let rate = f64::from(c) * mu - lambda; // P(W > t) = pw · e^(−rate·t)
    Wait {
        mean: pw / rate,
        p90: if pw <= 0.1 {
            0.0
        } else {
            (pw / 0.1).ln() / rate
        },
    }
}

/// The smallest number of servers whose probability of waiting is at most `target`.
pub fn servers_for(per_hour: f64, service_minutes: f64, target: f64) -> u32 {
    let a = per_hour * service_minutes / 60.0;
    (1..=200).find(|c| erlang_c(*c, a) <= target).unwrap_or(200)
}

/// How arrivals come in a simulated day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arrivals {
    /// Poisson arrivals at this rate per hour all day (the stationary case Erlang C describes).
    Poisson {
        /// Arrivals per hour.
        per_hour: f64,
    },
    /// Bookings spread evenly over the day's slots, each arriving around its time (normal
    /// lateness, sd `lateness_sd` minutes, mean 5 minutes early), some not at all, plus Poisson
    /// walk-ins.
    Booked {
        /// Bookings in the day.
        bookings: u32,
        /// Share that do not come.
        no_show_rate: f64,
        /// Walk-ins per hour.
        walk_ins_per_hour: f64,
        /// Spread of arrival around the slot time, minutes.
        lateness_sd: f64,
    },
}

/// One simulated day (or a long stationary run): `seats` servers first-come first-served,
/// service times gamma-distributed with mean `service_minutes` and coefficient of variation
/// `service_cv` (1 = exponential). Returns every arrival's time (minutes after opening) and
/// wait (minutes).
pub fn simulate_day(
    arrivals: Arrivals,
    seats: u32,
    service_minutes: f64,
    service_cv: f64,
    hours: f64,
    rng: &mut StdRng,
) -> Vec<(f64, f64)> {
    let horizon = hours * 60.0;
    let mut times: Vec<f64> = Vec::new();
    let exp = |rng: &mut StdRng, rate: f64| -(1.0 - rng.gen::<f64>()).ln() / rate;
    let poisson = |rng: &mut StdRng, per_hour: f64, out: &mut Vec<f64>| {
        if per_hour <= 0.0 {
            return;
        }
        let mut t = exp(rng, per_hour / 60.0);
        while t < horizon {
            out.push(t);
            t += exp(rng, per_hour / 60.0);
        }
    };
    match arrivals {
        Arrivals::Poisson { per_hour } => poisson(rng, per_hour, &mut times),
        Arrivals::Booked {
            bookings,
            no_show_rate,
            walk_ins_per_hour,
            lateness_sd,
        } => {
            for i in 0..bookings {
                if rng.gen::<f64>() < no_show_rate {
                    continue;
                }
                let slot = horizon * f64::from(i) / f64::from(bookings.max(1));
                let (u1, u2): (f64, f64) = (rng.gen::<f64>().max(1e-12), rng.gen());
                let normal = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
                times.push((slot - 5.0 + lateness_sd * normal).max(0.0));
            }
            poisson(rng, walk_ins_per_hour, &mut times);
        }
    }
    times.sort_by(f64::total_cmp);
    let shape = 1.0 / (service_cv * service_cv).max(1e-6);
    let mut free = vec![0.0_f64; seats.max(1) as usize];
    times
        .into_iter()
        .map(|arrive| {
            let (seat, at) = free
                .iter()
                .copied()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .expect("a seat");
            let start = arrive.max(at);
            free[seat] = start + gamma(rng, shape, service_minutes / shape);
            (arrive, start - arrive)
        })
        .collect()
}

/// A gamma variate (Marsaglia–Tsang), for service times with a chosen spread.
fn gamma(rng: &mut StdRng, shape: f64, scale: f64) -> f64 {
    if shape < 1.0 {
        let u: f64 = rng.gen::<f64>().max(1e-12);
        return gamma(rng, shape + 1.0, scale) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let (u1, u2): (f64, f64) = (rng.gen::<f64>().max(1e-12), rng.gen());
        let x = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u: f64 = rng.gen::<f64>().max(1e-12);
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v * scale;
        }
    }
}

/// Mean and nearest-rank 90th percentile of waits.
pub fn summarise(waits: &mut [f64]) -> Wait {
    if waits.is_empty() {
        return Wait {
            mean: 0.0,
            p90: 0.0,
        };
    }
    waits.sort_by(f64::total_cmp);
    let n = waits.len();
    Wait {
        mean: waits.iter().sum::<f64>() / n as f64,
        p90: waits[(n * 9).div_ceil(10).max(1) - 1],
    }
}

/// Phone lines are enough when at most this share of calls has to wait for a free line.
pub const PHONE_WAIT_TARGET: f64 = 0.25;

/// Replications of a simulated day for each month.
pub const REPLICATIONS: u32 = 40;

/// The plan of one month under `a`; the simulation is seeded by `seed`, so the same inputs give
/// the same figures.
pub fn plan_month(a: &Assumptions, m: &MonthInput, seed: u64) -> MonthPlan {
    let share = |this: u32, next: u32| {
        (1.0 - a.early_share) * f64::from(this) + a.early_share * f64::from(next)
    };
    let card_visits = a.take_up_card * share(m.card, m.card_next);
    let certificate_visits = a.take_up_certificate * share(m.certificate, m.certificate_next);
    let days = f64::from(m.open_days.max(1));
    let visits_per_day = (card_visits + certificate_visits) / days;
    let booked_per_day = visits_per_day / (1.0 + a.walk_in_share);
    let places_needed = (booked_per_day / (1.0 - a.no_show_rate).max(0.01)).ceil() as u32;
    let minutes_per_visit = if visits_per_day > 0.0 {
        (card_visits * a.minutes_card + certificate_visits * a.minutes_certificate)
            / (card_visits + certificate_visits)
    } else {
        a.minutes_card
    };
    let workload = visits_per_day * minutes_per_visit; // counter minutes a day
    let seats_needed = (workload / (a.counter_hours * 60.0 * a.utilisation))
        .ceil()
        .max(1.0) as u32;
    let per_hour = visits_per_day / a.counter_hours;
    let calls_per_hour = visits_per_day * a.calls_per_visit / a.counter_hours;
    let phone_lines = servers_for(calls_per_hour, a.call_minutes, PHONE_WAIT_TARGET);
    let staff = Staff {
        counter: seats_needed,
        reception: (per_hour / a.reception_per_hour).ceil().max(1.0) as u32,
        backoffice: (visits_per_day * a.backoffice_minutes / (7.5 * 60.0))
            .ceil()
            .max(1.0) as u32,
        phone: phone_lines,
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut runs = Vec::new();
    for _ in 0..REPLICATIONS {
        runs.extend(simulate_day(
            Arrivals::Booked {
                // Those who will not come hold a booking too.
                bookings: (booked_per_day / (1.0 - a.no_show_rate).max(0.01)).round() as u32,
                no_show_rate: a.no_show_rate,
                walk_ins_per_hour: booked_per_day * a.walk_in_share / a.counter_hours,
                lateness_sd: 6.0,
            },
            a.seats,
            minutes_per_visit,
            0.35,
            a.counter_hours,
            &mut rng,
        ));
    }
    let hours = a.counter_hours.ceil() as u32;
    let hourly = (0..hours)
        .map(|h| {
            let in_hour: Vec<f64> = runs
                .iter()
                .filter(|(t, _)| (*t / 60.0) as u32 == h)
                .map(|(_, w)| *w)
                .collect();
            HourLoad {
                hour: OPENS_AT + h,
                arrivals: in_hour.len() as f64 / f64::from(REPLICATIONS),
                mean_wait: if in_hour.is_empty() {
                    0.0
                } else {
                    in_hour.iter().sum::<f64>() / in_hour.len() as f64
                },
            }
        })
        .collect();
    let weighted_days: f64 = (0..7)
        .map(|k| a.weekday_weights[k] * f64::from(m.open_by_weekday[k]))
        .sum();
    let by_weekday = (0..7)
        .filter(|k| m.open_by_weekday[*k] > 0)
        .map(|k| {
            let visits =
                (card_visits + certificate_visits) * a.weekday_weights[k] / weighted_days.max(1e-9);
            WeekdayLoad {
                weekday: k as u32 + 1,
                days: m.open_by_weekday[k],
                visits,
                places_needed: (visits / (1.0 + a.walk_in_share) / (1.0 - a.no_show_rate).max(0.01))
                    .ceil() as u32,
                seats_needed: (visits * minutes_per_visit
                    / (a.counter_hours * 60.0 * a.utilisation))
                    .ceil()
                    .max(1.0) as u32,
            }
        })
        .collect();
    let mut waits: Vec<f64> = runs.iter().map(|(_, w)| *w).collect();
    MonthPlan {
        by_weekday,
        hourly,
        month: m.month.clone(),
        open_days: m.open_days,
        card_visits,
        certificate_visits,
        visits_per_day,
        places_needed,
        places_offered: m.places_per_day,
        slack: i32::try_from(m.places_per_day).unwrap_or(i32::MAX)
            - i32::try_from(places_needed).unwrap_or(i32::MAX),
        seats_needed,
        staff,
        phone_lines,
        erlang: erlang_wait(a.seats, per_hour, minutes_per_visit),
        simulated: summarise(&mut waits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_published_values() {
        // Textbook values: c = 2, a = 1 → 1/3; c = 5, a = 4 → 0.5541.
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        assert!((erlang_c(5, 4.0) - 0.554_113).abs() < 1e-5);
        assert_eq!(erlang_c(3, 3.0), 1.0, "unstable");
        // M/M/1: Wq = ρ/(μ−λ): λ = 3/h, service 10 min → ρ = 0.5, Wq = 10 min.
        let w = erlang_wait(1, 3.0, 10.0);
        assert!((w.mean - 10.0).abs() < 1e-9, "{w:?}");
        // 10 calls an hour of 5 minutes (0.83 erlangs): 2 lines make 24.5% wait, 3 lines 4%.
        assert!((erlang_c(2, 10.0 * 5.0 / 60.0) - 0.2451).abs() < 1e-3);
        assert_eq!(servers_for(10.0, 5.0, PHONE_WAIT_TARGET), 2);
        assert_eq!(servers_for(10.0, 5.0, 0.2), 3);
    }

    #[test]
    fn the_simulation_agrees_with_erlang_c_in_a_stationary_case() {
        // M/M/4 at 85% load: 40.8 arrivals an hour, 5-minute service. Long runs, fixed seed.
        let (c, per_hour, service) = (4, 40.8, 5.0);
        let expected = erlang_wait(c, per_hour, service);
        let mut rng = StdRng::seed_from_u64(7);
        let waits = simulate_day(
            Arrivals::Poisson { per_hour },
            c,
            service,
            1.0,
            20_000.0,
            &mut rng,
        );
        let mut waits: Vec<f64> = waits.into_iter().map(|(_, w)| w).collect();
        let got = summarise(&mut waits);
        // 20,000 simulated hours (about 816,000 arrivals): the run's own error is a few per cent.
        let tolerance = 0.08;
        assert!(
            (got.mean - expected.mean).abs() / expected.mean < tolerance,
            "simulated {:.2} min vs Erlang C {:.2} min",
            got.mean,
            expected.mean
        );
        assert!(
            (got.p90 - expected.p90).abs() / expected.p90 < 0.1,
            "{got:?} vs {expected:?}"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_day() {
        let run = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            simulate_day(
                Arrivals::Booked {
                    bookings: 100,
                    no_show_rate: 0.07,
                    walk_ins_per_hour: 1.0,
                    lateness_sd: 6.0,
                },
                4,
                20.0,
                0.35,
                8.0,
                &mut rng,
            )
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
    }

    /// December 2026 of the shipped forecast (697 cards, 2,275 certificates; January 854 /
    /// 3,058), 20 open days, 128 places a day, default assumptions. Worked by hand:
    /// cards 0.9 × (0.7·697 + 0.3·854) = 0.9 × 744.1 = 669.69;
    /// certificates 0.45 × (0.7·2275 + 0.3·3058) = 0.45 × 2509.9 = 1129.455;
    /// visits a day (669.69 + 1129.455) / 20 = 89.957; booked 89.957 / 1.1 = 81.779;
    /// places 81.779 / 0.93 = 87.93 → 88; minutes a visit (669.69·30 + 1129.455·15) / 1799.145
    /// = 20.583; workload 89.957 × 20.583 = 1851.6 min; seats 1851.6 / (480 · 0.85) = 4.54 → 5;
    /// reception 11.24 an hour → 1; back office 89.957 · 8 / 450 = 1.6 → 2; calls 8.996 an
    /// hour × 5 min = 0.75 erlang, 2 lines make 20.5% wait (≤ 25%) → 2 lines; the counter load is 11.245 an hour × 20.583 min =
    /// 3.86 erlangs on the plan's 4 seats.
    #[test]
    fn december_2026_matches_the_hand_calculation() {
        let m = MonthInput {
            month: "2026-12".into(),
            card: 697,
            certificate: 2275,
            card_next: 854,
            certificate_next: 3058,
            open_days: 20,
            open_by_weekday: [4, 4, 4, 4, 4, 0, 0],
            places_per_day: 128,
        };
        let p = plan_month(&Assumptions::default(), &m, 1);
        assert!((p.card_visits - 669.69).abs() < 1e-6, "{}", p.card_visits);
        assert!((p.certificate_visits - 1129.455).abs() < 1e-6);
        assert!((p.visits_per_day - 89.957_25).abs() < 1e-4);
        assert_eq!((p.places_needed, p.slack), (88, 40));
        assert_eq!(p.seats_needed, 5);
        assert_eq!(
            p.staff,
            Staff {
                counter: 5,
                reception: 1,
                backoffice: 2,
                phone: 2
            }
        );
        assert_eq!(p.staff.total(), 10);
        // 4 seats at 3.86 erlangs (96% busy) wait long on average; 5 seats would not.
        let five = erlang_wait(5, p.visits_per_day / 8.0, 20.583);
        assert!(
            p.erlang.mean.is_finite() && p.erlang.mean > 20.0 && five.mean < 10.0,
            "{:?} {five:?}",
            p.erlang
        );
        assert_eq!(
            plan_month(&Assumptions::default(), &m, 1),
            p,
            "seeded: reproducible"
        );
        // An even week: every weekday carries the mean day; the hours add up to the day.
        assert_eq!(p.by_weekday.len(), 5);
        assert!(p
            .by_weekday
            .iter()
            .all(|w| (w.visits - p.visits_per_day).abs() < 1e-9 && w.seats_needed == 5));
        assert_eq!(p.hourly.len(), 8);
        assert_eq!((p.hourly[0].hour, p.hourly[7].hour), (9, 16));
        let arrivals: f64 = p.hourly.iter().map(|h| h.arrivals).sum();
        assert!(
            (arrivals - p.visits_per_day).abs() / p.visits_per_day < 0.05,
            "{arrivals} a simulated day vs {}",
            p.visits_per_day
        );
        assert!(
            p.hourly[7].mean_wait > p.hourly[0].mean_wait,
            "an overloaded day's queue grows"
        );
        // Busy Mondays: a 1.3 weight moves visits to Monday and away from the other days.
        let monday = Assumptions {
            weekday_weights: vec![1.3, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            ..Assumptions::default()
        };
        let q = plan_month(&monday, &m, 1);
        assert!(
            q.by_weekday[0].visits > q.visits_per_day && q.by_weekday[1].visits < q.visits_per_day
        );
        let total: f64 = q
            .by_weekday
            .iter()
            .map(|w| w.visits * f64::from(w.days))
            .sum();
        assert!(
            (total - (q.card_visits + q.certificate_visits)).abs() < 1e-6,
            "the month's visits are kept"
        );
    }

    #[test]
    fn assumptions_are_checked() {
        assert!(Assumptions::default().validate().is_ok());
        let bad = Assumptions {
            take_up_card: 1.2,
            ..Assumptions::default()
        };
        assert!(bad.validate().is_err());
        let bad = Assumptions {
            seats: 0,
            ..Assumptions::default()
        };
        assert!(bad.validate().is_err());
    }
}
