#include <vitrum/base/exceptions.h>
#include <vitrum/base/schedule.h>
#include <vitrum/kinetics/composition_dependence.h>
#include <vitrum/kinetics/driving_force.h>
#include <vitrum/kinetics/jmak.h>
#include <vitrum/kinetics/kinetics_material.h>
#include <vitrum/kinetics/segment_crystallization.h>
#include <vitrum/rheology/molding.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

using namespace vitrum::kinetics;
using vitrum::InputError;
using vitrum::base::Quantity;
using vitrum::base::Schedule;
using vitrum::thermo::gas_constant;

namespace
{
  const std::vector<std::string> nipdpb = {"Ni", "Pd", "P", "B"};

  std::string
  write_file(const std::string &name, const std::string &text)
  {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
  }

  /// Constant-rate kinetics: I = I0 exp(-Q/RT) (and I_s = I0_s ...), U =
  /// U0 exp(-Q_U/RT).
  KineticsMaterial
  arrhenius(double Q_I, double Q_U)
  {
    // One file per set of energies: ctest runs the tests of this file in
    // parallel processes, which must not overwrite each other's file.
    return KineticsMaterial::read(write_file(
      "arrhenius_wire_" + std::to_string(int(Q_I)) + "_"
        + std::to_string(int(Q_U)) + ".prm",
      "set Molar volume = 10\nset Crystallization enthalpy = 5\nsubsection "
      "Driving force\n set Model = Thompson-Spaepen\nend\nsubsection "
      "Nucleation\n set Model = Arrhenius\n"
      " set Arrhenius prefactor = 1e20\n set Arrhenius interface prefactor = "
      "3e12\n set Arrhenius activation energy = "
        + std::to_string(Q_I)
        + "\nend\nsubsection Growth\n set Model = Arrhenius\n set Arrhenius "
          "prefactor = 2e-3\n set Arrhenius activation energy = "
        + std::to_string(Q_U) + "\nend\n"));
  }


  /// A 700 K hold of arrhenius(100, 50) in a 20 nm wire (wall area per
  /// volume 4/d = 2e8 /m), with its rates by hand.
  struct WireHold
  {
    const KineticsMaterial m  = arrhenius(100, 50);
    const double           T  = 700;
    const double           RT = gas_constant * T;
    const Schedule hold       = Schedule::constant(T, Quantity::temperature());
    const double   I          = 1e20 * std::exp(-1e5 / RT);
    const double   Is         = 3e12 * std::exp(-1e5 / RT);
    const double   U          = 2e-3 * std::exp(-5e4 / RT);
    SegmentCrystallizationSettings s;

    WireHold()
    {
      s.interface_area_per_volume = 2e8;
    }
  };
} // namespace


TEST(CompositionRatio, HandValuesAndErrors)
{
  const std::vector<double> x = {0.45, 0.35, 0.16, 0.04};
  const auto ni = CompositionRatio::parse("Ni/(Ni+Pd)", nipdpb, "test");
  EXPECT_NEAR(ni.value(x), 0.45 / 0.80, 1e-15);
  EXPECT_NEAR(CompositionRatio::parse(" P + B ", nipdpb, "t").value(x),
              0.20,
              1e-15);
  EXPECT_NEAR(CompositionRatio::parse("Pd/Ni", nipdpb, "t").value(x),
              0.35 / 0.45,
              1e-15);
  EXPECT_EQ(ni.value({0., 0., 0.5, 0.5}), 0.); // no Ni, no Pd
  EXPECT_THROW(CompositionRatio::parse("Cu/(Ni+Pd)", nipdpb, "t"), InputError);
  EXPECT_THROW(CompositionRatio::parse("Ni/Pd/B", nipdpb, "t"), InputError);
  EXPECT_THROW(CompositionRatio::parse("Ni/(Ni+)", nipdpb, "t"), InputError);
  EXPECT_THROW(CompositionRatio::parse("", nipdpb, "t"), InputError);
}


TEST(PiecewiseLinear, HandValuesClampingAndErrors)
{
  const auto t
    = PiecewiseLinear::parse("0.5: 894, 0.75: 894, 1: 1143", 1., "t");
  EXPECT_EQ(t.value(0.2), 894.);
  EXPECT_EQ(t.value(0.6), 894.);
  EXPECT_NEAR(t.value(0.93), 894 + 249 * 0.72, 1e-10);
  EXPECT_EQ(t.value(1.5), 1143.);
  const auto h = PiecewiseLinear::parse("0: 1, 2: 3", 1e3, "t");
  EXPECT_NEAR(h.value(0.5), 1.5e3, 1e-10);
  EXPECT_TRUE(PiecewiseLinear::parse("", 1., "t").empty());
  EXPECT_THROW(PiecewiseLinear::parse("1: 2, 0.5: 3", 1., "t"), InputError);
  EXPECT_THROW(PiecewiseLinear::parse("1: 2, 1: 3", 1., "t"), InputError);
  EXPECT_THROW(PiecewiseLinear::parse("1 2", 1., "t"), InputError);
  EXPECT_THROW(PiecewiseLinear::parse("1: two", 1., "t"), InputError);
}


TEST(KineticsMaterial, NiPdPBFileDependsOnNiShareAndSharesTheViscosity)
{
  const std::string dir
    = std::string(VITRUM_SOURCE_DIR) + "/parameter_files/materials/";
  const auto m = KineticsMaterial::read(dir + "Ni45Pd35P16B4-kinetics.prm");
  EXPECT_EQ(m.elements, nipdpb);
  const double T = 570.15; // 297 C
  // feedstock, Ni/(Ni+Pd) = 0.5625: on the plateau, T_l 894 K, 7.15 kJ/mol
  const std::vector<double> feed = {0.45, 0.35, 0.16, 0.04};
  EXPECT_NEAR(m.rates(feed, T).driving_force,
              7150. * (894 - T) / 894 * 2 * T / (894 + T),
              1e-9);
  // Ni/(Ni+Pd) = 0.93: T_l = 894 + 249 * 0.72, dH_f = 7.15 + 1.99 * 0.72
  const std::vector<double> tip = {0.744, 0.056, 0.16, 0.04};
  const double              Tl = 894 + 249 * 0.72, dH = 7150 + 1990 * 0.72;
  const Rates               r = m.rates(tip, T);
  EXPECT_NEAR(r.driving_force, dH * (Tl - T) / Tl * 2 * T / (Tl + T), 1e-9);
  EXPECT_GT(r.homogeneous, 1e3 * m.rates(feed, T).homogeneous);
  // the viscosity is the molding material's
  const auto flow
    = vitrum::rheology::MoldingMaterial::read(dir + "Ni45Pd35P16B4.prm");
  for (const double t : {540., 570.15, 600.})
    EXPECT_NEAR(m.viscosity.newtonian(t) / flow.viscosity.newtonian(t),
                1.,
                1e-14);
  EXPECT_THROW(m.rates({0.5, 0.5}, T), InputError);
}


TEST(KineticsMaterial, CompositionVariableErrors)
{
  const std::string head
    = "set Molar volume = 10\nset Crystallization enthalpy = 5\nset "
      "Elements = Ni, Pd\nsubsection Driving force\n set Model = "
      "Thompson-Spaepen\n set Melting enthalpy = 10\n set Liquidus "
      "temperature = 1000\n";
  EXPECT_THROW(KineticsMaterial::read(write_file(
                 "cv1.prm",
                 head + " set Liquidus temperature table = 0: 900\nend\n")),
               InputError); // table without a variable
  EXPECT_THROW(KineticsMaterial::read(
                 write_file("cv2.prm",
                            head + " set Composition variable = Cu/Ni\nend\n")),
               InputError);
  EXPECT_THROW(KineticsMaterial::read(
                 write_file("cv3.prm",
                            head
                              + " set Composition variable = Ni\n set Liquidus "
                                "temperature table = 0: 900, 1: -5\nend\n")),
               InputError);
  try
    {
      KineticsMaterial::read(write_file(
        "cv4.prm",
        head
          + "end\nsubsection Nucleation\n set Interface energy = 0.1\n set "
            "Site fraction = 1\n set Interface site fraction = 1\n set "
            "Contact angle = 180\nend\nsubsection Transport\n set Mechanism "
            "= viscosity\n set Jump distance = 0.3\n set Viscosity material "
            "file = /no/file.prm\nend\n"));
      ADD_FAILURE() << "a missing viscosity material file was accepted";
    }
  catch (const InputError &e)
    {
      EXPECT_NE(std::string(e.what()).find("Viscosity material file"),
                std::string::npos)
        << e.what();
    }
}


TEST(SegmentCrystallization, IsothermalIsTheClosedFormForEveryAge)
{
  const WireHold w;
  const auto    &m    = w.m;
  const auto    &hold = w.hold;
  const auto    &s    = w.s;
  const double   T = w.T, I = w.I, Is = w.Is, U = w.U;
  for (const double born : {0., 10., 25.})
    {
      const auto   c = crystallize_segment(m, {}, hold, born, born, 30., T, s);
      const double X = jmak_constant_rates(I + 2e8 * Is, U, 30. - born, 3);
      EXPECT_NEAR(c.fraction, X, 1e-12) << born;
      EXPECT_NEAR(c.radius, U * (30. - born), 1e-20);
      EXPECT_NEAR(c.nucleation / (I + 2e8 * Is), 1., 1e-14);
      EXPECT_NEAR(c.time_to_threshold,
                  jmak_time_to_fraction(I + 2e8 * Is, U, 0.5, 3),
                  1e-9);
    }
  // by hand: X = 1 - exp(-pi/3 I U^3 t^4), well inside (0, 1)
  const double X30 = crystallize_segment(m, {}, hold, 0, 0, 30, T, s).fraction;
  EXPECT_NEAR(
    X30,
    1 - std::exp(-M_PI / 3 * (I + 2e8 * Is) * std::pow(U, 3) * 810000.),
    1e-12);
  EXPECT_GT(X30, 0.3);
  EXPECT_LT(X30, 0.9);
  EXPECT_EQ(crystallize_segment(m, {}, hold, 30, 30, 30, T, s).fraction, 0.);
}


TEST(SegmentCrystallization, WallActsOnlyFromPoreEntry)
{
  // glass since 0, on the wall since 12 s: nuclei on the wall only later
  const WireHold w;
  const auto    &m    = w.m;
  const auto    &hold = w.hold;
  const auto    &s    = w.s;
  const double   T = w.T, I = w.I, Is = w.Is, U = w.U;
  const double   X = crystallize_segment(m, {}, hold, 0, 12, 30, T, s).fraction;
  // X_ext = (pi/3) U^3 [I t^4 + S_v I_s (t - 12)^4]
  EXPECT_NEAR(X,
              1
                - std::exp(
                  -M_PI / 3 * std::pow(U, 3)
                  * (I * std::pow(30., 4) + 2e8 * Is * std::pow(18., 4))),
              1e-12);
  EXPECT_LT(X, crystallize_segment(m, {}, hold, 0, 0, 30, T, s).fraction);
  // an entry before the glass formed changes nothing
  EXPECT_EQ(crystallize_segment(m, {}, hold, 5, 0, 30, T, s).fraction,
            crystallize_segment(m, {}, hold, 5, 5, 30, T, s).fraction);
}


TEST(SegmentCrystallization, RampConvergesAndAgesFromTheirBirth)
{
  // 600 K, ramp to 700 K in 100 s, hold: the history of a segment born at
  // 50 s starts at 650 K.
  const auto     m = arrhenius(150, 80);
  const Schedule T
    = Schedule::parse("600 K; ramp to 700 K in 100 s; hold 100 s",
                      Quantity::temperature());
  SegmentCrystallizationSettings coarse, fine;
  coarse.max_temperature_step = 1;
  fine.max_temperature_step   = 0.01;
  const double Xc
    = crystallize_segment(m, {}, T, 50, 50, 200, 700, coarse).fraction;
  const double Xf
    = crystallize_segment(m, {}, T, 50, 50, 200, 700, fine).fraction;
  EXPECT_GT(Xf, 0);
  EXPECT_NEAR(Xc / Xf, 1., 1e-4);
  // growth radius by hand: int U dt over the ramp (50..100 s) and the hold
  const double RT1 = gas_constant * 700;
  double       R   = 100 * 2e-3 * std::exp(-8e4 / RT1);
  const int    n   = 100000;
  for (int i = 0; i < n; ++i)
    {
      const double t = 50 + 50. * (i + 0.5) / n;
      R += 50. / n * 2e-3 * std::exp(-8e4 / (gas_constant * (600 + t)));
    }
  EXPECT_NEAR(crystallize_segment(m, {}, T, 50, 50, 200, 700, fine).radius / R,
              1.,
              1e-6);
  // older is more crystalline
  EXPECT_GT(crystallize_segment(m, {}, T, 0, 0, 200, 700, coarse).fraction, Xc);
}


TEST(SegmentCrystallization, OnsetIsTheFirstCrystallineSegmentFromTheRoot)
{
  EXPECT_EQ(crystallization_onset({1, 2, 3}, {0.1, 0.6, 0.2}, 0.5), 1.);
  EXPECT_EQ(crystallization_onset({1, 2, 3}, {0.1, 0.2, 0.5}, 0.5), 3.);
  EXPECT_EQ(crystallization_onset({1, 2, 3}, {0.1, 0.2, 0.3}, 0.5), -1.);
  EXPECT_EQ(crystallization_onset({1, 2}, {0.9, 0.9}, 0.5), 0.);
}


TEST(WireComposition, SegmentsKnowWhenTheirGlassFormed)
{
  vitrum::rheology::WireComposition wire({0.5, 0.5});
  wire.reset(1.);
  wire.add(0., {0.9, 0.1}, 10.); // wall layer at the tip at t = 10 s
  wire.add(2., {0., 0.}, 20.);   // feedstock at the root at t = 20 s
  wire.add(0., {0.8, 0.2}, 30.);
  const auto s = wire.segments();
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[3].tube, 0u);
  EXPECT_NEAR(s[0].thickness, 2., 1e-14); // the inflow: glass since 0,
  EXPECT_EQ(s[0].born, 0.);               // in the pore since 20 s
  EXPECT_EQ(s[0].entered, 20.);
  EXPECT_NEAR(s[1].bottom, 2., 1e-14); // the initial plug
  EXPECT_EQ(s[1].entered, 0.);
  EXPECT_NEAR(s[2].bottom, 3., 1e-14);
  EXPECT_EQ(s[2].born, 10.);
  EXPECT_EQ(s[2].entered, 10.);
  EXPECT_NEAR(s[2].x[0], 0.9, 1e-14);
  EXPECT_NEAR(s[3].bottom, 4., 1e-14);
  EXPECT_EQ(s[3].born, 30.);
}


TEST(WireComposition, PoiseuilleTubesOvertakeAndFountainAtTheFront)
{
  using vitrum::rheology::WireComposition;
  WireComposition wire({0.5, 0.5}, 4);
  // tube speeds 2 (1 - (2i + 1) / 8): mean 1
  EXPECT_NEAR(wire.tube_speed(0), 1.75, 1e-15);
  EXPECT_NEAR(wire.tube_speed(3), 0.25, 1e-15);
  wire.reset(1.);
  wire.add(0., {1., 0.}, 1.); // pure A deposited on top, [1, 2]
  wire.add(1., {0., 0.}, 2.); // flow: tubes reach 3.75, 3.25, 2.75, 2.25
  EXPECT_NEAR(wire.length(), 3., 1e-14);
  // A conserved: 1 deposited + 0.5 in each unit of feedstock (2 units)
  EXPECT_NEAR(wire.mean_composition()[0] * 3., 2., 1e-14);
  // tubes 0, 1 pushed 0.75 and 0.25 of A beyond the front; it was laid
  // down in tubes 2, 3 (gaps 0.25, 0.75), so near the tip all is A
  EXPECT_NEAR(wire.composition_at(2.9)[0], 1., 1e-14);
  // at 2.5 the axis tube is still feedstock
  EXPECT_NEAR(wire.composition_at(2.5)[0], (0.5 + 3.) / 4, 1e-14);
  EXPECT_NEAR(wire.composition_at(0.5)[0], 0.5, 1e-14);
  // cuts at the inflow/plug boundaries 1.75, 1.25, 0.75, 0.25 and the
  // feedstock/A boundaries 2.75, 2.25, 1.75, 1.25 of the tubes
  const auto c = wire.cross_sections();
  ASSERT_EQ(c.size(), 7u);
  EXPECT_NEAR(c[1].bottom, 0.25, 1e-14);
  EXPECT_NEAR(c[6].bottom, 2.75, 1e-14);
  EXPECT_NEAR(c[6].top, 3., 1e-14);
  const auto s = wire.segments();
  for (const auto &cs : c)
    for (unsigned int i = 0; i < 4; ++i)
      {
        const auto &seg = s[cs.segment[i]];
        EXPECT_EQ(seg.tube, i);
        EXPECT_LE(seg.bottom, cs.bottom + 1e-14);
        EXPECT_GE(seg.bottom + seg.thickness, cs.top - 1e-14);
      }
  // the mixed A keeps the age of its parts (deposited at t = 1)
  EXPECT_EQ(s.back().tube, 3u);
  EXPECT_EQ(s.back().born, 1.);
  EXPECT_NEAR(s.back().bottom, 1.25, 1e-14); // A merged: [1.25, 3]
}


TEST(WireComposition, TubesConserveEveryElement)
{
  vitrum::rheology::WireComposition wire({0.6, 0.3, 0.1}, 8);
  wire.reset(0.5);
  std::vector<double> amount = {0.3, 0.15, 0.05};
  const double        visc[] = {0.3, 0.0, 0.05, 0.7, 0.01};
  for (int step = 0; step < 5; ++step)
    {
      const std::vector<double> tip = {0.1 * step, 0.02, 0.03 * (step % 2)};
      wire.add(visc[step], tip, step);
      for (unsigned int k = 0; k < 3; ++k)
        amount[k] += visc[step] * (k == 0 ? 0.6 : k == 1 ? 0.3 : 0.1) + tip[k];
    }
  const double L = wire.length();
  EXPECT_NEAR(L, 0.5 + 1.06 + 1.16, 1e-13); // plug + flow + deposits
  for (unsigned int k = 0; k < 3; ++k)
    EXPECT_NEAR(wire.mean_composition()[k] * L, amount[k], 1e-13);
  double sum = 0;
  for (const auto &s : wire.segments())
    sum += s.thickness / 8;
  EXPECT_NEAR(sum, L, 1e-13);
}


TEST(WireComposition, SerializedRecordContinuesToTheBit)
{
  using vitrum::rheology::WireComposition;
  WireComposition wire({0.45, 0.35, 0.16, 0.04}, 5);
  wire.reset(0.3);
  // thirds and sevenths have no short decimal form
  for (int step = 1; step <= 6; ++step)
    wire.add(step % 3 == 0 ? 0. : 0.1 / 3 * step,
             {0.01 / 7 * step, 0.002 / 3, 0., 0.001 * (step % 2)},
             step / 3.);
  WireComposition copy({1.}, 1);
  copy.deserialize(wire.serialize());
  EXPECT_EQ(copy.serialize(), wire.serialize());
  EXPECT_EQ(copy.n_tubes(), 5u);
  // both go on alike: lengths, times and compositions bit for bit
  for (WireComposition *w : {&wire, &copy})
    w->add(0.2 / 3, {0.003 / 7, 0.001 / 3, 0.002, 0.}, 7. / 3);
  const auto a = wire.segments(), b = copy.segments();
  ASSERT_EQ(a.size(), b.size());
  for (unsigned int j = 0; j < a.size(); ++j)
    {
      EXPECT_EQ(a[j].tube, b[j].tube);
      EXPECT_EQ(a[j].bottom, b[j].bottom);
      EXPECT_EQ(a[j].thickness, b[j].thickness);
      EXPECT_EQ(a[j].born, b[j].born);
      EXPECT_EQ(a[j].entered, b[j].entered);
      EXPECT_EQ(a[j].x, b[j].x);
    }
  EXPECT_EQ(copy.length(), wire.length());
  EXPECT_EQ(copy.mean_composition(), wire.mean_composition());
}


TEST(WireComposition, DeserializeRefusesWhatIsNotARecord)
{
  vitrum::rheology::WireComposition wire({0.5, 0.5}, 2);
  wire.reset(1.);
  const std::string text = wire.serialize();
  EXPECT_THROW(wire.deserialize(""), InputError);
  EXPECT_THROW(wire.deserialize("tube 0x1p+1"), InputError);
  EXPECT_THROW(wire.deserialize(text.substr(0, text.rfind(' '))), InputError);
  EXPECT_THROW(wire.deserialize(text + " 0x1p+0"), InputError);
  EXPECT_THROW(wire.deserialize("wire 0x1p+1 0x1p-1 half"), InputError);
  // a failed read leaves the record as it was
  EXPECT_EQ(wire.serialize(), text);
}
