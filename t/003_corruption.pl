# t/003_corruption.pl: damaged olap data is detected and reported, never
# returned and never a crash.
#
# Bytes are flipped on disk (with the server stopped) in the middle of one
# chunk of a table (a chunk that spans several pages and does not start at
# its stream's first byte), in the CRC field of a chunk of another table,
# and in the metapage magic of a third.  Reading a damaged table must fail
# with ERRCODE_DATA_CORRUPTED (SQLSTATE XX001) naming the table and the
# place of the damage (from olap.chunks); the server must stay up, and the
# other tables, olap and heap, must read as before.
#
# Data checksums stay off (the initdb default here): the extension's own
# CRC32C is what must catch the damage.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use OlapTest;

my $node = PostgreSQL::Test::Cluster->new('corrupt');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'olap_ext'
autovacuum = off
});
$node->start;

is($node->safe_psql('postgres', 'SHOW data_checksums'),
	'off', 'data checksums are off: only the olap CRC protects the data');

$node->safe_psql('postgres', q{
	CREATE EXTENSION olap_ext;
	-- md5 text does not compress well: its chunks span several pages
	CREATE TABLE victim (id int, label text, amount numeric, at timestamptz) USING olap;
	INSERT INTO victim SELECT g, md5(g::text), g / 10.0,
		'2024-01-01 00:00+00'::timestamptz + g * interval '1 minute'
	FROM generate_series(1, 30000) g;
	CREATE TABLE crc_victim (id int, v text) USING olap;
	INSERT INTO crc_victim SELECT g, 'v' || (g % 10) FROM generate_series(1, 5000) g;
	CREATE TABLE meta_victim (id int) USING olap;
	INSERT INTO meta_victim SELECT generate_series(1, 1000);
	CREATE TABLE bystander (id int, label text, amount numeric) USING olap;
	INSERT INTO bystander SELECT g, md5(g::text), g / 3.0 FROM generate_series(1, 25000) g;
	CREATE TABLE heap_bystander (id int, label text, amount numeric);
	INSERT INTO heap_bystander SELECT g, md5(g::text), g / 3.0 FROM generate_series(1, 25000) g;
	CHECKPOINT;
});

my $image_sql = q{
	SELECT count(*) || ' ' || sum(id) || ' ' || md5(string_agg(label || ':' || amount, ',' ORDER BY id))
	FROM %s};
my %image;
for my $table (qw(bystander heap_bystander))
{
	$image{$table} = $node->safe_psql('postgres', sprintf($image_sql, $table));
}
is($image{bystander}, $image{heap_bystander}, 'the olap and heap bystanders hold the same rows');

# The chunk to damage in "victim": column label of chunk group 1 of the first
# stripe.
my ($stripe, $group, $attnum, $first_block, $byte_offset, $stored_bytes) =
  split /\|/, $node->safe_psql(
	'postgres', q{
	SELECT stripe_num, group_num, attr_num, first_block, byte_offset, stored_bytes
	FROM olap.chunks
	WHERE relation = 'victim'::regclass AND column_name = 'label' AND group_num = 1
	ORDER BY stripe_num LIMIT 1});
ok($stored_bytes > 2 * PAYLOAD, "the chunk to damage spans several pages ($stored_bytes bytes)");
ok($byte_offset > 0, 'the chunk to damage does not start its chunk group');

my ($crc_first_block, $crc_byte_offset) = split /\|/, $node->safe_psql(
	'postgres', q{
	SELECT first_block, byte_offset FROM olap.chunks
	WHERE relation = 'crc_victim'::regclass AND column_name = 'v'
	ORDER BY stripe_num, group_num LIMIT 1});

my %path;
for my $table (qw(victim crc_victim meta_victim))
{
	$path{$table} = $node->data_dir . '/'
	  . $node->safe_psql('postgres', "SELECT pg_relation_filepath('$table')");
}

# XORs the bytes at the given file offsets with 0xFF; returns the old bytes.
sub flip_bytes
{
	my ($file, @offsets) = @_;
	my $old = '';
	open(my $fh, '+<:raw', $file) or die "cannot open $file: $!";
	for my $off (@offsets)
	{
		my $byte;
		seek($fh, $off, 0) or die "seek: $!";
		read($fh, $byte, 1) == 1 or die "short read at $off in $file";
		$old .= $byte;
		seek($fh, $off, 0) or die "seek: $!";
		print $fh chr(ord($byte) ^ 0xFF) or die "write: $!";
	}
	close($fh) or die "close: $!";
	return $old;
}

$node->stop;

# four bytes in the middle of the chunk's payload
my $middle = $byte_offset + CHUNK_HEADER + int(($stored_bytes - CHUNK_HEADER) / 2);
my @victim_offsets = map { stream_file_offset($first_block, $middle + $_) } 0 .. 3;
ok( int($victim_offsets[0] / BLCKSZ) > $first_block,
	'the damaged bytes lie on a later page than the chunk group\'s first');
flip_bytes($path{victim}, @victim_offsets);

# two bytes of the CRC field of a chunk
flip_bytes($path{crc_victim}, map { stream_file_offset($crc_first_block, $crc_byte_offset + $_) } 1 .. 2);

# the metapage magic (file offset 24..27)
is(flip_bytes($path{meta_victim}, 24 .. 27), pack('L', 0x4F4C4150), 'the metapage magic was where expected');

$node->start;
my $started = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

my @victim_patterns = (
	qr/olap table "victim" is corrupted/,
	qr/stripe $stripe, chunk group $group, column $attnum\b/,
	qr/checksum mismatch/);

my $err = expect_corrupted($node, 'SELECT * FROM victim', 'full scan of the damaged table', @victim_patterns);
note "error reported: $err";
expect_corrupted($node, 'SELECT sum(amount), max(label) FROM victim', 'aggregate over the damaged table',
	@victim_patterns);
expect_corrupted($node, 'COPY victim TO STDOUT', 'COPY TO of the damaged table', @victim_patterns);
expect_corrupted($node, q{
	SET parallel_setup_cost = 0;
	SET parallel_tuple_cost = 0;
	SET min_parallel_table_scan_size = 0;
	SET max_parallel_workers_per_gather = 2;
	SET olap.parallel_cpus = 0;
	SELECT count(*), sum(id), max(v::text) FROM victim v},
	'parallel scan of the damaged table', @victim_patterns);
expect_corrupted($node, q{
	BEGIN;
	SELECT count(*) FROM bystander;
	SELECT label FROM victim ORDER BY id;
	COMMIT},
	'the damaged table read inside a transaction', @victim_patterns);
expect_corrupted($node, 'CREATE TABLE victim_copy AS SELECT * FROM victim',
	'CREATE TABLE AS from the damaged table', @victim_patterns);
expect_corrupted($node, 'ALTER TABLE victim SET ACCESS METHOD heap',
	'rewriting the damaged table', @victim_patterns);
is( $node->safe_psql(
		'postgres',
		q{SELECT a.amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.relname = 'victim'}),
	'olap',
	'the failed rewrite left the damaged table as it was');

expect_corrupted($node, 'SELECT * FROM crc_victim',
	'scan of a table with a damaged chunk checksum',
	qr/olap table "crc_victim" is corrupted/,
	qr/stripe \d+, chunk group \d+, column 2\b/,
	qr/checksum mismatch/);

expect_corrupted($node, 'SELECT * FROM meta_victim',
	'scan of a table with a damaged metapage',
	qr/"meta_victim"/,
	qr/metapage/);
expect_corrupted($node, 'INSERT INTO meta_victim VALUES (1001)',
	'insert into a table with a damaged metapage',
	qr/"meta_victim"/, qr/metapage/);

# the server survived all of that
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server still answers');
is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'),
	$started, 'the server did not restart');
ok(!$node->log_contains('terminated by signal'), 'no backend crashed');
ok(!$node->log_contains('all server processes terminated'), 'no crash-restart cycle');

# the other tables are unaffected
for my $table (qw(bystander heap_bystander))
{
	is($node->safe_psql('postgres', sprintf($image_sql, $table)),
		$image{$table}, "$table reads as before");
}
is( $node->safe_psql(
		'postgres', q{
		SET parallel_setup_cost = 0;
		SET parallel_tuple_cost = 0;
		SET min_parallel_table_scan_size = 0;
		SET max_parallel_workers_per_gather = 2;
		SET olap.parallel_cpus = 0;
		SELECT count(*) FROM bystander b JOIN heap_bystander h USING (id, label, amount)}),
	'25000',
	'parallel scan of the olap bystander matches the heap bystander');
is( $node->safe_psql(
		'postgres',
		q{SELECT row_count FROM olap.table_stats WHERE relation = 'bystander'::regclass}),
	'25000',
	'olap.table_stats reports the bystander');

# new rows can still be added to the table with the damaged chunk, and the
# damage is still reported (it is not cached away or hidden)
$node->safe_psql('postgres',
	"INSERT INTO victim SELECT g, 'new', 0, now() FROM generate_series(30001, 30010) g");
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM olap.stripes WHERE relation = 'victim'::regclass}),
	'2',
	'the damaged table accepted a new stripe');
expect_corrupted($node, 'SELECT * FROM victim', 'the damaged table after an insert', @victim_patterns);

# The monitoring views keep working for every table while one metapage is
# damaged: the damaged table shows no storage, with a warning.
{
	my ($ret, $stdout, $stderr) = $node->psql('postgres',
		'SELECT relation, row_count FROM olap.table_stats');
	is($ret, 0, 'olap.table_stats can be listed whole with a damaged metapage');
	like($stderr, qr/meta_victim.*bad metapage/, 'listing warns about the damaged metapage');
}

# A damaged table is still removable, so that it can be restored from a
# backup.
{
	my ($ret, $stdout, $stderr) = $node->psql('postgres', 'BEGIN; TRUNCATE meta_victim; ROLLBACK');
	is($ret, 0, 'a table with a damaged metapage can be truncated');
	($ret, $stdout, $stderr) = $node->psql('postgres', 'DROP TABLE meta_victim');
	is($ret, 0, 'a table with a damaged metapage can be dropped');
}
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server still answers at the end');

$node->stop;
done_testing();
