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

fn random<const N: usize>() -> Result<[u8; N], Error> {
    let unavailable = |_| {
        let msg = "this runtime has no secure random number generator (crypto.getRandomValues)";
        Error::invalid(codes::UNSUPPORTED_RUNTIME, "crypto", msg)
    };
    let mut out = [0u8; N];
    if N > POOL {
        getrandom::fill(&mut out).map_err(unavailable)?;
        return Ok(out);
    }
    {
        let (bytes, used) = &mut *POOL_STATE.borrow_mut();
        if POOL - *used < N {
            getrandom::fill(bytes).map_err(unavailable)?;
            *used = 0;
        }
        out.copy_from_slice(&bytes[*used..*used + N]);
        // Wipe what was handed out, so no byte is ever handed out twice even by mistake.
        bytes[*used..*used + N].fill(0);
        *used += N;
        Ok(out)
    }
}

/// A fresh signature nonce: 64 hex characters (32 random bytes), as the official SDK sends.
pub fn nonce() -> Result<String, Error> {
    Ok(hex(&random::<32>()?))
}

/// A uniform random number in `[0, 1)`, for backoff jitter (0 if randomness is missing:
/// a retry without jitter is still a retry).
pub fn unit() -> f64 {
    random::<8>().map_or(0.0, |b| {
        (u64::from_le_bytes(b) >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// A random UUID v4 (upper-case, the style of Alibaba's own ids), used as the clientToken when
/// the caller gives none, so that a repeated call can never apply the change twice.
pub fn uuid_v4() -> Result<String, Error> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut b = random::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 15)]));
    }
    Ok(out)
}

// Tested through the built package (tests/behaviour/scenarios.mjs: nonces, the pool, UUIDs).
