"""A synthetic Kazakhstan-like world: territory, bodies, companies, people, procurement, planted schemes.

``adal synth`` writes it: OCDS releases, registers and the ground truth of every planted case, the same
bytes for the same seed and version. See ``docs/synthetic-world.md``.
"""
