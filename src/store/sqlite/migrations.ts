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
  // Reserved: version 2 harvest state, version 3 community, version 4 mail. Add yours in that order.
];
