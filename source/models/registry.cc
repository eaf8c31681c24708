#include <vitrum/base/exceptions.h>
#include <vitrum/base/schedule.h>
#include <vitrum/fem/checkpoint.h>
#include <vitrum/fem/direct_solver.h>
#include <vitrum/fem/mesh.h>
#include <vitrum/fem/output.h>
#include <vitrum/fem/time_stepping.h>
#include <vitrum/models/cahn_hilliard.h>
#include <vitrum/models/crystallization.h>
#include <vitrum/models/crystallization_field.h>
#include <vitrum/models/deposition.h>
#include <vitrum/models/model.h>
#include <vitrum/models/nanomolding.h>
#include <vitrum/models/nanomolding_studies.h>
#include <vitrum/models/partitioning.h>

namespace vitrum
{
  namespace models
  {
    namespace
    {
      /// Dimension = 1 is refused with a message naming the model.
      void
      require_two_or_three(const std::string &model, const int dim)
      {
        if (dim < 2)
          throw InputError("Dimension = " + std::to_string(dim)
                           + ": Model = " + model
                           + " runs in Dimension = 2 or 3 (only Model = "
                             "partitioning and deposition also run in 1D)");
      }


      template <template <int> class ModelClass>
      std::unique_ptr<Model>
      create_in_2d_or_3d(dealii::ParameterHandler &prm,
                         MPI_Comm                  comm,
                         const int                 dim)
      {
        if (dim == 2)
          return std::make_unique<ModelClass<2>>(prm, comm);
        return std::make_unique<ModelClass<3>>(prm, comm);
      }


      std::unique_ptr<Model>
      create_cahn_hilliard(dealii::ParameterHandler &prm,
                           MPI_Comm                  comm,
                           const int                 dim)
      {
        require_two_or_three("cahn hilliard", dim);
        return create_in_2d_or_3d<CahnHilliard>(prm, comm, dim);
      }


      /// The filling model, or a verification study of its flow solver
      /// for `Nanomolding/Study = mms | poiseuille | stokes`.
      std::unique_ptr<Model>
      create_nanomolding(dealii::ParameterHandler &prm,
                         MPI_Comm                  comm,
                         const int                 dim)
      {
        require_two_or_three("nanomolding", dim);
        prm.enter_subsection("Nanomolding");
        const std::string study = prm.get("Study");
        prm.leave_subsection();
        if (study == "filling" || study == "array filling")
          return create_in_2d_or_3d<Nanomolding>(prm, comm, dim);
        return create_in_2d_or_3d<NanomoldingStudy>(prm, comm, dim);
      }


      std::unique_ptr<Model>
      create_partitioning(dealii::ParameterHandler &prm,
                          MPI_Comm                  comm,
                          const int                 dim)
      {
        if (dim == 1)
          return std::make_unique<Partitioning<1>>(prm, comm);
        return create_in_2d_or_3d<Partitioning>(prm, comm, dim);
      }

      std::unique_ptr<Model>
      create_deposition(dealii::ParameterHandler &prm,
                        MPI_Comm                  comm,
                        const int                 dim)
      {
        if (dim == 1)
          return std::make_unique<Deposition<1>>(prm, comm);
        return create_in_2d_or_3d<Deposition>(prm, comm, dim);
      }


      void
      declare_all_crystallization_parameters(dealii::ParameterHandler &prm)
      {
        declare_crystallization_parameters(prm);
        declare_crystallization_field_parameters(prm);
      }


      /// The mean-field model, or the phase-field one for `Mode = phase
      /// field`.
      std::unique_ptr<Model>
      create_crystallization(dealii::ParameterHandler &prm,
                             MPI_Comm                  comm,
                             const int                 dim)
      {
        prm.enter_subsection("Crystallization");
        const std::string mode = prm.get("Mode");
        prm.leave_subsection();
        require_two_or_three("crystallization", dim);
        if (mode == "phase field")
          return create_in_2d_or_3d<CrystallizationField>(prm, comm, dim);
        return std::make_unique<Crystallization>(prm, comm, dim);
      }
    } // namespace


    const std::vector<ModelEntry> &
    registered_models()
    {
      static const std::vector<ModelEntry> models
        = {{"cahn hilliard",
            "binary Cahn-Hilliard spinodal decomposition and coarsening "
            "(PFHub benchmark 1)",
            &CahnHilliardParameters::declare_parameters,
            &create_cahn_hilliard},
           {"partitioning",
            "element partitioning between crystal and glass layers of a "
            "nanolaminate during an anneal (multi-component Cahn-Hilliard "
            "with a crystal/glass phase field)",
            &declare_partitioning_parameters,
            &create_partitioning},
           {"crystallization",
            "crystallization of a glass along a temperature schedule: "
            "mean field (nucleation and growth rates from the thermodynamic "
            "data, JMAK, simulated DSC, Kissinger, TTT and CHT diagrams) or "
            "phase field (stochastic nucleation and Allen-Cahn growth of "
            "crystals on an adaptive mesh)",
            &declare_all_crystallization_parameters,
            &create_crystallization},
           {"nanomolding",
            "thermoplastic nanomolding of a metallic glass into pores: "
            "Stokes flow (Taylor-Hood, axisymmetric or 3D) with a moving "
            "front, interface diffusion along the wall, wire composition",
            &declare_nanomolding_parameters,
            &create_nanomolding},
           {"deposition",
            "phase separation in a growing amorphous film (multi-component "
            "Cahn-Hilliard with a fast surface layer and surface energies "
            "on a film that grows by a deposition schedule): self-assembled "
            "nanolayers, intermixing of deposited laminates",
            &declare_deposition_parameters,
            &create_deposition}};
      return models;
    }


    const ModelEntry &
    find_model(const std::string &name)
    {
      std::string known;
      for (const auto &entry : registered_models())
        {
          if (entry.name == name)
            return entry;
          known += (known.empty() ? "" : ", ") + entry.name;
        }
      throw InputError("unknown model '" + name + "'; known models: " + known);
    }


    namespace
    {
      std::string
      model_names_pattern()
      {
        std::string names;
        for (const auto &entry : registered_models())
          names += (names.empty() ? "" : "|") + entry.name;
        return names;
      }
    } // namespace


    void
    declare_common_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("Model",
                        registered_models().front().name,
                        dealii::Patterns::Selection(model_names_pattern()),
                        "The physics to run (vitrum --help lists them).");
      prm.declare_entry("Dimension",
                        "2",
                        dealii::Patterns::Integer(1, 3),
                        "Space dimension of the run: 2 or 3 for every "
                        "model, 1 also for partitioning and deposition (along "
                        "x).");
      prm.enter_subsection("Temperature");
      prm.declare_entry(
        "Schedule",
        "300 K",
        dealii::Patterns::Anything(),
        "Temperature history T(t): a start value, then ramps and holds "
        "separated by ';', e.g. '300 K; ramp 100 K/s to 973 K; hold 3600 s; "
        "ramp 10 K/min to 300 K'. Units K or C; rates per s, min or h. "
        "Models without temperature dependence ignore it.");
      prm.leave_subsection();
      fem::MeshParameters::declare_parameters(prm);
      fem::TimeSteppingParameters::declare_parameters(prm);
      fem::SolverParameters::declare_parameters(prm);
      fem::OutputParameters::declare_parameters(prm);
      fem::CheckpointParameters::declare_parameters(prm);
    }


    void
    declare_all_parameters(dealii::ParameterHandler &prm,
                           const std::string        &model_name)
    {
      declare_common_parameters(prm);
      for (const auto &entry : registered_models())
        if (model_name.empty() || entry.name == model_name)
          entry.declare_parameters(prm);
    }
  } // namespace models
} // namespace vitrum
