import pytest

# The harness asserts on behalf of every table: let pytest show what differed.
pytest.register_assert_rewrite("tests.rules.table")
