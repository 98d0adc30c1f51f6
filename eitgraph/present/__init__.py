"""Presentation shared by every output: words in French and English, units, numbers and dates
(:mod:`.text`, words in :mod:`.phrases`), colours (:mod:`.palette`) and the one anonymisation policy
(:mod:`.anonymity`)."""
