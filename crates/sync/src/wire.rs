//! The wire format: each message is a 4-byte big-endian length and that many bytes of JSON.
//! Every message carries the schema version; a frame over [`MAX_FRAME`] is refused before it
//! is read, so a peer cannot make the other side allocate without bound.
use madoguchi_core::sync::{Entry, Envelope, PushResult, Quota};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::{Error, Result};

/// Version of the message schema; both sides refuse any other.
pub const SCHEMA_VERSION: u32 = 1;

/// Largest frame accepted (4 MiB: a pull page of entries stays well under it).
pub const MAX_FRAME: usize = 4 * 1024 * 1024;

/// Entries per pull page.
pub const PULL_PAGE: usize = 500;

/// Mutations per push.
pub const PUSH_BATCH: usize = 200;

/// A message from a seat to the hub.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Request {
    /// A new seat presents its one-time code (its certificate is what gets pinned).
    Enrol {
        /// The code shown by the hub.
        code: String,
        /// The seat's store id.
        seat_id: uuid::Uuid,
        /// Seat name.
        name: String,
    },
    /// Apply these mutations, in order.
    Push {
        /// Oldest first.
        batch: Vec<Envelope>,
    },
    /// Send the log after `after`, and the escrow this seat holds now.
    Pull {
        /// The seat's cursor.
        after: u64,
        /// Escrowed places used offline by bookings the hub has not seen yet (kept aside).
        #[serde(default)]
        escrow_in_use: Vec<Quota>,
    },
    /// This seat's audit entries after the hub's head of its chain (the hub keeps every
    /// seat's chain and checks each link).
    PushAudit {
        /// Oldest first.
        entries: Vec<madoguchi_core::store::ChainedEntry>,
    },
    /// A manager at an enrolled seat asks for an enrolment string for a new seat.
    NewCode,
    /// A manager at an enrolled seat asks for the list of seats.
    Seats,
    /// A manager at an enrolled seat revokes a seat.
    Revoke {
        /// The seat to cut off.
        seat_id: uuid::Uuid,
    },
}

/// A message from the hub to a seat.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Response {
    /// Enrolment accepted.
    Enrolled {
        /// The hub's name.
        hub_name: String,
    },
    /// One answer per pushed mutation.
    Pushed {
        /// In push order.
        results: Vec<PushResult>,
    },
    /// A page of the log.
    Changes {
        /// Entries after the cursor.
        entries: Vec<Entry>,
        /// The log's head (more pages follow while the last entry is below it).
        head: u64,
        /// The places set aside for this seat now.
        escrow: Vec<Quota>,
        /// The last entry of this seat's audit chain the hub holds.
        #[serde(default)]
        audit_head: u64,
    },
    /// Audit entries stored; the hub's head of this seat's chain.
    AuditStored {
        /// Last entry held.
        head: u64,
    },
    /// A new enrolment string.
    Code {
        /// One-time code and the start of the hub's fingerprint.
        enrolment: String,
    },
    /// The enrolled seats.
    SeatList {
        /// Revoked ones included.
        seats: Vec<madoguchi_core::store::sync::SeatRecord>,
    },
    /// Done.
    Revoked,
    /// Sent unasked when the log grows: pull now.
    Notify {
        /// The new head.
        head: u64,
    },
    /// The request was refused.
    Refused {
        /// Stable code (`not_enrolled`, `seat_revoked`, `schema_version`…).
        code: String,
        /// English explanation.
        message: String,
    },
}

/// A message with its schema version, as it travels.
#[derive(Debug, Serialize, Deserialize)]
struct Framed<T> {
    v: u32,
    #[serde(flatten)]
    body: T,
}

/// Where and what kind of error, never the text: serde's messages quote the offending value,
/// which in a mutation can be a citizen's name, and refusals are logged.
fn malformed(e: serde_json::Error) -> Error {
    Error::Malformed(format!(
        "{:?} error at line {} column {}",
        e.classify(),
        e.line(),
        e.column()
    ))
}

/// Decodes one frame's bytes: the version is checked before the body is trusted.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T> {
    #[derive(Deserialize)]
    struct Version {
        v: u32,
    }
    let version: Version = serde_json::from_slice(bytes).map_err(malformed)?;
    if version.v != SCHEMA_VERSION {
        return Err(Error::SchemaVersion {
            theirs: version.v,
            ours: SCHEMA_VERSION,
        });
    }
    let framed: Framed<T> = serde_json::from_slice(bytes).map_err(malformed)?;
    Ok(framed.body)
}

/// Encodes a message with the schema version.
pub fn encode<T: Serialize>(body: &T) -> Result<Vec<u8>> {
    let bytes = serde_json::to_vec(&Framed {
        v: SCHEMA_VERSION,
        body,
    })
    .map_err(malformed)?;
    if bytes.len() > MAX_FRAME {
        return Err(Error::TooLarge(bytes.len()));
    }
    Ok(bytes)
}

/// Writes one message.
pub async fn write<W: AsyncWrite + Unpin, T: Serialize>(w: &mut W, body: &T) -> Result<()> {
    let bytes = encode(body)?;
    w.write_all(&(bytes.len() as u32).to_be_bytes()).await?;
    w.write_all(&bytes).await?;
    w.flush().await?;
    Ok(())
}

/// Reads one message; `None` when the peer closed the connection cleanly between messages.
pub async fn read<R: AsyncRead + Unpin, T: for<'de> Deserialize<'de>>(
    r: &mut R,
) -> Result<Option<T>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(Error::TooLarge(len));
    }
    let mut bytes = vec![0u8; len];
    r.read_exact(&mut bytes).await?;
    decode(&bytes).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_round_trips_with_its_version() {
        let bytes = encode(&Request::Pull {
            after: 7,
            escrow_in_use: vec![],
        })
        .unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.contains("\"v\":1") && text.contains("\"type\":\"pull\""),
            "{text}"
        );
        assert!(matches!(
            decode::<Request>(&bytes).unwrap(),
            Request::Pull { after: 7, .. }
        ));
    }

    #[test]
    fn another_schema_version_is_refused_before_the_body_is_read() {
        let err = decode::<Request>(br#"{"v":2,"type":"pull","after":1}"#).unwrap_err();
        assert!(matches!(err, Error::SchemaVersion { theirs: 2, ours: 1 }));
        assert!(matches!(
            decode::<Request>(br#"{"type":"pull","after":1}"#),
            Err(Error::Malformed(_))
        ));
        assert!(matches!(
            decode::<Request>(br#"{"v":1,"type":"drop_tables"}"#),
            Err(Error::Malformed(_))
        ));
        assert!(matches!(
            decode::<Request>(b"\xff\x00garbage"),
            Err(Error::Malformed(_))
        ));
    }

    #[tokio::test]
    async fn an_oversized_frame_is_refused_without_reading_it() {
        let mut bytes = ((MAX_FRAME + 1) as u32).to_be_bytes().to_vec();
        bytes.extend_from_slice(b"{}");
        let err = read::<_, Request>(&mut bytes.as_slice()).await.unwrap_err();
        assert!(matches!(err, Error::TooLarge(_)));
    }

    #[tokio::test]
    async fn frames_follow_each_other_and_a_clean_close_is_none() {
        let mut buf = Vec::new();
        write(
            &mut buf,
            &Request::Pull {
                after: 1,
                escrow_in_use: vec![],
            },
        )
        .await
        .unwrap();
        write(
            &mut buf,
            &Request::Pull {
                after: 2,
                escrow_in_use: vec![],
            },
        )
        .await
        .unwrap();
        let mut r = buf.as_slice();
        assert!(matches!(
            read::<_, Request>(&mut r).await.unwrap(),
            Some(Request::Pull { after: 1, .. })
        ));
        assert!(matches!(
            read::<_, Request>(&mut r).await.unwrap(),
            Some(Request::Pull { after: 2, .. })
        ));
        assert!(read::<_, Request>(&mut r).await.unwrap().is_none());
    }
}
