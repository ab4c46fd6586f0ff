//! The wire format: each message is a 4-byte big-endian length and that many bytes of JSON,
//! `{"v": version, "m": {"type": variant, "body": fields}}`. Every message carries the
//! protocol version, first; a frame over [`MAX_FRAME`] (or over the smaller
//! limit a reader gives [`read_limited`]) is refused before it is read, so a peer cannot make
//! the other side allocate without bound; a reader may also give the rest of a frame a
//! deadline once its length has arrived, so a peer cannot hold it by trickling bytes.
pub use madoguchi_core::store::sync::protocol::{
    Answer as Response, Request, PAGE_BYTES, PROTOCOL as SCHEMA_VERSION, PULL_PAGE, PUSH_BATCH,
};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::{Error, Result};

/// The largest frame either side reads (a longer length is refused before reading).
pub const MAX_FRAME: usize = 4 * 1024 * 1024;

/// A frame as written: the version first, then the message.
#[derive(Serialize)]
struct Framed<'a, T> {
    v: u32,
    m: &'a T,
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

/// The keys of a frame, in the order they must come.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum Key {
    V,
    M,
}

/// Reads a frame in one pass: `v` must come first and be ours before `m`, the message, is
/// read; nothing else may follow. (The message's variant is named before its fields, so
/// nothing is buffered on the way: a 1 MiB page is parsed once.)
struct FrameVisitor<'a, T> {
    theirs: &'a std::cell::Cell<Option<u32>>,
    message: std::marker::PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for FrameVisitor<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a frame: {\"v\": version, \"m\": message}")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<T, A::Error> {
        use serde::de::Error as _;
        if !matches!(map.next_key::<Key>()?, Some(Key::V)) {
            return Err(A::Error::custom("the version must come first"));
        }
        let v: u32 = map.next_value()?;
        if v != SCHEMA_VERSION {
            self.theirs.set(Some(v));
            return Err(A::Error::custom("another version"));
        }
        if !matches!(map.next_key::<Key>()?, Some(Key::M)) {
            return Err(A::Error::custom("the message must follow the version"));
        }
        let message = map.next_value()?;
        if map.next_key::<Key>()?.is_some() {
            return Err(A::Error::custom("nothing may follow the message"));
        }
        Ok(message)
    }
}

/// Decodes one frame's bytes: the version is checked before the body is trusted.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T> {
    use serde::Deserializer as _;
    let theirs = std::cell::Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let decoded = de
        .deserialize_map(FrameVisitor {
            theirs: &theirs,
            message: std::marker::PhantomData,
        })
        .and_then(|message| de.end().map(|()| message));
    match (decoded, theirs.get()) {
        (_, Some(theirs)) => Err(Error::SchemaVersion {
            theirs,
            ours: SCHEMA_VERSION,
        }),
        (decoded, None) => decoded.map_err(malformed),
    }
}

/// Encodes a message with the schema version.
pub fn encode<T: Serialize>(body: &T) -> Result<Vec<u8>> {
    let bytes = serde_json::to_vec(&Framed {
        v: SCHEMA_VERSION,
        m: body,
    })
    .map_err(malformed)?;
    if bytes.len() > MAX_FRAME {
        return Err(Error::TooLarge(bytes.len()));
    }
    Ok(bytes)
}

/// The frame for a message already encoded as JSON (`message`: a JSON value, as `encode`
/// would write it; the hub forwards stored entries this way without parsing them).
pub fn frame_json(message: &str) -> Result<Vec<u8>> {
    let frame = format!("{{\"v\":{SCHEMA_VERSION},\"m\":{message}}}").into_bytes();
    if frame.len() > MAX_FRAME {
        return Err(Error::TooLarge(frame.len()));
    }
    Ok(frame)
}

/// Writes one message.
pub async fn write<W: AsyncWrite + Unpin, T: Serialize>(w: &mut W, body: &T) -> Result<()> {
    let bytes = encode(body)?;
    w.write_all(&(bytes.len() as u32).to_be_bytes()).await?;
    w.write_all(&bytes).await?;
    w.flush().await?;
    Ok(())
}

/// Reads one message of up to [`MAX_FRAME`] bytes, however long it takes; `None` when the
/// peer closed the connection cleanly between messages.
pub async fn read<R: AsyncRead + Unpin, T: for<'de> Deserialize<'de>>(
    r: &mut R,
) -> Result<Option<T>> {
    read_limited(r, MAX_FRAME, None).await
}

/// Reads one message of at most `max` bytes (never more than [`MAX_FRAME`]): a longer length
/// is refused ([`Error::TooLarge`]) before anything else is read or allocated. With
/// `rest_within`, the rest of the frame must arrive within that time of its length (else
/// [`Error::Io`] with [`std::io::ErrorKind::TimedOut`]); waiting for the length itself is the
/// caller's to bound. `None` when the peer closed the connection cleanly between messages.
pub async fn read_limited<R: AsyncRead + Unpin, T: for<'de> Deserialize<'de>>(
    r: &mut R,
    max: usize,
    rest_within: Option<Duration>,
) -> Result<Option<T>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let len = u32::from_be_bytes(len) as usize;
    if len > max.min(MAX_FRAME) {
        return Err(Error::TooLarge(len));
    }
    let mut bytes = vec![0u8; len];
    match rest_within {
        None => r.read_exact(&mut bytes).await.map(drop)?,
        Some(limit) => tokio::time::timeout(limit, r.read_exact(&mut bytes))
            .await
            .map_err(|_| {
                Error::Io(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the rest of the message did not arrive in time",
                ))
            })?
            .map(drop)?,
    }
    decode(&bytes).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pull(after: u64) -> Request {
        Request::Pull {
            after,
            log_id: "log".into(),
            known: None,
            escrow_in_use: vec![],
        }
    }

    #[test]
    fn a_message_round_trips_with_its_version() {
        let bytes = encode(&pull(7)).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.starts_with("{\"v\":3,\"m\":{\"type\":\"pull\",\"body\":{"),
            "{text}"
        );
        assert!(matches!(
            decode::<Request>(&bytes).unwrap(),
            Request::Pull { after: 7, .. }
        ));
    }

    #[test]
    fn another_schema_version_is_refused_before_the_body_is_read() {
        let err = decode::<Request>(br#"{"v":1,"type":"pull","after":1}"#).unwrap_err();
        assert!(matches!(err, Error::SchemaVersion { theirs: 1, ours: 3 }));
        // A version-2 peer's frame (the message's fields beside the version).
        let err = decode::<Request>(br#"{"v":2,"type":"pull","after":1}"#).unwrap_err();
        assert!(matches!(err, Error::SchemaVersion { theirs: 2, ours: 3 }));
        assert!(matches!(
            decode::<Request>(br#"{"m":{"type":"pull","body":{"after":1}},"v":3}"#),
            Err(Error::Malformed(_))
        ));
        assert!(matches!(
            decode::<Request>(br#"{"v":3,"m":{"type":"drop_tables"}}"#),
            Err(Error::Malformed(_))
        ));
        assert!(matches!(
            decode::<Request>(br#"{"v":3,"m":{"type":"snapshot","body":{"from":null}},"x":1}"#),
            Err(Error::Malformed(_))
        ));
        assert!(matches!(
            decode::<Request>(br#"{"v":3,"m":{"type":"snapshot","body":{"from":null}}}"#),
            Ok(Request::Snapshot { from: None })
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
    async fn a_frame_over_the_reader_s_own_limit_is_refused_without_reading_it() {
        let body = encode(&pull(1)).unwrap();
        let mut bytes = (body.len() as u32).to_be_bytes().to_vec();
        bytes.extend_from_slice(&body);
        let err = read_limited::<_, Request>(&mut bytes.as_slice(), body.len() - 1, None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::TooLarge(n) if n == body.len()));
        assert!(
            read_limited::<_, Request>(&mut bytes.as_slice(), body.len(), None)
                .await
                .unwrap()
                .is_some()
        );
        // A limit above MAX_FRAME is MAX_FRAME.
        let mut huge = ((MAX_FRAME + 1) as u32).to_be_bytes().to_vec();
        huge.extend_from_slice(b"{}");
        let err = read_limited::<_, Request>(&mut huge.as_slice(), usize::MAX, None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::TooLarge(_)));
    }

    #[tokio::test]
    async fn the_rest_of_a_frame_that_trickles_is_cut_at_its_deadline() {
        let (mut ours, mut theirs) = tokio::io::duplex(64);
        let body = encode(&pull(1)).unwrap();
        let trickle = tokio::spawn(async move {
            theirs
                .write_all(&(body.len() as u32).to_be_bytes())
                .await
                .unwrap();
            for b in body {
                if theirs.write_all(&[b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        let started = std::time::Instant::now();
        let err =
            read_limited::<_, Request>(&mut ours, MAX_FRAME, Some(Duration::from_millis(100)))
                .await
                .unwrap_err();
        assert!(
            matches!(&err, Error::Io(e) if e.kind() == std::io::ErrorKind::TimedOut),
            "{err}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
        trickle.abort();
    }

    #[tokio::test]
    async fn frames_follow_each_other_and_a_clean_close_is_none() {
        let mut buf = Vec::new();
        write(&mut buf, &pull(1)).await.unwrap();
        write(&mut buf, &pull(2)).await.unwrap();
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
