//! Feature keys of the learned taggers (named entities, attribution).
//!
//! A feature is a template number and the values it looks at (a word, a
//! shape, a neighbour's word, a distance bucket). Each string is hashed once
//! per word with [`fnv`]; a key combines those hashes with [`mix`] instead
//! of hashing the strings again for every template. Keys are already well
//! mixed, so the weight tables use them as their own hash ([`KeyHasher`]).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Keys are already hashes: pass them through.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ b as u64;
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A hash map keyed by feature keys.
pub(crate) type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// FNV-1a over bytes, continuing from `h`.
#[inline]
pub(crate) fn hash_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// The hash of a string, computed once per word.
#[inline]
pub(crate) fn fnv(s: &str) -> u64 {
    hash_bytes(FNV_OFFSET, s.as_bytes())
}

/// Mix a finished hash with another value (a template id, a tag, another
/// word's hash). For a fixed `v` it is a bijection of `h`, so distinct
/// inputs never collide through it.
#[inline]
pub(crate) fn mix(h: u64, v: u64) -> u64 {
    let x = (h ^ v.wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^ (x >> 33)
}

/// The key of template `t` alone (a bias, a flag).
#[inline]
pub(crate) fn start(t: u8) -> u64 {
    mix(FNV_OFFSET, t as u64 + 1)
}

/// Keys of template `t` over one, two or three hashed values.
#[inline]
pub(crate) fn k1(t: u8, a: u64) -> u64 {
    mix(start(t), a)
}
#[inline]
pub(crate) fn k2(t: u8, a: u64, b: u64) -> u64 {
    mix(mix(start(t), a), b)
}
#[inline]
pub(crate) fn k3(t: u8, a: u64, b: u64, c: u64) -> u64 {
    mix(mix(mix(start(t), a), b), c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_tell_templates_and_value_order_apart() {
        let (a, b) = (fnv("said"), fnv("told"));
        assert_ne!(a, b);
        assert_ne!(k1(1, a), k1(2, a), "same value, other template");
        assert_ne!(k2(1, a, b), k2(1, b, a), "order of values counts");
        assert_ne!(k1(1, a), k2(1, a, 0));
        assert_eq!(k3(4, a, b, 7), mix(k2(4, a, b), 7));
    }
}
