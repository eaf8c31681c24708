// Model = deposition: what a run reports (profiles along the growth axis,
// the layer analysis, tables, fields, summary). The physics is in
// deposition.cc.

#include <deal.II/base/utilities.h>

#include <deal.II/dofs/dof_tools.h>

#include <vitrum/base/collective.h>
#include <vitrum/base/exceptions.h>
#include <vitrum/models/composition_fields.h>
#include <vitrum/models/deposition.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>

namespace vitrum
{
  namespace models
  {
    using namespace dealii;

    template <int dim>
    std::vector<std::vector<double>>
    Deposition<dim>::profile() const
    {
      // Laterally averaged over the film's independent nodes (periodic
      // copies are constrained and left out).
      const unsigned int  K = material.n_components(), n = n_independent;
      const unsigned int  planes = active_layers + 1;
      std::vector<double> sums(planes * K, 0.0), counts(planes, 0.0);
      const Vector        u = this->ghosted(states[0]);
      std::map<types::global_dof_index, Point<dim>> points;
      DoFTools::map_dofs_to_support_points(MappingQ1<dim>(),
                                           dof_handler,
                                           points);
      std::vector<types::global_dof_index> dofs(fe->n_dofs_per_cell());
      std::vector<bool>                    seen(owned_dofs.n_elements(), false);
      for (const auto &cell : fem::locally_owned_cells(dof_handler))
        {
          cell->get_dof_indices(dofs);
          for (unsigned int v = 0; v < GeometryInfo<dim>::vertices_per_cell;
               ++v)
            {
              const auto first = dofs[fe->component_to_system_index(0, v)];
              if (!owned_dofs.is_element(first)
                  || constraints.is_constrained(first))
                continue;
              const auto local = owned_dofs.index_within_set(first);
              if (seen[local])
                continue;
              seen[local]              = true;
              const unsigned int plane = static_cast<unsigned int>(
                std::round(cell->vertex(v)[dim - 1] / layer_thickness));
              if (plane >= planes)
                continue;
              double rest = 1;
              for (unsigned int a = 0; a < n; ++a)
                {
                  const double xa
                    = u(dofs[fe->component_to_system_index(a, v)]);
                  sums[plane * K + a] += xa;
                  rest -= xa;
                }
              sums[plane * K + n] += rest;
              counts[plane] += 1;
            }
        }
      Utilities::MPI::sum(sums, comm, sums);
      Utilities::MPI::sum(counts, comm, counts);
      std::vector<std::vector<double>> result(planes, std::vector<double>(K));
      for (unsigned int p = 0; p < planes; ++p)
        for (unsigned int k = 0; k < K; ++k)
          result[p][k] = sums[p * K + k] / std::max(counts[p], 1.0);
      return result;
    }


    template <int dim>
    std::vector<std::vector<double>>
    Deposition<dim>::lateral_rows(const unsigned int a,
                                  const unsigned int first,
                                  const unsigned int last) const
    {
      if (dim == 1)
        return {};
      // (lateral index along axis 0, row key, value) of every independent
      // node, gathered on all ranks.
      const Vector        u  = this->ghosted(states[0]);
      const unsigned int  nx = mesh_prm.coarse_cells[0];
      const double        dx = mesh_prm.domain_size[0] / nx;
      const unsigned int  ny = dim == 3 ? mesh_prm.coarse_cells[1] : 1;
      const double        dy = dim == 3 ? mesh_prm.domain_size[1] / ny : 1;
      std::vector<double> local;
      std::vector<types::global_dof_index> dofs(fe->n_dofs_per_cell());
      for (const auto &cell : fem::locally_owned_cells(dof_handler))
        {
          cell->get_dof_indices(dofs);
          for (unsigned int v = 0; v < GeometryInfo<dim>::vertices_per_cell;
               ++v)
            {
              const auto dof = dofs[fe->component_to_system_index(a, v)];
              if (!owned_dofs.is_element(dof)
                  || constraints.is_constrained(dof))
                continue;
              const Point<dim>  &p     = cell->vertex(v);
              const unsigned int plane = static_cast<unsigned int>(
                std::round(p[dim - 1] / layer_thickness));
              if (plane < first || plane >= last)
                continue;
              const unsigned int i = std::lround(p[0] / dx) % nx;
              const unsigned int j = dim == 3 ? std::lround(p[1] / dy) % ny : 0;
              local.insert(local.end(),
                           {double(i),
                            double((plane - first) * ny + j),
                            u(dof)});
            }
        }
      std::vector<std::vector<double>> rows((last - first) * ny,
                                            std::vector<double>(nx, 0.0));
      for (const auto &part : Utilities::MPI::all_gather(comm, local))
        for (std::size_t k = 0; k + 2 < part.size(); k += 3)
          rows[static_cast<std::size_t>(part[k + 1])]
              [static_cast<std::size_t>(part[k])]
            = part[k + 2];
      return rows;
    }


    template <int dim>
    typename Deposition<dim>::Layering
    Deposition<dim>::analyse(
      const std::vector<std::vector<double>> &planes) const
    {
      // The frozen part of the film: above the first quarter (the start of
      // growth) and below twice the surface layer.
      Layering           result;
      const unsigned int K        = material.n_components();
      const unsigned int first    = planes.size() / 4;
      const unsigned int skip_top = static_cast<unsigned int>(
        std::ceil(2 * surface_thickness / layer_thickness));
      const unsigned int last
        = planes.size() > skip_top + first ? planes.size() - skip_top : first;
      result.window_bottom = first * layer_thickness;
      result.window_top    = last * layer_thickness;
      result.per_element.resize(K);
      for (unsigned int k = 0; k < K; ++k)
        {
          std::vector<double> values;
          for (unsigned int p = first; p < last; ++p)
            values.push_back(100 * planes[p][k]);
          result.per_element[k] = analyse_layers(values, layer_thickness);
          if (result.per_element[k].contrast
              > result.per_element[result.strongest].contrast)
            result.strongest = k;
        }
      if (dim > 1 && result.strongest < n_independent && last > first)
        result.correlation_length
          = correlation_length(lateral_rows(result.strongest, first, last),
                               mesh_prm.domain_size[0]
                                 / mesh_prm.coarse_cells[0]);
      return result;
    }


    template <int dim>
    void
    Deposition<dim>::write_profile(const std::string &file) const
    {
      const auto planes = profile();
      if (Utilities::MPI::this_mpi_process(comm) == 0)
        base::guarded([&]() {
          std::ofstream out(file);
          out << "# time = " << time
              << " s, temperature = " << temperature.value(time)
              << " K, film thickness = " << film_height() << " nm\n"
              << "z_nm";
          for (const auto &e : material.elements)
            out << ',' << e << "_at%";
          out << '\n' << std::setprecision(10);
          for (unsigned int p = 0; p < planes.size(); ++p)
            {
              out << p * layer_thickness;
              for (const double x : planes[p])
                out << ',' << 100 * x;
              out << '\n';
            }
          out.close();
          if (!out)
            throw InputError("cannot write '" + file
                             + "': check Output/Directory");
        });
      base::check_errors(comm);
    }


    template <int dim>
    void
    Deposition<dim>::write_rows()
    {
      const unsigned int  K   = material.n_components();
      std::vector<double> row = {double(step),
                                 time,
                                 last_dt,
                                 temperature.value(time),
                                 film_height(),
                                 current.free_energy};
      for (const double v : this->solver_values())
        row.push_back(v);
      double worst = 0;
      for (unsigned int k = 0; k < K; ++k)
        {
          row.push_back(100 * current.amount[k] / current.film_volume);
          worst = std::max(worst, mass_balance_error(k));
        }
      row.push_back(worst);
      this->table(0).add_row(row);
    }


    template <int dim>
    void
    Deposition<dim>::write_fields()
    {
      this->write_state_fields(
        CompositionFields<dim>(material.elements, energy_scale, false));
      const std::string folder = output_prm.directory + "/profiles";
      if (Utilities::MPI::this_mpi_process(comm) == 0)
        base::guarded([&]() { std::filesystem::create_directories(folder); });
      base::check_errors(comm);
      char name[64];
      std::snprintf(name, sizeof(name), "/profile_%05u.csv", profiles_written);
      write_profile(folder + name);
      ++profiles_written;

      const auto          layering = analyse(profile());
      const unsigned int  K        = material.n_components();
      std::vector<double> row      = {double(step),
                                      time,
                                      film_height(),
                                      layering.window_bottom,
                                      layering.window_top};
      for (unsigned int k = 0; k < K; ++k)
        row.push_back(layering.per_element[k].found
                        ? layering.per_element[k].period
                        : std::numeric_limits<double>::quiet_NaN());
      for (unsigned int k = 0; k < K; ++k)
        row.push_back(layering.per_element[k].contrast);
      row.push_back(layering.correlation_length);
      this->table(1).add_row(row);
    }


    template <int dim>
    void
    Deposition<dim>::finish()
    {
      write_profile(output_prm.directory + "/profile.csv");
    }


    template <int dim>
    std::string
    Deposition<dim>::progress_details() const
    {
      char text[96];
      std::snprintf(text,
                    sizeof(text),
                    "T %6.1f K  film %8.3f nm  G %12.6e  ",
                    temperature.value(time),
                    film_height(),
                    current.free_energy);
      return text + this->solver_progress();
    }


    template <int dim>
    std::string
    Deposition<dim>::summary() const
    {
      const unsigned int K     = material.n_components();
      double             worst = 0;
      for (unsigned int k = 0; k < K; ++k)
        worst = std::max(worst, mass_balance_error(k));
      const auto  layering = analyse(profile());
      const auto &s        = layering.per_element[layering.strongest];

      std::ostringstream out;
      out << "T = " << temperature.value(time) << " K; "
          << this->statistics.summary() << "\n"
          << "Film " << film_height() << " nm; mean composition (at.%):";
      for (unsigned int k = 0; k < K; ++k)
        out << ' ' << material.elements[k] << ' ' << std::fixed
            << std::setprecision(2)
            << 100 * current.amount[k] / current.film_volume;
      out << std::defaultfloat << std::setprecision(4) << "\n";
      if (s.found && s.contrast >= 0.5)
        out << "Layering (" << layering.window_bottom << "-"
            << layering.window_top << " nm): period " << s.period
            << " nm, contrast " << s.contrast << " at.% "
            << material.elements[layering.strongest] << "\n";
      else
        out << "Layering: none in " << layering.window_bottom << "-"
            << layering.window_top << " nm (largest contrast " << s.contrast
            << " at.%, below 0.5)\n";
      if (dim > 1)
        out << "In-plane correlation length " << layering.correlation_length
            << " nm\n";
      out << "Largest mass balance error (film - deposited): " << worst << "\n";
      return out.str();
    }


    template <int dim>
    std::string
    Deposition<dim>::result_files() const
    {
      return "time_series.csv, layers.csv, profile.csv, profiles/, "
             + this->fields.index_file() + ", checkpoint/";
    }


    template class Deposition<1>;
    template class Deposition<2>;
    template class Deposition<3>;
  } // namespace models
} // namespace vitrum
