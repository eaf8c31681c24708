#include <vitrum/base/exceptions.h>
#include <vitrum/thermo/material.h>
#include <vitrum/thermo/tdb.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <string>

using vitrum::InputError;
using vitrum::thermo::gas_constant;
using vitrum::thermo::Interaction;
using vitrum::thermo::Material;

namespace
{
  const std::string shipped_file
    = std::string(VITRUM_SOURCE_DIR)
      + "/parameter_files/materials/CrCoNi-TiZrNbHf.prm";
  const std::string materials_dir
    = std::string(VITRUM_SOURCE_DIR) + "/parameter_files/materials/";

  /// The interaction of pair (i, j) in a phase, or nullptr.
  const Interaction *
  find_pair(const vitrum::thermo::SolutionPhase &phase,
            const unsigned int                   i,
            const unsigned int                   j)
  {
    for (const Interaction &p : phase.interactions_list())
      if (p.i == i && p.j == j)
        return &p;
    return nullptr;
  }

  /// G of a pure element (0 ln 0 = 0, no mixing terms).
  double
  pure_gibbs_energy(const vitrum::thermo::SolutionPhase &phase,
                    const unsigned int                   i,
                    const double                         T)
  {
    std::vector<double> x(phase.n_components(), 0.);
    x[i] = 1;
    return phase.gibbs_energy(x.data(), T);
  }

  /// A small valid material file of three elements.
  const std::string small_material = R"(set Name = test
set Elements = Co, Ni, Cr
set Molar volume = 7.0
set Gradient energy = 1e-10
subsection Interface
  set Energy = 0.2
  set Width = 1
  set Mobility prefactor = 1e-5
  set Mobility activation energy = 100
end
subsection Mixing enthalpy
  set Co-Ni = 0
  set Co-Cr = -4
  set Ni-Cr = -7
end
subsection Crystal
  subsection Lattice stability
    set Co = -14.7, 8.314
    set Ni = -14.4 + 2 - 0.5, 8.314
    set Cr = -18.1, 8.314
  end
  subsection Interaction
    set Co-Ni = 1.5, -0.5; 2, 0
  end
  subsection Diffusion
    set Co = 2e-8, 143.5
    set Ni = 2e-8, 143.5
    set Cr = 2e-8, 143.5
  end
end
subsection Glass
  subsection Diffusion
    set Co = 0.1, 226
    set Ni = 0.1, 226
    set Cr = 0.1, 226
  end
end
)";

  std::string
  replaced(const std::string &text,
           const std::string &from,
           const std::string &to)
  {
    const auto p = text.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    std::string result = text;
    return result.replace(p, from.size(), to);
  }

  std::string
  write_file(const std::string &name, const std::string &text)
  {
    const std::string file = testing::TempDir() + "/" + name;
    std::ofstream(file) << text;
    return file;
  }

  /// The message of the InputError that reading `text` throws.
  std::string
  read_error(const std::string &name, const std::string &text)
  {
    const std::string file = write_file(name, text);
    try
      {
        Material::read(file);
      }
    catch (const InputError &e)
      {
        const std::string message = e.what();
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        EXPECT_NE(message.find(name), std::string::npos) << message;
        return message;
      }
    ADD_FAILURE() << name << ": no InputError";
    return "";
  }

  bool
  contains(const std::string &text, const std::string &part)
  {
    return text.find(part) != std::string::npos;
  }
} // namespace


// The shipped file is being calibrated (its FIT values change), so only
// the values with a published or derived source are checked here.
TEST(Material, ReadsTheShippedFile)
{
  const Material m = Material::read(shipped_file);
  EXPECT_EQ(m.name, "CrCoNi-TiZrNbHf");
  ASSERT_EQ(m.n_components(), 7u);
  EXPECT_EQ(m.elements.back(), "Cr");
  EXPECT_EQ(m.element_index("Co"), 0u);
  EXPECT_EQ(m.element_index("Cr"), 6u);
  EXPECT_THROW(m.element_index("Fe"), InputError);

  // Thickness-weighted mean of the element molar volumes, cm^3 -> m^3.
  EXPECT_NEAR(m.molar_volume, 8.73e-6, 1e-15);
  EXPECT_NEAR(m.gradient_energy, 5e-11, 1e-25);

  // Every pair in both phases; in the glass L0(Ni, Zr) = 4 * (-49) kJ/mol.
  const unsigned int ni = m.element_index("Ni"), zr = m.element_index("Zr");
  EXPECT_EQ(m.crystal.interactions_list().size(), 21u);
  EXPECT_EQ(m.glass.interactions_list().size(), 21u);
  ASSERT_NE(find_pair(m.crystal, ni, zr), nullptr);
  const Interaction *p = find_pair(m.glass, ni, zr);
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->a.size(), 1u);
  EXPECT_NEAR(p->a[0], -196000., 1e-9);
  EXPECT_EQ(p->b[0], 0.);

  // Crystal G0 of Ni at 623 K: -R T_m + R T with R = 8.314, T_m = 1728 K
  // (written as -14.3666 kJ/mol, 8.314 J/(mol K)); the glass is the
  // reference, G0 = 0.
  const double T = 623;
  EXPECT_NEAR(pure_gibbs_energy(m.crystal, ni, T),
              -14366.6 + 8.314 * 623.,
              1e-8);
  EXPECT_EQ(pure_gibbs_energy(m.glass, ni, T), 0.);

  // Diffusion: activation energies in J/mol (the prefactors are fitted).
  ASSERT_EQ(m.crystal_diffusion.size(), 7u);
  ASSERT_EQ(m.glass_diffusion.size(), 7u);
  for (unsigned int i = 0; i < 7; ++i)
    {
      EXPECT_DOUBLE_EQ(m.crystal_diffusion[i].Q, 143500.);
      EXPECT_DOUBLE_EQ(m.glass_diffusion[i].Q, 226000.);
      EXPECT_GT(m.crystal_diffusion[i].D0, 0.);
      EXPECT_GT(m.glass_diffusion[i].D0, 0.);
    }
  const std::vector<double> Mc = m.crystal_mobilities(T);
  const std::vector<double> Mg = m.glass_mobilities(T);
  ASSERT_EQ(Mc.size(), 7u);
  ASSERT_EQ(Mg.size(), 7u);
  EXPECT_DOUBLE_EQ(Mc[ni], m.crystal_diffusion[ni].mobility(T));
  EXPECT_DOUBLE_EQ(Mg[ni],
                   m.glass_diffusion[ni].D0
                     * std::exp(-226000. / (gas_constant * T))
                     / (gas_constant * T));

  // Interface: sigma = 0.1 J/m^2, lambda = 0.5 nm, Q = 226 kJ/mol.
  EXPECT_DOUBLE_EQ(m.interface_energy, 0.1);
  EXPECT_NEAR(m.interface_width, 0.5e-9, 1e-24);
  EXPECT_GT(m.interface_mobility.D0, 0.);
  EXPECT_DOUBLE_EQ(m.interface_mobility.Q, 226000.);
  // W = 3 sigma V_m / lambda = 3 * 0.1 * 8.73e-6 / 0.5e-9 = 5238 J/mol
  EXPECT_NEAR(m.well_height(), 5238., 1e-9);
  // kappa_phi = 6 sigma lambda = 3e-10 J/m
  EXPECT_NEAR(m.phase_gradient_energy(), 3e-10, 1e-24);
  // L_phi = m0 exp(-Q/RT) / (6 lambda)
  EXPECT_NEAR(m.phase_field_mobility(T)
                / (m.interface_mobility.D0
                   * std::exp(-226000. / (gas_constant * T)) / 3e-9),
              1.,
              1e-12);
}


TEST(Material, ReadsRedlichKisterOverridesAndSums)
{
  const Material m = Material::read(write_file("small.prm", small_material));
  ASSERT_EQ(m.n_components(), 3u);
  EXPECT_EQ(m.name, "test");
  EXPECT_NEAR(m.molar_volume, 7e-6, 1e-18);
  EXPECT_NEAR(m.interface_width, 1e-9, 1e-24);
  EXPECT_DOUBLE_EQ(m.interface_mobility.Q, 100000.);

  // Crystal Co-Ni: override "1.5, -0.5; 2, 0"; glass Co-Ni: 4 dH = 0.
  const Interaction *c = find_pair(m.crystal, 0, 1);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->a.size(), 2u);
  EXPECT_DOUBLE_EQ(c->a[0], 1500.);
  EXPECT_DOUBLE_EQ(c->b[0], -0.5);
  EXPECT_DOUBLE_EQ(c->a[1], 2000.);
  EXPECT_DOUBLE_EQ(c->b[1], 0.);
  const Interaction *g = find_pair(m.glass, 0, 1);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->a, std::vector<double>{0.});
  // Ni-Cr = 4 * (-7) kJ/mol in both phases
  EXPECT_DOUBLE_EQ(find_pair(m.crystal, 1, 2)->a[0], -28000.);
  EXPECT_DOUBLE_EQ(find_pair(m.glass, 1, 2)->a[0], -28000.);

  // D0 as written (m^2/s), Q in kJ/mol -> J/mol.
  EXPECT_DOUBLE_EQ(m.crystal_diffusion[2].D0, 2e-8);
  EXPECT_DOUBLE_EQ(m.crystal_diffusion[2].Q, 143500.);
  EXPECT_DOUBLE_EQ(m.glass_diffusion[2].D0, 0.1);
  EXPECT_DOUBLE_EQ(m.glass_diffusion[2].Q, 226000.);

  // "-14.4 + 2 - 0.5, 8.314": a = -12.9 kJ/mol
  EXPECT_NEAR(pure_gibbs_energy(m.crystal, 1, 500.),
              -12900. + 8.314 * 500.,
              1e-8);
}


TEST(Material, DefaultsTheNameToTheFileName)
{
  const Material m = Material::read(
    write_file("unnamed.prm", replaced(small_material, "set Name = test", "")));
  EXPECT_EQ(m.name, "unnamed");
}


TEST(Material, MissingFileIsAnError)
{
  const std::string file = testing::TempDir() + "/no_such_material.prm";
  try
    {
      Material::read(file);
      FAIL() << "no InputError";
    }
  catch (const InputError &e)
    {
      EXPECT_TRUE(contains(e.what(), "no_such_material.prm")) << e.what();
    }
}


TEST(Material, BadFilesNameTheBadEntry)
{
  // An element that is not in the list, in a pair.
  std::string message
    = read_error("unknown_pair.prm",
                 replaced(small_material, "set Co-Ni = 0", "set Co-Xx = 0"));
  EXPECT_TRUE(contains(message, "'Co-Xx'")) << message;
  EXPECT_TRUE(contains(message, "Mixing enthalpy")) << message;

  // A pair named against the order of the Elements list.
  message
    = read_error("reversed_pair.prm",
                 replaced(small_material, "set Ni-Cr = -7", "set Cr-Ni = -7"));
  EXPECT_TRUE(contains(message, "'Cr-Ni'")) << message;
  EXPECT_TRUE(contains(message, "Co, Ni, Cr")) << message;

  // A malformed "D0, Q".
  message
    = read_error("bad_diffusion.prm",
                 replaced(small_material, "set Ni = 0.1, 226", "set Ni = abc"));
  EXPECT_TRUE(contains(message, "Glass/Diffusion")) << message;
  EXPECT_TRUE(contains(message, "'Ni' = 'abc'")) << message;
  EXPECT_TRUE(contains(message, "D0, Q")) << message;

  // A negative D0.
  message = read_error("negative_D0.prm",
                       replaced(small_material,
                                "set Cr = 2e-8, 143.5",
                                "set Cr = -2e-8, 143.5"));
  EXPECT_TRUE(contains(message, "Crystal/Diffusion")) << message;
  EXPECT_TRUE(contains(message, "'Cr' = '-2e-8, 143.5'")) << message;
  EXPECT_TRUE(contains(message, "0 < D0")) << message;

  // An element listed twice.
  message = read_error("duplicate.prm",
                       replaced(small_material,
                                "set Elements = Co, Ni, Cr",
                                "set Elements = Co, Ni, Co, Cr"));
  EXPECT_TRUE(contains(message, "'Co' is listed twice")) << message;
  EXPECT_TRUE(contains(message, "Elements")) << message;

  // An Interaction entry that does not parse.
  message = read_error("bad_interaction.prm",
                       replaced(small_material,
                                "set Co-Ni = 1.5, -0.5; 2, 0",
                                "set Co-Ni = 1.5, -0.5; 2"));
  EXPECT_TRUE(contains(message, "Crystal/Interaction")) << message;
  EXPECT_TRUE(contains(message, "'Co-Ni'")) << message;

  // A pair with neither a mixing enthalpy nor an interaction parameter.
  message = read_error("missing_pair.prm",
                       replaced(small_material, "set Co-Cr = -4", ""));
  EXPECT_TRUE(contains(message, "'Co-Cr'")) << message;
  EXPECT_TRUE(contains(message, "is not set")) << message;

  // A required entry that is not set.
  message = read_error("missing_diffusion.prm",
                       replaced(small_material, "set Cr = 0.1, 226", ""));
  EXPECT_TRUE(contains(message, "Glass/Diffusion, entry 'Cr' is not set"))
    << message;

  // Material data has no defaults: a missing number is an error naming it.
  message = read_error("missing_volume.prm",
                       replaced(small_material, "set Molar volume = 7.0", ""));
  EXPECT_TRUE(contains(message, "entry 'Molar volume' is not set")) << message;
  message
    = read_error("missing_mobility.prm",
                 replaced(small_material, "set Mobility prefactor = 1e-5", ""));
  EXPECT_TRUE(
    contains(message, "subsection Interface, entry 'Mobility prefactor'"))
    << message;
  EXPECT_TRUE(contains(message, "is not set")) << message;

  // A value out of range.
  message = read_error("big_volume.prm",
                       replaced(small_material,
                                "set Molar volume = 7.0",
                                "set Molar volume = 70"));
  EXPECT_TRUE(contains(message, "'Molar volume' = '70'")) << message;
  EXPECT_TRUE(contains(message, "cm^3/mol")) << message;

  // Fewer than two elements.
  message = read_error("one_element.prm",
                       replaced(small_material,
                                "set Elements = Co, Ni, Cr",
                                "set Elements = Co"));
  EXPECT_TRUE(contains(message, "at least two")) << message;

  // A line that is not a parameter-file line.
  message = read_error("garbage.prm",
                       replaced(small_material,
                                "set Gradient energy = 1e-10",
                                "Gradient energy 1e-10"));
  EXPECT_TRUE(contains(message, "line 4 (\"Gradient energy 1e-10\")"))
    << message;

  // An unknown entry, an unknown subsection, a missing "end".
  message
    = read_error("unknown_entry.prm",
                 replaced(small_material, "set Width = 1", "set Widht = 1"));
  EXPECT_TRUE(contains(message, "subsection Interface, entry 'Widht'"))
    << message;
  message = read_error("unknown_subsection.prm",
                       replaced(small_material,
                                "subsection Glass",
                                "subsection Glas"));
  EXPECT_TRUE(contains(message, "Glas")) << message;
  message
    = read_error("missing_end.prm",
                 replaced(small_material, "    set Cr = 0.1, 226\n  end", ""));
  EXPECT_TRUE(contains(message, "end")) << message;
}


// The shipped file whose phases come from the assessed database: the glass
// is the TDB's liquid above Tg and its frozen-in continuation below.
TEST(Material, ReadsTheAssessedDatabaseFile)
{
  const Material m
    = Material::read(materials_dir + "CrCoNi-TiZrNbHf-assessed.prm");
  EXPECT_EQ(m.name, "CrCoNi-TiZrNbHf-assessed");
  ASSERT_EQ(m.n_components(), 7u);
  EXPECT_EQ(m.elements.back(), "Ni");
  ASSERT_NE(m.database, nullptr);
  EXPECT_EQ(m.crystal_phase_name, "FCC_A1");
  EXPECT_EQ(m.glass_phase_name, "LIQUID");
  const double Tg = m.glass_transition_temperature;
  EXPECT_EQ(Tg, 730.);

  const std::vector<std::string> symbols
    = {"CO", "CR", "TI", "ZR", "NB", "HF", "NI"};
  const auto liquid
    = vitrum::thermo::substitutional_phase(*m.database, "LIQUID", symbols);
  const auto fcc
    = vitrum::thermo::substitutional_phase(*m.database, "FCC_A1", symbols);
  const std::vector<double> x = {0.025, 0.03, 0.219, 0.22, 0.206, 0.225, 0.075};
  // Above Tg the glass is the liquid, the crystal always the FCC phase.
  for (const double T : {Tg + 1e-9, 800., 1200.})
    EXPECT_NEAR(m.glass.gibbs_energy(x.data(), T),
                liquid.gibbs_energy(x.data(), T),
                1e-8);
  EXPECT_NEAR(m.crystal.gibbs_energy(x.data(), 623.),
              fcc.gibbs_energy(x.data(), 623.),
              1e-8);
  // Below Tg it departs from the liquid, continuously at Tg, and its
  // entropy -dG/dT is continuous there too (a frozen configuration).
  const double G_minus = m.glass.gibbs_energy(x.data(), Tg - 1e-6);
  const double G_plus  = m.glass.gibbs_energy(x.data(), Tg + 1e-6);
  EXPECT_NEAR(G_minus, G_plus, 1e-3);
  const double h     = 1e-3;
  const double S_low = -(m.glass.gibbs_energy(x.data(), Tg - h)
                         - m.glass.gibbs_energy(x.data(), Tg - 2 * h))
                       / h;
  const double S_high = -(m.glass.gibbs_energy(x.data(), Tg + 2 * h)
                          - m.glass.gibbs_energy(x.data(), Tg + h))
                        / h;
  EXPECT_NEAR(S_low, S_high, 1e-2);
  // Below Tg it is the database's frozen liquid. With SGTE unaries the
  // undercooled liquid already has nearly the crystal's heat capacity, so
  // freezing moves G by only ~0.03 J/mol at 500 K here (the README says
  // what this means for the glass).
  const auto frozen
    = vitrum::thermo::glass_phase(*m.database, "LIQUID", symbols, Tg);
  for (const double T : {300., 500., 700.})
    EXPECT_NEAR(m.glass.gibbs_energy(x.data(), T),
                frozen.gibbs_energy(x.data(), T),
                1e-8);
  EXPECT_GT(std::abs(m.glass.gibbs_energy(x.data(), 500.)
                     - liquid.gibbs_energy(x.data(), 500.)),
            1e-3);
}


TEST(Material, DatabaseFileErrorsNameTheEntry)
{
  const std::string text = R"(set Name = db
set Elements = Co, Ni
set Molar volume = 7
set Gradient energy = 1e-10
subsection Thermodynamic database
  set File = )" + materials_dir
                           + R"(CrCoNi-TiZrNbHf.tdb
  set Crystal phase = FCC_A1
  set Glass phase = LIQUID
  set Glass transition temperature = 700
end
subsection Interface
  set Energy = 0.1
  set Width = 1
  set Mobility prefactor = 1e-5
  set Mobility activation energy = 100
end
subsection Crystal
  subsection Diffusion
    set Co = 1e-5, 200
    set Ni = 1e-5, 200
  end
end
subsection Glass
  subsection Diffusion
    set Co = 1e-5, 200
    set Ni = 1e-5, 200
  end
end
)";
  EXPECT_NO_THROW(Material::read(write_file("db_ok.prm", text)));

  std::string message
    = read_error("db_no_tg.prm",
                 replaced(text, "set Glass transition temperature = 700", ""));
  EXPECT_NE(message.find("Glass transition temperature' is not set"),
            std::string::npos)
    << message;

  message
    = read_error("db_two_sources.prm",
                 text + "subsection Mixing enthalpy\n set Co-Ni = -5\nend\n");
  EXPECT_NE(message.find("'Co-Ni'"), std::string::npos) << message;
  EXPECT_NE(message.find("Thermodynamic database"), std::string::npos)
    << message;

  message = read_error("db_no_phase.prm",
                       replaced(text,
                                "set Crystal phase = FCC_A1",
                                "set Crystal phase = FCC_B9"));
  EXPECT_NE(message.find("FCC_B9"), std::string::npos) << message;
}


// Element molar volumes: V(x)/V_m by Vegard's rule, 1 without them, and
// every element or none.
TEST(Material, ElementMolarVolumesGiveTheVolumeRatio)
{
  const std::string text = R"(set Name = v
set Elements = Co, Ni
set Molar volume = 7
set Gradient energy = 1e-10
subsection Thermodynamic database
  set File = )" + materials_dir
                           + R"(CrCoNi-TiZrNbHf.tdb
  set Crystal phase = FCC_A1
  set Glass phase = LIQUID
  set Glass transition temperature = 700
end
subsection Interface
  set Energy = 0.1
  set Width = 1
  set Mobility prefactor = 1e-5
  set Mobility activation energy = 100
end
subsection Crystal
  subsection Diffusion
    set Co = 1e-5, 200
    set Ni = 1e-5, 200
  end
end
subsection Glass
  subsection Diffusion
    set Co = 1e-5, 200
    set Ni = 1e-5, 200
  end
end
)";
  const double x[2] = {0.25, 0.75};
  EXPECT_EQ(Material::read(write_file("v_none.prm", text)).volume_ratio(x), 1.);

  const std::string with = text + "set Element molar volumes = Ni: 6, Co: 10\n";
  const Material    m    = Material::read(write_file("v_both.prm", with));
  ASSERT_EQ(m.element_molar_volumes.size(), 2u);
  EXPECT_DOUBLE_EQ(m.element_molar_volumes[0], 10e-6); // Co, in file order
  EXPECT_NEAR(m.volume_ratio(x), (0.25 * 10 + 0.75 * 6) / 7., 1e-14);

  std::string message
    = read_error("v_one.prm", text + "set Element molar volumes = Co: 10\n");
  EXPECT_NE(message.find("no value for Ni"), std::string::npos) << message;
  message = read_error("v_bad.prm",
                       text + "set Element molar volumes = Co: 0, Ni: 6\n");
  EXPECT_NE(message.find("1 < V <= 50"), std::string::npos) << message;
  message = read_error("v_other.prm",
                       text + "set Element molar volumes = Co: 9, Cu: 6\n");
  EXPECT_NE(message.find("'Cu'"), std::string::npos) << message;
}


namespace
{
  /// The check case's binary glass (tests/regression/deposition).
  const std::string glass_only = R"(set Phases = glass
set Name = AB
set Elements = A, B
set Molar volume = 10
set Gradient energy = 2e-10
subsection Mixing enthalpy
  set A-B = 3
end
subsection Glass
  subsection Diffusion
    set A = 1e-6, 300
    set B = 1e-6, 300
  end
end
subsection Surface
  set Energy = A: 0.95, B: 1.0
  set Diffusivity = 6.45e-19
  set Layer thickness = 3
end
)";
} // namespace


TEST(Material, ReadsAGlassOnlyFileWithItsSurface)
{
  const Material m = Material::read(write_file("glass_only.prm", glass_only));
  EXPECT_FALSE(m.has_crystal);
  ASSERT_TRUE(m.surface.given);
  EXPECT_DOUBLE_EQ(m.surface.energy[0], 0.95);
  EXPECT_DOUBLE_EQ(m.surface.energy[1], 1.0);
  EXPECT_DOUBLE_EQ(m.surface.diffusivity, 6.45e-19);
  EXPECT_DOUBLE_EQ(m.surface.layer_thickness, 3e-9);
  // L0 = 4 dH_mix: G(1/2) = RT ln(1/2) + L0 / 4.
  const double x[2] = {0.5, 0.5};
  EXPECT_NEAR(m.glass.gibbs_energy(x, 300),
              gas_constant * 300 * std::log(0.5) + 3000,
              1e-9);
  ASSERT_EQ(m.glass_mobilities(300).size(), 2u);
}


TEST(Material, GlassOnlyFilesRefuseCrystalEntriesAndPartialSurfaces)
{
  EXPECT_TRUE(contains(read_error("glass_crystal.prm",
                                  glass_only
                                    + "subsection Crystal\n subsection "
                                      "Lattice stability\n  set A = -10, "
                                      "8.3\n end\nend\n"),
                       "Crystal/Lattice stability/A"));
  EXPECT_TRUE(contains(read_error("glass_interface.prm",
                                  glass_only
                                    + "subsection Interface\n set Energy = "
                                      "0.1\nend\n"),
                       "Interface/Energy"));
  EXPECT_TRUE(contains(
    read_error("surface_partial.prm",
               replaced(glass_only, "  set Diffusivity = 6.45e-19\n", "")),
    "Diffusivity"));
  EXPECT_TRUE(
    contains(read_error("surface_element.prm",
                        replaced(glass_only, "A: 0.95, B: 1.0", "A: 0.95")),
             "no value for B"));
}
