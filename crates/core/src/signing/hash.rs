//! The two hashes the signers use, SHA-256 (V3) and SHA-1 (V1), and HMAC (RFC 2104) over
//! them, with the key's two padded blocks hashed once per access key rather than once per
//! signature.
//!
//! Both hashes are Merkle–Damgård over 64-byte blocks with a 64-bit big-endian length
//! (FIPS 180-4 §5.1.1), so one [`Hash`] does the buffering and padding for both. The block
//! functions are `sha2`'s SHA-256 compression and `sha1.rs`'s SHA-1 one. Taken as a block
//! function rather than through `sha2`'s `Digest`, and with the HMAC here rather than the
//! `hmac` crate's, a keyed state can be kept: a V3 signature then hashes 10 blocks instead of
//! 12, a V1 one 7 instead of 9. Pinned by FIPS 180's and RFC 4231's / RFC 2202's examples and
//! by property tests against the `sha2`, `sha1` and `hmac` crates.

/// Bytes per block.
const BLOCK: usize = 64;

/// A hash: its initial state, its block function and its digest's length in bytes. The state
/// is 8 words for both (SHA-1 uses the first 5), so that one copy of the code serves both.
pub struct Algorithm {
    init: [u32; 8],
    compress: fn(&mut [u32; 8], &[u8; BLOCK]),
    length: usize,
}

/// SHA-256 (FIPS 180-4 §5.3.3, §6.2).
pub const SHA256: Algorithm = Algorithm {
    init: [
        0x6a09_e667,
        0xbb67_ae85,
        0x3c6e_f372,
        0xa54f_f53a,
        0x510e_527f,
        0x9b05_688c,
        0x1f83_d9ab,
        0x5be0_cd19,
    ],
    compress: |state, block| sha2::block_api::compress256(state, core::slice::from_ref(block)),
    length: 32,
};

/// SHA-1 (FIPS 180-4 §5.3.1, §6.1): V1 signatures only.
pub const SHA1: Algorithm = Algorithm {
    init: [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
        0,
        0,
        0,
    ],
    compress: super::sha1::compress,
    length: 20,
};

/// A running hash.
struct Hash<'a> {
    algorithm: &'a Algorithm,
    state: [u32; 8],
    block: [u8; BLOCK],
    /// Bytes in `block` not yet compressed.
    fill: usize,
    /// Bytes hashed in all.
    length: u64,
}

impl<'a> Hash<'a> {
    /// Resumes from `state`, after `blocks` whole blocks.
    fn resume(algorithm: &'a Algorithm, state: [u32; 8], blocks: u64) -> Self {
        Hash {
            algorithm,
            state,
            block: [0; BLOCK],
            fill: 0,
            length: blocks * BLOCK as u64,
        }
    }

    /// Adds `data`, compressing each block as it fills.
    fn update(&mut self, mut data: &[u8]) {
        self.length = self.length.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            let take = (BLOCK - self.fill).min(data.len());
            self.block[self.fill..self.fill + take].copy_from_slice(&data[..take]);
            self.fill += take;
            data = &data[take..];
            if self.fill == BLOCK {
                (self.algorithm.compress)(&mut self.state, &self.block);
                self.fill = 0;
            }
        }
    }

    /// The padding (a 1 bit, zeros, the length in bits as 64-bit big-endian), then the digest
    /// (the state words, big-endian) into `out`, which holds the digest's length.
    fn finish(mut self, out: &mut [u8]) {
        const PADDING: [u8; BLOCK] = {
            let mut padding = [0; BLOCK];
            padding[0] = 0x80;
            padding
        };
        let bits = self.length.wrapping_mul(8);
        // 1 to 64 bytes, so that the length ends a block.
        self.update(&PADDING[..(2 * BLOCK - 9 - self.fill) % BLOCK + 1]);
        self.update(&bits.to_be_bytes());
        let out = &mut out[..self.algorithm.length];
        for (bytes, word) in out.chunks_exact_mut(4).zip(self.state) {
            bytes.copy_from_slice(&word.to_be_bytes());
        }
    }
}

/// The hash of `data` into `out` (at least the digest's length).
fn digest(algorithm: &Algorithm, data: &[u8], out: &mut [u8]) {
    let mut hash = Hash::resume(algorithm, algorithm.init, 0);
    hash.update(data);
    hash.finish(out);
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0; 32];
    digest(&SHA256, data, &mut out);
    out
}

/// An HMAC key: its hash, and the hash's state after the key's inner block and after its
/// outer block. No `Debug`: it stands for the secret.
#[derive(Clone)]
pub struct HmacKey {
    algorithm: &'static Algorithm,
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// The key `key` for `algorithm` (RFC 2104: a key longer than a block is hashed first).
    pub fn new(algorithm: &'static Algorithm, key: &[u8]) -> Self {
        let mut padded = [0u8; BLOCK];
        if key.len() > BLOCK {
            digest(algorithm, key, &mut padded);
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let state = |with: u8| {
            let mut state = algorithm.init;
            (algorithm.compress)(&mut state, &padded.map(|byte| byte ^ with));
            state
        };
        HmacKey {
            algorithm,
            inner: state(0x36),
            outer: state(0x5c),
        }
    }

    /// The HMAC of `data` into `out` (at least the digest's length).
    pub fn mac(&self, data: &[u8], out: &mut [u8]) {
        let algorithm = self.algorithm;
        let mut inner = Hash::resume(algorithm, self.inner, 1);
        inner.update(data);
        inner.finish(out);
        let mut outer = Hash::resume(algorithm, self.outer, 1);
        outer.update(&out[..algorithm.length]);
        outer.finish(out);
    }
}

/// HMAC-SHA256 of `data` with `key`, made beforehand for [`SHA256`].
pub fn hmac_sha256(key: &HmacKey, data: &[u8]) -> [u8; 32] {
    let mut out = [0; 32];
    key.mac(data, &mut out);
    out
}

/// HMAC-SHA1 of `data` with `key`, made beforehand for [`SHA1`].
pub fn hmac_sha1(key: &HmacKey, data: &[u8]) -> [u8; 20] {
    let mut out = [0; 20];
    key.mac(data, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;
    use crate::signing::encode::hex;
    use proptest::prelude::*;

    fn sha1(data: &[u8]) -> [u8; 20] {
        let mut out = [0; 20];
        digest(&SHA1, data, &mut out);
        out
    }

    #[test]
    fn fips_180_examples() {
        // (message, SHA-1, SHA-256). 448 bits: the padding needs a second block.
        let million = vec![b'a'; 1_000_000];
        let cases: [(&[u8], &str, &str); 4] = [
            (
                b"",
                "da39a3ee5e6b4b0d3255bfef95601890afd80709",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                b"abc",
                "a9993e364706816aba3e25717850c26c9cd0d89d",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            ),
            (
                &million,
                "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
                "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
            ),
        ];
        for (message, expected_sha1, expected_sha256) in cases {
            assert_eq!(hex(&sha1(message)), expected_sha1);
            assert_eq!(hex(&sha256(message)), expected_sha256);
        }
    }

    #[test]
    fn every_length_around_the_block_boundaries() {
        use sha1_crate::Digest as _;
        // 55, 56 and 64 bytes are where the padding moves to another block.
        for len in 0..=130 {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let expected: [u8; 20] = sha1_crate::Sha1::digest(&data).into();
            assert_eq!(sha1(&data), expected, "SHA-1, length {len}");
            let expected: [u8; 32] = sha2::Sha256::digest(&data).into();
            assert_eq!(sha256(&data), expected, "SHA-256, length {len}");
        }
    }

    #[test]
    fn rfc_2202_and_rfc_4231_hmac_cases() {
        // (key, data, HMAC-SHA1 from RFC 2202, HMAC-SHA256 from RFC 4231; "" where the RFC
        // has no such case). RFC 4231's case 5 checks a truncated output and is left out.
        let long_key: &[u8] = &[0xaa; 80];
        let longer_key: &[u8] = &[0xaa; 131];
        let cases: [(&[u8], &[u8], &str, &str); 9] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b617318655057264e28bc0b6fb378c8ef146be00",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 20],
                &[0xdd; 50],
                "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                &[
                    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
                    0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19,
                ],
                &[0xcd; 50],
                "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                &[0x0c; 20],
                b"Test With Truncation",
                "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
                "",
            ),
            (
                long_key,
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "aa4ae5e15272d00e95705637ce8a3b55ed402112",
                "",
            ),
            (
                long_key,
                b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
                "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
                "",
            ),
            (
                longer_key,
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                longer_key,
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
                "",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, data, sha1, sha256) in cases {
            if !sha1.is_empty() {
                assert_eq!(hex(&hmac_sha1(&HmacKey::new(&SHA1, key), data)), sha1);
            }
            if !sha256.is_empty() {
                assert_eq!(hex(&hmac_sha256(&HmacKey::new(&SHA256, key), data)), sha256);
            }
        }
    }

    proptest! {
        #[test]
        fn matches_the_sha1_sha2_and_hmac_crates(
            key in proptest::collection::vec(any::<u8>(), 0..200),
            data in proptest::collection::vec(any::<u8>(), 0..400),
        ) {
            use hmac::{KeyInit, Mac};
            use sha2::Digest as _;
            let mut mac = hmac::Hmac::<sha1_crate::Sha1>::new_from_slice(&key).unwrap();
            mac.update(&data);
            let expected: [u8; 20] = mac.finalize().into_bytes().into();
            prop_assert_eq!(hmac_sha1(&HmacKey::new(&SHA1, &key), &data), expected);
            let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
            mac.update(&data);
            let expected: [u8; 32] = mac.finalize().into_bytes().into();
            prop_assert_eq!(hmac_sha256(&HmacKey::new(&SHA256, &key), &data), expected);
            let expected: [u8; 32] = sha2::Sha256::digest(&data).into();
            prop_assert_eq!(sha256(&data), expected);
        }
    }
}
