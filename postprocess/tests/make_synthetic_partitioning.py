#!/usr/bin/python3
"""Write a complete fake output directory of the partitioning model.

The plotting and benchmark scripts for the partitioning model
(postprocess/plot_profiles.py, postprocess/plot_phase_compositions.py,
benchmarks/partitioning/speed.py) need data to be tested on before the model
exists, and a test needs data that does not depend on a long solver run. This
script writes, into the given directory, the files the model writes:

  phases.csv                  step,time_s,T_K,crystal_thickness_nm,
                              glass_thickness_nm,crystal_<El>_at%...,
                              glass_<El>_at%...
  profiles/profile_NNNN.csv   "# time = ... s, temperature = ... K", then
                              z_nm,phi_fraction,<El>_at%...
  time_series.csv             step,time_s,dt_s,T_K,free_energy_J_per_mol,
                              dofs,cells,newton_iterations,factorizations,
                              linear_iterations,rejected_steps,wall_time_s,
                              mean_<El>_at%...

The fake laminate has (by default) 2 bilayers of 18 nm crystal / 12 nm glass
with tanh interfaces, annealed isothermally. While it anneals, the crystal
layers thicken slightly, Ni is rejected from the crystal into the glass
(glass Ni rises, with a Ni pile-up just ahead of each interface) and Co
enriches in the crystal. Every profile row sums to 100 at.%. The numbers are
made up to look plausible; they are not physics.

Usage:
    make_synthetic_partitioning.py DIR [--end-time 2h] [--profiles 5]
                                       [--rows 121] [--elements Co Ni Ti Zr]
--profiles 1 --rows 1 gives a run that has only its initial state.
"""
import argparse
import math
import os

import numpy as np

# Initial mean compositions (at.%) of crystal and glass, and how much each
# changes during the anneal (the sum of changes is 0 in each phase). Elements
# not listed here get a share of what is left.
CRYSTAL0 = {"Co": 40.0, "Ni": 30.0, "Ti": 17.0, "Zr": 13.0, "Nb": 6.0,
            "Hf": 3.0, "Cr": 9.0}
GLASS0 = {"Co": 20.0, "Ni": 20.0, "Ti": 32.0, "Zr": 28.0, "Nb": 4.0,
          "Hf": 7.0, "Cr": 2.0}
DGLASS = {"Co": -2.0, "Ni": +12.0, "Ti": -6.0, "Zr": -4.0}
DCRYSTAL = {"Co": +3.0, "Ni": -6.0, "Ti": +2.0, "Zr": +1.0}


def parse_time(text):
    """'7200', '7200s', '120min', '2h', '1d' -> seconds."""
    units = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
    text = str(text).strip()
    for unit in sorted(units, key=len, reverse=True):
        if text.endswith(unit):
            return float(text[:-len(unit)]) * units[unit]
    return float(text)


def _normalize(comp):
    total = sum(comp.values())
    return {k: 100.0 * v / total for k, v in comp.items()}


def mean_compositions(elements, progress):
    """Crystal and glass mean compositions (at.%) at progress in [0, 1]."""
    c = _normalize({e: CRYSTAL0.get(e, 10.0) for e in elements})
    g = _normalize({e: GLASS0.get(e, 10.0) for e in elements})
    # Only apply changes whose partner elements exist, keeping sums at 100.
    for comp, delta in ((c, DCRYSTAL), (g, DGLASS)):
        present = {e: d for e, d in delta.items() if e in comp}
        shift = sum(present.values()) / len(comp)
        for e in comp:
            comp[e] += progress * (present.get(e, 0.0) - shift)
            comp[e] = max(comp[e], 0.5)
    return _normalize(c), _normalize(g)


def phase_field(z, centers, half_width, period, width=1.0):
    """Periodic crystal layers of the given half width, tanh interfaces."""
    phi = np.zeros_like(z)
    for c in centers:
        for image in (-period, 0.0, period):
            lo, hi = c + image - half_width, c + image + half_width
            phi += 0.5 * (np.tanh((z - lo) / width) - np.tanh((z - hi) / width))
    return np.clip(phi, 0.0, 1.0)


def make(path, end_time=7200.0, n_profiles=5, n_rows=121,
         elements=("Co", "Ni", "Ti", "Zr"), temperature=623.0,
         bilayers=2, crystal=18.0, glass=12.0, dz=0.25):
    """Write the fake run into `path` (created if needed); return `path`."""
    elements = list(elements)
    period = crystal + glass
    length = bilayers * period
    tau = end_time / 3.0 if end_time > 0 else 1.0
    growth = 0.125 * glass  # total crystal thickening over the anneal

    def progress(t):
        return 1.0 - math.exp(-t / tau)

    def state(t):
        p = progress(t)
        tc = crystal + growth * p
        c, g = mean_compositions(elements, p)
        return p, tc, period - tc, c, g

    os.makedirs(os.path.join(path, "profiles"), exist_ok=True)

    # phases.csv: one row per time step.
    times = np.linspace(0.0, end_time, max(n_rows, 1)) if n_rows > 1 else np.array([0.0])
    with open(os.path.join(path, "phases.csv"), "w") as f:
        f.write(",".join(["step", "time_s", "T_K", "crystal_thickness_nm",
                          "glass_thickness_nm"]
                         + [f"crystal_{e}_at%" for e in elements]
                         + [f"glass_{e}_at%" for e in elements]) + "\n")
        for step, t in enumerate(times):
            _, tc, tg, c, g = state(t)
            f.write(",".join(f"{v:.10g}" for v in
                             [step, t, temperature, tc, tg]
                             + [c[e] for e in elements]
                             + [g[e] for e in elements]) + "\n")

    # profiles/profile_NNNN.csv at n_profiles evenly spaced output times.
    z = np.linspace(0.0, length, int(round(length / dz)) + 1)
    out_times = np.linspace(0.0, end_time, n_profiles) if n_profiles > 1 else [0.0]
    for i, t in enumerate(out_times):
        p, tc, _, c, g = state(t)
        centers = [crystal / 2 + k * period for k in range(bilayers)]
        phi = phase_field(z, centers, tc / 2, length)
        x = {e: phi * c[e] + (1 - phi) * g[e] for e in elements}
        if "Ni" in x:
            # Ni pile-up in the glass just ahead of each interface, taken
            # from the other elements in proportion, so rows sum to 100.
            spike = np.zeros_like(z)
            for ctr in centers:
                for image in (-length, 0.0, length):
                    for side in (-1, 1):
                        z0 = ctr + image + side * (tc / 2 + 1.5)
                        spike += 6.0 * p * np.exp(-((z - z0) / 1.2) ** 2)
            spike *= 1 - phi
            others = [e for e in elements if e != "Ni"]
            rest = sum(x[e] for e in others)
            for e in others:
                x[e] = x[e] - spike * x[e] / rest
            x["Ni"] = x["Ni"] + spike
        name = os.path.join(path, "profiles", f"profile_{i:04d}.csv")
        with open(name, "w") as f:
            f.write("# time = %g s, temperature = %g K\n" % (t, temperature))
            f.write(",".join(["z_nm", "phi_fraction"] + [e + "_at%" for e in elements]) + "\n")
            for j in range(len(z)):
                f.write(",".join(f"{v:.8g}" for v in
                                 [z[j], phi[j]] + [x[e][j] for e in elements]) + "\n")

    # time_series.csv: same steps as phases.csv, with solver statistics.
    rng = np.random.default_rng(1)
    with open(os.path.join(path, "time_series.csv"), "w") as f:
        f.write("step,time_s,dt_s,T_K,free_energy_J_per_mol,dofs,cells,newton_iterations,"
                "factorizations,linear_iterations,rejected_steps,wall_time_s,"
                + ",".join(f"mean_{e}_at%" for e in elements) + "\n")
        mean = mean_compositions(elements, 0.0)[0]
        wall = 0.8  # set-up before step 0
        dofs = 9000
        for step, t in enumerate(times):
            dt = t - times[step - 1] if step else 0.0
            newton = 0 if step == 0 else int(rng.integers(2, 6))
            if step and step % 20 == 0:
                dofs += int(rng.integers(-300, 600))  # remeshing
            cells = dofs // (len(elements) + 1) // 2
            if step:
                wall += 1e-5 * dofs * newton * (1 + 0.2 * rng.random())
            F = -1.0e3 - 50.0 * progress(t)
            f.write(",".join(f"{v:.12g}" for v in
                             [step, t, dt, temperature, F, dofs, cells, newton,
                              1 if step else 0, 0, 0, wall]
                             + [mean[e] for e in elements]) + "\n")
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory", help="directory to write the fake run into")
    p.add_argument("--end-time", default="2h",
                   help="anneal duration: seconds, or with unit s/min/h/d (default 2h)")
    p.add_argument("--profiles", type=int, default=5, help="number of profile files (default 5)")
    p.add_argument("--rows", type=int, default=121, help="rows of phases.csv (default 121)")
    p.add_argument("--elements", nargs="+", default=["Co", "Ni", "Ti", "Zr"],
                   help="element symbols (default Co Ni Ti Zr)")
    p.add_argument("--temperature", type=float, default=623.0, help="anneal temperature in K")
    a = p.parse_args()
    print(make(a.directory, parse_time(a.end_time), a.profiles, a.rows,
               a.elements, a.temperature))


if __name__ == "__main__":
    main()
