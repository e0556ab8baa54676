//! The response parser on arbitrary answers: it must never panic, and never report success
//! for anything but a 2xx JSON object with a boolean `Result`.
#![no_main]

use aliyun_es_https::{json, response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]), rest),
        _ => (200, data),
    };
    let body = String::from_utf8_lossy(body);
    let _ = json::parse(&body);
    if let Ok(ok) = response::parse(status, &body) {
        assert!((200..300).contains(&status), "success with HTTP {status}");
        assert!(matches!(json::parse(&body), Some(json::Value::Object(_))));
        let _ = ok.request_id.len();
    }
    let _ = response::excerpt(&body);
});
