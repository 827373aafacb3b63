-- quizbot schema, version 11: one overall send budget for several replicas of the bot on
-- one database (scheduler/sharedlimits.py). A row per platform holds the next free moment
-- of its shared send sequence (wall-clock seconds since the epoch); each replica moves it
-- on by the slots it takes, in one statement. A single process never writes it.

CREATE TABLE send_pace (
    platform TEXT PRIMARY KEY,
    next_at REAL NOT NULL
);
