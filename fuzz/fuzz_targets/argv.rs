//! The whole command line: any argument vector gives an exit code (0, 1, 2), never a panic.
//! Runs in a scratch folder holding a small scenario (s.toml), loads (l.csv) and fit data
//! (f.csv); arguments naming other folders, and sizes that would make a case slow (large
//! numbers), are skipped, so every case stays inside the folder and fast.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SCENARIO: &str = "schema_version = 1\n[run]\nathletes = 20\n[model]\npreset = \"busso2003\"\n[plan]\nkey_workouts = 3\nkey_load = 100.0\neasy_load = 20.0\n\
[[plan.phase]]\nname = \"build\"\nweeks = 3\n[[plan.phase]]\nname = \"race\"\nweeks = 1\n\
[[variant]]\nname = \"a\"\n[[variant]]\nname = \"b\"\nplan.spacing = \"clustered\"\n\
[optimize]\nobjective = \"perf_final_mean\"\nbudget = 4\n[optimize.vary]\n\"plan.key_load\" = { min = 80.0, max = 120.0 }\n";

fn setup() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("periodize-fuzz-argv-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        std::fs::write(dir.join("s.toml"), SCENARIO).unwrap();
        let loads: String = (0..60).map(|d| format!("{d},{}\n", (d * 37) % 150)).collect();
        std::fs::write(dir.join("l.csv"), format!("day,load\n{loads}")).unwrap();
        std::fs::write(dir.join("f.csv"), include_str!("../../tests/data/clarke2013_cyclist.csv")).unwrap();
        std::env::set_current_dir(&dir).unwrap();
        // The commands print tables; the fuzzer's own output stays readable.
        let null = std::fs::OpenOptions::new().write(true).open("/dev/null").unwrap();
        unsafe {
            libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&null), 1);
        }
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    setup();
    let Ok(text) = std::str::from_utf8(data) else { return };
    let args: Vec<&str> = text.split('\0').take(24).collect();
    // Stay in the scratch folder, and fast.
    let outside = |a: &str| a.contains('/') || a.contains("..") || a.starts_with('~');
    let big = |a: &str| a.split(['=', ',', ':']).any(|x| x.trim().parse::<f64>().is_ok_and(|n| n.abs() > 100.0));
    if args.iter().any(|a| outside(a) || big(a)) {
        return;
    }
    let code = periodize_cli::main_with(std::iter::once("periodize").chain(args.iter().copied()));
    assert!(matches!(code, 0 | 1 | 2), "exit code {code}");
});
