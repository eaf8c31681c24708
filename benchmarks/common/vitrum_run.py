"""Run vitrum on a shipped parameter file with overrides appended, under
mpirun, and read the run's time_series.csv or another table (shared by the
benchmark scripts that sweep one case over meshes, steps and solvers)."""
import csv
import os
import subprocess


def run_with_overrides(vitrum, base, overrides, directory, ranks, table="time_series.csv"):
    """Write <directory>/case.prm = base + overrides and run it on `ranks`
    MPI ranks. Returns (rows of <directory>/out/<table>, None), or
    (None, the last lines of stderr) if the run failed. The overrides must
    set Output/Directory to <directory>/out."""
    prm = os.path.join(directory, "case.prm")
    with open(base) as f, open(prm, "w") as out:
        out.write(f.read() + overrides)
    cmd = ["mpirun", "-np", str(ranks)]
    if os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    result = subprocess.run(cmd + [vitrum, prm], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        return None, f"failed: {' '.join(cmd)} {vitrum} {prm}\n{result.stderr[-2000:]}"
    with open(os.path.join(directory, "out", table)) as f:
        return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)], None
