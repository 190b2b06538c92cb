"""Reference implementations the tests compare against (not tests themselves: pytest collects only test_*.py)."""
