#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/utilities.h>

#include <deal.II/fe/fe_values.h>

#include <vitrum/base/exceptions.h>
#include <vitrum/kinetics/stochastic.h>
#include <vitrum/models/crystallization_field.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

// The crystallization field's rates along the stack (with their cache) and
// its stochastic nucleation: sampling, placing and growing nuclei.

namespace vitrum
{
  namespace models
  {
    using namespace dealii;
    using kinetics::hash_text;
    using kinetics::mix_keys;
    using kinetics::poisson_count;
    using kinetics::uniform_from;


    template <int dim>
    const typename CrystallizationField<dim>::RateSnapshot &
    CrystallizationField<dim>::rates_at(const double t) const
    {
      // Least recently used goes: the snapshot asked for just before this
      // one stays valid (solve_step holds the two ends of a step).
      ++cache_clock;
      for (auto &s : rate_cache)
        if (s.time == t)
          {
            s.last_use = cache_clock;
            return s;
          }
      TimerOutput::Scope scope(*timer, "rates");
      RateSnapshot      &s = *std::min_element(rate_cache.begin(),
                                          rate_cache.end(),
                                          [](const auto &a, const auto &b) {
                                            return a.last_use < b.last_use;
                                          });
      s.time               = t;
      s.last_use           = cache_clock;
      const double height  = mesh_prm.domain_size[dim - 1];
      if (history)
        s.profile = history->at(t);
      else
        {
          // Uniform glass: one bin over the whole height.
          s.profile     = kinetics::Profile();
          s.profile.z   = {0.5 * height};
          s.profile.phi = {0.};
          s.profile.x   = {glass_composition};
        }
      s.planes = kinetics::interface_planes(s.profile);
      s.layers = kinetics::glass_layers(s.profile);

      const double T = temperature.value(t);
      s.bins.assign(s.profile.z.size(), LocalRates());
      for (unsigned int b = 0; b < s.bins.size(); ++b)
        {
          if (s.profile.phi[b] >= 0.5)
            continue;
          LocalRates &r = s.bins[b];
          if (!from_kinetics_file)
            {
              r.bulk   = rates.nucleation(T) / std::pow(nm_per_m, dim);
              r.growth = rates.growth(T) * nm_per_m;
              continue;
            }
          std::vector<double> x = glass_composition;
          if (history && !history_to_database.empty())
            {
              const std::vector<double> mix
                = kinetics::glass_composition(s.profile, b);
              x.assign(kinetics_material->database()->n_components(), 0.);
              for (unsigned int e = 0; e < history_to_database.size(); ++e)
                x[history_to_database[e]] += mix[e];
            }
          const kinetics::Rates k = kinetics_material->rates(x, T);
          if (!std::isfinite(k.homogeneous) || !std::isfinite(k.heterogeneous)
              || !std::isfinite(k.growth))
            throw InputError("Crystallization/Kinetics file: the rates are "
                             "not finite at T = "
                             + std::to_string(T) + " K");
          // In 2D a node stands for a column of the film's thickness.
          const double column = dim == 2 ? film_thickness / nm_per_m : 1.;
          r.bulk      = k.homogeneous * column / std::pow(nm_per_m, dim);
          r.interface = k.heterogeneous * column / std::pow(nm_per_m, dim - 1);
          r.interface_per_area = k.heterogeneous;
          // A glass with no driving force keeps its crystals (no melting back
          // in this model): U >= 0.
          r.growth = std::max(0., k.growth) * nm_per_m;
        }
      return s;
    }


    template <int dim>
    typename CrystallizationField<dim>::LocalRates
    CrystallizationField<dim>::local_rates(const RateSnapshot &snapshot,
                                           const double        z) const
    {
      const kinetics::Profile &p = snapshot.profile;
      if (p.phi_at(z) >= 0.5)
        return {};
      // Next to an interface the bin of z may be a crystal bin while the
      // interpolated phi says glass: take the glass neighbour.
      const unsigned int n = p.z.size(), b = p.bin_of(z);
      for (const unsigned int c : {b, (b + n - 1) % n, (b + 1) % n})
        if (p.phi[c] < 0.5)
          return snapshot.bins[c];
      return {};
    }


    template <int dim>
    double
    CrystallizationField<dim>::fastest_growth(const double t) const
    {
      double U = 0;
      for (const auto &r : rates_at(t).bins)
        U = std::max(U, r.growth);
      return U;
    }


    template <int dim>
    double
    CrystallizationField<dim>::eta_at(const Point<dim> &p) const
    {
      const Vector current = ghosted(eta);
      double       value   = -1;
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          const Point<dim> low = cell->vertex(0);
          const Point<dim> high
            = cell->vertex(GeometryInfo<dim>::vertices_per_cell - 1);
          Point<dim> unit;
          bool       inside = true;
          for (int d = 0; d < dim; ++d)
            {
              unit[d] = (p[d] - low[d]) / (high[d] - low[d]);
              inside  = inside && unit[d] >= 0 && unit[d] <= 1;
            }
          if (!inside)
            continue;
          const Quadrature<dim> at_point(unit);
          FEValues<dim>         value_at(fe, at_point, update_values);
          value_at.reinit(cell);
          std::vector<double> here(1);
          value_at.get_function_values(current, here);
          value = here[0];
          break;
        }
      return Utilities::MPI::max(value, comm);
    }


    template <int dim>
    std::vector<double>
    CrystallizationField<dim>::layer_state() const
    {
      const RateSnapshot &s       = rates_at(time);
      const double        height  = mesh_prm.domain_size[dim - 1];
      const Vector        current = ghosted(eta);
      const QGauss<dim>   quadrature(2);
      FEValues<dim>       fe_values(fe,
                              quadrature,
                              update_values | update_quadrature_points
                                | update_JxW_values);
      std::vector<double> values(quadrature.size());
      // Per layer: volume, crystallized volume.
      std::vector<double> sums(2 * n_layers, 0.);
      double              deep_max = 0;
      // Nucleus tails reach ~3 widths into a crystal layer, and a coarse
      // cell's linear interpolation one cell further: deeper than that, any
      // crystal order would have grown there.
      const double deep
        = 3 * front.width
          + mesh_prm.domain_size[dim - 1] / mesh_prm.coarse_cells[dim - 1];
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
          {
            fe_values.reinit(cell);
            fe_values.get_function_values(current, values);
            for (unsigned int q = 0; q < values.size(); ++q)
              {
                const double z = fe_values.quadrature_point(q)[dim - 1];
                const int    k = kinetics::layer_of(s.layers, height, z);
                if (k >= 0 && k < int(n_layers))
                  {
                    sums[2 * k] += fe_values.JxW(q);
                    sums[2 * k + 1] += values[q] * fe_values.JxW(q);
                  }
                else if (k < 0)
                  {
                    double distance = height;
                    for (const auto &plane : s.planes)
                      {
                        const double d = std::abs(z - plane.z);
                        distance       = std::min({distance, d, height - d});
                      }
                    if (distance > deep)
                      deep_max = std::max(deep_max, values[q]);
                  }
              }
          }
      Utilities::MPI::sum(sums, comm, sums);
      std::vector<double> state;
      for (unsigned int k = 0; k < n_layers; ++k)
        state.push_back(sums[2 * k] > 0 ? 1 - sums[2 * k + 1] / sums[2 * k]
                                        : std::nan(""));
      state.push_back(Utilities::MPI::max(deep_max, comm));
      return state;
    }


    template <int dim>
    std::vector<Nucleus<dim>>
    CrystallizationField<dim>::sample_interface_nuclei(const double dt)
    {
      const RateSnapshot &s = rates_at(time - 0.5 * dt);
      if (s.planes.empty())
        return {};
      TimerOutput::Scope scope(*timer, "nucleation");
      double             lateral = 1;
      for (int d = 0; d < dim - 1; ++d)
        lateral *= mesh_prm.domain_size[d];
      const double height = mesh_prm.domain_size[dim - 1];
      // The same draws on every rank: the keys depend on the step and the
      // plane only.
      std::vector<Nucleus<dim>> nuclei;
      for (unsigned int i = 0; i < s.planes.size(); ++i)
        {
          const auto  &plane = s.planes[i];
          const double mean  = s.bins[plane.glass_bin].interface * lateral * dt;
          expected_interface += mean;
          // Per area and plane: the answer for interfaces larger than the
          // mesh, where nuclei are too rare to be drawn.
          expected_interface_density
            += s.bins[plane.glass_bin].interface_per_area * dt
               / s.planes.size();
          const std::uint64_t key
            = mix_keys(hash_text("interface", seed), step, i);
          const unsigned int count = poisson_count(mean, uniform_from(key));
          for (unsigned int k = 0; k < count; ++k)
            {
              Nucleus<dim> n;
              n.time      = time - 0.5 * dt;
              n.interface = true;
              for (int d = 0; d < dim - 1; ++d)
                n.centre[d] = mesh_prm.domain_size[d]
                              * uniform_from(mix_keys(key, k + 1, d + 1));
              // Touching the plane from the glass side.
              double z          = plane.z + plane.glass_side * nucleus_radius;
              z                 = std::fmod(z + height, height);
              n.centre[dim - 1] = z;
              n.layer           = kinetics::layer_of(s.layers, height, z);
              n.phantom         = eta_at(n.centre) >= 0.5;
              nuclei.push_back(n);
            }
        }
      n_interface_drawn += nuclei.size();
      return nuclei;
    }


    template <int dim>
    double
    CrystallizationField<dim>::periodic_distance(const Point<dim> &p,
                                                 const Point<dim> &q) const
    {
      double r2 = 0;
      for (int d = 0; d < dim; ++d)
        {
          double delta = std::abs(p[d] - q[d]);
          if (mesh_prm.periodic)
            delta = std::min(delta, mesh_prm.domain_size[d] - delta);
          r2 += delta * delta;
        }
      return std::sqrt(r2);
    }


    template <int dim>
    std::vector<Nucleus<dim>>
    CrystallizationField<dim>::sample_initial_nuclei() const
    {
      // Every rank draws the same list: the keys do not depend on the mesh.
      std::vector<Nucleus<dim>> nuclei(initial_nuclei);
      for (unsigned int k = 0; k < initial_nuclei; ++k)
        for (int d = 0; d < dim; ++d)
          nuclei[k].centre[d]
            = mesh_prm.domain_size[d]
              * uniform_from(mix_keys(hash_text("initial", seed), k, d));
      return nuclei;
    }


    template <int dim>
    std::vector<Nucleus<dim>>
    CrystallizationField<dim>::sample_nuclei(const double dt)
    {
      // Born, on average, in the middle of the step, at its rates.
      const RateSnapshot &snapshot = rates_at(time - 0.5 * dt);
      TimerOutput::Scope  scope(*timer, "nucleation");
      bool                any_rate = false;
      for (const auto &r : snapshot.bins)
        any_rate = any_rate || r.bulk > 0;
      if (!any_rate)
        return {};
      const double        height   = mesh_prm.domain_size[dim - 1];
      const Vector        current  = ghosted(eta);
      double              expected = 0;
      const double        birth    = time - 0.5 * dt;
      std::vector<double> local; // birth, phantom, centre..., flattened
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          const std::uint64_t key
            = mix_keys(hash_text(cell->id().to_string(), seed), step, 0);
          // Nuclei per nm^dim and s at the cell's height.
          const double rate
            = local_rates(snapshot, cell->center()[dim - 1]).bulk;
          if (rate <= 0)
            continue;
          expected += rate * cell->measure() * dt;
          const unsigned int count
            = poisson_count(rate * cell->measure() * dt, uniform_from(key));
          // Cells are axis-aligned boxes: corners 0 and 2^dim - 1 span them.
          const Point<dim> low = cell->vertex(0);
          const Point<dim> high
            = cell->vertex(GeometryInfo<dim>::vertices_per_cell - 1);
          for (unsigned int k = 0; k < count; ++k)
            {
              Point<dim> unit;
              for (int d = 0; d < dim; ++d)
                unit[d] = uniform_from(mix_keys(key, k + 1, d + 1));
              // A nucleus that falls inside a crystal is a phantom: the
              // rate counts only untransformed glass.
              const Quadrature<dim> at_point(unit);
              FEValues<dim>         value_at(fe, at_point, update_values);
              value_at.reinit(cell);
              std::vector<double> eta_here(1);
              value_at.get_function_values(current, eta_here);
              Point<dim> p;
              for (int d = 0; d < dim; ++d)
                p[d] = low[d] + unit[d] * (high[d] - low[d]);
              // Or in the crystal-layer part of a cell that straddles an
              // interface.
              const bool phantom
                = eta_here[0] >= 0.5
                  || snapshot.profile.phi_at(p[dim - 1]) >= 0.5;
              local.push_back(birth);
              local.push_back(phantom ? 1. : 0.);
              for (int d = 0; d < dim; ++d)
                local.push_back(p[d]);
            }
        }

      expected_bulk += Utilities::MPI::sum(expected, comm);
      std::vector<Nucleus<dim>> nuclei;
      for (const auto &from_rank : Utilities::MPI::all_gather(comm, local))
        for (std::size_t i = 0; i < from_rank.size(); i += dim + 2)
          {
            Nucleus<dim> n;
            n.time    = from_rank[i];
            n.phantom = from_rank[i + 1] > 0.5;
            for (int d = 0; d < dim; ++d)
              n.centre[d] = from_rank[i + 2 + d];
            n.layer
              = kinetics::layer_of(snapshot.layers, height, n.centre[dim - 1]);
            nuclei.push_back(n);
          }
      // The same order on any number of ranks (for the nuclei table).
      std::sort(nuclei.begin(), nuclei.end(), [](const auto &a, const auto &b) {
        for (int d = 0; d < dim; ++d)
          if (a.centre[d] != b.centre[d])
            return a.centre[d] < b.centre[d];
        return false;
      });
      return nuclei;
    }


    template <int dim>
    void
    CrystallizationField<dim>::transfer_and_refine()
    {
      fem::refine_and_transfer(
        triangulation,
        dof_handler,
        {ghosted(eta)},
        {&eta},
        [this]() { setup_dofs(); },
        owned_dofs);
      constraints.distribute(eta);
    }


    template <int dim>
    void
    CrystallizationField<dim>::refine_around(
      const std::vector<Nucleus<dim>> &nuclei)
    {
      TimerOutput::Scope scope(*timer, "mesh adaptation");
      double             reach = 0;
      for (const auto &n : nuclei)
        reach = std::max(reach, n.radius + 5 * front.width);
      for (unsigned int round = 0; round < mesh_prm.maximum_level; ++round)
        {
          bool any = false;
          for (const auto &cell : triangulation.active_cell_iterators())
            {
              if (!cell->is_locally_owned()
                  || cell->level() >= int(mesh_prm.maximum_level))
                continue;
              for (const auto &n : nuclei)
                if (periodic_distance(cell->center(), n.centre)
                    < reach + 0.5 * cell->diameter())
                  {
                    cell->set_refine_flag();
                    any = true;
                    break;
                  }
            }
          if (Utilities::MPI::max(int(any), comm) == 0)
            return;
          transfer_and_refine();
        }
    }


    template <int dim>
    std::vector<Nucleus<dim>>
    CrystallizationField<dim>::record_nuclei(
      const std::vector<Nucleus<dim>> &sampled)
    {
      // Phantoms (nuclei that fell inside a crystal) are only recorded.
      std::vector<Nucleus<dim>> nuclei;
      for (const auto &n : sampled)
        {
          std::vector<double> row = {double(step), n.time};
          for (int d = 0; d < 3; ++d)
            row.push_back(d < dim ? n.centre[d] : 0.);
          row.push_back(n.phantom ? 1. : 0.);
          row.push_back(n.interface ? 1. : 0.);
          row.push_back(n.layer);
          table(1).add_row(row);
          if (n.phantom)
            ++n_phantoms;
          else
            {
              nuclei.push_back(n);
              if (n.interface)
                ++n_interface_nuclei;
            }
        }
      return nuclei;
    }


    template <int dim>
    std::vector<Nucleus<dim>>
    CrystallizationField<dim>::grow_pending(std::vector<Nucleus<dim>> born,
                                            const double              dt)
    {
      // Without the counter term a nucleus goes on the mesh at its birth,
      // with the nucleus radius.
      if (!curvature_free)
        {
          for (auto &n : born)
            n.radius = nucleus_radius;
          return born;
        }
      // Curvature-free growth: R = U (t - t_birth) from the birth on (U at
      // the nucleus's height in the middle of each step); placed once that
      // reaches the nucleus radius, with R, so that from then on the
      // phase-field crystal has Avrami's size.
      const RateSnapshot &middle = rates_at(time - 0.5 * dt);
      for (auto &n : pending)
        n.radius += local_rates(middle, n.centre[dim - 1]).growth * dt;
      for (auto &n : born)
        {
          n.radius = local_rates(middle, n.centre[dim - 1]).growth
                     * std::max(0., time - n.time);
          pending.push_back(n);
        }
      std::vector<Nucleus<dim>> ready, waiting;
      for (const auto &n : pending)
        (n.radius >= nucleus_radius * (1 - 1e-12) ? ready : waiting)
          .push_back(n);
      pending = std::move(waiting);
      return ready;
    }


    template <int dim>
    std::string
    CrystallizationField<dim>::serialize_pending() const
    {
      std::ostringstream out;
      out.precision(17);
      for (const auto &n : pending)
        {
          out << n.time << ' ' << n.radius << ' ' << n.interface << ' '
              << n.layer;
          for (int d = 0; d < dim; ++d)
            out << ' ' << n.centre[d];
          out << ' '; // one line: the state file holds one line per value
        }
      return out.str();
    }


    template <int dim>
    void
    CrystallizationField<dim>::deserialize_pending(const std::string &text)
    {
      pending.clear();
      std::istringstream in(text);
      Nucleus<dim>       n;
      while (in >> n.time >> n.radius >> n.interface >> n.layer)
        {
          for (int d = 0; d < dim; ++d)
            in >> n.centre[d];
          pending.push_back(n);
        }
    }


    template <int dim>
    void
    CrystallizationField<dim>::place_nuclei(
      const std::vector<Nucleus<dim>> &nuclei)
    {
      if (nuclei.empty())
        return;
      refine_around(nuclei);
      const std::vector<Point<dim>> unit_points = fe.get_unit_support_points();
      std::vector<types::global_dof_index> indices(fe.n_dofs_per_cell());
      for (const auto &cell : dof_handler.active_cell_iterators())
        {
          if (!cell->is_locally_owned())
            continue;
          cell->get_dof_indices(indices);
          const Point<dim> low = cell->vertex(0);
          const Point<dim> high
            = cell->vertex(GeometryInfo<dim>::vertices_per_cell - 1);
          for (unsigned int i = 0; i < indices.size(); ++i)
            {
              if (!owned_dofs.is_element(indices[i]))
                continue;
              Point<dim> p;
              for (int d = 0; d < dim; ++d)
                p[d] = low[d] + unit_points[i][d] * (high[d] - low[d]);
              double value = eta[indices[i]];
              for (const auto &n : nuclei)
                value = std::max(value,
                                 front.profile(periodic_distance(p, n.centre)
                                               - n.radius));
              eta[indices[i]] = value;
            }
        }
      eta.compress(VectorOperation::insert);
      constraints.distribute(eta);
      n_nuclei += nuclei.size();
    }


    template class CrystallizationField<2>;
    template class CrystallizationField<3>;
  } // namespace models
} // namespace vitrum
