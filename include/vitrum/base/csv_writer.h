#ifndef vitrum_base_csv_writer_h
#define vitrum_base_csv_writer_h

#include <fstream>
#include <string>
#include <vector>

namespace vitrum
{
  namespace base
  {
    /**
     * A CSV time series with a header line, written by one process and
     * flushed after every row so that nothing is lost if the run dies.
     * On restart, rows written after the checkpoint are dropped so the file
     * continues exactly where the restored state stands.
     */
    class CsvWriter
    {
    public:
      /// Start a new file. `active` is false on every MPI rank but one:
      /// those write nothing.
      CsvWriter(const std::string              &filename,
                const std::vector<std::string> &columns,
                bool                            active);

      /// Continue an existing file after a restart, keeping only rows whose
      /// first column (the step number) is <= last_step.
      CsvWriter(const std::string              &filename,
                const std::vector<std::string> &columns,
                bool                            active,
                unsigned int                    last_step);

      void
      add_row(const std::vector<double> &values);

      /// A row whose first column is text (a case name; no commas).
      void
      add_row(const std::string &label, const std::vector<double> &values);

      const std::string &
      file_name() const
      {
        return filename;
      }

    private:
      std::string              filename;
      std::vector<std::string> columns;
      bool                     active;
      std::ofstream            out;

      void
      write_header();
      /// Whether the file opened; records the error if not.
      bool
      opened();
    };
  } // namespace base
} // namespace vitrum

#endif
