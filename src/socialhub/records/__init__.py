"""Record formats shared by several layers (pure: no I/O, no store).

:mod:`.chain` is the append-only hash chain behind the engagement audit log and the
legal chain of custody.
"""
