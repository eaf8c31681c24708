// Each model's Newton Jacobian against central differences of its residual
// (fem::jacobian_error), about a perturbed initial state.

#include <vitrum/base/parameter_file.h>
#include <vitrum/models/cahn_hilliard.h>
#include <vitrum/models/crystallization_field.h>
#include <vitrum/models/deposition.h>
#include <vitrum/models/model.h>
#include <vitrum/models/partitioning.h>

#include <gtest/gtest.h>

#include <iostream>
#include <string>

namespace
{
  using vitrum::models::declare_all_parameters;

  const std::string materials
    = std::string(VITRUM_SOURCE_DIR) + "/parameter_files/materials/";

  /// Every parameter declared, the given ones set.
  /// (Each test its own output folder: ctest runs them in parallel.)
  void
  read(dealii::ParameterHandler &prm, const std::string &text)
  {
    declare_all_parameters(prm);
    const std::string test
      = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    prm.parse_input_from_string(text
                                + "subsection Output\n"
                                  "  set Directory = jacobian_test_output/"
                                + test + "\nend\n");
  }


  /// A 1D bilayer with a material file at 623 K.
  std::string
  laminate(const std::string &material_file)
  {
    return "set Model = partitioning\n"
           "set Dimension = 1\n"
           "subsection Partitioning\n"
           "  set Material file = "
           + materials + material_file
           + "\n"
             "end\n"
             "subsection Temperature\n"
             "  set Schedule = 623 K\n"
             "end\n"
             "subsection Laminate\n"
             "  set Bilayers = 1\n"
             "  set Crystal thickness = 9\n"
             "  set Glass thickness = 6\n"
             "end\n"
             "subsection Mesh\n"
             "  set Coarse cells = 30\n"
             "  set Initial adaptation cycles = 0\n"
             "end\n";
  }
} // namespace


TEST(ModelJacobian, CahnHilliard)
{
  dealii::ParameterHandler prm;
  read(prm,
       "set Model = cahn hilliard\n"
       "subsection Mesh\n"
       "  set Domain size = 40, 40\n"
       "  set Coarse cells = 10, 10\n"
       "  set Polynomial degree = 2\n"
       "  set Initial adaptation cycles = 0\n"
       "end\n"
       "subsection Cahn-Hilliard\n"
       "  set Function constants = c0=0.5, epsilon=0.1\n"
       "end\n");
  vitrum::models::CahnHilliard<2> model(prm, MPI_COMM_WORLD);
  const double                    error = model.jacobian_error(3, 1e-2, 1.0);
  std::cout << "relative Jacobian error " << error << std::endl;
  EXPECT_LT(error, 1e-6);
}


TEST(ModelJacobian, PartitioningWithTheEstimatedDescription)
{
  dealii::ParameterHandler prm;
  read(prm, laminate("CrCoNi-TiZrNbHf.prm"));
  vitrum::models::Partitioning<1> model(prm, MPI_COMM_WORLD);
  // A step of 10 s at 623 K: diffusion, the phase field and the potentials
  // all matter.
  const double error = model.jacobian_error(3, 1e-2, 10.0);
  std::cout << "relative Jacobian error " << error << std::endl;
  EXPECT_LT(error, 1e-6);
}


TEST(ModelJacobian, PartitioningWithTheAssessedDatabase)
{
  dealii::ParameterHandler prm;
  read(prm, laminate("CrCoNi-TiZrNbHf-assessed.prm"));
  vitrum::models::Partitioning<1> model(prm, MPI_COMM_WORLD);
  const double                    error = model.jacobian_error(3, 1e-2, 10.0);
  std::cout << "relative Jacobian error " << error << std::endl;
  EXPECT_LT(error, 1e-6);
}


namespace
{
  /// The crystallization field in a 40 nm square at 700 K with `growth`
  /// entries in its subsection: the Jacobian of a 0.5 s step.
  double
  crystallization_field_error(const std::string &growth)
  {
    dealii::ParameterHandler prm;
    read(prm,
         "set Model = crystallization\n"
         "subsection Crystallization\n"
         "  set Mode = phase field\n"
         "end\n"
         "subsection Temperature\n"
         "  set Schedule = 700 K\n"
         "end\n"
         "subsection Mesh\n"
         "  set Domain size = 40, 40\n"
         "  set Coarse cells = 20, 20\n"
         "end\n"
         "subsection Crystallization field\n"
         "  set Interface width = 1\n"
           + growth
           + "  subsection Rates\n"
             "    set Growth rate = 1e-9\n"
             "  end\n"
             "end\n");
    vitrum::models::CrystallizationField<2> model(prm, MPI_COMM_WORLD);
    const double                            error = model.jacobian_error(0.5);
    std::cout << "relative Jacobian error " << error << std::endl;
    return error;
  }
} // namespace


TEST(ModelJacobian, CrystallizationFieldWithCurvatureFreeGrowth)
{
  EXPECT_LT(crystallization_field_error("  set Nucleus radius = 4\n"), 1e-6);
}


TEST(ModelJacobian, CrystallizationFieldWithCurvature)
{
  EXPECT_LT(crystallization_field_error(
              "  set Relaxation ratio = 0.8\n"
              "  set Curvature-free growth = false\n"),
            1e-6);
}


// A 2D growing film of the Zr-Cu-O glass (3 elements, the surface term and
// the surface layer's own mobility in the residual) after its first layer:
// perturbed, so that the fractions vary across the surface layer.
TEST(ModelJacobian, DepositionOfAThreeElementGlass)
{
  dealii::ParameterHandler prm;
  read(prm,
       "set Model = deposition\n"
       "set Dimension = 2\n"
       "subsection Deposition\n"
       "  set Material file = "
         + materials
         + "ZrCuO-glass.prm\n"
           "  set Layers = 2 nm at 1.2 nm/s with Cu: 49, Zr: 49, O: 2\n"
           "  set Layer thickness = 0.5 nm\n"
           "end\n"
           "subsection Mesh\n"
           "  set Domain size = 2, 2\n"
           "  set Coarse cells = 4, 4\n"
           "  set Maximum refinement level = 0\n"
           "end\n");
  vitrum::models::Deposition<2> model(prm, MPI_COMM_WORLD);
  const double                  error = model.jacobian_error(3, 1e-2, 0.1);
  std::cout << "relative Jacobian error " << error << std::endl;
  EXPECT_LT(error, 1e-6);
}
