"""The cells of every notebook: (kind, text) pairs, kind "md" or "code". See build.py."""

SETUP = """
import re
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
import periodize as pz
from periodize_nb import ROOT, periodize, out_dir, run

plt.rcParams.update({"figure.dpi": 110, "axes.grid": True, "grid.alpha": 0.3})
"""

NB1 = [
    ("md", """
# Train to recover, or recover to train?

The seed question of periodize. At **equal total load**, compare two philosophies:

* **train-to-recover**: three key workouts spread through the week (Tue/Thu/Sat), short easy
  recovery runs between them, three four-week cycles of two overreach weeks (+30%) and a recovery
  week (60%), then four weeks without blocks that end in a taper;
* **recover-to-train**: hard days back to back (Tue–Thu), no recovery runs, no recovery weeks.

Both are run under **Banister's** linear impulse-response model and under **Busso's** variable
dose-response model, over the same simulated population. Every athlete has the same parameters
and noise in both plans (common random numbers), so every comparison is paired.

**What this shows:** how much each model lets the arrangement of load matter, for a population
whose parameters vary as the scenario files say.
**What it does not show:** whether real athletes respond this way. The models are fitted
abstractions. The populations are the `banister-literature` and `busso2003` presets (the second
calibrated to Busso's 2003 result; notebook 4), and athletes start trained, in the steady state of
40 units a day.
"""),
    ("code", SETUP),
    ("code", """
ATHLETES = 3000
runs = {"banister": "scenarios/train-to-recover-vs-recover-to-train.toml",
        "busso": "scenarios/busso-train-to-recover.toml"}
summary, athletes, daily = {}, {}, {}
for model, scenario in runs.items():
    out = out_dir(f"ttr-{model}")
    run(scenario, out, athletes=ATHLETES, daily=True, per_athlete=True)
    summary[model] = pd.read_csv(out / "summary.csv")
    athletes[model] = pd.read_csv(out / "athletes.csv")
    daily[model] = pd.read_csv(out / "daily.csv")
cols = ["variant", "perf_final_mean", "perf_final_p05", "perf_final_p50", "perf_final_p95",
        "win_rate", "diff_mean", "diff_ci_low", "diff_ci_high", "days_below_mean", "load_total_mean"]
pd.concat({m: s[cols] for m, s in summary.items()}, names=["model"]).round(3)
"""),
    ("md", """
## Race-day performance

The distributions across athletes are wide: individual parameters matter far more than the plan.
That is why the paired view below matters.
"""),
    ("code", """
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
for ax, (model, a) in zip(axes, athletes.items()):
    bins = np.linspace(a.perf_final.quantile(0.005), a.perf_final.quantile(0.995), 60)
    for variant, g in a.groupby("variant", sort=False):
        ax.hist(g.perf_final, bins=bins, alpha=0.5, label=variant)
    ax.set(title=f"{model}: race-day performance", xlabel="performance on race day", ylabel="athletes")
    ax.legend()
plt.tight_layout()
"""),
    ("md", """
## Paired differences

For each athlete: race-day performance under recover-to-train minus under train-to-recover.
`win_rate` is the share of athletes for whom recover-to-train is strictly better.
"""),
    ("code", """
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
for ax, (model, a) in zip(axes, athletes.items()):
    wide = a.pivot(index="athlete", columns="variant", values="perf_final")
    d = wide["recover-to-train"] - wide["train-to-recover"]
    s = summary[model].set_index("variant").loc["recover-to-train"]
    ax.hist(d, bins=60, color="tab:purple", alpha=0.7)
    ax.axvline(0, color="k", lw=1)
    ax.set(title=f"{model}: mean {s.diff_mean:+.2f} (95% CI {s.diff_ci_low:+.2f} to {s.diff_ci_high:+.2f}), "
                 f"RTT wins {s.win_rate:.0%}", xlabel="recover-to-train minus train-to-recover", ylabel="athletes")
plt.tight_layout()
for model in runs:
    s = summary[model].set_index("variant")
    rel = s.loc["recover-to-train", "diff_mean"] / s.loc["train-to-recover", "perf_final_mean"]
    print(f"{model:9s}: recover-to-train changes race day by {rel:+.2%}, wins for {s.loc['recover-to-train', 'win_rate']:.1%} of athletes")
"""),
    ("md", """
## Day by day

Median performance with the 5–95% band across athletes. Under Banister the two curves weave around
each other: the clustered week front-loads the dip, the spread week smears it, and the weekly sums
are the same. Under Busso the clustered hard days raise the fatigue gain on exactly the days that
carry the most load, and the recover-to-train curve falls behind.
"""),
    ("code", """
fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharex=True)
for ax, (model, d) in zip(axes, daily.items()):
    for variant, g in d.groupby("variant", sort=False):
        line, = ax.plot(g.day, g.perf_p50, label=variant)
        ax.fill_between(g.day, g.perf_p05, g.perf_p95, color=line.get_color(), alpha=0.15)
    ax.set(title=f"{model}: median and 5-95% band", xlabel="day (last = race day)", ylabel="performance")
    ax.legend(loc="upper left")
plt.tight_layout()
"""),
    ("md", """
## Spacing alone

Same loads every week, keys either spread (Tue/Thu/Sat) or clustered (Tue/Wed/Thu), three keys a
week. Two measures:

* **race day**: depends on *where the last hard sessions fall before race day*. Clustered keys end
  two days earlier in the week, which helps a Monday race in any model;
* **block mean**: mean performance over the training block (from week 5 to the week before the
  taper). It does not depend on that position and isolates how the week is arranged.
"""),
    ("code", """
rows = []
for model, scenario in [("banister", "scenarios/spacing-spread-vs-clustered.toml"), ("busso", "scenarios/busso-spacing.toml")]:
    out = out_dir(f"spacing-{model}")
    run(scenario, out, athletes=ATHLETES, daily=True)
    s, d = pd.read_csv(out / "summary.csv"), pd.read_csv(out / "daily.csv")
    if "plan.key_workouts" in s:
        s, d = s[s["plan.key_workouts"] == 3], d[d["plan.key_workouts"] == 3]
    plan_days = int(s.plan_days.iloc[0])
    block = d[(d.day >= 28) & (d.day < plan_days - 7)].groupby("variant").perf_mean.mean()
    final = s.set_index("variant").perf_final_mean
    rows.append({"model": model,
                 "race day": (final["clustered"] - final["spread"]) / final["spread"] * 100,
                 "block mean": (block["clustered"] - block["spread"]) / block["spread"] * 100})
spacing = pd.DataFrame(rows).set_index("model")
ax = spacing.plot.bar(figsize=(7, 3.5), rot=0)
ax.axhline(0, color="k", lw=0.8)
ax.set(ylabel="clustered minus spread (% of spread)", title="three keys a week: what clustering does")
spacing.round(3)
"""),
    ("md", """
## Reading the results
"""),
    ("code", """
ttr = {m: summary[m].set_index("variant").loc["recover-to-train"] for m in runs}
base = {m: summary[m].set_index("variant").loc["train-to-recover", "perf_final_mean"] for m in runs}
for m in runs:
    print(f"{m:9s} recover-to-train vs train-to-recover on race day: {ttr[m].diff_mean / base[m]:+.2%}, "
          f"wins for {ttr[m].win_rate:.1%} of athletes")
for m in spacing.index:
    print(f"{m:9s} clustering three keys: race day {spacing.loc[m, 'race day']:+.2f}%, block mean {spacing.loc[m, 'block mean']:+.2f}%")
"""),
    ("md", """
* Under **Banister** recover-to-train comes out ahead, by about 1.3% of race-day performance, for
  about 75% of athletes. At equal total load it puts a larger share of the work into the last four
  weeks, which the linear model rewards most, while train-to-recover spends its overreach weeks in
  the build. The linear model only re-weights exponential sums when load moves; "recovery" is just
  less load to it, and where the load falls relative to race day is all it sees.
* Under **Busso** the verdict reverses: train-to-recover wins for about 96% of athletes, by about
  1.5%. It comes from concentrating the same weekly load on three days instead of six: the
  fatigue term grows with load times recent load, so bigger days cost more than proportionally.
  Both effects are small next to what the block adds (about +34% and +14% over the starting level).
* **Spacing alone** is a smaller effect:
  * Under Banister, clustering *raises* the block mean slightly. The clustered week puts its load a
    day earlier on average, and in a block where fitness is still building, earlier load is
    worth a little more.
  * Under Busso, the same clustering lowers the block mean by 0.2%, so relative to the
    linear model (+0.4%) spacing costs about 0.6 points: the calibrated athletes sit well below Busso's
    best load, where the fatigue gain's growth matters little.
  * On race day the position of the last sessions outweighs both. Compare block means, or align the
    final week, before attributing a race-day difference to spacing.
* None of this validates either model on real athletes. The presets match published magnitudes,
  not individuals, and a fitted athlete (notebook 3) carries wide uncertainty.
"""),
]

NB2 = [
    ("md", """
# Key workouts x spacing x overreach length

The design space of a training block: 2, 3 or 4 key workouts a week, spread or clustered, with 0–3
overreach weeks (+30%) before each recovery week, under **Busso** (the shipped
`grid-keys-spacing-overreach.toml`) and under **Banister** (the same file with Banister's model
swapped in). Two load regimes:

* **as written**: the weekly template is fixed at 600 units, so every overreach week adds load;
* **equal total load**: every cell is scaled to the same total (`target_total_load`), so only the
  *arrangement* of load differs.

Each heatmap cell shows the **median** across athletes with a 95% bootstrap half-width (resampling
athletes).

**What it shows:** where, in each model, the design choices move the median athlete, and by how
much relative to the sampling uncertainty. **What it does not show:** effects on an individual
athlete. The population spread is far larger than these differences; notebook 1 has paired views.
"""),
    ("code", SETUP),
    ("code", """
ATHLETES = 800
scenario = ROOT / "scenarios" / "grid-keys-spacing-overreach.toml"
text = scenario.read_text()
banister_model = '''[model]
preset = "banister-literature"
'''
# The [model] table only: both models keep the scenario's [athlete] start.
model_block = re.compile(r"\\[model\\].*?(?=\\n\\[athlete\\])", re.S)
variants = {("busso", "as written"): text, ("banister", "as written"): model_block.sub(banister_model, text)}
for model in ["busso", "banister"]:
    variants[(model, "equal total load")] = variants[(model, "as written")].replace(
        "target_weekly_load = 600.0", "target_total_load = 9000.0")
athletes = {}
for (model, regime), body in variants.items():
    out = out_dir(f"grid-{model}-{regime.replace(' ', '-')}")
    path = out / "scenario.toml"
    path.write_text(body)
    run(path, out, athletes=ATHLETES, per_athlete=True)
    athletes[(model, regime)] = pd.read_csv(out / "athletes.csv")
totals = pd.DataFrame({f"{m}, {r}": a.groupby("plan.overreach.weeks").load_total.median() for (m, r), a in athletes.items()})
totals.round(0)
"""),
    ("code", """
rng = np.random.default_rng(1)

def median_ci(x, reps=300):
    x = np.asarray(x)
    boots = np.median(x[rng.integers(0, len(x), (reps, len(x)))], axis=1)
    return np.median(x), (np.quantile(boots, 0.975) - np.quantile(boots, 0.025)) / 2

def grid(a, metric):
    rows = []
    for (k, sp, o), g in a.groupby(["plan.key_workouts", "plan.spacing", "plan.overreach.weeks"]):
        m, h = median_ci(g[metric])
        rows.append({"keys": k, "spacing": sp, "overreach": o, "median": m, "ci": h})
    return pd.DataFrame(rows)

def heatmaps(regime, metric, title, fmt="{:.1f}", cmap="viridis"):
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), constrained_layout=True)
    tables = {m: grid(athletes[(m, regime)], metric) for m in ["busso", "banister"]}
    for r, (model, t) in enumerate(tables.items()):
        vmin, vmax = t["median"].min(), t["median"].max()
        for c, sp in enumerate(["spread", "clustered"]):
            ax = axes[r, c]
            sub = t[t.spacing == sp]
            z = sub.pivot(index="keys", columns="overreach", values="median")
            e = sub.pivot(index="keys", columns="overreach", values="ci")
            im = ax.imshow(z.values, cmap=cmap, vmin=vmin, vmax=vmax, origin="lower", aspect="auto")
            for i in range(z.shape[0]):
                for j in range(z.shape[1]):
                    light = (z.values[i, j] - vmin) / max(vmax - vmin, 1e-12) > 0.6
                    ax.text(j, i, fmt.format(z.values[i, j]) + "\\n±" + fmt.format(e.values[i, j]),
                            ha="center", va="center", fontsize=8, color="k" if light else "w")
            ax.set_xticks(range(z.shape[1]), z.columns)
            ax.set_yticks(range(z.shape[0]), z.index)
            ax.set(xlabel="overreach weeks before each recovery week", ylabel="key workouts a week",
                   title=f"{model}, {sp}")
            ax.grid(False)
        fig.colorbar(im, ax=axes[r, :], shrink=0.8, label=title)
    fig.suptitle(f"{title}, {regime} (median across athletes, ± 95% bootstrap half-width)")
    return tables

perf_equal = heatmaps("equal total load", "perf_final", "race-day performance")
"""),
    ("md", """
Days spent below baseline (p0) before race day are the cost of a block: how long the athlete trains
below their starting level.
"""),
    ("code", """
below_equal = heatmaps("equal total load", "days_below", "days below baseline", fmt="{:.0f}", cmap="magma")
"""),
    ("md", """
As written, every overreach week adds load. Below: the race-day median against overreach length
(three keys, spread) in both regimes. The gap between the curves is what the extra load buys.
"""),
    ("code", """
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
for ax, model in zip(axes, ["busso", "banister"]):
    for regime in ["as written", "equal total load"]:
        t = grid(athletes[(model, regime)], "perf_final")
        t = t[(t["keys"] == 3) & (t.spacing == "spread")]
        ax.errorbar(t.overreach, t["median"], yerr=t["ci"], marker="o", capsize=3, label=regime)
    ax.set(title=model, xlabel="overreach weeks before each recovery week", ylabel="median race-day performance")
    ax.legend()
plt.tight_layout()
"""),
    ("code", """
perf_written = {m: grid(athletes[(m, "as written")], "perf_final") for m in ["busso", "banister"]}
for regime, tables in [("equal total load", perf_equal), ("as written", perf_written)]:
    for model, t in tables.items():
        best = t.loc[t["median"].idxmax()]
        by = {f: t.groupby(f)["median"].mean() for f in ["keys", "spacing", "overreach"]}
        print(f"{regime:16s} {model:9s} cell medians span {t['median'].max() - t['median'].min():5.1f} "
              f"(typical ±{t['ci'].median():.1f}); keys {np.ptp(by['keys']):4.1f}, "
              f"clustered-spread {by['spacing']['clustered'] - by['spacing']['spread']:+5.1f}, "
              f"overreach 3 vs 0 {by['overreach'].iloc[-1] - by['overreach'].iloc[0]:+5.1f}; "
              f"best: {int(best['keys'])} keys, {best.spacing}, {int(best.overreach)} overreach weeks")
for model, t in below_equal.items():
    by = {f: t.groupby(f)["median"].mean() for f in ["spacing", "overreach"]}
    print(f"days below, equal total load, {model:9s}: clustered-spread {by['spacing']['clustered'] - by['spacing']['spread']:+.1f}, "
          f"overreach 3 vs 0 {by['overreach'].iloc[-1] - by['overreach'].iloc[0]:+.1f}")
"""),
    ("md", """
Paired view: the same athletes with the same noise in every cell, so clustered minus spread per
athlete has a much tighter interval than the medians above (equal total load).
"""),
    ("code", """
rows = []
for model in ["busso", "banister"]:
    a = athletes[(model, "equal total load")]
    w = a.pivot_table(index=["plan.key_workouts", "plan.overreach.weeks", "athlete"], columns="plan.spacing", values="perf_final")
    d = (w["clustered"] - w["spread"]).groupby(level=[0, 1])
    t = pd.DataFrame({"mean": d.mean(), "ci": 1.96 * d.std() / np.sqrt(d.count())}).reset_index()
    t["model"] = model
    rows.append(t)
paired = pd.concat(rows)
fig, ax = plt.subplots(figsize=(10, 3.8))
for i, (model, t) in enumerate(paired.groupby("model", sort=False)):
    x = np.arange(len(t)) + 0.4 * i
    ax.bar(x, t["mean"], yerr=t["ci"], width=0.38, capsize=2, label=model)
labels = [f"{k}k/{o}o" for k, o in zip(t["plan.key_workouts"], t["plan.overreach.weeks"])]
ax.set_xticks(np.arange(len(labels)) + 0.2, labels, rotation=0, fontsize=8)
ax.axhline(0, color="k", lw=0.8)
ax.set(ylabel="clustered minus spread", xlabel="keys a week / overreach weeks",
       title="race day, paired by athlete, equal total load (95% CI)")
ax.legend()
paired.groupby("model")["mean"].describe().round(2)
"""),
    ("md", """
## Reading the heatmaps

The printed lines give the numbers behind these statements; they are re-computed every time the
notebook runs.

* **As written**, overreach length dominates in both models, because every overreach week adds 30%
  load and both models turn more load into more fitness at this volume. That is a statement
  about volume, not about blocks.
* **At equal total load**, only the arrangement is left:
  * **Banister**: every cell lies within about its sampling uncertainty of the others. The paired
    differences show clustering slightly *ahead* on race day, from the position of the last
    sessions.
  * **Busso**: clustering costs race-day performance in every cell (paired differences, tight
    intervals), the number of keys matters somewhat, and overreach length at equal total load
    changes little.
* Days below baseline hardly change with the arrangement at equal total load; they track volume.
* Medians of independent cells have wide intervals; paired differences (same athletes, same noise)
  are much tighter. Both are for this simulated population, not predictions for an athlete
  (notebook 3).
"""),
]

NB3 = [
    ("md", """
# A real cyclist: fit, uncertainty, and plans for that athlete

The data are the fitting example of Clarke & Skiba (2013), *Adv Physiol Educ* 37:134–152: 165 days
of daily training load (BikeScore) and nine 5-minute power tests. The file is
`tests/data/clarke2013_cyclist.csv`, copied from the project's shared reference data; its source is
in `tests/data/README.md`. The paper fits Banister's model with the **same-day** convention and
reports p0 = 261.93 W, k1 = 0.18258, k2 = 0.23016, tau1 = 35.82 d, tau2 = 21.34 d, SSE = 20.25 W².

**What this shows:** how well the model fits nine tests, how poorly the time constants are
pinned down, and what that uncertainty does to plan comparisons. **What it does not show:** that
the fitted model predicts this athlete's response to new plans. Nine tests cannot establish that.
"""),
    ("code", SETUP),
    ("code", """
data_path = "tests/data/clarke2013_cyclist.csv"   # periodize runs from the repository root
data = pd.read_csv(ROOT / data_path)
tests = data.dropna(subset=["performance"])
fig, ax = plt.subplots(figsize=(11, 3.5))
ax.bar(data.day, data.load, color="0.6", width=1.0, label="daily load (BikeScore)")
ax2 = ax.twinx()
ax2.plot(tests.day, tests.performance, "o", color="tab:red", label="5-min power test (W)")
ax.set(xlabel="day", ylabel="load")
ax2.set_ylabel("power (W)")
ax2.grid(False)
fig.legend(loc="upper right")
print(f"{len(tests)} tests over {len(data)} days")
"""),
    ("code", """
out = out_dir("cyclist")
r = periodize("fit", "--model", "banister", "--data", data_path, "--convention", "same-day",
              "--bootstrap", 1000, "--seed", 7, "-o", out / "fit.csv",
              "--replicates-out", out / "replicates.csv", "--scenario-out", out / "athlete.toml")
print(r.stderr)
fit = pd.read_csv(out / "fit.csv")
fit
"""),
    ("md", """
The fit beats the published SSE, and the fitter says why that number deserves little trust. The
default constraint tau1 ≥ 1.5·tau2 binds: without it the error keeps falling as the two time
constants merge, towards a degenerate "difference of two nearly equal exponentials" with gains in
the thousands. Below, the published fit and ours are drawn over the data, with their residuals.
"""),
    ("code", """
est = fit.set_index("parameter")["estimate"]
loads = data[["day", "load"]]
loads.to_csv(out / "loads.csv", index=False)

def curve(p0, k1, k2, tau1, tau2):
    return pz.simulate("banister", loads, dict(p0=p0, k1=k1, k2=k2, tau1=tau1, tau2=tau2), convention="same-day")

ours = curve(*[est[k] for k in ["p0", "k1", "k2", "tau1", "tau2"]])
published = curve(261.93, 0.18258, 0.23016, 35.82, 21.34)
fig, (a1, a2) = plt.subplots(2, 1, figsize=(11, 6), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
a1.plot(ours.day, ours.performance, label=f"periodize fit (SSE {est['sse']:.2f})")
a1.plot(published.day, published.performance, "--", label="Clarke & Skiba 2013 (SSE 20.25)")
a1.plot(tests.day, tests.performance, "ko", label="tests")
a1.set(ylabel="predicted 5-min power (W)")
a1.legend()
for c, m in [("tab:blue", ours), ("tab:orange", published)]:
    res = tests.performance.values - m.set_index("day").loc[tests.day, "performance"].values
    a2.stem(tests.day, res, linefmt=c, markerfmt="o", basefmt=" ")
a2.axhline(0, color="k", lw=0.8)
a2.set(xlabel="day", ylabel="residual (W)")
plt.tight_layout()
"""),
    ("md", """
## The valley

The best SSE reachable for each lower bound on tau1/tau2, and the bootstrap replicates in the
(tau1, tau2) plane. A long, flat valley means the nine tests cannot tell a fitness time constant of
30 days from one of 60.
"""),
    ("code", """
prof = []
for ratio in [0, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4]:
    rr = periodize("fit", "--model", "banister", "--data", data_path, "--convention", "same-day", "--min-ratio", ratio)
    f = pd.read_csv(pd.io.common.StringIO(rr.stdout)).set_index("parameter")["estimate"]
    prof.append({"min_ratio": ratio, "sse": f["sse"], "tau1": f["tau1"], "tau2": f["tau2"], "k1": f["k1"], "k2": f["k2"]})
prof = pd.DataFrame(prof)
reps = pd.read_csv(out / "replicates.csv")
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
a1.plot(prof.min_ratio, prof.sse, "o-")
a1.axhline(20.25, color="tab:orange", ls="--", label="published SSE")
a1.set(xlabel="lower bound on tau1 / tau2", ylabel="best SSE (W²)", title="SSE along the valley")
a1.legend()
a2.scatter(reps.tau1, reps.tau2, s=6, alpha=0.4)
a2.plot([est["tau1"]], [est["tau2"]], "r*", ms=14, label="estimate")
a2.plot([35.82], [21.34], "kx", ms=10, label="published")
a2.set(xlabel="tau1 (days)", ylabel="tau2 (days)", title="bootstrap replicates")
a2.legend()
plt.tight_layout()
prof.round(4)
"""),
    ("md", """
## Plans for this athlete

`fit --scenario-out` wrote the athlete as a scenario. Each simulated athlete is one whole bootstrap
replicate (`sample_from`, so the strong k1-k2 correlation of the fit is kept), starts from the
fitness its parameters reach over the athlete's real 165 days (`[athlete] start = { history }`),
and the plan compares train-to-recover and recover-to-train at the athlete's own mean weekly load
and equal total load. `run` then carries the fit's joint uncertainty into the plan comparison.
"""),
    ("code", """
print((out / "athlete.toml").read_text())
run_out = out_dir("cyclist-run")
run(out / "athlete.toml", run_out, athletes=2000, per_athlete=True)
s = pd.read_csv(run_out / "summary.csv")
s[["variant", "perf_final_mean", "perf_final_p05", "perf_final_p50", "perf_final_p95", "win_rate", "diff_mean", "diff_ci_low", "diff_ci_high"]].round(2)
"""),
    ("code", """
a = pd.read_csv(run_out / "athletes.csv")
w = a.pivot(index="athlete", columns="variant", values="perf_final")
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.8))
bins = np.linspace(w.min().min(), w.max().max(), 60)
for v in w.columns:
    a1.hist(w[v], bins=bins, alpha=0.5, label=v)
a1.set(xlabel="race-day 5-min power (W)", ylabel="parameter draws", title="race day over the fit's uncertainty")
a1.legend()
a2.hist(w["recover-to-train"] - w["train-to-recover"], bins=60, color="tab:purple")
a2.axvline(0, color="k", lw=0.8)
a2.set(xlabel="recover-to-train minus train-to-recover (W)", title="paired difference per parameter draw")
plt.tight_layout()
"""),
    ("md", """
## Reading the results

* A five-parameter model fits nine tests closely, and several quite different parameter sets fit
  about equally well. The SSE, however small, is no evidence that the time constants are right.
* Carried jointly (whole replicates, from the athlete's real fitness), the uncertainty leaves a
  race-day band of about 290-360 W for a rider who tested at 271-302 W: possible numbers. Notebook 4
  shows what independent draws from rest predicted instead (115-756 W). The plan difference is
  still small next to what we do not know about this athlete.
* Banister's model is linear: for this athlete it can rank plans only by how much load falls how
  long before race day. The spacing questions need a nonlinear model (notebooks 1 and 2), and a
  Busso fit (`fit --model busso`) needs more tests than nine to say anything.
"""),
]


NB4 = [
    ("md", """
# Credible athletes: calibration, joint uncertainty, and what changes

Round 1 of periodize simulated made-up populations: in the Busso scenarios 12-16 weeks of training
added a median +185% to performance, where Busso (2003) measured +30 ± 7% in untrained subjects;
every athlete started from zero fitness; and a fitted cyclist's plans predicted 115-756 W for a
rider who tests at about 290 W. This notebook checks the populations periodize now ships against
published numbers, and shows what that changes in the seed's question.

**What this shows:** that the presets reproduce the magnitudes they cite, and how much the answers
depend on the population. **What it does not show:** that any model predicts a real athlete; the
calibration matches one published mean and sd, not individual responses.
"""),
    ("code", SETUP),
    ("md", """
## 1. busso2003 against Busso (2003)

Busso's six untrained subjects trained 3 sessions a week for 8 weeks, then 5 a week for 4 weeks;
their 5-min power rose 30 ± 7% (mean ± sd). `scenarios/calibration-busso2003.toml` runs that
protocol (one session = 100 load units) on the `busso2003` preset. `gain_pct` is each athlete's
race-day performance relative to where that athlete started.
"""),
    ("code", r"""
out = out_dir("calibration")
run("scenarios/calibration-busso2003.toml", out, per_athlete=True)
cal = pd.read_csv(out / "summary.csv")
a = pd.read_csv(out / "athletes.csv")
a["gain"] = 100 * (a.perf_final - a.p0) / a.p0
g = a[a.variant == "busso-protocol"].gain
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.hist(g, bins=80, density=True, alpha=0.6, label=f"busso2003 preset: {g.mean():.1f} ± {g.std():.1f}%")
x = np.linspace(0, 60, 200)
ax.plot(x, np.exp(-0.5 * ((x - 30) / 7) ** 2) / (7 * np.sqrt(2 * np.pi)), "k--", label="Busso (2003): 30 ± 7%")
ax.set(xlabel="gain after 12 weeks (% of the starting level)", ylabel="density", title="Busso's protocol")
ax.legend()
cal[["variant", "gain_pct_mean", "gain_pct_sd", "gain_pct_p05", "gain_pct_p50", "gain_pct_p95", "diff_pct", "win_rate"]].round(2)
"""),
    ("md", """
The preset reproduces the measured mean and spread, also on the protocol as Busso ran it
(Monday to Friday, the test after two rest days). Three sessions a week throughout would have
gained about 2 points less: at these loads the athletes are on the rising side of Busso's
inverted U (its best constant load is about 143 units a day, see the README).

## 2. The cyclist: joint uncertainty from the athlete's real fitness

Round 1 turned the bootstrap replicates of the Clarke & Skiba fit into independent lognormals and
started every simulated athlete from zero fitness. Now each athlete is one whole replicate and
starts from the fitness its parameters reach over the real history. Both are run below on the same
plan; the grey band is the range of the rider's nine tests.
"""),
    ("code", r"""
cy = out_dir("cyclist-credible")
periodize("fit", "--model", "banister", "--data", "tests/data/clarke2013_cyclist.csv", "--convention", "same-day",
          "--bootstrap", 1000, "--seed", 7, "-o", cy / "fit.csv", "--scenario-out", cy / "athlete.toml")
reps = pd.read_csv(cy / "athlete-replicates.csv")
print("correlation of k1 and k2 across replicates:", round(reps.k1.corr(reps.k2), 3))
text = (cy / "athlete.toml").read_text()
# Round 1's construction: independent lognormals (p0 normal) fitted to the replicates, from rest.
lines = []
for name in ["p0", "k1", "k2", "tau1", "tau2"]:
    v = reps[name]
    if name == "p0":
        lines.append(f'{name} = {{ dist = "normal", mean = {v.mean()}, sd = {v.std()} }}')
    else:
        lv = np.log(v[v > 0])  # a replicate may put a gain at its bound, 0
        lines.append(f'{name} = {{ dist = "lognormal", median = {np.exp(lv.median())}, sigma = {lv.std()} }}')
model = re.search(r"\[model\]\n(.*?)\n\n", text, re.S).group(1)
old = text.replace(model, 'kind = "banister"\nconvention = "same-day"\n' + "\n".join(lines))
old = re.sub(r"\[athlete\]\nstart = .*\n", "", old)
(cy / "round1.toml").write_text(old)
res = {}
for name, scen in [("round 1: independent, from rest", cy / "round1.toml"), ("now: whole replicates, from the history", cy / "athlete.toml")]:
    o = out_dir("cyclist-" + name.split(":")[0].replace(" ", ""))
    run(scen, o, athletes=2000, per_athlete=True)
    at = pd.read_csv(o / "athletes.csv")
    res[name] = at[at.variant == "train-to-recover"].perf_final
fig, ax = plt.subplots(figsize=(9, 3.8))
bins = np.linspace(0, 800, 161)
for name, v in res.items():
    ax.hist(v.clip(0, 800), bins=bins, alpha=0.6, label=f"{name}: p05-p95 {v.quantile(.05):.0f}-{v.quantile(.95):.0f} W")
ax.axvspan(271, 302, color="0.5", alpha=0.3, label="the rider's tests (271-302 W)")
ax.set(xlabel="predicted race-day 5-min power (W; values beyond 0-800 piled at the edges)", ylabel="simulated athletes")
ax.legend(fontsize=8)
pd.DataFrame({k: v.quantile([0.0, 0.05, 0.5, 0.95, 1.0]) for k, v in res.items()}).round(0)
"""),
    ("md", """
Independent draws break the fit's structure (k1 and k2 are correlated at about 0.98 across
replicates: a high k1 comes with a high k2), and starting from zero fitness asks the model to
predict 12 weeks of "couch to fit" for a trained rider. Together they produced powers no cyclist
could ride. Whole replicates from the real fitness keep the prediction near the tests.

## 3. What changes in the seed's question

The two philosophies at equal total load, under the round-1 populations (illustrative parameters,
athletes from rest) and under the presets (athletes start in the steady state of 40 units a day).
"""),
    ("code", r"""
ROUND1 = {
    "banister": 'kind = "banister"\nconvention = "lagged"\np0 = 100.0\nk1 = { dist = "lognormal", median = 0.10, sigma = 0.25 }\n'
                'k2 = { dist = "lognormal", median = 0.20, sigma = 0.25 }\ntau1 = { dist = "normal", mean = 42.0, sd = 5.0, min = 20.0, max = 70.0 }\n'
                'tau2 = { dist = "uniform", min = 5.0, max = 10.0 }\n',
    "busso": 'kind = "busso"\nconvention = "lagged"\np0 = 100.0\nk1 = { dist = "lognormal", median = 0.10, sigma = 0.2 }\n'
             'k3 = { dist = "lognormal", median = 0.0007, sigma = 0.3 }\ntau1 = { dist = "normal", mean = 42.0, sd = 5.0, min = 20.0, max = 70.0 }\n'
             'tau2 = { dist = "uniform", min = 5.0, max = 10.0 }\ntau3 = { dist = "uniform", min = 2.0, max = 6.0 }\n',
}
rows = []
for model, scen in [("banister", "scenarios/train-to-recover-vs-recover-to-train.toml"), ("busso", "scenarios/busso-train-to-recover.toml")]:
    text = (ROOT / scen).read_text()
    old = re.sub(r"\[model\]\n.*?\n\[athlete\]\n.*?\nstart = .*?\n", "[model]\n" + ROUND1[model], text, flags=re.S)
    d = out_dir(f"seed-{model}")
    (d / "round1.toml").write_text(old)
    for label, path in [("round 1", d / "round1.toml"), ("presets", ROOT / scen)]:
        o = out_dir(f"seed-{model}-{label.replace(' ', '')}")
        run(path, o, athletes=3000)
        s = pd.read_csv(o / "summary.csv").set_index("variant")
        rows.append({"model": model, "population": label,
                     "train-to-recover gain %": s.loc["train-to-recover", "gain_pct_mean"],
                     "RTT vs TTR (% of TTR)": s.loc["recover-to-train", "diff_pct"],
                     "RTT better for": s.loc["recover-to-train", "win_rate"]})
seed = pd.DataFrame(rows).set_index(["model", "population"])
seed.round(3)
"""),
    ("md", """
* The **direction** of each model's verdict survives: Banister favours recover-to-train (it only
  sees when load falls), Busso favours train-to-recover (bunched load costs more than it brings).
* The **size** does not. With trained athletes on calibrated populations the effects shrink to
  about one to one and a half percent of performance, a small fraction of the block's own gain
  under Banister and a tenth of it under Busso. Round 1's percentages were percentages of an
  arbitrary p0 for athletes who gained 2-3 times what real ones do.
* A claim such as "train to recover beats recover to train" is therefore a claim about the model
  and the population; state both, and read `gain_pct` beside `diff_pct`.
"""),
]

NB5 = [
    ("md", """
# The optimal taper: `periodize optimize` against Thomas & Busso (2005)

Thomas & Busso (2005) optimised the taper of Busso's variable dose-response model with the mean
parameters of Busso's (2003) subjects. Their answers:

| | load cut | taper length | note |
|---|---|---|---|
| no prior overload | 30.8 ± 11.8% | 19.3 ± 2.3 days | step taper |
| after 28 days of +20% overload | 39.3 ± 9.9% | 28.0 ± 5.1 days | higher peak than without |
| shape | | | a progressive taper beat a step taper only after the overload |

`scenarios/optimal-taper.toml` asks the same question of a *population* (the `busso2003` preset,
trained start): the optimiser searches the taper's length (0-35 days), depth (factor 0-1) and shape
for the best mean race day, separately without and with the overload, and checks each optimum on a
fresh population of ten times the athletes.

**What this shows:** what the model population says the best taper is, how well the optimiser finds
it (against an exhaustive grid), how much the search overstates its gain, and how strongly the
answer depends on the fatigue parameter. **What it does not show:** the best taper for a real
athlete; the answer is the model's, and it moves with parameters that a 12-week training gain does
not pin down.
"""),
    ("code", SETUP + r"""
import json

def mean_cut(shape, factor, days):
    # Mean load cut over the taper, in percent: 100 (1 - mean factor), as the taper's days are scaled.
    j = np.arange(1, int(days) + 1) / max(int(days), 1)
    f = {"step": np.full_like(j, factor), "linear": 1 - (1 - factor) * j, "exponential": factor ** j}[shape]
    return 100 * (1 - f.mean()) if days > 0 else 0.0
"""),
    ("md", """
## 1. The optimiser on the shipped scenario

`method = "auto"` with a budget of 300 evaluations per variant, each evaluation 2,000 athletes over
the same random numbers (so the objective is a deterministic function of the plan).
"""),
    ("code", r"""
out = out_dir("optimal-taper")
r = periodize("optimize", "scenarios/optimal-taper.toml", "--out", out, "--plots")
print(r.stderr)
m = json.loads((out / "manifest.json").read_text())
rows = []
for v in m["variants"]:
    x = v["values"]
    days, factor, shape = int(x["plan.taper.days"]), float(x["plan.taper.factor"]), x["plan.taper.shape"]
    rows.append({"variant": v["variant"], "evaluations": v["evaluations"], "days": days, "factor": round(factor, 3), "shape": shape,
                 "mean cut %": round(mean_cut(shape, factor, days), 1),
                 "gain in search": round(v["in_sample"]["optimum"] - v["in_sample"]["as_written"], 3),
                 "gain out of sample": round(v["out_of_sample"]["optimum"] - v["out_of_sample"]["as_written"], 3)})
auto = pd.DataFrame(rows).set_index("variant")
auto
"""),
    ("code", r"""
t = pd.read_csv(out / "trace.csv")
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=False)
for ax, (v, g) in zip(axes, t[t.stage != "as-written"].groupby("variant", sort=False)):
    ax.plot(g.evaluation - g.evaluation.min() + 1, g.perf_final_mean, ".", alpha=0.5, label="evaluated plan")
    ax.plot(g.evaluation - g.evaluation.min() + 1, g.best_so_far, "r-", label="best so far")
    w = t[(t.stage == "as-written") & (t.variant == v)].perf_final_mean.iloc[0]
    ax.axhline(w, color="k", ls="--", label="as written")
    ax.set(title=v, xlabel="evaluation", ylabel="mean race-day performance (% of untrained)")
    ax.set_ylim(min(g.perf_final_mean.quantile(0.2), w - 0.3), g.perf_final_mean.max() + 0.5)
axes[0].legend(loc="lower right")
plt.tight_layout()
"""),
    ("md", """
## 2. Is it the optimum? An exhaustive grid

The same scenario with the factor in steps of 0.05 and `method = "grid"`: 36 × 21 × 3 = 2,268 plans
per variant, every one evaluated on the same athletes. The auto search must come close to the
grid's best (it can beat it slightly: its factor is continuous).
"""),
    ("code", r"""
text = (ROOT / "scenarios/optimal-taper.toml").read_text()
grid_text = (text.replace('method = "auto"', 'method = "grid"')
                 .replace('"plan.taper.factor" = { min = 0.0, max = 1.0 }', '"plan.taper.factor" = { min = 0.0, max = 1.0, step = 0.05 }'))
assert grid_text != text
gdir = out_dir("optimal-taper-grid")
(gdir / "grid.toml").write_text(grid_text)
periodize("optimize", gdir / "grid.toml", "--out", gdir / "out", "--budget", 2268, "--athletes", 2000)
g = pd.read_csv(gdir / "out" / "trace.csv")
written = g[g.stage == "as-written"].set_index("variant").perf_final_mean
g = g[(g.stage != "as-written") & (g.feasible == "yes")]
best = g.loc[g.groupby("variant", sort=False).perf_final_mean.idxmax()].set_index("variant")
cmp = pd.DataFrame({"grid: best": best.perf_final_mean, "auto: best": [m2["in_sample"]["optimum"] for m2 in m["variants"]]}, index=best.index)
cmp["auto's share of the grid's improvement"] = ((cmp["auto: best"] - written) / (cmp["grid: best"] - written)).round(4)
cmp.round(4)
"""),
    ("md", """
## 3. The answer, shape by shape, against Thomas & Busso

For each variant and shape, the grid's best taper and its mean load cut, beside the published
optimum.
"""),
    ("code", r"""
per = g.loc[g.groupby(["variant", "plan.taper.shape"], sort=False).perf_final_mean.idxmax()].copy()
per["mean cut %"] = [round(mean_cut(s, f, d), 1) for s, f, d in zip(per["plan.taper.shape"], per["plan.taper.factor"], per["plan.taper.days"])]
per = per.rename(columns={"plan.taper.days": "days", "plan.taper.shape": "shape", "plan.taper.factor": "factor"})
per["gain vs as written"] = per.perf_final_mean - per.variant.map(written)
print("Thomas & Busso (2005): no overload: step, -30.8 ± 11.8% for 19.3 ± 2.3 days; "
      "after overload: -39.3 ± 9.9% for 28.0 ± 5.1 days, progressive > step only after overload")
notaper = g[g["plan.taper.days"] == 0].groupby("variant", sort=False).perf_final_mean.max()
print("no taper at all (0 days):", notaper.round(3).to_dict())
per[["variant", "shape", "days", "factor", "mean cut %", "perf_final_mean", "gain vs as written"]].round(3)
"""),
    ("code", r"""
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
for ax, (v, gv) in zip(axes, g.groupby("variant", sort=False)):
    for shape, gs in gv.groupby("plan.taper.shape"):
        curve = gs.groupby("plan.taper.days").perf_final_mean.max()
        ax.plot(curve.index, curve.values, label=shape)
    ax.axvspan(19.3 - 2.3, 19.3 + 2.3, color="0.6", alpha=0.25) if v == "no-overload" else ax.axvspan(28 - 5.1, 28 + 5.1, color="0.6", alpha=0.25)
    ax.set(title=f"{v}: best depth at each length", xlabel="taper days (grey: Thomas & Busso's optimum ± sd)")
axes[0].set_ylabel("mean race-day performance")
axes[0].legend()
plt.tight_layout()
"""),
    ("md", """
## 4. Why the population disagrees: the fatigue gain

The `busso2003` preset is calibrated to Busso's (2003) +30 ± 7% and to Busso et al.'s (2002)
recovery times, which pin the fatigue gain's growth with load (`k3`, median 8.8e-5) far better
than the gain alone did (round 2's preset had 4e-5 and fatigue that cleared ten times too fast).
The optimal taper is all about fatigue: with little fatigue left at the end of the build there is
little to gain from unloading, and every day of taper costs fitness. Below, the same optimisation
with `k3` (the median of its lognormal) at the preset's value and raised above it. Raising `k3` at
the same plan also lowers the best constant load (w* is proportional to 1/k3), so those athletes
train at two and four times their w*: the taper then also removes the overtraining, and the gains
are much larger.
"""),
    ("code", r"""
rows = []
for k3 in [0.000088, 0.0002, 0.0004]:
    d = out_dir(f"optimal-taper-k3-{k3}")
    (d / "s.toml").write_text(text.replace('preset = "busso2003"\n', f'preset = "busso2003"\nk3 = {{ dist = "lognormal", median = {k3}, sigma = 0.15 }}\n'))
    periodize("optimize", d / "s.toml", "--out", d / "out", "--athletes", 4000)
    mm = json.loads((d / "out" / "manifest.json").read_text())
    for v in mm["variants"]:
        x = v["values"]
        days, factor, shape = int(x["plan.taper.days"]), float(x["plan.taper.factor"]), x["plan.taper.shape"]
        rows.append({"k3 median": k3, "variant": v["variant"], "days": days, "shape": shape, "mean cut %": round(mean_cut(shape, factor, days), 1),
                     "race day (out of sample)": round(v["out_of_sample"]["optimum"], 2),
                     "gain vs as written": round(v["out_of_sample"]["optimum"] - v["out_of_sample"]["as_written"], 2)})
sens = pd.DataFrame(rows)
sens
"""),
    ("md", """
## What the model population reproduces, and what it does not

From the tables above (the numbers are those of the committed run; the notebook recomputes them).
Like Thomas & Busso's, this study starts at the model's best constant load: the scenario sets
`load_scale = 1` (loads in the preset's own unit) and trains at 143.6 a day, the preset's w* at
its parameters' medians. The preset is round 3's busso2003, whose fatigue is calibrated to Busso
et al.'s (2002) recovery times as well as to the +30% gain.

* **Overload reaches a higher peak**: reproduced, 190.8 against 185.9 out of sample (section 1).
* **A longer taper after overload**: reproduced, 20 against 18 days for the exponential taper and
  16 against 13 for the step (section 3).
* **Progressive beats step only after overload**: reproduced (section 3). Without the overload the
  exponential and step tapers tie (186.16 against 186.15, a difference no athlete would notice);
  after it the exponential taper beats the step by 0.93.
* **The length without overload** (19.3 +/- 2.3 days): the exponential taper's 18 days lie inside
  the published spread, the step's 13 do not.
* **The depth** (-31% without, -39% after overload): *not* reproduced. The preset's best tapers
  cut 52-70% of the load on average, about twice as deep, and the cut after the overload is not
  deeper (52% against 57% for the exponential taper).

The depth is the fatigue's business: the preset's fatigue is calibrated to Busso et al.'s
recovery times, but tau2 and tau3 vary little between its athletes, and Thomas & Busso used the
mean of six fitted subjects where this is a population (section 4 shows how fast the answer moves
with `k3`). To answer for an athlete, fit the athlete (`periodize fit --scenario-out`) and optimise
over the bootstrap replicates of the fit.

**The optimiser's curse** is visible in section 1: the gain over the plan as written on the
search's own athletes is larger than on a fresh population of ten times the athletes; the
out-of-sample figure is the one to report.
"""),
]

NB6 = [
    ("md", """
# The seed's questions, model by model

`scenarios/seed-questions.toml` asks each of the seed's questions at **equal total load**: 2 or 4
key workouts a week instead of 3, clustered instead of spread, 1- or 3-week overreaching blocks
instead of 2, and rest instead of easy runs. Each variant changes one thing from `baseline` and is
scaled to its total load. `[compare] models = "all"` runs every variant under every preset, so
each question gets one verdict per model against the smallest worthwhile change (0.5% of
race-day performance).

This notebook reads `verdicts.csv` and then asks *why* each model answers as it does: for
Banister's linear model the answer can be computed in closed form from the plans' loads alone,
which also checks the simulation; Busso's and PerPot's answers come from their nonlinearity.
"""),
    ("code", SETUP + """
import json
ATHLETES = 2000
out = out_dir("seed-questions")
result = run("scenarios/seed-questions.toml", out, athletes=ATHLETES, daily=True, per_athlete=True)
verdicts = pd.read_csv(out / "verdicts.csv")
summary = pd.read_csv(out / "summary.csv")
athletes = pd.read_csv(out / "athletes.csv")
daily = pd.read_csv(out / "daily.csv")
manifest = json.loads((out / "manifest.json").read_text())
models = list(verdicts.model.unique())
table = verdicts.assign(cell=verdicts.verdict + " " + verdicts.diff_pct.map("{:+.2f}%".format))
table.pivot(index="comparison", columns="model", values="cell")[models]
"""),
    ("md", """
The last lines of the run's output say the same in words, one per question:
"""),
    ("code", """
print("\\n".join(l for l in result.verdicts if "models agree" in l or "models disagree" in l))
"""),
    ("md", """
## First: which models are in their range here?

A verdict is only worth reading where the model describes the plan. The run's warnings
(manifest.json's `warnings`) say where it does not:
"""),
    ("code", """
w = pd.DataFrame(manifest["warnings"])
w["model"] = summary.model.iloc[w.row].values
w.groupby(["model", "kind"]).size().unstack(fill_value=0)
"""),
    ("md", """
The athletes start at their habitual load (90 a day, about the plan's mean), and every preset maps
that habitual load onto the daily load it was calibrated at (`load_mapping` in the manifest), so
no preset runs beyond its calibration here and no potential leaves its range. Only
`peak_before_race` remains: the plans do not keep the fitness the athletes start with until race
day, under every model.

## Banister: the answer is a re-weighted sum of loads

In Banister's model (lagged convention) race day T's performance is
p(T) = p0 + k1 Σ_d w(d) e^{-(T-d)/τ1} - k2 Σ_d w(d) e^{-(T-d)/τ2}. Two plans with the same
athletes differ on race day by

Δp = Σ_d Δw(d) · r(T-d),   r(s) = k1 e^{-s/τ1} - k2 e^{-s/τ2},

whatever the athletes' starting state. So for each athlete the verdict follows from the
*difference of the plans' daily loads* weighted by that athlete's response r (times the load
mapping's scale: the model sees every load in the preset's units). Computed here from plan.csv and
each athlete's parameters in athletes.csv, it matches the simulation to rounding:
"""),
    ("code", """
plan = pz.plan(ROOT / "scenarios/seed-questions.toml")
loads = {v: g.sort_values("day").load.to_numpy() for v, g in plan.groupby("variant", sort=False)}
T = len(loads["baseline"])
s = T - np.arange(T)  # days from each plan day to race day
b = athletes[athletes.model == "banister-literature"]
ref = b[b.variant == "baseline"].set_index("athlete")
# Model units per load unit for banister-literature's rows (the habitual load's mapping).
scale = next(r["load_map"]["scale"] for r in manifest["scenario"]["rows"] if r["model"]["joint"].get("preset") == "banister-literature")
print(f"banister-literature sees every load x {scale:.4f}")
rows = []
for v in loads:
    if v == "baseline":
        continue
    dw = loads[v] - loads["baseline"]
    r = (ref.k1.to_numpy()[:, None] * np.exp(-s / ref.tau1.to_numpy()[:, None])
         - ref.k2.to_numpy()[:, None] * np.exp(-s / ref.tau2.to_numpy()[:, None]))
    predicted = scale * (r @ dw)
    simulated = b[b.variant == v].set_index("athlete").perf_final - ref.perf_final
    err = np.abs(predicted - simulated.to_numpy()).max()
    assert err < 1e-6 * np.abs(ref.perf_final).max(), (v, err)
    rows.append({"variant": v, "closed form: mean diff": predicted.mean(),
                 "simulated: mean diff": simulated.mean(), "largest |error|": err})
pd.DataFrame(rows).set_index("variant")
"""),
    ("md", """
The mean athlete's response r(s) shows why the answers come out as they do: a load in the last
weeks before the race costs more fatigue than it brings fitness (r < 0), a load earlier brings net
fitness (r > 0). A variant is "better" in Banister's model exactly when it moves load from where r
is negative to where it is positive:

* **clustered** ends each week's hard work two days earlier, so the last key sessions before race
  day sit further from it;
* the right-hand chart shows where each difference is made: its value at x is the part of the
  race-day difference that comes from the last x days before the race (0 at race day, the whole
  difference at the left). For **3-week blocks** it is made in the last four weeks, the block that
  ends just before the taper; for **rest instead of easy runs** most of it on the very last day,
  where baseline's easy run the day before the race costs more fatigue than it brings fitness.

Nothing in the model rewards spacing as such, or recovery between sessions: the seed's claims
about recovery cannot be true or false in it.
"""),
    ("code", """
m = ref[["k1", "k2", "tau1", "tau2"]].mean()
days = np.arange(1, 57)
r_mean = m.k1 * np.exp(-days / m.tau1) - m.k2 * np.exp(-days / m.tau2)
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.6))
a1.plot(days, r_mean, color="C0")
a1.axhline(0, color="grey", lw=0.8)
a1.set(xlabel="days from the load to race day", ylabel="race-day effect per unit load",
       title="Banister: the mean athlete's response r(s)")
for v in ["clustered", "overreach 3 wk", "rest instead of easy runs"]:
    dw = loads[v] - loads["baseline"]
    a2.plot(s[-56:], np.cumsum((dw * (m.k1 * np.exp(-s / m.tau1) - m.k2 * np.exp(-s / m.tau2)))[::-1])[::-1][-56:], label=v)
a2.axhline(0, color="grey", lw=0.8)
a2.invert_xaxis()
a2.set(xlabel="days before race day", ylabel="race-day difference from these days on",
       title="where the difference comes from (mean athlete)")
a2.legend(fontsize=8)
fig.tight_layout()
"""),
    ("md", """
## Busso: fatigue that grows with recent load

Busso's fatigue gain k2(t) = k3 Σ w(j) e^{-(t-j)/τ3} rises with the last few days' load, so a
session's fatigue grows with the square of the load packed into a few days. That is where the
models part:

* **rest, no easy runs** puts the easy runs' load into the key sessions: each is larger, k2 rises
  more, and Busso calls it *worse* where Banister (linear in load) calls it better. This is the
  seed's claim that easy runs add fitness without a need for recovery, in the only preset where
  it can be true: a unit of load costs less fatigue when it comes in a small dose.
* **spacing** and **overreach length** came out *trivial* under Busso in this run: with τ3 of 2-6
  days the gain rises and falls within a week, so the week's arrangement is felt during the plan
  (below) but hardly on race day after a taper.

The daily difference of each variant's mean from baseline's (the mean of the paired differences,
day by day) shows the two models over the whole plan:
"""),
    ("code", """
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharex=True)
for ax, model in zip(axes, ["busso2003", "banister-literature"]):
    d = daily[daily.model == model]
    base = d[d.variant == "baseline"].set_index("day").perf_mean
    for v in ["clustered", "overreach 3 wk", "rest instead of easy runs"]:
        diff = d[d.variant == v].set_index("day").perf_mean - base
        ax.plot(diff.index / 7, 100 * diff / base, label=v, lw=1.2)
    ax.axhspan(-0.5, 0.5, color="green", alpha=0.1, lw=0)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set(title=model, xlabel="weeks from the start", ylabel="difference from baseline, %")
axes[0].legend(fontsize=8)
fig.tight_layout()
"""),
    ("md", """
## What to take away

* **Key workouts per week** (2, 3 or 4 at equal load): trivial under every model. None of them
  makes the count matter by more than the smallest worthwhile change.
* **Spacing, overreach length, easy runs**: the models disagree, and the disagreement has a
  reason. In Banister's model the answer is where the load sits relative to race day (computed
  above in closed form); in Busso's it is how much load is packed into a few days. Which holds for
  an athlete is an empirical question: fit the athlete (`periodize fit`) and run the scenario on
  the fit's replicates.
* The shaded band is the smallest worthwhile change: differences inside it do not matter to a
  race result, however certain the simulation is about them.
"""),
]


NB7 = [
    ("md", """
# The seed's three claims

The seed ("Train To Recover, Don't Recover To Train") makes three claims:

1. hard key workouts and overreaching blocks create a **need for recovery**;
2. key workouts should be **spaced as far apart as possible**;
3. easy recovery runs **add fitness without adding a need for recovery**, and training more often
   **teaches the body to recover faster**.

A fitness-fatigue model can only answer a claim it can express. This notebook asks, for each
claim, under which model and in which parameter region it holds, is trivial (a difference smaller
than the smallest worthwhile change, 0.5% of race-day performance), or is contradicted, and what
published evidence says about those regions. Every number below is computed in the cells; the
text around them says what to read, not what came out.
"""),
    ("code", SETUP + """
import json
ATHLETES = 2000
SWC = 0.5
"""),
    ("md", """
## Claim 1: hard work creates a need for recovery

Every fitness-fatigue model says this by construction: fatigue has a larger gain and a shorter
time constant than fitness, so a hard session first lowers performance. What the models add is
*how long* the need lasts, and that is measured: Busso et al. (2002, J Appl Physiol 92:572-580)
found that a session stopped depressing performance after 0.9 ± 2.1 days at the end of 3 sessions
a week and 3.6 ± 2.0 days at the end of 5. The presets are held to such targets by the test suite;
`periodize presets` prints each target beside what the preset's population reproduces:
"""),
    ("code", """
targets = []
for preset in ["busso2003", "trained-endurance"]:
    for line in periodize("presets", preset).stdout.splitlines():
        m = re.match(r"#\\s+- (time for .*): published (.*), reproduced (.*)", line)
        if m:
            targets.append({"preset": preset, "what": m[1], "published": m[2], "reproduced": m[3]})
claim1 = pd.DataFrame(targets)
claim1
"""),
    ("md", """
In Busso's model the need for recovery *grows* with training frequency (the fatigue gain k2 rises
with the recent load): the same session costs more recovery at 5 sessions a week than at 3. Claim
1 holds under every model here; its size is a question of the fatigue parameters, which these
measurements pin down for untrained subjects on Busso's protocol and which, for trained athletes,
nobody has measured in this form (the trained-endurance preset's days follow from its taper
calibration, not from a measurement).

## Claim 2: space the key workouts

In Banister's linear model moving a session within the week only re-weights two exponential sums;
in Busso's model back-to-back hard days raise the fatigue gain on the days with the most load. The
shipped scenarios ask it of each model (equal load; clustered against spread):
"""),
    ("code", """
spacing = []
for sc in ["spacing-spread-vs-clustered", "busso-spacing"]:
    o = out_dir(f"seed-claims-{sc}")
    run(f"scenarios/{sc}.toml", o, athletes=ATHLETES)
    v = pd.read_csv(o / "verdicts.csv")
    v.insert(0, "scenario", sc)
    spacing.append(v)
spacing = pd.concat(spacing)[["scenario", "comparison", "model", "diff_pct", "diff_ci_low_pct", "diff_ci_high_pct", "verdict"]]
spacing
"""),
    ("md", """
A positive difference means the compared plan (clustered, or Mon/Wed/Fri) is *ahead* on race day.
Read these with the README's caution ("The science"): spacing also moves *where the week's last
key sessions fall* before race day, and on race day that timing can outweigh the cost of
back-to-back sessions. Over the training block Busso's model does penalise clustering (the
README's block means), the linear model does not; race day alone does not show claim 2.

## Claim 3a: easy runs add fitness without a need for recovery

Single-channel models cannot say this: a unit of easy load has the fitness/fatigue ratio of a unit
of hard load. `two-channel` gives easy load its own gains. `scenarios/seed-recovery-runs.toml` fixes
k2 = 0.15 and k1_easy at k1's centre, so the claim is a question of **k2_easy / k2**: how much
fatigue a unit of easy load leaves, relative to hard load. At the written value (k2_easy = 0.05, a
third) the run says:
"""),
    ("code", """
o = out_dir("seed-recovery-runs")
result = run("scenarios/seed-recovery-runs.toml", o, athletes=ATHLETES)
verdicts = pd.read_csv(o / "verdicts.csv")
verdicts[["comparison", "model", "diff_pct", "diff_ci_low_pct", "diff_ci_high_pct", "better_share", "worse_share", "verdict"]]
"""),
    ("md", """
Where does that verdict flip? `periodize sensitivity` moves k2_easy over 0 to 0.3 (k2_easy/k2 from
0 to 2) with the same athletes at every value, and finds by bisection where each comparison's mean
difference crosses 0 and ±swc. (The adaptive-recovery rows have no k2_easy; they stay as written.)
"""),
    ("code", """
K2 = 0.15
sens_k2 = out_dir("seed-sens-k2")
s = periodize("sensitivity", "scenarios/seed-recovery-runs.toml", "--param", "model.k2_easy", "--range", "0:0.3",
              "--out", sens_k2, "--athletes", ATHLETES)
print("\\n".join(l for l in s.stderr.splitlines() if " vs " in l))
sweep_k2 = pd.read_csv(sens_k2 / "sweep.csv")
be_k2 = pd.read_csv(sens_k2 / "break_even.csv")
be_k2.assign(**{c.replace("at_", "ratio_at_"): be_k2[c] / K2 for c in ["at_zero", "at_plus_swc", "at_minus_swc"]})
"""),
    ("code", """
def curves(sweep, x, xlabel, comparisons, title, written):
    fig, ax = plt.subplots(figsize=(7.5, 4))
    ax.axvline(written, color="0.3", ls="--", lw=0.8, label="as written in the scenario")
    ax.axhspan(-SWC, SWC, color="0.85", label=f"trivial (|difference| < {SWC}%)")
    ax.axhline(0, color="0.4", lw=0.8)
    for c in comparisons:
        ax.plot(x, sweep[f"{c} diff_pct"], marker=".", ms=3, label=c)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("race day, % vs easy runs (paired mean)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig
two = [c for c in be_k2.comparison if not c.endswith("-ar")]
curves(sweep_k2, sweep_k2.param / K2, "k2_easy / k2 (fatigue per unit of easy load, relative to hard)", two,
       "two-channel: rest days and load-in-keys against easy runs", 0.05 / K2);
"""),
    ("md", """
Below the curve's crossing of -swc the rest-day and load-in-keys plans lose to easy runs by more
than the smallest worthwhile change: the claim holds. Between the crossings of -swc and +swc the
choice is trivial; above +swc the claim is contradicted (easy runs cost more than they give).

**Published evidence for k2_easy / k2.** No study has fitted separate fatigue gains for easy and
hard load in this form. The nearest are Hellard et al. (2005, J Strength Cond Res 19:67-75), who
related Olympic swimmers' low- and high-intensity loads separately to performance and found a
positive long-term effect of low-intensity load (consistent with a small fatigue cost per unit),
and the polarised-training literature, which measures outcomes of whole programmes, not gains.
So the region in which claim 3a holds is a statement about a parameter nobody has measured; a
study that wants to decide it needs k2_easy / k2.

## Claim 3b: training more often teaches the body to recover faster

`adaptive-recovery` makes fatigue's time constant depend on training frequency: tau2 is multiplied
by exp(-a (f - 4/7)), f the share of the last 28 days with a session. The easy-runs plan trains 6
days a week, the rest-day plans 3. a > 0 is the claim; a = 0 is Banister's model.
"""),
    ("code", """
sens_a = out_dir("seed-sens-a")
s = periodize("sensitivity", "scenarios/seed-recovery-runs.toml", "--param", "model.a", "--range", "-2:2",
              "--out", sens_a, "--athletes", ATHLETES)
print("\\n".join(l for l in s.stderr.splitlines() if " vs " in l))
sweep_a = pd.read_csv(sens_a / "sweep.csv")
be_a = pd.read_csv(sens_a / "break_even.csv")
ar = [c for c in be_a.comparison if c.endswith("-ar")]
curves(sweep_a, sweep_a.param, "a (a > 0: more frequent training, faster recovery)", ar,
       "adaptive-recovery: rest days and load-in-keys against easy runs", 1.0);
be_a[be_a.comparison.isin(ar)]
"""),
    ("md", """
**Published evidence for a.** Busso et al. (2002) measured the opposite of the claim: after 5
sessions a week a session's fatigue lasted 3.6 days, after 3 a week 0.9 days. In this model that is
a < 0 (more frequent training, *longer* fatigue); in Busso's own model it is the fatigue gain k2
that grows with recent load. Nothing published supports a > 0 for endurance athletes' performance;
the region of a in which the claim holds is where the evidence is not.

## The three claims, answered

Each row: the claim, the model that can express it, and the parameter regions (within the ranges
swept here) where it holds, is trivial or is contradicted, from the break-evens above.
"""),
    ("code", """
def regions(sweep, be, comparison, scale, name):
    # Where the claim holds (the compared plan loses to easy runs by more than the swc), is trivial,
    # or is contradicted, along the swept range: segments between the crossings of -swc and +swc.
    x, d = sweep.param.to_numpy() / scale, sweep[f"{comparison} diff_pct"].to_numpy()
    r = be[be.comparison == comparison].iloc[0]
    cuts = sorted(v / scale for v in [r.at_minus_swc, r.at_plus_swc] if pd.notna(v))
    edges = [x[0]] + cuts + [x[-1]]
    out = {"holds": [], "trivial": [], "contradicted": []}
    for lo, hi in zip(edges, edges[1:]):
        mid = np.interp(0.5 * (lo + hi), x, d)
        kind = "holds" if mid < -SWC else "contradicted" if mid > SWC else "trivial"
        out[kind].append(f"{name} {lo:.2f} to {hi:.2f}")
    return {k: ", ".join(v) or "nowhere in the range" for k, v in out.items()}

def spacing_regions(sc):
    v = spacing[spacing.scenario == sc]
    # The claim: spread beats the compared (clustered) plan, i.e. the compared plan is worse.
    kind = {"worse": "holds", "better": "contradicted", "trivial": "trivial", "unclear": "trivial"}
    out = {"holds": [], "trivial": [], "contradicted": []}
    for c, d, verdict in zip(v.comparison, v.diff_pct, v.verdict):
        out[kind[verdict]].append(f"{c} ({d:+.2f}%)")
    return {k: "; ".join(x) or "-" for k, x in out.items()}
b3 = claim1[claim1.preset == "busso2003"]
table = [
    {"claim": "1: hard work needs recovery", "model": "busso2003",
     "holds": "; ".join(f"{w.split(', ')[-1]}: {r} (published {p})" for w, p, r in zip(b3.what, b3.published, b3.reproduced)),
     "trivial": "-", "contradicted": "-"},
    {"claim": "2: space the keys (race day)", "model": "banister-literature", **spacing_regions("spacing-spread-vs-clustered")},
    {"claim": "2: space the keys (race day)", "model": "busso2003", **spacing_regions("busso-spacing")},
]
for cmp_, sweep, be, scale, name, model in [("rest-days vs easy-runs", sweep_k2, be_k2, K2, "k2_easy/k2", "two-channel"),
                                            ("load-in-keys vs easy-runs", sweep_k2, be_k2, K2, "k2_easy/k2", "two-channel"),
                                            ("rest-days-ar vs easy-runs-ar", sweep_a, be_a, 1, "a", "adaptive-recovery"),
                                            ("load-in-keys-ar vs easy-runs-ar", sweep_a, be_a, 1, "a", "adaptive-recovery")]:
    what = "rest days" if cmp_.startswith("rest") else "the same load in the keys"
    table.append({"claim": f"3: easy runs beat {what}", "model": model, **regions(sweep, be, cmp_, scale, name)})
pd.set_option("display.max_colwidth", 120)
pd.DataFrame(table)
"""),
    ("md", """
**Reading the table.** Claim 1 holds in every fitness-fatigue model by construction, and its size
is measured (Busso et al. 2002). Claim 2 is not shown on race day by either model in these
scenarios: where the week's last sessions fall decides more than how the sessions sit.
Claim 3 holds only where the models are given the claim's own parameters: easy load that leaves
less fatigue per unit than hard load (two-channel, k2_easy/k2 below the break-even), or recovery
that speeds up with training frequency (adaptive-recovery, a above the break-even). Against the
same load put into the keys, the break-evens sit near the neutral values (k2_easy/k2 near 1,
a near 0), so the answer is exactly as uncertain as those parameters. The one measurement that
bears on `a`, Busso et al.'s longer fatigue at 5 sessions a week, points to the region where
claim 3b is contradicted; nothing published measures k2_easy/k2.
"""),
]

NOTEBOOKS = {
    "01_train_to_recover.ipynb": NB1,
    "02_design_grid.ipynb": NB2,
    "03_reference_cyclist.ipynb": NB3,
    "04_credible_athletes.ipynb": NB4,
    "05_optimal_taper.ipynb": NB5,
    "06_seed_questions.ipynb": NB6,
    "07_seed_claims.ipynb": NB7,
}
