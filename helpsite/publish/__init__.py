"""One build: the content of a build, its atomic publishing, the page safety (CSP), the record frame."""
