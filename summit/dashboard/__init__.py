"""The organizer's dashboard: every feature's figures on one page and in one workbook."""
