//! The 7:28 acute:chronic workload ratio: pmc's `acwr` column and the runs' `acwr_max`, for one
//! athlete and for N side by side, with the same sums in the same order.

/// The 7:28 acute:chronic workload ratio (Gabbett 2016), coupled: the 28-day window includes the
/// last 7 days. Undefined (None) until 28 days exist and while the 28-day load is zero.
///
/// Sums are rebuilt from weekly sums of non-negative loads rather than by adding and subtracting
/// a running total, so no rounding residue survives a block of rest days.
#[derive(Clone, Debug, Default)]
pub struct Acwr {
    loads: [f64; 7],
    weekly: [f64; 28],
    n: usize,
}

impl Acwr {
    /// Add a day's load and return that day's ratio.
    #[inline]
    pub fn push(&mut self, w: f64) -> Option<f64> {
        self.loads[self.n % 7] = w;
        let acute: f64 = self.loads.iter().sum();
        self.weekly[self.n % 28] = acute;
        self.n += 1;
        if self.n < 28 {
            return None;
        }
        let i = self.n - 1;
        let chronic = acute + self.weekly[(i - 7) % 28] + self.weekly[(i - 14) % 28] + self.weekly[(i - 21) % 28];
        (chronic > 0.0).then(|| 4.0 * acute / chronic)
    }
}

/// [`Acwr`] for N athletes side by side, with the same sums in the same order, so the same values.
///
/// Two savings keep the values identical. The acute sum folds the 7-slot ring in slot order, and
/// its running prefix sums are kept, so a new day recomputes only the sums from its slot on. The
/// ratio 4 acute / chronic is divided out only when some lane could beat its running maximum
/// (tested with a 1e-12 margin, far above rounding error, so a skipped ratio could not have
/// changed the maximum).
#[derive(Clone, Debug)]
pub struct AcwrLanes<const N: usize> {
    loads: [[f64; N]; 7],
    /// prefix[k] = ((0 + loads[0]) + ...) + loads[k]: prefix[6] is the acute sum.
    prefix: [[f64; N]; 7],
    weekly: [[f64; N]; 28],
    n: usize,
    i7: usize,
    i28: usize,
}

impl<const N: usize> Default for AcwrLanes<N> {
    fn default() -> Self {
        AcwrLanes { loads: [[0.0; N]; 7], prefix: [[0.0; N]; 7], weekly: [[0.0; N]; 28], n: 0, i7: 0, i28: 0 }
    }
}

impl<const N: usize> AcwrLanes<N> {
    /// Add a day's loads and fold that day's ratios into `max` (lanes without a ratio keep theirs).
    #[inline(always)]
    pub fn push_max(&mut self, w: &[f64; N], max: &mut [f64; N]) {
        let k = self.i7;
        self.loads[k] = *w;
        let mut run = if k == 0 { [0.0; N] } else { self.prefix[k - 1] };
        for j in k..7 {
            for l in 0..N {
                run[l] += self.loads[j][l];
            }
            self.prefix[j] = run;
        }
        let acute = run;
        self.weekly[self.i28] = acute;
        self.n += 1;
        if self.n >= 28 {
            let back = |k: usize| (self.i28 + 28 - k) % 28;
            let (a, b, c) = (self.weekly[back(7)], self.weekly[back(14)], self.weekly[back(21)]);
            let chronic: [f64; N] = super::lanes_from(|l| acute[l] + a[l] + b[l] + c[l]);
            // NaN maxima (no ratio yet) and zero chronic loads fail the comparison: they count.
            let mut could = false;
            for l in 0..N {
                // Not below (NaN included).
                could |= (4.0 * acute[l]).partial_cmp(&(max[l] * chronic[l] * (1.0 - 1e-12))) != Some(std::cmp::Ordering::Less);
            }
            if could {
                for l in 0..N {
                    if chronic[l] > 0.0 {
                        max[l] = max[l].max(4.0 * acute[l] / chronic[l]);
                    }
                }
            }
        }
        self.i7 = if self.i7 == 6 { 0 } else { self.i7 + 1 };
        self.i28 = if self.i28 == 27 { 0 } else { self.i28 + 1 };
    }
}
