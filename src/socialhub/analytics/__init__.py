"""Analytics: online detectors over the stored stream (see the detection issue)."""
