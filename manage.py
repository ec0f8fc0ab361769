#!/usr/bin/env python
"""Convenience wrapper: the same as the `opengov` console command."""

from opengov.manage import main

if __name__ == "__main__":
    main()
