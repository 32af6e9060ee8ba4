"""`python -m kplay ARGS...`: the same as the `kplay` console script."""

from ._launcher import main

main()
