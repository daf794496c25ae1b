"""Bytes to plain data and back: YAML with line numbers, splits, exports, history CSV."""
