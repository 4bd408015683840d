"""Helpers for the Wuzhen corpus notebooks: loading, text policy, themes, figures, plotting."""
