//! The `connector-host` command line: a thin layer over the library.
//!
//! Output is JSON on stdout (Markdown for `describe --markdown`); every failure is exactly one JSON object
//! `{"error": {"kind": …, "message": …}}` on stderr with the exit code of its kind.

use crate::args::{Cli, Command};
use crate::connect::{connect_oauth, connect_token, run_connections};
use crate::setup::{
    build_connector, config_file, connection_name, load_component, load_options, oci_settings,
    serve_connectors,
};
use clap::Parser;
use connector_host::cassette::{BodyMatch, Cassette};
use connector_host::connector::Connector;
use connector_host::credentials::CredentialStore;
use connector_host::error::{HostError, HostResult};
use connector_host::mcp::{McpConnector, McpOptions, McpServer};
use connector_host::serve::sink::{Lines, Writer};
use connector_host::state::open_poll_state;
use connector_host::state::Store;
use connector_host::triggers::{poll_run, Delivery, Run, RunLimits};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
/// Entry point: parses arguments, runs the command, prints the result or the error, and returns
/// the process exit code.
pub fn main() -> i32 {
    init_tracing();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind as K;
            if matches!(
                e.kind(),
                K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == K::DisplayHelpOnMissingArgumentOrSubcommand {
                    2
                } else {
                    0
                };
            }
            let message = e.render().to_string();
            let first = message
                .lines()
                .next()
                .unwrap_or("invalid arguments")
                .trim_start_matches("error: ");
            let field = e
                .get(clap::error::ContextKind::InvalidArg)
                .map(|v| v.to_string())
                .unwrap_or_else(|| "arguments".into());
            return report(
                &HostError::invalid_input(field, first.to_string())
                    .with_hint("see `connector-host --help`"),
            );
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return report(&HostError::internal(format!(
                "cannot start the async runtime: {e}"
            )))
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => 0,
        Err(e) => report(&e),
    }
}

fn init_tracing() {
    // Quiet unless asked: stderr is reserved for the one JSON error object.
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .try_init();
    }
}

fn report(error: &HostError) -> i32 {
    let mut error = error.clone();
    if let Ok(token) = std::env::var("CONNECTOR_TOKEN") {
        error = error.redact(&token);
    }
    eprintln!("{}", error.to_json());
    error.exit_code()
}

/// Runs one parsed command line.
pub async fn run(cli: Cli) -> HostResult<()> {
    // --record and --replay are refused where they do not apply, never ignored.
    let cassette = cassette_path(&cli)?;
    match &cli.command {
        Command::Connections { command } => {
            return print_json(&run_connections(
                command,
                &CredentialStore::default_location()?,
            )?);
        }
        Command::Push { file, reference } => {
            let config = config_file(&cli)?;
            let options = load_options(&cli, &config);
            let settings = oci_settings(&cli, &config, &options);
            let reference =
                connector_host::oci::OciReference::parse(reference).map_err(|mut e| {
                    e.field = Some("reference".into());
                    e
                })?;
            let pushed =
                connector_host::oci::push_component(file, &reference, &settings, &options).await?;
            return print_json(&serde_json::to_value(pushed).unwrap_or_default());
        }
        Command::Connect(args) => {
            let name = connection_name(&cli)?;
            let store = CredentialStore::default_location()?;
            let component = load_component(&cli).await?;
            let descriptor = component.describe().await?;
            let summary = if args.is_token() {
                connect_token(
                    args,
                    &name,
                    &store,
                    &descriptor.default_base_url,
                    &mut std::io::stdin().lock(),
                )?
            } else {
                let file = config_file(&cli)?;
                connect_oauth(args, &name, &store, &descriptor, &file.oauth, |line| {
                    eprintln!("{line}")
                })
                .await?
            };
            return print_json(&summary);
        }
        _ => {}
    }
    if let Command::Serve(args) = &cli.command {
        let file = config_file(&cli)?;
        let connectors = serve_connectors(&cli).await?;
        return connector_host::serve::run(args, &file, &connectors).await;
    }
    if let Command::Mcp { actions, read_only } = &cli.command {
        let options = McpOptions {
            actions: actions.clone(),
            read_only: *read_only,
        };
        let file = config_file(&cli)?;
        let server = if file.connector.is_empty() {
            let mut connector = build_connector(&cli).await?;
            if *read_only {
                connector = connector.read_only_http();
            }
            McpServer::new(connector, options).await?
        } else {
            let sections = crate::sections::Sections::load(&cli, &file).await?;
            let mut served = Vec::new();
            for name in sections.names() {
                let mut connector = sections.connector(&cli, name, None)?;
                if *read_only {
                    connector = connector.read_only_http();
                }
                served.push(McpConnector {
                    name: name.clone(),
                    connector,
                    read_only: sections.read_only(name),
                });
            }
            McpServer::several(served, options).await?
        };
        return server.serve_stdio().await;
    }
    let mut connector = build_connector(&cli).await?;
    let recording = match (cassette, &cli.record) {
        (None, _) => None,
        (Some(path), Some(_)) => {
            let cassette = Cassette::new();
            connector = connector.recording(cassette.clone());
            Some((path, cassette))
        }
        (Some(path), None) => {
            let body = if cli.replay_ignore_body {
                BodyMatch::Ignore
            } else {
                BodyMatch::Exact
            };
            connector = connector.replaying(Cassette::load(&path)?, body);
            None
        }
    };
    let result = run_command(&cli, Arc::new(connector)).await;
    if let Some((path, cassette)) = recording {
        // A failed call is worth a cassette too: it pins what the API answered.
        cassette.save(&path)?;
    }
    result
}

/// The cassette file of this command under --record or --replay DIR, if either is given.
fn cassette_path(cli: &Cli) -> HostResult<Option<PathBuf>> {
    let Some(dir) = cli.record.as_ref().or(cli.replay.as_ref()) else {
        return Ok(None);
    };
    let file = match &cli.command {
        Command::Call { action, .. } => format!("call-{action}.json"),
        Command::Poll { trigger, .. } => format!("poll-{trigger}.json"),
        Command::Pick { name, .. } => format!("pick-{name}.json"),
        Command::Test => "test.json".to_string(),
        _ => {
            return Err(HostError::invalid_input(
                if cli.record.is_some() {
                    "record"
                } else {
                    "replay"
                },
                "--record and --replay apply to call, poll, pick and test",
            ))
        }
    };
    if file.contains(['/', '\\']) || file.starts_with('.') {
        return Err(HostError::invalid_input(
            "record",
            format!("`{file}` cannot be a cassette file name"),
        ));
    }
    Ok(Some(dir.join(file)))
}

async fn run_command(cli: &Cli, connector: Arc<Connector>) -> HostResult<()> {
    let stdout = std::io::stdout();
    match &cli.command {
        Command::Describe { markdown: false } => {
            print_json(&serde_json::to_value(&*connector.describe().await?).unwrap_or_default())
        }
        Command::Describe { markdown: true } => {
            print_text(&crate::catalog_md::render(&*connector.describe().await?))
        }
        Command::Test => print_json(&connector.test_connection().await?),
        Command::Call {
            action,
            input,
            batch: None,
            ..
        } => {
            let input = read_json_arg("input", input)?;
            print_json(&connector.execute(action, &input).await?)
        }
        Command::Call {
            action,
            batch: Some(file),
            concurrency,
            rate_limit,
            ..
        } => {
            let options = connector_host::batch::BatchOptions {
                concurrency: *concurrency as usize,
                rate_per_minute: *rate_limit,
                ..Default::default()
            };
            let mut options = options;
            let bar = batch_progress(file);
            if let Some(bar) = bar.clone() {
                options.progress = Some(Arc::new(
                    move |done: &connector_host::batch::BatchSummary| {
                        bar.set_position(done.lines as u64);
                        bar.set_message(format!(
                            "{} failed, {} rate-limited retries",
                            done.failed, done.retries
                        ));
                    },
                ));
            }
            let reader: Box<dyn std::io::BufRead> = if file.as_os_str() == "-" {
                Box::new(std::io::BufReader::new(std::io::stdin()))
            } else {
                Box::new(std::io::BufReader::new(std::fs::File::open(file).map_err(
                    |e| {
                        HostError::invalid_input(
                            "batch",
                            format!("cannot read --batch file `{}`: {e}", file.display()),
                        )
                    },
                )?))
            };
            let summary = connector_host::batch::run_batch(
                connector.clone(),
                action,
                reader,
                &mut stdout.lock(),
                &options,
            )
            .await;
            if let Some(bar) = bar {
                bar.finish();
            }
            let summary = summary?;
            match summary.first_failure {
                None => Ok(()),
                Some((line, mut e)) => {
                    e.message = format!(
                        "{} of {} lines failed; the first, line {line}: {}",
                        summary.failed, summary.lines, e.message
                    );
                    Err(e)
                }
            }
        }
        Command::Pick { name, params } => {
            let params = read_json_arg("params", params)?;
            let options = connector.pick_list(name, &params).await?;
            print_json(&serde_json::to_value(options).unwrap_or_default())
        }
        Command::Connect(_)
        | Command::Push { .. }
        | Command::Connections { .. }
        | Command::Mcp { .. }
        | Command::Serve(_) => Ok(()),
        Command::Poll {
            trigger,
            input,
            state,
            max_batches,
            max_events,
            run_deadline_ms,
        } => {
            let input = read_json_arg("input", input)?;
            let store = Store::new(Box::new(open_poll_state(state, trigger)?))?;
            let defaults = RunLimits::default();
            let limits = RunLimits {
                max_batches: max_batches.unwrap_or(defaults.max_batches),
                max_events: max_events.unwrap_or(defaults.max_events),
                deadline: run_deadline_ms
                    .map(std::time::Duration::from_millis)
                    .unwrap_or(defaults.deadline),
            };
            // One subscription, a writer sink, one run of the engine `serve` uses.
            let sink = Writer::stdout(Lines::Payload);
            let run = Run {
                connector: &connector,
                trigger,
                input: &input,
                subscription: trigger,
                cursor_key: trigger,
                limits,
            };
            let summary = poll_run(&store, &run, Delivery::Now(&sink), &()).await?;
            tracing::info!(
                delivered = summary.delivered,
                batches = summary.batches,
                "poll finished"
            );
            Ok(())
        }
    }
}

/// A progress bar on stderr for `call --batch`, when stderr is a terminal: with the number of
/// lines when the input is a file (counted first), a running count for stdin.
fn batch_progress(file: &Path) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let total = (file.as_os_str() != "-")
        .then(|| std::fs::read(file).ok())
        .flatten()
        .map(|bytes| {
            bytes
                .split(|b| *b == b'\n')
                .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
                .count() as u64
        });
    let (bar, template) = match total {
        Some(n) => (
            indicatif::ProgressBar::new(n),
            "{bar:30} {pos}/{len} lines, {elapsed} ({eta} left), {msg}",
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} {pos} lines, {elapsed}, {msg}",
        ),
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    Some(bar)
}

/// Reads a JSON argument given as text, `@file` or `-` (stdin).
pub fn read_json_arg(name: &str, raw: &str) -> HostResult<Value> {
    let text = if raw == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| {
            HostError::invalid_input(name, format!("cannot read --{name} from stdin: {e}"))
        })?;
        s
    } else if let Some(path) = raw.strip_prefix('@') {
        std::fs::read_to_string(path).map_err(|e| {
            HostError::invalid_input(name, format!("cannot read --{name} file `{path}`: {e}"))
        })?
    } else {
        raw.to_string()
    };
    serde_json::from_str(&text)
        .map_err(|e| HostError::invalid_input(name, format!("--{name} is not valid JSON: {e}")))
}

/// Writes `text` to stdout as it is (it ends with a newline already).
fn print_text(text: &str) -> HostResult<()> {
    write_stdout(text.as_bytes())
}

/// Writes a command's whole output. A reader that went away (`describe | head`) is not an
/// error: like other command-line tools, the command then ends quietly.
fn write_stdout(bytes: &[u8]) -> HostResult<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(HostError::internal(format!("cannot write to stdout: {e}"))),
    }
}

fn print_json(value: &Value) -> HostResult<()> {
    // Rendered whole, then written at once: stdout is line-buffered, and writing pretty JSON
    // straight into it cost one write(2) per line (~12 000 for `describe`).
    let mut text = serde_json::to_vec_pretty(value)
        .map_err(|e| HostError::internal(format!("cannot render the output: {e}")))?;
    text.push(b'\n');
    write_stdout(&text)
}
