"""Statistics that work on any DataFrame or array, without a study (the lowest layer but
errors and I/O).

- :mod:`txscore.stats.inference`: intervals (Wilson, net, adjusted Wald), base-size flags
  and suppression, resample counts and normal-law resample sums, Kish's effective base,
  Benjamini-Hochberg.
- :mod:`txscore.stats.moments`: weighted covariance matrices from moment sums, of a sample
  and of its bootstrap resamples.
- :mod:`txscore.stats.reliability`: Cronbach's alpha with its Feldt interval, standardised
  alpha, omega total, item statistics and verdict codes, all from complete-case moments.
- :mod:`txscore.stats.drivers`: Johnson's relative weights and the Shapley/LMG
  decomposition with bootstrap intervals.
- :mod:`txscore.stats.weighting`: raking to population margins with a cap.

``txscore.reliability`` and ``txscore.drivers`` are the notebook faces of the main
functions.
"""
