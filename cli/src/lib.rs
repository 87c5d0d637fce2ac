//! The periodize command line as a library: `main.rs` installs the signal handlers and calls
//! [`main_with`]; the argument-vector fuzz target calls it too.

use std::io::Write;

use clap::Parser;

pub mod cli;

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

/// Parse an argument vector (the program's name first), run it, and return the exit code:
/// 0 success, 1 failure, 2 bad input, 130 cancelled.
pub fn main_with<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli::run(cli) {
        Ok(()) => 0,
        // A reader that stopped early (`periodize simulate ... | head`) is not a failure.
        Err(periodize::Error::Io(periodize::io::IoError::Write { ref source, .. })) if broken_pipe(source) => 0,
        Err(periodize::Error::Scenario(e)) => {
            let _ = write!(std::io::stderr(), "error: {}", periodize::output::escape_controls(&e.render()));
            2
        }
        Err(e) => {
            periodize::output::note(format_args!("error: {e}"));
            e.exit_code() as u8
        }
    }
}
