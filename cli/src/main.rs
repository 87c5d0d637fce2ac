use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

mod cli;

/// Handle SIGINT and SIGTERM: remove the run's temporary files, staging folders and locks, then
/// exit 130 or 143 (signal-hook: the handler runs in a normal thread, not in signal context).
fn install_signal_handlers() {
    #[cfg(unix)]
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM]) {
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let _held = periodize::output::cleanup::remove_all();
                std::process::exit(128 + sig);
            }
        });
    }
}

/// Whether an error is, or wraps (a CSV writer's error inside an io::Error), a broken pipe.
fn broken_pipe(e: &std::io::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return true;
            }
            // An io::Error made from another error (io::Error::other) holds it inside.
            if let Some(inner) = io.get_ref() {
                cur = Some(inner);
                continue;
            }
        }
        if let Some(c) = err.downcast_ref::<csv::Error>()
            && let csv::ErrorKind::Io(io) = c.kind()
        {
            return io.kind() == std::io::ErrorKind::BrokenPipe;
        }
        cur = err.source();
    }
    false
}

fn main() -> ExitCode {
    install_signal_handlers();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`periodize simulate ... | head`) is not a failure.
        Err(periodize::Error::Io(periodize::io::IoError::Write { ref source, .. })) if broken_pipe(source) => ExitCode::SUCCESS,
        Err(periodize::Error::Scenario(e)) => {
            let _ = write!(std::io::stderr(), "error: {}", periodize::output::escape_controls(&e.render()));
            ExitCode::from(2)
        }
        Err(e) => {
            periodize::output::note(format_args!("error: {e}"));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
