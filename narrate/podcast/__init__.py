"""The show: publishing episodes into a feed, checking feeds, the web page, the cover and the server.

Builds episodes through `narrate.pipeline`; never reaches into the article or speech rooms itself.
"""
