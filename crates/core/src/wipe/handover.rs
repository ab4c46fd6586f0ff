//! The handover export (引継ぎデータ): every record of the store, for the city or the next
//! contractor, before the wipe.
//!
//! The file is a standard age file encrypted to the city's X25519 recipient (`age1…`, the
//! public half of a key only the city holds). Inside is a tar archive: one JSON Lines file per
//! table (`tables/<table>.jsonl`, one object per row, column names as keys) and, last,
//! `manifest.json` with each table's row count, size and SHA-256. Any age tool can decrypt it;
//! `madoguchi handover list|extract` also checks the manifest.
//!
//! The seat cannot decrypt what it encrypted to the city, so to read the file back before the
//! wipe goes on, it is also encrypted to a one-time key made for this export and held only in
//! memory: the file is read back from disk with it, every entry checked against the manifest
//! and every table's row count against the store, and the key is then dropped. Its stanza in
//! the file's header opens nothing once the process ends.
use std::{
    fs::{self, File},
    io::{BufReader, BufWriter, Read, Write},
    path::{Path, PathBuf},
    str::FromStr,
};

use age::secrecy::ExposeSecret;
use base64::Engine;
use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::files::sync_dir;
use crate::text::hex;
use crate::{people::Permission, Error, Result, Store};

/// The format tag in every manifest.
pub const FORMAT: &str = "madoguchi-handover/1";

/// Tables left out of the export: this machine's TLS private key is a secret with no use to
/// anyone once the contract ends, not a record.
pub const EXCLUDED_TABLES: &[&str] = &["sync_identity"];

/// One table in the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct HandoverTable {
    /// The table.
    pub table: String,
    /// Its file in the archive.
    pub file: String,
    /// Rows.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows: u64,
    /// Bytes of the JSON Lines file.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// SHA-256 (hex) of the JSON Lines file.
    pub sha256: String,
}

/// `manifest.json`: what the export holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct HandoverManifest {
    /// [`FORMAT`].
    pub format: String,
    /// This export.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub export_id: Uuid,
    /// When it was made.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: DateTime<Utc>,
    /// The tool and version that made it.
    pub tool: String,
    /// The store exported.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub store_id: Uuid,
    /// Its site.
    pub site_name: String,
    /// Its seat (or hub).
    pub seat_name: String,
    /// The store's schema version.
    pub schema_version: u32,
    /// Every table, with counts and checksums.
    pub tables: Vec<HandoverTable>,
    /// Tables deliberately left out, and why (see [`EXCLUDED_TABLES`]).
    pub excluded: Vec<String>,
}

impl HandoverManifest {
    /// Rows in all tables.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// What the seat keeps of an export it made and read back (no personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub struct HandoverReceipt {
    /// The export.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub export_id: Uuid,
    /// Where it was written.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub file: PathBuf,
    /// Its size.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// SHA-256 (hex) of the encrypted file as written.
    pub sha256: String,
    /// The city's recipient it is encrypted to.
    pub recipient: String,
    /// Tables in it.
    pub tables: u32,
    /// Rows in it.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows: u64,
    /// When it was made.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub created_at: DateTime<Utc>,
    /// When it was read back and checked.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub verified_at: DateTime<Utc>,
}

/// A decrypted export, checked against its manifest.
pub struct Handover {
    /// The manifest.
    pub manifest: HandoverManifest,
    /// Each table's JSON Lines, by file name in the archive (plaintext: keep it in memory or
    /// write it only where the city decides).
    pub files: Vec<(String, Zeroizing<Vec<u8>>)>,
}

impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handover")
            .field("manifest", &self.manifest)
            .finish_non_exhaustive()
    }
}

/// A new key pair for the city: (the identity file's text, the recipient `age1…` to give the
/// contractor). The identity is the only way to read an export: keep it off the counter PCs.
pub fn new_city_identity() -> (Zeroizing<String>, String) {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let text = Zeroizing::new(format!(
        "# created: {}\n# public key: {recipient}\n{}\n",
        Utc::now().to_rfc3339(),
        identity.to_string().expose_secret()
    ));
    (text, recipient)
}

/// Parses the city's recipient.
pub fn parse_recipient(recipient: &str) -> Result<age::x25519::Recipient> {
    age::x25519::Recipient::from_str(recipient.trim())
        .map_err(|_| Error::Handover("the city's key must be an age public key (age1…)".into()))
}

impl Store {
    /// Writes the handover export into `dir` (a folder outside the data directory: the wipe
    /// removes everything inside it), reads it back and checks it. Manager or deputy.
    pub fn handover_export(&self, recipient: &str, dir: &Path) -> Result<HandoverReceipt> {
        let actor = self.require(Permission::Wipe)?;
        if self.kind().is_training() {
            return Err(Error::TrainingStore(
                "hand data over: it holds made-up data only",
            ));
        }
        let city = parse_recipient(recipient)?;
        fs::create_dir_all(dir).map_err(Error::io(format!("creating {}", dir.display())))?;
        if super::outside(dir, self.data_dir().root())?.is_none() {
            return Err(Error::Handover(format!(
                "{} is inside the data directory, which the wipe removes: choose another folder",
                dir.display()
            )));
        }
        let created_at = Utc::now();
        let export_id = Uuid::now_v7();
        let name = format!(
            "madoguchi-handover_{}_{}.age",
            super::file_safe(&self.meta().seat_name),
            created_at
                .with_timezone(&chrono::Local)
                .format("%Y%m%d-%H%M%S")
        );
        let path = dir.join(&name);
        let part = dir.join(format!(".{name}.part"));
        let check = age::x25519::Identity::generate();

        let manifest = (|| -> Result<HandoverManifest> {
            let manifest = self.write_export(&part, export_id, created_at, &city, &check)?;
            fs::rename(&part, &path).map_err(Error::io(format!("saving {}", path.display())))?;
            sync_dir(dir);
            Ok(manifest)
        })()
        .inspect_err(|_: &Error| {
            let _ = fs::remove_file(&part);
        })?;

        // Read back what is on disk, with the one-time key.
        let read = read_archive(&path, &[&check as &dyn age::Identity], false)?;
        if read.manifest != manifest {
            return Err(Error::Handover(
                "the export read back differs from what was written".into(),
            ));
        }
        for table in &manifest.tables {
            let now = self.row_count(&table.table)?;
            if now != table.rows {
                return Err(Error::Handover(format!(
                    "table {} has {now} rows but the export holds {}",
                    table.table, table.rows
                )));
            }
        }
        let (bytes, sha256) = file_digest(&path)?;
        let receipt = HandoverReceipt {
            export_id,
            file: path,
            bytes,
            sha256,
            recipient: city.to_string(),
            tables: manifest.tables.len() as u32,
            rows: manifest.rows(),
            created_at,
            verified_at: Utc::now(),
        };
        self.audit(
            &actor,
            "handover.export",
            &export_id.to_string(),
            &format!("{} rows, sha256 {}", receipt.rows, receipt.sha256),
        )?;
        Ok(receipt)
    }

    fn write_export(
        &self,
        part: &Path,
        export_id: Uuid,
        created_at: DateTime<Utc>,
        city: &age::x25519::Recipient,
        check: &age::x25519::Identity,
    ) -> Result<HandoverManifest> {
        let io = |what: &str| Error::io(format!("{what} {}", part.display()));
        let check_recipient = check.to_public();
        let recipients: [&dyn age::Recipient; 2] = [city, &check_recipient];
        let encryptor = age::Encryptor::with_recipients(recipients.into_iter())
            .map_err(|e| Error::Handover(format!("encrypting the export: {e}")))?;
        let file = File::create(part).map_err(io("creating"))?;
        let writer = encryptor
            .wrap_output(BufWriter::new(file))
            .map_err(io("writing"))?;
        let mut tar = tar::Builder::new(writer);
        let mtime = created_at.timestamp().max(0) as u64;

        let mut tables = Vec::new();
        let mut excluded = Vec::new();
        for table in self.table_names()? {
            if EXCLUDED_TABLES.contains(&table.as_str()) {
                excluded.push(format!(
                    "{table}: this machine's TLS private key, not a record"
                ));
                continue;
            }
            let (rows, jsonl) = self.table_as_jsonl(&table)?;
            let file = format!("tables/{table}.jsonl");
            append(&mut tar, &file, &jsonl, mtime).map_err(io("writing"))?;
            tables.push(HandoverTable {
                table,
                file,
                rows,
                bytes: jsonl.len() as u64,
                sha256: hex(&Sha256::digest(&jsonl[..])),
            });
        }
        let manifest = HandoverManifest {
            format: FORMAT.into(),
            export_id,
            created_at,
            tool: super::tool(),
            store_id: self.meta().store_id,
            site_name: self.meta().site_name.clone(),
            seat_name: self.meta().seat_name.clone(),
            schema_version: crate::store::migrate::current_version(self.conn())?,
            tables,
            excluded,
        };
        let json = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| Error::Handover(format!("manifest: {e}")))?;
        append(&mut tar, "manifest.json", &json, mtime).map_err(io("writing"))?;
        let writer = tar.into_inner().map_err(io("writing"))?;
        let buffered = writer.finish().map_err(io("writing"))?;
        let file = buffered
            .into_inner()
            .map_err(|e| io("writing")(e.into_error()))?;
        file.sync_all().map_err(io("syncing"))?;
        Ok(manifest)
    }

    /// One table as JSON Lines (in memory, wiped when dropped) with its row count.
    fn table_as_jsonl(&self, table: &str) -> Result<(u64, Zeroizing<Vec<u8>>)> {
        let mut stmt = self.conn().prepare(&format!("SELECT * FROM \"{table}\""))?;
        let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        let mut out = Zeroizing::new(Vec::new());
        let mut rows = stmt.query([])?;
        let mut count = 0;
        while let Some(row) = rows.next()? {
            let mut object = serde_json::Map::with_capacity(names.len());
            for (i, name) in names.iter().enumerate() {
                let value = match row.get_ref(i)? {
                    ValueRef::Null => serde_json::Value::Null,
                    ValueRef::Integer(n) => n.into(),
                    ValueRef::Real(x) => x.into(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                    ValueRef::Blob(b) => serde_json::json!({
                        "base64": base64::engine::general_purpose::STANDARD.encode(b)
                    }),
                };
                object.insert(name.clone(), value);
            }
            serde_json::to_writer(&mut *out, &object)
                .map_err(|e| Error::Handover(format!("table {table}: {e}")))?;
            out.push(b'\n');
            count += 1;
        }
        Ok((count, out))
    }

    pub(crate) fn row_count(&self, table: &str) -> Result<u64> {
        Ok(self
            .conn()
            .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    data: &[u8],
    mtime: u64,
) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(mtime);
    header.set_cksum();
    tar.append_data(&mut header, path, data)
}

/// Opens an export with the city's identity file (the text `age-keygen` or
/// `madoguchi handover keygen` wrote) and checks every entry against the manifest.
pub fn open(path: &Path, identity_file: &str) -> Result<Handover> {
    let identities = identity_file
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .map(|l| {
            age::x25519::Identity::from_str(l)
                .map_err(|_| Error::Handover("the identity file holds a damaged key".into()))
        })
        .collect::<Result<Vec<_>>>()?;
    if identities.is_empty() {
        return Err(Error::Handover(
            "the identity file holds no age secret key (AGE-SECRET-KEY-1…)".into(),
        ));
    }
    let refs: Vec<&dyn age::Identity> =
        identities.iter().map(|i| i as &dyn age::Identity).collect();
    read_archive(path, &refs, true)
}

/// Decrypts and walks the archive; every table file must match the manifest (count, size,
/// checksum) and the manifest must name every file. Keeps the contents when `keep`.
fn read_archive(path: &Path, identities: &[&dyn age::Identity], keep: bool) -> Result<Handover> {
    let bad = |why: String| Error::Handover(format!("{}: {why}", path.display()));
    let file = File::open(path).map_err(Error::io(format!("opening {}", path.display())))?;
    let decryptor = age::Decryptor::new_buffered(BufReader::new(file))
        .map_err(|e| bad(format!("not an age file ({e})")))?;
    let reader = decryptor
        .decrypt(identities.iter().copied())
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => {
                bad("this identity cannot open it (it was made for another key)".into())
            }
            other => bad(format!("cannot decrypt ({other})")),
        })?;
    let mut archive = tar::Archive::new(reader);
    let mut found = Vec::new();
    let mut files = Vec::new();
    let mut manifest: Option<HandoverManifest> = None;
    let entries = archive
        .entries()
        .map_err(|e| bad(format!("damaged archive ({e})")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(format!("damaged archive ({e})")))?;
        let name = entry
            .path()
            .map_err(|e| bad(format!("damaged archive ({e})")))?
            .to_string_lossy()
            .into_owned();
        let mut data = Zeroizing::new(Vec::new());
        entry
            .read_to_end(&mut data)
            .map_err(|e| bad(format!("damaged archive ({e})")))?;
        if name == "manifest.json" {
            manifest = Some(
                serde_json::from_slice(&data)
                    .map_err(|e| bad(format!("damaged manifest ({e})")))?,
            );
            continue;
        }
        let rows = data.iter().filter(|&&b| b == b'\n').count() as u64;
        found.push((
            name.clone(),
            rows,
            data.len() as u64,
            hex(&Sha256::digest(&data[..])),
        ));
        if keep {
            files.push((name, data));
        }
    }
    let manifest = manifest.ok_or_else(|| bad("no manifest: the export is incomplete".into()))?;
    if manifest.format != FORMAT {
        return Err(bad(format!("unknown format {:?}", manifest.format)));
    }
    if found.len() != manifest.tables.len() {
        return Err(bad(format!(
            "the manifest lists {} tables but the archive holds {}",
            manifest.tables.len(),
            found.len()
        )));
    }
    for (entry, (name, rows, bytes, sha)) in manifest.tables.iter().zip(&found) {
        if &entry.file != name
            || entry.rows != *rows
            || entry.bytes != *bytes
            || &entry.sha256 != sha
        {
            return Err(bad(format!("{name} does not match the manifest")));
        }
    }
    Ok(Handover { manifest, files })
}

/// Size and SHA-256 of a file.
pub(crate) fn file_digest(path: &Path) -> Result<(u64, String)> {
    let mut file = File::open(path).map_err(Error::io(format!("reading {}", path.display())))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(Error::io(format!("reading {}", path.display())))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, hex(&hasher.finalize())))
}
