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
    /// The published values the preset was calibrated to or checked against, each held by a test.
    pub targets: &'static [Target],
    /// The `[model]` table.
    pub toml: &'static str,
}

/// One published value a preset reproduces (or, where `reproduced` says so, does not).
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// What is measured.
    pub what: &'static str,
    /// Where the published value comes from.
    pub source: &'static str,
    /// The protocol it is measured on (a shipped scenario where there is one).
    pub protocol: &'static str,
    /// The published value.
    pub published: &'static str,
    /// The value the preset gives (mean +/- sd over its athletes), as a test measures it.
    pub reproduced: &'static str,
}

/// Every preset, in the order `periodize presets` lists them.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "busso2003",
        kind: "busso",
        summary: "untrained to recreational endurance athletes, Busso's variable dose-response model",
        source: "Busso (2003) Med Sci Sports Exerc 35:1188-1195 (protocol, +30 +/- 7% gain); Busso et al. (2002) J Appl Physiol 92:572-580 (recovery times after a session)",
        load_unit: "one interval session = 100",
        performance_unit: "% of the untrained level (p0 = 100)",
        calibrated: "jointly to Busso's (2003) gain and Busso et al.'s (2002) recovery times on the same protocol (targets below); not reproduced: the recovery times' spreads are 1.5 and 2.6 days where six subjects gave 2.1 and 2.0 (an sd of six values is uncertain by a factor of about 2 either way), and tau2 and tau3 vary little between athletes",
        // Busso's protocol: 44 sessions of 100 in 12 weeks.
        calibration_load: 4400.0 / 84.0,
        targets: &[
            Target {
                what: "gain in 5-min power after 12 weeks",
                source: "Busso (2003) Med Sci Sports Exerc 35:1188-1195",
                protocol: "3 sessions/week for 8 weeks, then 5/week for 4 weeks, 100 each; tested the day after week 12 (scenarios/calibration-busso2003.toml)",
                published: "+30 +/- 7%",
                reproduced: "+29.9 +/- 7.2%",
            },
            Target {
                what: "gain on the protocol as Busso ran it",
                source: "Busso (2003) Med Sci Sports Exerc 35:1188-1195",
                protocol: "Mon/Wed/Fri, then Mon-Fri sessions; tested after 2 rest days (variant as-run-mon-fri of scenarios/calibration-busso2003.toml)",
                published: "+30 +/- 7%",
                reproduced: "+31.1 +/- 6.9%",
            },
            Target {
                what: "time for a session to stop depressing performance, end of 3 sessions/week",
                source: "Busso et al. (2002) J Appl Physiol 92:572-580",
                protocol: "tn = max(0, tau1 tau2 / (tau1 - tau2) ln(k2 / k1)), k2 after the last session of week 8 (scenarios/calibration-busso2003.toml)",
                published: "0.9 +/- 2.1 days",
                reproduced: "0.9 +/- 1.5 days",
            },
            Target {
                what: "time for a session to stop depressing performance, end of 5 sessions/week",
                source: "Busso et al. (2002) J Appl Physiol 92:572-580",
                protocol: "as above, k2 after the last session of week 12",
                published: "3.6 +/- 2.0 days",
                reproduced: "3.7 +/- 2.6 days",
            },
        ],
        toml: r#"
kind = "busso"
convention = "lagged"
p0 = 100.0
k1 = { dist = "lognormal", median = 0.0235, sigma = 0.11 }
k3 = { dist = "lognormal", median = 0.000088, sigma = 0.32 }
tau1 = { dist = "normal", mean = 40.0, sd = 6.0, min = 25.0, max = 60.0 }
tau2 = { dist = "lognormal", median = 8.0, sigma = 0.08 }
tau3 = { dist = "uniform", min = 4.0, max = 4.8 }
correlation = [{ params = ["k1", "k3"], rho = 0.55 }]
require = ["tau1 >= 2 * tau2"]
"#,
    },
    Preset {
        name: "trained-endurance",
        kind: "busso",
        summary: "trained endurance athletes at their habitual load (about 560 TSS a week), Busso's variable dose-response model",
        source: "Mujika & Padilla (2003) Med Sci Sports Exerc 35:1182-1187 (taper gain about 3%, 0.5-6%); Mujika et al. (1996) Med Sci Sports Exerc 28:251-258 (2.9-3.2% after 3-4-week tapers); Busso (2003) for the model",
        load_unit: "TSS (one hour at threshold = 100)",
        performance_unit: "% of the untrained level (p0 = 100; the habitual level is about 122)",
        calibrated: "a taper of trained athletes from their habitual load (targets below); fatigue from a hard session at the habitual load takes days to clear; not a fit to one data set: the taper gain depends on how much the taper cuts, and the 0.5-6% range of the literature spans tapers of every kind",
        // 560 TSS a week.
        calibration_load: 80.0,
        targets: &[
            Target {
                what: "taper gain: race day over the habitual level, 2-week taper",
                source: "Mujika & Padilla (2003) Med Sci Sports Exerc 35:1182-1187",
                protocol: "from the steady state of 80 TSS a day, 4 weeks of 560 TSS (3 keys of 100, 3 easy of 50, a long run of 110), then 2 weeks at half the load (scenarios/calibration-trained-endurance.toml)",
                published: "about +3% (0.5-6%)",
                reproduced: "+3.5 +/- 1.8%",
            },
            Target {
                what: "taper gain, 3-week taper",
                source: "Mujika et al. (1996) Med Sci Sports Exerc 28:251-258",
                protocol: "as above with 3 weeks at half the load",
                published: "+2.9 to +3.2%",
                reproduced: "+2.7 +/- 2.1%",
            },
            Target {
                what: "time for the week's last key session to stop depressing performance, at the habitual load",
                source: "Busso et al. (2002) J Appl Physiol 92:572-580 (days, not hours, at high training frequency)",
                protocol: "tn = max(0, tau1 tau2 / (tau1 - tau2) ln(k2 / k1)), k2 after the last key session of week 4",
                published: "days (3.6 +/- 2.0 at 5 sessions a week in untrained subjects)",
                reproduced: "7.6 +/- 2.0 days",
            },
        ],
        toml: r#"
kind = "busso"
convention = "lagged"
p0 = 100.0
k1 = { dist = "lognormal", median = 0.01, sigma = 0.12 }
k3 = { dist = "lognormal", median = 0.000095, sigma = 0.15 }
tau1 = { dist = "normal", mean = 45.0, sd = 6.0, min = 30.0, max = 65.0 }
tau2 = { dist = "lognormal", median = 5.0, sigma = 0.2 }
tau3 = { dist = "uniform", min = 4.0, max = 4.8 }
correlation = [{ params = ["k1", "k3"], rho = 0.5 }]
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
        targets: &[Target {
            what: "gain after Busso's 12 weeks",
            source: "Busso (2003) Med Sci Sports Exerc 35:1188-1195",
            protocol: "scenarios/calibration-busso2003.toml (sessions spread over the week, tested the day after week 12)",
            published: "+30 +/- 7%",
            reproduced: "+30.4% mean (the spread is not calibrated)",
        }, Target {
            what: "gain on Busso's protocol as he ran it",
            source: "Busso (2003) Med Sci Sports Exerc 35:1188-1195",
            protocol: "Mon/Wed/Fri, then Mon-Fri sessions; tested after 2 rest days (variant as-run-mon-fri of scenarios/calibration-busso2003.toml): the linear model's gain depends on where the last sessions fall",
            published: "+30 +/- 7%",
            reproduced: "+38.8 +/- 45.4%",
        }],
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
        targets: &[Target {
            what: "sum of squared errors of the fit over the nine tests",
            source: "Clarke & Skiba (2013) Adv Physiol Educ 37:134-152",
            protocol: "the cyclist's 165 days of BikeScore (tests/data/clarke2013_cyclist.csv, tests/fit.rs)",
            published: "20.25 W^2",
            reproduced: "20.25 W^2",
        }],
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
        summary: "PerPot with Perl's delayed supercompensation: after a single hard session performance dips, then rises above the start",
        source: "Perl (2001) Eur J Sport Sci 1(2); Pfeiffer (2008) Int J Comput Sci Sport (strain delay shorter than response delay)",
        load_unit: "one interval session = 100 (1.25 x the strain capacity)",
        performance_unit: "performance potential (0-1; pp0 = 0.2)",
        calibrated: "shape, not a fit: a single session dips, then supercompensates (targets below). Under PerPot's equations a session supercompensates only when it overflows the strain capacity (100 / scale > 1), and any mean load above 1/dr a day (20-25 here) collapses the potential without bound, so athletes are calibrated at a habitual 7.5 a day (one such session every 13 days); athlete.habitual_load maps a plan's usual load onto that, and a plan more than about 1.6x its habitual load can still collapse",
        // The habitual daily load: below half of the 1/dr a day above which the potential collapses.
        calibration_load: 7.5,
        targets: &[Target {
            what: "delayed supercompensation after a single session of 100",
            source: "Perl (2001) Eur J Sport Sci 1(2)",
            protocol: "one session of 100 from rest, then rest (tests/presets.rs, through periodize simulate, at the corners of ds and dr)",
            published: "a dip, then a rise above the start",
            reproduced: "a dip of 0.11-0.17, then a rise of 0.11-0.23 above pp0, inside [0, 1]",
        }],
        toml: r#"
kind = "perpot"
ds = { dist = "uniform", min = 2.5, max = 3.5 }
dr = { dist = "uniform", min = 4.0, max = 5.0 }
dso = 1.0
pp0 = 0.2
scale = 80.0
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
