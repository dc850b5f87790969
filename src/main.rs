//! The `blankett` binary; the commands live in `cli/`, the HTTP server of `serve` in `serve/`.

mod cli;
#[cfg(feature = "serve")]
mod serve;

fn main() -> std::process::ExitCode {
    cli::main()
}
