//! The fuzz target's property on stable Rust, so CI runs it: any bytes, and valid frames with
//! bytes flipped, cut or inserted, are either decoded or refused with an error, never a panic;
//! whatever decodes encodes and decodes again. The framed reader refuses oversized lengths.
use madoguchi_core::store::{sync::protocol::ManagerProof, Pin};
use madoguchi_sync::wire::{self, decode, encode, Request, Response};
use proptest::prelude::*;

fn valid_frames() -> Vec<Vec<u8>> {
    vec![
        encode(&Request::Pull { after: 42, log_id: "log".into(), known: None, escrow_in_use: vec![] }).unwrap(),
        encode(&Request::NewCode { manager: ManagerProof { staff: "M001".into(), pin: Pin::new("1234") }, seat: None, site: None }).unwrap(),
        encode(&Request::Enrol { code: "AAAA-BBBB-CCCC".into(), seat_id: uuid::Uuid::nil(), name: "窓口1".into(), pending: 3, kind: Default::default() }).unwrap(),
        encode(&Request::Push { batch: vec![] }).unwrap(),
        encode(&Response::Notify { head: 7 }).unwrap(),
        format!(
            r#"{{"v":3,"m":{{"type":"changes","body":{{"log_id":"l","head":1,"digest":"d","escrow":[],"entries":[{{"version":1,"id":"018f0000-0000-7000-8000-000000000000","seatId":"018f0000-0000-7000-8000-000000000001","seq":1,"origin":{{"seat":"s","staff":"t","at":"2026-12-01T09:00:00","utc":"2026-12-01T00:00:00Z"}},"mutation":{{"op":"cancel","number":"{}"}},"effects":[{{"t":"reservations","r":3,"row":{{"status":"cancelled","n":1.5}}}},{{"t":"search_keys","r":9,"row":null}}]}}]}}}}}}"#,
            madoguchi_core::reservation_number::ReservationNumber::random(&mut rand::thread_rng())
        )
        .into_bytes(),
        br#"{"v":3,"m":{"type":"snapshot","body":{"logId":"l","version":4,"rows":[{"t":"staff","r":1,"row":{"code":"M001"}}],"next":{"table":3,"rowid":10}}}}"#.to_vec(),
        encode(&Response::Refused { code: "not_enrolled".into(), message: "x".into() }).unwrap(),
        format!(
            r#"{{"v":3,"m":{{"type":"push","body":{{"batch":[{{"id":"018f0000-0000-7000-8000-000000000000","seq":1,"hlc":"x","base":0,"escrow":false,"origin":{{"seat":"s","staff":"t","at":"2026-12-01T09:00:00","utc":"2026-12-01T00:00:00Z"}},"mutation":{{"op":"cancel","number":"{}"}}}}]}}}}}}"#,
            madoguchi_core::reservation_number::ReservationNumber::random(&mut rand::thread_rng())
        )
        .into_bytes(),
    ]
}

fn check(bytes: &[u8]) {
    if let Ok(r) = decode::<Request>(bytes) {
        decode::<Request>(&encode(&r).unwrap()).unwrap();
    }
    if let Ok(r) = decode::<Response>(bytes) {
        decode::<Response>(&encode(&r).unwrap()).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
    }

    #[test]
    fn damaged_valid_frames_never_panic(which in 0usize..9, edits in proptest::collection::vec((any::<usize>(), any::<u8>(), 0u8..3), 1..8)) {
        let mut bytes = valid_frames()[which].clone();
        for (at, byte, kind) in edits {
            let at = if bytes.is_empty() { 0 } else { at % bytes.len() };
            match kind {
                0 if !bytes.is_empty() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ => bytes.truncate(at),
            }
        }
        check(&bytes);
    }

    #[test]
    fn framed_reads_of_garbage_end_in_an_error_or_a_message(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let mut r = bytes.as_slice();
            while let Ok(Some(_)) = wire::read::<_, Request>(&mut r).await {}
        });
    }
}

#[test]
fn the_valid_frames_decode() {
    for frame in valid_frames() {
        assert!(
            decode::<Request>(&frame).is_ok() || decode::<Response>(&frame).is_ok(),
            "{}",
            String::from_utf8_lossy(&frame)
        );
    }
}

#[test]
fn a_refusal_never_quotes_what_was_sent() {
    // A name where a number belongs: serde would quote it; the error must not.
    let frame = r#"{"v":3,"m":{"type":"pull","body":{"after":"山田 太郎"}}}"#.as_bytes();
    let err = decode::<Request>(frame).unwrap_err().to_string();
    assert!(!err.contains("山田"), "{err}");
    assert!(err.contains("line 1"), "{err}");
}
