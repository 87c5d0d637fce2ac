//! `simulate --param NAME=VALUE`: any names and values for any model and convention give model
//! values or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use periodize::model::{Convention, ModelKind};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let kind = ModelKind::ALL[(flags & 7) as usize % ModelKind::ALL.len()];
    let convention = match (flags >> 3) & 3 {
        0 => None,
        1 => Some(Convention::Lagged),
        _ => Some(Convention::SameDay),
    };
    let params: Vec<(String, String)> = text
        .split('\n')
        .take(32)
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (kv.to_string(), String::new()),
        })
        .collect();
    let _ = periodize::simulate::resolve_params(kind, convention, &params);
});
