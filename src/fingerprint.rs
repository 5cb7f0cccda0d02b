//! Fingerprints: 128-bit hashes of what something is made from, so that
//! `serve` can tell what did not change between two builds.

use std::hash::{Hash, Hasher};

/// A 128-bit hash (XXH3) fed through [`Hash`]: what an episode or an output
/// file is made from, for telling unchanged inputs apart (not for security).
pub struct Key(xxhash_rust::xxh3::Xxh3);

impl Key {
    pub fn new() -> Key {
        Key(xxhash_rust::xxh3::Xxh3::new())
    }

    /// The hash of everything written so far.
    pub fn digest(&self) -> u128 {
        self.0.digest128()
    }

    /// The key of one value.
    pub fn of(value: &(impl Hash + ?Sized)) -> u128 {
        let mut key = Key::new();
        value.hash(&mut key);
        key.digest()
    }
}

impl Default for Key {
    fn default() -> Self {
        Key::new()
    }
}

impl Hasher for Key {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        self.0.digest()
    }
}
