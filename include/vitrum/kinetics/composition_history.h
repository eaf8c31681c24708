#ifndef vitrum_kinetics_composition_history_h
#define vitrum_kinetics_composition_history_h

#include <istream>
#include <string>
#include <vector>

namespace vitrum
{
  namespace kinetics
  {
    /**
     * One laterally averaged profile of the partitioning model
     * (profiles/profile_NNNN.csv): bins of equal width along the stacking
     * axis, periodic with the stack height. phi = 1 in the crystal layers,
     * 0 in the glass; x[b] are the mole fractions (summing to 1) of the
     * elements in bin b.
     */
    struct Profile
    {
      double                           time        = 0; ///< s
      double                           temperature = 0; ///< K
      std::vector<double>              z;               ///< bin centres, nm
      std::vector<double>              phi;             ///< per bin
      std::vector<std::vector<double>> x; ///< per bin, per element

      double
      bin_width() const;
      /// Stack height covered by the bins (nm).
      double
      height() const;
      /// The bin holding height z (periodic).
      unsigned int
      bin_of(double z) const;
      /// phi at height z, linear between bin centres (periodic).
      double
      phi_at(double z) const;
    };


    /// A crystal/glass interface plane of a profile.
    struct InterfacePlane
    {
      double       z          = 0; ///< where phi crosses 1/2, nm
      int          glass_side = 1; ///< +1: glass above (larger z), -1: below
      unsigned int glass_bin  = 0; ///< the first glass bin next to it
    };


    /// The glass layers of a profile: intervals [lower, upper) of phi < 1/2,
    /// numbered by their lower interface; upper may exceed the height when
    /// a layer wraps around the periodic boundary.
    struct GlassLayer
    {
      double lower = 0, upper = 0; ///< nm
    };


    /// Interface planes (phi crosses 1/2 between neighbouring bins, linear
    /// in between), sorted by z.
    std::vector<InterfacePlane>
    interface_planes(const Profile &p);

    /// Glass layers between the interface planes, sorted by lower edge. A
    /// profile without interfaces is one layer (all glass) or none.
    std::vector<GlassLayer>
    glass_layers(const Profile &p);

    /// Index of the glass layer holding height z (periodic), or -1.
    int
    layer_of(const std::vector<GlassLayer> &layers, double height, double z);

    /// Composition of the glass in bin b. A bin the diffuse interface
    /// crosses (phi > 0) also holds crystal; its share phi, with the
    /// composition of the nearest bin that is crystal (phi > 0.99), is taken
    /// out. Mole fractions, summing to 1.
    std::vector<double>
    glass_composition(const Profile &p, unsigned int b);

    /// The glass composition averaged over the glass bins (phi < 1/2); empty
    /// if the profile has no glass.
    std::vector<double>
    mean_glass_composition(const Profile &p);

    /// Crystal/glass interface area per glass volume (1/nm): the interface
    /// planes over the total thickness of the glass layers (a glass layer
    /// of thickness h between two crystals gives 2/h). 0 without interfaces.
    double
    interface_area_per_glass_volume(const Profile &p);


    /**
     * The composition history written by the partitioning model: all
     * profiles of a directory, sorted by time, interpolated linearly in
     * time (clamped to the first and last profile outside their times).
     */
    class CompositionHistory
    {
    public:
      /// Read <directory>/profile_*.csv or <directory>/profiles/profile_*.csv.
      /// Throws InputError naming the parameter entry and the file on bad
      /// content.
      static CompositionHistory
      read(const std::string &directory,
           const std::string &parameter
           = "Crystallization field/Composition history");

      /// Parse one profile file's text; `name` is used in error messages.
      static Profile
      parse(std::istream             &in,
            const std::string        &name,
            std::vector<std::string> &elements,
            const std::string        &parameter
            = "Crystallization field/Composition history");

      /// Build from profiles (any order) with these element symbols.
      CompositionHistory(std::vector<Profile>     profiles,
                         std::vector<std::string> elements);
      CompositionHistory() = default;

      /// The profile at time t (s).
      Profile
      at(double t) const;

      const std::vector<std::string> &
      elements() const
      {
        return element_names;
      }
      const std::vector<Profile> &
      profiles() const
      {
        return snapshots;
      }
      double
      height() const
      {
        return snapshots.front().height();
      }

    private:
      std::vector<Profile>     snapshots;
      std::vector<std::string> element_names;
    };
  } // namespace kinetics
} // namespace vitrum

#endif
