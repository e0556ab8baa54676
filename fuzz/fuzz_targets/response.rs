//! The response parser on arbitrary answers, for every operation's shape: it must never
//! panic, and never report success for anything but a 2xx JSON object with a `Result`. The
//! same bytes as a fleet journal: read or refused, never a panic, and only the last line may
//! be dropped as torn.
#![no_main]

use aliyun_es_https_core::fleet::{Journal, Plan};
use aliyun_es_https_core::operation::Shape;
use aliyun_es_https_core::{json, response, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [a, b, rest @ ..] => (u16::from_le_bytes([*a, *b]), rest),
        _ => (200, data),
    };
    let body = String::from_utf8_lossy(body);
    let _ = json::parse(&body);
    for shape in [Shape::Accepted, Shape::Instance, Shape::InstanceList] {
        if let Ok(ok) = response::parse(shape, status, &body) {
            assert!((200..300).contains(&status), "success with HTTP {status}");
            assert!(matches!(json::parse(&body), Some(json::Value::Object(_))));
            assert!(!ok.request_id().is_empty());
            if let Response::Instance { instance, .. } = &ok {
                let _ = Plan::of(instance);
            }
        }
    }
    let lines: Vec<&str> = body.split('\n').collect();
    if let Ok(journal) = Journal::read(lines.iter().copied()) {
        // Every line is a record, but for one torn last line dropped (a torn fragment with a
        // record joined to it still counts that record).
        let lines = lines.iter().filter(|l| !l.trim().is_empty()).count();
        let dropped_last = journal.torn_last_line && journal.records + 1 == lines;
        assert!(journal.records == lines || dropped_last, "{} records of {lines} lines", journal.records);
    }
    let _ = response::excerpt(&body);
});
