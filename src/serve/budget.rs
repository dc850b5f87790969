//! The server-wide budget of upload bytes in memory (`--upload-memory`): every byte of an
//! uploaded file is counted from the moment room is made for it until its conversion is done
//! with it, across all requests at once. A file that does not fit is refused at once with
//! `503` and `Retry-After` (code `server-busy`) rather than made to wait: a waiting request
//! would keep its connection, and what it read so far, for as long as the others take, and
//! requests each holding part of the budget while waiting for more could wait on each other
//! for ever. A raw body of announced length asks for all of it before a byte is read.

use std::sync::Arc;

use axum::http::StatusCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::problem::Problem;

/// How long a client refused for want of memory is asked to wait, in seconds.
pub const RETRY_AFTER: u32 = 2;

/// The budget is counted in KiB: a permit a KiB keeps a large budget within the semaphore's
/// count, and a file within one request for permits.
const UNIT: usize = 1024;

/// The bytes all uploads in memory may take together.
#[derive(Clone)]
pub struct Budget {
    units: Arc<Semaphore>,
    bytes: u64,
}

impl Budget {
    /// A budget of `bytes`.
    pub fn new(bytes: u64) -> Budget {
        let units = usize::try_from(bytes / UNIT as u64)
            .unwrap_or(usize::MAX)
            .min(Semaphore::MAX_PERMITS);
        Budget {
            units: Arc::new(Semaphore::new(units)),
            bytes,
        }
    }

    /// A buffer for one file's bytes, with room for `expected` of them made at once.
    pub fn buffer(&self, expected: usize) -> Result<Buffer, Problem> {
        let mut b = Buffer {
            bytes: Vec::new(),
            held: Held {
                budget: self.clone(),
                permit: None,
                units: 0,
            },
        };
        b.make_room(expected, expected)?;
        Ok(b)
    }

    fn busy(&self) -> Problem {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "server-busy",
            format!(
                "the server holds as many uploads in memory as it may ({} MiB, --upload-memory); send it again in {RETRY_AFTER} s",
                self.bytes >> 20
            ),
        )
    }
}

/// Part of the budget, given back when dropped.
pub struct Held {
    budget: Budget,
    permit: Option<OwnedSemaphorePermit>,
    units: usize,
}

impl Held {
    /// Holds room for `bytes` in all, or says the server is busy.
    fn grow_to(&mut self, bytes: usize) -> Result<(), Problem> {
        let want = bytes.div_ceil(UNIT);
        if want <= self.units {
            return Ok(());
        }
        let more = u32::try_from(want - self.units)
            .ok()
            .and_then(|n| self.budget.units.clone().try_acquire_many_owned(n).ok())
            .ok_or_else(|| self.budget.busy())?;
        match &mut self.permit {
            Some(p) => p.merge(more),
            None => self.permit = Some(more),
        }
        self.units = want;
        Ok(())
    }
}

/// One file's bytes as they are read, their room held in the budget before it is made.
pub struct Buffer {
    bytes: Vec<u8>,
    held: Held,
}

impl Buffer {
    /// Appends `chunk`, making room first (at most `most` bytes of it, the file's limit,
    /// which the caller has checked `chunk` keeps within).
    pub fn push(&mut self, chunk: &[u8], most: usize) -> Result<(), Problem> {
        let needed = self.bytes.len() + chunk.len();
        if needed > self.bytes.capacity() {
            // Doubling, as a Vec grows, but counted: the capacity is what takes memory.
            let room = needed.max(self.bytes.capacity() * 2).min(most.max(needed));
            self.make_room(room, needed)?;
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// Makes room for `room` bytes in all, or for `needed` when the budget has no more.
    fn make_room(&mut self, room: usize, needed: usize) -> Result<(), Problem> {
        let room = match self.held.grow_to(room) {
            Ok(()) => room,
            Err(_) if needed < room => {
                self.held.grow_to(needed)?;
                needed
            }
            Err(busy) => return Err(busy),
        };
        self.bytes.reserve_exact(room - self.bytes.len());
        Ok(())
    }

    /// How many bytes are in it.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The bytes, and the room they hold, given back once the bytes are gone.
    pub fn into_parts(self) -> (Vec<u8>, Held) {
        (self.bytes, self.held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(budget: &Budget) -> usize {
        budget.units.available_permits() * UNIT
    }

    #[test]
    fn a_buffer_holds_its_capacity_and_gives_it_back() {
        let budget = Budget::new(64 * 1024);
        let mut b = budget.buffer(0).unwrap();
        b.push(&[1; 3000], 100_000).unwrap();
        assert!(b.bytes.capacity() >= 3000);
        assert_eq!(
            free(&budget),
            64 * 1024 - b.bytes.capacity().div_ceil(UNIT) * UNIT
        );
        b.push(&[2; 5000], 100_000).unwrap();
        assert_eq!(b.len(), 8000);
        assert!(b.held.units * UNIT >= b.bytes.capacity());
        let (bytes, held) = b.into_parts();
        assert_eq!(bytes.len(), 8000);
        drop(held);
        assert_eq!(free(&budget), 64 * 1024);
    }

    #[test]
    fn past_the_budget_the_server_is_busy() {
        let budget = Budget::new(16 * 1024);
        let first = budget.buffer(10 * 1024).unwrap();
        let p = budget.buffer(10 * 1024).err().unwrap();
        assert_eq!(p.status, 503);
        assert_eq!(p.code, "server-busy");
        // Growing by doubling takes what is left, not more than there is.
        let mut second = budget.buffer(0).unwrap();
        second.push(&[0; 4 * 1024], 10 * 1024).unwrap();
        second.push(&[0; 2 * 1024], 10 * 1024).unwrap();
        assert!(second.push(&[0; 1024], 10 * 1024).is_err());
        drop(first);
        second.push(&[0; 1024], 10 * 1024).unwrap();
    }
}
