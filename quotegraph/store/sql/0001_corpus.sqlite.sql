-- The corpus: articles, their attributions and entities, and the sources they share.
-- Column meanings: docs/database.md.

CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    text_sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    date TEXT,
    month TEXT,
    title TEXT,
    url TEXT,
    publisher TEXT,
    byline TEXT,
    n_attributions INTEGER NOT NULL,
    schema_version TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);

CREATE TABLE sources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    role TEXT
);

CREATE TABLE source_aliases (
    source_id INTEGER NOT NULL REFERENCES sources(id),
    alias TEXT NOT NULL,
    PRIMARY KEY (source_id, alias)
);

CREATE TABLE entities (
    article_id TEXT NOT NULL REFERENCES articles(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    source_id INTEGER REFERENCES sources(id),
    PRIMARY KEY (article_id, id)
);

CREATE TABLE attributions (
    article_id TEXT NOT NULL REFERENCES articles(id),
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    act TEXT,
    confidence REAL NOT NULL,
    source_start INTEGER,
    source_end INTEGER,
    source_text TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    cue_text TEXT,
    content_start INTEGER NOT NULL,
    content_end INTEGER NOT NULL,
    content_text TEXT NOT NULL,
    content_parts TEXT,
    speaker_entity TEXT,
    speaker_name TEXT,
    speaker_type TEXT,
    role TEXT,
    affiliation TEXT,
    source_id INTEGER REFERENCES sources(id),
    time_start INTEGER,
    time_end INTEGER,
    time_text TEXT,
    time_value TEXT,
    time_value_end TEXT,
    responds_to TEXT,
    continues TEXT,
    PRIMARY KEY (article_id, id)
);

CREATE TABLE failures (
    input TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    failed_at TEXT NOT NULL
);

-- Porter stemming, as PostgreSQL's 'english' configuration does: "warned" finds "warns".
CREATE VIRTUAL TABLE attributions_fts USING fts5(
    article_id UNINDEXED, attribution_id UNINDEXED, content, source, tokenize = 'porter unicode61'
);

CREATE INDEX attributions_source_id ON attributions (source_id);
CREATE INDEX attributions_responds_to ON attributions (article_id, responds_to);
CREATE INDEX articles_date ON articles (date);
CREATE INDEX articles_publisher ON articles (publisher);
