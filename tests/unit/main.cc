#include <deal.II/base/mpi.h>

#include <gtest/gtest.h>

// Unit tests link the library, which needs MPI (PETSc) initialized.
int
main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
