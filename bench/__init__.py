"""The performance benchmark: `python -m bench.run --scale smoke|kecamatan|desa-1prov|desa`.

See docs/performance.md.
"""
