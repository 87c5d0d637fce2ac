//! Load channels (hard, easy) and the models that read them: two-channel, busso-two-channel and
//! adaptive-recovery, each against its convolution sum or direct product of daily decays
//! (written here, O(days^2), sharing no code with the engine) in both conventions, and each
//! reduced bit for bit to banister or busso at its neutral parameters. Then the channels of
//! plans: the template's mapping, `[plan] channels`, `long_run.channel`, a plan file's
//! `load_columns`, `simulate --load-columns` and the errors of each.

mod common;

use common::close;
use periodize::model::{AnyModel, Banister, Busso, Convention, Day, LaneModel, Model, ModelConfig, ModelKind, TwoChannel};
use proptest::prelude::*;

fn conv(same_day: bool) -> Convention {
    if same_day { Convention::SameDay } else { Convention::Lagged }
}

/// Days of (hard, easy) load: rest days, hard days, easy days and days with both.
fn split_loads() -> impl Strategy<Value = Vec<(f64, f64)>> {
    let day = prop_oneof![
        1 => Just((0.0, 0.0)),
        2 => (0.0..300.0f64).prop_map(|h| (h, 0.0)),
        2 => (0.0..150.0f64).prop_map(|e| (0.0, e)),
        1 => (0.0..300.0f64, 0.0..150.0f64),
    ];
    prop::collection::vec(day, 1..120)
}

/// The engine's day for (hard, easy): the load is their sum, as a two-column CSV gives it.
fn day(h: f64, e: f64) -> Day<1> {
    Day { load: [h + e], easy: [e], session: None }
}

/// The decayed sum over past days of `x(i)` with time constant tau: the lagged convention counts
/// days i < n, same-day i <= n.
fn decayed(x: &[f64], n: usize, tau: f64, same_day: bool) -> f64 {
    let upto = if same_day { n + 1 } else { n };
    (0..upto).map(|i| x[i] * (-((n - i) as f64) / tau).exp()).sum()
}

fn model(kind: ModelKind, same_day: bool, values: &[f64]) -> AnyModel {
    let mut c = ModelConfig::new(kind);
    c.convention = conv(same_day);
    AnyModel::try_new(&c, values).unwrap()
}

fn row(m: &AnyModel) -> Vec<f64> {
    let mut r = Vec::new();
    Model::row(m, &mut r);
    r
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn two_channel_equals_its_convolution_sums(w in split_loads(), p0 in 0.0..500.0f64, k1 in 0.0..2.0f64, k2 in 0.0..4.0f64,
            k1e in 0.0..2.0f64, k2e in 0.0..4.0f64, tau1 in 1.0..80.0f64, tau2 in 1.0..30.0f64, same_day: bool,
            g0 in 0.0..500.0f64, h0 in 0.0..500.0f64) {
        // fitness(n) = sum (k1 w_h + k1_easy w_e) e^(-(n-i)/tau1) + k1 g0 e^(-(n+1)/tau1); fatigue alike.
        let fit_in: Vec<f64> = w.iter().map(|&(h, e)| k1 * h + k1e * e).collect();
        let fat_in: Vec<f64> = w.iter().map(|&(h, e)| k2 * h + k2e * e).collect();
        let mut m = model(ModelKind::TwoChannel, same_day, &[p0, k1, k2, tau1, tau2, k1e, k2e, g0, h0]);
        for (n, &(h, e)) in w.iter().enumerate() {
            LaneModel::step(&mut m, &day(h, e));
            let fit = decayed(&fit_in, n, tau1, same_day) + k1 * g0 * (-((n + 1) as f64) / tau1).exp();
            let fat = decayed(&fat_in, n, tau2, same_day) + k2 * h0 * (-((n + 1) as f64) / tau2).exp();
            let r = row(&m);
            for (got, want) in r.iter().zip([fit, fat, p0 + fit - fat]) {
                prop_assert!(close(*got, want, 1e-9), "day {n}: {r:?} vs {:?}", (fit, fat, p0 + fit - fat));
            }
        }
    }

    #[test]
    fn two_channel_with_equal_gains_is_banister_bit_for_bit(w in split_loads(), p0 in 0.0..500.0f64, k1 in 0.0..2.0f64,
            k2 in 0.0..4.0f64, tau1 in 1.0..80.0f64, tau2 in 1.0..30.0f64, same_day: bool, g0 in 0.0..500.0f64, h0 in 0.0..500.0f64) {
        let mut m = model(ModelKind::TwoChannel, same_day, &[p0, k1, k2, tau1, tau2, k1, k2, g0, h0]);
        let mut b = Banister::new(p0, k1, k2, tau1, tau2, conv(same_day)).unwrap().with_initial(g0, h0).unwrap();
        for &(h, e) in &w {
            LaneModel::step(&mut m, &day(h, e));
            Model::step(&mut b, h + e);
            prop_assert_eq!(Model::performance(&m).to_bits(), Model::performance(&b).to_bits());
            // Fitness and fatigue are written weighted by their gains.
            prop_assert_eq!(Model::fitness(&m).to_bits(), (k1 * Model::fitness(&b)).to_bits());
            prop_assert_eq!(Model::fatigue(&m).to_bits(), (k2 * Model::fatigue(&b)).to_bits());
        }
    }

    #[test]
    fn busso_two_channel_equals_its_convolution_sums(w in split_loads(), p0 in 0.0..500.0f64, k1 in 0.0..2.0f64,
            k3 in 0.0..0.01f64, k1e in 0.0..2.0f64, k2e in 0.0..0.5f64, tau1 in 1.0..80.0f64, tau2 in 1.0..30.0f64,
            tau3 in 1.0..30.0f64, same_day: bool) {
        // k2(i) = k3 sum_{j<=i} w_h(j) e^(-(i-j)/tau3): hard load alone raises the gain.
        let hard: Vec<f64> = w.iter().map(|x| x.0).collect();
        let k2 = |i: usize| k3 * decayed(&hard, i, tau3, true);
        let fit_in: Vec<f64> = w.iter().map(|&(h, e)| k1 * h + k1e * e).collect();
        let fat_in: Vec<f64> = w.iter().enumerate().map(|(i, &(h, e))| k2(i) * h + k2e * e).collect();
        let mut m = model(ModelKind::BussoTwoChannel, same_day, &[p0, k1, k3, tau1, tau2, tau3, k1e, k2e, 0.0, 0.0]);
        for (n, &(h, e)) in w.iter().enumerate() {
            LaneModel::step(&mut m, &day(h, e));
            let (fit, fat) = (decayed(&fit_in, n, tau1, same_day), decayed(&fat_in, n, tau2, same_day));
            let want = [fit, fat, k2(n), p0 + fit - fat];
            let r = row(&m);
            for (got, want) in r.iter().zip(want) {
                prop_assert!(close(*got, want, 1e-9), "day {n}: {r:?} vs {want:?}");
            }
        }
    }

    #[test]
    fn busso_two_channel_without_easy_load_is_busso_bit_for_bit(w in prop::collection::vec(prop_oneof![1 => Just(0.0), 3 => 0.0..300.0f64], 1..150),
            p0 in 0.0..500.0f64, k1 in 0.0..2.0f64, k3 in 0.0..0.01f64, k1e in 0.0..2.0f64, k2e in 0.0..0.5f64,
            tau1 in 1.0..80.0f64, tau2 in 1.0..30.0f64, tau3 in 1.0..30.0f64, same_day: bool) {
        let mut m = model(ModelKind::BussoTwoChannel, same_day, &[p0, k1, k3, tau1, tau2, tau3, k1e, k2e, 0.0, 0.0]);
        let mut b = Busso::new(p0, k1, k3, tau1, tau2, tau3, conv(same_day)).unwrap();
        for &x in &w {
            LaneModel::step(&mut m, &day(x, 0.0));
            Model::step(&mut b, x);
            let (rm, mut rb) = (row(&m), Vec::new());
            Model::row(&b, &mut rb);
            prop_assert_eq!(rm[0].to_bits(), (k1 * rb[0]).to_bits());
            for k in 1..4 {
                prop_assert_eq!(rm[k].to_bits(), rb[k].to_bits(), "column {}: {:?} vs {:?}", k, rm, rb);
            }
        }
    }

    #[test]
    fn adaptive_recovery_equals_the_product_of_daily_decays(w in prop::collection::vec(prop_oneof![2 => Just(0.0), 3 => 0.0..300.0f64], 1..120),
            p0 in 0.0..500.0f64, k1 in 0.0..2.0f64, k2 in 0.0..4.0f64, tau1 in 1.0..80.0f64, tau2 in 1.0..30.0f64,
            a in -3.0..3.0f64, same_day: bool, g0 in 0.0..500.0f64, h0 in 0.0..500.0f64) {
        // tau2(t) = tau2 exp(-a (f(t) - 4/7)), f(t) = the share of days t-28..t-1 with a session;
        // day t's decay e2(t) = e^(-1/tau2(t)); h(n) = sum_i w(i) prod_{t=i+1}^{n} e2(t) (i < n
        // lagged, i <= n same-day), and h0 decays through every day 0..n.
        let e2 = |t: usize| {
            let sessions = (t.saturating_sub(28)..t).filter(|&i| w[i] > 0.0).count();
            let tau = tau2 * (-a * (sessions as f64 / 28.0 - 4.0 / 7.0)).exp();
            (-1.0 / tau).exp()
        };
        let product = |from: usize, to: usize| (from..=to).map(e2).product::<f64>();
        let mut m = model(ModelKind::AdaptiveRecovery, same_day, &[p0, k1, k2, tau1, tau2, a, g0, h0]);
        for n in 0..w.len() {
            LaneModel::step(&mut m, &day(w[n], 0.0));
            let upto = if same_day { n + 1 } else { n };
            let h: f64 = (0..upto).map(|i| w[i] * product(i + 1, n)).sum::<f64>() + h0 * product(0, n);
            let g = decayed(&w, n, tau1, same_day) + g0 * (-((n + 1) as f64) / tau1).exp();
            let sessions = (n.saturating_sub(28)..n).filter(|&i| w[i] > 0.0).count();
            let tau_now = tau2 * (-a * (sessions as f64 / 28.0 - 4.0 / 7.0)).exp();
            let want = [g, h, tau_now, p0 + k1 * g - k2 * h];
            let r = row(&m);
            for (got, want) in r.iter().zip(want) {
                prop_assert!(close(*got, want, 1e-9), "day {n}: {r:?} vs {want:?}");
            }
        }
    }

    #[test]
    fn adaptive_recovery_at_a_zero_is_banister_bit_for_bit(w in prop::collection::vec(prop_oneof![2 => Just(0.0), 3 => 0.0..300.0f64], 1..150),
            p0 in 0.0..500.0f64, k1 in 0.0..2.0f64, k2 in 0.0..4.0f64, tau1 in 1.0..80.0f64, tau2 in 1.0..30.0f64,
            same_day: bool, g0 in 0.0..500.0f64, h0 in 0.0..500.0f64) {
        let mut m = model(ModelKind::AdaptiveRecovery, same_day, &[p0, k1, k2, tau1, tau2, 0.0, g0, h0]);
        let mut b = Banister::new(p0, k1, k2, tau1, tau2, conv(same_day)).unwrap().with_initial(g0, h0).unwrap();
        for &x in &w {
            Model::step(&mut m, x);
            Model::step(&mut b, x);
            prop_assert_eq!(Model::performance(&m).to_bits(), Model::performance(&b).to_bits());
            prop_assert_eq!(Model::fatigue(&m).to_bits(), Model::fatigue(&b).to_bits());
        }
    }
}

#[test]
fn every_settled_channel_model_stays_put_under_its_load() {
    // settle(w, e) is the state a day of load w (e of it easy) leaves unchanged.
    let cases: [(ModelKind, Vec<f64>); 3] = [
        (ModelKind::TwoChannel, vec![100.0, 0.1, 0.2, 42.0, 7.0, 0.08, 0.03, 0.0, 0.0]),
        (ModelKind::BussoTwoChannel, vec![100.0, 0.0235, 0.000088, 40.0, 8.0, 4.4, 0.02, 0.004, 0.0, 0.0]),
        (ModelKind::AdaptiveRecovery, vec![100.0, 0.1, 0.2, 42.0, 7.0, 1.2, 0.0, 0.0]),
    ];
    for (kind, values) in cases {
        for same_day in [false, true] {
            let mut m = model(kind, same_day, &values);
            LaneModel::settle(&mut m, 90.0, 60.0);
            let before = row(&m);
            for _ in 0..50 {
                LaneModel::step(&mut m, &day(30.0, 60.0));
                let after = row(&m);
                for (a, b) in after.iter().zip(&before) {
                    assert!(close(*a, *b, 1e-12), "{kind} same_day={same_day}: {after:?} vs {before:?}");
                }
            }
        }
    }
}

#[test]
fn two_channel_doc_example_holds_through_the_public_constructor() {
    // An easy day of 100 under same-day: fitness 0.1 * 100 = 10, fatigue 0.02 * 100 = 2.
    let mut m = TwoChannel::new(100.0, 0.1, 0.2, 42.0, 7.0, 0.1, 0.02, Convention::SameDay).unwrap();
    LaneModel::step(&mut m, &day(0.0, 100.0));
    assert!(close(LaneModel::performance(&m)[0], 108.0, 1e-12));
    assert!(TwoChannel::new(100.0, 0.1, 0.2, 42.0, 7.0, -0.1, 0.02, Convention::SameDay).unwrap_err().contains("k1_easy"));
}

// --- Channels of plans -----------------------------------------------------------------------

fn plan_csv(text: &str, extra_files: &[(&str, &str)]) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in extra_files {
        common::write(dir.path(), name, body);
    }
    let f = common::write(dir.path(), "s.toml", text);
    let (code, out, err) = common::run(&["plan", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    out.lines().map(|l| l.split(',').map(str::to_string).collect()).collect()
}

const MODEL: &str = "schema_version = 1\n[model]\nkind = \"two-channel\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\nk1_easy = 0.1\nk2_easy = 0.02\n";

#[test]
fn plan_days_carry_their_sessions_channels() {
    // Keys are hard, easy runs and the long run easy; long_run.channel and [plan] channels change that.
    let base = format!("{MODEL}[plan]\nweeks = 1\nkey_workouts = 2\nkey_load = 100\neasy_load = 40\nrest_days = 1\nlong_run = {{ weekday = \"sun\", load = 120 }}\n");
    let rows = plan_csv(&base, &[]);
    let col = rows[0].iter().position(|c| c == "channel").unwrap();
    let sess = rows[0].iter().position(|c| c == "session").unwrap();
    for r in &rows[1..] {
        let want = match r[sess].as_str() {
            "key" => "hard",
            "easy" | "long" => "easy",
            _ => "none",
        };
        assert_eq!(r[col], want, "{r:?}");
    }
    let hard_long = base.replace("load = 120 }", "load = 120, channel = \"hard\" }");
    let rows = plan_csv(&hard_long, &[]);
    assert!(rows[1..].iter().filter(|r| r[sess] == "long").all(|r| r[col] == "hard"));
    let all_hard = format!("{base}channels = {{ easy = \"hard\" }}\n");
    let rows = plan_csv(&all_hard, &[]);
    assert!(rows[1..].iter().filter(|r| r[sess] == "easy").all(|r| r[col] == "hard"));
    assert!(rows[1..].iter().filter(|r| r[sess] == "long").all(|r| r[col] == "easy"));
}

#[test]
fn a_plan_file_may_give_one_load_column_per_channel() {
    let csv = "day,hard_tss,easy_tss\n0,100,0\n1,0,50\n2,60,30\n3,0,0\n";
    let text = format!("{MODEL}[plan]\nloads = \"p.csv\"\nload_columns = {{ hard = \"hard_tss\", easy = \"easy_tss\" }}\n");
    let rows = plan_csv(&text, &[("p.csv", csv)]);
    let (load, col) = (rows[0].iter().position(|c| c == "load").unwrap(), rows[0].iter().position(|c| c == "channel").unwrap());
    let got: Vec<(&str, &str)> = rows[1..].iter().map(|r| (r[load].as_str(), r[col].as_str())).collect();
    assert_eq!(got, [("100", "hard"), ("50", "easy"), ("90", "mixed"), ("0", "none")]);
}

/// A run of one athlete (no spread) of `plan` under `model`: race-day performance.
fn race_day(dir: &std::path::Path, name: &str, model: &str, plan: &str, files: &[(&str, &str)]) -> f64 {
    for (n, body) in files {
        common::write(dir, n, body);
    }
    let f = common::write(dir, &format!("{name}.toml"), &format!("schema_version = 1\n[run]\nathletes = 2\n[model]\n{model}\n[plan]\n{plan}\n"));
    let out = dir.join(name);
    let (code, _, err) = common::run(&["run", f.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    common::cell(&common::summary(&out)[0], "perf_final_mean")
}

#[test]
fn run_feeds_each_channel_to_the_model_as_the_oracle_sums_it() {
    // A file plan with both channels, run through the engine: race day (the day after the last)
    // equals the convolution sums of each channel with its own gains, lagged.
    let dir = tempfile::tempdir().unwrap();
    let (hard, easy) = ([100.0, 0.0, 60.0, 0.0, 80.0, 0.0, 0.0], [0.0, 50.0, 30.0, 40.0, 0.0, 45.0, 0.0]);
    let mut csv = String::from("day,hard_tss,easy_tss\n");
    for d in 0..7 {
        csv.push_str(&format!("{d},{},{}\n", hard[d], easy[d]));
    }
    let model = "kind = \"two-channel\"\nconvention = \"lagged\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7\nk1_easy = 0.09\nk2_easy = 0.03";
    let plan = "loads = \"p.csv\"\nload_columns = { hard = \"hard_tss\", easy = \"easy_tss\" }";
    let got = race_day(dir.path(), "two", model, plan, &[("p.csv", &csv)]);
    let n = 7; // race day
    let sum = |k: f64, ke: f64, tau: f64| (0..7).map(|i| (k * hard[i] + ke * easy[i]) * (-((n - i) as f64) / tau).exp()).sum::<f64>();
    let want = 100.0 + sum(0.1, 0.09, 42.0) - sum(0.2, 0.03, 7.0);
    assert!(close(got, want, 1e-9), "{got} vs {want}");
    // Under banister the same file is one channel: the sum of the two columns.
    let banister = "kind = \"banister\"\nconvention = \"lagged\"\np0 = 100\nk1 = 0.1\nk2 = 0.2\ntau1 = 42\ntau2 = 7";
    let got = race_day(dir.path(), "one", banister, plan, &[]);
    let want = 100.0 + sum(0.1, 0.1, 42.0) - sum(0.2, 0.2, 7.0);
    assert!(close(got, want, 1e-9), "{got} vs {want}");
}

#[test]
fn simulate_reads_one_load_column_per_channel() {
    let dir = tempfile::tempdir().unwrap();
    let f = common::write(dir.path(), "d.csv", "day,hard,easy,other\n0,100,0,x\n1,0,50,y\n2,20,30,z\n");
    let params = ["--param", "p0=100", "--param", "k1=0.1", "--param", "k2=0.2", "--param", "tau1=42", "--param", "tau2=7", "--param", "k1_easy=0.05", "--param", "k2_easy=0.01"];
    let mut args = vec!["simulate", "--model", "two-channel", "--convention", "same-day", "--load-columns", "hard=hard,easy=easy", "--loads", f.to_str().unwrap()];
    args.extend(params);
    let (code, out, err) = common::run(&args);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "day,load,fitness,fatigue,performance");
    // Day 2, same-day: the load column is the sum; fitness = sum (0.1 h + 0.05 e) e^(-(2-i)/42).
    let e1 = |d: f64| (-d / 42.0f64).exp();
    let e2 = |d: f64| (-d / 7.0f64).exp();
    let fit = 0.1 * 100.0 * e1(2.0) + 0.05 * 50.0 * e1(1.0) + (0.1 * 20.0 + 0.05 * 30.0);
    let fat = 0.2 * 100.0 * e2(2.0) + 0.01 * 50.0 * e2(1.0) + (0.2 * 20.0 + 0.01 * 30.0);
    let cells: Vec<f64> = lines[3].split(',').map(|c| c.parse().unwrap()).collect();
    assert_eq!(cells[1], 50.0);
    assert!(close(cells[2], fit, 1e-9) && close(cells[3], fat, 1e-9) && close(cells[4], 100.0 + fit - fat, 1e-9), "{cells:?}");
}

#[test]
fn bad_channel_inputs_are_refused_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "p.csv", "day,hard_tss,easy_tss\n0,100,0\n");
    // (plan, what the error says, the plan line it points at: 0 is the first after [plan])
    let cases: [(&str, &str, usize); 6] = [
        ("weeks = 1\nkey_workouts = 1\nkey_load = 100\nchannels = { key = \"medium\" }", "plan.channels.key = \"medium\": expected a channel, \"hard\" or \"easy\"", 3),
        ("weeks = 1\nkey_workouts = 1\nkey_load = 100\nchannels = { tempo = \"hard\" }", "tempo", 3),
        ("weeks = 1\nkey_workouts = 1\nkey_load = 100\nlong_run = { weekday = \"sun\", load = 90, channel = 1 }", "plan.long_run.channel = 1: expected a channel", 3),
        ("weeks = 1\nkey_workouts = 1\nkey_load = 100\nload_columns = { hard = \"a\", easy = \"b\" }", "plan.load_columns: names the load columns of plan.loads", 3),
        ("loads = \"p.csv\"\nload_columns = { hard = \"hard_tss\" }", "plan.load_columns.easy: missing", 1),
        ("loads = \"p.csv\"\nload_columns = { hard = \"hard_tss\", easy = \"nope\" }", "missing column: expected a `nope` column (the easy channel's loads)", 0),
    ];
    for (i, (plan, want, at)) in cases.iter().enumerate() {
        let f = common::write(dir.path(), &format!("s{i}.toml"), &format!("{MODEL}[plan]\n{plan}\n"));
        let (code, _, err) = common::run(&["validate", f.to_str().unwrap()]);
        assert_eq!(code, 2, "{plan}: {err}");
        assert!(err.contains(want), "{plan}: {err}");
        // file:line:column of the offending key: MODEL's lines, [plan], then the plan's.
        let line = MODEL.lines().count() + 2 + at;
        assert!(err.contains(&format!("s{i}.toml:{line}:")), "{plan}: expected line {line}: {err}");
    }
    // --load-columns: both channels, known names, not with --load-column.
    let d = common::write(dir.path(), "d.csv", "day,h,e\n0,1,2\n");
    for (flag, want) in [("hard=h", "expected both channels"), ("hard=h,medium=e", "expected the channel hard or easy"), ("hard=h,hard=e", "named twice")] {
        let (code, _, err) = common::run(&["simulate", "--model", "banister", "--load-columns", flag, "--loads", d.to_str().unwrap()]);
        assert_eq!(code, 2);
        assert!(err.contains(want), "{flag}: {err}");
    }
    let (code, _, err) = common::run(&["simulate", "--model", "banister", "--load-columns", "hard=h,easy=e", "--load-column", "h", "--loads", d.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}
