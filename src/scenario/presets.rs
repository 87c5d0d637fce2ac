//! Named populations with sources: `[model] preset = "NAME"` fills `kind` and every parameter;
//! keys written in `[model]` override the preset's. `periodize presets` lists them.
//!
//! Each preset is a `[model]` table in TOML (the same syntax a scenario uses, so the validator
//! that checks scenarios checks the presets too; a test validates every one). Performance is in
//! percent of the untrained level (p0 = 100) except where a published fit fixes the unit.

/// A named population.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// The name in `[model] preset`.
    pub name: &'static str,
    /// The model family.
    pub kind: &'static str,
    /// One line: who these athletes are.
    pub summary: &'static str,
    /// Where the values come from.
    pub source: &'static str,
    /// The load unit the gains assume.
    pub load_unit: &'static str,
    /// The performance unit.
    pub performance_unit: &'static str,
    /// What the population was calibrated or checked against.
    pub calibrated: &'static str,
    /// The mean daily load of the calibration protocol (in `load_unit`): a plan far from it
    /// (more than 2x either way) gets a `beyond_calibration` warning.
    pub calibration_load: f64,
    /// The `[model]` table.
    pub toml: &'static str,
}

/// Every preset, in the order `periodize presets` lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "busso2003",
        kind: "busso",
        summary: "untrained to recreational endurance athletes, Busso's variable dose-response model",
        source: "Busso (2003) Med Sci Sports Exerc 35:1188-1195 (protocol and +30 +/- 7% result); time constants in the range of published fitness-fatigue fits",
        load_unit: "one interval session = 100",
        performance_unit: "% of the untrained level (p0 = 100)",
        calibrated: "Busso's protocol (3 sessions/week for 8 weeks, 5/week for 4 weeks, 100 units each) raises performance after week 12 by a mean of 30% (sd 7%): scenarios/calibration-busso2003.toml, tests/presets.rs",
        // Busso's protocol: 44 sessions of 100 in 12 weeks.
        calibration_load: 4400.0 / 84.0,
        toml: r#"
kind = "busso"
convention = "lagged"
p0 = 100.0
k1 = { dist = "lognormal", median = 0.0181, sigma = 0.14 }
k3 = { dist = "lognormal", median = 0.00004, sigma = 0.15 }
tau1 = { dist = "normal", mean = 40.0, sd = 6.0, min = 25.0, max = 60.0 }
tau2 = { dist = "lognormal", median = 8.0, sigma = 0.25 }
tau3 = { dist = "uniform", min = 2.0, max = 6.0 }
require = ["tau1 >= 2 * tau2"]
"#,
    },
    Preset {
        name: "banister-literature",
        kind: "banister",
        summary: "a spread of published Banister fits (tau1 35-50 d, tau2 7-25 d, k2/k1 1.3-3)",
        source: "Clarke & Skiba (2013) Adv Physiol Educ 37:134-152; Hellard et al. (2006) J Sports Sci 24:509-520; Morton et al. (1990) J Appl Physiol 69:1171-1177; GoldenCheetah defaults (tau1 50, tau2 11)",
        load_unit: "one interval session = 100",
        performance_unit: "% of the untrained level (p0 = 100)",
        calibrated: "time constants and k2/k1 span the cited fits; k1's scale puts the mean gain of Busso's protocol near +30%, as busso2003 (tests/presets.rs)",
        // the same protocol as busso2003.
        calibration_load: 4400.0 / 84.0,
        toml: r#"
kind = "banister"
convention = "lagged"
p0 = 100.0
k1 = { dist = "lognormal", median = 0.075, sigma = 0.30 }
k2 = { dist = "lognormal", median = 0.150, sigma = 0.30 }
tau1 = { dist = "uniform", min = 35.0, max = 50.0 }
tau2 = { dist = "uniform", min = 7.0, max = 25.0 }
correlation = [{ params = ["k1", "k2"], rho = 0.75 }]
require = ["tau1 >= 1.5 * tau2", "k1 * tau1 >= k2 * tau2"]
"#,
    },
    Preset {
        name: "clarke2013-cyclist",
        kind: "banister",
        summary: "one real cyclist: the published fit of Clarke & Skiba's teaching example (fixed values)",
        source: "Clarke & Skiba (2013) Adv Physiol Educ 37:134-152, fit to 165 days of BikeScore and nine 5-min power tests",
        load_unit: "BikeScore",
        performance_unit: "W (5-min power)",
        calibrated: "reproduces the paper's fit: SSE 20.25 W^2 over the nine tests (tests/fit.rs)",
        // the cyclist's mean daily load over the fitted history (165 days).
        calibration_load: 27.6,
        toml: r#"
kind = "banister"
convention = "same-day"
p0 = 261.93
k1 = 0.18258
k2 = 0.23016
tau1 = 35.82
tau2 = 21.34
"#,
    },
    Preset {
        name: "perpot-perl",
        kind: "perpot",
        summary: "PerPot with Perl's delayed supercompensation: a dip after a load block, then a rise above the start",
        source: "Perl (2001) Eur J Sport Sci 1(2); Pfeiffer (2008) Int J Comput Sci Sport (strain delay shorter than response delay)",
        load_unit: "one interval session = 100",
        performance_unit: "performance potential (0-1; pp0 = 0.3)",
        calibrated: "shape, not a fit: after a block of loads performance dips, then rises above pp0 (tests/presets.rs)",
        // the blocks of 100 a day it is checked on.
        calibration_load: 100.0,
        toml: r#"
kind = "perpot"
ds = { dist = "uniform", min = 2.5, max = 3.0 }
dr = { dist = "uniform", min = 3.5, max = 4.5 }
dso = 3.0
pp0 = 0.3
scale = 250.0
"#,
    },
];

/// The preset called `name`.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// The preset names, for messages.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.name).collect()
}
