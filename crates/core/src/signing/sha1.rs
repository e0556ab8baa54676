//! SHA-1 (FIPS 180-4, §6.1) and HMAC-SHA1 (RFC 2104), for V1 signatures only.
//!
//! Written here rather than taken from the `sha1` crate: its fully unrolled compression is
//! about 4 KB of the shipped wasm, to hash the one short text each V1 signature needs; with
//! this loop the wasm is 2.7 KB smaller (0.7 KB gzip), for about 2 µs more per V1 signature.
//! It is pinned by FIPS 180's examples, RFC 2202's HMAC-SHA1 cases, Alibaba's V1 signing
//! vectors, and a property test against the `sha1` and `hmac` crates (dev-dependencies, so
//! the reference stays the well-kept implementation).

/// Bytes per block.
const BLOCK: usize = 64;

/// A running SHA-1 hash.
struct Sha1 {
    state: [u32; 5],
    block: [u8; BLOCK],
    /// Bytes in `block` not yet compressed.
    fill: usize,
    /// Bytes hashed in all.
    length: u64,
}

impl Sha1 {
    fn new() -> Self {
        Sha1 {
            state: [
                0x6745_2301,
                0xEFCD_AB89,
                0x98BA_DCFE,
                0x1032_5476,
                0xC3D2_E1F0,
            ],
            block: [0; BLOCK],
            fill: 0,
            length: 0,
        }
    }

    fn update(&mut self, data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        // A byte at a time: the texts are a few hundred bytes, and the compression dominates.
        for &byte in data {
            self.block[self.fill] = byte;
            self.fill += 1;
            if self.fill == BLOCK {
                compress(&mut self.state, &self.block);
                self.fill = 0;
            }
        }
    }

    /// The padding (a 1 bit, zeros, the length in bits as 64-bit big-endian), then the digest.
    fn finish(mut self) -> [u8; 20] {
        let bits = self.length.wrapping_mul(8);
        self.update(&[0x80]);
        while self.fill != BLOCK - 8 {
            self.update(&[0]);
        }
        self.update(&bits.to_be_bytes());
        let mut digest = [0u8; 20];
        for (out, word) in digest.chunks_exact_mut(4).zip(self.state) {
            out.copy_from_slice(&word.to_be_bytes());
        }
        digest
    }
}

/// One block into the state (FIPS 180-4 §6.1.2).
fn compress(state: &mut [u32; 5], block: &[u8; BLOCK]) {
    let mut w = [0u32; 80];
    for t in 0..80 {
        w[t] = if t < 16 {
            let b = &block[4 * t..4 * t + 4];
            u32::from_be_bytes([b[0], b[1], b[2], b[3]])
        } else {
            (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1)
        };
    }
    let [mut a, mut b, mut c, mut d, mut e] = *state;
    for (t, word) in w.iter().enumerate() {
        // f_t and K_t of §4.1.1 and §4.2.1: Ch, Parity, Maj, Parity.
        let (f, k) = match t / 20 {
            0 => ((b & c) | (!b & d), 0x5A82_7999),
            1 => (b ^ c ^ d, 0x6ED9_EBA1),
            2 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
            _ => (b ^ c ^ d, 0xCA62_C1D6),
        };
        let temp = a
            .rotate_left(5)
            .wrapping_add(f)
            .wrapping_add(e)
            .wrapping_add(k)
            .wrapping_add(*word);
        e = d;
        d = c;
        c = b.rotate_left(30);
        b = a;
        a = temp;
    }
    for (word, add) in state.iter_mut().zip([a, b, c, d, e]) {
        *word = word.wrapping_add(add);
    }
}

/// SHA-1 of `data`.
#[cfg(test)]
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut hash = Sha1::new();
    hash.update(data);
    hash.finish()
}

/// HMAC-SHA1 of `data` keyed with `key` (RFC 2104): a key longer than a block is hashed first.
pub fn hmac_sha1(key: &[u8], data: &[u8]) -> [u8; 20] {
    let mut padded = [0u8; BLOCK];
    if key.len() > BLOCK {
        let mut hash = Sha1::new();
        hash.update(key);
        padded[..20].copy_from_slice(&hash.finish());
    } else {
        padded[..key.len()].copy_from_slice(key);
    }
    let pad = |with: u8| padded.map(|byte| byte ^ with);
    let mut inner = Sha1::new();
    inner.update(&pad(0x36));
    inner.update(data);
    let mut outer = Sha1::new();
    outer.update(&pad(0x5c));
    outer.update(&inner.finish());
    outer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;
    use crate::signing::encode::hex;
    use proptest::prelude::*;

    #[test]
    fn fips_180_examples() {
        assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(&sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        // 448 bits: the padding needs a second block.
        assert_eq!(
            hex(&sha1(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        assert_eq!(
            hex(&sha1(&vec![b'a'; 1_000_000])),
            "34aa973cd4c4daa4f61eeb2bdbad27316534016f"
        );
    }

    #[test]
    fn every_length_around_the_block_boundaries() {
        // 55, 56 and 64 bytes are where the padding moves to another block.
        for len in 0..=130 {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            assert_eq!(sha1(&data), reference(&data), "length {len}");
        }
    }

    #[test]
    fn rfc_2202_hmac_sha1_cases() {
        let cases: [(&[u8], &[u8], &str); 7] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b617318655057264e28bc0b6fb378c8ef146be00",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            ),
            (
                &[0xaa; 20],
                &[0xdd; 50],
                "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
            ),
            (
                &[
                    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
                    0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
                ],
                &[0xcd; 50],
                "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
            ),
            (
                &[0x0c; 20],
                b"Test With Truncation",
                "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
            ),
            (
                &[0xaa; 80],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "aa4ae5e15272d00e95705637ce8a3b55ed402112",
            ),
            (
                &[0xaa; 80],
                b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
                "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
            ),
        ];
        for (key, data, expected) in cases {
            assert_eq!(hex(&hmac_sha1(key, data)), expected);
        }
    }

    /// The `sha1` crate's digest.
    fn reference(data: &[u8]) -> [u8; 20] {
        use sha1_crate::Digest as _;
        sha1_crate::Sha1::digest(data).into()
    }

    proptest! {
        #[test]
        fn matches_the_sha1_and_hmac_crates(
            key in proptest::collection::vec(any::<u8>(), 0..200),
            data in proptest::collection::vec(any::<u8>(), 0..400),
        ) {
            use hmac::{KeyInit, Mac};
            let mut mac = hmac::Hmac::<sha1_crate::Sha1>::new_from_slice(&key).unwrap();
            mac.update(&data);
            let expected: [u8; 20] = mac.finalize().into_bytes().into();
            prop_assert_eq!(hmac_sha1(&key, &data), expected);
            prop_assert_eq!(sha1(&data), reference(&data));
        }
    }
}
