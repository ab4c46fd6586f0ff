//! The city's sites as the store holds them (table `sites`, migration 0018), and the site a
//! row of a citizen's business belongs to. See docs/design/sites.md.
use rusqlite::OptionalExtension;

use crate::{site::SiteId, Error, Result};

use super::Store;

impl Store {
    /// The site this PC works for: the city's first open counter site. (A seat assigned to
    /// another site by the hub comes with partitioned replication, docs/design/sites.md §2.5;
    /// until then every store of a city works for its first site, `main` after the upgrade.)
    pub fn site(&self) -> Result<SiteId> {
        let id: Option<String> = self
            .conn()
            .query_row(
                "SELECT id FROM sites WHERE kind = 'counter' AND active = 1 ORDER BY position, id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        id.map_or_else(|| Ok(SiteId::main()), |id| id.parse())
    }

    /// The site a refused change belongs to, where staff call the citizen back: the booking's
    /// site, else the site of the reservation it names, else this store's.
    pub(crate) fn site_of_refused(
        &self,
        original: &crate::mutation::Mutation,
        subject: &str,
    ) -> Result<SiteId> {
        use crate::{mutation::Mutation, reservation::ReservationMutation};
        if let Mutation::Reservation(ReservationMutation::Book(book)) = original {
            return Ok(book.site.clone());
        }
        let Ok(number) = subject.parse::<crate::reservation_number::ReservationNumber>() else {
            return self.site();
        };
        let site: Option<String> = self
            .conn()
            .query_row(
                "SELECT site_id FROM reservations WHERE number = ?1",
                [number.as_i64()],
                |r| r.get(0),
            )
            .optional()?;
        site.map_or_else(|| self.site(), |s| s.parse())
    }

    /// Rows of a citizen's business that do not say the site they belong to: a site that is
    /// not in `sites`, or a row of a reservation's family (people, applicants, search keys,
    /// checklists, cases, closure follow-ups) or of a complaint whose site differs from its
    /// reservation's or inquiry's. Partitioned replication sends each row by its own site,
    /// so any of these would put personal data on the wrong PC. Empty when all is well.
    pub fn site_problems(&self) -> Result<Vec<String>> {
        const FAMILY: &[(&str, &str)] = &[
            ("reservation_people", "reservation_id"),
            ("search_keys", "reservation_id"),
            ("checklists", "reservation_id"),
            ("checklist_marks", "reservation_id"),
            ("checklist_outcomes", "reservation_id"),
            ("visits", "reservation_id"),
            ("visit_events", "reservation_id"),
            ("closure_affected", "reservation_id"),
        ];
        let mut problems = Vec::new();
        let count =
            |sql: &str| -> Result<i64> { Ok(self.conn().query_row(sql, [], |r| r.get(0))?) };
        for table in super::sync::SITE_TABLES {
            let n = count(&format!(
                "SELECT count(*) FROM {table} WHERE site_id NOT IN (SELECT id FROM sites)"
            ))?;
            if n > 0 {
                problems.push(format!("{table}: {n} rows of an unknown site"));
            }
        }
        for (table, key) in FAMILY {
            let n = count(&format!(
                "SELECT count(*) FROM {table} c JOIN reservations r ON r.id = c.{key} WHERE c.site_id <> r.site_id"
            ))?;
            if n > 0 {
                problems.push(format!(
                    "{table}: {n} rows of another site than their reservation"
                ));
            }
        }
        let checks = [
            ("applicants", "SELECT count(*) FROM applicants a JOIN reservation_people p ON p.applicant_id = a.id WHERE a.site_id <> p.site_id"),
            ("complaint_steps", "SELECT count(*) FROM complaint_steps s JOIN inquiries i ON i.id = s.inquiry_id WHERE s.site_id <> i.site_id"),
        ];
        for (table, sql) in checks {
            let n = count(sql)?;
            if n > 0 {
                problems.push(format!(
                    "{table}: {n} rows of another site than their parent"
                ));
            }
        }
        Ok(problems)
    }

    /// Refuses a booking for a site that does not exist, is closed for good, or serves nobody
    /// (the call center books for the others).
    pub(crate) fn check_bookable_site(&self, site: &SiteId) -> Result<()> {
        let kind: Option<String> = self
            .conn()
            .query_row(
                "SELECT kind FROM sites WHERE id = ?1 AND active = 1",
                [site.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        match kind.as_deref() {
            Some("counter" | "outreach") => Ok(()),
            Some(_) => Err(Error::Invalid(format!(
                "site {site} books for others and serves nobody"
            ))),
            None => Err(Error::Invalid(format!("no open site {site}"))),
        }
    }
}
