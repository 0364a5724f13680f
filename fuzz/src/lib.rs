//! Shared code of the fuzz targets in `fuzz_targets/`: a reader that turns fuzz bytes into
//! choices, the in-process sandbox the request targets send to, and the checks every answer must
//! pass. See fuzz/README.md for the input layouts.

pub mod input;
pub mod multipart;
pub mod oracle;
pub mod sandbox;
