//! The Garmin/FIT reader (`--format fit`, `format = "fit"`): any bytes give a series or an
//! error, never a panic, and a series has one finite, non-negative load a day. With the first
//! byte odd, the rest is framed as a FIT file with a valid header and CRCs, so that the decoder
//! itself is fuzzed (random bytes rarely pass the CRC check that comes first).
#![no_main]

use libfuzzer_sys::fuzz_target;
use periodize::daily::{ReadOptions, parse_fit};

fn crc16(data: &[u8]) -> u16 {
    const TABLE: [u16; 16] = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400];
    let mut crc = 0u16;
    for &b in data {
        for nibble in [b & 0xF, b >> 4] {
            let t = TABLE[(crc & 0xF) as usize];
            crc = ((crc >> 4) & 0x0FFF) ^ t ^ TABLE[nibble as usize];
        }
    }
    crc
}

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
