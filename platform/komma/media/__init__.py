"""Uploaded images: unguessable file names and no EXIF/GPS metadata."""
