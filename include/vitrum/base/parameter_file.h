#ifndef vitrum_base_parameter_file_h
#define vitrum_base_parameter_file_h

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace vitrum
{
  namespace base
  {
    /**
     * Read a .prm file into a ParameterHandler whose entries are all
     * declared. Every problem (missing file, malformed line, unknown entry or
     * subsection, value outside its pattern) becomes one InputError whose
     * message names the file, the line and what is allowed, instead of
     * deal.II's multi-line exception text.
     */
    void
    parse_parameter_file(dealii::ParameterHandler &prm,
                         const std::string        &filename);

    /**
     * The same for a data file in .prm syntax (a material file, say):
     * `kind` names it in messages ("Material file"). An empty file is
     * allowed here.
     */
    void
    parse_input_file(dealii::ParameterHandler &prm,
                     const std::string        &filename,
                     const std::string        &kind);

    /**
     * The folders that hold vitrum's shipped data (parameter_files/,
     * meshes/, postprocess/), searched in this order: $VITRUM_DATA_DIR if
     * set; <folder of the executable>/../share/vitrum (an installation,
     * bin/vitrum); <folder of the executable>/share/vitrum (a build tree,
     * where CMake links it to the source tree). Found at run time from
     * the executable's location, so an installation can be moved and
     * nothing of the source tree is compiled in. Only existing folders.
     */
    std::vector<std::string>
    data_directories();

    /**
     * Where a data file named in a parameter file (a material file, say)
     * is: the name itself if absolute or found from the working directory,
     * else the same relative path inside the first of data_directories()
     * that has it (so shipped files are found from anywhere); else the name
     * unchanged, for the reader to report as missing.
     */
    std::string
    resolve_data_path(const std::string &name);

    /// Note that the run reads the file (or the files of the folder)
    /// `path`: resolve_data_path() does so for every data file it finds.
    /// Their content enters the checkpoint fingerprint.
    void
    record_input_file(const std::string &path);

    /// The files recorded so far, in the order first recorded.
    const std::vector<std::string> &
    input_files();

    /// A parameter struct read from `prm` (its parse_parameters()).
    template <class Parameters>
    Parameters
    parsed(dealii::ParameterHandler &prm)
    {
      Parameters p;
      p.parse_parameters(prm);
      return p;
    }

    /// Collapse deal.II exception text (newlines, indentation) into one line.
    std::string
    one_line(const std::string &text);
  } // namespace base
} // namespace vitrum

#endif
