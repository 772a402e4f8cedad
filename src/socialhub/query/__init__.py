"""The query language: one parser, a linter, a streaming matcher and SQL compilers."""
