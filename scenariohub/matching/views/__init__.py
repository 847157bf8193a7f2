"""Views of the matching app: they parse input, call a selector or a service, and render."""
