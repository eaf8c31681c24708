#ifndef vitrum_fem_stokes_solver_h
#define vitrum_fem_stokes_solver_h

#include <deal.II/base/function.h>
#include <deal.II/base/index_set.h>
#include <deal.II/base/point.h>
#include <deal.II/base/tensor.h>
#include <deal.II/base/timer.h>

#include <deal.II/distributed/tria.h>

#include <deal.II/dofs/dof_handler.h>

#include <deal.II/fe/component_mask.h>
#include <deal.II/fe/fe_system.h>
#include <deal.II/fe/fe_update_flags.h>

#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/trilinos_block_sparse_matrix.h>
#include <deal.II/lac/trilinos_parallel_block_vector.h>

#include <mpi.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    /**
     * Everything one Stokes solve needs besides the mesh, in the units the
     * caller chose (the solver sees only numbers of order one).
     */
    template <int dim>
    struct StokesProblem
    {
      /// Dirichlet data: boundary -> (component mask, values).
      std::map<dealii::types::boundary_id,
               std::pair<dealii::ComponentMask,
                         std::shared_ptr<const dealii::Function<dim>>>>
        dirichlet;
      /// Traction on a boundary at a point with outward normal n.
      std::function<dealii::Tensor<1, dim>(dealii::types::boundary_id,
                                           const dealii::Point<dim> &,
                                           const dealii::Tensor<1, dim> &)>
        traction;
      /// Body force (may be empty).
      std::function<dealii::Tensor<1, dim>(const dealii::Point<dim> &)>
        body_force;
      /// Viscosity from the effective shear rate (2 eps:eps)^(1/2).
      std::function<double(double)> viscosity;
      /// d(viscosity)/d(rate), for Newton.
      std::function<double(double)> viscosity_derivative;
      /// The viscosity depends on the rate: iterate.
      bool nonlinear = false;
    };


    /// How StokesSolver discretizes and solves.
    struct StokesSolverParameters
    {
      /// 2D only: (r, z) about x = 0 instead of planar (x, y).
      bool axisymmetric = false;
      /// Newton (after two Picard iterations) instead of Picard alone.
      bool         newton               = true;
      double       nonlinear_tolerance  = 1e-8;
      unsigned int nonlinear_iterations = 300;
      double       linear_tolerance     = 1e-10;
      /// The parameter subsection whose entries these are, named in the
      /// messages of a solve that fails.
      std::string subsection = "Nanomolding";
    };


    /// Velocity components only (the first dim of dim + 1).
    dealii::ComponentMask
    velocity_mask(int dim);

    /// u_0 = ... = u_{dim-2}: the motion along a boundary normal to the
    /// last axis.
    dealii::ComponentMask
    tangential_mask(int dim);

    /// Component c alone (u_0 on a symmetry plane normal to x, say).
    dealii::ComponentMask
    single_component(int dim, unsigned int c);


    /**
     * Creeping flow -div(2 eta(gdot) eps(u)) + grad p = f, div u = 0 with
     * Taylor-Hood Q2/Q1 elements, planar, axisymmetric (r, z) or 3D, on a
     * distributed mesh the caller fills (mesh()). FGMRES with a block
     * triangular preconditioner: one AMG V-cycle on the velocity block and
     * the 1/eta-weighted pressure mass matrix for the Schur complement.
     * A rate-dependent viscosity is iterated: two Picard iterations, then
     * Newton with the exact (symmetric) tangent, or Picard throughout.
     *
     * The axisymmetric weak form carries the weight r in every integral
     * and the hoop strain u_r / r in the viscous term and the divergence.
     */
    template <int dim>
    class StokesSolver
    {
    public:
      /// `timer` gets the sections setup, assemble and solve.
      StokesSolver(MPI_Comm                      comm,
                   const StokesSolverParameters &parameters,
                   dealii::TimerOutput          &timer);

      /// The mesh to solve on; a solve distributes DoFs on it anew.
      dealii::parallel::distributed::Triangulation<dim> &
      mesh()
      {
        return triangulation;
      }

      const dealii::parallel::distributed::Triangulation<dim> &
      mesh() const
      {
        return triangulation;
      }

      /// Set up, assemble and solve (with nonlinear iterations if the
      /// problem is nonlinear); returns the number of nonlinear iterations
      /// (1 for a linear problem). SolverError if it does not converge.
      unsigned int
      solve(const StokesProblem<dim> &problem);

      /// Whether solve() has run (the solution belongs to the mesh of the
      /// last solve).
      bool
      has_solution() const
      {
        return solved;
      }

      /// Which of n regions (e.g. the pores of an array) a face lies in,
      /// from its center.
      using Region = std::function<unsigned int(const dealii::Point<dim> &)>;

      /// Integral of u . n over a boundary (times 2 pi r if axisymmetric:
      /// the volume flux through the surface of revolution).
      double
      boundary_flux(dealii::types::boundary_id id) const;

      /// The same per region: entry i sums the faces of region i.
      std::vector<double>
      boundary_flux(dealii::types::boundary_id id,
                    const Region              &region,
                    unsigned int               n_regions) const;

      /// Area of a boundary (times 2 pi r if axisymmetric: the surface
      /// of revolution), as the mesh's faces have it.
      double
      boundary_area(dealii::types::boundary_id id) const;

      /// Mean pressure (weighted by r if axisymmetric) over the faces at
      /// x_{dim-1} = 0 of the cells below it, per region (0 for a region
      /// without such faces): the entrance of each pore that opens at
      /// z = 0 into a reservoir above.
      std::vector<double>
      entrance_pressure(const Region &region, unsigned int n_regions) const;

      /// Visit every quadrature point of a QGauss(n_points) rule on the
      /// locally owned cells with the integration weight (JxW, times r if
      /// axisymmetric) and the velocity and pressure of the solution there.
      void
      for_each_quadrature_point(
        unsigned int                       n_points,
        const std::function<void(const dealii::Point<dim> &,
                                 double,
                                 const dealii::Tensor<1, dim> &,
                                 double)> &visit) const;

      /// The solution as <directory>/<name>_00.pvtu: velocity_m_per_s and
      /// pressure_Pa, the solution (in units of the flow's scales) times
      /// velocity_scale (m/s) and pressure_scale (Pa).
      void
      write_fields(const std::string &directory,
                   const std::string &name,
                   double             velocity_scale,
                   double             pressure_scale) const;

      dealii::types::global_dof_index
      n_dofs() const
      {
        return dof_handler.n_dofs();
      }
      dealii::types::global_dof_index
      n_velocity_dofs() const
      {
        return solution.block(0).size();
      }
      dealii::types::global_dof_index
      n_pressure_dofs() const
      {
        return solution.block(1).size();
      }
      /// FGMRES iterations of the last linear solve.
      unsigned int
      linear_iterations() const
      {
        return last_iterations;
      }
      /// FGMRES iterations of each linear solve of the last solve() (one
      /// per nonlinear iteration).
      const std::vector<unsigned int> &
      linear_iteration_history() const
      {
        return iteration_history;
      }

    private:
      /// Sum over the faces of boundary `id` in each region of
      /// integrand(face values) at each quadrature point times JxW (times
      /// 2 pi r if axisymmetric).
      template <typename Integrand>
      std::vector<double>
      integrate_over_boundary(dealii::types::boundary_id id,
                              dealii::UpdateFlags        flags,
                              const Integrand           &integrand,
                              const Region              &region,
                              unsigned int               n_regions) const;

      MPI_Comm               comm;
      StokesSolverParameters parameters;
      dealii::TimerOutput   &timer;

      dealii::parallel::distributed::Triangulation<dim> triangulation;
      dealii::FESystem<dim>                             fe;
      dealii::DoFHandler<dim>                           dof_handler;
      dealii::AffineConstraints<double>                 constraints;
      std::vector<dealii::IndexSet>                     owned_partitioning;
      std::vector<dealii::IndexSet>                     relevant_partitioning;
      dealii::TrilinosWrappers::BlockSparseMatrix       system_matrix;
      dealii::TrilinosWrappers::BlockSparseMatrix       preconditioner_matrix;
      dealii::TrilinosWrappers::MPI::BlockVector        solution;
      dealii::TrilinosWrappers::MPI::BlockVector        system_rhs;
      unsigned int                                      last_iterations = 0;
      std::vector<unsigned int>                         iteration_history;
      bool                                              solved = false;

      void
      setup_dofs(const StokesProblem<dim> &problem);

      /// Size `matrix` for the pressure-pressure coupling alone
      /// (`pressure_block`, the preconditioner's mass matrix) or for all
      /// the others (the Stokes system).
      void
      make_block_matrix(dealii::TrilinosWrappers::BlockSparseMatrix &matrix,
                        bool                    pressure_block,
                        const dealii::IndexSet &relevant) const;

      /// The (Picard or, with `newton`, Newton) system at the current
      /// solution; with use_solution false the viscosity at zero rate.
      void
      assemble(const StokesProblem<dim> &problem,
               bool                      use_solution,
               bool                      newton);

      void
      solve_linear();
    };
  } // namespace fem
} // namespace vitrum

#endif
