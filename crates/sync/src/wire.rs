//! The wire format: each message is a 4-byte big-endian length and that many bytes of JSON.
//! Every message carries the schema version; a frame over [`MAX_FRAME`] is refused before it
//! is read, so a peer cannot make the other side allocate without bound.
pub use madoguchi_core::store::sync::protocol::{
    Answer as Response, Request, PAGE_BYTES, PROTOCOL as SCHEMA_VERSION, PULL_PAGE, PUSH_BATCH,
};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::{Error, Result};

/// The largest frame either side reads (a longer length is refused before reading).
pub const MAX_FRAME: usize = 4 * 1024 * 1024;

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
            text.contains("\"v\":2") && text.contains("\"type\":\"pull\""),
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
        assert!(matches!(err, Error::SchemaVersion { theirs: 1, ours: 2 }));
        assert!(matches!(
            decode::<Request>(br#"{"type":"pull","after":1}"#),
            Err(Error::Malformed(_))
        ));
        assert!(matches!(
            decode::<Request>(br#"{"v":2,"type":"drop_tables"}"#),
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
