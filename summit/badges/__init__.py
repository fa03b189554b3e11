"""Badges (胸卡) with QR codes, badge PDFs in Chinese, and check-in (签到) at the door."""
