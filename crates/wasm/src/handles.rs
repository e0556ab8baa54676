//! What the package's JS holds by number: client configurations, calls, ensures, rate limiters.
//! A handle is an index + 1 (never 0); a freed slot is reused.

use crate::prelude::*;
use core::cell::RefCell;

/// One table of handles.
pub(crate) struct Handles<T>(RefCell<Vec<Option<T>>>);

impl<T> Handles<T> {
    /// An empty table.
    pub const fn new() -> Self {
        Handles(RefCell::new(Vec::new()))
    }

    /// Stores `value`; returns its handle.
    pub fn insert(&self, value: T) -> u32 {
        let mut all = self.0.borrow_mut();
        match all.iter().position(Option::is_none) {
            Some(at) => {
                all[at] = Some(value);
                at as u32 + 1
            }
            None => {
                all.push(Some(value));
                all.len() as u32
            }
        }
    }

    /// Takes `handle`'s value out of the table (`None`: a stale handle).
    pub fn take(&self, handle: u32) -> Option<T> {
        self.0.borrow_mut().get_mut(Self::index(handle))?.take()
    }

    /// `f` on `handle`'s value (`None`: a stale handle). `f` must not use this same table.
    pub fn with<R>(&self, handle: u32, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        self.0
            .borrow_mut()
            .get_mut(Self::index(handle))?
            .as_mut()
            .map(f)
    }

    fn index(handle: u32) -> usize {
        (handle as usize).wrapping_sub(1)
    }
}
