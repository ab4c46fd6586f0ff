//! Sites (拠点): the places one city's contract runs at (seed 002 §2: 本庁舎 市民課, the call
//! center, a station counter, outreach venues, 分室). Every row of a citizen's business names
//! its site, so a seat can hold only its own site's personal data (docs/design/sites.md).
//!
//! A store from before sites is a city with one site, [`SiteId::main`].
use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize};

use crate::{people::Permission, Error, Result};

/// A site's code: lowercase ASCII letters, digits and `-`, starting with a letter or digit, at
/// most 40 characters (`main`, `ekimae`, `callcenter`, `out-20270115-kgu`). Codes travel in
/// every booking and name the replication parts, so they are never free text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
#[serde(transparent)]
pub struct SiteId(String);

impl SiteId {
    /// The site every store from before sites is: the city's only site until others are added.
    pub fn main() -> SiteId {
        SiteId("main".to_owned())
    }

    /// Whether this is `main` (left out of stored mutations, so entries of a one-site city
    /// read and write back as before sites).
    pub fn is_main(&self) -> bool {
        self.0 == "main"
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which rows of the site tables a PC holds (beside the city's rows, which every PC holds):
/// the rule partitioned replication serves by (docs/sync-protocol.md, "Sites").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding {
    /// Every row: the hub, and every PC of a city with one site.
    All,
    /// One site's rows: a PC of a counter or outreach site in a city of several.
    Site(SiteId),
    /// A desk's (the call center's) rows: its own inquiries and conflicts (`site_id` = the
    /// desk), and the bookings it made for any site until they are served (`desk_id` = the
    /// desk).
    Desk(SiteId),
}

impl Holding {
    /// Whether a row of a site table, of `site` and made by desk `desk`, is held.
    pub fn holds_row(&self, site: &str, desk: Option<&str>) -> bool {
        match self {
            Holding::All => true,
            Holding::Site(s) => s.as_str() == site,
            Holding::Desk(d) => d.as_str() == site || desk == Some(d.as_str()),
        }
    }

    /// Whether every row of `site` is held (its room is then counted from its bookings;
    /// otherwise from the hub's `site_load`).
    pub fn holds_site(&self, site: &SiteId) -> bool {
        match self {
            Holding::All => true,
            Holding::Site(s) => s == site,
            Holding::Desk(_) => false,
        }
    }

    /// Whether the rows of the digest part `part` (`site` or `site/desk`, the text after the
    /// `@` of a digest key) are held.
    pub fn holds_part(&self, part: &str) -> bool {
        let (site, desk) = match part.split_once('/') {
            Some((s, d)) => (s, Some(d)),
            None => (part, None),
        };
        self.holds_row(site, desk)
    }

    /// The SQL condition (on columns `site_id` and `desk_id`) selecting the held rows of a site
    /// table, with `?N` bound to the site or desk code, or `None` for every row.
    pub fn sql(&self, n: usize) -> Option<String> {
        match self {
            Holding::All => None,
            Holding::Site(_) => Some(format!("site_id = ?{n}")),
            Holding::Desk(_) => Some(format!("(site_id = ?{n} OR desk_id = ?{n})")),
        }
    }

    /// The code bound to [`Holding::sql`]'s parameter.
    pub fn code(&self) -> Option<&SiteId> {
        match self {
            Holding::All => None,
            Holding::Site(s) | Holding::Desk(s) => Some(s),
        }
    }
}

impl Default for SiteId {
    fn default() -> SiteId {
        SiteId::main()
    }
}

impl FromStr for SiteId {
    type Err = Error;

    fn from_str(s: &str) -> Result<SiteId> {
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-');
        if ok {
            Ok(SiteId(s.to_owned()))
        } else {
            Err(Error::Invalid(format!(
                "a site code is 1–40 lowercase letters, digits or '-': {s:?}"
            )))
        }
    }
}

impl<'de> Deserialize<'de> for SiteId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<SiteId, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for SiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SiteId({})", self.0)
    }
}

coded_enum! {
    /// What a site does (seed 002 §2).
    SiteKind {
        /// A counter that serves citizens (本庁舎, a station counter, a 分室).
        Counter = "counter",
        /// A desk that books for every site and serves nobody (the call center).
        Desk = "desk",
        /// A one-day site at a venue (出張申請).
        Outreach = "outreach",
    }
}

/// The sites a member of the counter staff works at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct StaffSites {
    /// Staff ID.
    pub code: String,
    /// The sites (empty: every site).
    pub sites: Vec<SiteId>,
}

/// Whether an outreach laptop is ready to leave for its venue (出張準備): assigned to the
/// session, the day sealed, everything sent, and every free place of the day held here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct OutreachReadiness {
    /// The session's site.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub site: SiteId,
    /// Its name (the venue).
    pub name: String,
    /// Its day.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub day: chrono::NaiveDate,
    /// Sealed for the day.
    pub sealed: bool,
    /// Changes not sent to the hub yet.
    pub pending: u32,
    /// Free places of the day.
    pub free_places: u32,
    /// Of those, places this PC can confirm offline.
    pub escrow_places: u32,
    /// When this PC last synced (UTC, RFC 3339).
    pub last_sync: Option<String>,
    /// Everything above holds: it can leave.
    pub ready: bool,
}

/// One site as the settings show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct Site {
    /// Its code.
    pub id: SiteId,
    /// Its name (本庁舎 市民課, アクタ西宮ステーション…).
    pub name: String,
    /// What it does.
    pub kind: SiteKind,
    /// Order in lists and reports.
    pub position: u32,
    /// False once closed for good (its records stay).
    pub active: bool,
    /// An outreach site's one day.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub day: Option<chrono::NaiveDate>,
    /// Sealed: only its own PC (the outreach laptop) books it, and holds every free place.
    pub sealed: bool,
    /// Opens on Saturdays and Sundays too (a station counter), with its holiday-session plan;
    /// national holidays and 12/29–1/3 stay closed.
    #[serde(default)]
    pub weekends: bool,
    /// The procedures it offers (a branch may offer only some); `None`: every procedure.
    #[serde(default)]
    pub procedures: Option<Vec<crate::procedure::Procedure>>,
}

/// Changes to the city's sites, applied by `store/sites.rs`.
///
/// Do not change variants or fields casually: stored mutations and the hub's log read them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum SiteMutation {
    /// A new site; its slot plans start as a copy of the city's first site's.
    AddSite {
        /// Its code (never changes).
        id: SiteId,
        /// Its name.
        name: String,
        /// What it does.
        kind: SiteKind,
        /// An outreach site's day (required for one, refused for others).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        day: Option<chrono::NaiveDate>,
    },
    /// Seal an outreach site for its day (only its laptop books it and holds every free
    /// place, to work offline at the venue), or unseal it when the laptop is back.
    SealSite {
        /// Which site.
        id: SiteId,
        /// Sealed or not.
        sealed: bool,
    },
    /// Rename a site, or close it for good (`active` false) or open it again.
    ChangeSite {
        /// Which site.
        id: SiteId,
        /// Its name.
        name: String,
        /// Whether it is open.
        active: bool,
    },
    /// A site's own pattern: whether it opens on weekends, and the procedures it offers
    /// (`None`: every procedure).
    SetSitePattern {
        /// Which site.
        id: SiteId,
        /// Opens on Saturdays and Sundays too.
        weekends: bool,
        /// The procedures it offers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        procedures: Option<Vec<crate::procedure::Procedure>>,
    },
    /// The sites a member of the counter staff works at (empty: every site).
    SetStaffSites {
        /// Staff ID.
        code: String,
        /// The sites.
        sites: Vec<SiteId>,
    },
}

impl SiteMutation {
    /// The `op` tag.
    pub fn kind(&self) -> &'static str {
        match self {
            SiteMutation::AddSite { .. } => "add_site",
            SiteMutation::ChangeSite { .. } => "change_site",
            SiteMutation::SetStaffSites { .. } => "staff_sites",
            SiteMutation::SealSite { .. } => "seal_site",
            SiteMutation::SetSitePattern { .. } => "site_pattern",
        }
    }

    /// The site's code, or the member's staff ID.
    pub fn subject(&self) -> String {
        match self {
            SiteMutation::AddSite { id, .. }
            | SiteMutation::ChangeSite { id, .. }
            | SiteMutation::SealSite { id, .. }
            | SiteMutation::SetSitePattern { id, .. } => id.to_string(),
            SiteMutation::SetStaffSites { code, .. } => code.clone(),
        }
    }

    /// Sites are the city's settings; who works where is the roster's.
    pub fn permission(&self) -> Permission {
        match self {
            SiteMutation::SetStaffSites { .. } => Permission::ManageStaff,
            _ => Permission::ChangePlan,
        }
    }
}

/// A site's name: 1–40 characters, no line breaks.
pub fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 40 || name.contains(['\n', '\r']) {
        return Err(Error::Invalid(
            "a site's name is 1–40 characters on one line".into(),
        ));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_when_read() {
        for good in ["main", "ekimae", "out-20270115-kgu", "a"] {
            assert_eq!(good.parse::<SiteId>().unwrap().as_str(), good);
        }
        for bad in ["", "Main", "駅前", "-x", "a b", &"x".repeat(41)] {
            assert!(bad.parse::<SiteId>().is_err(), "{bad:?}");
        }
        let json = serde_json::to_string(&SiteId::main()).unwrap();
        assert_eq!(json, "\"main\"");
        assert!(serde_json::from_str::<SiteId>("\"../x\"").is_err());
    }
}
