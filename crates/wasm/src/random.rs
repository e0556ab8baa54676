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
    let mut b = random::<16>()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b).to_ascii_uppercase();
    Ok(cat!(
        h[0..8],
        '-',
        h[8..12],
        '-',
        h[12..16],
        '-',
        h[16..20],
        '-',
        h[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn nonces_are_64_hex_and_unique() {
        let a = nonce().unwrap();
        let b = nonce().unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[wasm_bindgen_test]
    fn the_pool_never_repeats_and_refills() {
        let many: Vec<String> = (0..100).map(|_| nonce().unwrap()).collect();
        let unique: std::collections::HashSet<&String> = many.iter().collect();
        assert_eq!(
            unique.len(),
            many.len(),
            "100 nonces (6 refills of the pool), all distinct"
        );
        assert!(many.iter().all(|n| n.len() == 64 && n != &"0".repeat(64)));
    }

    #[wasm_bindgen_test]
    fn uuid_v4_shape() {
        let u = uuid_v4().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "A" | "B"), "{u}");
        assert!(aliyun_es_https_core::validate::client_token(&u).is_ok());
        assert_ne!(u, uuid_v4().unwrap());
    }
}
