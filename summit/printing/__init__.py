"""Printing shared by badges and certificates: the PDF engine with its safe URL fetcher
(pdf.py), vector QR codes (qr.py) and the shipped CJK font slices (fonts/, built by fontbuild.py).

Not a feature: no views, no tables; features import it.
"""
