"""Analytic nanomolding laws and the viscosity law of rheology::ViscosityLaw,
shared by calibrate.py and predict_dc.py.

Viscosity (Pa s): VFT eta_inf exp(D* T0/(T - T0)) above the kink, glass-state
Arrhenius exp(Q_g/k_B (1/T - 1/T_k)) below it, continuous at T_k. The kink is
where the equilibrium (Maxwell) relaxation time tau(T) = tau_g
eta_VFT(T)/eta_VFT(Tg) reaches the experiment time t_exp:
  D* T0/(T_k - T0) = D* T0/(Tg - T0) + ln(t_exp/tau_g).

Filling of a long pore under p for t (exact Poiseuille integration):
  L^2 = p t d^2/(16 eta) + 8 delta D_I p Omega t/(d k_B T),
  crossover d_c^3 = 128 delta D_I Omega eta/(k_B T) (published convention 256).
"""
import math

KB = 1.380649e-23
EV = 1.602176634e-19
C = 273.15


def kink(D, T0, Tg, tau_g, t_exp):
    """T_k (K) where tau_g eta_VFT(T)/eta_VFT(Tg) = t_exp."""
    inverse_gap = 1 / (Tg - T0) + math.log(t_exp / tau_g) / (D * T0)
    if inverse_gap <= 0:
        raise ValueError("the liquid never relaxes within t_exp")
    return T0 + 1 / inverse_gap


def vft(eta_inf, D, T0, T):
    return eta_inf * math.exp(D * T0 / (T - T0))


def equilibrium_activation(D, T0, T):
    """Apparent activation energy of the VFT branch, k_B d ln eta/d(1/T) (J)."""
    return KB * T * T * D * T0 / (T - T0) ** 2


def T0_through(eta_inf, D, T, eta):
    """VFT temperature such that eta_VFT(T) = eta."""
    A = math.log(eta / eta_inf)
    return A * T / (D + A)


class Viscosity:
    """eta(T) of one material and experiment time.

    Q_g is given in J, or, with `ratio`, derived as ratio x the equilibrium
    activation energy at the kink."""

    def __init__(self, eta_inf, D, T0, Tg, tau_g, t_exp, Q_g=None, ratio=None):
        self.eta_inf, self.D, self.T0 = eta_inf, D, T0
        self.T_k = kink(D, T0, Tg, tau_g, t_exp) if tau_g > 0 else 0.0
        self.Q_g = Q_g if ratio is None else ratio * equilibrium_activation(D, T0, self.T_k)

    def __call__(self, T):
        if self.T_k <= 0 or T >= self.T_k:
            return vft(self.eta_inf, self.D, self.T0, T)
        return vft(self.eta_inf, self.D, self.T0, self.T_k) * math.exp(
            self.Q_g / KB * (1 / T - 1 / self.T_k))


def crossover(deltaD, omega, eta, T, factor=128.0):
    """d_c (m) from delta D_I (m^3/s), Omega (m^3), eta (Pa s), T (K)."""
    return (factor * deltaD * omega * eta / (KB * T)) ** (1 / 3)


def deltaD_for(d_c, omega, eta, T, factor=128.0):
    """delta D_I (m^3/s) that puts the crossover at d_c (m)."""
    return d_c ** 3 * KB * T / (factor * omega * eta)


def normalized_length(d, eta, deltaD, omega, T):
    """L / sqrt(p t) (m/sqrt(Pa s)) of a long pore, both mechanisms."""
    return math.sqrt(d * d / (16 * eta) + 8 * deltaD * omega / (d * KB * T))
