// Filled in by the explorables and self-check work; see nblib/explorable.py and nblib/exercises.py.
