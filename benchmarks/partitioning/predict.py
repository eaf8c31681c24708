#!/usr/bin/python3
"""Predictions of the CrCoNi/TiZrNbHf laminate anneals, with uncertainty bands.

Every uncertain input of the material files is listed, with its range and
source, in benchmarks/partitioning/uncertain_inputs_<description>.csv
(description: assessed = the CALPHAD files, estimate = the Miedema ones;
columns: name,
file = thermo | kinetics, section (a/b for nested subsections), entry, field
of a comma-separated value, scale = log | linear, low, central, high,
source). The central value must be the one the material file holds. An
entry may name several entries of one subsection joined by "+" (e.g.
"Ti+Zr+Nb+Hf"): they are one input and move together.

For each anneal (T, hold time) the laminate is run as one 1D bilayer
(parameter_files/partitioning/laminate_1d.prm's case with cells of
0.125 nm, about 5-15 s) and
reports: glass and crystal mean compositions (at.%), the peak of each
element across the glass layer (the atom-probe view), and both layer
thicknesses. With --tx the crystallization model then gives the Tx (DSC
onset) at 20 K/min and at 100 K/s of the glass the anneal leaves, twice:
as a bulk glass (homogeneous nucleation, the case the kinetics file's
interface energy is fitted on: the as-deposited glass at 773 K) and as the
laminate's glass layer, which also nucleates on its two interfaces
(interface area 2 / glass thickness per volume); "none" when the scan
reaches 2000 K without crystallizing.

Bands: a Latin-hypercube ensemble over the input ranges (uniform in the
scale given, i.e. in log for prefactors), reported as the central run and
the 5-95 % range of the ensemble. The sensitivity table moves one input at a
time to its low and high end and lists, for each prediction, the inputs that
move it most. With --refit (assessed description) every sample and every
sensitivity run first refits the two fitted inputs of fit_assessed.py
(interface mobility, glass D0 of Ni and Co) to the 623 K / 1 h data; a
sample that cannot meet all three data within their +- is left out of the
bands and named (the data exclude its inputs); the sensitivity runs of the
two fitted inputs move them across their fitted band without a refit.

  predict.py                         central run of every anneal
  predict.py --samples 32 --tx       bands (and Tx)
  predict.py --samples 32 --tx --sensitivity --refit --markdown FILE
                                     the README's tables, about 2 h on 2 cores
  predict.py --sensitivity           one-at-a-time table
  predict.py --anneals 623:1h        only some anneals (T in K : hold)
  predict.py --keep DIR              keep the central runs' outputs
  predict.py --markdown FILE         also write the tables as Markdown
"""
import argparse
import concurrent.futures
import csv
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "benchmarks", "common"))
import prm_text  # noqa: E402

MATERIALS = os.path.join(SOURCE, "parameter_files", "materials")
DESCRIPTIONS = {
    # the assessed CALPHAD description (CrCoNi-TiZrNbHf.tdb)
    "assessed": {"thermo": "CrCoNi-TiZrNbHf-assessed.prm",
                 "kinetics": "TiZrNbHf-glass-kinetics-assessed.prm"},
    # the estimate-based one (Miedema, Turnbull), three fitted parameters
    "estimate": {"thermo": "CrCoNi-TiZrNbHf.prm",
                 "kinetics": "TiZrNbHf-glass-kinetics.prm"},
}
FILES = dict(DESCRIPTIONS["assessed"])
RUN_TIMEOUT = 900  # s; a run that takes longer is reported as failed
ELEMENTS = ("Co", "Ni", "Ti", "Zr", "Nb", "Hf", "Cr")
ANNEALS = ("623:1h", "773:1h", "873:1h", "973:1h", "623:24h")
# Cells of 0.5 nm / 2^level. Level 2 (0.125 nm) resolves the composition
# fields of the assessed description: level 3 changes the 623 K / 1 h
# numbers by 0.03 nm and 0.3 at.%; level 1 (0.25 nm) by up to 0.3 nm.
REFINEMENT = 2
AS_DEPOSITED_GLASS = {"Ti": 21.9, "Zr": 22.0, "Nb": 20.6, "Hf": 22.5, "Cr": 3.0, "Co": 2.5,
                      "Ni": 7.5}
TX_RATES = (20.0, 6000.0)  # K/min; 6000 K/min = 100 K/s
DSC_END = 2000.0  # K; a glass not crystallized by then: Tx "none"

PARTITIONING_PRM = """set Model     = partitioning
set Dimension = 1
subsection Partitioning
  set Material file = {material}
end
subsection Laminate
  set Bilayers          = 1
  set Crystal thickness = 18
  set Glass thickness   = 12
end
subsection Temperature
  set Schedule = {temperature} K; hold {hold_spaced}
end
subsection Mesh
  set Coarse cells = 60
  set Maximum refinement level = {refinement}
  set Refine threshold  = 0.02
  set Coarsen threshold = 0.005
end
subsection Time stepping
  set End time          = {end_time}
  set Initial time step = 1e-3
  set Error tolerance   = 1e-3
end
subsection Output
  set Directory    = {output}
  set Progress every = 0
  set Output times = {end_time}
end
"""

CRYSTALLIZATION_PRM = """set Model = crystallization
set Dimension = 3
subsection Temperature
  set Schedule = 300 K
end
subsection Crystallization
  set Kinetics file = {kinetics}
  set Glass composition = {composition}
  set Interface area per volume = {area}
  set DSC heating rates = {rates}
  set Report heating rate = {rate}
  set DSC start temperature = 300
  set DSC end temperature = {dsc_end}
  set TTT temperatures = 600, 1000, 2
  set CHT heating rates = 1, 10, 2
end
subsection Output
  set Directory = {output}
end
"""


def seconds(hold):
    units = {"s": 1, "min": 60, "h": 3600}
    for unit in sorted(units, key=len, reverse=True):
        if hold.endswith(unit):
            return float(hold[: -len(unit)]) * units[unit]
    return float(hold)


def read_inputs(path):
    with open(path) as f:
        rows = [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]
    for r in rows:
        for key in ("low", "central", "high"):
            r[key] = float(r[key])
        r["field"] = int(r["field"])
        r["path"] = tuple(s.strip() for s in r["section"].split("/") if s.strip())
        r["entries"] = [e.strip() for e in r["entry"].split("+")]
    return rows


def material_texts():
    texts = {}
    for key, name in FILES.items():
        with open(os.path.join(MATERIALS, name)) as f:
            texts[key] = f.read()
    return texts


def check_central(inputs, texts):
    """The table's central values must be the files' values."""
    for r in inputs:
        for entry in r["entries"]:
            value = prm_text.get_field(texts[r["file"]], r["path"], entry, r["field"])
            if abs(value - r["central"]) > 1e-9 * max(1.0, abs(value)):
                sys.exit("uncertain_inputs.csv: %s has central %g, but %s holds %g (%s)"
                         % (r["name"], r["central"], FILES[r["file"]], value, entry))


def with_values(texts, inputs, values):
    """Material texts with input i set to values[i]."""
    out = dict(texts)
    for r, v in zip(inputs, values):
        for entry in r["entries"]:
            out[r["file"]] = prm_text.set_field(out[r["file"]], r["path"], entry, r["field"], v)
    return out


def write_materials(texts, folder):
    """Write the material files (and what they read beside them) to folder."""
    for name in os.listdir(MATERIALS):
        if not name.endswith(".prm"):
            shutil.copy(os.path.join(MATERIALS, name), folder)
    paths = {}
    for key, name in FILES.items():
        paths[key] = os.path.join(folder, name)
        with open(paths[key], "w") as f:
            f.write(texts[key])
    return paths


def glass_peaks(output):
    """Peak at.% of each element across the glass (phi < 1/2) of the last profile."""
    last = sorted(glob.glob(os.path.join(output, "profiles", "profile_*.csv")))[-1]
    with open(last) as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    glass = [r for r in rows if float(r["phi_fraction"]) < 0.5]
    if not glass:  # the crystal took the whole layer
        return {e: float("nan") for e in ELEMENTS}
    return {e: max(float(r[e + "_at%"]) for r in glass) for e in ELEMENTS}


def run_vitrum(vitrum, prm_text_, folder, name):
    prm = os.path.join(folder, name + ".prm")
    with open(prm, "w") as f:
        f.write(prm_text_)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    try:
        result = subprocess.run([vitrum, prm], capture_output=True, text=True, env=env,
                                timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "did not finish within %d s" % RUN_TIMEOUT
    if result.returncode != 0:
        return result.stdout[-2000:] + result.stderr[-2000:]
    return None


def tx_of(vitrum, paths, folder, composition, area=0.0):
    """DSC onset (K) at each of TX_RATES for a glass composition (at.%);
    area: crystal/glass interface area per glass volume (1/nm) for
    heterogeneous nucleation, 0 for a bulk glass."""
    text = ", ".join("%s: %.4f" % (e, composition[e]) for e in ELEMENTS)
    out = os.path.join(folder, "tx")
    failure = run_vitrum(vitrum, CRYSTALLIZATION_PRM.format(
        kinetics=paths["kinetics"], composition=text, area="%.6g" % area,
        rates=", ".join("%g" % r for r in TX_RATES), rate="%g" % TX_RATES[-1], dsc_end=DSC_END,
        output=out), folder, "tx")
    if failure:
        raise RuntimeError("crystallization run failed:\n" + failure)
    with open(os.path.join(out, "kissinger.csv")) as f:
        onset = {float(r["heating_rate_K_per_min"]): float(r["onset_K"])
                 for r in csv.DictReader(f)}
    # No onset: the glass stays amorphous up to the scan's end: Tx = inf,
    # "none".
    return [onset.get(rate, float("nan")) if onset.get(rate, 0) == onset.get(rate, 0)
            else float("inf") for rate in TX_RATES]


def normalised(composition):
    total = sum(composition.values())
    return {e: 100.0 * v / total for e, v in composition.items()}


def anneal(vitrum, texts, temperature, hold, with_tx, keep=None):
    """All predicted numbers of one anneal with one set of inputs; keep: a
    folder to copy the run's output into."""
    with tempfile.TemporaryDirectory() as folder:
        paths = write_materials(texts, folder)
        out = os.path.join(folder, "out")
        failure = run_vitrum(vitrum, PARTITIONING_PRM.format(
            material=paths["thermo"], temperature=temperature,
            hold_spaced="%g s" % seconds(hold), refinement=REFINEMENT,
            end_time="%g" % seconds(hold), output=out), folder, "anneal")
        if failure:
            raise RuntimeError("partitioning run failed:\n" + failure)
        with open(os.path.join(out, "phases.csv")) as f:
            last = list(csv.DictReader(f))[-1]
        result = {"crystal_nm": float(last["crystal_thickness_nm"]),
                  "glass_nm": float(last["glass_thickness_nm"])}
        glass = {e: float(last["glass_" + e + "_at%"]) for e in ELEMENTS}
        for e in ELEMENTS:
            result["glass_" + e] = glass[e]
            result["crystal_" + e] = float(last["crystal_" + e + "_at%"])
        for e, v in glass_peaks(out).items():
            result["glass_peak_" + e] = v
        if keep:
            shutil.copytree(out, keep, dirs_exist_ok=True)
        if with_tx:
            add_tx(result, vitrum, paths, folder, normalised(glass), result["glass_nm"])
        return result


def add_tx(result, vitrum, paths, folder, glass, glass_nm):
    """Tx of the glass as a bulk glass (homogeneous nucleation: the
    calibration's case) and as the laminate's glass layer, nucleating also
    on its two interfaces (area 2 / thickness per volume)."""
    for key, area in (("Tx", 0.0), ("Tx_layer", 2.0 / glass_nm)):
        for rate, value in zip(TX_RATES, tx_of(vitrum, paths, folder, glass, area)):
            result["%s_%gKmin" % (key, rate)] = value


def read_results(path):
    """{(run, T, hold): {quantity: value}} of a --csv file."""
    results = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            key = (row.pop("run"), float(row.pop("T_K")), row.pop("hold"))
            results[key] = {k: float(v) for k, v in row.items() if v != ""}
    return results


def refit_names():
    import fit_assessed
    return [p[0] for p in fit_assessed.PARAMETERS]


def refit_variants(vitrum, texts, inputs, variants, workers):
    """Each variant (name, texts[, keep_fitted]) with the fitted inputs of
    fit_assessed.py refitted to its 623 K / 1 h data, by Gauss-Newton steps
    in log10 of the parameters with the Jacobian of the central inputs (the
    thickness follows m0 and glass Ni, Co the glass D0, nearly separately).
    A variant whose best refit misses a datum by more than its +- is
    dropped. Returns (variants, names dropped, {name: fitted values})."""
    import numpy as np
    import fit_assessed as fit
    data = [fit.DATA[q] for q in fit.DATA]

    def run_623(p, base):
        result = anneal(vitrum, fit.with_parameters(base, [10 ** v for v in p]), 623.0, "1h",
                        False)
        return np.array([(result[q] - d) / e for q, (d, e) in zip(fit.DATA, data)])

    start = np.log10([prm_text.get_field(texts["thermo"], path, entries[0], 0)
                      for _, path, entries, _ in fit.PARAMETERS])
    bounds = np.log10([fit.BOUNDS[name] for name, _, _, _ in fit.PARAMETERS])
    h = 0.1
    r0 = run_623(start, texts)
    J = np.array([(run_623(start + h * np.eye(2)[k], texts) - r0) / h for k in range(2)]).T
    print("refit: Jacobian (data per decade, in units of the +-):\n%s" % J, flush=True)

    def refit(variant):
        name, base = variant[0], variant[1]
        if name == "central" or (len(variant) > 2 and variant[2]):
            return name, base, None
        p, best = start.copy(), None
        for _ in range(6):
            try:
                r = run_623(p, base)
            except RuntimeError:
                break
            print("    %s at log10 %s: misfit %s" % (name, np.round(p, 3), np.round(r, 2)),
                  flush=True)
            if best is None or r @ r < best[1] @ best[1]:
                best = (p.copy(), r)
            step = -np.linalg.solve(J.T @ J, J.T @ r)
            new = np.clip(p + step, bounds[:, 0], bounds[:, 1])
            if np.max(np.abs(new - p)) < 0.01:
                break
            p = new
        if best is None:
            return name, None, None
        values = [10 ** v for v in best[0]]
        print("  refit %s: %s; misfit %s" % (name, ", ".join("%.3g" % v for v in values),
                                             ", ".join("%+.2f" % v for v in best[1])), flush=True)
        info = dict({"fit_" + n.replace(" ", "_"): v
                     for (n, _, _, _), v in zip(fit.PARAMETERS, values)},
                    accepted=float(np.all(np.abs(best[1]) <= 1)))
        if not np.all(np.abs(best[1]) <= 1):
            return name, None, info
        return name, fit.with_parameters(base, values), info

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(refit, variants))
    kept = [(name, t) for name, t, _ in done if t is not None]
    dropped = [name for name, t, _ in done if t is None]
    return kept, dropped, {name: info for name, _, info in done if info}


def latin_hypercube(inputs, n, rng):
    """n input vectors, each input stratified into n equal-probability bins."""
    columns = []
    for r in inputs:
        bins = list(range(n))
        rng.shuffle(bins)
        column = []
        for b in bins:
            u = (b + rng.random()) / n
            if r["scale"] == "log":
                lo, hi = r["low"], r["high"]
                column.append(lo * (hi / lo) ** u)
            else:
                column.append(r["low"] + u * (r["high"] - r["low"]))
        columns.append(column)
    return [list(v) for v in zip(*columns)]


def percentile(values, q):
    values = sorted(v for v in values if v == v)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    if values[hi] == float("inf"):  # "none" (no Tx) counts as above all
        return values[lo] if k == lo else float("inf")
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_many(vitrum, jobs, workers, keep=None):
    """jobs: list of (key, texts, T, hold, with_tx) -> {key: result or None};
    keep: a folder for the central runs' outputs (<T>K_<hold>)."""
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(anneal, vitrum, texts, T, hold, tx,
                               os.path.join(keep, "%gK_%s" % (T, hold))
                               if keep and key[0] == "central" else None): key
                   for key, texts, T, hold, tx in jobs}
        for future in concurrent.futures.as_completed(futures):
            key = futures[future]
            try:
                results[key] = future.result()
                r = results[key]
                print("  done %s: glass Ni %.2f (peak %.2f), Co %.2f, crystal %.2f nm"
                      % (key, r["glass_Ni"], r["glass_peak_Ni"], r["glass_Co"],
                         r["crystal_nm"]), flush=True)
            except (RuntimeError, ValueError, OSError) as error:
                print("  %s: %s" % (key, str(error).splitlines()[-1]), flush=True)
                results[key] = None
    return results


REPORTED = (["glass_" + e for e in ELEMENTS] + ["glass_peak_" + e for e in ELEMENTS]
            + ["crystal_" + e for e in ELEMENTS] + ["crystal_nm", "glass_nm"])


def label(q):
    """README wording of a reported quantity."""
    if q.startswith("glass_peak_"):
        return "glass %s peak (at.%%)" % q[11:]
    if q.startswith("Tx_"):
        return "Tx%s at %s (K)" % (", layer" if "layer" in q else ", bulk",
                                   "20 K/min" if q.endswith("_20Kmin") else "100 K/s")
    if q.endswith("_nm"):
        return "%s layer (nm)" % q[:-3]
    phase, element = q.split("_")
    return "%s %s mean (at.%%)" % (phase, element)


def anneal_name(T, hold):
    return "as deposited" if T == 0 else "%g K, %s" % (T, hold)


def tables(anneals, reported, results, samples, inputs, sensitivity):
    """{anneal: {q: (central, low, high)}} and {anneal: {q: [(|d|, d, input)] sorted}}."""
    bands, moves = {}, {}
    for T, hold in anneals:
        c = results.get(("central", T, hold))
        bands[(T, hold)] = {}
        moves[(T, hold)] = {}
        for q in reported:
            value = c.get(q, float("nan")) if c else float("nan")
            ens = [results[("sample%d" % s, T, hold)].get(q, float("nan"))
                   for s in range(len(samples)) if results.get(("sample%d" % s, T, hold))]
            bands[(T, hold)][q] = (value, percentile(ens, 0.05), percentile(ens, 0.95), len(ens))
            if sensitivity:
                m = []
                for r in inputs:
                    lo = results.get((r["name"] + ":low", T, hold))
                    hi = results.get((r["name"] + ":high", T, hold))
                    if lo and hi and q in lo and q in hi:
                        # Tx "none" (inf) at both ends: no change
                        d = 0.0 if lo[q] == hi[q] else hi[q] - lo[q]
                        m.append((abs(d) if d == d else float("inf"), d, r["name"]))
                moves[(T, hold)][q] = sorted(m, reverse=True)
    return bands, moves


def number(q, value):
    if value == float("inf"):
        return "none"
    if value != value:
        return "–"
    return "%.0f" % value if q.startswith("Tx") else "%.1f" % value


def move(q, name, d):
    if abs(d) == float("inf"):
        return "%s: none at its %s end" % (name, "high" if d > 0 else "low")
    return "%s %+.1f" % (name, d) if "Tx" not in q else "%s %+.0f" % (name, d)


def write_markdown(path, anneals, reported, bands, moves, n_samples, failures, rejected):
    columns = [a for a in anneals]
    with open(path, "w") as f:
        if rejected is not None:
            f.write("Every run refitted (interface mobility, glass D0 of Ni and Co) to the "
                    "623 K / 1 h data; %d of %d samples meet all three data within their +- "
                    "and make the bands; not: %s\n\n"
                    % (n_samples - len([r for r in rejected if r.startswith("sample")]),
                       n_samples, ", ".join(rejected) or "none"))
        accepted = n_samples - len([r for r in rejected or [] if r.startswith("sample")])
        f.write("Predictions: central run [5 %%, 95 %%] of %d ensemble runs (Tx \"none\": "
                "no crystallization before the scan's end, %g K)\n\n" % (accepted, DSC_END))
        f.write("| | " + " | ".join(anneal_name(*a) for a in columns) + " |\n")
        f.write("|---|" + "---|" * len(columns) + "\n")
        for q in reported:
            cells = []
            for a in columns:
                value, lo, hi, n = bands[a].get(q, (float("nan"),) * 3 + (0,))
                if value != value and lo != lo:
                    cells.append("")
                elif n and a[0] != 0:
                    cells.append("%s [%s, %s]" % (number(q, value), number(q, lo),
                                                  number(q, hi)))
                else:
                    cells.append(number(q, value))
            f.write("| %s | %s |\n" % (label(q), " | ".join(cells)))
        if failures:
            f.write("\nRuns that failed: %s\n" % ", ".join(failures))
        if any(moves[a] for a in columns):
            f.write("\nOne at a time, each input from its low to its high end: the input "
                    "that moves each prediction most (change), then the second\n\n")
            f.write("| | " + " | ".join(anneal_name(*a) for a in columns if a[0]) + " |\n")
            f.write("|---|" + "---|" * len([a for a in columns if a[0]]) + "\n")
            for q in reported:
                cells = []
                for a in columns:
                    if not a[0]:
                        continue
                    m = [i for i in moves[a].get(q, []) if i[1] != 0]
                    cells.append("; ".join(move(q, name, d) for _, d, name in m[:2])
                                 or "no change")
                f.write("| %s | %s |\n" % (label(q), " | ".join(cells)))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vitrum", default=os.path.join(SOURCE, "build", "vitrum"))
    parser.add_argument("--anneals", default=",".join(ANNEALS))
    parser.add_argument("--samples", type=int, default=0, help="ensemble size (0: central only)")
    parser.add_argument("--sensitivity", action="store_true")
    parser.add_argument("--tx", action="store_true", help="also Tx of each annealed glass")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--csv", help="write every run's numbers to this CSV")
    parser.add_argument("--keep", help="keep the central runs' outputs in this folder (<T>K_<hold>)")
    parser.add_argument("--markdown", help="write the tables (bands, sensitivity) to this file")
    parser.add_argument("--refit", action="store_true",
                        help="refit the fitted inputs (fit_assessed.py) of every sample and "
                        "sensitivity run to the 623 K / 1 h data; bands of the samples "
                        "that then meet the data")
    parser.add_argument("--from-csv", help="no runs: the tables from the --csv file of an "
                        "earlier run with the same options (missing samples: not accepted)")
    parser.add_argument("--description", choices=sorted(DESCRIPTIONS), default="assessed",
                        help="which material files (default: %(default)s)")
    args = parser.parse_args()

    FILES.clear()
    FILES.update(DESCRIPTIONS[args.description])
    inputs = read_inputs(os.path.join(HERE, "uncertain_inputs_%s.csv" % args.description))
    texts = material_texts()
    check_central(inputs, texts)
    anneals = [(float(a.split(":")[0]), a.split(":")[1]) for a in args.anneals.split(",")]
    central = [r["central"] for r in inputs]

    samples = latin_hypercube(inputs, args.samples, random.Random(args.seed)) if args.samples else []
    variants = [("central", texts)]
    variants += [("sample%d" % s, with_values(texts, inputs, values))
                 for s, values in enumerate(samples)]
    fitted = refit_names() if args.refit else []
    if args.sensitivity:
        for i, r in enumerate(inputs):
            for end in ("low", "high"):
                values = list(central)
                values[i] = r[end]
                variants.append((r["name"] + ":" + end, with_values(texts, inputs, values),
                                 r["name"] in fitted))
    rejected, refits = [], {}
    if args.from_csv:
        results = read_results(args.from_csv)
        names = {name for name, _, _ in results}
        rejected = [v[0] for v in variants if v[0] not in names]
    else:
        if args.refit:
            variants, rejected, refits = refit_variants(args.vitrum, texts, inputs, variants,
                                                        args.workers)
        jobs = [((v[0], T, hold), v[1], T, hold, args.tx)
                for v in variants for T, hold in anneals]
        print("%d runs on %d workers" % (len(jobs), args.workers), flush=True)
        results = run_many(args.vitrum, jobs, args.workers, args.keep)
        for (name, T, hold), r in results.items():
            if r and name in refits:
                r.update(refits[name])

    if args.csv and not args.from_csv:
        keys = sorted({k for r in results.values() if r for k in r})
        with open(args.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["run", "T_K", "hold"] + keys)
            for (name, T, hold), r in sorted(results.items(), key=lambda i: str(i[0])):
                if r:
                    w.writerow([name, T, hold] + [r.get(k, "") for k in keys])

    reported = REPORTED + (["%s_%gKmin" % (k, r) for k in ("Tx", "Tx_layer") for r in TX_RATES]
                           if args.tx else [])
    failures = ["%s %s" % (k[0], anneal_name(k[1], k[2])) for k, r in sorted(
        results.items(), key=lambda i: str(i[0])) if r is None]
    if args.tx:
        # The as-deposited glass: the kinetics file's calibration point.
        deposited = {"glass_" + e: v for e, v in AS_DEPOSITED_GLASS.items()}
        with tempfile.TemporaryDirectory() as folder:
            add_tx(deposited, args.vitrum, write_materials(texts, folder), folder,
                   AS_DEPOSITED_GLASS, 12.0)
        results[("central", 0, "")] = deposited
        anneals = [(0, "")] + anneals
    bands, moves = tables(anneals, reported, results, samples, inputs, args.sensitivity)
    for a in anneals:
        print("\n%s   (central [5 %%, 95 %%] of %d samples)" % (anneal_name(*a), len(samples)))
        for q in reported:
            value, lo, hi, n = bands[a][q]
            if value != value and not n:
                continue
            line = "  %-16s %9.2f" % (q, value)
            if samples and a[0]:
                line += "  [%8.2f, %8.2f]  (%d runs)" % (lo, hi, n)
            print(line)
        if args.sensitivity and a[0]:
            print("  most sensitive input of each (change low -> high end):")
            for q in reported:
                if moves[a][q]:
                    _, signed, name = moves[a][q][0]
                    print("    %-16s %-34s %+8.2f" % (q, name, signed))
    if failures:
        print("\nruns that failed: " + ", ".join(failures))
    if args.refit:
        print("\nrefitted to the 623 K / 1 h data: %d of %d samples meet all three within "
              "their +-; not: %s" % (len(samples) - len([r for r in rejected
                                                         if r.startswith("sample")]),
                                     len(samples), ", ".join(rejected) or "none"))
    if args.markdown:
        write_markdown(args.markdown, anneals, reported, bands, moves, len(samples), failures,
                       rejected if args.refit else None)
        print("wrote", args.markdown)

if __name__ == "__main__":
    main()
