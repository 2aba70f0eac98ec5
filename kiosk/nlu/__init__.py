"""The per-venue intent model: training, artifacts, runtime matcher and evaluation."""
