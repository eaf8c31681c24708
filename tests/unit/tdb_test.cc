#include <vitrum/base/exceptions.h>
#include <vitrum/kinetics/driving_force.h>
#include <vitrum/thermo/equilibrium.h>
#include <vitrum/thermo/tdb.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace vitrum::thermo;
using vitrum::InputError;

namespace
{
  /// One database with every command the reader supports.
  const std::string test_tdb = R"($ A small database for the reader's tests.
 TEMP_LIM 298.15 6000 !
 ELEMENT /-   ELECTRON_GAS 0 0 0 !
 ELEMENT VA   VACUUM 0 0 0 !
 ELEM AL FCC_A1 26.98 4577.3 28.322 !
 ELEMENT ZR HCP_A3 91.224 5566.3 39.181 !
 ELEMENT FE BCC_A2 55.847 4489 27.28 !
 SPECIES AL AL1 !
 DATABASE_INFO 'a test database' !
 VERSION_DATE Last update 2024-01-01 !
 DEFINE_SYSTEM_DEFAULT ELEMENT 2 !
 DEFAULT_COMMAND DEF_SYS_ELEMENT VA /- !
 ASSESSED_SYSTEMS AL-ZR(;G5) !
 REFERENCE_FILE refs.txt !
 REFERENCES REF1 'another way to list them' !
 FUNCT GHSERAL 298.15 -7976.15+137.093038*T-24.3671976*T*LOG(T)
     -1.884662E-3*T**2-0.877664E-6*T**3+74092*T**(-1);  700.00 Y
     -11276.24+223.048446*T-38.5844296*T*LOG(T)
     +18.531982E-3*T**2-5.764227E-6*T**3+74092*T**(-1);  933.47 Y
     -11278.378+188.684153*T-31.748192*T*LN(T)-1230.524E25*T**(-9);
     2900.00 N !
 FUNCTION GHSERZR 130.00 -7827.595+125.64905*T-24.1618*T*LOG(T)
     -4.37791E-3*T**2+34971*T**(-1);  2128.00 Y
     -26085.921+262.724183*T-42.144*T*LOG(T)-1342.895E28*T**(-9);
     6000.00 N !
 FUNCTION GHSERFE 298.15 +1225.7+124.134*T-23.5143*T*LN(T)
     -4.39752E-3*T**2-5.8927E-8*T**3+77359*T**(-1); 1811 Y
     -25383.581+299.31255*T-46*T*LN(T)+2.29603E+31*T**(-9); 6000 N !
 FUNCTION GSMALL 298.15 -1.5E-21*T**7+GHSERFE#; ,,N !
 FUNCTION GSLASH 298.15 52478/T - 3.642e+29/T**9 + 2/3*T; 3000 N !
 TYPE_DEF % SEQ * !
 TYPE_DEFINITION B GES A_P_D BCC_A2 MAGNETIC -1.0 0.4 !
 TYPE_DEFINITION & GES AMEND_PHASE_DESCRIPTION @ MAGNETIC -3.0 0.28 !
 PHASE LIQUID:L % 1 1.0 !
 CONST LIQUID:L :AL,FE,ZR: !
 PHASE FCC_A1 %& 2 1 1 !
 CONSTITUENT FCC_A1 :AL%,FE,ZR : VA% : !
 PHASE BCC_A2 %B 2 1 3 !
 CONSTITUENT BCC_A2 :AL,FE,ZR:VA: !
 PHASE HCP_A3 %& 2 1 .5 !
 CONSTITUENT HCP_A3 :AL,FE,ZR:VA: !
 PHASE DOUBLE % 2 2 1 !
 CONSTITUENT DOUBLE :AL,ZR:VA: !
 PHASE AL3ZR % 2 0.75 0.25 !
 CONSTITUENT AL3ZR :AL:ZR: !
 PARAM G(LIQUID,AL;0) 298.15 10000-10*T+GHSERAL#; 6000 N REF1 !
 PARAMETER G(LIQUID,FE;0) 298.15 12040-6.558*T+GHSERFE#; 6000 N !
 PARAMETER G(LIQUID,ZR;0) 298.15 18147.703-9.080762*T+GHSERZR#; 6000 N !
 PARAMETER L(LIQUID,AL,ZR;0) 298.15 -200000+20*T; 6000 N !
 PARAMETER L(LIQUID,AL,ZR;1) 298.15 1000; 6000 N !
 PARAMETER L(LIQUID,ZR,FE;1) 298.15 3000; 6000 N !
 PARAMETER L(LIQUID,AL,FE,ZR;0) 298.15 5000; 6000 N !
 PARAMETER G(FCC_A1,AL:VA;0) 298.15 +GHSERAL#; 6000 N !
 PARAMETER G(FCC_A1,FE:VA;0) 298.15 -1462.4+8.282*T-1.15*T*LN(T)
     +6.4E-4*T**2+GHSERFE#; 6000 N !
 PARAMETER G(FCC_A1,ZR:VA;0) 298.15 7600.00-0.9*T+GHSERZR#; 6000 N !
 PARAMETER G(FCC_A1,AL,ZR:VA;0) 298.15 -152947+21.3*T; 6000 N !
 PARAMETER L(FCC_A1,AL,FE,ZR:VA;0) 298.15 1000; 6000 N !
 PARAMETER L(FCC_A1,AL,FE,ZR:VA;1) 298.15 2000; 6000 N !
 PARAMETER L(FCC_A1,AL,FE,ZR:VA;2) 298.15 3000; 6000 N !
 PARAMETER G(BCC_A2,FE:VA;0) 298.15 +GHSERFE#; 6000 N !
 PARAMETER G(BCC_A2,AL:VA;0) 298.15 10083-4.813*T+GHSERAL#; 6000 N !
 PARAMETER TC(BCC_A2,FE:VA;0) 298.15 1043; 6000 N !
 PARAMETER BMAGN(BCC_A2,FE:VA;0) 298.15 2.22; 6000 N !
 PARAMETER G(HCP_A3,ZR:VA;0) 298.15 +GHSERZR#; 6000 N !
 PARAMETER G(HCP_A3,AL:VA;0) 298.15 5481-1.8*T+GHSERAL#; 6000 N !
 PARAMETER G(DOUBLE,AL:VA;0) 298.15 1000+2*GHSERAL#; 6000 N !
 PARAMETER G(DOUBLE,ZR:VA;0) 298.15 2*GHSERZR#; 6000 N !
 PARAMETER G(AL3ZR,AL:ZR;0) 298.15 -47381 - 24.373*T + 3.894*T*LOG(T)
     +0.75*GHSERAL+0.25*GHSERZR; 6000 N !
 PARAMETER MQ(BCC_A2&FE,FE:VA;0) 298.15 -250000; 6000 N !
 LIST_OF_REFERENCES
 NUMBER  SOURCE
 REF1    'An invented reference, for the test only'
 !
)";

  double
  ghseral(const double T)
  {
    if (T < 700)
      return -7976.15 + 137.093038 * T - 24.3671976 * T * std::log(T)
             - 1.884662E-3 * T * T - 0.877664E-6 * T * T * T + 74092 / T;
    if (T < 933.47)
      return -11276.24 + 223.048446 * T - 38.5844296 * T * std::log(T)
             + 18.531982E-3 * T * T - 5.764227E-6 * T * T * T + 74092 / T;
    return -11278.378 + 188.684153 * T - 31.748192 * T * std::log(T)
           - 1230.524E25 * std::pow(T, -9);
  }

  double
  ghserzr(const double T)
  {
    if (T < 2128)
      return -7827.595 + 125.64905 * T - 24.1618 * T * std::log(T)
             - 4.37791E-3 * T * T + 34971 / T;
    return -26085.921 + 262.724183 * T - 42.144 * T * std::log(T)
           - 1342.895E28 * std::pow(T, -9);
  }

  double
  ghserfe(const double T) // below 1811 K
  {
    return 1225.7 + 124.134 * T - 23.5143 * T * std::log(T) - 4.39752E-3 * T * T
           - 5.8927E-8 * T * T * T + 77359 / T;
  }

  /// The Inden-Hillert-Jarl g(tau), written out for the tests.
  double
  ihj(const double tau, const double p)
  {
    const double D = 518. / 1125. + 11692. / 15975. * (1. / p - 1.);
    if (tau <= 1)
      return 1.
             - (79. / (140. * p * tau)
                + 474. / 497. * (1. / p - 1.)
                    * (std::pow(tau, 3) / 6. + std::pow(tau, 9) / 135.
                       + std::pow(tau, 15) / 600.))
                 / D;
    return -(std::pow(tau, -5) / 10. + std::pow(tau, -15) / 315.
             + std::pow(tau, -25) / 1500.)
           / D;
  }

  double
  ideal(const std::vector<double> &x)
  {
    double s = 0;
    for (const double xi : x)
      s += xi * std::log(xi);
    return s;
  }

  std::string
  error_of(const std::string &text)
  {
    try
      {
        parse_tdb(text, "test.tdb");
      }
    catch (const InputError &e)
      {
        return e.what();
      }
    return "no error";
  }
} // namespace


TEST(Tdb, ReadsEveryCommand)
{
  const TdbDatabase db = parse_tdb(test_tdb, "test.tdb");
  EXPECT_EQ(db.elements.size(), 5u);
  EXPECT_EQ(db.elements.at("AL").reference_phase, "FCC_A1");
  EXPECT_DOUBLE_EQ(db.elements.at("ZR").mass, 91.224);
  EXPECT_DOUBLE_EQ(db.elements.at("FE").S298, 27.28);

  const TdbPhase &fcc = db.phase("FCC_A1");
  EXPECT_EQ(fcc.sites, (std::vector<double>{1., 1.}));
  EXPECT_EQ(fcc.constituents[0], (std::vector<std::string>{"AL", "FE", "ZR"}));
  EXPECT_EQ(fcc.constituents[1], (std::vector<std::string>{"VA"}));
  EXPECT_TRUE(fcc.magnetic);
  EXPECT_EQ(fcc.afm_factor, -3.);
  EXPECT_EQ(fcc.p, 0.28);
  EXPECT_TRUE(db.phase("BCC_A2").magnetic);
  EXPECT_EQ(db.phase("BCC_A2").afm_factor, -1.);
  EXPECT_EQ(db.phase("BCC_A2").p, 0.4);
  EXPECT_EQ(db.phase("BCC_A2").sites, (std::vector<double>{1., 3.}));
  EXPECT_EQ(db.phase("HCP_A3").sites, (std::vector<double>{1., 0.5}));
  EXPECT_FALSE(db.phase("LIQUID").magnetic);
  EXPECT_THROW(db.phase("SIGMA"), InputError);

  // Piecewise functions, LOG and LN, T**(-n), 1230.524E25.
  const TemperatureFunction &al = db.functions.at("GHSERAL");
  for (const double T : {300., 650., 800., 1200., 2000.})
    EXPECT_NEAR(al.value(T), ghseral(T), 1e-9 * std::abs(ghseral(T)));
  const TemperatureFunction &zr = db.functions.at("GHSERZR");
  for (const double T : {500., 2500.})
    EXPECT_NEAR(zr.value(T), ghserzr(T), 1e-9 * std::abs(ghserzr(T)));
  // A reference with '#', a blank upper limit (the TEMP_LIM default).
  const TemperatureFunction &small = db.functions.at("GSMALL");
  EXPECT_NEAR(small.value(1000.),
              ghserfe(1000.) - 1.5e-21 * std::pow(1000., 7),
              1e-9);
  EXPECT_EQ(small.breakpoints().back(), 6000.);
  // Division, as pycalphad writes its files.
  EXPECT_NEAR(db.functions.at("GSLASH").value(1500.),
              52478. / 1500. - 3.642e29 / std::pow(1500., 9) + 1000.,
              1e-9);

  // A parameter that is an expression of FUNCTIONs.
  const CompoundEnergy c = compound_gibbs_energy(db, "AL3ZR", {"AL", "ZR"});
  for (const double T : {400., 800., 1500.})
    {
      const double hand = -47381 - 24.373 * T + 3.894 * T * std::log(T)
                          + 0.75 * ghseral(T) + 0.25 * ghserzr(T);
      EXPECT_NEAR(c.gibbs_energy.value(T), hand, 1e-9 * std::abs(hand));
    }
  EXPECT_EQ(c.elements, (std::vector<std::string>{"AL", "ZR"}));
  EXPECT_EQ(c.composition, (std::vector<double>{0.75, 0.25}));
  const CompoundEnergy c3
    = compound_gibbs_energy(db, "AL3ZR", {"AL", "ZR"}, {"ZR", "FE", "AL"});
  EXPECT_EQ(c3.composition, (std::vector<double>{0.25, 0., 0.75}));
  EXPECT_THROW(compound_gibbs_energy(db, "AL3ZR", {"AL", "ZR"}, {"AL"}),
               InputError);
  EXPECT_THROW(compound_gibbs_energy(db, "AL3ZR", {"ZR", "AL"}), InputError);

  // The mobility parameter is noted, not used.
  ASSERT_EQ(db.skipped.size(), 1u);
  EXPECT_NE(db.skipped[0].find("MQ"), std::string::npos);
  const std::size_t mq = test_tdb.find("MQ(");
  const auto        line
    = 1 + std::count(test_tdb.begin(), test_tdb.begin() + mq, '\n');
  EXPECT_NE(db.skipped[0].find("line " + std::to_string(line)),
            std::string::npos)
    << db.skipped[0];
}


TEST(Tdb, SubstitutionalPhasesByHand)
{
  const TdbDatabase db = parse_tdb(test_tdb, "test.tdb");
  const double      T = 900., RT = gas_constant * T;

  // LIQUID in the order ZR, AL, FE. The pair written ZR,FE is read as
  // FE,ZR (alphabetical, as CALPHAD programs do): 3000 (x_FE - x_ZR). The
  // ternary has one parameter (composition independent).
  const SolutionPhase liquid
    = substitutional_phase(db, "LIQUID", {"ZR", "AL", "FE"});
  const std::vector<double> x  = {0.3, 0.5, 0.2};
  const double              xz = x[0], xa = x[1], xf = x[2];
  const double              hand = xz * (18147.703 - 9.080762 * T + ghserzr(T))
                      + xa * (10000 - 10 * T + ghseral(T))
                      + xf * (12040 - 6.558 * T + ghserfe(T)) + RT * ideal(x)
                      + xa * xz * ((-200000 + 20 * T) + 1000 * (xa - xz))
                      + xz * xf * 3000 * (xf - xz) + xa * xf * xz * 5000;
  EXPECT_NEAR(liquid.gibbs_energy(x.data(), T), hand, 1e-9 * std::abs(hand));

  // FCC_A1 with the Muggianu ternary: v_m = x_m + (1 - sum) / 3.
  const SolutionPhase fcc
    = substitutional_phase(db, "FCC_A1", {"AL", "FE", "ZR"});
  const std::vector<double> y  = {0.5, 0.3, 0.2};
  const double              fe = -1462.4 + 8.282 * T - 1.15 * T * std::log(T)
                    + 6.4E-4 * T * T + ghserfe(T);
  const double hand_fcc
    = y[0] * ghseral(T) + y[1] * fe + y[2] * (7600. - 0.9 * T + ghserzr(T))
      + RT * ideal(y) + y[0] * y[2] * (-152947 + 21.3 * T)
      + y[0] * y[1] * y[2] * (1000 * y[0] + 2000 * y[1] + 3000 * y[2]);
  EXPECT_NEAR(fcc.gibbs_energy(y.data(), T),
              hand_fcc,
              1e-9 * std::abs(hand_fcc));
  // Only TC/BMAGN of FCC would make it magnetic; it has none.
  EXPECT_FALSE(fcc.magnetic_model().active());

  // BCC_A2 (X)1(VA)3, magnetic with AFM factor -1 and p = 0.4.
  const SolutionPhase bcc = substitutional_phase(db, "BCC_A2", {"FE", "AL"});
  const std::vector<double> z  = {0.9, 0.1};
  const double              tc = 0.9 * 1043, beta = 0.9 * 2.22;
  const double              hand_bcc
    = 0.9 * ghserfe(T) + 0.1 * (10083 - 4.813 * T + ghseral(T)) + RT * ideal(z)
      + RT * std::log(beta + 1) * ihj(T / tc, 0.4);
  EXPECT_NEAR(bcc.gibbs_energy(z.data(), T),
              hand_bcc,
              1e-9 * std::abs(hand_bcc));

  // HCP_A3 (X)1(VA)0.5 and a phase (X)2(VA)1: per mole of atoms.
  const SolutionPhase hcp = substitutional_phase(db, "HCP_A3", {"AL", "ZR"});
  const SolutionPhase dbl = substitutional_phase(db, "DOUBLE", {"AL", "ZR"});
  const std::vector<double> w = {0.4, 0.6};
  EXPECT_NEAR(hcp.gibbs_energy(w.data(), T),
              0.4 * (5481 - 1.8 * T + ghseral(T)) + 0.6 * ghserzr(T)
                + RT * ideal(w),
              1e-8);
  EXPECT_NEAR(dbl.gibbs_energy(w.data(), T),
              0.4 * (500 + ghseral(T)) + 0.6 * ghserzr(T) + RT * ideal(w),
              1e-8);

  // No G(HCP_A3,FE:VA;0): an error naming the phase and the element.
  try
    {
      substitutional_phase(db, "HCP_A3", {"AL", "FE"});
      ADD_FAILURE() << "no error";
    }
  catch (const InputError &e)
    {
      const std::string m = e.what();
      EXPECT_NE(m.find("HCP_A3"), std::string::npos) << m;
      EXPECT_NE(m.find("FE"), std::string::npos) << m;
    }
  EXPECT_THROW(substitutional_phase(db, "AL3ZR", {"AL"}), InputError);
  EXPECT_THROW(substitutional_phase(db, "LIQUID", {"AL", "CU"}), InputError);

  // Element references from the ELEMENT lines' phases.
  EXPECT_NEAR(element_reference(db, "AL").value(T), ghseral(T), 1e-9);
  EXPECT_NEAR(element_reference(db, "ZR").value(T), ghserzr(T), 1e-9);
  EXPECT_NEAR(element_reference(db, "FE").value(T), ghserfe(T), 1e-9);
}


TEST(Tdb, CompoundDrivingForceFromTheDatabase)
{
  const TdbDatabase   db     = parse_tdb(test_tdb, "test.tdb");
  const SolutionPhase liquid = substitutional_phase(db, "LIQUID", {"AL", "ZR"});
  const CompoundEnergy e     = compound_gibbs_energy(db, "AL3ZR", {"AL", "ZR"});
  vitrum::kinetics::Compound c{"AL3ZR", e.composition, 0., 0., e.gibbs_energy};
  const double               T = 800.;
  std::vector<double>        x = {0.7, 0.3}, mu(2);
  liquid.chemical_potentials(x.data(), T, mu.data());
  EXPECT_NEAR(vitrum::kinetics::compound_driving_force(liquid, c, x, T).value,
              0.75 * mu[0] + 0.25 * mu[1] - e.gibbs_energy.value(T),
              1e-8);
  // An adjustment a + b T on top of the database function.
  c.a = 100.;
  c.b = -0.5;
  EXPECT_NEAR(c.gibbs_energy(T), e.gibbs_energy.value(T) + 100. - 400., 1e-9);
}


TEST(Tdb, UnsupportedInputNamesFileLineAndCommand)
{
  const std::string prefix = "ELEMENT VA VACUUM 0 0 0 !\n"
                             "ELEMENT AL FCC_A1 26.98 0 0 !\n"
                             "PHASE FCC_A1 % 2 1 1 !\n"
                             "CONSTITUENT FCC_A1 :AL:VA: !\n"
                             "$ the next line is the one at fault\n";
  const std::vector<std::pair<std::string, std::string>> cases
    = {{"TYPE_DEFINITION A GES A_P_D FCC_A1 DIS_PART BCC_A2 !", "DIS_PART"},
       {"TYPE_DEFINITION C GES A_P_D FCC_A1 C_S 2 VA !", "not supported"},
       {"PHASE IONIC_LIQ:Y % 2 1 1 !", "ionic liquid"},
       {"PARAMETER V0(FCC_A1,AL:VA;0) 298.15 1E-5; 6000 N !", "V0"},
       {"FOO BAR !", "unknown command"},
       {"SPECIES AL2 AL2 !", "only species"},
       {"FUNCTION GX 298.15 EXP(T); 6000 N !", "EXP"},
       {"FUNCTION GY 298.15 +GNOTHERE#; 6000 N !", "GNOTHERE is not defined"},
       {"FUNCTION GZ 298.15 1+T; 6000 X !", "Y (another range follows)"},
       {"FUNCTION GW 298.15 2*T*GOTHER; 6000 N !", "not supported"},
       {"PARAMETER G(FCC_A1,AL;0) 298.15 1; 6000 N !", "sublattices"},
       {"PARAMETER G(NOPHASE,AL:VA;0) 298.15 1; 6000 N !", "NOPHASE"},
       {"ELEMENT ZR HCP_A3 91.224 0 0", "not ended by '!'"}};
  for (const auto &c : cases)
    {
      const std::string m = error_of(prefix + c.first + "\n");
      EXPECT_NE(m.find("test.tdb:6"), std::string::npos)
        << c.first << ": " << m;
      EXPECT_NE(m.find(c.second), std::string::npos) << c.first << ": " << m;
    }
  // The command word is named too.
  EXPECT_NE(error_of(prefix + "FOO BAR !").find("FOO"), std::string::npos);
  EXPECT_NE(
    error_of(prefix + "PARAM V0(FCC_A1,AL:VA;0) 298 1; 6000 N !").find("PARAM"),
    std::string::npos);
  // A file that is not there.
  EXPECT_THROW(read_tdb("/nonexistent/x.tdb"), InputError);
}


TEST(ThermoMagneticTernary, GradientAndHessianMatchDifferences)
{
  // Four components: binaries with T-dependent functions, a single and a
  // Muggianu ternary, and magnetism with an antiferromagnetic end member.
  std::mt19937                           rng(7);
  std::uniform_real_distribution<double> u(-1., 1.);
  auto                                   f = [&](double scale) {
    return TemperatureFunction({200., 900., 3000.},
                               {{{scale * u(rng), 0, false},
                                 {0.01 * scale * u(rng), 1, false},
                                 {1e-3 * scale * u(rng), 1, true}},
                                {{scale * u(rng), 0, false},
                                 {1e5 * scale * u(rng), -1, false}}});
  };
  const unsigned int     K = 4;
  RedlichKisterExpansion g;
  for (unsigned int i = 0; i < K; ++i)
    g.end_members.push_back(f(2e4));
  for (unsigned int i = 0; i < K; ++i)
    for (unsigned int j = i + 1; j < K; ++j)
      g.binaries.push_back({j, i, {f(2e4), f(5e3), f(2e3)}});
  g.ternaries.push_back({0, 1, 2, {f(1e4)}});
  g.ternaries.push_back({1, 2, 3, {f(1e4), f(1e4), f(1e4)}});
  MagneticModel m;
  m.afm_factor                    = -3;
  m.p                             = 0.28;
  m.curie_temperature.end_members = {TemperatureFunction::linear(1043.),
                                     TemperatureFunction::linear(300.),
                                     TemperatureFunction::linear(-600.),
                                     TemperatureFunction::linear(0.)};
  m.curie_temperature.binaries    = {
       {0,
        1,
        {TemperatureFunction::linear(-200.), TemperatureFunction::linear(150.)}}};
  m.curie_temperature.ternaries
    = {{0, 1, 3, {TemperatureFunction::linear(400.)}}};
  m.magnetic_moment.end_members = {TemperatureFunction::linear(2.2),
                                   TemperatureFunction::linear(0.6),
                                   TemperatureFunction::linear(-0.8),
                                   TemperatureFunction::linear(0.)};
  m.magnetic_moment.binaries
    = {{0,
        2,
        {TemperatureFunction::linear(0.5), TemperatureFunction::linear(-0.3)}}};
  const SolutionPhase phase(g, m);

  const std::vector<std::vector<double>> points
    = {{0.4, 0.3, 0.2, 0.1}, // ferro, tau < 1
       {0.1, 0.1, 0.7, 0.1}, // AFM
       {0.25, 0.25, 0.25, 0.25},
       {0.7, 0.1, 0.1, 0.1}};
  for (const double T : {450., 700., 1200.})
    for (const std::vector<double> &x : points)
      {
        std::vector<double> grad(K), H(K * K), gp(K), gm(K);
        phase.gradient(x.data(), T, grad.data());
        phase.hessian(x.data(), T, H.data());
        const double h = 1e-6;
        for (unsigned int a = 0; a < K; ++a)
          {
            std::vector<double> xp(x), xm(x);
            xp[a] += h;
            xm[a] -= h;
            const double fd = (phase.gibbs_energy(xp.data(), T)
                               - phase.gibbs_energy(xm.data(), T))
                              / (2 * h);
            EXPECT_NEAR(grad[a], fd, 1e-5 * (1. + std::abs(fd)))
              << "T " << T << " x0 " << x[0] << " a " << a;
            phase.gradient(xp.data(), T, gp.data());
            phase.gradient(xm.data(), T, gm.data());
            for (unsigned int b = 0; b < K; ++b)
              {
                const double fd2 = (gp[b] - gm[b]) / (2 * h);
                EXPECT_NEAR(H[a * K + b], fd2, 1e-5 * (1. + std::abs(fd2)))
                  << "T " << T << " x0 " << x[0] << " a " << a << " b " << b;
              }
          }
        // The magnetic part is there: switching it off changes G.
        const SolutionPhase plain(g);
        EXPECT_NE(phase.gibbs_energy(x.data(), T),
                  plain.gibbs_energy(x.data(), T));
      }

  // The functions cached for the last T are replaced when T changes: the
  // same call after another temperature, and a fresh copy, agree.
  {
    const std::vector<double> &x0    = points[0];
    const double               first = phase.gibbs_energy(x0.data(), 450.);
    phase.gibbs_energy(x0.data(), 1200.);
    EXPECT_EQ(phase.gibbs_energy(x0.data(), 450.), first);
    const SolutionPhase fresh(g, m);
    EXPECT_EQ(fresh.gibbs_energy(x0.data(), 450.), first);
  }

  // Muggianu with three equal functions is the single-parameter form.
  RedlichKisterExpansion one, three;
  for (unsigned int i = 0; i < 3; ++i)
    one.end_members.push_back(TemperatureFunction::linear(-1000. * i));
  three                       = one;
  const TemperatureFunction L = TemperatureFunction::linear(-30000., 7.);
  one.ternaries               = {{0, 1, 2, {L}}};
  three.ternaries             = {{0, 1, 2, {L, L, L}}};
  const std::vector<double> x = {0.2, 0.5, 0.3};
  EXPECT_NEAR(SolutionPhase(one).gibbs_energy(x.data(), 800.),
              SolutionPhase(three).gibbs_energy(x.data(), 800.),
              1e-9);
}


TEST(ThermoMagneticTernary, TheMaterialFileFormIsUnchanged)
{
  // (a, b) constructor against the same phase built from functions.
  Interaction p;
  p.i = 1;
  p.j = 0;
  p.a = {-20000., 3000., 500.};
  p.b = {5., -1., 0.5};
  const SolutionPhase    legacy({-1000., 2000.}, {3., -2.}, {p});
  RedlichKisterExpansion e;
  e.end_members = {TemperatureFunction::linear(-1000., 3.),
                   TemperatureFunction::linear(2000., -2.)};
  e.binaries    = {{1,
                    0,
                    {TemperatureFunction::linear(-20000., 5.),
                     TemperatureFunction::linear(3000., -1.),
                     TemperatureFunction::linear(500., 0.5)}}};
  const SolutionPhase general(e);
  const double        x[2] = {0.35, 0.65};
  const double        T    = 750.;
  double              g1[2], g2[2], H1[4], H2[4];
  EXPECT_EQ(legacy.gibbs_energy(x, T), general.gibbs_energy(x, T));
  legacy.gradient(x, T, g1);
  general.gradient(x, T, g2);
  legacy.hessian(x, T, H1);
  general.hessian(x, T, H2);
  for (unsigned int k = 0; k < 2; ++k)
    EXPECT_EQ(g1[k], g2[k]);
  for (unsigned int k = 0; k < 4; ++k)
    EXPECT_EQ(H1[k], H2[k]);
  EXPECT_EQ(legacy.interactions_list().size(), 1u);
  EXPECT_EQ(legacy.interactions_list()[0].a[1], -3000.); // stored as (0, 1)
}


// --------------------------------------------------------------------------
// Cu-Ni, S. an Mey, Calphad 16 (1992) 255 (tests/data/cu_ni_an_mey_1992.tdb)
// --------------------------------------------------------------------------

namespace
{
  TdbDatabase
  cu_ni()
  {
    return read_tdb(std::string(VITRUM_SOURCE_DIR)
                    + "/tests/data/cu_ni_an_mey_1992.tdb");
  }

  // The published parameters, typed in again from the paper and the SGTE
  // unary data rather than read from the file.
  double
  ghsercu(const double T) // T < 1357.77
  {
    return -7770.458 + 130.485235 * T - 24.112392 * T * std::log(T)
           - 2.65684E-3 * T * T + 1.29223E-7 * T * T * T + 52478 / T;
  }

  double
  ghserni(const double T) // T < 1728
  {
    return -5179.159 + 117.854 * T - 22.096 * T * std::log(T)
           - 4.8407E-3 * T * T;
  }

  double
  gliqcu(const double T)
  {
    if (T < 1357.77)
      return 12964.736 - 9.511904 * T - 5.849E-21 * std::pow(T, 7) + ghsercu(T);
    return 13495.481 - 9.922344 * T
           + (-13542.026 + 183.803828 * T - 31.38 * T * std::log(T));
  }

  double
  gliqni(const double T) // T < 1728
  {
    return 16414.686 - 9.397 * T - 3.82318E-21 * std::pow(T, 7) + ghserni(T);
  }

  /// G of FCC_A1 by hand, x the Ni fraction.
  double
  fcc_by_hand(const double x, const double T)
  {
    const double c = 1 - x, d = c - x;
    const double G
      = c * ghsercu(T) + x * ghserni(T)
        + gas_constant * T * (c * std::log(c) + x * std::log(x))
        + c * x * ((8047.72 + 3.42217 * T) + (-2041.3 + 0.99714 * T) * d);
    double tc   = 633 * x + c * x * (-935.5 - 594.9 * d);
    double beta = 0.52 * x + c * x * (-0.7316 - 0.3174 * d);
    if (tc < 0)
      tc /= -3;
    if (beta < 0)
      beta /= -3;
    return G + gas_constant * T * std::log(beta + 1) * ihj(T / tc, 0.28);
  }

  double
  liquid_by_hand(const double x, const double T)
  {
    const double c = 1 - x, d = c - x;
    return c * gliqcu(T) + x * gliqni(T)
           + gas_constant * T * (c * std::log(c) + x * std::log(x))
           + c * x * ((12048.61 + 1.29893 * T) + (-1861.61 + 0.94201 * T) * d);
  }

  /// mu_Cu, mu_Ni of a binary G(x) by hand: G - x G', G + (1 - x) G'.
  template <typename F>
  std::pair<double, double>
  potentials_by_hand(F G, const double x, const double T)
  {
    const double h  = 1e-5;
    const double dG = (G(x + h, T) - G(x - h, T)) / (2 * h);
    return {G(x, T) - x * dG, G(x, T) + (1 - x) * dG};
  }
} // namespace


TEST(TdbCuNi, GibbsEnergiesAndPotentialsByHand)
{
  const TdbDatabase   db     = cu_ni();
  const SolutionPhase fcc    = substitutional_phase(db, "FCC_A1", {"CU", "NI"});
  const SolutionPhase liquid = substitutional_phase(db, "LIQUID", {"CU", "NI"});
  ASSERT_TRUE(fcc.magnetic_model().active());

  // FCC: above Tc (tau > 1), just above and below it (tau < 1).
  for (const auto &point : {std::make_pair(1000., 0.6),
                            std::make_pair(600., 0.8),
                            std::make_pair(400., 0.9),
                            std::make_pair(700., 0.2)})
    {
      const double T = point.first, x = point.second;
      const double xs[2] = {1 - x, x};
      double       mu[2];
      const double hand = fcc_by_hand(x, T);
      EXPECT_NEAR(fcc.gibbs_energy(xs, T), hand, 1e-6 * std::abs(hand))
        << "FCC T " << T << " x " << x;
      fcc.chemical_potentials(xs, T, mu);
      const auto m = potentials_by_hand(fcc_by_hand, x, T);
      EXPECT_NEAR(mu[0], m.first, 1e-6 * std::abs(m.first));
      EXPECT_NEAR(mu[1], m.second, 1e-6 * std::abs(m.second));
    }
  // LIQUID: Cu below and above its melting point, Ni below.
  for (const auto &point :
       {std::make_pair(1200., 0.3), std::make_pair(1600., 0.4)})
    {
      const double T = point.first, x = point.second;
      const double xs[2] = {1 - x, x};
      double       mu[2];
      const double hand = liquid_by_hand(x, T);
      EXPECT_NEAR(liquid.gibbs_energy(xs, T), hand, 1e-6 * std::abs(hand))
        << "LIQUID T " << T << " x " << x;
      liquid.chemical_potentials(xs, T, mu);
      const auto m = potentials_by_hand(liquid_by_hand, x, T);
      EXPECT_NEAR(mu[0], m.first, 1e-6 * std::abs(m.first));
      EXPECT_NEAR(mu[1], m.second, 1e-6 * std::abs(m.second));
    }
  // Pure liquid Cu at 1500 K: -83457.6026 J/mol, the hand value of the
  // same SGTE expression published with the calculation cited below.
  const double cu[2] = {1., 0.};
  EXPECT_NEAR(liquid.gibbs_energy(cu, 1500.), -83457.60262, 1e-4);
}


/*
 * The published phase-diagram value: the FCC_A1 miscibility gap of this
 * assessment at 600 K. The calculation is that of the CalphadIntro course
 * (github.com/ukerzel/CalphadIntro, course/materials/cuni/gap_curve.json and
 * answers.md): pycalphad 0.11.2 with the SGTE collection file
 * CuNi-92Mey-LB.tdb of this assessment, 600 K, x(Ni) = 0.5 overall, gives
 * two FCC_A1 phases at x(Ni) = 0.3982592 and 0.7967668 with GM of
 * -23134.2707 and -22146.5589 J/mol and mu(Cu) = -24121.367,
 * mu(Ni) = -21642.840 J/mol. (pycalphad uses R = 8.3145 J/(mol K), which
 * moves these energies by about 0.01 J/mol.) an Mey's Fig. 7 shows the same
 * gap, with its top near 640 K.
 */
TEST(TdbCuNi, MiscibilityGapTieLineAt600K)
{
  const TdbDatabase   db  = cu_ni();
  const SolutionPhase fcc = substitutional_phase(db, "FCC_A1", {"CU", "NI"});
  const TieLine       t   = common_tangent(fcc, fcc, 600., 0.3, 0.85);
  EXPECT_NEAR(t.x_a, 0.3982592, 1e-4);
  EXPECT_NEAR(t.x_b, 0.7967668, 1e-4);
  const double xa[2] = {1 - t.x_a, t.x_a}, xb[2] = {1 - t.x_b, t.x_b};
  EXPECT_NEAR(fcc.gibbs_energy(xa, 600.), -23134.2707, 0.05);
  EXPECT_NEAR(fcc.gibbs_energy(xb, 600.), -22146.5589, 0.05);
  double mu_a[2], mu_b[2];
  fcc.chemical_potentials(xa, 600., mu_a);
  fcc.chemical_potentials(xb, 600., mu_b);
  EXPECT_NEAR(mu_a[0], -24121.367, 0.05);
  EXPECT_NEAR(mu_a[1], -21642.840, 0.05);
  EXPECT_NEAR(mu_a[0], mu_b[0], 1e-6);
  EXPECT_NEAR(mu_a[1], mu_b[1], 1e-6);
  // At 650 K the same calculation finds one FCC phase at x(Ni) = 0.5.
  EXPECT_THROW(common_tangent(fcc, fcc, 650., 0.3, 0.85), vitrum::SolverError);
}


/*
 * A liquidus/solidus point of the same published calculation (CalphadIntro,
 * answers.md, "FCC_liquid_example"): at 1540 K, x(Ni) = 0.5 overall,
 * LIQUID at x(Ni) = 0.368010 and FCC_A1 at 0.514311. This solver puts them
 * at 0.3684 and 0.5149 (hand Newton on the same parameters agrees), within
 * the 0.001 asked for but not to the digits printed; the course's grid
 * result is the likely cause, the test holds 0.001.
 */
TEST(TdbCuNi, LiquidFccTieLineAt1540K)
{
  const TdbDatabase   db     = cu_ni();
  const SolutionPhase fcc    = substitutional_phase(db, "FCC_A1", {"CU", "NI"});
  const SolutionPhase liquid = substitutional_phase(db, "LIQUID", {"CU", "NI"});
  const TieLine       t      = common_tangent(liquid, fcc, 1540., 0.35, 0.55);
  EXPECT_NEAR(t.x_a, 0.368010, 1e-3);
  EXPECT_NEAR(t.x_b, 0.514311, 1e-3);
}


TEST(TdbCuNi, GlassAsFrozenLiquid)
{
  const TdbDatabase   db     = cu_ni();
  const double        Tg     = 700.;
  const SolutionPhase liquid = substitutional_phase(db, "LIQUID", {"CU", "NI"});
  const SolutionPhase glass  = glass_phase(db, "LIQUID", {"CU", "NI"}, Tg);
  const double        x[2]   = {0.5, 0.5};
  // The undercooled liquid above Tg.
  for (const double T : {Tg, 900., 1400.})
    EXPECT_NEAR(glass.gibbs_energy(x, T),
                liquid.gibbs_energy(x, T),
                1e-9 * std::abs(liquid.gibbs_energy(x, T)));
  // Below: crystal reference plus the frozen liquid-minus-crystal part.
  const double T      = 500.;
  auto         frozen = [&](const double a, const double b, const double c7) {
    // d(T) = a + b T + c7 T^7 frozen at Tg.
    return a + b * Tg + c7 * std::pow(Tg, 7)
           + (T - Tg) * (b + 7 * c7 * std::pow(Tg, 6));
  };
  const double g_cu = ghsercu(T) + frozen(12964.736, -9.511904, -5.849E-21);
  const double g_ni = ghserni(T) + frozen(16414.686, -9.397, -3.82318E-21);
  const double hand = 0.5 * g_cu + 0.5 * g_ni + gas_constant * T * std::log(0.5)
                      + 0.25 * (12048.61 + 1.29893 * T);
  EXPECT_NEAR(glass.gibbs_energy(x, T), hand, 1e-9 * std::abs(hand));
  // (GLIQ - GHSER) is concave here (the T^7 terms), so its tangent lies
  // above it: the frozen glass is above the undercooled liquid.
  EXPECT_GT(glass.gibbs_energy(x, T), liquid.gibbs_energy(x, T));
}
