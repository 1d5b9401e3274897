"""Synthetic Kazakhstan-like procurement world: reference data (``adal.synth.data``) and its generator."""
