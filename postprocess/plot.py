#!/usr/bin/python3
"""Draw every figure of a vitrum output folder: one command for any model.

  /usr/bin/python3 postprocess/plot.py OUTPUT_DIRECTORY [--check]

The folder's parameters.prm says which model wrote it (for the folders of
benchmarks/nanomolding/study.py and benchmarks/deposition/study.py, their
CSV files do); every figure that
model's outputs allow is written into the folder and its path printed:

  cahn hilliard            free_energy.png (F, dt, mass)
  partitioning             free_energy.png, profiles.png, phase_compositions.png
  crystallization          crystallization.png, dsc.png, ttt.png
    (phase field)          free_energy.png (crystal fraction), layers.png
  nanomolding  filling     free_energy.png, L_vs_t.png, wire_composition.png,
               (array      wire_crystallization.png (with a kinetics file);
               filling)    an array's pores side by side
               mms         mms_convergence.png
               stokes      stokes_run.png
  study.py sweep / map     L_vs_d.png / dc_vs_T.png
  deposition               free_energy.png, profile.png, layers.png
  deposition study.py      study.png (benchmarks/deposition/study.py folder)

A panel without data says why on the figure and in one line here. --check
refuses to write a figure with an empty panel that does not say why, and
exits non-zero if any plot fails (the test suite runs it on every shipped
example).
"""
import argparse
import csv
import glob
import os
import runpy
import sys
import textwrap
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from crystallization_tables import read_table  # noqa: E402
import plot_deposition as pd  # noqa: E402
import plot_nanomolding as pn  # noqa: E402


def read_prm(directory):
    """The `set` entries of DIR/parameters.prm as {"Sub/Key": value} ({} if none)."""
    path = os.path.join(directory, "parameters.prm")
    return pn.read_prm_entries(path) if os.path.exists(path) else {}


def read_csv(path):
    """{column: [float]} of a CSV file ({} when it has no rows)."""
    table = read_table(os.path.dirname(path), os.path.basename(path))
    return {k: list(v) for k, v in table.items()} if any(len(v) for v in table.values()) else {}


def run_script(name, *argv):
    """Run postprocess/<name> as its command line would, in this process
    (so the figure guard sees its figures)."""
    saved = sys.argv
    sys.argv = [name, *argv]
    try:
        runpy.run_path(os.path.join(HERE, name), run_name="__main__")
    except SystemExit as e:
        if e.code not in (None, 0):
            raise RuntimeError(f"{name} {' '.join(argv)}: {e.code}")
    finally:
        sys.argv = saved
        plt.close("all")


def say_empty(ax, reason):
    """Write why a panel is empty on it and on the terminal."""
    ax.text(0.5, 0.5, reason, transform=ax.transAxes, ha="center", va="center",
            fontsize=9, wrap=True)
    print(f"  empty panel: {reason}")


def conditions(prm):
    """T, p, t, d of a run as one line, from its parameters.prm."""
    parts = []
    for key, label in (("Temperature/Schedule", "T"), ("Nanomolding/Pressure", "p"),
                       ("Time stepping/End time", "t_end"), ("Nanomolding/Pore diameter", "d")):
        value = prm.get(key, "").strip()
        if value and not (label == "t_end" and prm.get("Model") == "crystallization"
                          and prm.get("Crystallization/Mode") != "phase field"):
            unit = {"t_end": " s", "d": " nm"}.get(label, "") if value[-1].isdigit() else ""
            if label == "d" and prm.get("Nanomolding/Study") == "array filling":
                label = "mesh unit"  # the pores' own sizes are in pores.csv
            parts.append(f"{label} = {value}{unit}")
    return ", ".join(parts)


def title_every_figure_with(line):
    """Add the run's conditions under each figure's title as it is saved."""
    from matplotlib.figure import Figure
    inner = Figure.savefig

    def savefig(self, *args, **kwargs):
        if line and not getattr(self, "_vitrum_titled", False):
            self._vitrum_titled = True
            old = self._suptitle.get_text() if self._suptitle else ""
            wrapped = textwrap.fill(line, width=int(self.get_figwidth() * 13))
            self.suptitle((old + "\n" if old else "") + wrapped, fontsize=9)
            self.tight_layout()
        return inner(self, *args, **kwargs)
    Figure.savefig = savefig


def save(fig, directory, name):
    path = os.path.join(directory, name)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    print(path)


# --- figures drawn here (the other scripts draw the rest) ---------------------

def plot_layers(directory):
    """Amorphous fraction of each glass layer and where nuclei were born."""
    layers = read_csv(os.path.join(directory, "layers.csv"))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.5, 6.5))
    if layers:
        t = layers["time_s"]
        for key in sorted(k for k in layers if k.endswith("_amorphous_fraction")):
            number = key.split("_")[1]
            top.plot(t, layers[key], label="glass layer " + number)
        top.set_xscale("symlog", linthresh=max(t[-1] * 1e-3, 1e-9) if t[-1] > 0 else 1)
        top.legend(fontsize=8)
    else:
        say_empty(top, "no rows in layers.csv: the run stopped before its first step")
    top.set_xlabel("time (s)")
    top.set_ylabel("amorphous fraction of the layer")
    top.set_ylim(-0.02, 1.02)
    nuclei_path = os.path.join(directory, "nuclei.csv")
    nuclei = read_csv(nuclei_path) if os.path.exists(nuclei_path) else {}
    if nuclei:
        x, y = nuclei["x_nm"], nuclei["y_nm"]
        site = nuclei.get("site", [0] * len(x))
        for s, label in ((0, "in the glass"), (1, "at an interface")):
            pick = [i for i, v in enumerate(site) if int(v) == s]
            if pick:
                bottom.plot([x[i] for i in pick], [y[i] for i in pick], "o", ms=4, label=label)
        bottom.legend(fontsize=8)
    else:
        say_empty(bottom, "no nuclei were born in this run (nuclei.csv is empty)")
    bottom.set_xlabel("x (nm)")
    bottom.set_ylabel("y (nm)")
    bottom.set_title("where crystals nucleated")
    save(fig, directory, "layers.png")


def plot_mms(directory):
    table = read_csv(os.path.join(directory, "mms_convergence.csv"))
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    h = table["h_nondim"]
    for key, label, order in (("velocity_L2", "velocity, L2", 3), ("pressure_L2", "pressure, L2", 2)):
        e = table[key + "_nondim"]
        ax.loglog(h, e, "o-", label=label)
        ax.loglog(h, [e[-1] * (v / h[-1]) ** order for v in h], "k:", lw=1)
    ax.set_xlabel("h (mesh size)")
    ax.set_ylabel("error against the manufactured solution")
    ax.set_title("Taylor-Hood Stokes: orders 3 (velocity) and 2 (pressure) dotted")
    ax.legend(fontsize=8)
    save(fig, directory, "mms_convergence.png")


def plot_stokes_run(directory, prm):
    table = read_csv(os.path.join(directory, "stokes_run.csv"))
    fig, ax = plt.subplots(figsize=(6, 3.5))
    labels = [k for k in table if k != "flux_m3_per_s"]
    ax.barh(labels, [table[k][-1] for k in labels])
    ax.set_xscale("log")
    flux = table["flux_m3_per_s"][-1]
    ax.set_title(f"one Stokes solve: flux {flux:.3g} m^3/s at "
                 f"{prm.get('Nanomolding/Pressure', '?')}, {prm.get('Temperature/Schedule', '?')}",
                 fontsize=9)
    save(fig, directory, "stokes_run.png")


# --- dispatch ----------------------------------------------------------------

def model_of(directory, prm):
    if "Model" in prm:
        model = prm["Model"]
        if model == "crystallization" and prm.get("Crystallization/Mode") == "phase field":
            return "crystallization field"
        if model == "nanomolding":
            return "nanomolding " + prm.get("Nanomolding/Study", "filling")
        return model
    if os.path.exists(os.path.join(directory, "sweep.csv")):
        return "nanomolding sweep"
    if os.path.exists(os.path.join(directory, "mechanism_map.csv")):
        return "nanomolding map"
    if os.path.exists(os.path.join(directory, "study.csv")):
        return "deposition study"
    raise RuntimeError(f"{directory}: no parameters.prm and no study table: "
                       "not a vitrum output folder")


def nanomolding_plots(directory, prm):
    d_nm = float(prm.get("Nanomolding/Pore diameter", "nan").split()[0])
    yield lambda: print(pn.plot_length_vs_time(os.path.join(directory, "time_series.csv"), d_nm,
                                               pore_labels(directory)))
    # one wire, or one per pore of an array (wire_composition_pore<i>.csv)
    wires = sorted(glob.glob(os.path.join(directory, "wire_composition*.csv")))
    if not wires:
        return
    if len(wires) == 1:
        labels = [f"d = {d_nm:g} nm"]
    else:
        by_pore = pore_labels(directory)
        numbers = [int(os.path.basename(w)[len("wire_composition_pore"):-len(".csv")]) for w in wires]
        labels = [by_pore.get(i, f"pore {i}") for i in numbers]
    # The share of the first element against the second, as the atom-probe
    # view of the Ni glass shows Ni/(Ni+Pd).
    a, b = element_columns(wires[0])[:2]
    yield lambda: print(pn.plot_wires([f"{w}:{n}" for w, n in zip(wires, labels)], a=a, b=b,
                                      out=os.path.join(directory, "wire_composition.png")))
    crystallization = [w.replace("wire_composition", "wire_crystallization") for w in wires]
    if all(os.path.exists(c) for c in crystallization):
        yield lambda: print(pn.plot_wire_crystallization(
            [f"{c}:{n}" for c, n in zip(crystallization, labels)], a=a, b=b,
            out=os.path.join(directory, "wire_crystallization.png")))


def pore_labels(directory):
    """{i: 'pore i, d = X nm'} of an array run's pores (pores.csv, written
    at the end of the run), else {}."""
    path = os.path.join(directory, "pores.csv")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {int(float(r["pore"])): f"pore {int(float(r['pore']))}, d = {float(r['diameter_nm']):g} nm"
                for r in csv.DictReader(f)}


def element_columns(path):
    """The element columns of a wire table (capitalised chemical symbols)."""
    with open(path) as f:
        header = f.readline().strip().split(",")
    names = [h.split("_")[0] for h in header]
    return [n for n in names if n[:1].isupper() and len(n) <= 2 and n.isalpha()]


def plots(directory):
    """The plotting calls for the folder's model, in order."""
    prm = read_prm(directory)
    model = model_of(directory, prm)
    print(f"{directory}: {model}")
    has = lambda name: os.path.exists(os.path.join(directory, name))  # noqa: E731
    if has("time_series.csv") and model not in ("nanomolding filling",
                                                "nanomolding array filling"):
        yield lambda: run_script("plot_time_series.py", directory)
    if model == "partitioning":
        yield lambda: run_script("plot_profiles.py", directory)
        yield lambda: run_script("plot_phase_compositions.py", directory)
    elif model == "crystallization":
        yield lambda: run_script("plot_crystallization.py", directory)
        yield lambda: run_script("plot_dsc.py", directory)
        yield lambda: run_script("plot_ttt.py", directory)
    elif model == "crystallization field":
        yield lambda: plot_layers(directory)
    elif model in ("nanomolding filling", "nanomolding array filling"):
        yield lambda: run_script("plot_time_series.py", directory)
        yield from nanomolding_plots(directory, prm)
    elif model == "nanomolding mms":
        yield lambda: plot_mms(directory)
    elif model == "nanomolding stokes":
        yield lambda: plot_stokes_run(directory, prm)
    elif model == "nanomolding sweep":
        yield lambda: print(pn.plot_length_vs_diameter(os.path.join(directory, "sweep.csv")))
    elif model == "nanomolding map":
        yield lambda: print(pn.plot_mechanism_map(os.path.join(directory, "mechanism_map.csv")))
    elif model == "deposition":
        if has("profile.csv"):
            yield lambda: print(pd.plot_profile(directory, prm))
        else:
            print("  no profile.png: profile.csv is written when the run finishes")
        if has("layers.csv"):
            yield lambda: print(pd.plot_layers(directory, prm))
    elif model == "deposition study":
        yield lambda: print(pd.plot_study(directory))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", help="output folder of a vitrum run or study")
    parser.add_argument("--check", action="store_true",
                        help="fail on any empty panel that does not say why")
    args = parser.parse_args()
    if args.check:
        import figure_guard
        figure_guard.install()
    title_every_figure_with(conditions(read_prm(args.directory)))
    failures = 0
    for draw in plots(args.directory.rstrip("/")):
        try:
            draw()
        except Exception:  # one broken figure must not stop the others
            failures += 1
            traceback.print_exc()
        finally:
            plt.close("all")
    if failures:
        sys.exit(f"plot.py: {failures} figure(s) of {args.directory} failed")


if __name__ == "__main__":
    main()
