//! `blankett serve`: flags to a checked configuration, the refusals, the lock; the server
//! itself is `crate::serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::serve::{self, LogFormat, Settings};

use super::{EXIT_OK, Failure, LimitArgs, MappingArgs, io_failure, lock_failure};

/// Serve a round's output folder over HTTP: upload forms, read the round
#[derive(Args)]
#[command(
    after_help = super::output_flags!(),
    long_about = "Serve a round's output folder over HTTP. Forms uploaded to POST \
    /api/v1/forms are converted as `batch` and `watch` convert them (the submission to \
    OUT/submissions/, OUT/index.json and OUT/report.json updated, the original kept under \
    OUT/originals/); the submissions, the round (as `consolidate` merges it, in every export \
    format) and its status are read back under /api/v1/ (GET /api/v1/openapi.json describes \
    it all). The first line on stderr says the address listened on.\n\n\
    Listens on 127.0.0.1 unless told otherwise. Another address needs --token-file (every \
    request but /healthz and the login page then needs `Authorization: Bearer <token>`, or \
    the session cookie a browser gets by logging in at /login) and --behind-proxy (a \
    TLS-terminating reverse proxy in front). Without a token, whoever can reach this machine's \
    loopback reads the round, contact details (personal data) included unless \
    --redact-contact.\n\n\
    One writer at a time: the server locks OUT as batch and watch do. Ctrl-C or SIGTERM \
    stops it once the requests in flight are answered."
)]
pub struct ServeArgs {
    /// The output folder (made when missing)
    #[arg(value_name = "OUT")]
    out: PathBuf,

    /// The address to listen on (port 0: any free port, said on stderr)
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,

    /// A file whose first line is the bearer token every request but /healthz must carry
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,

    /// A TLS-terminating reverse proxy is in front: allow plain HTTP on a non-loopback address,
    /// and mark the session cookie Secure
    #[arg(long)]
    behind_proxy: bool,

    /// How many forms are converted at once (default: the number of cores)
    #[arg(long, value_name = "N")]
    workers: Option<usize>,

    /// The access log on stderr: text, or one JSON object a line
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    log_format: LogArg,

    #[command(flatten)]
    mapping: MappingArgs,

    #[command(flatten)]
    limits: LimitArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogArg {
    Text,
    Json,
}

pub fn run(args: ServeArgs) -> Result<u8, Failure> {
    let cfg = args.mapping.config(args.limits)?;
    super::out_is_a_folder(&args.out)?;
    if let Some(why) = serve::refusal(&args.addr, args.token_file.is_some(), args.behind_proxy) {
        return Err(Failure::Usage(why));
    }
    let token = args
        .token_file
        .as_deref()
        .map(serve::read_token)
        .transpose()
        .map_err(Failure::Usage)?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| io_failure(&args.out, "make the output folder", e))?;
    let _lock = blankett::lock_folder(&args.out, "serve").map_err(lock_failure)?;
    let workers = args
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, std::num::NonZero::get));
    if workers == 0 {
        return Err(Failure::Usage("--workers must be at least 1".into()));
    }
    let settings = Settings {
        out: args.out.clone(),
        addr: args.addr,
        token,
        https: args.behind_proxy,
        log: match args.log_format {
            LogArg::Text => LogFormat::Text,
            LogArg::Json => LogFormat::Json,
        },
        workers,
        clock: super::now,
    };
    serve::run(cfg, settings).map_err(|e| io_failure(&args.out, "serve", e))?;
    Ok(EXIT_OK)
}
