//! Async completions an event loop collects from a socket, without running host code on a
//! Rust thread (issue 17: "an asyncio completion that wakes the loop once without taking the
//! GIL on a Rust thread").
//!
//! uniffi's async protocol resumes a foreign coroutine through a continuation callback that
//! Rust calls with `(callback_data, poll_code)` from whichever thread wakes the future: for an
//! HTTP call, a runtime worker. uniffi's Python hands it a ctypes callback, so every completion
//! makes a Rust worker take the GIL, run Python (`loop.call_soon_threadsafe`) and write the
//! loop's self-pipe. While the loop thread is busy (32 calls in flight), the worker waits for the
//! GIL, and a runtime worker blocked on the GIL runs no other I/O.
//!
//! This module is a continuation that never enters host code: it appends the pair to a queue
//! and, when the queue goes from empty to non-empty, writes one byte to a socket whose other
//! end the event loop watches (asyncio's `add_reader`). The loop drains the queue in one call
//! per wake-up, however many completions arrived. The Python thin layer (`_fastffi.py`) passes
//! [`hypercheckout_completion_queue_continuation`] as the continuation of the futures it
//! polls, with `callback_data = queue id << 40 | its own handle`; `prepare_for_exit` needs
//! nothing here, because no host code runs on a Rust thread at all.
//!
//! A continuation that arrives on the loop's own thread is the one Rust delivers inside the
//! poll call (the future was ready at once); the host drains right after every poll, so no
//! wake-up byte is written for it. (The runtime's workers are the only other callers: the
//! futures' wakers belong to the shared runtime's tasks, see `runtime::run`.)
//!
//! Plain `extern "C"` functions, not uniffi exports: they are the host's event-loop plumbing,
//! not API, and uniffi's own continuation type is what the pointer must match
//! (`extern "C" fn(u64, i8)`, `RustFutureContinuationCallback` in uniffi_core 0.32). Unix only:
//! on Windows asyncio's default (Proactor) loop cannot watch a socket, and the host keeps
//! uniffi's callback.

#![cfg(unix)]

use std::io::{ErrorKind, Write};
use std::os::fd::IntoRawFd;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::ThreadId;

/// Bits of `callback_data` left for the host's own handle; the queue id sits above them.
const HANDLE_BITS: u32 = 40;

struct Queue {
    /// The event loop's thread, which created the queue.
    owner: ThreadId,
    pending: Mutex<Vec<(u64, i8)>>,
    /// Our end of the socket pair (non-blocking); the loop watches the other end.
    wake: UnixStream,
}

/// Every queue made in this process, by id - 1; ids are never reused, so a late continuation
/// for a freed queue finds `None` and is dropped.
static QUEUES: Mutex<Vec<Option<Arc<Queue>>>> = Mutex::new(Vec::new());

fn queue(id: u64) -> Option<Arc<Queue>> {
    let queues = QUEUES.lock().unwrap_or_else(PoisonError::into_inner);
    let index = usize::try_from(id).ok()?.checked_sub(1)?;
    queues.get(index).cloned().flatten()
}

fn new_queue() -> std::io::Result<(u32, i32)> {
    let (ours, theirs) = UnixStream::pair()?;
    ours.set_nonblocking(true)?;
    theirs.set_nonblocking(true)?;
    let mut queues = QUEUES.lock().unwrap_or_else(PoisonError::into_inner);
    let id = u32::try_from(queues.len() + 1)
        .ok()
        .filter(|id| u64::from(*id) < (1 << (64 - HANDLE_BITS)))
        .ok_or_else(|| std::io::Error::other("too many completion queues"))?;
    queues.push(Some(Arc::new(Queue {
        owner: std::thread::current().id(),
        pending: Mutex::new(Vec::new()),
        wake: ours,
    })));
    Ok((id, theirs.into_raw_fd()))
}

/// Makes a queue owned by the calling thread (the event loop's). Returns its id (0 on
/// failure) and stores in `read_fd` the socket end the loop watches; the caller owns that
/// descriptor and closes it.
///
/// # Safety
/// `read_fd` is null or points to writable memory for one `i32`.
#[no_mangle]
pub unsafe extern "C" fn hypercheckout_completion_queue_new(read_fd: *mut i32) -> u32 {
    if read_fd.is_null() {
        return 0;
    }
    match std::panic::catch_unwind(new_queue) {
        Ok(Ok((id, fd))) => {
            // SAFETY: checked non-null above; the caller promises it is writable.
            unsafe { read_fd.write(fd) };
            id
        }
        _ => 0,
    }
}

/// uniffi's continuation callback: records `(callback_data, poll_code)` for the queue named in
/// the high bits of `callback_data` and wakes its loop unless already woken. Never blocks,
/// never panics, never calls host code.
#[no_mangle]
pub extern "C" fn hypercheckout_completion_queue_continuation(callback_data: u64, poll_code: i8) {
    let _ = std::panic::catch_unwind(|| {
        let Some(queue) = queue(callback_data >> HANDLE_BITS) else {
            return; // freed: its loop is gone
        };
        let was_empty = {
            let mut pending = queue.pending.lock().unwrap_or_else(PoisonError::into_inner);
            pending.push((callback_data, poll_code));
            pending.len() == 1
        };
        if was_empty && std::thread::current().id() != queue.owner {
            // A full socket buffer means the loop has unread bytes: it will wake anyway.
            match (&queue.wake).write(&[1]) {
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => {} // the loop closed its end: nobody is waiting
            }
        }
    });
}

/// Moves up to `capacity` recorded completions into `callback_data` / `poll_codes` (in the
/// order they arrived) and returns how many. The loop reads the socket's bytes first, then
/// drains until this returns less than `capacity`: a completion recorded after the drain
/// writes a new byte.
///
/// # Safety
/// `callback_data` and `poll_codes` are null or point to writable arrays of `capacity`
/// elements.
#[no_mangle]
pub unsafe extern "C" fn hypercheckout_completion_queue_drain(
    id: u32,
    callback_data: *mut u64,
    poll_codes: *mut i8,
    capacity: u32,
) -> u32 {
    if callback_data.is_null() || poll_codes.is_null() {
        return 0;
    }
    std::panic::catch_unwind(|| {
        let Some(queue) = queue(u64::from(id)) else {
            return 0;
        };
        let mut pending = queue.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let n = pending.len().min(capacity as usize);
        for (i, (data, code)) in pending.drain(..n).enumerate() {
            // SAFETY: i < n <= capacity, the arrays' promised length.
            unsafe {
                callback_data.add(i).write(data);
                poll_codes.add(i).write(code);
            }
        }
        n as u32 // n <= capacity, a u32
    })
    .unwrap_or(0)
}

/// Forgets a queue (its loop is gone) and closes our end of the socket: later continuations
/// for it are dropped. The host stops watching its end first (it would read end-of-file),
/// then closes it.
#[no_mangle]
pub extern "C" fn hypercheckout_completion_queue_free(id: u32) {
    let _ = std::panic::catch_unwind(|| {
        let mut queues = QUEUES.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(slot) = (id as usize).checked_sub(1).and_then(|i| queues.get_mut(i)) {
            *slot = None;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::os::fd::FromRawFd;

    fn drain(id: u32) -> Vec<(u64, i8)> {
        let mut data = [0u64; 4];
        let mut codes = [0i8; 4];
        let mut out = Vec::new();
        loop {
            // SAFETY: arrays of the capacity passed.
            let n = unsafe {
                hypercheckout_completion_queue_drain(id, data.as_mut_ptr(), codes.as_mut_ptr(), 4)
            };
            out.extend((0..n as usize).map(|i| (data[i], codes[i])));
            if n < 4 {
                return out;
            }
        }
    }

    #[test]
    fn completions_from_other_threads_wake_the_owner_once_per_batch() {
        let mut fd = -1;
        // SAFETY: a valid out-pointer.
        let id = unsafe { hypercheckout_completion_queue_new(&mut fd) };
        assert!(id > 0 && fd >= 0);
        // SAFETY: the descriptor is ours to own now.
        let mut reader = unsafe { UnixStream::from_raw_fd(fd) };
        let base = u64::from(id) << HANDLE_BITS;

        // On the owner's thread (inside a poll): recorded, no byte.
        hypercheckout_completion_queue_continuation(base | 1, 0);
        let mut byte = [0u8; 16];
        assert_eq!(
            reader.read(&mut byte).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        assert_eq!(drain(id), vec![(base | 1, 0)]);

        // Six from another thread: one byte, all six drained in order (over two drains).
        std::thread::spawn(move || {
            for h in 2..8 {
                hypercheckout_completion_queue_continuation(base | h, 1);
            }
        })
        .join()
        .unwrap();
        assert_eq!(reader.read(&mut byte).unwrap(), 1);
        let drained = drain(id);
        assert_eq!(drained, (2..8).map(|h| (base | h, 1)).collect::<Vec<_>>());

        // Freed: our end is closed (the loop reads end-of-file, no byte), and later
        // continuations are dropped.
        hypercheckout_completion_queue_free(id);
        std::thread::spawn(move || hypercheckout_completion_queue_continuation(base | 9, 0))
            .join()
            .unwrap();
        assert_eq!(reader.read(&mut byte).unwrap(), 0);
        assert!(drain(id).is_empty());
        // Unknown ids and null pointers are refused, not dereferenced.
        hypercheckout_completion_queue_continuation(u64::MAX, 0);
        // SAFETY: null pointers are checked.
        assert_eq!(
            unsafe {
                hypercheckout_completion_queue_drain(
                    id,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    4,
                )
            },
            0
        );
        // SAFETY: null is checked.
        assert_eq!(
            unsafe { hypercheckout_completion_queue_new(std::ptr::null_mut()) },
            0
        );
    }
}
