"""Speech: audio sources, endpointing, Vosk recognition, pyttsx3 speech, lip-sync, barge-in."""
