#ifndef vitrum_fem_time_stepping_h
#define vitrum_fem_time_stepping_h

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace vitrum
{
  namespace fem
  {
    /**
     * Variable-step BDF formulas, the extrapolating predictor and the local
     * error estimate built from the two, for orders 1 to 3. Free of FE code
     * so they can be tested against polynomials whose exact answers are
     * known.
     *
     * Notation: h is the step being taken (t_n -> t_n + h); past_steps =
     * {h1, h2, h3, ...} with h1 = t_n - t_{n-1}, h2 = t_{n-1} - t_{n-2}, the
     * most recent first. Entries the formula needs but past_steps lacks are
     * taken equal to h.
     */
    namespace bdf
    {
      /**
       * Coefficients a with dc/dt(t_{n+1}) ~ a[0] c_{n+1} + a[1] c_n + ...
       * + a[order] c_{n+1-order}: the derivative at t_{n+1} of the
       * polynomial through those states (order 1 is backward Euler).
       */
      std::vector<double>
      coefficients(unsigned int               order,
                   double                     h,
                   const std::vector<double> &past_steps);

      /**
       * Weights of the Lagrange extrapolation through the last n_points
       * states (1: constant, 2: linear, 3: quadratic, 4: cubic), evaluated
       * at t_n + h. The predicted state is sum_k w[k] c_{n-k}.
       */
      std::vector<double>
      extrapolation_weights(unsigned int               n_points,
                            double                     h,
                            const std::vector<double> &past_steps);

      /**
       * Local error estimate from the difference d = c_{n+1} - c_pred:
       * returns the factor E with error ~ E |d| and the exponent 1/(p+1) that
       * relates error and step size. When predictor and corrector have the
       * same order their leading error terms are both multiples of the
       * same derivative, so the corrector's share of d is known exactly
       * (Milne's device); otherwise |d| is used as a safe overestimate.
       */
      struct ErrorModel
      {
        double factor;
        double exponent;
      };

      ErrorModel
      error_model(unsigned int               order,
                  unsigned int               n_points,
                  double                     h,
                  const std::vector<double> &past_steps);
    } // namespace bdf


    /**
     * What the user sets for time integration (subsection "Time stepping").
     */
    struct TimeSteppingParameters
    {
      double       end_time          = 1.0;
      double       initial_time_step = 1e-3;
      double       minimum_time_step = 1e-10;
      double       maximum_time_step = 1e300;
      double       tolerance         = 1e-3;
      double       maximum_growth    = 2.0;
      unsigned int order             = 2;
      unsigned int maximum_steps     = 0;
      /// Steps after a remesh whose error is not judged.
      unsigned int unchecked_after_remesh = 2;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);

      /// The run is over: end time reached or the step limit hit.
      bool
      finished(double time, unsigned int step) const;
    };


    class CheckpointState;

    /**
     * What became of the attempted steps of a run with error control:
     * rejections by cause, LU factorizations, accepted steps since the mesh
     * last changed. Saved in and restored from checkpoints.
     */
    struct StepStatistics
    {
      unsigned int rejected           = 0; ///< for any of the causes below
      unsigned int rejected_by_error  = 0;
      unsigned int rejected_by_newton = 0;
      unsigned int rejected_by_energy = 0;
      unsigned int factorizations     = 0;
      unsigned int steps_since_remesh = 1000;

      void
      save(CheckpointState &state) const;
      void
      load(const CheckpointState &state);
      /// "rejected: 3 for time error, 0 for Newton, 1 for energy rise; 40
      /// LU factorizations"
      std::string
      summary() const;
    };


    /**
     * What a model found when it attempted a step.
     */
    struct AttemptOutcome
    {
      bool   converged;   ///< the nonlinear solver converged
      double error;       ///< local error estimate (units of the tolerance)
      double exponent;    ///< 1/(p+1) of the error model
      bool   energy_rose; ///< the free energy would rise (not allowed)
    };


    /**
     * Chooses the next step size from the error estimate and lands exactly
     * on the times the user asked for (outputs, end time, schedule kinks).
     * It holds no FE data: a model reports what happened in a step and asks
     * for the next step size.
     */
    class TimeStepController
    {
    public:
      explicit TimeStepController(const TimeSteppingParameters &parameters);

      /// Times that must be hit exactly (sorted and deduplicated here).
      void
      set_target_times(std::vector<double> times);

      /// The step to take from time t: the proposal, shortened so that no
      /// target time is stepped over and no sliver step is left before it.
      double
      step_from(double t) const;

      /// The step that would be taken if no target time were in the way.
      double
      proposed_step() const;

      void
      set_proposed_step(double dt);

      /**
       * Account for an attempted step of size dt with error estimate
       * `error` (scaled so 1 means "at the tolerance"): returns whether it
       * is accepted and updates the proposal for the next attempt.
       */
      bool
      accept_or_reject(double dt, double error_norm, double exponent);

      /// A step failed for another reason (solver, energy): shrink by factor.
      void
      shrink_after_failure(double dt, double factor);

      bool
      below_minimum() const;

      /// Time stepping/Minimum time step.
      double
      minimum_step() const;

      const TimeSteppingParameters &
      settings() const;

    private:
      TimeSteppingParameters parameters;
      std::vector<double>    target_times;
      double                 proposal;
    };

    /**
     * The rules every implicit model applies to an attempted step: a step
     * whose Newton iteration failed is retried with a quarter of its size,
     * one with too large an error with the size the controller proposes,
     * one that raises the free energy with half its size. For the first
     * steps after a remesh (Time stepping/Steps unchecked after remesh) the
     * error is not judged: prediction and solution then also differ by the
     * change of the discretization, which the estimate cannot tell from a time
     * error. Counts the rejections; throws SolverError once the step falls
     * below the minimum. Returns whether the step stands.
     */
    bool
    judge_step(TimeStepController   &controller,
               StepStatistics       &statistics,
               double                dt,
               const AttemptOutcome &outcome,
               double                time,
               const std::string    &time_unit);


    /**
     * The time-stepping part of a multistep model's checkpoint: time,
     * step, statistics, the controller's proposal, the last step sizes and
     * how many states the model keeps (their vectors are saved apart).
     */
    void
    save_step_history(CheckpointState           &state,
                      double                     time,
                      unsigned int               step,
                      const StepStatistics      &statistics,
                      const TimeStepController  &controller,
                      const std::vector<double> &steps,
                      unsigned int               n_states);

    /// Read what save_step_history wrote; returns the number of states.
    unsigned int
    load_step_history(const CheckpointState &state,
                      double                &time,
                      unsigned int          &step,
                      StepStatistics        &statistics,
                      TimeStepController    &controller,
                      std::vector<double>   &steps);
  } // namespace fem
} // namespace vitrum

#endif
