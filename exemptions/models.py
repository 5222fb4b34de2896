"""Inspection exemptions (免检, 第十六条): later issues."""
