/**
 * Versioned schema. Append new migrations; never edit one that has shipped. Each runs in a
 * transaction and is recorded in schema_migrations, so start-up only applies what is missing.
 */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'papers and full-text index',
    sql: `
      CREATE TABLE papers (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        is_arxiv INTEGER NOT NULL,
        version INTEGER,
        title TEXT NOT NULL,
        -- Names joined by newlines: ordered, and tokenized as separate words by FTS5.
        authors TEXT NOT NULL,
        abstract TEXT NOT NULL,
        -- Space-separated, primary first; paper_categories indexes them for filtering.
        categories TEXT NOT NULL,
        published_at TEXT,
        updated_at TEXT,
        feed_date TEXT NOT NULL,
        comment TEXT,
        journal_ref TEXT,
        doi TEXT,
        code_url TEXT,
        project_url TEXT,
        upvotes INTEGER NOT NULL DEFAULT 0,
        submitter_user TEXT,
        submitter_fullname TEXT,
        submitter_avatar TEXT,
        github_stars INTEGER,
        ai_summary TEXT,
        ai_keywords TEXT NOT NULL DEFAULT '[]',
        organization TEXT,
        num_comments INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX papers_by_feed_day ON papers (feed_date, upvotes DESC);
      CREATE INDEX papers_by_submitter ON papers (submitter_user) WHERE submitter_user IS NOT NULL;

      CREATE TABLE paper_categories (
        category TEXT NOT NULL,
        paper_pk INTEGER NOT NULL REFERENCES papers (pk) ON DELETE CASCADE,
        PRIMARY KEY (category, paper_pk)
      ) WITHOUT ROWID;
      CREATE INDEX paper_categories_by_paper ON paper_categories (paper_pk);

      CREATE VIRTUAL TABLE papers_fts USING fts5 (
        title, abstract, authors,
        content = 'papers', content_rowid = 'pk',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
        INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (new.pk, new.title, new.abstract, new.authors);
      END;
      CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
        INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
          VALUES ('delete', old.pk, old.title, old.abstract, old.authors);
      END;
      CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors ON papers BEGIN
        INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
          VALUES ('delete', old.pk, old.title, old.abstract, old.authors);
        INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (new.pk, new.title, new.abstract, new.authors);
      END;
      -- Title matches count twice as much as abstract ones, authors half (see bench:relevance).
      INSERT INTO papers_fts (papers_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0, 0.5)');
    `,
  },
  {
    version: 2,
    name: 'harvest checkpoints and runs',
    sql: `
      -- One row per OAI-PMH set ('' = the whole repository): where the next harvest starts.
      CREATE TABLE harvest_checkpoints (
        set_spec TEXT PRIMARY KEY,
        last_datestamp TEXT,
        -- A run stopped between pages: resume with this token (exclusive with a fresh from/until).
        pending_token TEXT,
        pending_from TEXT,
        pending_until TEXT,
        pending_pages INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE harvest_runs (
        id INTEGER PRIMARY KEY,
        set_spec TEXT NOT NULL,
        from_date TEXT,
        until_date TEXT,
        resumed INTEGER NOT NULL DEFAULT 0,
        -- host:pid of the process running it, to tell a live run from one that was killed.
        owner TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        pages INTEGER NOT NULL DEFAULT 0,
        records INTEGER NOT NULL DEFAULT 0,
        inserted INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        deleted INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        error TEXT
      );
    `,
  },
  {
    version: 3,
    name: 'community: accounts, sessions, votes, comments, collections, moderation',
    sql: `
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        -- scrypt, with its parameters (community/password.ts); never a plain password.
        password_hash TEXT NOT NULL,
        fullname TEXT NOT NULL,
        is_admin INTEGER NOT NULL DEFAULT 0,
        suspended_at TEXT,
        created_at TEXT NOT NULL
      );
      -- id is the SHA-256 of the cookie token, so a copy of the database opens no session.
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_by_user ON sessions (user_id);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);
      -- window_start/reset in epoch ms; a window starts at a key's first hit.
      CREATE TABLE rate_limits (
        key TEXT PRIMARY KEY,
        window_start INTEGER NOT NULL,
        window_end INTEGER NOT NULL,
        count INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX rate_limits_by_end ON rate_limits (window_end);

      -- Users are never deleted (only suspended), so the counts kept on papers stay true; a paper deleted
      -- from arXiv's record takes its votes, comments and collection entries with it.
      CREATE TABLE votes (
        user_id INTEGER NOT NULL REFERENCES users (id),
        paper_pk INTEGER NOT NULL REFERENCES papers (pk) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, paper_pk)
      ) WITHOUT ROWID;
      CREATE INDEX votes_by_paper ON votes (paper_pk);
      CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        paper_pk INTEGER NOT NULL REFERENCES papers (pk) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users (id),
        parent_id INTEGER REFERENCES comments (id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        edited_at TEXT,
        deleted_at TEXT,
        hidden_at TEXT
      );
      CREATE INDEX comments_by_paper ON comments (paper_pk, id);
      CREATE INDEX comments_by_user ON comments (user_id);
      CREATE TABLE collections (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        name TEXT NOT NULL,
        is_public INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        UNIQUE (user_id, name COLLATE NOCASE)
      );
      CREATE TABLE collection_papers (
        collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
        paper_pk INTEGER NOT NULL REFERENCES papers (pk) ON DELETE CASCADE,
        added_at TEXT NOT NULL,
        PRIMARY KEY (collection_id, paper_pk)
      ) WITHOUT ROWID;
      CREATE INDEX collection_papers_by_paper ON collection_papers (paper_pk);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id INTEGER REFERENCES users (id),
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        reason TEXT NOT NULL
      );

      ALTER TABLE papers ADD COLUMN hidden_at TEXT;
      -- Distinct users with a visible comment: what the trending score counts (one person, one voice).
      ALTER TABLE papers ADD COLUMN commenters INTEGER NOT NULL DEFAULT 0;
      -- rank/trending.ts: log10(max(1, upvotes + commenters / 2)) + days since 2020-01-01 (JD 2458849.5) / 7.
      -- Generated, so every writer of papers (importers, harvest, votes) keeps it right without knowing it.
      ALTER TABLE papers ADD COLUMN trending_score REAL GENERATED ALWAYS AS (
        log10(max(upvotes + commenters / 2.0, 1.0)) + (julianday(feed_date) - 2458849.5) / 7.0
      ) VIRTUAL;
      -- Feeds and trending read only visible papers; this index answers their filter, order and count
      -- without touching the rows (whose abstracts spill into overflow pages).
      CREATE INDEX papers_visible_by_day ON papers (feed_date, upvotes DESC, trending_score DESC)
        WHERE hidden_at IS NULL;
    `,
  },
  {
    version: 4,
    name: 'mail subscriptions and send log',
    sql: `
      -- AUTOINCREMENT: ids are signed into links in mail already sent, so one must never name someone else.
      CREATE TABLE mail_subscribers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'unsubscribed', 'bouncing')),
        created_at TEXT NOT NULL,
        status_changed_at TEXT NOT NULL,
        bounce_reason TEXT
      );
      CREATE TABLE mail_topics (
        subscriber_id INTEGER NOT NULL REFERENCES mail_subscribers (id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        digest TEXT NOT NULL CHECK (digest IN ('daily', 'weekly', 'alerts')),
        created_at TEXT NOT NULL,
        PRIMARY KEY (subscriber_id, topic)
      ) WITHOUT ROWID;
      CREATE INDEX mail_topics_by_digest ON mail_topics (digest, subscriber_id);
      -- A subscribe request: its topics apply only once its confirmation link is followed.
      CREATE TABLE mail_confirmations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        subscriber_id INTEGER NOT NULL REFERENCES mail_subscribers (id) ON DELETE CASCADE,
        topics TEXT NOT NULL,
        created_at TEXT NOT NULL,
        confirmed_at TEXT
      );
      -- The send log: one row per subscriber and issue ('daily:2026-11-26', 'confirm:17').
      CREATE TABLE mail_deliveries (
        id INTEGER PRIMARY KEY,
        subscriber_id INTEGER NOT NULL REFERENCES mail_subscribers (id) ON DELETE CASCADE,
        issue TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'bounced', 'skipped')),
        content TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        -- The server's reply when it accepted the message (its queue id), for tracing one message.
        smtp_response TEXT,
        UNIQUE (subscriber_id, issue)
      );
      CREATE INDEX mail_deliveries_open ON mail_deliveries (kind, issue, next_attempt_at)
        WHERE status IN ('pending', 'sending');
      -- Every paper a subscriber was sent (or promised, by a row not yet sent) in each digest: never twice.
      CREATE TABLE mail_sent_papers (
        subscriber_id INTEGER NOT NULL REFERENCES mail_subscribers (id) ON DELETE CASCADE,
        digest TEXT NOT NULL,
        paper_id TEXT NOT NULL,
        delivery_id INTEGER NOT NULL,
        PRIMARY KEY (subscriber_id, digest, paper_id)
      ) WITHOUT ROWID;
      -- Leases on jobs that must run once at a time (a digest issue, the confirmation outbox).
      CREATE TABLE mail_jobs (
        name TEXT PRIMARY KEY,
        owner TEXT,
        lease_expires_at INTEGER,
        started_at TEXT NOT NULL,
        finished_at TEXT
      );
    `,
  },
  {
    version: 5,
    name: 'search: visible papers only in the index, filter facets',
    sql: `
      -- Hidden papers leave the full-text index, so an unfiltered search needs no join to papers to skip
      -- them. The index has external content: a row may only be deleted with the values it was indexed with.
      DROP TRIGGER papers_fts_insert;
      DROP TRIGGER papers_fts_delete;
      DROP TRIGGER papers_fts_update;
      INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
        SELECT 'delete', pk, title, abstract, authors FROM papers WHERE hidden_at IS NOT NULL;
      CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers WHEN new.hidden_at IS NULL BEGIN
        INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (new.pk, new.title, new.abstract, new.authors);
      END;
      CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers WHEN old.hidden_at IS NULL BEGIN
        INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
          VALUES ('delete', old.pk, old.title, old.abstract, old.authors);
      END;
      CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors, hidden_at ON papers BEGIN
        INSERT INTO papers_fts (papers_fts, rowid, title, abstract, authors)
          SELECT 'delete', old.pk, old.title, old.abstract, old.authors WHERE old.hidden_at IS NULL;
        INSERT INTO papers_fts (rowid, title, abstract, authors)
          SELECT new.pk, new.title, new.abstract, new.authors WHERE new.hidden_at IS NULL;
      END;
      -- Queries ordered by rank weigh columns as search does (BM25_WEIGHTS in fts-query.ts).
      INSERT INTO papers_fts (papers_fts, rank) VALUES ('rank', 'bm25(3.0, 1.0, 0.5)');

      -- What search filters and sorts on, in rows small enough to stay in the page cache: joining a common
      -- word's 60,000 matches to papers would read every one of their abstracts.
      CREATE TABLE paper_facets (
        pk INTEGER PRIMARY KEY REFERENCES papers (pk) ON DELETE CASCADE,
        feed_date TEXT NOT NULL,
        upvotes INTEGER NOT NULL,
        has_code INTEGER NOT NULL
      );
      INSERT INTO paper_facets (pk, feed_date, upvotes, has_code)
        SELECT pk, feed_date, upvotes, code_url IS NOT NULL FROM papers;
      CREATE TRIGGER paper_facets_insert AFTER INSERT ON papers BEGIN
        INSERT INTO paper_facets (pk, feed_date, upvotes, has_code)
          VALUES (new.pk, new.feed_date, new.upvotes, new.code_url IS NOT NULL);
      END;
      CREATE TRIGGER paper_facets_update AFTER UPDATE OF feed_date, upvotes, code_url ON papers BEGIN
        UPDATE paper_facets SET feed_date = new.feed_date, upvotes = new.upvotes, has_code = new.code_url IS NOT NULL
          WHERE pk = new.pk;
      END;
    `,
  },
  {
    version: 6,
    name: 'recommend: not-interested marks and cached per-user models',
    sql: `
      -- Explicit negatives for a user's recommendations (see src/recommend).
      CREATE TABLE not_interested (
        user_id INTEGER NOT NULL REFERENCES users (id),
        paper_pk INTEGER NOT NULL REFERENCES papers (pk) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (user_id, paper_pk)
      ) WITHOUT ROWID;
      -- A user's trained model and the feedback it was trained on (JSON, written by src/recommend only), so a
      -- restart or another node does not train it again.
      CREATE TABLE recommendation_models (
        user_id INTEGER PRIMARY KEY REFERENCES users (id),
        model TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 7,
    name: 'search: facet orders',
    sql: `
      -- Search sorted by date or upvotes walks these and stops at the page, instead of sorting every match.
      CREATE INDEX paper_facets_by_day ON paper_facets (feed_date, pk);
      CREATE INDEX paper_facets_by_upvotes ON paper_facets (upvotes, feed_date, pk);
    `,
  },
  // --- mail ---
  {
    version: 8,
    name: 'mail: personal digests',
    sql: `
      -- SQLite cannot change a CHECK constraint: the table is built again with 'personal' allowed.
      CREATE TABLE mail_topics_v8 (
        subscriber_id INTEGER NOT NULL REFERENCES mail_subscribers (id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        digest TEXT NOT NULL CHECK (digest IN ('daily', 'weekly', 'alerts', 'personal')),
        created_at TEXT NOT NULL,
        PRIMARY KEY (subscriber_id, topic)
      ) WITHOUT ROWID;
      INSERT INTO mail_topics_v8 (subscriber_id, topic, digest, created_at)
        SELECT subscriber_id, topic, digest, created_at FROM mail_topics;
      DROP TABLE mail_topics;
      ALTER TABLE mail_topics_v8 RENAME TO mail_topics;
      CREATE INDEX mail_topics_by_digest ON mail_topics (digest, subscriber_id);
    `,
  },
  // --- search ---
  {
    version: 9,
    name: 'search: the full-text index merges sixteen segments at a time',
    sql: `
      -- Every commit adds a segment to the index, and FTS5 merges a level's segments into one once it has
      -- this many (4 by default). Merging fewer, larger groups rewrites posting lists less often: importing
      -- the 74,728-paper listing wrote 310 MB of pages instead of 417, and its store time fell by a fifth.
      -- Searches read a few more segments; the search benchmark's latencies stayed within their noise.
      INSERT INTO papers_fts (papers_fts, rank) VALUES ('automerge', 16);
    `,
  },
  // Reserved: version 2 harvest state, version 3 community, version 4 mail. Add yours in that order.
];
