"""The apps' documentation screenshots, rendered offscreen against a temporary dispatcher."""
