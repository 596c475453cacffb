// A station process for the file-mode tests, run with `node --import tsx` under `umask 000`:
//   modes-child DATA_HOME SYNC_DIR BACKUP_FILE
// opens the default database (creating its folder), records two receipts, closes the batch,
// writes the batch to SYNC_DIR and a backup; prints the modes of the database and its -wal and
// -shm while it is still open (they exist only then), as JSON.
import fs from 'node:fs';
import { backupTo } from '../../main/backup/backup.js';
import { Intake } from '../../main/intake/intake.js';
import { defaultDbPath } from '../../main/store/db.js';
import { Store } from '../../main/store/store.js';
import { syncToFolder } from '../../main/sync/folder.js';
import { rollRow, seedRoll } from '../helpers/station.js';

const [dataHome, syncDir, backupFile] = process.argv.slice(2);
if (!dataHome || !syncDir || !backupFile) throw new Error('usage: modes-child DATA_HOME SYNC_DIR BACKUP_FILE');
const dbPath = defaultDbPath({ XDG_DATA_HOME: dataHome });
const store = Store.open(dbPath, { createFolder: true });
seedRoll(store, [rollRow({ ballotId: 'MODE-0001' }), rollRow({ ballotId: 'MODE-0002' })]);
const intake = new Intake(store, 'MAIL-1');
intake.scan({ raw: 'MODE-0001', operator: 'clara' });
intake.scan({ raw: 'MODE-0002', operator: 'clara' });
intake.closeBatch(null, 2, 'sue');
await syncToFolder(store, syncDir, 'csv');
await backupTo(store, backupFile);
const mode = (f: string) => fs.statSync(f).mode & 0o777;
process.stdout.write(`${JSON.stringify({ db: mode(dbPath), wal: mode(`${dbPath}-wal`), shm: mode(`${dbPath}-shm`), dbPath })}\n`);
store.close();
