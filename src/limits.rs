//! The limits that keep a hostile file from eating memory or time, in one value every reading
//! step is handed: the file's size (checked before it is read), the zip's entries and parts,
//! the XML's depth and elements, the controls of one form.
//!
//! Only the numbers live here; each is enforced where its thing is read.

/// Limits that keep a hostile file from eating memory or time. Every one can be raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Largest size one part may inflate to, in bytes.
    pub max_part_bytes: u64,
    /// Highest inflated:compressed ratio for a part over [`ratio_floor_bytes`](Limits::ratio_floor_bytes).
    pub max_ratio: u64,
    /// Parts smaller than this are not held to the ratio (small XML compresses very well).
    pub ratio_floor_bytes: u64,
    /// Most entries a zip may hold.
    pub max_entries: usize,
    /// Deepest XML element nesting accepted.
    pub max_depth: usize,
    /// Most bytes all parts of one form may inflate to together.
    pub max_total_bytes: u64,
    /// Most content controls and legacy fields one form may hold.
    pub max_controls: usize,
    /// Most XML elements one form may hold, across all its parts.
    pub max_elements: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 << 20,
            max_part_bytes: 128 << 20,
            max_ratio: 200,
            ratio_floor_bytes: 1 << 20,
            max_entries: 10_000,
            max_depth: 512,
            max_total_bytes: 512 << 20,
            max_controls: 20_000,
            max_elements: 1_000_000,
        }
    }
}
