//! SVG charts for `run --plots` and `run --report`, drawn with plotters' SVG backend so users
//! without Python still get pictures:
//!
//! - `diff.svg`: a forest plot of every compared row: the paired race-day difference from its
//!   reference with its 95% CI, the percent difference and the win rate beside it. This is the
//!   answer to the scenario's question; the spread between athletes is not.
//! - `daily.svg` (and `daily-2.svg`, ... for more than six rows): one panel per row with weeks on
//!   the x axis, the median performance and its 5-95% band, the reference's median dashed, the
//!   planned daily load as bars underneath, and recovery, overreach and taper weeks shaded. PMC
//!   rows show fitness, fatigue and form.
//! - `final.svg`: the race-day distribution of every row (box 25-75%, whiskers 5-95%).

//!
//! Drawing needs the `charts` feature (plotters); without it [`charts`] returns an error, so a
//! library user who never draws does not compile plotters.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};
use crate::output::AtomicFile;
use crate::result::RunResult;

#[cfg(feature = "charts")]
mod draw;

/// A chart: its file name, a title for the report, and the SVG text.
#[derive(Clone, Debug)]
pub struct Chart {
    /// The file name in the output folder (`final.svg`, ...).
    pub file: String,
    /// The title shown in the report.
    pub title: String,
    /// The SVG text.
    pub svg: String,
}

#[cfg_attr(not(feature = "charts"), allow(dead_code))]
pub(crate) fn draw_err(e: impl std::fmt::Display) -> Error {
    Error::Failed(format!("drawing a chart failed: {e}"))
}

/// The error for charts asked of a build without the `charts` feature.
#[cfg_attr(feature = "charts", allow(dead_code))]
pub(crate) fn no_charts() -> Error {
    Error::Usage("charts need periodize built with the `charts` feature (the command line has it)".into())
}

/// Write text to `path` under a temporary name; it is renamed into place with the rest.
pub fn save(path: &Path, text: &str) -> Result<AtomicFile> {
    let mut f = AtomicFile::create(path)?;
    f.writer().write_all(text.as_bytes()).map_err(|source| Error::write(path, source))?;
    Ok(f)
}

/// Every chart of a run. A chart with no finite value to draw is left out.
pub fn charts(r: &RunResult<'_>) -> Result<Vec<Chart>> {
    #[cfg(feature = "charts")]
    {
        draw::charts(r.scenario, &r.summaries(), &r.rows)
    }
    #[cfg(not(feature = "charts"))]
    {
        let _ = r;
        Err(no_charts())
    }
}
