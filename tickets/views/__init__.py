"""Agent views of tickets, split by screen: search, zoom, create, actions, preferences."""
