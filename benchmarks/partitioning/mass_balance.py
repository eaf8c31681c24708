#!/usr/bin/python3
"""What the 623 K / 1 h laminate data imply by conservation of atoms alone.

Data (../shared/data/seeds_reference.yaml, symbiotic_laminate): 18 nm
crystal (Cr36 Co33 Ni31) / 12 nm glass (Ti21.9 Zr22.0 Nb20.6 Hf22.5 Cr3.0
Co2.5 Ni7.5) as deposited; after 1 h at 623 K glass Ni 37, Co 18 at.% and a
17 nm crystal. Taken as layer means, with the glass keeping 3 at.% Cr
(range 0-5) and its Ti:Zr:Nb:Hf proportions, the atoms of the small (Cr, Co,
Ni) and large (Ti, Zr, Nb, Hf) elements per unit area are conserved. Two
ways to turn atoms into thickness:

  one molar volume (the partitioning model: every element 8.73 cm^3/mol)
  element molar volumes (Vegard: V = sum x_i V_i, the values of
      CrCoNi-TiZrNbHf-assessed.prm)

For each, the Ti+Zr+Nb+Hf content the crystal must hold for the 17 nm
crystal and the glass composition to be right together, and the glass
thickness that follows.

  mass_balance.py
"""
V = {"Co": 6.67, "Ni": 6.59, "Ti": 10.64, "Zr": 14.02, "Nb": 10.83, "Hf": 13.44, "Cr": 7.23}
SMALL, LARGE = ("Cr", "Co", "Ni"), ("Ti", "Zr", "Nb", "Hf")
CRYSTAL_0 = {"Cr": 36.0, "Co": 33.0, "Ni": 31.0}
GLASS_0 = {"Ti": 21.9, "Zr": 22.0, "Nb": 20.6, "Hf": 22.5, "Cr": 3.0, "Co": 2.5, "Ni": 7.5}


def volume(x, volumes):
    total = sum(x.values())
    return sum(v * volumes[e] for e, v in x.items()) / total


def solve(volumes, glass_cr):
    """Unknowns: glass and crystal amounts n_g, n_c and the crystal's large-
    atom fraction y (in the glass's Ti:Zr:Nb:Hf proportions; its small atoms
    in the as-deposited Cr:Co:Ni proportions)."""
    large_share = {e: GLASS_0[e] / sum(GLASS_0[e] for e in LARGE) for e in LARGE}
    glass = {"Ni": 37.0, "Co": 18.0, "Cr": glass_cr}
    rest = 100 - sum(glass.values())
    glass.update({e: rest * large_share[e] for e in LARGE})
    n_crystal0 = 18 / volume(CRYSTAL_0, volumes)
    n_glass0 = 12 / volume(GLASS_0, volumes)
    large_total = n_glass0 * sum(GLASS_0[e] for e in LARGE) / 100
    atoms = n_crystal0 + n_glass0
    v_large = sum(large_share[e] * volumes[e] for e in LARGE)
    v_small = volume(CRYSTAL_0, volumes)
    f_large_glass = rest / 100
    # Crystal thickness 17 nm and conservation of large atoms and of all atoms:
    #   n_c ((1 - y) v_small + y v_large) = 17,  f n_g + y n_c = L,  n_g + n_c = N.
    # Bisection on y (the crystal's thickness falls as y moves large atoms in).
    def crystal_thickness(y):
        n_c = (large_total - f_large_glass * atoms) / (y - f_large_glass)
        return n_c * ((1 - y) * v_small + y * v_large), n_c
    lo, hi = 0.0, 0.999 * f_large_glass
    for _ in range(200):
        y = 0.5 * (lo + hi)
        thickness, n_c = crystal_thickness(y)
        if thickness > 17:
            hi = y
        else:
            lo = y
    n_g = atoms - n_c
    return y, n_g * volume(glass, volumes)


def main():
    one = {e: 8.73 for e in V}
    print("623 K / 1 h data as layer means: glass Ni 37, Co 18 at.%, crystal 17 nm")
    print("%-26s %10s %28s %12s" % ("molar volumes", "glass Cr", "crystal Ti+Zr+Nb+Hf (at.%)",
                                    "glass (nm)"))
    for name, volumes in (("one (8.73 cm^3/mol)", one), ("element (Vegard)", V)):
        for cr in (0.0, 3.0, 5.0):
            y, g = solve(volumes, cr)
            print("%-26s %10.1f %20.1f (%.1f each) %9.1f" % (name, cr, 100 * y, 25 * y, g))


if __name__ == "__main__":
    main()
