//! The allocator of the package's two wasm modules: blocks in power-of-two size classes, each
//! class a free list, new blocks cut from the end of memory.
//!
//! Why not a general-purpose allocator (talc before this, dlmalloc in std): a call allocates
//! and frees a few dozen short texts, again and again, in a single thread. Taking a block off
//! its class's list and putting it back is a handful of instructions, where a general allocator
//! searches bins and splits and merges free ranges (about 3% of a call's CPU under load,
//! measured, for talc). What this gives up: a freed block is only reused for its own class
//! (blocks are never merged or split), and a block is up to twice its request. Memory is
//! bounded by the peak of live blocks per class, which for this package is small: a call's
//! answer is capped at 1 MiB, a fleet run's journal is the largest text.

#![no_std]

#[cfg(target_feature = "atomics")]
compile_error!("built for one thread: the allocator's state has no lock");

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// Classes: block sizes 2^4 (16 bytes, room for the free list's link) to 2^31.
const MIN_CLASS: usize = 4;
const CLASSES: usize = 32;

/// The strongest alignment given: every block starts at a multiple of its size or of this,
/// whichever is smaller (no type in this package asks for more).
pub const MAX_ALIGN: usize = 16;

/// Where new memory comes from.
pub trait Grow {
    /// At least `bytes` more memory: its start address and its length, or `None` when there is
    /// no more.
    fn grow(&self, bytes: usize) -> Option<(usize, usize)>;
}

/// The allocator over a source of memory `G`. For one thread only (the wasm has one).
pub struct Heap<G> {
    grow: G,
    state: UnsafeCell<State>,
}

struct State {
    /// Each class's free blocks: a block's first word holds the next one's address.
    free: [usize; CLASSES],
    /// The unused memory at the end: from `next` to `end`.
    next: usize,
    end: usize,
}

// The wasm is single-threaded; `GlobalAlloc` statics must be `Sync`.
unsafe impl<G: Sync> Sync for Heap<G> {}

impl<G> Heap<G> {
    /// An allocator that takes its memory from `grow`.
    pub const fn new(grow: G) -> Self {
        Heap {
            grow,
            state: UnsafeCell::new(State {
                free: [0; CLASSES],
                next: 0,
                end: 0,
            }),
        }
    }
}

/// The class of `layout`: the smallest power of two that holds its size and its alignment;
/// `None` past the largest class or past [`MAX_ALIGN`]. Inlined: a call to it cost as much as
/// the rest of `alloc`.
#[inline(always)]
fn class(layout: &Layout) -> Option<usize> {
    if layout.align() > MAX_ALIGN {
        return None;
    }
    let size = layout.size().max(1 << MIN_CLASS);
    let class = (usize::BITS - (size - 1).leading_zeros()) as usize;
    (class < CLASSES).then_some(class)
}

impl<G: Grow> Heap<G> {
    /// A new block of `class` from the end of memory, growing it when needed.
    fn cut(&self, state: &mut State, class: usize) -> *mut u8 {
        let size = 1usize << class;
        let align = size.min(MAX_ALIGN);
        let mut start = (state.next + align - 1) & !(align - 1);
        if start < state.next || state.end - start.min(state.end) < size {
            let Some((base, length)) = self.grow.grow(size + align) else {
                return null_mut();
            };
            // New memory right after ours extends it; anywhere else, we start over there (what
            // was left at the old end is abandoned: less than one block of this class).
            if base != state.end {
                state.next = base;
            }
            // Saturating: memory that ends at 4 GiB would wrap to 0 on wasm32.
            state.end = base.saturating_add(length);
            start = (state.next + align - 1) & !(align - 1);
            if state.end - start.min(state.end) < size {
                return null_mut();
            }
        }
        state.next = start + size;
        start as *mut u8
    }
}

unsafe impl<G: Grow> GlobalAlloc for Heap<G> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class(&layout) else {
            return null_mut();
        };
        // SAFETY: one thread, and no borrow of the state outlives this call.
        let state = unsafe { &mut *self.state.get() };
        let head = state.free[class];
        if head == 0 {
            return self.cut(state, class);
        }
        // SAFETY: `head` is a free block of this class; its first word is the next one.
        state.free[class] = unsafe { *(head as *const usize) };
        head as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // `layout` is the one the block was allocated with (GlobalAlloc's contract), so this
        // is its class.
        let Some(class) = class(&layout) else {
            return;
        };
        // SAFETY: as in `alloc`; the block is ours again and at least a word long.
        let state = unsafe { &mut *self.state.get() };
        unsafe { *(ptr as *mut usize) = state.free[class] };
        state.free[class] = ptr as usize;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY (of the layout): GlobalAlloc's contract says `new_size`, rounded up to the
        // alignment, does not overflow.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // Still the same class: the block already has room (a string growing a little).
        if class(&layout) == class(&new_layout) {
            return ptr;
        }
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// Memory from the wasm's own `memory.grow`, in whole 64 KiB pages.
#[cfg(target_arch = "wasm32")]
pub struct WasmMemory;

#[cfg(target_arch = "wasm32")]
impl Grow for WasmMemory {
    fn grow(&self, bytes: usize) -> Option<(usize, usize)> {
        const PAGE: usize = 65536;
        let pages = bytes.div_ceil(PAGE);
        match core::arch::wasm32::memory_grow(0, pages) {
            usize::MAX => None,
            previous => Some((previous * PAGE, pages * PAGE)),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use proptest::prelude::*;
    use std::cell::Cell;
    use std::vec::Vec;

    /// Memory from a fixed arena, handed out in `chunk`-byte pieces (with a gap between
    /// pieces when `gap` is set, as when something else grew the memory meanwhile).
    struct Arena {
        memory: Vec<u8>,
        used: Cell<usize>,
        chunk: usize,
        gap: bool,
    }

    impl Arena {
        fn new(size: usize, chunk: usize, gap: bool) -> Self {
            Arena {
                memory: std::vec![0; size],
                used: Cell::new(0),
                chunk,
                gap,
            }
        }
        fn base(&self) -> usize {
            self.memory.as_ptr() as usize
        }
    }

    impl Grow for &Arena {
        fn grow(&self, bytes: usize) -> Option<(usize, usize)> {
            let length = bytes.div_ceil(self.chunk) * self.chunk;
            let start = self.used.get() + if self.gap { self.chunk } else { 0 };
            if start + length > self.memory.len() {
                return None;
            }
            self.used.set(start + length);
            Some((self.base() + start, length))
        }
    }

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn classes_are_the_next_power_of_two_from_16_bytes() {
        assert_eq!(class(&layout(0, 1)), Some(4));
        assert_eq!(class(&layout(1, 1)), Some(4));
        assert_eq!(class(&layout(16, 8)), Some(4));
        assert_eq!(class(&layout(17, 1)), Some(5));
        assert_eq!(class(&layout(4096, 4)), Some(12));
        assert_eq!(class(&layout(4097, 4)), Some(13));
        assert_eq!(class(&layout(1 << 31, 1)), Some(31));
        assert_eq!(class(&layout((1 << 31) + 1, 1)), None);
        assert_eq!(class(&layout(8, 32)), None, "past MAX_ALIGN");
    }

    #[test]
    fn a_freed_block_is_reused_for_its_class_only() {
        let arena = Arena::new(1 << 20, 65536, false);
        let heap = Heap::new(&arena);
        unsafe {
            let a = heap.alloc(layout(20, 4));
            let b = heap.alloc(layout(100, 8));
            assert!(!a.is_null() && !b.is_null() && a != b);
            heap.dealloc(a, layout(20, 4));
            assert_eq!(heap.alloc(layout(30, 8)), a, "32-byte class: a again");
            let c = heap.alloc(layout(20, 4));
            assert_ne!(c, a, "a is taken: a new block");
            heap.dealloc(b, layout(100, 8));
            assert_ne!(heap.alloc(layout(20, 4)), b, "b is in the 128-byte class");
            assert_eq!(heap.alloc(layout(128, 1)), b);
        }
    }

    #[test]
    fn realloc_keeps_the_block_within_its_class_and_moves_the_bytes_out_of_it() {
        let arena = Arena::new(1 << 20, 65536, false);
        let heap = Heap::new(&arena);
        unsafe {
            let a = heap.alloc(layout(40, 1));
            for i in 0..40 {
                *a.add(i) = i as u8;
            }
            assert_eq!(
                heap.realloc(a, layout(40, 1), 64),
                a,
                "64 fits the 64-byte class"
            );
            let b = heap.realloc(a, layout(64, 1), 65);
            assert_ne!(b, a);
            assert!((0..40).all(|i| *b.add(i) == i as u8));
            assert_eq!(heap.alloc(layout(64, 1)), a, "the old block is free again");
            let c = heap.realloc(b, layout(65, 1), 10);
            assert!(
                (0..10).all(|i| *c.add(i) == i as u8),
                "shrunk: the first bytes kept"
            );
        }
    }

    #[test]
    fn memory_is_grown_when_needed_and_a_gap_is_skipped() {
        for gap in [false, true] {
            let arena = Arena::new(1 << 22, 65536, gap);
            let heap = Heap::new(&arena);
            let mut blocks = Vec::new();
            unsafe {
                for i in 0..200 {
                    let size = 1000 + i * 37;
                    let p = heap.alloc(layout(size, 8));
                    assert!(!p.is_null(), "block {i}");
                    p.write_bytes(i as u8, size);
                    blocks.push((p, size, i as u8));
                }
                for &(p, size, byte) in &blocks {
                    assert!(
                        (0..size).all(|k| *p.add(k) == byte),
                        "blocks do not overlap"
                    );
                }
            }
        }
    }

    #[test]
    fn out_of_memory_is_a_null_pointer() {
        let arena = Arena::new(1 << 17, 65536, false);
        let heap = Heap::new(&arena);
        unsafe {
            assert!(!heap.alloc(layout(60000, 1)).is_null());
            assert!(!heap.alloc(layout(60000, 1)).is_null());
            assert!(
                heap.alloc(layout(60000, 1)).is_null(),
                "the arena is used up"
            );
            assert!(
                heap.alloc(layout(1 << 31, 1)).is_null(),
                "larger than any source"
            );
        }
    }

    proptest! {
        /// Random allocations, reallocations and frees: every live block is aligned, inside
        /// the arena, apart from every other, and keeps its bytes.
        #[test]
        fn live_blocks_never_overlap(
            ops in proptest::collection::vec((0u8..3, 0usize..3000, 0u32..5, any::<usize>()), 1..300),
            gap in any::<bool>(),
        ) {
            let arena = Arena::new(1 << 23, 65536, gap);
            let heap = Heap::new(&arena);
            // (pointer, layout, fill byte)
            let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
            for (n, (op, size, align_log, pick)) in ops.into_iter().enumerate() {
                let fill = n as u8;
                unsafe {
                    match op {
                        0 => {
                            let l = layout(size, 1 << align_log);
                            let p = heap.alloc(l);
                            prop_assert!(!p.is_null());
                            prop_assert_eq!(p as usize % l.align(), 0);
                            p.write_bytes(fill, size);
                            live.push((p, l, fill));
                        }
                        1 if !live.is_empty() => {
                            let (p, l, byte) = live.swap_remove(pick % live.len());
                            prop_assert!((0..l.size()).all(|k| *p.add(k) == byte));
                            heap.dealloc(p, l);
                        }
                        _ if !live.is_empty() => {
                            let i = pick % live.len();
                            let (p, l, byte) = live[i];
                            let q = heap.realloc(p, l, size);
                            prop_assert!(!q.is_null());
                            prop_assert!((0..l.size().min(size)).all(|k| *q.add(k) == byte));
                            q.write_bytes(fill, size);
                            live[i] = (q, layout(size, l.align()), fill);
                        }
                        _ => {}
                    }
                }
                let base = arena.base();
                let mut spans: Vec<(usize, usize)> = live
                    .iter()
                    .map(|&(p, l, _)| (p as usize, p as usize + l.size().max(1)))
                    .collect();
                spans.sort();
                for w in spans.windows(2) {
                    prop_assert!(w[0].1 <= w[1].0, "overlap");
                }
                for &(s, e) in &spans {
                    prop_assert!(s >= base && e <= base + arena.memory.len());
                }
            }
            for &(p, l, byte) in &live {
                let kept = unsafe { (0..l.size()).all(|k| *p.add(k) == byte) };
                prop_assert!(kept, "a live block kept its bytes");
            }
        }
    }
}
