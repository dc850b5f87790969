//! `blankett serve`: flags to a checked configuration, the refusals, the lock; the server
//! itself is `crate::serve`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::serve::{self, Inbox, LogFormat, Settings, Tls};

use blankett::Round;

use super::consolidate::read_round;
use super::watch::InboxArgs;
use super::{EXIT_OK, Failure, LimitArgs, MappingArgs, io_failure, lock_failure, not_a_folder};

/// Serve a round's output folder over HTTP: upload forms, read the round
#[derive(Args)]
#[command(
    // A filled form is about 100 KB, and mail systems stop attachments near 25 MB: 25 MiB is
    // room to spare for a form, and keeps a burst of uploads to a size a server can hold.
    mut_arg("max_file_size", |a| a.default_value(SERVE_MAX_FILE_MIB)),
    after_help = super::output_flags!(),
    long_about = "Serve a round's output folder over HTTP. Forms uploaded to POST \
    /api/v1/forms are converted as `batch` and `watch` convert them (the submission to \
    OUT/submissions/, OUT/index.json and OUT/report.json updated, the original kept under \
    OUT/originals/); the submissions, the round (as `consolidate` merges it, in every export \
    format) and its status are read back under /api/v1/ (GET /api/v1/openapi.json describes \
    it all). The first line on stderr says the address listened on.\n\n\
    With --inbox DIR the server also watches that folder exactly as `blankett watch` does (the \
    same files picked up once they stop changing, the form to DIR/processed/ or DIR/failed/ \
    with its .error.txt, files that are not forms left in it and listed in OUT/report.json), \
    converting and storing each form as an upload is stored; the round it serves includes \
    them at once; --settle, --poll and --grace are watch's. The inbox may be neither OUT nor \
    inside it.\n\n\
    Listens on 127.0.0.1 unless told otherwise. Another address needs --token-file (every \
    request but /healthz and the login page then needs `Authorization: Bearer <token>`, or \
    the session cookie a browser gets by logging in at /login) and TLS: HTTPS here \
    (--tls-cert and --tls-key), or --behind-proxy (a TLS-terminating reverse proxy in front). \
    Without a token, whoever can reach this machine's loopback reads the round, contact \
    details (personal data) included unless --redact-contact.\n\n\
    Uploads in memory take at most --upload-memory together: a file that would go over it is \
    refused with 503 and Retry-After (code server-busy), to be sent again. One file takes at \
    most --max-file-size (25 MiB here, a form is about 100 KB).\n\n\
    With --previous (an output folder of `batch`, merged as `consolidate` merges it, or a \
    round file) the round's Word report gets a section \"Förändringar sedan …\" and its \
    spreadsheet's answers a change column, as with `consolidate --previous`, and GET \
    /api/v1/changes (.xlsx, .md, .docx) is what `blankett compare` says of the two rounds; \
    the page links to them. The earlier round is read once, at start.\n\n\
    One writer at a time: the server locks OUT (and the inbox) as batch and watch do. Ctrl-C \
    or SIGTERM stops it once the requests in flight are answered and the inbox's form in hand \
    is stored."
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

    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first); needs
    /// --tls-key
    #[arg(long, value_name = "FILE")]
    tls_cert: Option<PathBuf>,

    /// The private key of --tls-cert (PEM: PKCS#8, PKCS#1 or SEC1)
    #[arg(long, value_name = "FILE")]
    tls_key: Option<PathBuf>,

    /// A TLS-terminating reverse proxy is in front: allow plain HTTP on a non-loopback address,
    /// and mark the session cookie Secure
    #[arg(long)]
    behind_proxy: bool,

    /// How many forms are converted at once (default: the number of cores)
    #[arg(long, value_name = "N")]
    workers: Option<usize>,

    /// Most bytes of uploaded files held in memory at once, all requests together, in MiB;
    /// past it a file is refused with 503 and Retry-After, to be sent again
    #[arg(long, value_name = "MIB", default_value_t = 128)]
    upload_memory: u64,

    /// The access log on stderr: text, or one JSON object a line
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    log_format: LogArg,

    /// Also watch this folder for forms, as `blankett watch` does
    #[arg(long, value_name = "DIR")]
    inbox: Option<PathBuf>,

    /// An earlier round (its output folder or round file), read once at start: the round's
    /// Word report and spreadsheet show what changed since it, and /api/v1/changes says it
    #[arg(long, value_name = "OUT_OR_ROUND")]
    previous: Option<PathBuf>,

    #[command(flatten)]
    timing: InboxArgs,

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

/// `--max-file-size` for `serve`, in MiB: lower than the other commands' (see `ServeArgs`).
const SERVE_MAX_FILE_MIB: &str = "25";

pub fn run(args: ServeArgs) -> Result<u8, Failure> {
    let cfg = args.mapping.config(args.limits)?;
    let upload_memory = args.upload_memory.saturating_mul(1 << 20);
    if upload_memory < cfg.limits().max_file_bytes {
        return Err(Failure::Usage(format!(
            "--upload-memory ({} MiB) must hold at least one file of --max-file-size ({} MiB)",
            args.upload_memory,
            cfg.limits().max_file_bytes >> 20
        )));
    }
    super::out_is_a_folder(&args.out)?;
    let previous = args
        .previous
        .as_deref()
        .map(|p| previous_round(p, &cfg))
        .transpose()?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(Tls::load(cert, key).map_err(Failure::Usage)?),
        (None, None) => None,
        _ => {
            return Err(Failure::Usage(
                "--tls-cert and --tls-key go together: give both, or neither".into(),
            ));
        }
    };
    let open = serve::refusal(
        &args.addr,
        args.token_file.is_some(),
        tls.is_some(),
        args.behind_proxy,
    );
    if let Some(why) = open {
        return Err(Failure::Usage(why));
    }
    let token = args
        .token_file
        .as_deref()
        .map(serve::read_token)
        .transpose()
        .map_err(Failure::Usage)?;
    let watched = match &args.inbox {
        Some(dir) => {
            inbox_apart(dir, &args.out)?;
            Some(args.timing.settings(dir.clone(), args.out.clone())?)
        }
        None => None,
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| io_failure(&args.out, "make the output folder", e))?;
    // With an inbox, its locks hold OUT too; without, OUT's alone.
    let (inbox, _out_lock) = match watched {
        Some(settings) => {
            let locks = blankett::Locks::acquire_for(&settings, "serve").map_err(lock_failure)?;
            (Some(Inbox { settings, locks }), None)
        }
        None => {
            let lock = blankett::lock_folder(&args.out, "serve").map_err(lock_failure)?;
            (None, Some(lock))
        }
    };
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
        log: match args.log_format {
            LogArg::Text => LogFormat::Text,
            LogArg::Json => LogFormat::Json,
        },
        workers,
        upload_memory,
        clock: super::now,
        inbox,
        tls,
        behind_proxy: args.behind_proxy,
        previous,
    };
    serve::run(cfg, settings).map_err(|e| io_failure(&args.out, "serve", e))?;
    Ok(EXIT_OK)
}

/// `--previous`: the earlier round, read as `consolidate --previous` reads it, of the
/// questionnaire served (every comparison is made with it, so one that cannot be made is
/// refused now rather than at each request).
fn previous_round(path: &std::path::Path, cfg: &blankett::Config) -> Result<Round, Failure> {
    let (round, _) = read_round(path, "--previous", cfg.questionnaire(), cfg.registry())?;
    let (before, after) = (&round.questionnaire.id, &cfg.questionnaire().id);
    if before != after {
        return Err(Failure::Usage(format!(
            "--previous: the rounds answer different questionnaires: {} and {}",
            blankett::for_terminal(before),
            blankett::for_terminal(after)
        )));
    }
    Ok(round)
}

/// The inbox must be a folder apart from OUT: neither OUT (the server would convert its own
/// files) nor inside it (its forms would lie among the round's files).
fn inbox_apart(inbox: &std::path::Path, out: &std::path::Path) -> Result<(), Failure> {
    if !inbox.is_dir() {
        return Err(Failure::Usage(not_a_folder(inbox)));
    }
    let shown = blankett::for_terminal(&inbox.display().to_string()).into_owned();
    // An OUT that does not exist yet holds no inbox.
    let (Ok(inbox), Ok(out)) = (std::fs::canonicalize(inbox), std::fs::canonicalize(out)) else {
        return Ok(());
    };
    if inbox == out {
        return Err(Failure::Usage(format!(
            "{shown}: the inbox cannot be the output folder; give another --inbox"
        )));
    }
    if inbox.starts_with(&out) {
        return Err(Failure::Usage(format!(
            "{shown}: the inbox cannot be inside the output folder; give a folder outside it"
        )));
    }
    Ok(())
}
