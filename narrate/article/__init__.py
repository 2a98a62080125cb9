"""What is read: fetch a page, read HTML, Markdown or text into a draft, clean it, cut it into sections.

Uses only the hall's `models`, `errors` and `config`; knows nothing of speech, audio or the podcast.
"""
