import { readLines } from '/work/main/src/ingest/read-lines.js';
import Database from 'better-sqlite3';
const file = '/tmp/pb-scale-test/papers-20000.jsonl.gz';
let t = performance.now(); let n = 0; const rows: any[] = [];
for await (const line of readLines(file)) { rows.push(JSON.parse(line)); n++; }
console.log('read+parse', n, ((performance.now()-t)/1000).toFixed(2), 's');
for (const fts of [false, true]) {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE papers (pk INTEGER PRIMARY KEY, id TEXT UNIQUE, title TEXT, abstract TEXT, authors TEXT)`);
  if (fts) db.exec(`CREATE VIRTUAL TABLE f USING fts5(title, abstract, authors, content='papers', content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2')`);
  const ins = db.prepare('INSERT INTO papers (id,title,abstract,authors) VALUES (?,?,?,?)');
  const insf = fts ? db.prepare('INSERT INTO f (rowid,title,abstract,authors) VALUES (?,?,?,?)') : null;
  t = performance.now();
  const w = db.transaction((rs: any[]) => { for (const r of rs) { const pk = ins.run(r.id, r.title, r.summary, r.authors.join('\n')).lastInsertRowid; insf?.run(pk, r.title, r.summary, r.authors.join('\n')); } });
  for (let i = 0; i < rows.length; i += 1000) w(rows.slice(i, i + 1000));
  console.log(fts ? 'with fts' : 'table only', ((performance.now()-t)/1000).toFixed(2), 's', Math.round(rows.length/((performance.now()-t)/1000)), '/s');
}
