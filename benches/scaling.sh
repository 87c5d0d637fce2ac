#!/usr/bin/env bash
# Throughput and peak memory of whole `periodize run` processes as athletes, days and threads
# vary (best wall time of 5 runs, process start to exit); prints a Markdown table.
# Usage: bash benches/scaling.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/periodize
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
best() { # scenario athletes threads -> "seconds max_rss_kb" (best wall time of 5 runs)
  local s=$1 n=$2 t=$3 best_s=999 rss=0 t0 t1 sec
  for _ in 1 2 3 4 5; do
    t0=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$tmp/rss" "$bin" run "$s" --out "$tmp/out" --athletes "$n" --threads "$t" 2>/dev/null
    t1=$EPOCHREALTIME
    sec=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b - a}')
    if awk "BEGIN{exit !($sec < $best_s)}"; then best_s=$sec; fi
    rss=$(cat "$tmp/rss")
  done
  echo "$best_s $rss"
}
row() { # label scenario athletes threads days (PERIODIZE_SIMD from the environment)
  read -r sec kb < <(best "$2" "$3" "$4")
  awk -v l="$1" -v n="$3" -v t="$4" -v d="$5" -v s="$sec" -v kb="$kb" \
    'BEGIN{printf "| %s | %d | %d | %d | %.4f | %.2e | %.0f |\n", l, n, d, t, s, n*d/s, kb/1024}'
}
echo "| job | athletes | days | threads | seconds | athlete-days/s | peak MiB |"
echo "|---|---|---|---|---|---|---|"
base=benches/scenarios/population-365.toml
noise=benches/scenarios/population-365-noise.toml
for n in 10000 100000 1000000 2000000; do row "no noise" $base $n 2 366; done
row "no noise" $base 2000000 1 366
for w in 13 26 104; do
  sed "s/^weeks = 52/weeks = $w/" $base > "$tmp/w$w.toml"
  row "no noise, $w weeks" "$tmp/w$w.toml" 2000000 2 $((w * 7 + 1))
done
row "load_cv + miss_rate" $noise 300000 2 366
row "load_cv + miss_rate" $noise 300000 1 366
row "load_cv + miss_rate" $noise 2000000 2 366
# The same jobs on the AVX2 form (what processors without AVX-512 run) and the portable build.
for simd in avx2 generic; do
  PERIODIZE_SIMD=$simd row "no noise, $simd" $base 2000000 2 366
  PERIODIZE_SIMD=$simd row "load_cv + miss_rate, $simd" $noise 2000000 2 366
done

# Every model and noise kind, 2M athletes x 366 days, 2 threads, with each job's throughput as
# a ratio of Banister's with the same noise (the issue-16 targets).
echo
echo "| model | noise | seconds | athlete-days/s | vs banister, same noise | peak MiB |"
echo "|---|---|---|---|---|---|"
declare -A banister_s
for model in banister busso pmc perpot fitness-delay; do
  if [ $model = banister ]; then s=$base; else s=benches/scenarios/model-$model.toml; fi
  for kind in none test_sd load; do
    f="$tmp/$model-$kind.toml"
    cp "$s" "$f"
    case $kind in
      test_sd) printf '\n[noise]\ntest_sd = 1.0\n' >> "$f" ;;
      load) printf '\n[noise]\nload_cv = 0.1\nmiss_rate = 0.05\n' >> "$f" ;;
    esac
    read -r sec kb < <(best "$f" 2000000 2)
    [ $model = banister ] && banister_s[$kind]=$sec
    label=$kind; [ $kind = load ] && label="load_cv + miss_rate"
    awk -v m=$model -v k="$label" -v s="$sec" -v b="${banister_s[$kind]}" -v kb="$kb" \
      'BEGIN{printf "| %s | %s | %.3f | %.2e | %.2f | %.0f |\n", m, k, s, 2000000*366/s, b/s, kb/1024}'
  done
done
