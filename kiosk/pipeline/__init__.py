"""The conversation pipeline: stages, typed events and the bus that carries them."""
