"""Understanding and answering: language, normalisation, matching, dialog state."""
