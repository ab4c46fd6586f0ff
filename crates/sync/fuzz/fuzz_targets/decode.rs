//! Any bytes a peer can send: decoding never panics, and whatever decodes re-encodes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use madoguchi_sync::wire::{decode, encode, Request, Response};

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = decode::<Request>(data) {
        let again = encode(&request).expect("a decoded request encodes");
        decode::<Request>(&again).expect("and decodes again");
    }
    if let Ok(response) = decode::<Response>(data) {
        let again = encode(&response).expect("a decoded response encodes");
        decode::<Response>(&again).expect("and decodes again");
    }
});
