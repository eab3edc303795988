#!/usr/bin/env python3
# Which B-trees a command writes: runs `ordo_bench approval` (NORMAL) while a reader pins the
# WAL (so no checkpoint resets it), then attributes each WAL frame of the last 2 x N transactions
# (N approvals: a start and a completion each) to its table or index through SQLite's dbstat.
#   /usr/bin/python3 bench/wal_pages.py BUILD_DIR/bench/ordo_bench bpmn-samples/leave-approval.bpmn [N]
import collections, os, sqlite3, struct, subprocess, sys, tempfile, time

bench, model = sys.argv[1], sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
db = os.path.join(tempfile.mkdtemp(), 'wal.db')
env = dict(os.environ, ORDO_BENCH_KEEP='1')  # the bench keeps its file
proc = subprocess.Popen([bench, 'approval', db, 'normal', str(n + 100), '1', model],
                        stdout=subprocess.PIPE, text=True, env=env)
pin = None
while pin is None:  # a read transaction as soon as the schema exists (the first 100 approvals run meanwhile)
    try:
        c = sqlite3.connect(db, isolation_level=None)
        c.execute('BEGIN')
        c.execute('SELECT count(*) FROM instances').fetchone()
        pin = c
    except sqlite3.Error:
        time.sleep(0.0005)
print(proc.communicate()[0].strip().splitlines()[-1])
wal = open(db + '-wal', 'rb').read()
pin.execute('COMMIT')
page = struct.unpack('>I', wal[8:12])[0]
transactions, current, off = [], [], 32
while off + 24 + page <= len(wal):
    pgno, commit = struct.unpack('>II', wal[off:off + 8])
    current.append(pgno)
    if commit:
        transactions.append(current)
        current = []
    off += 24 + page
measured = transactions[-2 * n:]
owner = {pgno: name for name, pgno in sqlite3.connect(db).execute('SELECT name, pageno FROM dbstat')}
counts = collections.Counter(owner.get(p, '(free or new)') for t in measured for p in t)
print(f'transactions {len(measured)}, WAL frames per command {sum(counts.values()) / len(measured):.1f}')
for name, k in counts.most_common():
    print(f'  {name:28} {k / len(measured):.2f}')
for s in ('', '-wal', '-shm'):
    if os.path.exists(db + s): os.remove(db + s)
