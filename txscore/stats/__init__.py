"""Statistics that work on any DataFrame, without a study.

:mod:`txscore.stats.reliability` (Cronbach's alpha with its Feldt interval, standardised
alpha, omega total, item statistics) and :mod:`txscore.stats.drivers` (Johnson's relative
weights and the Shapley/LMG decomposition with bootstrap intervals).  Their main functions
are also ``txscore.stats.reliability`` and ``txscore.stats.drivers``.
"""
