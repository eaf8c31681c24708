#!/usr/bin/env bash
# ./run.sh [file.prm]: install what is missing, build, and run vitrum on all
# cores. Without an argument it runs the default job
# (parameter_files/default.prm: the CrCoNi/TiZrNbHf laminate, 1 h at 623 K)
# and plots its results.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/setup.sh
vitrum_install_packages
vitrum_build

prm="${1:-parameter_files/default.prm}"
"${VITRUM_MPIRUN[@]}" build/vitrum "$prm"

outdir=$(build/vitrum --output-directory "$prm")
/usr/bin/python3 postprocess/plot.py "$outdir"
echo "vitrum: results in $outdir/ (fields.pvd for ParaView, CSV tables, PNG plots)"
