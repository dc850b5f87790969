//! The integration tests, built as one binary: each module is one area (the command line,
//! bad input, exports, the round …), `common` holds what they share. They run the library and
//! the `blankett` binary as a user would; unit tests live beside the code in `src/`.

mod common;

mod assign;
mod bad_input;
mod budgets;
mod cli;
mod compare;
mod convert;
mod corpus;
mod exports;
mod fidelity;
mod fixtures;
mod fuzz_findings;
mod nothing_lost;
mod output_safety;
mod properties;
mod reader_fidelity;
mod redact;
mod round;
mod round_schema;
mod roundtrip;
mod schema_files;
mod sendout;
#[cfg(feature = "serve")]
mod serve;
mod status;
mod template;
mod unattended;
mod vocabulary;
mod watch;
