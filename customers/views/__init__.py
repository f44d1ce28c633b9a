"""Customer administration views, one module per settings tab."""
