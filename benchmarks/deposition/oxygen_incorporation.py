#!/usr/bin/python3
"""O fraction in the deposited flux of the PLD Zr50Cu50 films (doc/deposition.md).

Hertz-Knudsen impingement of the reactive residual gas (H2O, O2) on the
growing surface, captured with sticking coefficient s, against the metal
flux n v (n = rho N_A / M of the film):
  Phi_g = p_g / sqrt(2 pi m_g k T)       molecules / (m^2 s)
  x_O   = nu s Phi_g / (nu s Phi_g + n v) (nu = O atoms per molecule)
  benchmarks/deposition/oxygen_incorporation.py
"""
import math

K_B, N_A, AMU = 1.380649e-23, 6.02214076e23, 1.66053907e-27
T = 300.0


def impingement(p, m_amu):
    return p / math.sqrt(2 * math.pi * m_amu * AMU * K_B * T)


def metal_flux(rho_gcm3, v_nm_s, M=(91.224 + 63.546) / 2):
    n = rho_gcm3 * 1e6 / M * N_A            # atoms / m^3
    return n * v_nm_s * 1e-9


def x_O(p_reactive, s, rho, v, m_amu=18.0, nu=1):
    f = nu * s * impingement(p_reactive, m_amu)
    return f / (f + metal_flux(rho, v))


if __name__ == '__main__':
    cases = {
        # p_reactive (Pa): low, central, high
        'vacuum 2e-3 Pa, 1.20 nm/s, 7.4 g/cm3': (1.20, 7.4, [2e-3 * 0.3, 2e-3 * 0.7, 2e-3 * 0.9]),
        # 10 Pa He: impurities f_i = 1, 10, 100 ppm of 10 Pa on top of the residual gas
        # (the residual gas itself throttled: taken as in vacuum)
        'He 10 Pa, 1.39 nm/s, 6.35-7.4 g/cm3': (1.39, 6.9, [2e-3 * 0.3 + 10 * 1e-6, 2e-3 * 0.7 + 10 * 1e-5,
                                                        2e-3 * 0.9 + 10 * 1e-4]),
    }
    print(f"metal flux at 1.20 nm/s, 7.4 g/cm3: {metal_flux(7.4, 1.2):.3g} atoms/(m^2 s)")
    print(f"H2O impingement per Pa: {impingement(1, 18):.3g}, O2 per Pa: {impingement(1, 32):.3g} 1/(m^2 s)")
    for name, (v, rho, ps) in cases.items():
        print(name)
        for s in (0.01, 0.03, 0.1):
            xs = [x_O(p, s, rho, v) for p in ps]
            print(f"  s = {s:4.2f}: p_reactive {ps[0]:.2g}/{ps[1]:.2g}/{ps[2]:.2g} Pa -> x_O = "
                  + ' / '.join(f'{100*x:.2f}' for x in xs) + ' at.%')
