#ifndef vitrum_fem_checkpoint_h
#define vitrum_fem_checkpoint_h

#include <deal.II/base/parameter_handler.h>

#include <deal.II/grid/tria.h>

#include <deal.II/dofs/dof_handler.h>

#include <deal.II/lac/petsc_vector.h>

#include <vitrum/base/exceptions.h>

#include <map>
#include <string>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    /**
     * When to write checkpoints and whether to start from one
     * (subsection "Checkpointing").
     */
    struct CheckpointParameters
    {
      unsigned int every  = 0;
      bool         resume = false;
      /// Wall seconds after which the run writes a checkpoint and stops
      /// (0: no limit).
      double wall_time_limit = 0;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };


    /**
     * The scalar state of a run (time, step, step sizes, counters) as
     * key/value text. Doubles are stored in hexadecimal so a restart
     * continues with bit-identical numbers.
     */
    class CheckpointState
    {
    public:
      void
      set(const std::string &key, double value);
      void
      set(const std::string &key, const std::string &value);
      double
      get_double(const std::string &key) const;
      bool
      has(const std::string &key) const;
      /// The entries whose key starts with `prefix` (prefix removed).
      std::map<std::string, std::string>
      with_prefix(const std::string &prefix) const;
      const std::string &
      get_string(const std::string &key) const;

      void
      write(const std::string &filename) const;
      void
      read(const std::string &filename);

    private:
      std::map<std::string, std::string> values;
    };


    /**
     * Write mesh, vectors and state as a new checkpoint generation:
     * <directory>/checkpoint-NNNNNN.tmp is written, every file synced to
     * disk, the folder renamed to checkpoint-NNNNNN (atomic) and then the
     * symbolic link <directory>/checkpoint switched to it (atomic rename of a
     * new link). The previous generation is kept, older ones and folders
     * left by interrupted writes are removed. A kill at any moment leaves
     * at least one complete generation; resume takes the newest complete
     * one. The state records the run fingerprint (set_run_fingerprint).
     * The vectors must be ghosted.
     *
     * A p4est mesh is saved by p4est. A shared mesh (1D) is saved as its
     * refinement tree (one bit per cell, coarse cells in order, children
     * depth first) and the vectors as the DoF values of each active cell in
     * the same order, in binary: independent of cell and DoF numbers, so the
     * run can be resumed exactly on any number of ranks.
     */
    template <int dim>
    void
    save_checkpoint(
      const std::string             &directory,
      const dealii::DoFHandler<dim> &dof_handler,
      const std::vector<const dealii::PETScWrappers::MPI::Vector *> &vectors,
      const CheckpointState                                         &state);

    /// The same for fully distributed vectors: the ghosted copies (with
    /// the locally relevant DoFs `relevant`) are made here.
    template <int dim>
    void
    save_checkpoint(
      const std::string                                     &directory,
      const dealii::DoFHandler<dim>                         &dof_handler,
      const std::vector<dealii::PETScWrappers::MPI::Vector> &vectors,
      const dealii::IndexSet                                &relevant,
      const CheckpointState                                 &state);

    /// A checkpoint generation of the state alone, for models without a
    /// mesh (collective; rank 0 writes).
    void
    save_state_checkpoint(const std::string     &directory,
                          const CheckpointState &state,
                          MPI_Comm               comm);

    /// The state of the newest complete generation, checked against the
    /// run fingerprint and the model's name (collective).
    CheckpointState
    load_state_checkpoint(const std::string &directory,
                          MPI_Comm           comm,
                          const std::string &model);

    /// Whether <directory> holds a complete checkpoint generation.
    bool
    checkpoint_exists(const std::string &directory);

    /// The folder of the newest complete checkpoint generation in
    /// <directory> ("" if none); a checkpoint folder of the earlier
    /// single-folder layout counts as generation 0. Collective: rank 0
    /// looks, all ranks get its answer.
    std::string
    newest_checkpoint(const std::string &directory, MPI_Comm comm);


    /**
     * The run fingerprint: every entry that fixes the discretization and
     * the physics, as (name, value) pairs. parameter_fingerprint() takes all
     * entries of the parameter file except those a resumed run may change
     * (subsections Time stepping, Output, Checkpointing and Solver, which
     * hold End time and the cadences), and adds for every input file that
     * the run read (base::record_input_file) a hash of its bytes.
     */
    using Fingerprint = std::vector<std::pair<std::string, std::string>>;

    Fingerprint
    parameter_fingerprint(const dealii::ParameterHandler &prm);

    /// The fingerprint save_checkpoint records and resume compares with.
    void
    set_run_fingerprint(const Fingerprint &fingerprint);

    /**
     * Throws InputError naming every entry in which the checkpoint's
     * fingerprint differs from the run's (nothing if no run fingerprint
     * was set or the checkpoint has none).
     */
    void
    check_fingerprint(const CheckpointState &state, const std::string &folder);


    /**
     * Before a resumed run builds anything: the newest complete checkpoint
     * in `directory` must exist and match the run fingerprint; throws
     * InputError (on all ranks) otherwise.
     */
    void
    check_resume(const std::string &directory, MPI_Comm comm);


    /**
     * Collective, once per step: makes every rank throw if any rank recorded
     * an error (base::check_errors), and returns why the run must stop now,
     * "" if it goes on: a SIGTERM or SIGUSR1 on any rank, or
     * Checkpointing/Wall time limit about to be reached (the limit less
     * twice the wall time of the last step).
     */
    std::string
    end_of_step_check(MPI_Comm comm, const CheckpointParameters &parameters);

    /// The line printed when a run stops for `reason` after writing its
    /// checkpoint (`time_unit`: " s", or "" for a dimensionless model).
    std::string
    stop_message(const std::string &reason,
                 double             time,
                 const std::string &time_unit,
                 unsigned int       step,
                 const std::string &directory);

    /// Load the refined mesh into `tria`, which must hold the same coarse
    /// mesh (and periodicity) as the run that wrote it; return the state.
    /// A shared mesh is refined level by level along the saved tree.
    template <int dim>
    CheckpointState
    load_checkpoint_mesh(const std::string          &directory,
                         dealii::Triangulation<dim> &tria);

    /// The same, refusing a checkpoint that another model wrote.
    template <int dim>
    CheckpointState
    load_checkpoint_mesh(const std::string          &directory,
                         dealii::Triangulation<dim> &tria,
                         const std::string          &model);

    /// After the DoFHandler is set up on the loaded mesh: the vectors
    /// (fully distributed, sized by the caller), in the order saved.
    template <int dim>
    void
    load_checkpoint_vectors(
      const std::string                                       &directory,
      const dealii::DoFHandler<dim>                           &dof_handler,
      const std::vector<dealii::PETScWrappers::MPI::Vector *> &vectors);

    /// The same into `n` new fully distributed vectors of the locally
    /// owned DoFs `owned`.
    template <int dim>
    void
    load_checkpoint_vectors(
      const std::string                               &directory,
      const dealii::DoFHandler<dim>                   &dof_handler,
      unsigned int                                     n,
      const dealii::IndexSet                          &owned,
      MPI_Comm                                         comm,
      std::vector<dealii::PETScWrappers::MPI::Vector> &vectors);
  } // namespace fem
} // namespace vitrum

#endif
