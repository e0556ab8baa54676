//! Randomness for nonces and generated clientTokens, from the platform's CSPRNG (getrandom:
//! `crypto.getRandomValues` in JS runtimes).

use crate::prelude::*;
use aliyun_es_https_core::error::{codes, Error};
use aliyun_es_https_core::signing::encode::hex;

use crate::OneThread;

/// Bytes drawn from the CSPRNG in one go and handed out in order: each draw is a call into
/// JS (`crypto.getRandomValues`), and a call needs up to 72 bytes (UUID, nonce, jitter).
/// Every byte is used once; the pool is as private as the rest of this module's memory.
const POOL: usize = 512;

static POOL_STATE: OneThread<core::cell::RefCell<([u8; POOL], usize)>> =
    OneThread(core::cell::RefCell::new(([0; POOL], POOL)));

/// Fills `out` (8 to 32 bytes here, never more than the pool) from the pool, drawing a new
/// pool when this one has too few bytes left.
fn random(out: &mut [u8]) -> Result<(), Error> {
    let unavailable = |_| {
        let msg = "this runtime has no secure random number generator (crypto.getRandomValues)";
        Error::invalid(codes::UNSUPPORTED_RUNTIME, "crypto", msg)
    };
    let n = out.len();
    let (bytes, used) = &mut *POOL_STATE.borrow_mut();
    if POOL - *used < n {
        getrandom::fill(bytes).map_err(unavailable)?;
        *used = 0;
    }
    out.copy_from_slice(&bytes[*used..*used + n]);
    // Wipe what was handed out, so no byte is ever handed out twice even by mistake.
    bytes[*used..*used + n].fill(0);
    *used += n;
    Ok(())
}

/// A fresh signature nonce: 64 hex characters (32 random bytes), as the official SDK sends.
pub fn nonce() -> Result<String, Error> {
    let mut b = [0u8; 32];
    random(&mut b)?;
    Ok(hex(&b))
}

/// A uniform random number in `[0, 1)`, for backoff jitter (0 if randomness is missing:
/// a retry without jitter is still a retry).
pub fn unit() -> f64 {
    let mut b = [0u8; 8];
    random(&mut b).map_or(0.0, |()| {
        (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// A random UUID v4 (upper-case, the style of Alibaba's own ids), used as the clientToken when
/// the caller gives none, so that a repeated call can never apply the change twice.
pub fn uuid_v4() -> Result<String, Error> {
    let mut b = [0u8; 16];
    random(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = hex(&b).to_ascii_uppercase();
    Ok(cat!(
        &hex[..8],
        "-",
        &hex[8..12],
        "-",
        &hex[12..16],
        "-",
        &hex[16..20],
        "-",
        &hex[20..]
    ))
}

// Tested through the built package (tests/behaviour/scenarios.mjs: nonces, the pool, UUIDs).
