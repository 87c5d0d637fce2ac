//! manifest.json: what was run, how, and which files belong to the set (written last).

use super::{Context, Exporter};
use crate::error::{Error, Result};
use crate::output::AtomicFile;
use crate::result::RunResult;

/// manifest.json.
pub struct Manifest;

impl Manifest {
    /// The manifest's JSON.
    pub fn json(r: &RunResult<'_>, cx: &Context<'_>) -> serde_json::Value {
        let sc = r.scenario;
        let mut json = serde_json::json!({
            "periodize_version": env!("CARGO_PKG_VERSION"),
            "git_commit": option_env!("PERIODIZE_GIT_COMMIT"),
            "created_utc": cx.created_utc,
            "seed": r.seed,
            "athletes": r.athletes,
            "rows": sc.rows.len(),
            "command_line": cx.command_line,
            "scenario_file": sc.path,
            "scenario_sha256": sc.sha256,
            "scenario": sc,
            "load_mapping": sc.load_mappings(),
            "start": sc.starts(),
            "rng": "ChaCha8 (chacha20 crate); one stream per (seed, purpose, athlete): params, load, test",
            "simd": r.simd,
            "warnings": r.warnings,
            "files": cx.files,
            "sha256": cx.sha256.iter().map(|(n, h)| (n.clone(), serde_json::Value::String(h.clone()))).collect::<serde_json::Map<_, _>>(),
        });
        if !cx.parts.is_empty()
            && let Some(m) = json.as_object_mut()
        {
            m.insert("parts".into(), cx.parts.into());
        }
        json
    }
}

impl Manifest {
    /// manifest.json in `dir` holding `json` (renamed into place on commit).
    pub fn file(dir: &std::path::Path, json: &serde_json::Value) -> Result<AtomicFile> {
        let path = dir.join("manifest.json");
        let mut f = AtomicFile::create(&path)?;
        serde_json::to_writer_pretty(f.writer(), json).map_err(|e| Error::write(&path, e.into()))?;
        Ok(f)
    }
}

impl Exporter for Manifest {
    fn write(&self, r: &RunResult<'_>, cx: &Context<'_>) -> Result<Vec<AtomicFile>> {
        Ok(vec![Self::file(cx.dir, &Self::json(r, cx))?])
    }
}
