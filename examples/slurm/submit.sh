#!/bin/bash
# Submit a sharded periodize run as a Slurm job array and its merge as a job that starts when
# every task has succeeded.
#   examples/slurm/submit.sh SCENARIO SHARDS PARTS OUT [run options...]
# e.g. examples/slurm/submit.sh scenarios/busso-spacing.toml 8 $SCRATCH/parts $HOME/results --athletes 10000000
set -euo pipefail
if [ $# -lt 4 ]; then
    echo "usage: $0 SCENARIO SHARDS PARTS OUT [run options...]" >&2
    exit 2
fi
scenario=$(realpath "$1"); shards=$2; parts=$3; out=$4; shift 4
here=$(dirname "$(realpath "$0")")
export SCENARIO="$scenario" PARTS="$parts" OUT="$out" PERIODIZE_ARGS="$*"
job=$(sbatch --parsable --array="1-$shards" --export=ALL "$here/shards.sbatch")
sbatch --parsable --dependency="afterok:${job%%;*}" --export=ALL "$here/merge.sbatch"
