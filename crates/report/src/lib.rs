//! Madoguchi's reports for the city: the daily report (日報, a holiday session's included) and
//! the monthly report (月報), as Japanese PDF (A4, IPAex Gothic subset into the file, tables that
//! break across pages, vector charts) and as CSV (UTF-8 with BOM, so Excel opens it).
//!
//! The figures come from `madoguchi_core` ([`DailyReport`], [`MonthlyReport`]): aggregates only,
//! so nothing here can print a person. Labels are the UI's own Japanese texts (one source).
//!
//! Also the reservation slip (予約票, [`slip`], [`save_slip`]): one booking's day, time, site,
//! number (with a QR code) and what to bring, A6 or A4; it names nobody either.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod certificate;
pub mod csv;
mod figures;
pub mod incident;
mod labels;
mod layout;
pub mod pdf;
pub mod plan;
pub mod roster;
pub mod slip;
pub mod training;
pub mod work_log;

pub use madoguchi_core::store::{DailyReport, MonthlyReport};
pub use slip::SlipSize;

/// What can go wrong making or saving a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The shipped font could not be parsed (a damaged build).
    #[error("the report font (assets/fonts/ipaexg.ttf) could not be read")]
    Font,
    /// The figures could not be read (locked store, wrong role…).
    #[error(transparent)]
    Core(#[from] madoguchi_core::Error),
    /// The file could not be written.
    #[error("saving {path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

/// A file format for a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A4 PDF.
    Pdf,
    /// CSV, UTF-8 with BOM.
    Csv,
}

/// Writes `bytes` as `<data>/reports/<name>`: whole, then renamed into place.
///
/// A training store's files are named `研修_…`, and its CSVs start with the 研修モード line
/// (its PDFs carry it already, through the composer).
fn write_report(
    store: &madoguchi_core::Store,
    name: &str,
    bytes: &[u8],
) -> Result<std::path::PathBuf> {
    use madoguchi_core::training_mode::{BANNER, FILE_PREFIX};
    let marked;
    let (name, bytes) = if store.kind().is_training() {
        let name = format!("{FILE_PREFIX}{name}");
        marked = if name.ends_with(".csv") {
            const BOM: &[u8] = "\u{feff}".as_bytes();
            let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
            let mut out = Vec::with_capacity(bytes.len() + 64);
            if body.len() < bytes.len() {
                out.extend_from_slice(BOM);
            }
            out.extend_from_slice(BANNER.as_bytes());
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(body);
            out
        } else {
            bytes.to_vec()
        };
        (name, marked.as_slice())
    } else {
        (name.to_owned(), bytes)
    };
    let name = name.as_str();
    let dir = store.data_dir().reports_dir();
    let path = dir.join(name);
    let io = |source| Error::Io {
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let tmp = dir.join(format!("{name}.tmp"));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, &path).map_err(io)?;
    Ok(path)
}

/// Saves the capacity plan (saved assumptions) as PDF or CSV in `<data>/reports/`.
pub fn save_plan(
    store: &madoguchi_core::Store,
    format: Format,
    site: Option<&madoguchi_core::site::SiteId>,
) -> Result<std::path::PathBuf> {
    let (p, title) = match site {
        // Another site's plan: the city's name, then the site's (site names are the city's,
        // never personal data).
        Some(site) => {
            let name = store
                .sites()?
                .into_iter()
                .find(|s| s.id == *site)
                .map_or_else(|| site.to_string(), |s| s.name);
            (
                store.capacity_plan_at(site, None)?,
                format!("{} {name}", store.meta().site_name),
            )
        }
        None => (store.capacity_plan(None)?, store.meta().site_name.clone()),
    };
    let day = store.today().format("%Y-%m-%d");
    let tag = site.map_or(String::new(), |s| format!("_{s}"));
    match format {
        Format::Pdf => write_report(
            store,
            &format!("体制計画{tag}_{day}.pdf"),
            &plan::pdf(&title, &p, store.kind())?,
        ),
        Format::Csv => write_report(
            store,
            &format!("体制計画{tag}_{day}.csv"),
            plan::csv(&p).as_bytes(),
        ),
    }
}

/// Produces a report from the store and saves it in the data directory's `reports/` folder
/// (aggregates only, so plain files are fine there; the end-of-contract wipe removes the
/// folder with the rest). The file is written whole, then renamed into place. Returns its path.
pub fn save(
    store: &madoguchi_core::Store,
    kind: madoguchi_core::store::ReportKind,
    period: chrono::NaiveDate,
    format: Format,
) -> Result<std::path::PathBuf> {
    use madoguchi_core::store::ReportKind;
    let (name, bytes) = match kind {
        ReportKind::Daily => {
            let r = store.daily_report(period)?;
            let title = if r.figures.holiday_session {
                "休日交付報告"
            } else {
                "日報"
            };
            let name = format!("{title}_{}", period.format("%Y-%m-%d"));
            match format {
                Format::Pdf => (name, pdf::daily(&r)?),
                Format::Csv => (name, csv::daily(&r).into_bytes()),
            }
        }
        ReportKind::Monthly => {
            let r = store.monthly_report(period)?;
            let name = format!("月報_{}", period.format("%Y-%m"));
            match format {
                Format::Pdf => (name, pdf::monthly(&r)?),
                Format::Csv => (name, csv::monthly(&r).into_bytes()),
            }
        }
    };
    let ext = if format == Format::Pdf { "pdf" } else { "csv" };
    write_report(store, &format!("{name}.{ext}"), &bytes)
}

/// Saves the attendance record (出勤記録: sign-ins and sign-outs) of `from..=to` as CSV in
/// `<data>/reports/`, so the end-of-contract wipe removes it with the rest. It names staff,
/// never citizens. Returns its path.
pub fn save_attendance(
    store: &madoguchi_core::Store,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<std::path::PathBuf> {
    let csv = store.attendance_csv(from, to)?;
    let name = if from == to {
        format!("出勤記録_{}.csv", from.format("%Y-%m-%d"))
    } else {
        format!(
            "出勤記録_{}_{}.csv",
            from.format("%Y-%m-%d"),
            to.format("%Y-%m-%d")
        )
    };
    write_report(store, &name, csv.as_bytes())
}

/// Saves the reservation slip (予約票) of `number` as a PDF in `<data>/reports/`, named by the
/// reservation number and the paper (`予約票_1234-5678.pdf`, `予約票_1234-5678_A4.pdf`), to be
/// printed. The slip names nobody (see [`slip`]), so it may lie there like the reports until
/// the end-of-contract wipe; the same number saved again replaces it. Reading the booking is
/// permission-checked and audited by the store. Returns its path.
pub fn save_slip(
    store: &madoguchi_core::Store,
    number: madoguchi_core::reservation_number::ReservationNumber,
    size: SlipSize,
) -> Result<std::path::PathBuf> {
    let slip = store.reservation_slip(number)?;
    let name = match size {
        SlipSize::A6 => format!("予約票_{number}.pdf"),
        SlipSize::A4 => format!("予約票_{number}_A4.pdf"),
    };
    write_report(store, &name, &slip::pdf(&slip, size)?)
}

/// Saves the incident report (事故報告書) of the incident numbered `number` as
/// `事故報告_<番号>.pdf` in `<data>/reports/`: codes as Japanese labels, counts, times, the
/// channel and title reported to, steps, follow-ups and measures; never the words staff typed
/// (they are not even read: the incident comes from the list, which carries none). Returns
/// its path.
pub fn save_incident_report(
    store: &madoguchi_core::Store,
    number: &str,
) -> Result<std::path::PathBuf> {
    let wanted = number.trim().to_uppercase();
    let incident = store
        .incidents()?
        .into_iter()
        .find(|i| i.number == wanted)
        .ok_or(madoguchi_core::Error::NotFound("incident"))?;
    let site = store
        .sites()?
        .into_iter()
        .find(|s| s.id == incident.site)
        .map_or_else(|| incident.site.to_string(), |s| s.name);
    let bytes = incident::pdf(
        &incident,
        &store.meta().site_name,
        &site,
        store.now(),
        store.kind(),
    )?;
    write_report(store, &format!("事故報告_{}.pdf", incident.number), &bytes)
}

/// Saves a site's work log (業務日誌) of `day` as `業務日誌_<site>_<day>.pdf` in
/// `<data>/reports/`: the day's figures, the notes as label × count, the due date and who
/// closed it; never the words typed beside a note (manager / deputy). Returns its path.
pub fn save_work_log(
    store: &madoguchi_core::Store,
    site: &madoguchi_core::site::SiteId,
    day: chrono::NaiveDate,
) -> Result<std::path::PathBuf> {
    let log = store.work_log(site, day)?;
    let bytes = work_log::pdf(&log, store.now(), store.kind())?;
    write_report(
        store,
        &format!("業務日誌_{}_{}.pdf", site, day.format("%Y-%m-%d")),
        &bytes,
    )
}

/// Saves the roster (業務従事者名簿) of `as_of` as `従事者名簿_<as_of>.pdf/.csv` in
/// `<data>/reports/` (docs/design/paperwork.md §7): staff names, roles, duties, sites and dates,
/// never citizens. Returns its path.
pub fn save_roster(
    store: &madoguchi_core::Store,
    as_of: chrono::NaiveDate,
    format: Format,
) -> Result<std::path::PathBuf> {
    let lines = store.roster(as_of)?;
    let name = format!("従事者名簿_{}", as_of.format("%Y-%m-%d"));
    match format {
        Format::Pdf => write_report(
            store,
            &format!("{name}.pdf"),
            &roster::pdf(&lines, &store.meta().site_name, as_of, store.kind())?,
        ),
        Format::Csv => write_report(
            store,
            &format!("{name}.csv"),
            roster::csv(&lines).as_bytes(),
        ),
    }
}

/// Saves the change report (名簿変更報告: who joined, left, changed role or details since the
/// last recorded submission) of `as_of` as `従事者名簿変更_<as_of>.pdf/.csv`. Returns its path.
pub fn save_roster_changes(
    store: &madoguchi_core::Store,
    as_of: chrono::NaiveDate,
    format: Format,
) -> Result<std::path::PathBuf> {
    let changes = store.roster_changes_at(as_of)?;
    let name = format!("従事者名簿変更_{}", as_of.format("%Y-%m-%d"));
    match format {
        Format::Pdf => write_report(
            store,
            &format!("{name}.pdf"),
            &roster::changes_pdf(&changes, &store.meta().site_name, store.kind())?,
        ),
        Format::Csv => write_report(
            store,
            &format!("{name}.csv"),
            roster::changes_csv(&changes).as_bytes(),
        ),
    }
}

/// Saves the training report (研修実施報告) of `from ..= to` as
/// `研修実施報告_<from>_<to>.pdf/.csv`: sessions with attendees and results, and the members
/// without a valid security training at `to`. Returns its path.
pub fn save_training_report(
    store: &madoguchi_core::Store,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    format: Format,
) -> Result<std::path::PathBuf> {
    let mut sessions = store.training_sessions(from, to)?;
    sessions.reverse();
    let status = store.training_status(to)?;
    let name = format!(
        "研修実施報告_{}_{}",
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    );
    match format {
        Format::Pdf => write_report(
            store,
            &format!("{name}.pdf"),
            &training::pdf(
                &sessions,
                &status,
                &store.meta().site_name,
                from,
                to,
                store.kind(),
            )?,
        ),
        Format::Csv => write_report(
            store,
            &format!("{name}.csv"),
            training::csv(&sessions, &status, from, to).as_bytes(),
        ),
    }
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
