"""Customer administration views (issue 6), one module per settings tab."""
