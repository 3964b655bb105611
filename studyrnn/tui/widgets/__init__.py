"""Reusable widgets: the card a learner answers, the rating bar, the verdict panel."""
