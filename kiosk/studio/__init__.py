"""The staff studio: a Qt editor for venue packs, with validation, a try-it chat and analytics."""
