"""The satisfaction survey: one answer per closed return, and what staff do about low scores."""
