#include <vitrum/base/exceptions.h>
#include <vitrum/kinetics/composition_history.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vitrum
{
  namespace kinetics
  {
    namespace
    {
      std::vector<std::string>
      split(const std::string &line)
      {
        std::vector<std::string> items;
        std::stringstream        in(line);
        std::string              item;
        while (std::getline(in, item, ','))
          {
            item.erase(0, item.find_first_not_of(" \t\r"));
            item.erase(item.find_last_not_of(" \t\r") + 1);
            items.push_back(item);
          }
        return items;
      }

      double
      wrap(const double z, const double height)
      {
        const double w = std::fmod(z, height);
        return w < 0 ? w + height : w;
      }
    } // namespace


    double
    Profile::bin_width() const
    {
      return z.size() > 1 ? z[1] - z[0] : 2 * z[0];
    }


    double
    Profile::height() const
    {
      return bin_width() * z.size();
    }


    unsigned int
    Profile::bin_of(const double zq) const
    {
      const auto b = static_cast<long>(wrap(zq, height()) / bin_width());
      return static_cast<unsigned int>(
        std::clamp<long>(b, 0, long(z.size()) - 1));
    }


    double
    Profile::phi_at(const double zq) const
    {
      // Bin centres sit at (b + 1/2) h: interpolate between the two
      // centres around zq, the last and first ones across the boundary.
      const double       h = bin_width(), n = z.size();
      const double       s = wrap(zq, height()) / h - 0.5;
      const double       f = std::floor(s);
      const double       w = s - f;
      const unsigned int a = static_cast<unsigned int>(wrap(f, n));
      const unsigned int b = (a + 1) % z.size();
      return (1 - w) * phi[a] + w * phi[b];
    }


    std::vector<InterfacePlane>
    interface_planes(const Profile &p)
    {
      std::vector<InterfacePlane> planes;
      const unsigned int          n = p.z.size();
      const double                h = p.bin_width();
      for (unsigned int a = 0; a < n; ++a)
        {
          const unsigned int b       = (a + 1) % n;
          const bool         glass_a = p.phi[a] < 0.5, glass_b = p.phi[b] < 0.5;
          if (glass_a == glass_b)
            continue;
          InterfacePlane plane;
          const double   w = (0.5 - p.phi[a]) / (p.phi[b] - p.phi[a]);
          plane.z          = std::fmod(p.z[a] + w * h, p.height());
          plane.glass_side = glass_b ? 1 : -1;
          plane.glass_bin  = glass_b ? b : a;
          planes.push_back(plane);
        }
      std::sort(planes.begin(), planes.end(), [](const auto &l, const auto &r) {
        return l.z < r.z;
      });
      return planes;
    }


    std::vector<GlassLayer>
    glass_layers(const Profile &p)
    {
      const auto planes = interface_planes(p);
      if (planes.empty())
        {
          if (!p.phi.empty() && p.phi[0] < 0.5)
            return {{0., p.height()}};
          return {};
        }
      std::vector<GlassLayer> layers;
      const unsigned int      n = planes.size();
      for (unsigned int i = 0; i < n; ++i)
        if (planes[i].glass_side == 1)
          {
            // The next plane up closes the layer (across the boundary for
            // the last one).
            const auto  &next = planes[(i + 1) % n];
            const double upper
              = next.z > planes[i].z ? next.z : next.z + p.height();
            layers.push_back({planes[i].z, upper});
          }
      return layers;
    }


    int
    layer_of(const std::vector<GlassLayer> &layers,
             const double                   height,
             const double                   z)
    {
      const double zw = wrap(z, height);
      for (unsigned int k = 0; k < layers.size(); ++k)
        for (const double shift : {0., height})
          if (zw + shift >= layers[k].lower && zw + shift < layers[k].upper)
            return k;
      return -1;
    }


    std::vector<double>
    glass_composition(const Profile &p, const unsigned int b)
    {
      const double phi = p.phi[b];
      const int    n   = p.z.size();
      if (phi <= 1e-3)
        return p.x[b];
      for (int step = 1; step < n; ++step)
        for (const int c : {(int(b) + step) % n, (int(b) - step + n) % n})
          if (p.phi[c] > 0.99)
            {
              std::vector<double> x(p.x[b].size());
              double              sum = 0;
              for (std::size_t e = 0; e < x.size(); ++e)
                {
                  x[e]
                    = std::max(0., (p.x[b][e] - phi * p.x[c][e]) / (1 - phi));
                  sum += x[e];
                }
              if (!(sum > 0))
                return p.x[b];
              for (double &v : x)
                v /= sum;
              return x;
            }
      return p.x[b];
    }


    std::vector<double>
    mean_glass_composition(const Profile &p)
    {
      std::vector<double> mean;
      unsigned int        n_glass = 0;
      for (unsigned int b = 0; b < p.z.size(); ++b)
        if (p.phi[b] < 0.5)
          {
            const std::vector<double> x = glass_composition(p, b);
            mean.resize(x.size(), 0.);
            for (std::size_t e = 0; e < x.size(); ++e)
              mean[e] += x[e];
            ++n_glass;
          }
      for (double &v : mean)
        v /= n_glass;
      return mean;
    }


    double
    interface_area_per_glass_volume(const Profile &p)
    {
      double glass = 0;
      for (const GlassLayer &layer : glass_layers(p))
        glass += layer.upper - layer.lower;
      const std::size_t planes = interface_planes(p).size();
      return planes > 0 && glass > 0 ? planes / glass : 0.;
    }


    Profile
    CompositionHistory::parse(std::istream             &in,
                              const std::string        &name,
                              std::vector<std::string> &elements,
                              const std::string        &parameter)
    {
      Profile     p;
      std::string line;
      if (!std::getline(in, line)
          || std::sscanf(line.c_str(),
                         "# time = %lf s, temperature = %lf K",
                         &p.time,
                         &p.temperature)
               != 2)
        throw InputError(parameter + ": '" + name
                         + "' does not start with '# time = ... s, "
                           "temperature = ... K'");
      if (!std::getline(in, line))
        throw InputError(parameter + ": '" + name + "' has no header line");
      const auto header = split(line);
      // (phi and bare element names: profiles of earlier versions)
      if (header.size() < 3 || header[0] != "z_nm"
          || (header[1] != "phi_fraction" && header[1] != "phi"))
        throw InputError(parameter + ": '" + name
                         + "' header must be "
                           "'z_nm,phi_fraction,<element>_at%...'");
      elements.clear();
      for (auto e = header.begin() + 2; e != header.end(); ++e)
        {
          const std::string suffix = "_at%";
          const bool        has_suffix
            = e->size() > suffix.size()
              && e->compare(e->size() - suffix.size(), suffix.size(), suffix)
                   == 0;
          elements.push_back(
            has_suffix ? e->substr(0, e->size() - suffix.size()) : *e);
        }
      while (std::getline(in, line))
        {
          if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
          const auto items = split(line);
          if (items.size() != header.size())
            throw InputError(parameter + ": '" + name + "' row '" + line
                             + "' has " + std::to_string(items.size())
                             + " columns, the header "
                             + std::to_string(header.size()));
          std::vector<double> values;
          for (const auto &item : items)
            {
              try
                {
                  values.push_back(std::stod(item));
                }
              catch (const std::exception &)
                {
                  throw InputError("Crystallization field/Composition "
                                   "history: '"
                                   + name + "': '" + item
                                   + "' is not a number");
                }
            }
          double sum = 0;
          for (std::size_t k = 2; k < values.size(); ++k)
            sum += values[k];
          if (!(sum > 0))
            throw InputError(parameter + ": '" + name
                             + "': a row has no composition");
          p.z.push_back(values[0]);
          p.phi.push_back(values[1]);
          p.x.emplace_back();
          for (std::size_t k = 2; k < values.size(); ++k)
            p.x.back().push_back(values[k] / sum);
        }
      if (p.z.empty())
        throw InputError(parameter + ": '" + name + "' has no rows");
      // Bins of equal width starting at z = 0 (the partitioning output).
      const double h = p.bin_width();
      for (std::size_t b = 0; b < p.z.size(); ++b)
        if (std::abs(p.z[b] - (b + 0.5) * h) > 1e-6 * h)
          throw InputError(parameter + ": '" + name
                           + "': bins must be of equal width and start at "
                             "z = 0 (bin centres (b + 1/2) h)");
      return p;
    }


    CompositionHistory
    CompositionHistory::read(const std::string &directory,
                             const std::string &parameter)
    {
      namespace fs = std::filesystem;
      fs::path dir = directory;
      if (fs::is_directory(dir / "profiles"))
        dir /= "profiles";
      if (!fs::is_directory(dir))
        throw InputError(parameter + ": '" + directory
                         + "' is not a directory (give the output directory "
                           "of a partitioning run)");
      std::vector<Profile>     profiles;
      std::vector<std::string> elements;
      for (const auto &entry : fs::directory_iterator(dir))
        {
          const std::string file = entry.path().filename().string();
          if (file.rfind("profile_", 0) != 0
              || entry.path().extension() != ".csv")
            continue;
          std::ifstream            in(entry.path());
          std::vector<std::string> these;
          profiles.push_back(
            parse(in, entry.path().string(), these, parameter));
          if (!elements.empty() && these != elements)
            throw InputError(parameter + ": '" + entry.path().string()
                             + "' has other elements than the other profiles");
          elements = these;
        }
      if (profiles.empty())
        throw InputError(parameter + ": no profile_*.csv in '" + dir.string()
                         + "'");
      return CompositionHistory(std::move(profiles), std::move(elements));
    }


    CompositionHistory::CompositionHistory(std::vector<Profile>     profiles,
                                           std::vector<std::string> elements)
        : snapshots(std::move(profiles))
        , element_names(std::move(elements))
    {
      std::sort(snapshots.begin(),
                snapshots.end(),
                [](const auto &a, const auto &b) { return a.time < b.time; });
      for (const auto &p : snapshots)
        if (p.z.size() != snapshots.front().z.size()
            || std::abs(p.bin_width() / snapshots.front().bin_width() - 1)
                 > 1e-9)
          throw InputError("Composition history: the profiles have "
                           "different bins");
    }


    Profile
    CompositionHistory::at(const double t) const
    {
      if (t <= snapshots.front().time)
        return snapshots.front();
      if (t >= snapshots.back().time)
        return snapshots.back();
      std::size_t i = 1;
      while (snapshots[i].time < t)
        ++i;
      const Profile &a = snapshots[i - 1], &b = snapshots[i];
      const double   w = (t - a.time) / (b.time - a.time);
      Profile        p = a;
      p.time           = t;
      p.temperature    = (1 - w) * a.temperature + w * b.temperature;
      for (std::size_t k = 0; k < p.z.size(); ++k)
        {
          p.phi[k] = (1 - w) * a.phi[k] + w * b.phi[k];
          for (std::size_t e = 0; e < p.x[k].size(); ++e)
            p.x[k][e] = (1 - w) * a.x[k][e] + w * b.x[k][e];
        }
      return p;
    }
  } // namespace kinetics
} // namespace vitrum
