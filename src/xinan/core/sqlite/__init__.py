"""SQLite for xinan: Django's backend with writers queueing on a file lock (see ``base``)."""
