"""The avatar: one parameter vector, drivers that move it, 2D and 3D renderers that draw it."""
