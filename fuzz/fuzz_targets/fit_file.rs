//! The Garmin/FIT reader (`--format fit`, `format = "fit"`): any bytes give a series or an
//! error, never a panic, and a series has one finite, non-negative load a day. With the first
//! byte odd, the rest is framed as a FIT file with a valid header and CRCs, so that the decoder
//! itself is fuzzed (random bytes rarely pass the CRC check that comes first).
#![no_main]

use libfuzzer_sys::fuzz_target;
use periodize::daily::{ReadOptions, fit_crc16 as crc16, parse_fit};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let bytes = if flags & 1 == 1 {
        let mut f = vec![14u8, 0x20, 0x54, 0x08];
        f.extend_from_slice(&(rest.len() as u32).to_le_bytes());
        f.extend_from_slice(b".FIT");
        let c = crc16(&f);
        f.extend_from_slice(&c.to_le_bytes());
        f.extend_from_slice(rest);
        let c = crc16(&f);
        f.extend_from_slice(&c.to_le_bytes());
        f
    } else {
        rest.to_vec()
    };
    if let Ok(s) = parse_fit(&bytes, std::path::Path::new("fuzz.fit"), &ReadOptions::default()) {
        assert!(!s.load.is_empty());
        assert!(s.load.iter().all(|l| l.is_finite() && *l >= 0.0));
        assert!(s.performance.is_empty() && s.easy.is_empty());
    }
});
