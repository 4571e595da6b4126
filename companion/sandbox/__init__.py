"""A local reference platform: the platform API v1, sample courses, fault injection.

Used by demo mode (no platform configured), by the tests over real HTTP on 127.0.0.1 and
by the benchmarks. Its Flask and markdown-it-py come with every install of the app (issue 26).
"""
