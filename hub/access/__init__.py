"""Purpose and data-sharing rules, and protected addresses."""
