"""Rectification, licence actions, escalations, counterfeit cases, tips: later issues."""
