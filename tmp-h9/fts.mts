import { readLines } from '/work/main/src/ingest/read-lines.js';
import Database from 'better-sqlite3';
const file = '/tmp/pb-scale-test/papers-20000.jsonl.gz';
const rows: any[] = [];
for await (const line of readLines(file)) rows.push(JSON.parse(line));
for (const [label, tok, batch, setup] of [
  ['porter b1000', 'porter unicode61 remove_diacritics 2', 1000, ''],
  ['porter b10000', 'porter unicode61 remove_diacritics 2', 10000, ''],
  ['porter b1000 automerge0', 'porter unicode61 remove_diacritics 2', 1000, "INSERT INTO f(f, rank) VALUES('automerge', 0)"],
  ['porter b1000 pgsz8k+crisis', 'porter unicode61 remove_diacritics 2', 1000, "INSERT INTO f(f, rank) VALUES('crisismerge', 64)"],
  ['unicode61 b1000', 'unicode61 remove_diacritics 2', 1000, ''],
] as const) {
  const db = new Database('/tmp/pb-fts-test.db'); db.pragma('journal_mode=WAL'); db.pragma('synchronous=NORMAL');
  db.exec('DROP TABLE IF EXISTS f; DROP TABLE IF EXISTS papers;');
  db.exec(`CREATE TABLE papers (pk INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, abstract TEXT, authors TEXT)`);
  db.exec(`CREATE VIRTUAL TABLE f USING fts5(title, abstract, authors, content='papers', content_rowid='pk', tokenize='${tok}')`);
  if (setup) db.exec(setup);
  const ins = db.prepare('INSERT INTO papers (id,title,abstract,authors) VALUES (?,?,?,?)');
  const insf = db.prepare('INSERT INTO f (rowid,title,abstract,authors) VALUES (?,?,?,?)');
  const t = performance.now();
  const w = db.transaction((rs: any[]) => { for (const r of rs) { const pk = ins.run(r.id, r.title, r.summary, r.authors.join('\n')).lastInsertRowid; insf.run(pk, r.title, r.summary, r.authors.join('\n')); } });
  for (let i = 0; i < rows.length; i += batch) w(rows.slice(i, i + batch));
  console.log(label, Math.round(rows.length/((performance.now()-t)/1000)), '/s');
  db.close();
}
