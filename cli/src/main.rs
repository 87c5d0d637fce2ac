use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    periodize::output::cleanup::install_signal_handlers();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(periodize::Error::Write { ref source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(periodize::Error::Scenario(e)) => {
            let _ = write!(std::io::stderr(), "error: {}", e.render());
            ExitCode::from(2)
        }
        Err(e) => {
            periodize::output::note(format_args!("error: {e}"));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
