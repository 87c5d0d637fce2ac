//! `[athlete] habitual_load` and `[model] load_scale`: a scenario's loads mapped onto the units a
//! preset was calibrated in.

mod common;

use common::{run, write};

fn scenario(model: &str, athlete: &str) -> String {
    format!(
        "schema_version = 1\n[run]\nathletes = 300\nload_unit = \"TSS\"\n[model]\n{model}\n[athlete]\n{athlete}\n\
         [plan]\nweeks = 6\nkey_workouts = 3\nkey_load = 120.0\neasy_load = 40.0\nrest_days = 1\n"
    )
}

fn athletes(out: &std::path::Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(out.join("athletes.csv")).unwrap();
    r.records().map(|x| x.unwrap().iter().map(str::to_string).collect()).collect()
}

/// The habitual load maps onto the preset's calibration load: scale = calibration / habitual,
/// printed by validate and recorded in the manifest; and a run whose model sees the loads times
/// that scale is, athlete by athlete, the run of the same plan with every load (and the start)
/// multiplied by the scale under load_scale = 1 (Banister is linear in the loads, so the
/// performance above p0 is the convolution sum of the scaled loads, which common::banister
/// computes independently for the first athlete).
#[test]
fn habitual_load_rescales_the_preset_as_a_scaled_plan_would() {
    let dir = tempfile::tempdir().unwrap();
    let c = periodize::scenario::presets::find("banister-literature").unwrap().calibration_load;
    let scale = c / 60.0;
    let mapped = write(dir.path(), "a.toml", &scenario("preset = \"banister-literature\"", "start = { steady_load = 30.0 }\nhabitual_load = 60.0"));
    let (code, text, err) = run(&["validate", mapped.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains(&format!("1 TSS = {scale:.3} units of banister-literature")), "{text}");
    assert!(text.contains("habitual load of 60.0 a day (athlete.habitual_load)"), "{text}");
    // The same plan written in the preset's units, mapping off.
    let scaled = scenario("preset = \"banister-literature\"\nload_scale = 1.0", &format!("start = {{ steady_load = {} }}", 30.0 * scale))
        .replace("key_load = 120.0", &format!("key_load = {}", 120.0 * scale))
        .replace("easy_load = 40.0", &format!("easy_load = {}", 40.0 * scale));
    let scaled = write(dir.path(), "b.toml", &scaled);
    let (oa, ob) = (dir.path().join("oa"), dir.path().join("ob"));
    for (f, o) in [(&mapped, &oa), (&scaled, &ob)] {
        let (code, _, err) = run(&["run", f.to_str().unwrap(), "--out", o.to_str().unwrap(), "--per-athlete"]);
        assert_eq!(code, 0, "{err}");
    }
    let manifest = std::fs::read_to_string(oa.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"load_mapping\"") && manifest.contains("units of banister-literature"), "{manifest}");
    let (a, b) = (athletes(&oa), athletes(&ob));
    assert_eq!(a.len(), 300);
    for (x, y) in a.iter().zip(&b) {
        let (pa, pb): (f64, f64) = (x[2].parse().unwrap(), y[2].parse().unwrap());
        assert!((pa - pb).abs() <= 1e-9 * pb.abs(), "athlete {}: {pa} vs {pb}", x[1]);
        // load_total stays in the scenario's units.
        let (la, lb): (f64, f64) = (x[5].parse().unwrap(), y[5].parse().unwrap());
        assert!((la * scale - lb).abs() < 1e-6 * lb, "{la} x {scale} vs {lb}");
    }
    // The oracle: the first athlete's convolution sum over the scaled loads from its steady state.
    let h: Vec<String> = csv::Reader::from_path(oa.join("athletes.csv")).unwrap().headers().unwrap().iter().map(str::to_string).collect();
    let v = |n: &str| a[0][h.iter().position(|x| x == n).unwrap()].parse::<f64>().unwrap();
    let (code, plan, _) = run(&["plan", mapped.to_str().unwrap()]);
    assert_eq!(code, 0);
    let mut loads: Vec<f64> = vec![30.0 * scale; 4000];
    let mut r = csv::Reader::from_reader(plan.as_bytes());
    loads.extend(r.records().map(|x| x.unwrap()[5].parse::<f64>().unwrap() * scale));
    loads.push(0.0);
    let o = common::banister(&loads, v("p0"), v("k1"), v("k2"), v("tau1"), v("tau2"), false, 0.0, 0.0);
    let want = o.last().unwrap().2;
    let got: f64 = a[0][2].parse().unwrap();
    assert!((got - want).abs() < 1e-6 * want.abs(), "{got} vs oracle {want}");
}

/// Without athlete.habitual_load the start's steady load is the habitual load; a rested start
/// maps nothing; load_scale = 1 turns the mapping off; habitual_load on a model without a preset
/// is refused at its line, and so is a load_scale that is not a positive number.
#[test]
fn the_default_mapping_and_its_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let c = periodize::scenario::presets::find("busso2003").unwrap().calibration_load;
    let cases = [
        ("preset = \"busso2003\"", "start = { steady_load = 40.0 }", format!("1 TSS = {:.3} units of busso2003", c / 40.0)),
        ("preset = \"busso2003\"", "start = \"rested\"", "no habitual load".to_string()),
        ("preset = \"busso2003\"\nload_scale = 1.0", "start = { steady_load = 40.0 }\nhabitual_load = 60.0", "mapping off".to_string()),
        ("preset = \"busso2003\"\nload_scale = 2.5", "start = { steady_load = 40.0 }", "1 TSS = 2.5 units of busso2003".to_string()),
    ];
    for (i, (m, a, want)) in cases.iter().enumerate() {
        let f = write(dir.path(), &format!("{i}.toml"), &scenario(m, a));
        let (code, text, err) = run(&["validate", f.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert!(text.contains(want.as_str()), "{i}: {text}");
    }
    let own = "kind = \"banister\"\np0 = 100.0\nk1 = 0.1\nk2 = 0.2\ntau1 = 42.0\ntau2 = 7.0";
    let f = write(dir.path(), "bad1.toml", &scenario(own, "habitual_load = 60.0"));
    let (code, _, err) = run(&["validate", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("bad1.toml:13:") && err.contains("athlete.habitual_load = 60.0") && err.contains("no preset"), "{err}");
    for bad in ["0.0", "-1", "\"x\""] {
        let f = write(dir.path(), "bad2.toml", &scenario(&format!("preset = \"busso2003\"\nload_scale = {bad}"), ""));
        let (code, _, err) = run(&["validate", f.to_str().unwrap()]);
        assert_eq!(code, 2, "{bad}");
        assert!(err.contains("bad2.toml:7:") && err.contains("model.load_scale"), "{bad}: {err}");
    }
}
