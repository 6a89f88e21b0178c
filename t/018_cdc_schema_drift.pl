# t/018_cdc_schema_drift.pl: a sync while its source's columns change and
# its target is vacuumed, under pgbench load (src/cdc/cdc_schema.c):
#  - ADD COLUMN (with and without a default), DROP COLUMN, RENAME COLUMN
#    and widening type changes (int4 -> int8, varchar(10) -> text,
#    varchar(5) -> varchar(20), numeric(10,2) -> numeric(12,2)) on the
#    source are followed by the target: afterwards the target has the same
#    columns (names, types, order) and the same rows (EXCEPT ALL both ways);
#  - a type change the target cannot take (text -> integer) stops the sync
#    in state 'error' with nothing lost; after the user changes the target
#    column, olap.resume_sync catches up;
#  - VACUUM (compaction of the target's stripes) and an index build on the
#    target while the worker applies inserts lose nothing.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use OlapTest qw(cdc_node);
use IPC::Run;

my $node = cdc_node('cdcdrift');

$node->safe_psql(
	'postgres', q{
CREATE EXTENSION olap_ext;
CREATE TABLE src (id bigint PRIMARY KEY, v text, a int, b varchar(10),
				  c numeric(10,2), d text, e int, f varchar(5), g text);
INSERT INTO src SELECT i, md5(i::text), i, 'b' || i % 1000, i / 7.0,
	'd' || i, i % 13, 'f' || i % 100, (i % 50)::text
FROM generate_series(1, 20000) i;
SELECT olap.create_sync('src', 'dst');
});
ok($node->poll_query_until('postgres',
		q{SELECT state = 'streaming' FROM olap.syncs}),
	'the sync streams');

# pgbench touches only id and v, which no DDL below changes
my $script = $node->basedir . '/mix.sql';
open(my $fh, '>', $script) or die $!;
print $fh q{
\set u random(1, 25000)
UPDATE src SET v = md5(v) WHERE id = :u;
\set i random(20001, 2000000)
INSERT INTO src (id, v) VALUES (:i, 'ins') ON CONFLICT (id) DO UPDATE SET v = 'upsert';
\set d random(1, 25000)
DELETE FROM src WHERE id = :d;
};
close $fh;

sub start_pgbench
{
	my ($seconds) = @_;
	my ($out, $err) = ('', '');
	return IPC::Run::start(
		[
			'pgbench', '-n', '-c', '2', '-T', $seconds, '-f', $script,
			'-h', $node->host, '-p', $node->port, 'postgres'
		],
		'>', \$out, '2>', \$err);
}

my $same_rows = q{SELECT NOT EXISTS (SELECT * FROM src EXCEPT ALL SELECT * FROM dst)
					AND NOT EXISTS (SELECT * FROM dst EXCEPT ALL SELECT * FROM src)};

# "name type" of the live columns of $rel, in order
sub columns_of
{
	my ($rel) = @_;
	return $node->safe_psql(
		'postgres', qq{
SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
FROM pg_attribute WHERE attrelid = '$rel'::regclass AND attnum > 0 AND NOT attisdropped});
}

# the source's DDL, each followed by writes that use the changed columns
my $bench = start_pgbench(8);
for my $ddl (
	q{ALTER TABLE src ADD COLUMN h int},
	q{UPDATE src SET h = id % 11 WHERE id % 3 = 0},
	q{ALTER TABLE src ADD COLUMN k text DEFAULT 'kdef'},
	q{ALTER TABLE src DROP COLUMN d},
	q{UPDATE src SET k = 'k' || id WHERE id % 5 = 0},
	q{ALTER TABLE src RENAME COLUMN e TO e2},
	q{UPDATE src SET e2 = -e2 WHERE id % 4 = 0},
	q{ALTER TABLE src ALTER COLUMN a TYPE bigint},
	q{UPDATE src SET a = a + 5000000000 WHERE id % 6 = 0},
	q{ALTER TABLE src ALTER COLUMN b TYPE text},
	q{UPDATE src SET b = repeat('long', 10) WHERE id % 7 = 0},
	q{ALTER TABLE src ALTER COLUMN c TYPE numeric(12,2)},
	q{UPDATE src SET c = 1234567890.12 WHERE id % 8 = 0},
	q{ALTER TABLE src ALTER COLUMN f TYPE varchar(20)},
	q{UPDATE src SET f = 'a longer f value' WHERE id % 9 = 0},
	q{BEGIN; INSERT INTO src (id, v, h) VALUES (3000001, 'one txn', 1);
	  ALTER TABLE src RENAME COLUMN h TO h2;
	  INSERT INTO src (id, v, h2) VALUES (3000002, 'one txn', 2); COMMIT})
{
	$node->safe_psql('postgres', $ddl);
	select(undef, undef, undef, 0.3);
}
$bench->finish;
ok($node->poll_query_until('postgres', $same_rows),
	'after ADD/DROP/RENAME COLUMN and widenings: same rows');
is(columns_of('dst'), columns_of('src'), 'the target has the source\'s columns');
# (last_error may hold a retried storage error, "could not fetch locked row")
is($node->safe_psql('postgres', q{SELECT state FROM olap.syncs}),
	'streaming', 'the sync still streams');

# a type change the target cannot take: error state, nothing lost
$node->safe_psql('postgres',
	q{ALTER TABLE src ALTER COLUMN g TYPE integer USING g::integer;
	  UPDATE src SET g = g + 1000 WHERE id % 10 = 0;});
ok( $node->poll_query_until(
		'postgres', q{SELECT state = 'error' FROM olap.syncs}),
	'an incompatible type change stops the sync');
like(
	$node->safe_psql('postgres', q{SELECT last_error FROM olap.syncs}),
	qr/column "g" of the sync source has type integer, but the target "dst" has type text/,
	'the error names the column and both types');
$node->safe_psql('postgres', q{INSERT INTO src (id, v, g) VALUES (4000000, 'while stopped', 7)});
$node->safe_psql('postgres',
	q{ALTER TABLE dst ALTER COLUMN g TYPE integer USING g::integer;
	  SELECT olap.resume_sync('dst');});
ok($node->poll_query_until('postgres', $same_rows),
	'after fixing the target and resuming: same rows');
is(columns_of('dst'), columns_of('src'), 'and the same columns');

# VACUUM and an index build on the target while the worker applies new
# rows.  Inserts only: with updates and deletes, the batch that follows a
# compaction of the target fails on every retry with the storage error
# "could not fetch locked row" (known, src/storage/), so the sync never
# catches up; extend this to the pgbench mix once that is fixed.
open($fh, '>', $script) or die $!;
print $fh q{
\set i random(5000001, 900000000)
INSERT INTO src (id, v) VALUES (:i, 'vacuum phase') ON CONFLICT (id) DO NOTHING;
};
close $fh;
$bench = start_pgbench(6);
my $vacuums = 0;
my $deadline = time() + 5;
while (time() < $deadline)
{
	$node->safe_psql('postgres', 'VACUUM dst');
	$vacuums++;
	$node->safe_psql('postgres', 'CREATE INDEX dst_v ON dst (v); DROP INDEX dst_v;')
	  if $vacuums % 3 == 0;
}
$bench->finish;
ok($vacuums > 3, "the target was vacuumed $vacuums times during apply");
ok($node->poll_query_until('postgres', $same_rows),
	'after VACUUM of the target during apply: same rows');
is( $node->safe_psql('postgres',
		q{SELECT count(*) = count(DISTINCT id) FROM dst}),
	't', 'no duplicate key in the target');
is($node->safe_psql('postgres', q{SELECT state FROM olap.syncs}),
	'streaming', 'the sync streams on');

$node->safe_psql('postgres', q{SELECT olap.drop_sync('dst')});
$node->stop;
done_testing();
