"""Following a publication: read its feeds, sitemaps and lists, remember what was seen and built,
and keep a show up to date with every new or changed article, in a folder or on remote storage."""
