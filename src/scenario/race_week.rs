//! The rules a coach checks a plan against before an athlete lives through it, as warnings of
//! `validate` and `run`: no key session in the last days before race day (`[plan] race_week =
//! { last_key = 3 }`), no two hard days in a row in a week whose hard days fit apart, and (with
//! `[plan] max_ramp`) no week whose fitness rises faster than the limit.

use super::collector::V;
use super::spec::{RaceRules, Row};
use super::tree::{Node, Val};
use crate::plan::spec::{PlanSpec, Spacing};
use crate::plan::{Plan, Session, WEEKDAYS};

/// `[plan] race_week` and `[plan] max_ramp` as given (their errors reported), or None on error.
pub(super) fn rules(v: &mut V, p: &Node) -> Option<RaceRules> {
    let errs = v.reported;
    let mut rules = RaceRules::default();
    if let Some(n) = p.get("race_week") {
        match &n.val {
            Val::Table(t) => {
                if let Some((k, _)) = t.iter().find(|(k, _)| k.name != "last_key") {
                    v.bad(&k.span, format!("plan.race_week.{}: unknown key; race_week takes last_key (the fewest days between the last key session and race day)", k.name));
                }
                rules.last_key = v.int(n, "last_key", "plan.race_week", 1, 28).unwrap_or(rules.last_key);
            }
            _ => v.bad(&n.span, format!("plan.race_week = {}: expected a table {{ last_key = 3 }}", n.show())),
        }
    }
    rules.max_ramp = v.float(p, "max_ramp", "plan", |x| (!(x.is_finite() && x > 0.0)).then(|| "expected a rise of fitness per week above 0 (5 to 8 is a common ceiling in TSS)".into()));
    (v.reported == errs).then_some(rules)
}

/// What a row's plan breaks of the rules, one finding per rule naming its first day. The key
/// rule holds for race plans (with a taper), the back-to-back rule where the key sessions are
/// spread (a chosen clustering is the question asked, not a slip).
pub(super) fn findings(row: &Row, plan: &Plan) -> Vec<String> {
    let rules = row.race_rules;
    let mut out = Vec::new();
    let start = row.plan.start_date();
    let day = |d: usize| match start {
        Some(s) => format!("day {d} ({} {})", WEEKDAYS[d % 7], crate::daily::format_date(s + d as i64)),
        None => format!("day {d} ({})", WEEKDAYS[d % 7]),
    };
    let race = plan.days();
    let (tapered, spread) = match &row.plan {
        PlanSpec::Generated { taper, phases, .. } => (taper.is_some_and(|t| t.days > 0), phases.iter().all(|p| p.spacing == Spacing::Spread)),
        PlanSpec::File { taper, .. } => (taper.is_some_and(|t| t.days > 0), true),
    };
    let last_key = rules.last_key as usize;
    if let Some(d) = (0..race).rev().take_while(|&d| tapered && race - d < last_key).find(|&d| plan.session[d] == Session::Key) {
        let n = race - d;
        out.push(format!("a key session on {}, {n} day{} before race day; the last key session should come at least {last_key} days before it (plan.race_week = {{ last_key = {last_key} }} sets the rule)", day(d), if n == 1 { "" } else { "s" }));
    }
    // Hard days: key sessions, and a long run in the hard channel.
    let hard: Vec<bool> = (0..race).map(|d| plan.load[d] > 0.0 && (plan.session[d] == Session::Key || (plan.session[d] == Session::Long && plan.easy_share[d] <= 0.0))).collect();
    let mut pairs = (1..race).filter(|&d| {
        // The week of the second day holds few enough hard days to fit apart (3 in 7).
        let wk = d / 7 * 7;
        spread && hard[d] && hard[d - 1] && hard[wk..(wk + 7).min(race)].iter().filter(|h| **h).count() <= 3
    });
    if let Some(d) = pairs.next() {
        let more = pairs.count();
        let also = if more > 0 { format!(" (and {more} more times)") } else { String::new() };
        out.push(format!("back-to-back hard days on {} and {}{also}, in a week whose hard days fit apart; move a key session or the long run so a recovery day falls between them", day(d - 1), day(d)));
    }
    if let Some(limit) = rules.max_ramp {
        let mut pmc = row.start.pmc();
        let mut worst: Option<(usize, f64)> = None;
        for (d, &w) in plan.load.iter().enumerate() {
            let before = pmc.ramp_max;
            pmc.step(w);
            if pmc.ramp_max > before && pmc.ramp_max > limit && worst.is_none_or(|(_, r)| pmc.ramp_max > r) {
                worst = Some((d, pmc.ramp_max));
            }
        }
        if let Some((d, r)) = worst {
            out.push(format!("fitness (the coaches' chart, 42 days) rises by {r:.1} in the 7 days to {}, above plan.max_ramp = {}; lower that week's load or spread the increase", day(d), crate::output::short(limit)));
        }
    }
    out
}
