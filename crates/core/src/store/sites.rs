//! The city's sites as the store holds them (table `sites`, migration 0018), and the site a
//! row of a citizen's business belongs to. See docs/design/sites.md.
use rusqlite::{params, OptionalExtension};

use crate::{
    mutation::Mutation,
    people::Role,
    reservation_number::ReservationNumber,
    site::{
        check_name, Holding, OutreachReadiness, Site, SiteId, SiteKind, SiteMutation, StaffSites,
    },
    Error, Result,
};

use super::Store;

impl Store {
    /// The city's sites, in their order (closed ones too).
    pub fn sites(&self) -> Result<Vec<Site>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, name, kind, position, active, day, sealed, weekends, procedures
             FROM sites ORDER BY position, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        })?;
        rows.map(|row| {
            let (id, name, kind, position, active, day, sealed, weekends, procedures) = row?;
            Ok(Site {
                id: id.parse()?,
                // A store from before sites has the name only in its own settings.
                name: if name.is_empty() {
                    self.meta().site_name.clone()
                } else {
                    name
                },
                kind: SiteKind::from_code(&kind)?,
                position,
                active,
                day: day.as_deref().map(super::parse_date).transpose()?,
                sealed,
                weekends,
                procedures: procedures.as_deref().map(procedure_list).transpose()?,
            })
        })
        .collect()
    }

    /// Adds a site (manager); its slot plans start as a copy of the first site's.
    pub fn add_site(&self, id: SiteId, name: &str, kind: SiteKind) -> Result<Site> {
        self.add_site_on(id, name, kind, None)
    }

    /// Adds a site; an outreach site (出張申請) with its one `day`.
    pub fn add_site_on(
        &self,
        id: SiteId,
        name: &str,
        kind: SiteKind,
        day: Option<chrono::NaiveDate>,
    ) -> Result<Site> {
        self.execute(Mutation::Site(SiteMutation::AddSite {
            id: id.clone(),
            name: name.to_owned(),
            kind,
            day,
        }))?;
        self.site_by_id(&id)
    }

    /// Seals an outreach site for its day, or unseals it (manager).
    pub fn seal_site(&self, id: SiteId, sealed: bool) -> Result<Site> {
        self.execute(Mutation::Site(SiteMutation::SealSite {
            id: id.clone(),
            sealed,
        }))?;
        self.site_by_id(&id)
    }

    /// When this PC works for an outreach session: whether it is ready to leave for the venue
    /// (出張準備). `None` for any other PC.
    pub fn outreach_readiness(&self) -> Result<Option<OutreachReadiness>> {
        let here = self.site()?;
        let Some(site) = self.sites()?.into_iter().find(|s| s.id == here) else {
            return Ok(None);
        };
        let (SiteKind::Outreach, Some(day)) = (site.kind, site.day) else {
            return Ok(None);
        };
        let free_places = self
            .day_schedule_at(&here, day)?
            .iter()
            .map(|s| s.capacity.saturating_sub(s.taken))
            .sum();
        let escrow_places = self
            .escrow_left()?
            .iter()
            .filter(|q| q.day == day)
            .map(|q| q.places)
            .sum();
        let pending = self.outbox_status()?.pending;
        Ok(Some(OutreachReadiness {
            ready: site.sealed && pending == 0 && escrow_places >= free_places,
            site: here,
            name: site.name,
            day,
            sealed: site.sealed,
            pending,
            free_places,
            escrow_places,
            last_sync: self.sync_link()?.and_then(|l| l.last_sync),
        }))
    }

    /// Whether `site` is an outreach site sealed for its day.
    pub(crate) fn site_sealed(&self, site: &SiteId) -> Result<bool> {
        Ok(self
            .outreach_in(self.warm_look()?, site)?
            .is_some_and(|(_, sealed)| sealed))
    }

    /// Refuses a booking or move into a sealed outreach site by anyone but its own PC.
    pub(crate) fn check_not_sealed_for(&self, site: &SiteId, from: &SiteId) -> Result<()> {
        if self.site_sealed(site)? && site != from {
            return Err(Error::NotAllowed(format!(
                "site {site} is sealed for its outreach day: only its own PC books it"
            )));
        }
        Ok(())
    }

    /// Renames a site, or closes it for good or opens it again (manager).
    pub fn change_site(&self, id: SiteId, name: &str, active: bool) -> Result<Site> {
        self.execute(Mutation::Site(SiteMutation::ChangeSite {
            id: id.clone(),
            name: name.to_owned(),
            active,
        }))?;
        self.site_by_id(&id)
    }

    /// Sets whether a site opens on weekends and the procedures it offers (`None`: every
    /// procedure) (manager).
    pub fn set_site_pattern(
        &self,
        id: SiteId,
        weekends: bool,
        procedures: Option<Vec<crate::procedure::Procedure>>,
    ) -> Result<Site> {
        self.execute(Mutation::Site(SiteMutation::SetSitePattern {
            id: id.clone(),
            weekends,
            procedures,
        }))?;
        self.site_by_id(&id)
    }

    /// Refuses a booking at `site` for a procedure it does not offer.
    pub(crate) fn check_site_offers<'a>(
        &self,
        site: &SiteId,
        procedures: impl IntoIterator<Item = &'a crate::procedure::Procedure>,
    ) -> Result<()> {
        let offered: Option<String> = self
            .conn()
            .prepare_cached("SELECT procedures FROM sites WHERE id = ?1")?
            .query_row([site.as_str()], |r| r.get(0))
            .optional()?
            .flatten();
        let Some(offered) = offered else {
            return Ok(());
        };
        let offered = procedure_list(&offered)?;
        for p in procedures {
            if !offered.contains(p) {
                return Err(Error::NotAllowed(format!(
                    "site {site} does not offer {}",
                    p.code()
                )));
            }
        }
        Ok(())
    }

    /// Sets the sites a member of the counter staff works at (manager; empty: every site).
    pub fn set_staff_sites(&self, code: &str, sites: Vec<SiteId>) -> Result<StaffSites> {
        self.execute(Mutation::Site(SiteMutation::SetStaffSites {
            code: code.to_owned(),
            sites,
        }))?;
        Ok(self
            .staff_sites()?
            .into_iter()
            .find(|s| s.code == code)
            .unwrap_or(StaffSites {
                code: code.to_owned(),
                sites: Vec::new(),
            }))
    }

    /// Every member who works at some sites only, with those sites (the others work anywhere).
    pub fn staff_sites(&self) -> Result<Vec<StaffSites>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT staff_code, site_id FROM staff_sites ORDER BY staff_code, site_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out: Vec<StaffSites> = Vec::new();
        for row in rows {
            let (code, site) = row?;
            let site = site.parse()?;
            match out.last_mut() {
                Some(last) if last.code == code => last.sites.push(site),
                _ => out.push(StaffSites {
                    code,
                    sites: vec![site],
                }),
            }
        }
        Ok(out)
    }

    /// Refuses a member of the counter staff at a site they do not work at (sign-in here, and
    /// the hub for a change pushed from a seat of `site`).
    pub(crate) fn check_rostered_at(&self, code: &str, role: Role, site: &SiteId) -> Result<()> {
        if role != Role::Staff {
            return Ok(());
        }
        let (rows, here): (i64, bool) = self.conn().query_row(
            "SELECT count(*), coalesce(max(site_id = ?2), 0) FROM staff_sites WHERE staff_code = ?1",
            [code, site.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if rows == 0 || here {
            Ok(())
        } else {
            Err(Error::NotRosteredHere {
                site: site.to_string(),
            })
        }
    }

    fn site_by_id(&self, id: &SiteId) -> Result<Site> {
        self.sites()?
            .into_iter()
            .find(|s| &s.id == id)
            .ok_or(Error::NotFound("site"))
    }

    /// Applies a change to the sites.
    pub(super) fn apply_site(&self, m: &SiteMutation) -> Result<()> {
        match m {
            SiteMutation::AddSite {
                id,
                name,
                kind,
                day,
            } => {
                let name = check_name(name)?;
                if (*kind == SiteKind::Outreach) != day.is_some() {
                    return Err(Error::Invalid(
                        "an outreach site has its one day, and only an outreach site has one"
                            .into(),
                    ));
                }
                // The city's first site, not this PC's: the hub and every seat copy the same.
                let first = self.first_site()?;
                self.conn()
                    .execute(
                        "INSERT INTO sites (id, name, kind, position, active, day)
                         VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM sites), 1, ?4)",
                        params![id.as_str(), name, kind.code(), day.map(|d| d.to_string())],
                    )
                    .map_err(|e| match e.sqlite_error_code() {
                        Some(rusqlite::ErrorCode::ConstraintViolation) => {
                            Error::Invalid(format!("site {id} already exists"))
                        }
                        _ => e.into(),
                    })?;
                if *kind == SiteKind::Desk {
                    return Ok(()); // books for the others, serves nobody: no places of its own
                }
                self.conn().execute(
                    "INSERT INTO slot_plans (site_id, kind, slot_minutes)
                     SELECT ?1, kind, slot_minutes FROM slot_plans WHERE site_id = ?2 ORDER BY kind",
                    [id.as_str(), first.as_str()],
                )?;
                self.conn().execute(
                    "INSERT INTO slot_bands (site_id, kind, starts, ends, capacity)
                     SELECT ?1, kind, starts, ends, capacity FROM slot_bands WHERE site_id = ?2
                     ORDER BY kind, starts",
                    [id.as_str(), first.as_str()],
                )?;
            }
            SiteMutation::SealSite { id, sealed } => {
                let n = self.conn().execute(
                    "UPDATE sites SET sealed = ?2 WHERE id = ?1 AND kind = 'outreach'",
                    params![id.as_str(), sealed],
                )?;
                if n == 0 {
                    return Err(Error::Invalid(format!("{id} is not an outreach site")));
                }
            }
            SiteMutation::SetSitePattern {
                id,
                weekends,
                procedures,
            } => {
                self.check_serving_site(id)?;
                if procedures.as_ref().is_some_and(Vec::is_empty) {
                    return Err(Error::Invalid(
                        "a site offers at least one procedure".into(),
                    ));
                }
                let procedures = procedures
                    .as_ref()
                    .map(|list| {
                        let mut list = list.clone();
                        list.sort();
                        list.dedup();
                        serde_json::to_string(&list).map_err(|e| Error::Invalid(e.to_string()))
                    })
                    .transpose()?;
                self.conn().execute(
                    "UPDATE sites SET weekends = ?2, procedures = ?3 WHERE id = ?1",
                    params![id.as_str(), weekends, procedures],
                )?;
            }
            SiteMutation::SetStaffSites { code, sites } => {
                self.staff_member(code)?;
                for site in sites {
                    self.check_site(site)?;
                }
                self.conn()
                    .execute("DELETE FROM staff_sites WHERE staff_code = ?1", [code])?;
                let mut sorted = sites.clone();
                sorted.sort();
                sorted.dedup();
                for site in sorted {
                    self.conn().execute(
                        "INSERT INTO staff_sites (staff_code, site_id) VALUES (?1, ?2)",
                        [code.as_str(), site.as_str()],
                    )?;
                }
            }
            SiteMutation::ChangeSite { id, name, active } => {
                let name = check_name(name)?;
                if !active {
                    // Decided from the synced rows only (the hub and every seat decide alike).
                    let (counter, others): (bool, i64) = self.conn().query_row(
                        "SELECT coalesce((SELECT kind = 'counter' FROM sites WHERE id = ?1), 0),
                                (SELECT count(*) FROM sites WHERE kind = 'counter' AND active = 1 AND id <> ?1)",
                        [id.as_str()],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )?;
                    if counter && others == 0 {
                        return Err(Error::NotAllowed(
                            "the city's only open counter site cannot be closed".into(),
                        ));
                    }
                }
                let n = self.conn().execute(
                    "UPDATE sites SET name = ?2, active = ?3 WHERE id = ?1",
                    params![id.as_str(), name, active],
                )?;
                if n == 0 {
                    return Err(Error::NotFound("site"));
                }
            }
        }
        Ok(())
    }

    /// The site this PC works for: the one the hub assigned it (told at every hello), or,
    /// before that and on the hub, the city's first open counter site (`main` in a store from
    /// before sites).
    pub fn site(&self) -> Result<SiteId> {
        let assigned: Option<String> = self
            .conn()
            .query_row(
                "SELECT s.id FROM sync_link l JOIN sites s ON s.id = l.site_id WHERE l.id = 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        match assigned {
            Some(id) => id.parse(),
            None => self.first_site(),
        }
    }

    /// Which rows a PC of `site` holds: every row when the city has one site; in a city of
    /// several, its site's, or for a desk (the call center) the bookings it made until they
    /// are served. The hub serves each seat by this rule (docs/sync-protocol.md, "Sites").
    pub(crate) fn site_holding(&self, site: &SiteId) -> Result<Holding> {
        let (sites, desk): (i64, bool) = self
            .conn()
            .prepare_cached(
                "SELECT count(*), coalesce(max(id = ?1 AND kind = 'desk'), 0) FROM sites",
            )?
            .query_row([site.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(match (sites > 1, desk) {
            (false, _) => Holding::All,
            (true, false) => Holding::Site(site.clone()),
            (true, true) => Holding::Desk(site.clone()),
        })
    }

    /// Which rows this PC holds ([`Store::site_holding`] of the site the hub assigned it);
    /// every row on the hub and on a PC not enrolled yet.
    pub fn holding(&self) -> Result<Holding> {
        let enrolled: Option<String> = self
            .conn()
            .query_row("SELECT site_id FROM sync_link WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?
            .flatten();
        match enrolled {
            Some(site) => self.site_holding(&site.parse()?),
            None => Ok(Holding::All),
        }
    }

    /// The site whose work alone this PC's reports show: a seat of one site in a city of
    /// several (its site's), a desk's PC (its own calls: the bookings it made are the sites'),
    /// or `None` for the whole city (the hub, a city of one site, a PC not enrolled yet).
    pub fn holds_only(&self) -> Result<Option<SiteId>> {
        Ok(self.holding()?.code().cloned())
    }

    /// Whose plans and board this PC shows by default: its own site, or for a PC of a desk
    /// (the call center, which serves nobody and has no slot plan) the city's first site.
    pub fn serving_site(&self) -> Result<SiteId> {
        let site = self.site()?;
        let desk: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM sites WHERE id = ?1 AND kind = 'desk')",
            [site.as_str()],
            |r| r.get(0),
        )?;
        if desk {
            self.first_site()
        } else {
            Ok(site)
        }
    }

    /// Refuses a plan for a site that does not exist or serves nobody.
    pub(crate) fn check_serving_site(&self, site: &SiteId) -> Result<()> {
        self.check_site(site)?;
        let desk: bool = self.conn().query_row(
            "SELECT kind = 'desk' FROM sites WHERE id = ?1",
            [site.as_str()],
            |r| r.get(0),
        )?;
        if desk {
            return Err(Error::Invalid(format!(
                "site {site} serves nobody: it has no slot plan"
            )));
        }
        Ok(())
    }

    /// The city's first open counter site (`main` in a store from before sites): the same on
    /// every store, so mutations may use it.
    pub(crate) fn first_site(&self) -> Result<SiteId> {
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
    /// site, else the site of the reservation it names, else the site of the seat that made
    /// it (`seat`, its name), else the city's first.
    pub(crate) fn site_of_refused(
        &self,
        original: &crate::mutation::Mutation,
        subject: &str,
        seat: &str,
    ) -> Result<SiteId> {
        use crate::{
            inquiry::InquiryMutation, mutation::Mutation, reservation::ReservationMutation,
        };
        match original {
            Mutation::Reservation(ReservationMutation::Book(book)) => return Ok(book.site.clone()),
            Mutation::Inquiry(InquiryMutation::RecordInquiry { site, .. }) => {
                return Ok(site.clone())
            }
            _ => {}
        }
        if let Ok(number) = subject.parse() {
            match self.site_of_reservation(number) {
                Err(Error::NotFound(_)) => {}
                found => return found,
            }
        }
        let of_seat: Option<String> = self
            .conn()
            .query_row(
                "SELECT site_id FROM hub_seats WHERE name = ?1 AND revoked_at IS NULL",
                [seat],
                |r| r.get(0),
            )
            .optional()?;
        match of_seat {
            Some(site) => site.parse(),
            None => self.first_site(),
        }
    }

    /// The site of reservation `number`.
    pub(crate) fn site_of_reservation(&self, number: ReservationNumber) -> Result<SiteId> {
        let site: Option<String> = self
            .conn()
            .query_row(
                "SELECT site_id FROM reservations WHERE number = ?1",
                [number.as_i64()],
                |r| r.get(0),
            )
            .optional()?;
        site.ok_or(Error::NotFound("reservation"))?.parse()
    }

    /// Refuses a change to the plans of a site that does not exist.
    pub(crate) fn check_site(&self, site: &SiteId) -> Result<()> {
        let known: bool = self.conn().query_row(
            "SELECT EXISTS (SELECT 1 FROM sites WHERE id = ?1)",
            [site.as_str()],
            |r| r.get(0),
        )?;
        if known {
            Ok(())
        } else {
            Err(Error::Invalid(format!("no site {site}")))
        }
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
                "SELECT count(*) FROM {table} c JOIN reservations r ON r.id = c.{key} WHERE c.site_id <> r.site_id OR c.desk_id IS NOT r.desk_id"
            ))?;
            if n > 0 {
                problems.push(format!(
                    "{table}: {n} rows of another site than their reservation"
                ));
            }
        }
        let checks = [
            ("applicants", "SELECT count(*) FROM applicants a JOIN reservation_people p ON p.applicant_id = a.id WHERE a.site_id <> p.site_id OR a.desk_id IS NOT p.desk_id"),
            ("complaint_steps", "SELECT count(*) FROM complaint_steps s JOIN inquiries i ON i.id = s.inquiry_id WHERE s.site_id <> i.site_id"),
            ("reservations", "SELECT count(*) FROM reservations r JOIN reservations f ON f.id = r.revisit_of WHERE r.site_id <> f.site_id"),
        ];
        for (table, sql) in checks {
            let n = count(sql)?;
            if n > 0 {
                problems.push(format!(
                    "{table}: {n} rows of another site than their parent"
                ));
            }
        }
        // The room counts are the bookings', where every booking is held (the hub).
        if self.holding()? == Holding::All {
            let n = count(
                "SELECT (SELECT count(*) FROM (
                     SELECT site_id, day, starts, slots, count(*) AS n FROM reservations
                     WHERE status IN ('booked', 'checked_in') GROUP BY site_id, day, starts, slots
                     EXCEPT SELECT site_id, day, starts, slots, n FROM site_load WHERE n > 0))
                 + (SELECT count(*) FROM (
                     SELECT site_id, day, starts, slots, n FROM site_load WHERE n > 0
                     EXCEPT SELECT site_id, day, starts, slots, count(*) FROM reservations
                     WHERE status IN ('booked', 'checked_in') GROUP BY site_id, day, starts, slots))",
            )?;
            if n > 0 {
                problems.push(format!("site_load: {n} counts differ from the bookings"));
            }
        }
        Ok(problems)
    }

    /// Puts the rows of reservation `id` (the booking, its people and their applicants, its
    /// search keys, checklist, visits and closure notes) in one part: `site`, and `desk` while
    /// a desk holds it (a call-center booking not served yet). Every child's part stays its
    /// parent's. A PC that no longer holds the part has the rows taken off it by sync
    /// (docs/sync-protocol.md, "Sites").
    pub(crate) fn set_family_parts(
        &self,
        id: &str,
        site: &SiteId,
        desk: Option<&SiteId>,
    ) -> Result<()> {
        let desk = desk.map(SiteId::as_str);
        self.conn().execute(
            "UPDATE applicants SET site_id = ?2, desk_id = ?3
             WHERE id IN (SELECT applicant_id FROM reservation_people WHERE reservation_id = ?1)",
            params![id, site.as_str(), desk],
        )?;
        // Every other table of a citizen's business that hangs off a reservation.
        for table in self.reservation_children() {
            self.conn()
                .prepare_cached(&format!(
                    "UPDATE {table} SET site_id = ?2, desk_id = ?3 WHERE reservation_id = ?1"
                ))?
                .execute(params![id, site.as_str(), desk])?;
        }
        self.conn().execute(
            "UPDATE reservations SET site_id = ?2, desk_id = ?3 WHERE id = ?1",
            params![id, site.as_str(), desk],
        )?;
        Ok(())
    }

    /// The desk holding reservation `id` until it is served, if any.
    pub(crate) fn desk_of_reservation(&self, id: &str) -> Result<Option<SiteId>> {
        let desk: Option<String> = self.conn().query_row(
            "SELECT desk_id FROM reservations WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        desk.map(|d| d.parse()).transpose()
    }

    /// A booking served, cancelled or missed leaves the desk that made it: its rows go back to
    /// its site's part alone (the call center's PCs then drop them).
    pub(crate) fn release_from_desk(&self, id: &str) -> Result<()> {
        if self.desk_of_reservation(id)?.is_some() {
            let site: String = self.conn().query_row(
                "SELECT site_id FROM reservations WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?;
            self.set_family_parts(id, &site.parse()?, None)?;
        }
        Ok(())
    }

    /// The desk a booking made on this PC is held by: its own site when that is a desk (the
    /// call center) in a city of several sites.
    pub(crate) fn booking_desk(&self) -> Result<Option<SiteId>> {
        Ok(match self.holding()? {
            Holding::Desk(d) => Some(d),
            _ => None,
        })
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

/// A site's procedures as stored (a JSON array of codes).
fn procedure_list(json: &str) -> Result<Vec<crate::procedure::Procedure>> {
    serde_json::from_str(json).map_err(|e| Error::Invalid(format!("a site's procedures: {e}")))
}
