//! Records the git commit the binary was built from (when built from a checkout), for the
//! manifest and report. Outside a checkout, or without git, nothing is recorded.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=.git/HEAD");
    // HEAD names a branch; a commit moves the branch's ref, not HEAD.
    if let Ok(head) = std::fs::read_to_string(".git/HEAD")
        && let Some(r) = head.trim().strip_prefix("ref: ")
    {
        println!("cargo:rerun-if-changed=.git/{r}");
    }
    let Ok(o) = Command::new("git").args(["rev-parse", "HEAD"]).output() else { return };
    let hash = String::from_utf8_lossy(&o.stdout).trim().to_string();
    if o.status.success() && hash.len() == 40 {
        println!("cargo:rustc-env=PERIODIZE_GIT_COMMIT={hash}");
    }
}
