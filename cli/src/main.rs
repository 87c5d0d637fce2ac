use std::process::ExitCode;

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

fn main() -> ExitCode {
    install_signal_handlers();
    ExitCode::from(periodize_cli::main_with(std::env::args_os()))
}
