"""Progress people can see: stats and leaderboard images, weekly recaps, the weak-topic
drill, and exports (CSV history, Anki decks).

Importing this package is cheap: matplotlib is imported only by the modules that draw
(`stats_chart`, `leaderboard_chart`, `canvas`, `fonts`), and only when they draw.
"""
