"""The Mejora en Red gateway."""
